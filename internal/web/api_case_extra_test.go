package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/casexlsx"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// importXLSX is the import template filled with rows (column header → value), from row 2.
func importXLSX(t *testing.T, rows ...map[string]string) []byte {
	t.Helper()
	var tplBuf bytes.Buffer
	if err := casexlsx.Template(&tplBuf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&tplBuf)
	if err != nil {
		t.Fatal(err)
	}
	headers, _ := x.GetRows(casexlsx.SheetName)
	col := map[string]int{}
	for i, h := range headers[0] {
		col[strings.TrimRight(strings.TrimSpace(h), "*")] = i
	}
	for n, vals := range rows {
		for k, v := range vals {
			i, ok := col[k]
			if !ok {
				t.Fatalf("template has no column %q", k)
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, n+2)
			x.SetCellStr(casexlsx.SheetName, cell, v)
		}
	}
	var out bytes.Buffer
	if err := x.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// importForm is the multipart body of an import.
func importForm(fields map[string]string, file []byte) (string, []byte) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "历史申请.xlsx")
		fw.Write(file)
	}
	mw.Close()
	return mw.FormDataContentType(), body.Bytes()
}

func TestCaseExtraAPI(t *testing.T) { testCaseExtraAPI(t, newFixture(t)) }

// The import's cases, its idempotency key and the appeals in one transaction each on PostgreSQL too.
func TestCaseExtraAPIOnPostgres(t *testing.T) {
	testCaseExtraAPI(t, newFixtureOn(t, pgtest.NewDatabase(t)))
}

func testCaseExtraAPI(t *testing.T, f *fixture) {
	ctx := context.Background()
	officer := f.tokenFor(t, "officer", auth.ScopeCasesRead, auth.ScopeCasesWrite)
	health := strconv.FormatInt(f.health.ID, 10)
	row := func(name, id, what string) map[string]string {
		return map[string]string{"收到日期": "2024-03-04", "申请方式": "邮寄（需签收）", "申请人类型": "公民（自然人）", "申请人姓名或名称": name,
			"证件号码或统一社会信用代码": residentID(id), "联系电话": "13900000000", "所需信息描述": what, "办理结果": "予以公开", "答复日期": "2024-03-20"}
	}
	good := importXLSX(t, row("赵六", "37012419700101002", "2023年度卫生监督抽查结果"), row("钱七", "37012419750101003", "2023年度医疗机构名单"))
	imported := func() int {
		_, total, err := f.db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{f.health.ID}, ReportYear: 2024, ReportRow: "new"})
		if err != nil {
			t.Fatal(err)
		}
		return total
	}

	// A file with a bad row is refused whole, with the console's words and the problem by row and column.
	bad := row("孙八", "37012419800101004", "x")
	bad["证件号码或统一社会信用代码"] = "370124197001010020"
	ct, body := importForm(map[string]string{"agency": health}, importXLSX(t, row("赵六", "37012419700101002", "2023年度卫生监督抽查结果"), bad))
	resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, map[string]string{"Idempotency-Key": "imp-bad"}, ct, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(fmt.Sprint(out["detail"]), importProblems) || !strings.Contains(jsonString(out["errors"]), "第 3 行") {
		t.Fatalf("bad row: %d %v", resp.StatusCode, out)
	}
	// The agency must be one the officer enters cases for.
	ct, body = importForm(map[string]string{"agency": "999"}, good)
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, map[string]string{"Idempotency-Key": "imp-agency"}, ct, body); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请选择导入到哪个单位" {
		t.Errorf("unknown agency: %d %v", resp.StatusCode, out)
	}
	ct, body = importForm(map[string]string{"agency": health}, []byte("not a spreadsheet"))
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, map[string]string{"Idempotency-Key": "imp-junk"}, ct, body); resp.StatusCode != http.StatusUnprocessableEntity || !hasHan(fmt.Sprint(out["detail"])) {
		t.Errorf("junk file: %d %v", resp.StatusCode, out)
	}

	// A dry run reads the file and writes nothing; it needs no key.
	ct, body = importForm(map[string]string{"agency": health, "dry_run": "true"}, good)
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, nil, ct, body); resp.StatusCode != 200 || out["dry_run"] != true || out["count"] != float64(2) {
		t.Fatalf("dry run: %d %v", resp.StatusCode, out)
	}
	if n := imported(); n != 0 {
		t.Fatalf("a dry run imported %d cases", n)
	}
	ct, body = importForm(map[string]string{"agency": health}, good)
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, nil, ct, body); resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 Idempotency-Key 请求头中提供幂等键") {
		t.Errorf("no key: %d %v", resp.StatusCode, out)
	}

	// The import, then its retry with the same key: two cases, once.
	key := map[string]string{"Idempotency-Key": "imp-0001"}
	resp, _, first := apiCall(t, f, "POST", "/api/v1/cases/import", officer, key, ct, body)
	cases, _ := first["cases"].([]any)
	if resp.StatusCode != 200 || first["count"] != float64(2) || len(cases) != 2 || first["message"] != "已导入 2 件申请到"+f.health.Name+"。" {
		t.Fatalf("import: %d %v", resp.StatusCode, first)
	}
	firstID := int64(first["first_case_id"].(float64))
	resp, _, again := apiCall(t, f, "POST", "/api/v1/cases/import", officer, key, ct, body)
	if resp.StatusCode != 200 || resp.Header.Get("Idempotent-Replayed") != "true" || again["first_case_id"] != float64(firstID) || again["cases"] != nil {
		t.Errorf("replay: %d %q %v", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), again)
	}
	if n := imported(); n != 2 {
		t.Errorf("%d cases after the replay, want 2", n)
	}
	ct2, body2 := importForm(map[string]string{"agency": health}, importXLSX(t, row("周九", "37012419800101004", "另一份文件")))
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases/import", officer, key, ct2, body2); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), "已用于另一个请求") {
		t.Errorf("same key, other file: %d %v", resp.StatusCode, out)
	}
	// Each imported case is audited as the console's import audits it: the officer, the address.
	for _, c := range cases {
		id := fmt.Sprint(c.(map[string]any)["id"])
		entries, err := f.db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "application", ObjectID: id})
		if err != nil || len(entries) == 0 || entries[0].ActorName != "公开专员" || entries[0].RemoteAddr == "" {
			t.Errorf("audit of imported case %s: %v %v", id, entries, err)
		}
	}
	// An approver may not import; a token without cases:write neither.
	if resp, _, _ := apiCall(t, f, "POST", "/api/v1/cases/import", f.tokenFor(t, "approver", auth.ScopeCasesWrite), key, ct, body); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approver import: %d", resp.StatusCode)
	}
	if resp, _, _ := apiCall(t, f, "POST", "/api/v1/cases/import", f.tokenFor(t, "officer", auth.ScopeCasesRead), key, ct, body); resp.StatusCode != http.StatusForbidden {
		t.Errorf("read-only token import: %d", resp.StatusCode)
	}

	// Appeals: If-Match on the case's version, the console's checks and words, the same audit record.
	cf := f.mustCase(t)
	path := fmt.Sprintf("/api/v1/cases/%d", cf.caseID)
	resp, _, _ = apiCall(t, f, "GET", path, officer, nil, "", nil)
	tag := resp.Header.Get("ETag")
	today := workday.DateOf(time.Now())
	appeal := map[string]any{"kind": "review", "filed_on": today.String(), "body": "平阴县人民政府", "case_number": "平政复〔2026〕12号"}
	if resp, _, out := apiCall(t, f, "POST", path+"/appeals", officer, nil, "application/json", jsonBody(appeal)); resp.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("no If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", path+"/appeals", officer, map[string]string{"If-Match": `"9"`}, "application/json", jsonBody(appeal)); resp.StatusCode != http.StatusPreconditionFailed || out["detail"] != "该申请已被他人更新，请刷新页面查看最新情况后再操作" {
		t.Errorf("stale If-Match: %d %v", resp.StatusCode, out)
	}
	ifMatch := map[string]string{"If-Match": tag}
	future := map[string]any{"kind": "review", "filed_on": today.AddDays(3).String()}
	if resp, _, out := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(future)); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "申请复议或起诉的日期不能晚于今天" {
		t.Errorf("future filing: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(map[string]any{"filed_on": today.String()})); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请选择类型：行政复议、直接起诉或复议后起诉" {
		t.Errorf("no kind: %d %v", resp.StatusCode, out)
	}
	resp, _, created := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(appeal))
	ap, _ := created["appeal"].(map[string]any)
	if resp.StatusCode != http.StatusCreated || ap == nil || ap["version"] != float64(1) || ap["case_number"] != "平政复〔2026〕12号" || len(created["appeals"].([]any)) != 1 {
		t.Fatalf("create appeal: %d %v", resp.StatusCode, created)
	}
	apID := strconv.FormatInt(int64(ap["id"].(float64)), 10)
	// The console's form records another; both audit entries are the officer's appeal.create.
	c := f.signedIn(t, "officer")
	form := url.Values{"kind": {"suit_direct"}, "filed_on": {today.String()}, "body": {"平阴县人民法院"}, "result": {"pending"}}
	if resp, _ := postForm(t, f, c, "/console"+path[len("/api/v1"):]+"/appeals", form); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("console appeal: %d", resp.StatusCode)
	}
	entries, err := f.db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "appeal", Action: "appeal.create"})
	if err != nil || len(entries) != 2 || entries[0].ActorName != entries[1].ActorName || entries[0].Role != entries[1].Role || entries[0].RemoteAddr == "" {
		t.Errorf("appeal audit: %+v %v", entries, err)
	}
	// An update names the appeal and its version; a stale version is a failed precondition.
	update := map[string]any{"appeal_id": apID, "version": "1", "kind": "review", "filed_on": today.String(), "body": "平阴县人民政府", "result": "upheld", "decided_on": today.String()}
	resp, _, updated := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(update))
	if ap, _ := updated["appeal"].(map[string]any); resp.StatusCode != 200 || ap["version"] != float64(2) || ap["result"] != "upheld" {
		t.Errorf("update appeal: %d %v", resp.StatusCode, updated)
	}
	if resp, _, out := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(update)); resp.StatusCode != http.StatusPreconditionFailed || out["detail"] != "该案件已被他人更新，请刷新页面后再操作" {
		t.Errorf("stale appeal version: %d %v", resp.StatusCode, out)
	}
	update["appeal_id"] = "999999"
	if resp, _, _ := apiCall(t, f, "POST", path+"/appeals", officer, ifMatch, "application/json", jsonBody(update)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another case's appeal: %d", resp.StatusCode)
	}
	if resp, _, _ := apiCall(t, f, "POST", path+"/appeals", f.tokenFor(t, "approver", auth.ScopeCasesWrite), ifMatch, "application/json", jsonBody(appeal)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approver appeal: %d", resp.StatusCode)
	}

	// The list, as /console/appeals: by case, by the cell of section 四, and only the account's agencies.
	supervisor := f.tokenFor(t, "supervisor", auth.ScopeCasesRead)
	list := func(token, q string) (int, []any, map[string]any) {
		resp, _, out := apiCall(t, f, "GET", "/api/v1/appeals?"+q, token, nil, "", nil)
		l, _ := out["appeals"].([]any)
		return resp.StatusCode, l, out
	}
	if code, l, out := list(supervisor, fmt.Sprintf("case=%d", cf.caseID)); code != 200 || len(l) != 2 {
		t.Errorf("by case: %d %v", code, out)
	}
	if code, l, out := list(officer, fmt.Sprintf("year=%d&kind=review&result=upheld", today.Year)); code != 200 || len(l) != 1 {
		t.Errorf("by cell: %d %v", code, out)
	}
	if code, _, out := list(officer, fmt.Sprintf("agency=%d", *f.health.ParentID)); code != http.StatusForbidden || out["detail"] != "您无权查看该单位的申请" {
		t.Errorf("another agency: %d %v", code, out)
	}
}
