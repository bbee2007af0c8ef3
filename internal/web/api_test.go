package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
)

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite docs/openapi.json from the running API")

// tokenFor creates a token with the given scopes for the user.
func (f *fixture) tokenFor(t *testing.T, username string, scopes ...string) string {
	t.Helper()
	u, err := f.db.GetUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	plain, hash, err := auth.NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateAPIToken(context.Background(), disclosure.SystemActor, &store.APIToken{UserID: u.ID, Name: "test", Scopes: scopes}, hash); err != nil {
		t.Fatal(err)
	}
	return plain
}

func (f *fixture) api(t *testing.T, method, path, token string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestOpenAPIDocumentIsTrue checks that the served OpenAPI 3.1 document lists exactly the declared operations and
// matches docs/openapi.json.
func TestOpenAPIDocumentIsTrue(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var got, want []string
	for path, methods := range doc.Paths {
		for m := range methods {
			got = append(got, strings.ToUpper(m)+" "+path)
		}
	}
	for _, op := range APIOperations {
		want = append(want, op.Method+" "+op.Path)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("document paths:\n%s\ndeclared:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, raw, "", "  ")
	pretty.WriteString("\n")
	const golden = "../../docs/openapi.json"
	if *updateOpenAPI {
		os.WriteFile(golden, pretty.Bytes(), 0o644)
	}
	saved, err := os.ReadFile(golden)
	if err != nil || !bytes.Equal(saved, pretty.Bytes()) {
		t.Errorf("docs/openapi.json is out of date (go test ./internal/web -run OpenAPI -update-openapi): %v", err)
	}
}

func TestAPIAccessMatrix(t *testing.T) { testAPIAccessMatrix(t, newFixture(t)) }

// Every operation once more on PostgreSQL: each read answers 200 to every role that may use it, each write gets past
// the gate without a server error (the operations' own tests write for real on both engines).
func TestAPIAccessMatrixOnPostgres(t *testing.T) {
	testAPIAccessMatrix(t, newFixtureOn(t, pgtest.NewDatabase(t)))
}

func testAPIAccessMatrix(t *testing.T, f *fixture) {
	tokens := map[disclosure.Role]string{}
	for _, r := range allRoles {
		tokens[r] = f.tokenFor(t, string(r), auth.Scopes...)
	}
	check, _ := json.Marshal(map[string]any{"era": "2021", "year": 2024, "agency": "平阴县卫生健康局"})
	cf := f.mustCase(t)
	// A published annual report, for its files.
	reportYear := time.Now().Year() - 1
	published, _ := json.Marshal(map[string]any{"era": "2021", "year": reportYear, "agency": f.health.Name})
	if err := f.db.SaveAnnualReport(context.Background(), disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: reportYear, Era: "2021", Data: published}); err != nil {
		t.Fatal(err)
	}
	item := f.mustItem(t)
	hook := &store.WebhookSubscription{URL: "https://example.org/hook", Kinds: []string{store.WebhookCaseRegistered}, AgencyID: &f.health.ID}
	if err := f.db.CreateWebhook(context.Background(), disclosure.SystemActor, hook); err != nil {
		t.Fatal(err)
	}
	for _, op := range APIOperations {
		path := strings.NewReplacer("{id}", "2", "{key}", "receipt", "{hook}", strconv.FormatInt(hook.ID, 10), "{delivery}", "1").Replace(op.Path)
		if strings.HasPrefix(op.Path, "/api/v1/cases/") {
			path = strings.NewReplacer("{id}", strconv.FormatInt(cf.caseID, 10), "{nid}", strconv.FormatInt(cf.noticeID, 10), "{format}", "docx",
				"{fid}", strconv.FormatInt(cf.fileID, 10)).Replace(op.Path)
		}
		if strings.HasPrefix(op.Path, "/api/v1/annual-reports/") {
			path = strings.NewReplacer("{agency}", strconv.FormatInt(f.health.ID, 10), "{year}", strconv.Itoa(reportYear), "{format}", "pdf").Replace(op.Path)
		}
		if strings.HasPrefix(op.Path, "/api/v1/items/{id}") {
			path = strings.NewReplacer("{id}", strconv.FormatInt(item.itemID, 10), "{att}", strconv.FormatInt(item.attachmentID, 10)).Replace(op.Path)
		}
		var body []byte
		if op.Method != "GET" {
			body = check
		}
		// A write given the report check's body gets past the gate and is refused for its body (each operation's
		// own tests write for real); every read answers 200 to the roles that may use it.
		passed := func(code int) bool {
			if op.Method != "GET" && op.Path != "/api/v1/reports/check" {
				return code != http.StatusUnauthorized && code != http.StatusForbidden && code < 500
			}
			return code == http.StatusOK
		}
		t.Run(op.Method+" "+path, func(t *testing.T) {
			if op.Scope == "" {
				// Open data: everyone, without a token.
				if code, _ := f.api(t, op.Method, path, "", body); code != http.StatusOK {
					t.Errorf("open data without a token: %d", code)
				}
				return
			}
			if code, out := f.api(t, op.Method, path, "", body); code != http.StatusUnauthorized || out["detail"] == nil {
				t.Errorf("no token: %d %v", code, out)
			}
			if code, _ := f.api(t, op.Method, path, "gk_not-a-token", body); code != http.StatusUnauthorized {
				t.Errorf("bad token: %d", code)
			}
			for _, r := range allRoles {
				want := op.Roles == nil
				for _, allowedRole := range op.Roles {
					want = want || allowedRole == r
				}
				code, out := f.api(t, op.Method, path, tokens[r], body)
				if passed(code) != want || !want && code != http.StatusForbidden {
					t.Errorf("%s: %d, allowed %v %v", r, code, want, out)
				}
			}
		})
	}
	// A token without the scope is refused even for a role that may use the operation.
	narrow := f.tokenFor(t, "officer", auth.ScopeReportsCheck)
	if code, out := f.api(t, "GET", "/api/v1/agencies", narrow, nil); code != http.StatusForbidden || !strings.Contains(out["detail"].(string), "agencies:read") {
		t.Errorf("narrow token: %d %v", code, out)
	}
}

func TestAPIChecksReportsAndSpeaksProblemJSON(t *testing.T) {
	f := newFixture(t)
	tok := f.tokenFor(t, "officer", auth.ScopeReportsCheck, auth.ScopeAgenciesRead)
	code, out := f.api(t, "POST", "/api/v1/reports/check", tok, []byte(`{"era":"2021","year":2022,"agency":"临潭县卫生健康局"}`))
	if code != 200 || out["errors"] != true {
		t.Fatalf("%d %v", code, out)
	}
	found := false
	for _, f := range out["findings"].([]any) {
		m := f.(map[string]any)
		found = found || m["rule"] == "C-1" && strings.Contains(m["message"].(string), "未找到第二部分表格")
	}
	if !found {
		t.Errorf("findings %v", out["findings"])
	}
	if code, out := f.api(t, "POST", "/api/v1/reports/check", tok, []byte(`{"era":"1999","year":2022,"agency":"x"}`)); code != http.StatusUnprocessableEntity || !strings.Contains(out["detail"].(string), "未知的报告格式") {
		t.Errorf("bad era: %d %v", code, out)
	}
	if code, out := f.api(t, "GET", "/api/v1/agencies/999", tok, nil); code != http.StatusNotFound || out["detail"] != "没有编号为 999 的单位" {
		t.Errorf("missing agency: %d %v", code, out)
	}
	if code, out := f.api(t, "GET", "/api/v1/agencies", tok, nil); code != 200 || len(out["agencies"].([]any)) != 2 {
		t.Errorf("agencies: %d %v", code, out)
	}
}
