package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/auth"
)

// hanzi finds Chinese characters: every message an API client reads must be in Chinese.
var hanzi = regexp.MustCompile(`\p{Han}`)

// TestAPIErrorsAreInChinese: the errors huma itself writes — a body that is not JSON, a value of the wrong type, an
// unknown enum value, a missing body — come back as problem details in Chinese, like the handlers' own.
func TestAPIErrorsAreInChinese(t *testing.T) {
	f := newFixture(t)
	tok := f.tokenFor(t, "officer", auth.Scopes...)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		status             int
		want               string
	}{
		{"not JSON", "POST", "/api/v1/reports/check", []byte(`{"era": "2021",`), 400, "不是正确的 JSON"},
		{"wrong type", "POST", "/api/v1/reports/check", []byte(`{"era": 2021, "year": "二〇二四"}`), 422, "应为"},
		{"enum", "GET", "/api/v1/export/items?format=xml", nil, 422, "应为以下之一"},
		{"no body", "POST", "/api/v1/reports/check", []byte{}, 400, "缺少请求内容"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.api(t, tc.method, tc.path, tok, tc.body)
			raw, _ := json.Marshal(out)
			if code != tc.status || !strings.Contains(string(raw), tc.want) {
				t.Errorf("%d %s, want %d with %q", code, raw, tc.status, tc.want)
			}
			if title, _ := out["title"].(string); !hanzi.MatchString(title) {
				t.Errorf("title %q is not Chinese", title)
			}
			detail, _ := out["detail"].(string)
			if !hanzi.MatchString(detail) {
				t.Errorf("detail %q is not Chinese", detail)
			}
			errs, _ := out["errors"].([]any)
			for _, e := range errs {
				if msg, _ := e.(map[string]any)["message"].(string); !hanzi.MatchString(msg) {
					t.Errorf("error detail %q is not Chinese", msg)
				}
			}
		})
	}
}
