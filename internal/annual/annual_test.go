package annual

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// fakeSources gives fixed figures, as the store would for one agency's year.
type fakeSources struct {
	cat                 disclosure.CatalogueFigures
	requests, appeals   []disclosure.CellCount
	feeCases, feeAmount int
	err                 error
	asked               []int64
}

func (f *fakeSources) CatalogueFigures(_ context.Context, ids []int64, _ int) (disclosure.CatalogueFigures, error) {
	f.asked = ids
	return f.cat, f.err
}
func (f *fakeSources) RequestCounts(context.Context, []int64, int) ([]disclosure.CellCount, error) {
	return f.requests, nil
}
func (f *fakeSources) AppealCounts(context.Context, []int64, int) ([]disclosure.CellCount, error) {
	return f.appeals, nil
}
func (f *fakeSources) FeeTotals(context.Context, []int64, int) (int, int, error) {
	return f.feeCases, f.feeAmount, nil
}

// consistent is a year whose cases balance: 5 new + 1 carried over = 4 closed + 2 carried forward.
func consistent() *fakeSources {
	return &fakeSources{
		cat: disclosure.CatalogueFigures{
			NormativeMade: 3, NormativeRepealed: 1, NormativeInForce: 12, LicensingDecisions: 40, PenaltyDecisions: 59, CoercionDecisions: 2,
			Published:  147,
			ByCategory: []disclosure.NamedCount{{Name: "机构职能", N: 7}, {Name: "政策解读", N: 3}, {Name: "空类", N: 0}},
			Channels:   []disclosure.NamedCount{{Name: "微信公众号", N: 30}},
		},
		requests: []disclosure.CellCount{
			{Row: "new", Column: "natural_person", N: 4}, {Row: "new", Column: "commercial", N: 1},
			{Row: "carried_over", Column: "natural_person", N: 1},
			{Row: "disclosed", Column: "natural_person", N: 2}, {Row: "unable.not_held", Column: "natural_person", N: 1},
			{Row: "other.no_fee", Column: "commercial", N: 1},
			{Row: "carry_forward", Column: "natural_person", N: 2},
		},
		appeals:  []disclosure.CellCount{{Row: "review", Column: "upheld", N: 1}},
		feeCases: 1, feeAmount: 100,
	}
}

var health = &disclosure.Agency{ID: 2, Kind: disclosure.Department, Name: "平阴县卫生健康局",
	Contacts: disclosure.Contacts{Office: "局办公室", Phone: "0531-87883760", Email: "pyxwjj@jn.shandong.cn", Address: "平阴县榆山街道府前街31号"}}

func mustDraft(t *testing.T, src Sources, year int) *report.Report {
	t.Helper()
	r, err := Draft(context.Background(), src, health, year)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDraftHoldsTheYearsFigures(t *testing.T) {
	src := consistent()
	r := mustDraft(t, src, 2025)
	if got, want := src.asked, []int64{2}; !cmp.Equal(got, want) {
		t.Errorf("asked for agencies %v, want %v", got, want)
	}
	sec := func(id string) string { s, _ := r.Section(id); return s.Text }
	item := func(id string) string {
		s, _ := r.Section("六")
		for _, it := range s.Items {
			if it.ID == id {
				return it.Text
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"the title names agency and year", r.Title, "平阴县卫生健康局2025年政府信息公开工作年度报告"},
		{"the preamble gives the legal basis", r.Preamble, "国办公开办函〔2021〕30号"},
		{"the preamble gives the statistical period", r.Preamble, "自2025年1月1日起至2025年12月31日止"},
		{"the preamble says where to download", r.Preamble, "平阴县卫生健康局政府信息公开专栏"},
		{"the preamble gives the contact", r.Preamble, "电话：0531-87883760"},
		{"section 一 counts the proactive items by category", sec("一"), "全年主动公开政府信息147条，其中机构职能7条、政策解读3条。"},
		{"section 一 counts the channel pushes", sec("一"), "通过微信公众号30条推送"},
		{"section 一 counts the applications", sec("一"), "新收政府信息公开申请5件，上年结转1件；办结4件，其中予以公开2件、无法提供1件、其他处理1件；结转下年度继续办理2件。"},
		{"section 一 counts the appeals", sec("一"), "引发行政复议1件、行政诉讼0件"},
		{"section 一 marks what only a person can write", sec("一"), "（三）政府信息管理。【请补充"},
		{"section 五 is a skeleton", sec("五"), "（二）改进情况\n【请补充"},
		{"item 六(一) states the fees", item("fees"), "对1件政府信息公开申请收取信息处理费，共计100元"},
		{"item 六(五) states the statistical period", item("statistics"), "自2025年1月1日起至2025年12月31日止"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.got, tc.want) {
				t.Errorf("got %q, want it to contain %q", tc.got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		table, row, col string
		want            float64
	}{
		{report.TableRules, "normative", "made", 3},
		{report.TableRules, "normative", "in_force", 12},
		{report.TableRules, "rules", "made", 0},
		{report.TableLicensing, "licensing", "decisions", 40},
		{report.TablePenalties, "penalty", "decisions", 59},
		{report.TableFees, "fees", "amount", 0},
		{report.TableRequests, "new", "total", 5},
		{report.TableRequests, "total", "natural_person", 3},
		{report.TableAppeals, "cases", "review.total", 1},
	} {
		if got, ok := r.Value(tc.table, tc.row, tc.col); !ok || got != tc.want {
			t.Errorf("%s/%s/%s = %v (%v), want %v", tc.table, tc.row, tc.col, got, ok, tc.want)
		}
	}
	if s, _ := r.Section("六"); len(s.Items) != 6 {
		t.Errorf("section 六 has %d items, want 6", len(s.Items))
	}
	if err := r.Validate(); err != nil {
		t.Errorf("the draft is not a valid report: %v", err)
	}
	// No figure or claim is invented: the text says nothing of the missing work except through markers.
	if strings.Contains(sec("一"), "圆满完成") {
		t.Error("the draft claims what nobody said")
	}
}

func TestAConsistentDraftPassesTheChecksExceptItsMarkers(t *testing.T) {
	for _, year := range []int{2025, 2020} {
		r := mustDraft(t, consistent(), year)
		if got := report.Check(r, nil); len(got) != 0 {
			t.Errorf("%d: report.Check found %+v", year, got)
		}
		live, _ := Collect(context.Background(), consistent(), 2, year)
		fs := Findings(r, nil, Env{Live: live, Kind: disclosure.Department})
		if len(fs) == 0 {
			t.Fatalf("%d: no finding for the markers", year)
		}
		for _, f := range fs {
			if f.Rule != "A-1" || f.Severity != report.Error {
				t.Errorf("%d: finding %s %s: %s", year, f.Rule, f.Severity, f.Message)
			}
		}
	}
}

func TestDraftWithoutContactsMarksThem(t *testing.T) {
	a := &disclosure.Agency{ID: 3, Kind: disclosure.Department, Name: "平阴县民政局"}
	r, err := Draft(context.Background(), &fakeSources{}, a, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Preamble, "【请补充：联系地址") {
		t.Errorf("preamble %q does not ask for the contact", r.Preamble)
	}
	sec, _ := r.Section("一")
	if !strings.Contains(sec.Text, "全年主动公开政府信息0条。") || !strings.Contains(sec.Text, "未发生因政府信息公开申请引发的行政复议和行政诉讼") {
		t.Errorf("an empty year: %q", sec.Text)
	}
}

func TestWithoutACatalogueSection二IsEnteredAndAskedFor(t *testing.T) {
	src := consistent()
	src.err = fmt.Errorf("store: %w", ErrNoCatalogue)
	live, err := Collect(context.Background(), src, 2, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if live.HasCatalogue || live.Computed(report.TableRules, "normative", "made") || !live.Computed(report.TableRequests, "new", "total") {
		t.Errorf("without a catalogue: has %v, computed 二 %v", live.HasCatalogue, live.Computed(report.TableRules, "normative", "made"))
	}
	r := DraftFrom(live, health)
	if v, ok := r.Value(report.TableRules, "normative", "made"); !ok || v != 0 {
		t.Errorf("section 二 cell = %v %v, want 0 to be entered", v, ok)
	}
	sec, _ := r.Section("一")
	if !strings.Contains(sec.Text, "全年主动公开政府信息【请补充：条数") || strings.Contains(sec.Text, "147") {
		t.Errorf("section 一 without a catalogue: %q", sec.Text)
	}
	r.Set(report.TableRules, "normative", "made", 3)
	if ch := Refresh(r, live, nil); len(ch) != 0 {
		t.Errorf("refresh without a catalogue changed %+v", ch)
	}
}

func TestDraftRefusesYearsWithoutATableFormatAndPassesErrorsOn(t *testing.T) {
	if _, err := Draft(context.Background(), consistent(), health, 2018); disclosure.ErrorCode(err) != disclosure.EInvalid || !strings.Contains(disclosure.ErrorMessage(err), "2019") {
		t.Errorf("2018: %v", err)
	}
	boom := errors.New("database down")
	if _, err := Draft(context.Background(), &fakeSources{err: boom}, health, 2025); !errors.Is(err, boom) {
		t.Errorf("source error: %v", err)
	}
}

func TestRefreshRetakesComputedFiguresAndKeepsWhatWasTyped(t *testing.T) {
	src := consistent()
	r := mustDraft(t, src, 2025)
	// The officer writes, enters the fees table by hand and overrides a penalty count in an entered table.
	r.Sections[0].Text = "（一）主动公开。本局全年主动公开政府信息147条。"
	r.Set(report.TableFees, "fees", "amount", 1.5)
	r.Set(report.TablePenalties, "penalty", "decisions", 61)
	// Meanwhile a case closes and a decision is published.
	src.requests = append(src.requests, disclosure.CellCount{Row: "partial", Column: "natural_person", N: 1})
	src.cat.LicensingDecisions = 41
	live, err := Collect(context.Background(), src, 2, 2025)
	if err != nil {
		t.Fatal(err)
	}
	changes := Refresh(r, live, []string{report.TablePenalties})
	got := map[string]string{}
	for _, c := range changes {
		got[c.Key] = c.Old + "→" + c.New
	}
	want := map[string]string{
		"s2.5/licensing/decisions":  "40→41",
		"s3/partial/natural_person": "0→1", "s3/partial/total": "0→1",
		"s3/total/natural_person": "3→4", "s3/total/total": "4→5",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if r.Sections[0].Text != "（一）主动公开。本局全年主动公开政府信息147条。" {
		t.Errorf("typed text lost: %q", r.Sections[0].Text)
	}
	if v, _ := r.Value(report.TablePenalties, "penalty", "decisions"); v != 61 {
		t.Errorf("an entered table was refreshed: %v", v)
	}
	if v, _ := r.Value(report.TableFees, "fees", "amount"); v != 1.5 {
		t.Errorf("an entered cell was refreshed: %v", v)
	}
	for _, c := range changes {
		if c.Key == "s3/partial/natural_person" && c.Where != "第三部分 › （二）部分公开（区分处理的，只计这一情形，不计其他情形） › 自然人" {
			t.Errorf("change named %q", c.Where)
		}
	}
	// Refreshing again changes nothing; the fee item follows the fees unless entered.
	if again := Refresh(r, live, []string{report.TablePenalties}); len(again) != 0 {
		t.Errorf("second refresh changed %+v", again)
	}
	src.feeCases, src.feeAmount = 2, 150
	live, _ = Collect(context.Background(), src, 2, 2025)
	if ch := Refresh(r, live, []string{report.TablePenalties, FeeItem}); len(ch) != 0 {
		t.Errorf("an entered fee item changed: %+v", ch)
	}
	if ch := Refresh(r, live, []string{report.TablePenalties}); len(ch) != 1 || ch[0].Key != FeeItem || !strings.Contains(ch[0].New, "共计150元") {
		t.Errorf("fee item refresh: %+v", ch)
	}
}

func TestFindings(t *testing.T) {
	day := func(s string) workday.Date { d, _ := workday.ParseDate(s); return d }
	src := consistent()
	live, _ := Collect(context.Background(), src, 2, 2025)
	clean := func() *report.Report {
		r := DraftFrom(live, health)
		for i := range r.Sections {
			r.Sections[i].Text = strings.ReplaceAll(r.Sections[i].Text, Marker, "【已写")
			r.Sections[i].Text = markerRE.ReplaceAllString(r.Sections[i].Text, "已写明。")
			for j := range r.Sections[i].Items {
				r.Sections[i].Items[j].Text = markerRE.ReplaceAllString(r.Sections[i].Items[j].Text, "已写明")
			}
		}
		r.Preamble = markerRE.ReplaceAllString(r.Preamble, "")
		return r
	}
	rules := func(fs []report.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Rule+" "+string(f.Severity))
		}
		return out
	}
	stale := clean()
	stale.Set(report.TableRequests, "new", "natural_person", 5)
	stale.Set(report.TableRequests, "new", "total", 6)
	stale.Set(report.TableRequests, "carry_forward", "natural_person", 3)
	stale.Set(report.TableRequests, "carry_forward", "total", 3)
	for _, tc := range []struct {
		name string
		r    *report.Report
		env  Env
		want []string
	}{
		{"a finished report from live figures has no finding", clean(), Env{Live: live, Kind: disclosure.Department, Today: day("2026-01-05")}, nil},
		{"markers are errors", DraftFrom(live, health), Env{Live: live}, []string{"A-1 error", "A-1 error", "A-1 error", "A-1 error", "A-1 error", "A-1 error"}},
		{"a department's deadline within 10 days warns", clean(), Env{Live: live, Kind: disclosure.Department, Today: day("2026-01-25")}, []string{"A-3 warning"}},
		{"a department's deadline passed warns", clean(), Env{Live: live, Kind: disclosure.Department, Today: day("2026-02-01")}, []string{"A-3 warning"}},
		{"a region government has until 31 March", clean(), Env{Live: live, Kind: disclosure.RegionGovernment, Today: day("2026-02-01")}, nil},
		{"a published report has no deadline", clean(), Env{Live: live, Kind: disclosure.Department, Today: day("2026-05-01"), Published: true}, nil},
		{"figures that differ from the cases warn, with both values", stale, Env{Live: live}, []string{"A-2 warning", "A-2 warning", "A-2 warning", "A-2 warning"}},
		{"a table entered by hand is not compared", stale, Env{Live: live, Entered: []string{report.TableRequests}}, nil},
		{"without live figures nothing is compared", stale, Env{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rules(Findings(tc.r, nil, tc.env))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("rules (-want +got):\n%s", d)
			}
		})
	}
	fs := Findings(stale, nil, Env{Live: live})
	if f := fs[0]; *f.Expected != 4 || *f.Found != 5 || !strings.Contains(f.Message, "报告填了 5，而办件实时统计为 4") {
		t.Errorf("stale finding %+v: %s", f, f.Message)
	}
	fs = Findings(clean(), nil, Env{Kind: disclosure.Department, Today: day("2026-02-03")})
	if !strings.Contains(fs[0].Message, "2026年1月31日已过（逾期 3 天）") {
		t.Errorf("deadline message %q", fs[0].Message)
	}
	fs = Findings(DraftFrom(live, health), nil, Env{})
	if !strings.Contains(fs[0].Message, "待补充内容") || fs[0].Section != "一" {
		t.Errorf("marker finding %+v", fs[0])
	}
}

func TestDeadline(t *testing.T) {
	for _, tc := range []struct {
		kind disclosure.AgencyKind
		year int
		want string
	}{
		{disclosure.Department, 2025, "2026-01-31"},
		{disclosure.SubordinateUnit, 2025, "2026-01-31"},
		{disclosure.RegionGovernment, 2025, "2026-03-31"},
		{disclosure.Department, 2015, "2016-03-31"},
	} {
		if got := Deadline(tc.kind, tc.year).String(); got != tc.want {
			t.Errorf("%s %d: %s, want %s", tc.kind, tc.year, got, tc.want)
		}
	}
}

func TestMarkersInHostileText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0}, {"【请补充", 1}, {"【请补充：a】【请补充】", 2}, {"【请】补充", 0}, {"\xff【请补充\x00】", 1},
	} {
		if got := len(Markers(tc.text)); got != tc.want {
			t.Errorf("%q: %d markers, want %d", tc.text, got, tc.want)
		}
	}
}
