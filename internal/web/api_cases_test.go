package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// apiCall sends an API request with headers and returns the response (body read) and the decoded JSON.
func apiCall(t *testing.T, f *fixture, method, path, token string, header map[string]string, contentType string, body []byte) (*http.Response, []byte, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp, raw, out
}

// racingCreates sends the same create n times at once and counts the answers: the created record's ID (from
// out[field]["id"]) for a 201, "409" for a request refused while another with its key was in flight, and the status
// and body of anything else.
func racingCreates(t *testing.T, f *fixture, n int, path, token string, header map[string]string, body []byte, field string) map[string]int {
	t.Helper()
	answers := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _, out := apiCall(t, f, "POST", path, token, header, "application/json", body)
			switch rec, _ := out[field].(map[string]any); {
			case resp.StatusCode == http.StatusCreated && rec != nil:
				answers <- fmt.Sprint(rec["id"])
			case resp.StatusCode == http.StatusConflict:
				answers <- "409"
			default:
				answers <- fmt.Sprintf("%d %v", resp.StatusCode, out)
			}
		}()
	}
	wg.Wait()
	close(answers)
	seen := map[string]int{}
	for x := range answers {
		seen[x]++
	}
	return seen
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// intakeJSON is a staff intake of a letter received today with the given description.
func intakeJSON(f *fixture, description string) map[string]any {
	return map[string]any{"agency": f.health.ID, "channel": "letter", "received_on": workday.DateOf(time.Now()).String(),
		"applicant_type": "natural_person", "name": "王小明", "id_type": "resident_id", "id_number": residentID("37012419800101001"),
		"phone": "13800000000", "email": "wang@example.com", "description": description, "forms": []string{"电子文档"}, "delivery": []string{"电子邮件"}}
}

// caseOf reads the case of an API answer.
func caseOf(t *testing.T, out map[string]any) (id int64, version int) {
	t.Helper()
	c, ok := out["case"].(map[string]any)
	if !ok {
		t.Fatalf("no case in %v", out)
	}
	return int64(c["id"].(float64)), int(c["version"].(float64))
}

func TestCaseAPI(t *testing.T) { testCaseAPI(t, newFixture(t)) }

// The same operations on PostgreSQL: the idempotency key is written in the create's transaction there too.
func TestCaseAPIOnPostgres(t *testing.T) { testCaseAPI(t, newFixtureOn(t, pgtest.NewDatabase(t))) }

func testCaseAPI(t *testing.T, f *fixture) {
	ctx := context.Background()
	officer := f.tokenFor(t, "officer", auth.ScopeCasesRead, auth.ScopeCasesWrite)
	json1 := "application/json"

	// Intake with an idempotency key, twice: one case, the same answer; the key with another body is refused.
	body := jsonBody(intakeJSON(f, "2025年度本县疫苗接种点名单"))
	key := map[string]string{"Idempotency-Key": "intake-0001"}
	resp, _, first := apiCall(t, f, "POST", "/api/v1/cases", officer, key, json1, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d %v", resp.StatusCode, first)
	}
	id, version := caseOf(t, first)
	if pw, _ := first["query_password"].(string); len(pw) != 10 || resp.Header.Get("ETag") != `"`+strconv.Itoa(version)+`"` || resp.Header.Get("Location") != fmt.Sprintf("/api/v1/cases/%d", id) {
		t.Errorf("intake answer: password %v, ETag %q, Location %q", first["query_password"], resp.Header.Get("ETag"), resp.Header.Get("Location"))
	}
	resp, _, again := apiCall(t, f, "POST", "/api/v1/cases", officer, key, json1, body)
	if againID, _ := caseOf(t, again); resp.StatusCode != http.StatusCreated || againID != id || resp.Header.Get("Idempotent-Replayed") != "true" || again["query_password"] != nil {
		t.Errorf("replay: %d, case %d (first %d), replayed %q, password %v", resp.StatusCode, againID, id, resp.Header.Get("Idempotent-Replayed"), again["query_password"])
	}
	resp, _, other := apiCall(t, f, "POST", "/api/v1/cases", officer, key, json1, jsonBody(intakeJSON(f, "另一份申请")))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(other["detail"]), "幂等键（Idempotency-Key）“intake-0001”已用于另一个请求") {
		t.Errorf("same key, other body: %d %v", resp.StatusCode, other)
	}
	if list, total, err := f.db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{f.health.ID}}); err != nil || total != 1 || list[0].ID != id {
		t.Fatalf("cases after the replay: %d %v", total, err)
	}
	// Another account's key is its own: the same key from the approver is not this officer's (and the approver
	// may not enter applications at all).
	if resp, _, _ := apiCall(t, f, "POST", "/api/v1/cases", f.tokenFor(t, "approver", auth.ScopeCasesWrite), key, json1, body); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approver intake: %d", resp.StatusCode)
	}
	// Keys are kept per account: another officer's "intake-0001" is a key of its own.
	hash, _ := auth.HashPassword(password, cheap)
	if err := f.db.CreateUser(ctx, disclosure.SystemActor, &disclosure.User{Username: "officer2", DisplayName: "第二公开专员", PasswordHash: hash,
		Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &f.health.ID}}}); err != nil {
		t.Fatal(err)
	}
	resp, _, second := apiCall(t, f, "POST", "/api/v1/cases", f.tokenFor(t, "officer2", auth.ScopeCasesWrite, auth.ScopeCasesRead), key, json1, body)
	if secondID, _ := caseOf(t, second); resp.StatusCode != http.StatusCreated || secondID == id || resp.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("another account's key: %d, case %d", resp.StatusCode, secondID)
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases", officer, nil, json1, body); resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 Idempotency-Key 请求头中提供幂等键") {
		t.Errorf("intake without a key: %d %v", resp.StatusCode, out)
	}
	// The intake's checks are the console's, with its words.
	bad := intakeJSON(f, "x")
	bad["channel"] = "online"
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases", officer, map[string]string{"Idempotency-Key": "intake-bad"}, json1, jsonBody(bad)); resp.StatusCode != http.StatusUnprocessableEntity ||
		out["detail"] != "工作人员登记的申请，申请方式应为邮寄、平常信函、当面、传真或电子邮件" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("online channel: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), out)
	}

	// Retries racing with one key make one case: every answer is that case, or 409 while the first is in flight.
	seen := racingCreates(t, f, 6, "/api/v1/cases", officer, map[string]string{"Idempotency-Key": "race"}, jsonBody(intakeJSON(f, "同一幂等键的并发重试")), "case")
	if _, total, _ := f.db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{f.health.ID}}); total != 3 || len(seen) > 2 || len(seen) == 2 && seen["409"] == 0 {
		t.Errorf("racing retries: %d cases, answers %v", total, seen)
	}
	raceID, _ := strconv.ParseInt(func() string {
		for k := range seen {
			if k != "409" {
				return k
			}
		}
		return ""
	}(), 10, 64)
	if raceID == 0 {
		t.Fatalf("no racing retry made the case: %v", seen)
	}

	// A body without its fields is refused by the console's checks, in their words, not by the schema.
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases", officer, map[string]string{"Idempotency-Key": "empty"}, json1, []byte(`{}`)); resp.StatusCode != http.StatusUnprocessableEntity ||
		out["detail"] != "请选择受理申请的单位" {
		t.Errorf("empty intake: %d %v", resp.StatusCode, out)
	}

	// The case with its ledger and deadline, ETag = version.
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	resp, _, got := apiCall(t, f, "GET", path, officer, nil, "", nil)
	dl, _ := got["deadline"].(map[string]any)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"1"` || len(got["events"].([]any)) != 1 || dl == nil || dl["explanation"] == "" {
		t.Fatalf("read: %d %q %v", resp.StatusCode, resp.Header.Get("ETag"), got)
	}

	// A step: without If-Match 428, stale 412, then with the version it is taken.
	step := jsonBody(map[string]any{"action": "accept"})
	if resp, _, out := apiCall(t, f, "POST", path+"/steps", officer, nil, json1, step); resp.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("no If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", path+"/steps", officer, map[string]string{"If-Match": `"7"`}, json1, step); resp.StatusCode != http.StatusPreconditionFailed ||
		out["detail"] != "该申请已被他人更新，请刷新页面查看最新情况后再操作" {
		t.Errorf("stale If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", path+"/steps", officer, map[string]string{"If-Match": `"1"`}, json1, []byte(`{}`)); resp.StatusCode/100 != 4 || !hasHan(fmt.Sprint(out["detail"])) {
		t.Errorf("empty step: %d %v", resp.StatusCode, out)
	}
	mailsBefore, _, _, _ := f.db.OutboxStats(ctx)
	resp, _, stepped := apiCall(t, f, "POST", path+"/steps", officer, map[string]string{"If-Match": `"1"`}, json1, step)
	if _, v := caseOf(t, stepped); resp.StatusCode != 200 || v != 2 || resp.Header.Get("ETag") != `"2"` || stepped["case"].(map[string]any)["state"] != "handling" {
		t.Fatalf("accept: %d %q %v", resp.StatusCode, resp.Header.Get("ETag"), stepped)
	}
	// The acceptance notice goes to the applicant by e-mail, as from the console.
	if mails, _, _, _ := f.db.OutboxStats(ctx); mails != mailsBefore+1 {
		t.Errorf("e-mails waiting: %d, want %d", mails, mailsBefore+1)
	}
	// The approver reads the identity number masked, as on the case page (disclosure.ViewFor).
	approver := f.tokenFor(t, "approver", auth.ScopeCasesRead)
	if resp, _, out := apiCall(t, f, "GET", path, approver, nil, "", nil); resp.StatusCode != 200 ||
		out["case"].(map[string]any)["applicant"].(map[string]any)["id_number"] == residentID("37012419800101001") {
		t.Errorf("approver read: %d %v", resp.StatusCode, out["case"])
	}
	// A step the state does not allow is refused with the console's words.
	if resp, _, out := apiCall(t, f, "POST", path+"/steps", officer, map[string]string{"If-Match": `"2"`}, json1, step); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(fmt.Sprint(out["detail"]), "不能执行“受理”") {
		t.Errorf("accept twice: %d %v", resp.StatusCode, out)
	}

	// The audit trail records the API's step as it records the console's: the same action, the account, its address.
	c := f.client(t)
	f.signIn(t, c, "officer", password)
	stepForm(t, f, c, id, url.Values{"action": {"note"}, "note": {"控制台记录"}, "version": {"2"}})
	if resp, _, out := apiCall(t, f, "POST", path+"/steps", officer, map[string]string{"If-Match": `"3"`}, json1, jsonBody(map[string]any{"action": "note", "note": "接口记录"})); resp.StatusCode != 200 {
		t.Fatalf("API note: %d %v", resp.StatusCode, out)
	}
	entries, err := f.db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "application", ObjectID: strconv.FormatInt(id, 10), Action: "case.note"})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.ActorID == nil || e.ActorName != "公开专员" || e.Role != "officer" || e.RemoteAddr == "" || !strings.Contains(string(e.After), "\"version\"") {
			t.Errorf("audit entry %+v", e)
		}
	}
	if *entries[0].ActorID != *entries[1].ActorID || entries[0].RemoteAddr != entries[1].RemoteAddr {
		t.Errorf("console and API audit differ: %+v / %+v", entries[0], entries[1])
	}

	// The 受理通知 as DOCX, read back.
	notices := stepped["notices"].([]any)
	if len(notices) == 0 {
		t.Fatal("no notice after accepting")
	}
	n := notices[0].(map[string]any)
	nid := int64(n["id"].(float64))
	resp, raw, _ := apiCall(t, f, "GET", fmt.Sprintf("%s/notices/%d/docx", path, nid), officer, nil, "", nil)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if resp.StatusCode != 200 || err != nil || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Fatalf("docx: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	var doc string
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(b)
		}
	}
	number := stepped["case"].(map[string]any)["number"].(string)
	if !strings.Contains(doc, number) || !strings.Contains(doc, f.health.Name) {
		t.Errorf("the DOCX does not name the case %s and the agency: %.300s", number, doc)
	}
	if resp, raw, _ := apiCall(t, f, "GET", fmt.Sprintf("%s/notices/%d/pdf", path, nid), officer, nil, "", nil); resp.StatusCode != 200 || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Errorf("pdf: %d %d bytes", resp.StatusCode, len(raw))
	}

	// Files: upload as the console does (the type taken from the bytes), list, read back.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("kind", "provided")
	fw, _ := mw.CreateFormFile("file", "名单.png")
	fw.Write(pngBytes())
	mw.Close()
	resp, _, up := apiCall(t, f, "POST", path+"/files", officer, nil, mw.FormDataContentType(), mp.Bytes())
	if resp.StatusCode != http.StatusCreated || up["kind"] != "provided" || up["content_type"] != "image/png" || up["public"] != true {
		t.Fatalf("upload: %d %v", resp.StatusCode, up)
	}
	var junk bytes.Buffer
	mw = multipart.NewWriter(&junk)
	fw, _ = mw.CreateFormFile("file", "x.png")
	fw.Write([]byte("not an image"))
	mw.Close()
	if resp, _, out := apiCall(t, f, "POST", path+"/files", officer, nil, mw.FormDataContentType(), junk.Bytes()); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] == nil {
		t.Errorf("junk upload: %d %v", resp.StatusCode, out)
	}
	resp, _, files := apiCall(t, f, "GET", path+"/files", officer, nil, "", nil)
	if list := files["files"].([]any); resp.StatusCode != 200 || len(list) != 1 {
		t.Fatalf("files: %d %v", resp.StatusCode, files)
	}
	if resp, raw, _ := apiCall(t, f, "GET", fmt.Sprintf("%s/files/%d", path, int64(up["id"].(float64))), officer, nil, "", nil); resp.StatusCode != 200 || !bytes.Equal(raw, pngBytes()) {
		t.Errorf("file back: %d %d bytes", resp.StatusCode, len(raw))
	}

	// An officer of another agency neither reads nor steps nor lists the case.
	edu := &disclosure.Agency{Kind: disclosure.Department, ParentID: f.health.ParentID, Name: "平阴县教育和体育局"}
	if err := f.db.CreateAgency(ctx, disclosure.SystemActor, edu); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateUser(ctx, disclosure.SystemActor, &disclosure.User{Username: "edu-officer", DisplayName: "教体局公开专员", PasswordHash: hash,
		Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &edu.ID}}}); err != nil {
		t.Fatal(err)
	}
	stranger := f.tokenFor(t, "edu-officer", auth.ScopeCasesRead, auth.ScopeCasesWrite)
	if resp, _, out := apiCall(t, f, "GET", path, stranger, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权查看该单位的申请" {
		t.Errorf("stranger read: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "POST", path+"/steps", stranger, map[string]string{"If-Match": `"4"`}, json1, jsonBody(map[string]any{"action": "note", "note": "x"})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("stranger step: %d", resp.StatusCode)
	}
	if resp, _, _ := apiCall(t, f, "GET", fmt.Sprintf("%s/notices/%d/docx", path, nid), stranger, nil, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("stranger notice: %d", resp.StatusCode)
	}
	if resp, _, out := apiCall(t, f, "GET", "/api/v1/cases?view=all", stranger, nil, "", nil); resp.StatusCode != 200 || out["total"] != float64(0) {
		t.Errorf("stranger list: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/cases?agency=%d", f.health.ID), stranger, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权查看该单位的申请" {
		t.Errorf("stranger agency filter: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "POST", "/api/v1/cases", stranger, map[string]string{"Idempotency-Key": "k"}, json1, body); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("stranger intake for the health bureau: %d", resp.StatusCode)
	}

	// The list's filters are the console's: state, due, agency, search text, paging.
	for i, d := range []string{"2025年度学校食堂检查结果", "本局2024年财政预算执行情况"} {
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/cases", officer, map[string]string{"Idempotency-Key": "more-" + strconv.Itoa(i)}, json1, jsonBody(intakeJSON(f, d))); resp.StatusCode != http.StatusCreated {
			t.Fatalf("intake %d: %d %v", i, resp.StatusCode, out)
		}
	}
	numbers := func(q string) (int, []string, map[string]any) {
		t.Helper()
		resp, _, out := apiCall(t, f, "GET", "/api/v1/cases?"+q, officer, nil, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("list %s: %d %v", q, resp.StatusCode, out)
		}
		var got []string
		for _, r := range out["cases"].([]any) {
			got = append(got, r.(map[string]any)["summary"].(string))
		}
		return int(out["total"].(float64)), got, out
	}
	if total, got, _ := numbers("view=all"); total != 5 || len(got) != 5 {
		t.Errorf("all: %d %v", total, got)
	}
	if total, got, _ := numbers("view=all&state=handling"); total != 1 || got[0] != "2025年度本县疫苗接种点名单" {
		t.Errorf("state=handling: %d %v", total, got)
	}
	if total, got, _ := numbers("view=all&q=" + url.QueryEscape("食堂")); total != 1 || got[0] != "2025年度学校食堂检查结果" {
		t.Errorf("q: %d %v", total, got)
	}
	if total, _, _ := numbers(fmt.Sprintf("view=all&agency=%d", f.health.ID)); total != 5 {
		t.Errorf("agency: %d", total)
	}
	// Received today, a reply is due in 20 working days: none is due within 3, none overdue.
	if total, _, _ := numbers("view=due"); total != 0 {
		t.Errorf("due: %d", total)
	}
	if total, _, _ := numbers("view=overdue"); total != 0 {
		t.Errorf("overdue: %d", total)
	}
	if total, got, out := numbers("view=all&offset=4"); total != 5 || len(got) != 1 || out["next_offset"] != nil || out["offset"] != float64(4) {
		t.Errorf("offset: %d %v %v", total, got, out)
	}
	if resp, _, out := apiCall(t, f, "GET", "/api/v1/cases?from=2026-13-01", officer, nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "日期“2026-13-01”格式不正确，应为 2026-03-02" {
		t.Errorf("bad date: %d %v", resp.StatusCode, out)
	}
	if res, err := f.db.VerifyAudit(ctx); err != nil || !res.OK {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}

// stepForm posts a case action as the signed-in console client and expects the redirect back to the case.
func stepForm(t *testing.T, f *fixture, c *http.Client, caseID int64, form url.Values) {
	t.Helper()
	step(t, f, c, caseID, form)
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
