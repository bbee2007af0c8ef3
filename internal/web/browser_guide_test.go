package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// A citizen reads the 指南 and the column on a desktop and on a 390 px phone: no "未填写" row, the fee bands, the
// application form's links, the agency's published 政府信息公开制度, the footer's site particulars with the ICP
// number linked to the MIIT record system, nothing wider than the screen, and axe-core finds nothing serious
// (issue 13, item 2). The officer's 公开指南和制度 page passes the same checks.
func TestBrowserGuideAndColumnOnDesktopAndPhone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.db.SetSiteSettings(ctx, disclosure.SystemActor, disclosure.SiteSettings{Sponsor: "平阴县人民政府办公室", Operator: "平阴县大数据中心",
		Contact: "0531-87880000", SiteCode: "3701240001", ICP: "鲁ICP备12345678号-1", PublicSecurity: "鲁公网安备 37012402000001号"}); err != nil {
		t.Fatal(err)
	}
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	publishDirect(t, f, disclosure.Item{Title: "平阴县卫生健康局政府信息公开依申请公开办理制度", Genre: disclosure.GenreDisclosureRules, WrittenOn: today}, today)
	b := newBrowser(t)
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		t.Run(vp.name, func(t *testing.T) {
			emulate := chromedp.EmulateViewport(vp.width, vp.height)
			if vp.mobile {
				emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulateScale(3))
			}
			run(t, b, emulate)
			for _, path := range []string{"/agencies/2/guide", "/agencies/2/", "/console/guide"} {
				if path == "/console/guide" && vp.name == "desktop" {
					signIn(t, b, f.srv.URL, "officer", password)
				}
				if err := chromedp.Do(b, chromedp.Navigate(f.srv.URL+path), chromedp.WaitVisible(css("footer.site"))); err != nil {
					t.Fatal(err)
				}
				text := run(t, b, chromedp.Evaluate[string](`document.body.innerText`))
				for _, want := range []string{"主办单位：平阴县人民政府办公室", "承办单位：平阴县大数据中心", "网站标识码：3701240001", "鲁公网安备 37012402000001号"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: the page does not show %q", path, want)
					}
				}
				if href := run(t, b, chromedp.Evaluate[string](`document.querySelector("footer.site a[href='https://beian.miit.gov.cn/']")?.textContent ?? ""`)); href != "鲁ICP备12345678号-1" {
					t.Errorf("%s: ICP link %q", path, href)
				}
				if wide := run(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
					t.Errorf("%s: the page is wider than the %d px screen", path, vp.width)
				}
				switch path {
				case "/console/guide":
					// The officer's view: the health bureau lacks 办公时间, 传真 and 邮政编码; its rules are published.
					if !strings.Contains(text, "办公时间") || !strings.Contains(text, "已发布 1 项") {
						t.Errorf("the officer's guide page: %q", text)
					}
				case "/agencies/2/guide":
					if strings.Contains(text, "未填写") {
						t.Error("the guide shows 未填写")
					}
					bands := run(t, b, chromedp.Evaluate[int](`document.querySelectorAll("table.fee-bands tbody tr").length`))
					forms := run(t, b, chromedp.Evaluate[int](`document.querySelectorAll("a[href$='/application-form.docx'], a[href$='/application-form.pdf']").length`))
					if bands < 8 || forms != 2 || !strings.Contains(text, "国办函〔2020〕109号") {
						t.Errorf("guide: %d fee bands, %d form links", bands, forms)
					}
				default:
					if rules := run(t, b, chromedp.Evaluate[string](`document.querySelector("#rules")?.innerText ?? ""`)); !strings.Contains(rules, "依申请公开办理制度") || strings.Contains(rules, "暂无内容") {
						t.Errorf("column's rules section: %q", rules)
					}
				}
				axeCheck(t, b, path)
			}
		})
	}
}
