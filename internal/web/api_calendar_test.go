package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/auth"
)

// TestCalendarAPI: the system administrator's program enters next year's holiday notice as the console's 节假日安排
// page does — a dry run shows what was read, a notice whose weekdays are wrong is refused in Chinese, saving stores
// the year (and recomputes open cases' deadlines); an officer's token is refused.
func TestCalendarAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.tokenFor(t, "sysadmin", auth.ScopeAdmin)
	text := "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
	code, out := f.api(t, "POST", "/api/v1/calendar", admin, jsonBody(map[string]any{"year": 2027, "text": text, "dry_run": true}))
	if code != 200 || out["saved"] != false || !strings.Contains(jsonString(out["year"]), "2027-01-01") {
		t.Fatalf("dry run: %d %v", code, out)
	}
	if years, _ := f.db.CalendarYears(context.Background()); len(years) != 0 {
		t.Errorf("a dry run stored %d years", len(years))
	}
	code, out = f.api(t, "POST", "/api/v1/calendar", admin, jsonBody(map[string]any{"year": 2027, "text": "一、元旦：1月1日（周四）至3日（周六）放假，共3天。"}))
	if detail, _ := out["detail"].(string); code != 422 || !hanzi.MatchString(detail) {
		t.Errorf("wrong weekdays: %d %v", code, out)
	}
	code, out = f.api(t, "POST", "/api/v1/calendar", admin, jsonBody(map[string]any{"year": 2027, "text": text, "notice": "国务院办公厅关于2027年部分节假日安排的通知"}))
	if code != 200 || out["saved"] != true || !strings.Contains(out["message"].(string), "已录入2027年节假日安排") {
		t.Fatalf("save: %d %v", code, out)
	}
	years, err := f.db.CalendarYears(context.Background())
	if err != nil || len(years) != 1 || years[0].Year != 2027 {
		t.Errorf("stored years %v, %v", years, err)
	}
	officer := f.tokenFor(t, "officer", auth.Scopes...)
	if code, _ := f.api(t, "POST", "/api/v1/calendar", officer, jsonBody(map[string]any{"year": 2027, "text": text})); code != 403 {
		t.Errorf("officer: %d", code)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
