package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/workday"
)

// The 指南 shows the public only what the agency has given — no "未填写" rows (R2019 Art 12 lists what it contains:
// "政府信息公开工作机构的名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式") — and the fee rules of
// 国办函〔2020〕109号 with the thresholds as the 办法 has them, and links to the application form (issue 13, item 2).
func TestTheGuideShowsWhatIsGivenTheFeesAndTheForm(t *testing.T) {
	f := newFixture(t)
	resp, doc := get(t, f.client(t), f.srv.URL+"/agencies/2/guide")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("guide: %d", resp.StatusCode)
	}
	if body := doc.Find("main").Text(); strings.Contains(body, "未填写") {
		t.Error("the public guide shows 未填写 rows")
	}
	// The fixture's agency gave 机构名称, 办公地址, 联系电话 and 电子邮箱, not 办公时间, 传真 or 邮政编码.
	var labels []string
	doc.Find("dl.contacts dt").Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
	if got := strings.Join(labels, ","); got != "机构名称,办公地址,联系电话,电子邮箱" {
		t.Errorf("contact rows = %s", got)
	}
	if dd := doc.Find("dl.contacts dt:contains('联系电话') + dd").Text(); dd != "0531-87883760" {
		t.Errorf("联系电话 = %q", dd)
	}
	fees := doc.Find("h2#fees").NextUntil("h2")
	if !strings.Contains(fees.Text(), "国办函〔2020〕109号") || !strings.Contains(fees.Text(), "第四十二条") {
		t.Errorf("the fee section does not cite its basis: %q", fees.Text())
	}
	bands := map[string]string{}
	fees.Find("table.fee-bands").Each(func(_ int, tbl *goquery.Selection) {
		method := tbl.Find("caption").Text()
		tbl.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
			bands[method+" "+tr.Find("th").Text()] = tr.Find("td").Text()
		})
	})
	for band, rate := range map[string]string{
		"按件计收 10件以下（含10件）": "不收费", "按件计收 11—30件": "100元/件", "按件计收 31—40件": "200元/件", "按件计收 41—50件": "300元/件",
		"按量计收 30页以下（含30页）": "不收费", "按量计收 31—100页": "10元/页", "按量计收 101—200页": "20元/页", "按量计收 200页以上": "40元/页",
	} {
		if bands[band] != rate {
			t.Errorf("%s: %q, want %q (all: %v)", band, bands[band], rate, bands)
		}
	}
	for _, ext := range []string{"docx", "pdf"} {
		if doc.Find(`a[href="/agencies/2/guide/application-form.`+ext+`"]`).Length() != 1 {
			t.Errorf("no link to the %s application form", ext)
		}
	}
	// An agency that has fixed its method (gongkai agency set --fee-method) shows that one.
	a, _ := f.db.GetAgency(context.Background(), 2)
	a.Settings.Extra = map[string]string{"fee_method": "per_page"}
	if err := f.db.UpdateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	_, doc = get(t, f.client(t), f.srv.URL+"/agencies/2/guide")
	if caps := doc.Find("table.fee-bands caption").Text(); caps != "按量计收" || !strings.Contains(doc.Find("h2#fees + p").Text(), "本机关采用按量计收方式") {
		t.Errorf("fixed method: tables %q, %q", caps, doc.Find("h2#fees + p").Text())
	}
	// The officer's view lists what the public guide leaves out.
	_, console := get(t, f.signedIn(t, "officer"), f.srv.URL+"/console/guide")
	var missing []string
	console.Find("#h-guide-2").Parent().Find("ul.missing li").Each(func(_ int, s *goquery.Selection) { missing = append(missing, s.Text()) })
	if got := strings.Join(missing, ","); got != "办公时间,传真,邮政编码" {
		t.Errorf("the officer's missing list = %q", got)
	}
	if code := console.Find("#h-guide-2").Parent().Find("code").Text(); !strings.Contains(code, "--hours") || !strings.Contains(code, "--fax") {
		t.Errorf("the officer is not told how to fill them: %q", code)
	}
}

// 政府信息公开制度 is a section the agency fills with its rules, published as items of their genre; empty, it says
// so truthfully and the console tells the officer what to add (issue 13, item 2).
func TestTheColumnListsTheAgencysPublishedDisclosureRules(t *testing.T) {
	f := newFixture(t)
	officer := f.signedIn(t, "officer")
	_, doc := get(t, f.client(t), f.srv.URL+"/agencies/2/")
	rules := doc.Find("section#rules")
	if strings.Contains(rules.Text(), "暂无内容") || !strings.Contains(rules.Text(), "尚未在本栏目发布") || rules.Find("ul.item-list li").Length() != 0 {
		t.Errorf("empty rules section: %q", rules.Text())
	}
	_, console := get(t, officer, f.srv.URL+"/console/guide")
	board := console.Find("#h-guide-2").Parent()
	add := board.Find(`a[href^="/console/items/new"]`)
	if !strings.Contains(board.Text(), "尚未发布") || add.Length() != 1 {
		t.Fatalf("the officer is not told to publish the rules: %q", board.Text())
	}
	// The link opens the new-item form with the genre chosen.
	href, _ := add.Attr("href")
	_, form := get(t, officer, f.srv.URL+href)
	if v, _ := form.Find(`select[name="genre"] option[selected]`).Attr("value"); v != string(disclosure.GenreDisclosureRules) {
		t.Errorf("the new-item form's genre = %q", v)
	}

	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	publishDirect(t, f, disclosure.Item{Title: "平阴县卫生健康局政府信息公开保密审查制度", Genre: disclosure.GenreDisclosureRules, WrittenOn: today}, today)
	publishDirect(t, f, disclosure.Item{Title: "平阴县卫生健康局关于开展爱国卫生月活动的通知", Genre: disclosure.GenreNotice, WrittenOn: today}, today)
	_, doc = get(t, f.client(t), f.srv.URL+"/agencies/2/")
	var titles []string
	doc.Find("section#rules ul.item-list li a").Each(func(_ int, s *goquery.Selection) { titles = append(titles, s.Text()) })
	if len(titles) != 1 || titles[0] != "平阴县卫生健康局政府信息公开保密审查制度" {
		t.Errorf("rules listed = %q", titles)
	}
	if strings.Contains(doc.Find("section#rules").Text(), "尚未") {
		t.Error("the rules section still says none were published")
	}
	_, console = get(t, officer, f.srv.URL+"/console/guide")
	if got := console.Find("#h-guide-2").Parent().Text(); !strings.Contains(got, "已发布 1 项") {
		t.Errorf("the officer's view after publishing: %q", got)
	}
	// The guide now points to the rules too.
	_, guide := get(t, f.client(t), f.srv.URL+"/agencies/2/guide")
	if guide.Find(`a[href="/agencies/2/#rules"]`).Length() != 1 {
		t.Error("the guide does not point to the published rules")
	}
}

// The footer carries the site settings of 《政府网站发展指引》 on every page, edited by the system administrator
// alone, with a refused value shown next to its field and nothing typed lost (issue 13, item 2).
func TestTheFooterCarriesTheSiteSettings(t *testing.T) {
	f := newFixture(t)
	anon := f.client(t)
	_, doc := get(t, anon, f.srv.URL+"/agencies/2/")
	if got := doc.Find("footer.site").Text(); strings.Contains(got, "· 政府信息公开") || strings.Contains(got, "主办单位") {
		t.Errorf("footer before any setting: %q", got)
	}
	// Not the agency administrator's to change.
	agencyAdmin := f.signedIn(t, string(disclosure.AgencyAdmin))
	if resp, _ := postForm(t, f, agencyAdmin, "/console/settings/site", url.Values{"sponsor": {"某单位"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agency admin saves site settings: %d", resp.StatusCode)
	}
	admin := f.signedIn(t, string(disclosure.SysAdmin))
	form := url.Values{"sponsor": {"平阴县人民政府办公室"}, "operator": {"平阴县大数据中心"}, "contact": {"0531-87880000"},
		"site_code": {"3701240001"}, "icp": {"鲁ICP备1234号"}, "public_security": {"鲁公网安备 37012402000001号"}}
	resp, page := postForm(t, f, admin, "/console/settings/site", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("malformed ICP number: %d", resp.StatusCode)
	}
	icp := page.Find("#site-icp")
	if inv, _ := icp.Attr("aria-invalid"); inv != "true" || !strings.Contains(page.Find("#site-icp-error").Text(), "ICP备案号") {
		t.Errorf("the ICP field is not marked with its message: %q", page.Find("#site-icp-error").Text())
	}
	if v, _ := page.Find("#site-sponsor").Attr("value"); v != "平阴县人民政府办公室" {
		t.Errorf("typed value lost: %q", v)
	}
	if page.Find(`#site-error a[href="#site-icp"]`).Length() != 1 {
		t.Error("the summary does not link to the field")
	}
	// A page cached before the change must not keep the old footer.
	get(t, anon, f.srv.URL+"/agencies/2/guide")
	form.Set("icp", "鲁ICP备12345678号-1")
	if resp, _ := postForm(t, f, admin, "/console/settings/site", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	for _, path := range []string{"/", "/agencies/2/", "/agencies/2/guide", "/catalogue", "/track"} {
		_, doc := get(t, anon, f.srv.URL+path)
		foot := doc.Find("footer.site")
		for _, want := range []string{"主办单位：平阴县人民政府办公室", "承办单位：平阴县大数据中心", "联系方式：0531-87880000", "网站标识码：3701240001"} {
			if !strings.Contains(foot.Text(), want) {
				t.Errorf("%s: footer lacks %q: %q", path, want, foot.Text())
			}
		}
		if a := foot.Find(`a[href="https://beian.miit.gov.cn/"]`); a.Text() != "鲁ICP备12345678号-1" {
			t.Errorf("%s: ICP link = %q", path, a.Text())
		}
		if a := foot.Find(`a[href*="beian.mps.gov.cn"]`); a.Text() != "鲁公网安备 37012402000001号" || !strings.HasSuffix(a.AttrOr("href", ""), "code=37012402000001") {
			t.Errorf("%s: 公安备案 link = %q %q", path, a.Text(), a.AttrOr("href", ""))
		}
	}
	// The supervisor reads them, cannot edit them.
	_, settings := get(t, f.signedIn(t, "supervisor"), f.srv.URL+"/console/settings")
	if settings.Find(`form[action="/console/settings/site"]`).Length() != 0 || !strings.Contains(settings.Find("#site").Text(), "平阴县大数据中心") {
		t.Errorf("supervisor's settings page: %q", settings.Find("#site").Text())
	}
}

// The application form downloads as Word and PDF, made from the agency's data with the fields of the portal's form;
// read back, both carry the same text (issue 13, item 2).
func TestTheApplicationFormDownloadsAsDOCXAndPDF(t *testing.T) {
	f := newFixture(t)
	want := []string{"政府信息公开申请表", "受理机关：平阴县卫生健康局", "姓名", "证件号码", "统一社会信用代码", "法定代表人", "联系电话",
		"电子邮箱", "联系地址", "邮政编码", "信息名称", "文号", "内容描述", "载体形式", "获取方式", "纸质文本", "当场阅读、抄录",
		"签名或者盖章", "平阴县榆山街道府前街31号", "0531-87883760"}
	fetch := func(ext, ctype string) []byte {
		t.Helper()
		resp, err := f.client(t).Get(f.srv.URL + "/agencies/2/guide/application-form." + ext)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ctype || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: %d %s %s", ext, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		return data
	}
	docx := fetch("docx", typeDOCX)
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("not a DOCX: %v", err)
	}
	var xml string
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			xml = string(b)
		}
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(xml, "")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("DOCX lacks %q", w)
		}
	}
	pdf := fetch("pdf", "application/pdf")
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "form.pdf")
	os.WriteFile(path, pdf, 0o600)
	out, err := exec.CommandContext(context.Background(), "pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
			t.Errorf("PDF lacks %q", w)
		}
	}
	if resp, _ := get(t, f.client(t), f.srv.URL+"/agencies/999/guide/application-form.pdf"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown agency: %d", resp.StatusCode)
	}
}

// BenchmarkApplicationFormPDF measures building the form's PDF (font subset embedded), which the server keeps per
// agency instead of building it for every download.
func BenchmarkApplicationFormPDF(b *testing.B) {
	a := &disclosure.Agency{ID: 2, Name: "平阴县卫生健康局", Contacts: disclosure.Contacts{Office: "局办公室", Address: "平阴县榆山街道府前街31号", Phone: "0531-87883760"}}
	for b.Loop() {
		var buf bytes.Buffer
		if err := document.PDF(&buf, applicationForm(a, "https://www.example.gov.cn/agencies/2/apply")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplicationFormDOCX is BenchmarkApplicationFormPDF for the Word file.
func BenchmarkApplicationFormDOCX(b *testing.B) {
	a := &disclosure.Agency{ID: 2, Name: "平阴县卫生健康局", Contacts: disclosure.Contacts{Office: "局办公室", Address: "平阴县榆山街道府前街31号", Phone: "0531-87883760"}}
	for b.Loop() {
		var buf bytes.Buffer
		if err := document.DOCX(&buf, applicationForm(a, "https://www.example.gov.cn/agencies/2/apply")); err != nil {
			b.Fatal(err)
		}
	}
}
