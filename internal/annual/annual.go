// Package annual assembles an agency's 政府信息公开工作年度报告 for a year from what the system already knows —
// section 二 from the disclosure catalogue, sections 三 and 四 and the fees of 六(一) from casework — drafts the
// narrative sections from the same figures, keeps those figures up to date while the officer writes, and checks the
// report before it is published.
//
// It is pure: the figures come through Sources, which the store implements and tests fake.
package annual

import (
	"context"
	"errors"
	"fmt"
	"github.com/gongkai/gongkai/internal/workday"
	"regexp"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
)

// Sources are the live figures a report is assembled from, with the store's signatures.
type Sources interface {
	// CatalogueFigures gives section 二 and the proactive-disclosure narrative from the published items.
	CatalogueFigures(ctx context.Context, agencyIDs []int64, year int) (disclosure.CatalogueFigures, error)
	// RequestCounts counts section 三 from the cases.
	RequestCounts(ctx context.Context, agencyIDs []int64, year int) ([]disclosure.CellCount, error)
	// AppealCounts counts section 四 from the reconsiderations and lawsuits.
	AppealCounts(ctx context.Context, agencyIDs []int64, year int) ([]disclosure.CellCount, error)
	// FeeTotals gives the 信息处理费 collected in the year, for 六(一).
	FeeTotals(ctx context.Context, agencyIDs []int64, year int) (cases, amount int, err error)
}

// ErrNoCatalogue is what Sources.CatalogueFigures returns (wrapped or not) where there is no disclosure catalogue
// to count from: section 二 is then entered by hand, and the narrative asks for its figures instead of stating 0.
var ErrNoCatalogue = errors.New("annual: no disclosure catalogue")

// Live is what the sources say about one agency's year now: the computed tables and the fee item's text.
type Live struct {
	// Year is the report year.
	Year int
	// Catalogue is the catalogue's figures as given; HasCatalogue is false where there is none (ErrNoCatalogue).
	Catalogue    disclosure.CatalogueFigures
	HasCatalogue bool
	// Tables holds every computed table of the year's format: section 二 from the catalogue (the tables it can
	// fill), 三 and 四 from the cases.
	Tables map[string]report.Grid
	// FeeCases and FeeAmount (元) are the 信息处理费 of the year; FeeText is item 六(一) written from them.
	FeeCases, FeeAmount int
	FeeText             string
}

// FeeItem is the key of item 六(一), which is computed text (the fees), in a report's Entered list.
const FeeItem = "item.fees"

// MinYear is the first year a report can be assembled for: the table formats began with the 2019 Regulation.
const MinYear = 2019

// Collect reads the live figures of an agency's year from the sources.
func Collect(ctx context.Context, src Sources, agencyID int64, year int) (*Live, error) {
	if year < MinYear || year > report.MaxYear {
		return nil, disclosure.Errorf(disclosure.EInvalid, "只能为 %d 年度及以后的年度编制报告（%d 年以前为自由格式，请导入已发布的报告）", MinYear, MinYear)
	}
	ids := []int64{agencyID}
	cat, err := src.CatalogueFigures(ctx, ids, year)
	hasCatalogue := err == nil
	if errors.Is(err, ErrNoCatalogue) {
		cat, err = disclosure.CatalogueFigures{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("annual: catalogue figures: %w", err)
	}
	req, err := src.RequestCounts(ctx, ids, year)
	if err != nil {
		return nil, fmt.Errorf("annual: request counts: %w", err)
	}
	ap, err := src.AppealCounts(ctx, ids, year)
	if err != nil {
		return nil, fmt.Errorf("annual: appeal counts: %w", err)
	}
	feeCases, feeAmount, err := src.FeeTotals(ctx, ids, year)
	if err != nil {
		return nil, fmt.Errorf("annual: fee totals: %w", err)
	}
	cases := casework.ReportFromCases(year, req, ap)
	l := &Live{Year: year, Catalogue: cat, HasCatalogue: hasCatalogue, Tables: map[string]report.Grid{}, FeeCases: feeCases, FeeAmount: feeAmount,
		FeeText: casework.FeeItemText(year, feeCases, feeAmount)}
	if hasCatalogue {
		for id, g := range catalogueTables(report.EraForYear(year), cat) {
			l.Tables[id] = g
		}
	}
	for id, g := range cases.Tables {
		l.Tables[id] = g
	}
	return l, nil
}

// catalogueTables are the section 二 cells the catalogue gives, in the era's table layout.
func catalogueTables(era report.Era, c disclosure.CatalogueFigures) map[string]report.Grid {
	n := func(v int) float64 { return float64(v) }
	switch era {
	case report.Era2021:
		return map[string]report.Grid{
			report.TableRules: {
				"rules":     {"made": n(c.RulesMade), "repealed": n(c.RulesRepealed), "in_force": n(c.RulesInForce)},
				"normative": {"made": n(c.NormativeMade), "repealed": n(c.NormativeRepealed), "in_force": n(c.NormativeInForce)},
			},
			report.TableLicensing: {"licensing": {"decisions": n(c.LicensingDecisions)}},
			report.TablePenalties: {"penalty": {"decisions": n(c.PenaltyDecisions)}, "coercion": {"decisions": n(c.CoercionDecisions)}},
		}
	case report.Era2019:
		// The trial format counts documents made, newly published (the catalogue publishes what is made) and published
		// in all (those in force), and decisions; its project counts are not in the catalogue.
		return map[string]report.Grid{
			report.TableRules: {
				"rules":     {"made": n(c.RulesMade), "published": n(c.RulesMade), "published_total": n(c.RulesInForce)},
				"normative": {"made": n(c.NormativeMade), "published": n(c.NormativeMade), "published_total": n(c.NormativeInForce)},
			},
			report.TableLicensing: {"licensing": {"decisions": n(c.LicensingDecisions)}},
			report.TablePenalties: {"penalty": {"decisions": n(c.PenaltyDecisions)}, "coercion": {"decisions": n(c.CoercionDecisions)}},
		}
	}
	return nil
}

// Computed reports whether a cell of a year's report is taken from the live figures (and so refreshed and compared
// with them) rather than entered by the officer.
func (l *Live) Computed(table, row, col string) bool {
	_, ok := l.Tables[table][row][col]
	return ok
}

// Marker opens the placeholder a draft leaves where only a person can write: 【请补充…】. A report holding one
// cannot be published.
const Marker = "【请补充"

var markerRE = regexp.MustCompile(`【请补充[^】]*】?`)

// Markers returns the placeholders left in a text.
func Markers(text string) []string { return markerRE.FindAllString(text, -1) }

// Draft assembles a complete report for the agency's year in the year's format: every table filled (computed cells
// from the sources, entered cells 0 to be entered), and text drafts for 一, 五 and 六 that state the year's figures
// and mark with 【请补充…】 what only a person can write.
func Draft(ctx context.Context, src Sources, agency *disclosure.Agency, year int) (*report.Report, error) {
	live, err := Collect(ctx, src, agency.ID, year)
	if err != nil {
		return nil, err
	}
	return DraftFrom(live, agency), nil
}

// DraftFrom is Draft from figures already collected.
func DraftFrom(live *Live, agency *disclosure.Agency) *report.Report {
	year := live.Year
	era := report.EraForYear(year)
	f, _ := report.FormatOf(era)
	r := &report.Report{Era: era, Year: year, Agency: agency.Name,
		Title:    fmt.Sprintf("%s%d年政府信息公开工作年度报告", agency.Name, year),
		Preamble: preamble(f, agency, year),
		Tables:   map[string]report.Grid{},
	}
	for _, t := range f.Tables {
		g := report.Grid{}
		for _, row := range t.DataRows() {
			g[row.ID] = map[string]float64{}
			for _, col := range t.Columns {
				g[row.ID][col.ID] = live.Tables[t.ID][row.ID][col.ID] // 0 where nothing is computed: to be entered
			}
		}
		r.Tables[t.ID] = g
	}
	for _, s := range f.Sections {
		if !s.Narrative {
			continue
		}
		sec := report.Section{ID: s.ID}
		switch s.ID {
		case "一":
			sec.Text = overview(live, r)
		case "五":
			sec.Text = "（一）存在的主要问题\n" + Marker + "：本年度政府信息公开工作存在的主要问题，如公开内容、时效、平台、队伍等方面的不足】\n" +
				"（二）改进情况\n" + Marker + "：上一年度报告所列问题的改进情况，以及针对本年度问题拟采取的改进措施】"
		case "六":
			if era == report.Era2021 {
				sec.Items = items(f, live, year)
			} else {
				sec.Text = live.FeeText + "\n" + Marker + "：其他需要报告的事项，没有的写“无”】"
			}
		}
		r.Sections = append(r.Sections, sec)
	}
	return r
}

func preamble(f *report.Format, a *disclosure.Agency, year int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（%s）的要求编制。", f.Name)
	b.WriteString("全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。")
	fmt.Fprintf(&b, "本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", year, year)
	fmt.Fprintf(&b, "本报告电子版可在%s政府信息公开专栏“政府信息公开年报”栏目下载。", a.Name)
	c := a.Contacts
	var parts []string
	if c.Address != "" {
		parts = append(parts, "地址："+c.Address)
	}
	if c.Postcode != "" {
		parts = append(parts, "邮编："+c.Postcode)
	}
	if c.Phone != "" {
		parts = append(parts, "电话："+c.Phone)
	}
	if c.Fax != "" {
		parts = append(parts, "传真："+c.Fax)
	}
	if c.Email != "" {
		parts = append(parts, "电子邮箱："+c.Email)
	}
	who := a.Name
	if c.Office != "" {
		who += c.Office
	}
	if len(parts) == 0 {
		fmt.Fprintf(&b, "如对本报告有任何疑问，请与%s联系（%s：联系地址、电话和电子邮箱】）。", who, Marker)
	} else {
		fmt.Fprintf(&b, "如对本报告有任何疑问，请与%s联系（%s）。", who, strings.Join(parts, "；"))
	}
	return b.String()
}

func named(list []disclosure.NamedCount, unit string) string {
	var parts []string
	for _, c := range list {
		if c.N > 0 && strings.TrimSpace(c.Name) != "" {
			parts = append(parts, fmt.Sprintf("%s%d%s", strings.TrimSpace(c.Name), c.N, unit))
		}
	}
	return strings.Join(parts, "、")
}

func sumRows(g report.Grid, col string, pred func(string) bool) int {
	n := 0.0
	for row, vals := range g {
		if pred(row) {
			n += vals[col]
		}
	}
	return int(n)
}

// overview writes section 一 from the figures: factual sentences, and markers for the work only people know.
func overview(l *Live, r *report.Report) string {
	first := fmt.Sprintf("（一）主动公开。%d年，本机关全年主动公开政府信息%s：条数，以及按类别的条数】条。%s：主动公开工作的主要做法和成效】", l.Year, Marker, Marker)
	if l.HasCatalogue {
		first = proactive(l, l.Catalogue)
	}
	return strings.Join(append([]string{first}, applications(l, r)...), "\n")
}

func proactive(l *Live, c disclosure.CatalogueFigures) string {
	var b strings.Builder
	fmt.Fprintf(&b, "（一）主动公开。%d年，本机关全年主动公开政府信息%d条", l.Year, c.Published)
	if s := named(c.ByCategory, "条"); s != "" {
		b.WriteString("，其中" + s)
	}
	b.WriteString("。")
	if s := named(c.ByGenre, "条"); s != "" {
		b.WriteString("按信息形式分，" + s + "。")
	}
	if s := named(c.Channels, "条"); s != "" {
		b.WriteString("除政府信息公开专栏外，通过" + s + "推送公开信息。")
	}
	if c.RulesMade+c.RulesRepealed+c.RulesInForce > 0 {
		fmt.Fprintf(&b, "本年制发规章%d件、废止%d件，现行有效%d件。", c.RulesMade, c.RulesRepealed, c.RulesInForce)
	}
	if c.NormativeMade+c.NormativeRepealed+c.NormativeInForce > 0 {
		fmt.Fprintf(&b, "本年制发行政规范性文件%d件、废止%d件，现行有效%d件。", c.NormativeMade, c.NormativeRepealed, c.NormativeInForce)
	}
	if c.Late > 0 {
		fmt.Fprintf(&b, "其中%d条信息未在形成或者变更之日起20个工作日内公开。", c.Late)
	}
	b.WriteString(Marker + "：主动公开工作的主要做法和成效】")
	return b.String()
}

func applications(l *Live, r *report.Report) []string {
	var p []string
	var b strings.Builder
	s3 := r.Tables[report.TableRequests]
	if l.Tables[report.TableRequests] != nil {
		s3 = l.Tables[report.TableRequests]
	}
	const tot = report.ColTotal
	fresh, carried := int(s3[report.RowNew][tot]), int(s3[report.RowCarriedOver][tot])
	closed, forward := int(s3[report.RowTotal][tot]), int(s3[report.RowCarryForward][tot])
	fmt.Fprintf(&b, "（二）依申请公开。%d年，本机关新收政府信息公开申请%d件，上年结转%d件；办结%d件", l.Year, fresh, carried, closed)
	groups := []struct {
		name string
		pred func(string) bool
	}{
		{"予以公开", func(id string) bool { return id == "disclosed" }},
		{"部分公开", func(id string) bool { return id == "partial" }},
		{"不予公开", func(id string) bool { return strings.HasPrefix(id, "refused.") }},
		{"无法提供", func(id string) bool { return strings.HasPrefix(id, "unable.") }},
		{"不予处理", func(id string) bool { return strings.HasPrefix(id, "not_processed.") }},
		{"其他处理", func(id string) bool { return id == "other" || strings.HasPrefix(id, "other.") }},
	}
	var parts []string
	for _, g := range groups {
		if n := sumRows(s3, tot, g.pred); n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d件", g.name, n))
		}
	}
	if len(parts) > 0 && closed > 0 {
		b.WriteString("，其中" + strings.Join(parts, "、"))
	}
	fmt.Fprintf(&b, "；结转下年度继续办理%d件。", forward)
	s4 := r.Tables[report.TableAppeals]
	if l.Tables[report.TableAppeals] != nil {
		s4 = l.Tables[report.TableAppeals]
	}
	reviews := int(s4[report.RowCases]["review."+tot])
	suits := int(s4[report.RowCases]["suit_direct."+tot] + s4[report.RowCases]["suit_after_review."+tot])
	if reviews+suits == 0 {
		b.WriteString("本年度未发生因政府信息公开申请引发的行政复议和行政诉讼。")
	} else {
		fmt.Fprintf(&b, "因政府信息公开申请引发行政复议%d件、行政诉讼%d件。", reviews, suits)
	}
	if l.FeeCases > 0 {
		fmt.Fprintf(&b, "对%d件申请收取信息处理费共计%d元。", l.FeeCases, l.FeeAmount)
	}
	b.WriteString(Marker + "：依申请公开工作的主要做法，如受理渠道、办理流程、答复质量】")
	p = append(p, b.String())

	p = append(p,
		"（三）政府信息管理。"+Marker+"：公开属性源头认定、保密审查、政策文件清理、信息发布审核等工作情况】",
		"（四）平台建设。"+Marker+"：政府网站信息公开专栏、政务新媒体等平台的建设和维护情况】",
		"（五）监督保障。"+Marker+"：工作机构和人员、培训、考核、社会评议和责任追究等情况】",
	)
	return p
}

func items(f *report.Format, l *Live, year int) []report.Item {
	text := map[string]string{
		"fees":        l.FeeText,
		"work_points": Marker + "：落实上级年度政务公开工作要点的情况】",
		"proposals":   fmt.Sprintf("%d年，本机关承办人大代表建议%s：件数】件、政协提案%s：件数】件，%s：办理结果公开情况】", year, Marker, Marker, Marker),
		"innovation":  Marker + "：本年度政务公开工作的创新做法，没有的写“无”】",
		"statistics":  fmt.Sprintf("本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止；第三部分、第四部分数据由本机关政府信息公开申请登记办理系统统计。", year, year),
		"other":       Marker + "：本机关认为需要报告的其他事项，没有的写“无”】",
	}
	var out []report.Item
	for _, it := range f.OtherItems {
		out = append(out, report.Item{ID: it.ID, Text: text[it.ID]})
	}
	return out
}

// Change is one computed figure or text that Refresh replaced.
type Change struct {
	// Key is "table/row/column" for a cell, or FeeItem.
	Key string
	// Where names the cell by its official labels ("第三部分 › （一）予以公开 › 自然人").
	Where string
	// Old and New are the values as printed.
	Old, New string
}

// Refresh re-takes every computed figure (section 二 from the catalogue, 三 and 四 from the cases) and item 六(一)
// from the live figures, except in the tables (and item) the officer chose to enter by hand (entered, by table ID
// or FeeItem). Everything the officer typed elsewhere — text, entered cells — stays. It returns what changed.
func Refresh(r *report.Report, live *Live, entered []string) []Change {
	f, ok := report.FormatOf(r.Era)
	if !ok || live == nil || live.Year != r.Year {
		return nil
	}
	var out []Change
	for _, t := range f.Tables {
		if slices.Contains(entered, t.ID) {
			continue
		}
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				want, ok := live.Tables[t.ID][row.ID][col.ID]
				if !ok {
					continue
				}
				got, has := r.Value(t.ID, row.ID, col.ID)
				if has && got == want {
					continue
				}
				old := "（空）"
				if has {
					old = report.FormatNumber(got)
				}
				r.Set(t.ID, row.ID, col.ID, want)
				out = append(out, Change{Key: t.ID + "/" + row.ID + "/" + col.ID, Where: CellName(&t, row, col), Old: old, New: report.FormatNumber(want)})
			}
		}
	}
	if f.Era == report.Era2021 && !slices.Contains(entered, FeeItem) {
		for i := range r.Sections {
			if r.Sections[i].ID != "六" {
				continue
			}
			found := false
			for j := range r.Sections[i].Items {
				it := &r.Sections[i].Items[j]
				if it.ID != "fees" {
					continue
				}
				found = true
				if it.Text != live.FeeText {
					out = append(out, Change{Key: FeeItem, Where: "第六部分 › （一）收取信息处理费的情况", Old: it.Text, New: live.FeeText})
					it.Text = live.FeeText
				}
			}
			if !found {
				r.Sections[i].Items = append([]report.Item{{ID: "fees", Text: live.FeeText}}, r.Sections[i].Items...)
				out = append(out, Change{Key: FeeItem, Where: "第六部分 › （一）收取信息处理费的情况", Old: "（空）", New: live.FeeText})
			}
		}
	}
	return out
}

// CellName names a cell by its section and official labels, for people.
func CellName(t *report.TableSpec, row report.Row, col report.Column) string {
	parts := []string{"第" + t.Section + "部分"}
	if t.Caption != "" {
		parts = append(parts, t.Caption)
	}
	if row.Label != "" {
		parts = append(parts, t.RowPath(row))
	}
	return strings.Join(append(parts, col.Path()), " › ")
}

// Publishable checks that a year's report may be published on the day: only once the year has ended. Art 49 of the
// Regulation: "县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度政府信息公开
// 工作年度报告并向社会公布" — a report is of the year before, and figures of a year still running are not final.
func Publishable(year int, today workday.Date) error {
	if year >= today.Year {
		return disclosure.Errorf(disclosure.EConflict, "%d年度的报告须在该年度结束后（%d年1月1日起）发布：《条例》第四十九条规定公布的是上一年度的工作年度报告，年度未结束时数据尚未确定", year, year+1)
	}
	return nil
}
