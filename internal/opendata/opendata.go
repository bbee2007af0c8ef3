// Package opendata writes the catalogue as open data: every public item as JSON Lines or CSV, the published annual
// reports as JSON Lines of report JSON, and a DCAT description of both (W3C Data Catalog Vocabulary, JSON-LD), so
// that a city's or province's open-data portal, a hotline or a research team can harvest what the portal shows.
// The web API (/api/v1/export/…) and `gongkai items export` write through it, so both give the same bytes.
package opendata

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/sheet"
	"github.com/gongkai/gongkai/internal/store"
)

// Format is a format of the item export.
type Format string

// The formats of the item export.
const (
	JSONLines Format = "jsonl"
	CSV       Format = "csv"
)

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/jsonl; charset=utf-8"
}

// ParseFormat reads a format's name; the error is a message for the user.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "jsonl", "ndjson", "json-lines":
		return JSONLines, nil
	case "csv":
		return CSV, nil
	}
	return "", fmt.Errorf("不支持的导出格式“%s”：可选 jsonl（JSON Lines）或 csv", clip(s, 20))
}

// ParseSince reads the moment of ?since= or --since: an RFC 3339 time (as the export's updated_at gives it) or a
// date, taken as its start in Beijing time. The error is a message for the user.
func ParseSince(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, beijing); err == nil {
		return d, nil
	}
	return time.Time{}, fmt.Errorf("起始时间“%s”格式不正确：应为 2026-03-02 或 2026-03-02T08:00:00Z（上次导出中最大的 updated_at）", clip(s, 40))
}

var beijing = time.FixedZone("CST", 8*3600)

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Item is an exported item with the addresses of its page and files.
type Item struct {
	*store.ExportItem
	URL         string       `json:"url"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is a file of an exported item with its address.
type Attachment struct {
	store.ExportAttachment
	URL string `json:"url"`
}

// ItemWriter writes exported items in a format.
type ItemWriter struct {
	format Format
	base   string
	bodies bool
	files  bool
	w      *bufio.Writer
	enc    *json.Encoder
	csv    *csv.Writer
	n      int
}

// NewItemWriter writes items to w in the format; base is the portal's address (https://…) for the items' links.
// bodies and files say whether the body and the files were exported (CSV gives their columns only then).
func NewItemWriter(w io.Writer, f Format, base string, bodies, files bool) *ItemWriter {
	iw := &ItemWriter{format: f, base: strings.TrimRight(base, "/"), bodies: bodies, files: files, w: bufio.NewWriterSize(w, 64<<10)}
	if f == CSV {
		iw.csv = csv.NewWriter(iw.w)
	} else {
		iw.enc = json.NewEncoder(iw.w)
		iw.enc.SetEscapeHTML(false)
	}
	return iw
}

// csvHeader names the CSV's columns, in Chinese for the people who open it in a spreadsheet; the JSON Lines keys
// are in docs/api.md.
var csvHeader = []string{"编号", "索引号", "标题", "发布机构", "单位编号", "单位", "文号", "成文日期", "发布日期", "主题分类代码", "主题分类",
	"体裁代码", "体裁", "关键词", "内容概述", "有效性", "生效日期", "失效或废止日期", "状态", "撤回原因", "更新时间", "网址"}

// Write writes one item. The CSV's header comes before the first.
func (iw *ItemWriter) Write(it *store.ExportItem) error {
	out := Item{ExportItem: it, URL: iw.base + "/items/" + strconv.FormatInt(it.ID, 10)}
	for _, a := range it.Attachments {
		out.Attachments = append(out.Attachments, Attachment{ExportAttachment: a, URL: out.URL + "/files/" + strconv.FormatInt(a.ID, 10)})
	}
	iw.n++
	if iw.format != CSV {
		// Item's linked attachments hide the embedded item's own (encoding/json takes the shallower field).
		return iw.enc.Encode(out)
	}
	if iw.n == 1 {
		// A byte-order mark, so that spreadsheet programs read the UTF-8 as such.
		iw.w.WriteString("\ufeff")
		header := csvHeader
		if iw.bodies {
			header = append(header[:len(header):len(header)], "正文")
		}
		if iw.files {
			header = append(header[:len(header):len(header)], "附件")
		}
		if err := iw.csv.Write(header); err != nil {
			return err
		}
	}
	row := []string{strconv.FormatInt(it.ID, 10), it.IndexNumber, it.Title, it.Publisher, strconv.FormatInt(it.AgencyID, 10), it.Agency, it.DocNumber,
		it.WrittenOn, it.PublishedOn, it.Category, it.CategoryName, it.Genre, it.GenreName, strings.Join(it.Keywords, "；"), it.Summary,
		it.Validity, it.EffectiveOn, it.EndedOn, it.State, it.WithdrawnReason, it.UpdatedAt.Format(time.RFC3339Nano), out.URL}
	if iw.bodies {
		row = append(row, it.BodyText)
	}
	if iw.files {
		var files []string
		for _, a := range out.Attachments {
			files = append(files, a.Name+" "+a.URL)
		}
		row = append(row, strings.Join(files, "\n"))
	}
	// Text an officer typed must not become a formula in the spreadsheet of whoever opens the file.
	for i := range row {
		row[i] = sheet.SafeCell(row[i])
	}
	return iw.csv.Write(row)
}

// Count is how many items were written.
func (iw *ItemWriter) Count() int { return iw.n }

// Flush writes what is buffered (call it now and then on a long export, so that the client sees progress).
func (iw *ItemWriter) Flush() error {
	if iw.csv != nil {
		iw.csv.Flush()
		if err := iw.csv.Error(); err != nil {
			return err
		}
	}
	return iw.w.Flush()
}

// Close writes the CSV header when no item came (an empty export is still a table) and flushes.
func (iw *ItemWriter) Close() error {
	if iw.format == CSV && iw.n == 0 {
		iw.w.WriteString("\ufeff")
		header := csvHeader
		if iw.bodies {
			header = append(header[:len(header):len(header)], "正文")
		}
		if iw.files {
			header = append(header[:len(header):len(header)], "附件")
		}
		iw.csv.Write(header)
	}
	return iw.Flush()
}

// WriteReports writes the published annual reports as JSON Lines, one report a line.
func WriteReports(w io.Writer, each func(func(*store.ExportReport) error) error) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := each(func(r *store.ExportReport) error {
		n++
		return enc.Encode(r)
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return n, err
}

// CatalogInfo is what the DCAT description says of the site.
type CatalogInfo struct {
	Site     string // the portal's name
	Base     string // its address
	Modified time.Time
	Items    int // public items
	Reports  int // published annual reports
}

// Catalog returns the DCAT description (JSON-LD) of the site's open data: one catalogue with two datasets — the
// catalogue of public items (JSON Lines and CSV, harvestable by ?since=) and the annual reports (JSON Lines of
// report JSON, docs/report-json.md).
func Catalog(c CatalogInfo) map[string]any {
	base := strings.TrimRight(c.Base, "/")
	publisher := map[string]any{"@type": "foaf:Agent", "foaf:name": c.Site}
	modified := c.Modified.UTC().Format(time.RFC3339)
	return map[string]any{
		"@context": map[string]any{
			"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
			"xsd": "http://www.w3.org/2001/XMLSchema#",
		},
		"@id": base + "/api/v1/export/catalog", "@type": "dcat:Catalog",
		"dct:title":       c.Site + "政府信息公开开放数据",
		"dct:description": "本门户依《中华人民共和国政府信息公开条例》主动公开的政府信息目录和政府信息公开工作年度报告，以机器可读格式提供，可按更新时间增量获取。",
		"dct:language":    "zh-CN", "dct:publisher": publisher, "dct:modified": modified, "foaf:homepage": base + "/",
		"dcat:dataset": []map[string]any{
			{
				"@id": base + "/api/v1/export/items", "@type": "dcat:Dataset",
				"dct:title":       "主动公开政府信息目录",
				"dct:description": fmt.Sprintf("全部已公开（含已撤回，附撤回原因）的政府信息的元数据，共 %d 条；可附正文和附件链接。按更新时间排序，用 since 参数（上次获取的最大 updated_at）增量获取，按编号去重。", c.Items),
				"dct:publisher":   publisher, "dct:modified": modified, "dcat:keyword": []string{"政府信息公开", "主动公开", "政府信息目录"},
				"dcat:distribution": []map[string]any{
					{"@type": "dcat:Distribution", "dct:title": "JSON Lines", "dcat:accessURL": base + "/api/v1/export/items?format=jsonl", "dcat:mediaType": "application/jsonl"},
					{"@type": "dcat:Distribution", "dct:title": "CSV", "dcat:accessURL": base + "/api/v1/export/items?format=csv", "dcat:mediaType": "text/csv"},
				},
			},
			{
				"@id": base + "/api/v1/export/annual-reports", "@type": "dcat:Dataset",
				"dct:title":       "政府信息公开工作年度报告",
				"dct:description": fmt.Sprintf("各单位已发布的政府信息公开工作年度报告，共 %d 份，每行一份，报告内容为本系统的年度报告 JSON 格式（国家统一格式的表格和文字部分）。", c.Reports),
				"dct:publisher":   publisher, "dct:modified": modified, "dcat:keyword": []string{"政府信息公开", "年度报告"},
				"dcat:distribution": []map[string]any{
					{"@type": "dcat:Distribution", "dct:title": "JSON Lines", "dcat:accessURL": base + "/api/v1/export/annual-reports", "dcat:mediaType": "application/jsonl",
						"dct:conformsTo": base + "/api/v1/openapi.json"},
				},
			},
		},
	}
}
