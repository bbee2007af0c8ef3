package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/webhook"
)

func TestAdminAPI(t *testing.T) { testAdminAPI(t, newFixture(t)) }

// The webhook's idempotency key is written in the create's transaction on PostgreSQL too.
func TestAdminAPIOnPostgres(t *testing.T) { testAdminAPI(t, newFixtureOn(t, pgtest.NewDatabase(t))) }

func testAdminAPI(t *testing.T, f *fixture) {
	ctx := context.Background()
	jsonType := "application/json"
	audited := func(action string) []disclosure.AuditEntry {
		t.Helper()
		entries, err := f.db.ListAudit(ctx, disclosure.AuditFilter{Action: action})
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}

	t.Run("notice templates", func(t *testing.T) {
		officer := f.tokenFor(t, "officer", auth.ScopeAdmin)
		resp, _, list := apiCall(t, f, "GET", "/api/v1/templates", officer, nil, "", nil)
		rows, _ := list["templates"].([]any)
		if resp.StatusCode != 200 || len(rows) < 6 || !strings.Contains(jsonString(rows), `"key":"receipt"`) || list["agency"].(map[string]any)["name"] != f.health.Name {
			t.Fatalf("list: %d %v", resp.StatusCode, list)
		}
		resp, _, one := apiCall(t, f, "GET", "/api/v1/templates/fix", officer, nil, "", nil)
		if resp.StatusCode != 200 || one["custom"] != false || one["title"] != one["default_title"] || !strings.Contains(jsonString(one["required"]), "补正事项") {
			t.Fatalf("one: %d %v", resp.StatusCode, one)
		}
		tag := resp.Header.Get("ETag")
		ifMatch := map[string]string{"If-Match": tag}
		// The console's checks, in its words: a template that drops what the law requires is refused.
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, ifMatch, jsonType, jsonBody(map[string]any{"title": "补正告知书", "body": "{申请人}：请补正。"})); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.HasPrefix(fmt.Sprint(out["detail"]), "该告知书必须保留占位符 {补正事项}") {
			t.Errorf("missing placeholder: %d %v", resp.StatusCode, out)
		}
		body := one["default_body"].(string) + "\n（本局补充说明）"
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, nil, jsonType, jsonBody(map[string]any{"title": "补正告知书", "body": body})); resp.StatusCode != http.StatusPreconditionRequired || !hasHan(fmt.Sprint(out["detail"])) {
			t.Errorf("without If-Match: %d %v", resp.StatusCode, out)
		}
		// Two administrators save at once from what they both read: one is saved, the other told to read again —
		// never one silently overwriting the other.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, _, _ := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, ifMatch, jsonType, jsonBody(map[string]any{"title": "补正告知书", "body": body + strings.Repeat("。", i+1)}))
				codes[i] = r.StatusCode
			}()
		}
		wg.Wait()
		slices.Sort(codes)
		if codes[0] != 200 || codes[1] != http.StatusPreconditionFailed {
			t.Errorf("racing saves with one tag: %v", codes)
		}
		resp, _, _ = apiCall(t, f, "GET", "/api/v1/templates/fix", officer, nil, "", nil)
		if resp.Header.Get("ETag") == tag {
			t.Errorf("the tag did not change with the template: %s", tag)
		}
		if r, _, out := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, ifMatch, jsonType, jsonBody(map[string]any{"title": "补正告知书", "body": body})); r.StatusCode != http.StatusPreconditionFailed || !strings.Contains(fmt.Sprint(out["detail"]), "已被他人修改") {
			t.Errorf("a stale tag: %d %v", r.StatusCode, out)
		}
		ifMatch["If-Match"] = resp.Header.Get("ETag")
		resp, _, saved := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, ifMatch, jsonType, jsonBody(map[string]any{"title": "补正告知书", "body": body}))
		if resp.StatusCode != 200 || saved["custom"] != true || saved["body"] != body || !strings.HasPrefix(fmt.Sprint(saved["message"]), "已保存") {
			t.Fatalf("save: %d %v", resp.StatusCode, saved)
		}
		ifMatch["If-Match"] = resp.Header.Get("ETag")
		own, _ := f.db.NoticeTemplates(ctx, f.health.ID)
		if len(own) != 1 || own[0].Title != "补正告知书" || own[0].Body != body {
			t.Errorf("stored %+v", own)
		}
		if e := audited("notice_template.save"); len(e) != 2 || e[0].ActorName != "公开专员" || e[0].RemoteAddr == "" {
			t.Errorf("audit (the racing save and this one) %+v", e)
		}
		resp, _, reset := apiCall(t, f, "POST", "/api/v1/templates/fix", officer, ifMatch, jsonType, jsonBody(map[string]any{"reset": true}))
		if own, _ := f.db.NoticeTemplates(ctx, f.health.ID); resp.StatusCode != 200 || reset["custom"] != false || reset["message"] != "已恢复为默认模板。" || len(own) != 0 {
			t.Errorf("reset: %d %v, stored %v", resp.StatusCode, reset, own)
		}
		if resp, _, out := apiCall(t, f, "GET", "/api/v1/templates/nope", officer, nil, "", nil); resp.StatusCode != http.StatusNotFound || out["detail"] != "没有名为“nope”的告知书模板" {
			t.Errorf("unknown template: %d %v", resp.StatusCode, out)
		}
		if resp, _, out := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/templates?agency=%d", *f.health.ParentID), officer, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权修改该单位的告知书模板" {
			t.Errorf("another agency: %d %v", resp.StatusCode, out)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/templates", f.tokenFor(t, "officer", auth.ScopeCasesWrite), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("token without admin: %d", resp.StatusCode)
		}
	})

	t.Run("site settings", func(t *testing.T) {
		sysadmin := f.tokenFor(t, "sysadmin", auth.ScopeAdmin)
		site := map[string]any{"sponsor": "平阴县人民政府办公室", "operator": "平阴县大数据中心", "contact": "0531-87880000", "site_code": "3701240001", "icp": "ICP12345"}
		resp, _, _ := apiCall(t, f, "GET", "/api/v1/settings/site", sysadmin, nil, "", nil)
		ifMatch := map[string]string{"If-Match": resp.Header.Get("ETag")}
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/settings/site", sysadmin, nil, jsonType, jsonBody(site)); resp.StatusCode != http.StatusPreconditionRequired || !hasHan(fmt.Sprint(out["detail"])) {
			t.Errorf("without If-Match: %d %v", resp.StatusCode, out)
		}
		resp, _, out := apiCall(t, f, "POST", "/api/v1/settings/site", sysadmin, ifMatch, jsonType, jsonBody(site))
		if errs := jsonString(out["errors"]); resp.StatusCode != http.StatusUnprocessableEntity || !hasHan(fmt.Sprint(out["detail"])) || !strings.Contains(errs, "body.icp") {
			t.Errorf("bad ICP: %d %v", resp.StatusCode, out)
		}
		site["icp"] = "鲁ICP备12345678号-1"
		resp, _, out = apiCall(t, f, "POST", "/api/v1/settings/site", sysadmin, ifMatch, jsonType, jsonBody(site))
		if got, _ := out["site"].(map[string]any); resp.StatusCode != 200 || got["sponsor"] != "平阴县人民政府办公室" || got["icp"] != "鲁ICP备12345678号-1" {
			t.Fatalf("save: %d %v", resp.StatusCode, out)
		}
		site["contact"] = "0531-87889999"
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/settings/site", sysadmin, ifMatch, jsonType, jsonBody(site)); resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(fmt.Sprint(out["detail"]), "已被他人修改") {
			t.Errorf("a stale tag: %d %v", resp.StatusCode, out)
		}
		if resp, _, out := apiCall(t, f, "GET", "/api/v1/settings/site", sysadmin, nil, "", nil); resp.StatusCode != 200 || out["site"].(map[string]any)["site_code"] != "3701240001" {
			t.Errorf("read: %d %v", resp.StatusCode, out)
		}
		// The portal's footer carries them, as after the console's form.
		if _, doc := get(t, f.client(t), f.srv.URL+"/"); !strings.Contains(doc.Find("footer").Text(), "主办单位：平阴县人民政府办公室") {
			t.Errorf("footer %q", doc.Find("footer").Text())
		}
		if e := audited("site.update"); len(e) != 1 || e[0].Role != "sysadmin" {
			t.Errorf("audit %+v", e)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/settings/site", f.tokenFor(t, "agency_admin", auth.ScopeAdmin), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("agency administrator: %d", resp.StatusCode)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		admin := f.tokenFor(t, "agency_admin", auth.ScopeAdmin)
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "维护中", http.StatusServiceUnavailable)
		}))
		defer recv.Close()
		hook := map[string]any{"url": recv.URL + "/hook", "kinds": []string{store.WebhookCaseRegistered}, "agency": f.health.ID, "description": "12345 热线"}
		key := map[string]string{"Idempotency-Key": "hook-0001"}
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/webhooks", admin, nil, jsonType, jsonBody(hook)); resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(fmt.Sprint(out["detail"]), "请在 Idempotency-Key") {
			t.Errorf("no key: %d %v", resp.StatusCode, out)
		}
		for _, tc := range []struct {
			change map[string]any
			want   string
		}{
			{map[string]any{"url": "http://10.0.0.1/hook"}, "必须以 https:// 开头"},
			{map[string]any{"agency": 0}, "请选择推送哪个单位的事件（单位管理员只能订阅本单位及下属单位的事件）"},
			{map[string]any{"kinds": []string{}}, "请至少选择一种事件"},
		} {
			bad := map[string]any{}
			for k, v := range hook {
				bad[k] = v
			}
			for k, v := range tc.change {
				bad[k] = v
			}
			if resp, _, out := apiCall(t, f, "POST", "/api/v1/webhooks", admin, map[string]string{"Idempotency-Key": "bad"}, jsonType, jsonBody(bad)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), tc.want) {
				t.Errorf("%v: %d %v, want %q", tc.change, resp.StatusCode, out, tc.want)
			}
		}
		resp, _, created := apiCall(t, f, "POST", "/api/v1/webhooks", admin, key, jsonType, jsonBody(hook))
		w, _ := created["webhook"].(map[string]any)
		if resp.StatusCode != http.StatusCreated || w == nil || !strings.HasPrefix(fmt.Sprint(w["secret"]), "whsec_") || w["agency"] != f.health.Name {
			t.Fatalf("create: %d %v", resp.StatusCode, created)
		}
		id := int64(w["id"].(float64))
		subs, _ := f.db.Webhooks(ctx, nil)
		if len(subs) != 1 || subs[0].Secret != w["secret"] || resp.Header.Get("Location") != fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id) {
			t.Fatalf("stored %+v, Location %q", subs, resp.Header.Get("Location"))
		}
		// The retry with the key: the same subscriber, no second one, no secret.
		resp, _, again := apiCall(t, f, "POST", "/api/v1/webhooks", admin, key, jsonType, jsonBody(hook))
		if w2, _ := again["webhook"].(map[string]any); resp.StatusCode != http.StatusCreated || resp.Header.Get("Idempotent-Replayed") != "true" || w2["id"] != float64(id) || w2["secret"] != nil {
			t.Errorf("replay: %d %q %v", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), again)
		}
		other := map[string]any{"url": recv.URL + "/other", "kinds": []string{store.WebhookCaseRegistered}, "agency": f.health.ID}
		if resp, _, out := apiCall(t, f, "POST", "/api/v1/webhooks", admin, key, jsonType, jsonBody(other)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["detail"]), "已用于另一个请求") {
			t.Errorf("same key, other body: %d %v", resp.StatusCode, out)
		}
		if subs, _ := f.db.Webhooks(ctx, nil); len(subs) != 1 {
			t.Errorf("%d subscribers after the replay", len(subs))
		}
		// Retries racing with one new key make one subscriber: each answer is it, or 409 while the first is in flight.
		race := map[string]any{"url": recv.URL + "/race", "kinds": []string{store.WebhookCaseStep}, "agency": f.health.ID}
		seen := racingCreates(t, f, 4, "/api/v1/webhooks", admin, map[string]string{"Idempotency-Key": "hook-race"}, jsonBody(race), "webhook")
		delete(seen, "409")
		if len(seen) != 1 {
			t.Errorf("racing create: every answer is the one subscriber or 409: %v", seen)
		}
		if subs, _ := f.db.Webhooks(ctx, nil); len(subs) != 2 {
			t.Errorf("%d subscribers after the racing retries, want 2", len(subs))
		}
		if e := audited("webhook.create"); len(e) != 2 || e[0].Role != "agency_admin" || strings.Contains(string(e[0].After), "whsec_") {
			t.Errorf("audit %+v", e)
		}
		resp, raw, listed := apiCall(t, f, "GET", "/api/v1/webhooks", admin, nil, "", nil)
		if hooks, _ := listed["webhooks"].([]any); resp.StatusCode != 200 || len(hooks) != 2 || strings.Contains(string(raw), "whsec_") {
			t.Errorf("list: %d %s", resp.StatusCode, raw)
		}

		// A case goes out to the receiver, which is down: the log shows the attempt; a retry makes it due again.
		f.mustCase(t)
		d := &webhook.Deliverer{DB: f.db, Log: slog.New(slog.DiscardHandler)}
		if _, err := d.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		deliveries := fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id)
		resp, _, log := apiCall(t, f, "GET", deliveries, admin, nil, "", nil)
		ds, _ := log["deliveries"].([]any)
		if resp.StatusCode != 200 || len(ds) != 1 || !strings.Contains(jsonString(ds[0]), `"status":503`) || ds[0].(map[string]any)["kind"] != store.WebhookCaseRegistered {
			t.Fatalf("deliveries: %d %v", resp.StatusCode, log)
		}
		dID := int64(ds[0].(map[string]any)["id"].(float64))
		resp, _, out := apiCall(t, f, "POST", fmt.Sprintf("%s/%d/retry", deliveries, dID), admin, nil, "", nil)
		if resp.StatusCode != 200 || out["message"] != webhookRetryDone {
			t.Errorf("retry: %d %v", resp.StatusCode, out)
		}
		if e := audited("webhook.retry"); len(e) != 1 {
			t.Errorf("retry audit: %d entries", len(e))
		}
		if resp, _, _ := apiCall(t, f, "POST", fmt.Sprintf("%s/%d/retry", deliveries, dID+1000), admin, nil, "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("retry of an unknown delivery: %d", resp.StatusCode)
		}
		resp, _, out = apiCall(t, f, "POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", id), admin, nil, "", nil)
		if hw, _ := out["webhook"].(map[string]any); resp.StatusCode != 200 || hw["disabled"] != true || !strings.HasPrefix(fmt.Sprint(out["message"]), "已停用") {
			t.Errorf("disable: %d %v", resp.StatusCode, out)
		}
		resp, _, out = apiCall(t, f, "POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", id), admin, nil, jsonType, jsonBody(map[string]any{"disabled": false}))
		if sub, _ := f.db.GetWebhook(ctx, id); resp.StatusCode != 200 || sub.Disabled || !strings.HasPrefix(fmt.Sprint(out["message"]), "已恢复") {
			t.Errorf("resume: %d %v", resp.StatusCode, out)
		}
		// A subscriber of every agency is the system administrator's: the agency administrator may not touch it.
		sysadmin := f.tokenFor(t, "sysadmin", auth.ScopeAdmin)
		all := map[string]any{"url": recv.URL + "/all", "kinds": []string{store.WebhookItemPublished}}
		resp, _, out = apiCall(t, f, "POST", "/api/v1/webhooks", sysadmin, map[string]string{"Idempotency-Key": "hook-all"}, jsonType, jsonBody(all))
		if resp.StatusCode != http.StatusCreated || out["webhook"].(map[string]any)["agency"] != "全部单位" {
			t.Fatalf("system administrator's subscriber: %d %v", resp.StatusCode, out)
		}
		allID := int64(out["webhook"].(map[string]any)["id"].(float64))
		if resp, _, out := apiCall(t, f, "POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", allID), admin, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权管理该推送地址" {
			t.Errorf("agency administrator stops another's subscriber: %d %v", resp.StatusCode, out)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/webhooks/999999/deliveries", admin, nil, "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown subscriber: %d", resp.StatusCode)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/webhooks", f.tokenFor(t, "officer", auth.ScopeAdmin), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("officer: %d", resp.StatusCode)
		}
	})

	t.Run("accounts", func(t *testing.T) {
		reviewer, err := f.db.GetUserByUsername(ctx, "reviewer")
		if err != nil {
			t.Fatal(err)
		}
		reviewer.Email = "reviewer@example.com"
		if err := f.db.UpdateUser(ctx, disclosure.SystemActor, reviewer); err != nil {
			t.Fatal(err)
		}
		resp, raw, out := apiCall(t, f, "GET", "/api/v1/users", f.tokenFor(t, "sysadmin", auth.ScopeAdmin), nil, "", nil)
		users, _ := out["users"].([]any)
		if resp.StatusCode != 200 || out["all"] != true || len(users) != len(allRoles) || strings.Contains(string(raw), "reviewer@example.com") || strings.Contains(string(raw), "password") {
			t.Fatalf("system administrator: %d %s", resp.StatusCode, raw)
		}
		for _, x := range users {
			u := x.(map[string]any)
			if u["username"] == "officer" && (u["roles"] != fmt.Sprintf("公开专员（单位 %d）", f.health.ID) || u["status"] != "正常") {
				t.Errorf("officer row %v", u)
			}
		}
		// An agency administrator sees its agency's accounts (not the system roles), as on the page.
		resp, _, out = apiCall(t, f, "GET", "/api/v1/users", f.tokenFor(t, "agency_admin", auth.ScopeAdmin), nil, "", nil)
		if users, _ := out["users"].([]any); resp.StatusCode != 200 || out["all"] != false || len(users) != 5 {
			t.Errorf("agency administrator: %d %v", resp.StatusCode, out)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/users", f.tokenFor(t, "officer", auth.ScopeAdmin), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("officer: %d", resp.StatusCode)
		}
	})

	t.Run("supervision", func(t *testing.T) {
		sup := f.tokenFor(t, "supervisor", auth.ScopeReportsRead)
		resp, _, out := apiCall(t, f, "GET", "/api/v1/supervision", sup, nil, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("supervision: %d %v", resp.StatusCode, out)
		}
		// The figures are the page's: the same data function for the same region and year.
		u, _ := f.db.GetUserByUsername(ctx, "supervisor")
		reg, regions, err := f.server.regionOf(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.server.supervision(ctx, reg, supervisionYear(f.server.today()))
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(jsonString(supervisionView(d, regions).Body)), &want); err != nil {
			t.Fatal(err)
		}
		delete(out, "$schema")
		if !reflect.DeepEqual(out, want) {
			t.Errorf("API %v\npage's data %v", out, want)
		}
		if out["region"].(map[string]any)["name"] != f.health.Name || out["tally"].(map[string]any)["agencies"] != float64(len(reg.Agencies)) || len(out["rows"].([]any)) != len(d.Rows) {
			t.Errorf("supervision %v", out)
		}
		if resp, _, out := apiCall(t, f, "GET", fmt.Sprintf("/api/v1/supervision?region=%d", *f.health.ParentID), sup, nil, "", nil); resp.StatusCode != http.StatusForbidden || out["detail"] != "您无权查看该地区的监督情况" {
			t.Errorf("another region: %d %v", resp.StatusCode, out)
		}
		if resp, _, out := apiCall(t, f, "GET", "/api/v1/supervision?year=1999", sup, nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(fmt.Sprint(out["detail"]), "年度“1999”不正确") {
			t.Errorf("bad year: %d %v", resp.StatusCode, out)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/supervision", f.tokenFor(t, "officer", auth.ScopeReportsRead), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("officer: %d", resp.StatusCode)
		}
		if resp, _, _ := apiCall(t, f, "GET", "/api/v1/supervision", f.tokenFor(t, "supervisor", auth.ScopeCasesRead), nil, "", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("token without reports:read: %d", resp.StatusCode)
		}
	})
}
