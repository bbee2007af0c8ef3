package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemOf reads the item of an API answer.
func itemOf(t *testing.T, out map[string]any) (id int64, version int, item map[string]any) {
	t.Helper()
	it, ok := out["item"].(map[string]any)
	if !ok {
		t.Fatalf("no item in %v", out)
	}
	return int64(it["id"].(float64)), int(it["version"].(float64)), it
}

// actionsOf lists the actions an item answer offers.
func actionsOf(out map[string]any) []string {
	var got []string
	for _, a := range out["actions"].([]any) {
		got = append(got, a.(map[string]any)["action"].(string))
	}
	return got
}

// itemJSON is a new normative document of the health bureau, its body with what the cleaning must remove.
func itemJSON(f *fixture, title string) map[string]any {
	return map[string]any{"agency": f.health.ID, "title": title, "summary": "部署春季爱国卫生运动。", "doc_number": "平卫发〔2026〕3号", "genre": "normative",
		"category": "health.public_health.education", "written_on": workday.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).String(),
		"keywords": []string{"爱国卫生", "环境整治"}, "validity": "in_force",
		"body": `<p>请做好<strong>环境卫生整治</strong>。<script>alert(1)</script><a href="http://tracker.example/x">外链</a></p><img src="https://evil.example/pixel.gif" alt="x"><p onclick="x()">附件见下</p>`}
}

func TestItemsAPI(t *testing.T) { testItemsAPI(t, newFixture(t)) }

// The same operations on PostgreSQL: the idempotency key is written in the item's transaction there too.
func TestItemsAPIOnPostgres(t *testing.T) { testItemsAPI(t, newFixtureOn(t, pgtest.NewDatabase(t))) }

func testItemsAPI(t *testing.T, f *fixture) {
	ctx := context.Background()
	const json1 = "application/json"
	f.health.Settings.ItemApproval = true
	if err := f.db.UpdateAgency(ctx, disclosure.SystemActor, f.health); err != nil {
		t.Fatal(err)
	}
	all := []string{auth.ScopeCatalogueRead, auth.ScopeCatalogueWrite}
	officer, reviewer, approver := f.tokenFor(t, "officer", all...), f.tokenFor(t, "reviewer", all...), f.tokenFor(t, "approver", all...)
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	match := func(v int) map[string]string { return map[string]string{"If-Match": `"` + strconv.Itoa(v) + `"`} }
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))

	// Create with an idempotency key, twice: one item, the same answer; the key with another body is refused.
	const title = "关于印发《平阴县爱国卫生运动管理办法》的通知"
	body := jsonBody(itemJSON(f, title))
	resp, _, first := apiCall(t, f, "POST", "/api/v1/items", officer, key("item-0001"), json1, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, first)
	}
	id, version, it := itemOf(t, first)
	path := fmt.Sprintf("/api/v1/items/%d", id)
	if resp.Header.Get("ETag") != `"1"` || version != 1 || resp.Header.Get("Location") != path || it["state"] != "draft" || first["state_name"] != "草稿" {
		t.Errorf("create answer: ETag %q, Location %q, %v", resp.Header.Get("ETag"), resp.Header.Get("Location"), it)
	}
	// The body is cleaned as the console's save cleans it.
	if b := it["body"].(string); strings.Contains(b, "script") || strings.Contains(b, "tracker.example") || strings.Contains(b, "evil.example") ||
		strings.Contains(b, "onclick") || !strings.Contains(b, "<strong>环境卫生整治</strong>") {
		t.Errorf("stored body %q", b)
	}
	if kw := fmt.Sprint(it["keywords"]); kw != "[爱国卫生 环境整治]" || it["publisher"] != f.health.Name {
		t.Errorf("keywords %s, publisher %v", kw, it["publisher"])
	}
	resp, _, again := apiCall(t, f, "POST", "/api/v1/items", officer, key("item-0001"), json1, body)
	if againID, _, _ := itemOf(t, again); resp.StatusCode != http.StatusCreated || againID != id || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d, item %d (first %d), replayed %q", resp.StatusCode, againID, id, resp.Header.Get("Idempotent-Replayed"))
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", officer, key("item-0001"), json1, jsonBody(itemJSON(f, "另一条信息"))); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(fmt.Sprint(out["detail"]), "幂等键（Idempotency-Key）“item-0001”已用于另一个请求") {
		t.Errorf("same key, other body: %d %v", resp.StatusCode, out)
	}
	if _, total, err := f.db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{f.health.ID}}); err != nil || total != 1 {
		t.Fatalf("items after the replay: %d %v", total, err)
	}
	// Retries racing with one key make one item: every answer is that item, or 409 while the first is in flight.
	seen := racingCreates(t, f, 4, "/api/v1/items", officer, key("race"), jsonBody(itemJSON(f, "同一幂等键的并发重试")), "item")
	delete(seen, "409")
	if _, total, _ := f.db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{f.health.ID}}); total != 2 || len(seen) != 1 {
		t.Fatalf("racing retries: %d items, answers %v", total, seen)
	}
	for raced := range seen {
		n, _ := strconv.ParseInt(raced, 10, 64)
		if it, err := f.db.GetItem(ctx, n); err != nil || it.Title != "同一幂等键的并发重试" {
			t.Fatalf("the raced item: %v", err)
		}
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", officer, nil, json1, body); resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 Idempotency-Key 请求头中提供幂等键") {
		t.Errorf("create without a key: %d %v", resp.StatusCode, out)
	}
	// The console's checks, in its words, as problem details.
	noTitle := itemJSON(f, "")
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", officer, key("no-title"), json1, jsonBody(noTitle)); resp.StatusCode != http.StatusUnprocessableEntity ||
		out["detail"] != "请填写信息名称（标题）" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("no title: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), out)
	}
	badDate := itemJSON(f, "日期不对")
	badDate["written_on"] = "2026-02-30"
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", officer, key("bad-date"), json1, jsonBody(badDate)); resp.StatusCode != http.StatusUnprocessableEntity ||
		out["detail"] != "成文日期“2026-02-30”格式不正确，应为 2026-03-02" {
		t.Errorf("bad date: %d %v", resp.StatusCode, out)
	}
	// Role and scope: the approver writes no items; a read-only token writes nothing.
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", approver, key("a"), json1, body); resp.StatusCode != http.StatusForbidden || out["detail"] != "该账号的角色无权使用此接口" {
		t.Errorf("approver create: %d %v", resp.StatusCode, out)
	}
	readOnly := f.tokenFor(t, "officer", auth.ScopeCatalogueRead)
	if resp, _, out := apiCall(t, f, "PUT", path, readOnly, match(1), json1, body); resp.StatusCode != http.StatusForbidden || !strings.Contains(fmt.Sprint(out["detail"]), "catalogue:write") {
		t.Errorf("read-only token edit: %d %v", resp.StatusCode, out)
	}

	// Read: ETag = version; the officer may edit and submit.
	resp, _, got := apiCall(t, f, "GET", path, officer, nil, "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"1"` || got["can_edit"] != true || fmt.Sprint(actionsOf(got)) != "[submit]" || len(got["events"].([]any)) != 1 {
		t.Fatalf("read: %d %q %v", resp.StatusCode, resp.Header.Get("ETag"), got)
	}

	// Edit: without If-Match 428, stale 412, then saved.
	edit := itemJSON(f, title)
	delete(edit, "agency")
	edit["summary"] = "修订后的概述。"
	if resp, _, out := apiCall(t, f, "PUT", path, officer, nil, json1, jsonBody(edit)); resp.StatusCode != http.StatusPreconditionRequired || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 If-Match 请求头中带上信息的版本号") {
		t.Errorf("edit without If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "PUT", path, officer, match(7), json1, jsonBody(edit)); resp.StatusCode != http.StatusPreconditionFailed || out["detail"] != "该信息已被他人更新，请刷新页面后再操作" {
		t.Errorf("stale If-Match: %d %v", resp.StatusCode, out)
	}
	// The body from a Word document, as the edit page's “导入Word正文”.
	edit["body_docx"], edit["body_docx_name"] = wordNotice(t), "经费安排.docx"
	resp, _, saved := apiCall(t, f, "PUT", path, officer, match(1), json1, jsonBody(edit))
	if _, v, it := itemOf(t, saved); resp.StatusCode != 200 || v != 2 || resp.Header.Get("ETag") != `"2"` || it["summary"] != "修订后的概述。" ||
		!strings.Contains(it["body"].(string), "<table") || !strings.Contains(it["body"].(string), "环境整治") ||
		fmt.Sprint(saved["warnings"]) != "[已将 Word 文件“经费安排.docx”导入为正文，请核对后保存或提交审查。]" {
		t.Fatalf("edit: %d %v", resp.StatusCode, saved)
	}
	edit["body_docx"] = []byte("not a word document")
	if resp, _, out := apiCall(t, f, "PUT", path, officer, match(2), json1, jsonBody(edit)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(fmt.Sprint(out["detail"]), "“经费安排.docx”不能导入正文") {
		t.Errorf("junk Word document: %d %v", resp.StatusCode, out)
	}

	// Attachments on the draft: upload (the type from the bytes), list, download, a junk file refused, delete.
	upload := func(name string, data []byte) (*http.Response, map[string]any) {
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		resp, _, out := apiCall(t, f, "POST", path+"/attachments", officer, nil, mw.FormDataContentType(), mp.Bytes())
		return resp, out
	}
	resp, up := upload("示意图.png", pngBytes())
	att, _ := up["attachment"].(map[string]any)
	if resp.StatusCode != http.StatusCreated || att == nil || att["content_type"] != "image/png" || att["state"] != "draft" {
		t.Fatalf("upload: %d %v", resp.StatusCode, up)
	}
	attPath := fmt.Sprintf("%s/attachments/%d", path, int64(att["id"].(float64)))
	if resp, raw, _ := apiCall(t, f, "GET", attPath, reviewer, nil, "", nil); resp.StatusCode != 200 || !bytes.Equal(raw, pngBytes()) {
		t.Errorf("download: %d %d bytes", resp.StatusCode, len(raw))
	}
	if resp, out := upload("x.png", []byte("not an image")); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "只能上传 PDF、Word（DOCX）、Excel（XLSX）、JPG、PNG、GIF 图片或 TXT 文本（所选文件不是这几种格式）" {
		t.Errorf("junk upload: %d %v", resp.StatusCode, out)
	}
	if resp, out := upload("通知.txt", []byte("附件：爱国卫生运动安排表")); resp.StatusCode != http.StatusCreated {
		t.Fatalf("text upload: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "DELETE", attPath, officer, nil, "", nil); resp.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("delete without If-Match: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "DELETE", attPath, reviewer, match(2), "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer delete: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "DELETE", attPath, officer, match(2), "", nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "DELETE", attPath, officer, match(2), "", nil); resp.StatusCode != http.StatusNotFound || out["detail"] != "没有找到该附件" {
		t.Errorf("delete twice: %d %v", resp.StatusCode, out)
	}
	resp, _, files := apiCall(t, f, "GET", path+"/attachments", officer, nil, "", nil)
	if list := files["attachments"].([]any); resp.StatusCode != 200 || len(list) != 1 || list[0].(map[string]any)["name"] != "通知.txt" {
		t.Fatalf("attachments: %d %v", resp.StatusCode, files)
	}

	// The whole path: submit, the secrecy review with the checklist, approval, publication — each step through the
	// workflow's table, refused in the console's words where it does not allow it.
	step := func(token string, v int, action map[string]any) (*http.Response, map[string]any) {
		t.Helper()
		resp, _, out := apiCall(t, f, "POST", path+"/steps", token, match(v), json1, jsonBody(action))
		return resp, out
	}
	if resp, out := step(officer, 2, map[string]any{"action": "submit"}); resp.StatusCode != 200 || out["item"].(map[string]any)["state"] != "in_review" {
		t.Fatalf("submit: %d %v", resp.StatusCode, out)
	}
	resp, _, got = apiCall(t, f, "GET", path, reviewer, nil, "", nil)
	if fmt.Sprint(actionsOf(got)) != "[pass return]" || len(got["checklist"].([]any)) == 0 {
		t.Errorf("the reviewer's actions: %v, checklist %v", actionsOf(got), got["checklist"])
	}
	if resp, out := step(officer, 3, map[string]any{"action": "pass"}); resp.StatusCode != http.StatusForbidden || out["detail"] != "您没有权限执行“保密审查通过”" {
		t.Errorf("the officer passes the review: %d %v", resp.StatusCode, out)
	}
	checklist := f.health.Settings.WithDefaults().ReviewList()
	if resp, out := step(reviewer, 3, map[string]any{"action": "pass", "answer": checklist[:1]}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.HasPrefix(fmt.Sprint(out["detail"]), "保密审查清单未全部确认") {
		t.Errorf("a partial checklist: %d %v", resp.StatusCode, out)
	}
	if resp, out := step(reviewer, 3, map[string]any{"action": "pass", "answer": checklist, "note": "无涉密内容"}); resp.StatusCode != 200 || out["item"].(map[string]any)["state"] != "approval" {
		t.Fatalf("pass: %d %v", resp.StatusCode, out)
	}
	if resp, out := step(officer, 4, map[string]any{"action": "publish"}); resp.StatusCode != http.StatusConflict || out["detail"] != "信息当前状态为“待审批”，不能执行该操作" {
		t.Errorf("publish before approval: %d %v", resp.StatusCode, out)
	}
	if resp, out := step(approver, 4, map[string]any{"action": "approve", "note": "同意发布"}); resp.StatusCode != 200 || out["item"].(map[string]any)["state"] != "ready" {
		t.Fatalf("approve: %d %v", resp.StatusCode, out)
	}
	// A publication at a set time (北京时间), taken back.
	at := time.Now().In(shanghaiLoc(t)).Add(24 * time.Hour).Truncate(time.Minute)
	if resp, out := step(officer, 5, map[string]any{"action": "schedule", "at": at.Format("2006-01-02T15:04")}); resp.StatusCode != 200 || out["item"].(map[string]any)["state"] != "scheduled" ||
		out["item"].(map[string]any)["publish_at"] != at.UTC().Format(time.RFC3339) {
		t.Fatalf("schedule at %s: %d %v", at, resp.StatusCode, out["item"])
	}
	if resp, out := step(officer, 6, map[string]any{"action": "schedule", "at": "明天上午"}); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请填写定时发布的日期和时间，如 2026-03-02 09:00" {
		t.Errorf("schedule at no time: %d %v", resp.StatusCode, out)
	}
	if resp, out := step(officer, 6, map[string]any{"action": "unschedule"}); resp.StatusCode != 200 || out["item"].(map[string]any)["state"] != "ready" {
		t.Fatalf("unschedule: %d %v", resp.StatusCode, out)
	}
	resp, out := step(officer, 7, map[string]any{"action": "publish"})
	_, v, it := itemOf(t, out)
	if resp.StatusCode != 200 || it["state"] != "published" || it["index_number"] == nil || v != 8 || resp.Header.Get("ETag") != `"8"` {
		t.Fatalf("publish: %d %v", resp.StatusCode, out)
	}
	// The public sees it on the portal, with the file that was a draft's.
	pr, err := http.Get(fmt.Sprintf("%s/items/%d", f.srv.URL, id))
	page, _ := io.ReadAll(pr.Body)
	pr.Body.Close()
	if err != nil || pr.StatusCode != 200 || !strings.Contains(string(page), "平阴县爱国卫生运动管理办法") || !strings.Contains(string(page), "通知.txt") {
		t.Errorf("portal page: %d %v", pr.StatusCode, err)
	}
	// The audit trail records the API's steps as it records the console's: the action, the account, its address.
	entries, err := f.db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "item", ObjectID: strconv.FormatInt(id, 10), Action: "item.pass"})
	if err != nil || len(entries) != 1 || entries[0].ActorName != disclosure.RoleNames[disclosure.Reviewer] || entries[0].Role != "reviewer" || entries[0].RemoteAddr == "" {
		t.Errorf("audit of the review: %d entries %v", len(entries), err)
	}
	if resp, out := step(officer, 8, map[string]any{"action": "withdraw"}); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请写明撤回的原因（将在信息页面上公开说明）" {
		t.Errorf("withdraw without a reason: %d %v", resp.StatusCode, out)
	}
	// Channels, as the item page's rows.
	if resp, out := step(officer, 8, map[string]any{"action": "channels", "channels": []map[string]any{{"channel": "微信公众号", "on": today.String(), "count": 2}}}); resp.StatusCode != 200 ||
		len(out["channels"].([]any)) != 1 || out["channels"].([]any)[0].(map[string]any)["count"] != float64(2) {
		t.Errorf("channels: %d %v", resp.StatusCode, out)
	}
	five := []map[string]any{}
	for range 5 {
		five = append(five, map[string]any{"channel": "微博", "on": today.String()})
	}
	if resp, out := step(officer, 9, map[string]any{"action": "channels", "channels": five}); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "一次最多登记 4 个发布渠道，请分次登记" {
		t.Errorf("five channels: %d %v", resp.StatusCode, out)
	}

	// Bulk validity, as the list's: each item on its own, the unknown ones counted without a name.
	resp, _, bulk := apiCall(t, f, "POST", "/api/v1/items/bulk", officer, nil, json1, jsonBody(map[string]any{"ids": []int64{id, 999999}, "action": "expired", "date": today.String()}))
	results, _ := bulk["results"].([]any)
	if resp.StatusCode != 200 || len(results) != 2 || results[0].(map[string]any)["done"] != true || !strings.Contains(results[0].(map[string]any)["message"].(string), "已标注为失效") ||
		results[1].(map[string]any)["message"] != "1 条信息不存在或您无权处理" || results[1].(map[string]any)["item_id"] != nil {
		t.Fatalf("bulk: %d %v", resp.StatusCode, bulk)
	}
	if stored, _ := f.db.GetItem(ctx, id); stored.Validity != disclosure.Expired || stored.EndedOn != today {
		t.Errorf("after the bulk step: %s %s", stored.Validity, stored.EndedOn)
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items/bulk", officer, nil, json1, jsonBody(map[string]any{"action": "expired"})); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "请先勾选要处理的信息" {
		t.Errorf("bulk without items: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items/bulk", officer, nil, json1, jsonBody(map[string]any{"ids": []int64{id}, "action": "expired"})); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "标注失效或废止须填写失效（废止）日期" {
		t.Errorf("bulk without a date: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "POST", "/api/v1/items/bulk", reviewer, nil, json1, jsonBody(map[string]any{"ids": []int64{id}, "action": "in_force"})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer bulk: %d", resp.StatusCode)
	}

	// A case answered 予以公开 becomes a draft item (Art 44), once.
	caseID := f.disclosedCase(t, "2025年度本县疫苗接种点名单")
	casePath := fmt.Sprintf("/api/v1/cases/%d/item", caseID)
	resp, _, fromCase := apiCall(t, f, "POST", casePath, officer, key("art44-1"), "", nil)
	caseItem, _, ci := itemOf(t, fromCase)
	if resp.StatusCode != http.StatusCreated || ci["title"] != "2025年度本县疫苗接种点名单" || ci["source_case_id"] != float64(caseID) || ci["state"] != "draft" {
		t.Fatalf("case to item: %d %v", resp.StatusCode, fromCase)
	}
	if resp, _, out := apiCall(t, f, "POST", casePath, officer, key("art44-1"), "", nil); resp.StatusCode/100 != 2 || out["item"].(map[string]any)["id"] != float64(caseItem) {
		t.Errorf("case to item again: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "POST", casePath, officer, key("art44-2"), "", nil); resp.StatusCode != http.StatusOK || out["item"].(map[string]any)["id"] != float64(caseItem) {
		t.Errorf("case to item, another key: %d %v", resp.StatusCode, out)
	}
	if items, _ := f.db.ItemsFromCase(ctx, caseID); len(items) != 1 {
		t.Errorf("items from the case: %d", len(items))
	}
	open := f.mustCase(t)
	if resp, _, out := apiCall(t, f, "POST", fmt.Sprintf("/api/v1/cases/%d/item", open.caseID), officer, key("art44-3"), "", nil); resp.StatusCode != http.StatusConflict ||
		out["detail"] != "只有答复“予以公开”并已发出答复的申请，才能据此主动公开" {
		t.Errorf("from an open case: %d %v", resp.StatusCode, out)
	}

	// The list's filters are the console's.
	list := func(token, q string) (int, []string, map[string]any) {
		t.Helper()
		resp, _, out := apiCall(t, f, "GET", "/api/v1/items?"+q, token, nil, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("list %s: %d %v", q, resp.StatusCode, out)
		}
		var titles []string
		for _, r := range out["items"].([]any) {
			titles = append(titles, r.(map[string]any)["title"].(string))
		}
		return int(out["total"].(float64)), titles, out
	}
	if total, titles, _ := list(officer, "view=all"); total != 3 || len(titles) != 3 {
		t.Errorf("all: %d %v", total, titles)
	}
	if total, titles, _ := list(officer, "view=published"); total != 1 || titles[0] != title {
		t.Errorf("published: %d %v", total, titles)
	}
	if total, titles, _ := list(officer, "view=all&q="+url.QueryEscape("疫苗")); total != 1 || titles[0] != "2025年度本县疫苗接种点名单" {
		t.Errorf("q: %d %v", total, titles)
	}
	if _, _, out := list(reviewer, ""); out["view"] != "review" {
		t.Errorf("the reviewer's default list: %v", out["view"])
	}
	if resp, _, out := apiCall(t, f, "GET", "/api/v1/items?state=bogus", officer, nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity || out["detail"] != "状态“bogus”不正确" {
		t.Errorf("bad state: %d %v", resp.StatusCode, out)
	}

	// An officer of another agency neither reads, nor edits, nor lists the bureau's items.
	edu := &disclosure.Agency{Kind: disclosure.Department, ParentID: f.health.ParentID, Name: "平阴县教育和体育局"}
	if err := f.db.CreateAgency(ctx, disclosure.SystemActor, edu); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(password, cheap)
	if err := f.db.CreateUser(ctx, disclosure.SystemActor, &disclosure.User{Username: "edu-officer", DisplayName: "教体局公开专员", PasswordHash: hash,
		Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &edu.ID}}}); err != nil {
		t.Fatal(err)
	}
	stranger := f.tokenFor(t, "edu-officer", all...)
	if resp, _, out := apiCall(t, f, "GET", path, stranger, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权查看该单位的信息" {
		t.Errorf("stranger read: %d %v", resp.StatusCode, out)
	}
	if resp, _, _ := apiCall(t, f, "GET", attPath, stranger, nil, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("stranger download: %d", resp.StatusCode)
	}
	if total, _, _ := list(stranger, "view=all"); total != 0 {
		t.Errorf("stranger list: %d", total)
	}
	if resp, _, out := apiCall(t, f, "POST", "/api/v1/items", stranger, key("s"), json1, body); resp.StatusCode != http.StatusForbidden || out["detail"] != "您不是该单位的公开专员，不能为其新建信息" {
		t.Errorf("stranger create: %d %v", resp.StatusCode, out)
	}
	if resp, _, out := apiCall(t, f, "GET", "/api/v1/items/999999", officer, nil, "", nil); resp.StatusCode != http.StatusNotFound || out["detail"] != "没有找到该信息" {
		t.Errorf("missing item: %d %v", resp.StatusCode, out)
	}
	if res, err := f.db.VerifyAudit(ctx); err != nil || !res.OK {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}
