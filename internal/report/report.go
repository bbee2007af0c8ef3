// Package report holds the annual report on government information disclosure (政府信息公开工作年度报告) as typed
// data for all three eras, the official labels of its tables, and the consistency checks the formats imply.
//
// It depends on the standard library only: renderers live in report/render, and the reader of published reports in
// report/importer.
package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Era names the format a report follows.
type Era string

const (
	// Era2021 is the current format of 国办公开办函〔2021〕30号 (report years 2021 on).
	Era2021 Era = "2021"
	// Era2019 is the trial format of 国办公开办函〔2019〕60号 (report years 2019 and 2020).
	Era2019 Era = "2019"
	// EraPre2019 is the free-text era of the 2007 Regulation (report years 2008–2018).
	EraPre2019 Era = "pre2019"
)

// EraForYear returns the format a report for the given year must follow.
func EraForYear(year int) Era {
	switch {
	case year >= 2021:
		return Era2021
	case year >= 2019:
		return Era2019
	default:
		return EraPre2019
	}
}

// MinYear and MaxYear bound a report year. Local disclosure rules (上海 2004) predate the 2008 Regulation, so
// reports from 2000 on are accepted; 0 means the year is not known.
const (
	MinYear = 2000
	MaxYear = 2100
)

// SchemaID is the identifier of the JSON Schema that describes the interchange form (docs/report.schema.json).
const SchemaID = "https://gongkai.local/schema/report-v1.json"

// Report is one agency's annual report for one year.
//
// Figures that a report does not state are absent, never zero: a blank cell in a published table counts as 0 (the
// convention of the printed tables), but a table that is cut off or missing leaves its cells out.
type Report struct {
	// Schema is the JSON Schema identifier, set on output.
	Schema string `json:"$schema,omitempty"`
	// Era is the format the report follows.
	Era Era `json:"era"`
	// Year is the report year (the statistical period is 1 January to 31 December of it).
	Year int `json:"year"`
	// Agency is the reporting agency's name (e.g. 平阴县卫生健康局).
	Agency string `json:"agency"`
	// Title is the report's title as published.
	Title string `json:"title,omitempty"`
	// Signed is the date under the signature (落款), YYYY-MM-DD.
	Signed string `json:"signed,omitempty"`
	// Published is the publication date on the portal, YYYY-MM-DD.
	Published string `json:"published,omitempty"`
	// IndexNumber is the portal's 索引号 of the report page.
	IndexNumber string `json:"index_number,omitempty"`
	// Preamble is the text before section 一.
	Preamble string `json:"preamble,omitempty"`
	// Sections holds the narrative sections in order.
	Sections []Section `json:"sections,omitempty"`
	// Tables maps a table ID (see the Table* constants) to its figures.
	Tables map[string]Grid `json:"tables,omitempty"`
	// Figures are numbers stated in the narrative (the only figures of a pre-2019 report).
	Figures []Figure `json:"figures,omitempty"`
	// Printed keeps, for each figure whose cell names another unit than its column ("251000元" under 本年收费金额
	// （单位：万元）), the figure and unit as the report prints them, keyed "table/row/column" (PrintedKey). Tables
	// holds the figure in the column's unit, so every rule and renderer reads one unit per column.
	Printed map[string]PrintedFigure `json:"printed,omitempty"`
}

// PrintedFigure is a figure as a report prints it, in the unit written in its cell.
type PrintedFigure struct {
	// Value is the figure as printed.
	Value float64 `json:"value"`
	// Unit is the unit written in the cell (元, 万元).
	Unit string `json:"unit"`
}

// PrintedKey is the key of a cell in Report.Printed.
func PrintedKey(table, row, col string) string { return table + "/" + row + "/" + col }

// Section is one narrative section of a report.
type Section struct {
	// ID is the section's key in the format (a Chinese numeral, or a pre-2019 key such as "主动公开").
	ID string `json:"id"`
	// Heading is the heading as published, without its number.
	Heading string `json:"heading,omitempty"`
	// Text is the section's text; paragraphs are separated by "\n".
	Text string `json:"text"`
	// Items are the numbered sub-items of section 六 in the current format.
	Items []Item `json:"items,omitempty"`
}

// Item is one numbered sub-item of section 六.
type Item struct {
	// ID is the item's key in Format2021.OtherItems.
	ID string `json:"id"`
	// Text is what the report says under the item.
	Text string `json:"text"`
}

// Grid maps a row ID to a column ID to a value; absent keys are figures the report does not state.
type Grid map[string]map[string]float64

// Figure is a number stated in the narrative, with the sentence it came from.
type Figure struct {
	// ID names what the number measures (see FigureLabels).
	ID string `json:"id"`
	// Value is the number.
	Value float64 `json:"value"`
	// Unit is the unit as written (条, 件, 例, %, 元, 万元).
	Unit string `json:"unit,omitempty"`
	// Quote is the passage the number was read from.
	Quote string `json:"quote,omitempty"`
}

// FigureLabels gives the Chinese name of every figure ID.
var FigureLabels = map[string]string{
	"proactive_items":         "主动公开信息数",
	"proactive_share":         "主动公开信息占比",
	"website_items":           "网站发布信息数",
	"wechat_items":            "微信发布信息数",
	"weibo_items":             "微博发布信息数",
	"new_media_items":         "新媒体推送信息数",
	"opinion_responses":       "回应舆情数",
	"applications":            "收到政府信息公开申请数",
	"applications_refused":    "不予公开申请数",
	"fees_collected":          "收取信息处理费",
	"administrative_reviews":  "行政复议数",
	"administrative_lawsuits": "行政诉讼数",
	"proposals_npc":           "承办人大代表建议数",
	"proposals_cppcc":         "承办政协提案数",
}

// Value returns the figure at (table, row, column) and whether the report states it.
func (r *Report) Value(table, row, col string) (float64, bool) {
	g, ok := r.Tables[table]
	if !ok {
		return 0, false
	}
	v, ok := g[row][col]
	return v, ok
}

// Set stores a figure, creating the table and row as needed.
func (r *Report) Set(table, row, col string, v float64) {
	if r.Tables == nil {
		r.Tables = map[string]Grid{}
	}
	g := r.Tables[table]
	if g == nil {
		g = Grid{}
		r.Tables[table] = g
	}
	if g[row] == nil {
		g[row] = map[string]float64{}
	}
	g[row][col] = v
}

// Section returns the narrative section with the given ID.
func (r *Report) Section(id string) (Section, bool) {
	for _, s := range r.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

// Format returns the report's format description.
func (r *Report) Format() (*Format, error) {
	f, ok := FormatOf(r.Era)
	if !ok {
		return nil, fmt.Errorf("未知的报告格式 %q：era 应为 2021、2019 或 pre2019", r.Era)
	}
	return f, nil
}

// Validate reports structural errors: an unknown era, a year out of range, tables, rows, columns, sections or items
// that the era's format does not have, and values that are not finite. It does not apply the consistency rules;
// Check does. The messages are in Chinese and name what to fix.
func (r *Report) Validate() error {
	var errs []string
	f, err := r.Format()
	if err != nil {
		return err
	}
	if r.Year != 0 && (r.Year < MinYear || r.Year > MaxYear) {
		errs = append(errs, fmt.Sprintf("报告年度 %d 不在 %d—%d 之间", r.Year, MinYear, MaxYear))
	}
	for _, tid := range sortedKeys(r.Tables) {
		spec, ok := f.Table(tid)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s格式没有表格 %q", f.Name, tid))
			continue
		}
		for _, rid := range sortedKeys(r.Tables[tid]) {
			row, ok := spec.Row(rid)
			if !ok || row.Header {
				errs = append(errs, fmt.Sprintf("表格 %s 没有数据行 %q", tid, rid))
				continue
			}
			for _, cid := range sortedKeys(r.Tables[tid][rid]) {
				if _, ok := spec.Column(cid); !ok {
					errs = append(errs, fmt.Sprintf("表格 %s 没有列 %q", tid, cid))
					continue
				}
				v := r.Tables[tid][rid][cid]
				if math.IsNaN(v) || math.IsInf(v, 0) {
					errs = append(errs, fmt.Sprintf("表格 %s 行 %q 列 %q 的值不是有限数", tid, rid, cid))
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range r.Sections {
		if _, ok := f.Section(s.ID); !ok {
			errs = append(errs, fmt.Sprintf("%s格式没有章节 %q", f.Name, s.ID))
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Sprintf("章节 %q 出现了两次", s.ID))
		}
		seen[s.ID] = true
		for _, it := range s.Items {
			if !hasItem(f, it.ID) {
				errs = append(errs, fmt.Sprintf("第六部分没有事项 %q", it.ID))
			}
		}
	}
	for _, fg := range r.Figures {
		if _, ok := FigureLabels[fg.ID]; !ok {
			errs = append(errs, fmt.Sprintf("未知的数据项 %q", fg.ID))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("报告结构有误：%s", strings.Join(errs, "；"))
	}
	return nil
}

func hasItem(f *Format, id string) bool {
	for _, it := range f.OtherItems {
		if it.ID == id {
			return true
		}
	}
	return false
}

// Decode reads a report from its JSON form. It accepts a bare report or an import result that holds one under
// "report", rejects unknown fields, and validates the structure.
func Decode(data []byte) (*Report, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("不是有效的 JSON：%w", err)
	}
	if inner, ok := probe["report"]; ok {
		data = inner
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("报告 JSON 有误：%w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// FormatNumber prints a figure the way the tables print it: whole numbers without decimals, others with up to four.
func FormatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	s := fmt.Sprintf("%.4f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
