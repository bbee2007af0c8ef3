package opendata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/store"
)

func TestParseSinceAndFormat(t *testing.T) {
	for in, want := range map[string]time.Time{
		"":                            {},
		"2026-03-02T01:30:00.123456Z": time.Date(2026, 3, 2, 1, 30, 0, 123456000, time.UTC),
		"2026-03-02":                  time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC), // midnight in Beijing
	} {
		got, err := ParseSince(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "2026/03/02", "上周", strings.Repeat("9", 100)} {
		if _, err := ParseSince(bad); err == nil || !strings.Contains(err.Error(), "格式不正确") {
			t.Errorf("ParseSince(%q): %v", bad, err)
		}
	}
	if f, err := ParseFormat("CSV"); err != nil || f != CSV {
		t.Errorf("CSV: %v %v", f, err)
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "jsonl") {
		t.Errorf("xml: %v", err)
	}
}

func TestItemWriter(t *testing.T) {
	it := &store.ExportItem{ID: 7, AgencyID: 2, Agency: "平阴县卫生健康局", Title: "=cmd|' /C calc'!A0", Genre: "notice", GenreName: "通知公告",
		Keywords: []string{"疫苗", "接种"}, State: "published", UpdatedAt: time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC), BodyText: "正文",
		Attachments: []store.ExportAttachment{{ID: 9, Name: "名单.xlsx", ContentType: "application/vnd.ms-excel", Size: 12}}}
	var jl bytes.Buffer
	w := NewItemWriter(&jl, JSONLines, "https://gongkai.example.gov.cn/", true, true)
	if err := w.Write(it); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	var m struct {
		URL         string `json:"url"`
		Title       string `json:"title"`
		Attachments []struct {
			Name, URL string
		} `json:"attachments"`
	}
	if err := json.Unmarshal(jl.Bytes(), &m); err != nil || m.URL != "https://gongkai.example.gov.cn/items/7" || m.Title != it.Title ||
		len(m.Attachments) != 1 || m.Attachments[0].URL != "https://gongkai.example.gov.cn/items/7/files/9" {
		t.Errorf("JSON line %s: %+v %v", jl.String(), m, err)
	}
	var c bytes.Buffer
	w = NewItemWriter(&c, CSV, "https://gongkai.example.gov.cn", true, true)
	if err := w.Write(it); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.String(), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 2 || !strings.HasPrefix(c.String(), "\ufeff") {
		t.Fatalf("csv %q: %v", c.String(), err)
	}
	if rows[1][2] != "'"+it.Title || rows[1][13] != "疫苗；接种" || rows[0][len(rows[0])-1] != "附件" ||
		rows[1][len(rows[1])-1] != "名单.xlsx https://gongkai.example.gov.cn/items/7/files/9" {
		t.Errorf("csv rows %q", rows)
	}
	// An empty export is still a table with its header.
	c.Reset()
	w = NewItemWriter(&c, CSV, "", false, false)
	if err := w.Close(); err != nil || !strings.HasPrefix(c.String(), "\ufeff编号,") {
		t.Errorf("empty csv %q", c.String())
	}
}

func TestCatalogDescribesBothDatasets(t *testing.T) {
	cat := Catalog(CatalogInfo{Site: "平阴县政府信息公开", Base: "https://gongkai.example.gov.cn", Modified: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Items: 12, Reports: 3})
	raw, err := json.Marshal(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"@type":"dcat:Catalog"`, `"dct:modified":"2026-03-02T00:00:00Z"`, "共 12 条", "共 3 份", "https://gongkai.example.gov.cn/api/v1/export/items?format=csv"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("catalog lacks %s: %s", want, raw)
		}
	}
}
