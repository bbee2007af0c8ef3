package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// exportGet fetches an export without a token (open data) and returns the status, headers and body.
func exportGet(t *testing.T, f *fixture, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestOpenDataExport(t *testing.T) {
	f := newFixture(t)
	on := workday.NewDate(2026, 3, 2)
	a := publishDirect(t, f, disclosure.Item{Title: "关于公布2026年预防接种门诊名单的通知", Genre: disclosure.GenreNotice, Category: "health.policy", Body: "<p>第一段。</p><p>第二段。</p>"}, on)
	// A title an officer typed that a spreadsheet would take for a formula.
	b := publishDirect(t, f, disclosure.Item{Title: "=HYPERLINK(\"http://evil.example\",\"点击\")", Genre: disclosure.GenreNotice}, on)
	time.Sleep(2 * time.Millisecond)
	c := publishDirect(t, f, disclosure.Item{Title: "平阴县卫生健康局2026年部门预算", Genre: disclosure.GenreBudget}, on)

	t.Run("JSON Lines, in the order of change, with links", func(t *testing.T) {
		code, h, body := exportGet(t, f, "/api/v1/export/items?bodies=true")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/jsonl") {
			t.Fatalf("%d %s\n%s", code, h.Get("Content-Type"), body)
		}
		var got []map[string]any
		sc := bufio.NewScanner(strings.NewReader(body))
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			got = append(got, m)
		}
		if len(got) != 3 || got[0]["id"].(float64) != float64(a.ID) || got[2]["id"].(float64) != float64(c.ID) {
			t.Fatalf("items %v", got)
		}
		if got[0]["url"] != f.srv.URL+"/items/"+itoa(a.ID) || got[0]["agency"] != "平阴县卫生健康局" || got[0]["body_text"] == nil || got[0]["genre_name"] != "通知公告" {
			t.Errorf("first item %v", got[0])
		}
		// Since the last one's moment: only it.
		code, _, body = exportGet(t, f, "/api/v1/export/items?since="+url.QueryEscape(got[2]["updated_at"].(string)))
		if code != 200 || strings.Count(body, "\n") != 1 || !strings.Contains(body, c.Title) {
			t.Errorf("since: %d %q", code, body)
		}
	})

	t.Run("CSV for a spreadsheet, formulas defused", func(t *testing.T) {
		code, h, body := exportGet(t, f, "/api/v1/export/items?format=csv")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "\ufeff") {
			t.Fatalf("%d %s %.40q", code, h.Get("Content-Type"), body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][2] != "标题" || rows[1][2] != a.Title {
			t.Fatalf("rows %v", rows)
		}
		if rows[2][2] != "'"+b.Title {
			t.Errorf("formula title not defused: %q", rows[2][2])
		}
	})

	t.Run("bad input gets a Chinese problem", func(t *testing.T) {
		code, _, body := exportGet(t, f, "/api/v1/export/items?since=yesterday")
		if code != 422 || !strings.Contains(body, "起始时间") {
			t.Errorf("bad since: %d %s", code, body)
		}
	})

	t.Run("the annual reports and the DCAT description", func(t *testing.T) {
		data := []byte(`{"era":"2021","year":2024,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"全年主动公开信息147条。"}]}`)
		if err := f.db.SaveAnnualReport(context.Background(), disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: 2024, Era: "2021", Data: data}); err != nil {
			t.Fatal(err)
		}
		code, _, body := exportGet(t, f, "/api/v1/export/annual-reports")
		var rep struct {
			Agency string `json:"agency"`
			Year   int    `json:"year"`
			Report struct {
				Era string `json:"era"`
			} `json:"report"`
		}
		if code != 200 || json.Unmarshal([]byte(strings.TrimSpace(body)), &rep) != nil || rep.Year != 2024 || rep.Report.Era != "2021" {
			t.Errorf("reports: %d %s", code, body)
		}
		code, h, body := exportGet(t, f, "/api/v1/export/catalog")
		var cat struct {
			Type    string `json:"@type"`
			Dataset []struct {
				ID           string           `json:"@id"`
				Description  string           `json:"dct:description"`
				Distribution []map[string]any `json:"dcat:distribution"`
			} `json:"dcat:dataset"`
		}
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/ld+json") || json.Unmarshal([]byte(body), &cat) != nil || cat.Type != "dcat:Catalog" || len(cat.Dataset) != 2 {
			t.Fatalf("catalog: %d %s %s", code, h.Get("Content-Type"), body)
		}
		if !strings.Contains(cat.Dataset[0].Description, "共 3 条") || !strings.Contains(cat.Dataset[1].Description, "共 1 份") ||
			cat.Dataset[0].Distribution[1]["dcat:accessURL"] != f.srv.URL+"/api/v1/export/items?format=csv" {
			t.Errorf("datasets: %+v", cat.Dataset)
		}
	})

	t.Run("a flood of exports from one address is turned away", func(t *testing.T) {
		f.db.UnsafeExec(context.Background(), `DELETE FROM rate_limits`)
		f.server.limits.export.m = map[string]*rate.Limiter{}
		codes := map[int]int{}
		var retry string
		for range exportBurst + 3 {
			code, h, _ := exportGet(t, f, "/api/v1/export/items")
			codes[code]++
			if code == http.StatusTooManyRequests {
				retry = h.Get("Retry-After")
			}
		}
		if codes[200] != exportBurst || codes[429] != 3 || retry == "" {
			t.Errorf("statuses %v, Retry-After %q", codes, retry)
		}
		// A process streams only so many exports at once.
		full := make(chan struct{}, 1)
		full <- struct{}{}
		f.db.UnsafeExec(context.Background(), `DELETE FROM rate_limits`)
		f.server.limits.export.m = map[string]*rate.Limiter{}
		if _, err := f.server.exportGate(context.Background(), full); err == nil || !strings.Contains(err.Error(), "其他导出") {
			t.Errorf("no free slot: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
