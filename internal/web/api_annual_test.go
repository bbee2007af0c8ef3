package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/testtool"
	"github.com/gongkai/gongkai/internal/workday"
)

// fillJSON replaces every placeholder in the strings of a decoded JSON value with what the officer would write.
func fillJSON(v any) any {
	switch x := v.(type) {
	case string:
		return markerRE.ReplaceAllString(x, "已按实际情况填写")
	case map[string]any:
		for k := range x {
			x[k] = fillJSON(x[k])
		}
	case []any:
		for i := range x {
			x[i] = fillJSON(x[i])
		}
	}
	return v
}

// setSection sets the text of a section of a report decoded from JSON.
func setSection(t *testing.T, rep map[string]any, id, text string) {
	t.Helper()
	for _, s := range rep["sections"].([]any) {
		if sec := s.(map[string]any); sec["id"] == id {
			sec["text"] = text
			return
		}
	}
	t.Fatalf("no section %s", id)
}

// problem reads the status, the detail and the errors' messages of an API answer.
func problem(out map[string]any) (detail string, errs []string) {
	detail, _ = out["detail"].(string)
	list, _ := out["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		errs = append(errs, fmt.Sprint(m["location"], " ", m["message"]))
	}
	return detail, errs
}

func TestAnnualAPI(t *testing.T) { testAnnualAPI(t, newFixture(t)) }

// The same operations on PostgreSQL: the versions, the review and the publication's event there too.
func TestAnnualAPIOnPostgres(t *testing.T) { testAnnualAPI(t, newFixtureOn(t, pgtest.NewDatabase(t))) }

func testAnnualAPI(t *testing.T, f *fixture) {
	ctx := context.Background()
	// Last year's report: a year's report is published only once the year has ended (Art 49).
	year := time.Now().Year() - 1
	f.caseIn(t, workday.NewDate(year, 6, 15))
	hook := &store.WebhookSubscription{URL: "https://oa.example.cn/hook", Kinds: []string{store.WebhookReportPublished, store.WebhookReportCorrected}}
	if err := f.db.CreateWebhook(ctx, disclosure.SystemActor, hook); err != nil {
		t.Fatal(err)
	}
	rw := []string{auth.ScopeReportsRead, auth.ScopeReportsWrite}
	officer, approver, supervisor := f.tokenFor(t, "officer", rw...), f.tokenFor(t, "approver", rw...), f.tokenFor(t, "supervisor", rw...)
	base := fmt.Sprintf("/api/v1/annual-reports/%d/%d", f.health.ID, year)
	const js = "application/json"
	ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }

	// The list is the console's: the agency's years, each with its state and deadline; filters narrow it.
	resp, _, list := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/annual-reports?agency=%d&year=%d", f.health.ID, year), officer, nil, "", nil)
	rows, _ := list["reports"].([]any)
	if resp.StatusCode != 200 || len(rows) != 1 {
		t.Fatalf("list: %d %v", resp.StatusCode, list)
	}
	if row := rows[0].(map[string]any); row["status"] != "none" || row["deadline"] != fmt.Sprintf("%d-01-31", year+1) || row["href"] != base || row["agency"] != "平阴县卫生健康局" {
		t.Errorf("list row %v", row)
	}
	if _, _, list := apiCall(t, f, "GET", "/api/v1/annual-reports?status=published", officer, nil, "", nil); len(list["reports"].([]any)) != 0 {
		t.Errorf("published filter: %v", list["reports"])
	}

	// Not started: a fresh draft from the year's figures, version 0.
	resp, _, got := apiCall(t, f, "GET", base, officer, nil, "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"0"` || got["status"] != "none" {
		t.Fatalf("draft: %d %s %v", resp.StatusCode, resp.Header.Get("ETag"), got["status"])
	}
	rep := got["report"].(map[string]any)
	if n := rep["tables"].(map[string]any)["s3"].(map[string]any)["new"].(map[string]any)["natural_person"]; n != 1.0 {
		t.Errorf("三 一 自然人 = %v, want 1 from the case", n)
	}
	if !strings.Contains(fmt.Sprint(got["findings"]), "A-1") || fmt.Sprint(got["actions"]) != "[save refresh check]" {
		t.Errorf("findings %v, actions %v", got["findings"], got["actions"])
	}

	// Saving: If-Match is required, and must be the current version.
	edit := map[string]any{"report": rep}
	if resp, _, out := apiCall(t, f, "PUT", base, officer, nil, js, jsonBody(edit)); resp.StatusCode != http.StatusPreconditionRequired || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 If-Match 请求头中带上报告的版本号") {
		t.Errorf("save without If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"3"`), js, jsonBody(edit)); resp.StatusCode != http.StatusPreconditionFailed || out["detail"] != "该报告已被他人更新（当前为第 0 版），请刷新页面后再操作" {
		t.Errorf("stale save: %d %v", resp.StatusCode, out)
	}
	resp, _, saved := apiCall(t, f, "PUT", base, officer, ifMatch(`"0"`), js, jsonBody(edit))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"1"` || saved["status"] != "draft" || saved["errors"] == 0.0 {
		t.Fatalf("save: %d %s %v", resp.StatusCode, resp.Header.Get("ETag"), saved)
	}
	// Submitting with placeholders is refused with the console's words, each error listed.
	resp, _, out := apiCall(t, f, "POST", base+"/submit", officer, ifMatch(`"1"`), "", nil)
	if detail, errs := problem(out); resp.StatusCode != http.StatusConflict || !strings.HasSuffix(detail, "处错误（见检查结果），改正并保存后才能提交审核。") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(strings.Join(errs, "\n"), "findings.A-1") {
		t.Errorf("submitting with placeholders: %d %q %v", resp.StatusCode, detail, errs)
	}

	// Bad input is refused in Chinese and nothing is saved: a figure that is no number, a field the system keeps.
	fillJSON(rep)
	setSection(t, rep, "五", "（一）存在的主要问题\n公开内容不够全面。\n（二）改进情况\n加强培训。")
	rep["tables"].(map[string]any)["s2.8"].(map[string]any)["fees"].(map[string]any)["amount"] = 1e20
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"1"`), js, jsonBody(edit)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), "不是数字，请填写阿拉伯数字") {
		t.Errorf("a huge figure: %d %v", resp.StatusCode, out)
	}
	rep["tables"].(map[string]any)["s2.8"].(map[string]any)["fees"].(map[string]any)["amount"] = 0
	rep["year"] = year - 1
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"1"`), js, jsonBody(edit)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), "由系统维护，不能通过接口修改") || !strings.Contains(fmt.Sprint(out["detail"]), "year") {
		t.Errorf("another year: %d %v", resp.StatusCode, out)
	}
	rep["year"] = year
	edit["entered"] = []string{"s9"}
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"1"`), js, jsonBody(edit)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), "“s9”不是该报告格式的表格编号") {
		t.Errorf("an unknown entered table: %d %v", resp.StatusCode, out)
	}
	delete(edit, "entered")
	rep["sections"] = append(rep["sections"].([]any), map[string]any{"id": "三", "text": "表格以外的说明"})
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"1"`), js, jsonBody(edit)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(fmt.Sprint(out["detail"]), "第三部分（收到和处理政府信息公开申请情况）由表格组成") {
		t.Errorf("text in a section of tables: %d %v", resp.StatusCode, out)
	}
	rep["sections"] = rep["sections"].([]any)[:len(rep["sections"].([]any))-1]
	// The check answers the findings of the edited report without saving it.
	resp, _, out = apiCall(t, f, "POST", base+"/check", officer, nil, js, jsonBody(edit))
	if resp.StatusCode != 200 || out["errors"] != 0.0 {
		t.Errorf("check: %d %v", resp.StatusCode, out)
	}
	if _, _, now := apiCall(t, f, "GET", base, officer, nil, "", nil); now["version"] != 1.0 {
		t.Errorf("the check or a refusal saved: version %v", now["version"])
	}
	resp, _, saved = apiCall(t, f, "PUT", base, officer, ifMatch(`"1"`), js, jsonBody(edit))
	if resp.StatusCode != 200 || saved["version"] != 2.0 || saved["errors"] != 0.0 {
		t.Fatalf("second save: %d %v %v", resp.StatusCode, saved["version"], saved["findings"])
	}

	// Submitted, returned with a comment, submitted again.
	if resp, _, out := apiCall(t, f, "POST", base+"/submit", officer, ifMatch(`"2"`), "", nil); resp.StatusCode != 200 || out["status"] != "in_review" || fmt.Sprint(out["actions"]) != "[]" {
		t.Fatalf("submit: %d %v %v", resp.StatusCode, out["status"], out["actions"])
	}
	// The officer may not approve; a supervisor reads and changes nothing; a token without reports:write is refused.
	if resp, _, out := apiCall(t, f, "POST", base+"/approve", officer, ifMatch(`"3"`), "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "年度报告须由审批领导审批发布" {
		t.Errorf("an officer approving: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "POST", base+"/approve", supervisor, ifMatch(`"3"`), "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a supervisor approving: %d", resp.StatusCode)
	}
	if resp, _, out := apiCall(t, f, "GET", base, supervisor, nil, "", nil); resp.StatusCode != 200 || out["status"] != "in_review" || fmt.Sprint(out["actions"]) != "[]" {
		t.Errorf("a supervisor reading: %d %v", resp.StatusCode, out["actions"])
	}
	if resp, _, out := apiCall(t, f, "POST", base+"/return", f.tokenFor(t, "approver", auth.ScopeReportsRead), ifMatch(`"3"`), js, []byte(`{"comment":"x"}`)); resp.StatusCode != http.StatusForbidden || !strings.Contains(fmt.Sprint(out["detail"]), "reports:write") {
		t.Errorf("a read-only token returning: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "GET", base, approver, nil, "", nil); fmt.Sprint(out["actions"]) != "[approve return]" {
		t.Errorf("the approver is offered %v (%d)", out["actions"], resp.StatusCode)
	}
	if resp, _, out := apiCall(t, f, "POST", base+"/return", approver, ifMatch(`"3"`), js, []byte(`{"comment":"  "}`)); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请填写退回意见" {
		t.Errorf("returning without a comment: %d %v", resp.StatusCode, out)
	}
	resp, _, out = apiCall(t, f, "POST", base+"/return", approver, ifMatch(`"3"`), js, []byte(`{"comment":"请补充第四部分的说明"}`))
	if resp.StatusCode != 200 || out["status"] != "draft" || !strings.Contains(fmt.Sprint(out["comments"]), "请补充第四部分的说明") {
		t.Fatalf("return: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "POST", base+"/submit", officer, ifMatch(`"4"`), "", nil); resp.StatusCode != 200 {
		t.Fatalf("second submit: %d", resp.StatusCode)
	}
	if resp, _, out := apiCall(t, f, "GET", base+"/files/pdf", officer, nil, "", nil); resp.StatusCode != http.StatusNotFound || out["detail"] != "该报告尚未发布：发布后才有公开的报告文件" {
		t.Errorf("the file of a report under review: %d %v", resp.StatusCode, out)
	}

	// Approved: published in the portal, with its files.
	resp, _, out = apiCall(t, f, "POST", base+"/approve", approver, ifMatch(`"5"`), "", nil)
	if resp.StatusCode != 200 || out["status"] != "published" || resp.Header.Get("ETag") != `"6"` || out["portal"] != fmt.Sprintf("/agencies/%d/reports/%d", f.health.ID, year) {
		t.Fatalf("approve: %d %v", resp.StatusCode, out)
	}
	if published := out["report"].(map[string]any)["published"]; published != workday.DateOf(time.Now()).String() {
		t.Errorf("publication date %v", published)
	}
	title := fmt.Sprintf("平阴县卫生健康局%d年政府信息公开工作年度报告", year)
	room := f.srv.URL + fmt.Sprint(out["portal"])
	if resp, doc := get(t, f.client(t), room); resp.StatusCode != 200 || !strings.Contains(doc.Find("article.annual-report").Text(), "公开内容不够全面") {
		t.Fatalf("portal: %d", resp.StatusCode)
	}
	resp, pdf, _ := apiCall(t, f, "GET", base+"/files/pdf", officer, nil, "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if text := pdfToText(t, pdf); !strings.Contains(strings.Join(strings.Fields(text), ""), "公开内容不够全面") {
		t.Errorf("the PDF does not hold section 五: %.200s", text)
	}
	resp, xlsx, _ := apiCall(t, f, "GET", base+"/files/xlsx", supervisor, nil, "", nil)
	x, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("xlsx: %d %v", resp.StatusCode, err)
	}
	if props, err := x.GetDocProps(); err != nil || props.Title != title {
		t.Errorf("xlsx title %q %v", props.Title, err)
	}
	x.Close()
	if resp, md, _ := apiCall(t, f, "GET", base+"/files/md", officer, nil, "", nil); resp.StatusCode != 200 || !bytes.Contains(md, []byte("# "+title)) {
		t.Errorf("markdown: %d %.60s", resp.StatusCode, md)
	}
	if resp, _, _ := apiCall(t, f, "GET", base+"/files/exe", officer, nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown format: %d", resp.StatusCode)
	}

	// Locked: saving is refused; a correction needs a reason and keeps the earlier version readable.
	_, _, out = apiCall(t, f, "GET", base, officer, nil, "", nil)
	if fmt.Sprint(out["actions"]) != "[check correct]" || len(out["files"].(map[string]any)) != 4 {
		t.Errorf("published: actions %v, files %v", out["actions"], out["files"])
	}
	rep = out["report"].(map[string]any)
	if resp, _, out := apiCall(t, f, "PUT", base, officer, ifMatch(`"6"`), js, jsonBody(map[string]any{"report": rep})); resp.StatusCode != http.StatusConflict || out["detail"] != "该报告已发布，不能直接修改" {
		t.Errorf("saving a published report: %d %v", resp.StatusCode, out)
	}
	setSection(t, rep, "五", "（一）存在的主要问题\n公开内容不够全面，更新不够及时。\n（二）改进情况\n加强培训。")
	corr := map[string]any{"report": rep, "reason": ""}
	if resp, _, out := apiCall(t, f, "POST", base+"/correct", officer, ifMatch(`"6"`), js, jsonBody(corr)); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请填写更正原因（更正说明），它将与更正后的报告一同公开" {
		t.Errorf("a correction without a reason: %d %v", resp.StatusCode, out)
	}
	corr["reason"] = "第五部分遗漏了信息更新不及时的问题"
	resp, _, out = apiCall(t, f, "POST", base+"/correct", officer, ifMatch(`"6"`), js, jsonBody(corr))
	if resp.StatusCode != 200 || out["version"] != 7.0 || !strings.Contains(fmt.Sprint(out["versions"]), "第五部分遗漏了信息更新不及时的问题") {
		t.Fatalf("correct: %d %v", resp.StatusCode, out)
	}
	_, doc := get(t, f.client(t), room)
	if !strings.Contains(doc.Find("#correction").Text(), "更正说明：第五部分遗漏了信息更新不及时的问题") || !strings.Contains(doc.Find("article").Text(), "更新不够及时") {
		t.Errorf("the portal's correction note %q", doc.Find("#correction").Text())
	}

	// The same way as the console's in the audit trail, and the publication and the correction sent to webhooks.
	entries, _ := f.db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "annual_report", Limit: 50})
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
		if e.ActorID == nil || e.RemoteAddr == "" {
			t.Errorf("%s without its account and address", e.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "annual_report.correct annual_report.publish annual_report.submit annual_report.return annual_report.submit annual_report.save annual_report.create" {
		t.Errorf("audited: %s", got)
	}
	deliveries, err := f.db.WebhookDeliveries(ctx, hook.ID, 10)
	var kinds []string
	for _, d := range deliveries {
		kinds = append(kinds, d.Event.Kind)
	}
	if err != nil || !strings.Contains(strings.Join(kinds, " "), store.WebhookReportPublished) || !strings.Contains(strings.Join(kinds, " "), store.WebhookReportCorrected) {
		t.Errorf("webhook events %v %v", kinds, err)
	}

	// This year's report: refreshing re-takes the figures from the cases and saves them.
	now := fmt.Sprintf("/api/v1/annual-reports/%d/%d", f.health.ID, year+1)
	if resp, _, out := apiCall(t, f, "POST", now+"/refresh", officer, ifMatch(`"0"`), "", nil); resp.StatusCode != 200 || out["version"] != 1.0 || out["changes"] != nil {
		t.Fatalf("first refresh: %d %v", resp.StatusCode, out)
	}
	f.caseIn(t, workday.DateOf(time.Now()))
	resp, _, out = apiCall(t, f, "POST", now+"/refresh", officer, ifMatch(`"1"`), "", nil)
	if resp.StatusCode != 200 || !strings.Contains(fmt.Sprint(out["changes"]), "key:s3/new/natural_person new:1 old:0") || !strings.Contains(fmt.Sprint(out["message"]), "共更新") {
		t.Errorf("refresh: %d %v %v", resp.StatusCode, out["changes"], out["message"])
	}
	// Hostile paths: an unknown agency, a year out of range.
	if resp, _, out := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/annual-reports/999/%d", year), officer, nil, "", nil); resp.StatusCode != http.StatusNotFound || out["detail"] == nil {
		t.Errorf("unknown agency: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/annual-reports/%d/2018", f.health.ID), officer, nil, "", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(fmt.Sprint(out["detail"]), "没有2018年度的报告") {
		t.Errorf("2018: %d %v", resp.StatusCode, out)
	}
	gov, _ := f.db.GetAgency(ctx, 1)
	if resp, _, _ := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/annual-reports/%d/%d", gov.ID, year), officer, nil, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the government's report read by a department's officer: %d", resp.StatusCode)
	}
}

// pdfToText is a PDF's text as pdftotext reads it.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := testtool.Require(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
