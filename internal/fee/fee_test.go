package fee

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// kthCase is the spec's formula for the fee of the k-th 件 in a month, written independently of the bands.
func kthCase(k int) int {
	switch {
	case k <= 10:
		return 0
	case k <= 30:
		return 100
	}
	return 100 * (2 + (k-31)/10)
}

// kthPage is the rate of page k of one application.
func kthPage(k int) int {
	switch {
	case k <= 30:
		return 0
	case k <= 100:
		return 10
	case k <= 200:
		return 20
	}
	return 40
}

func mustCase(t *testing.T, prior, units int) Quote {
	t.Helper()
	q, err := PerCaseQuote(prior, units)
	if err != nil {
		t.Fatalf("PerCaseQuote(%d, %d): %v", prior, units, err)
	}
	return q
}

func mustPage(t *testing.T, pages int) Quote {
	t.Helper()
	q, err := PerPageQuote(pages)
	if err != nil {
		t.Fatalf("PerPageQuote(%d): %v", pages, err)
	}
	return q
}

func TestSpecWorkedExamples(t *testing.T) {
	if got, want := mustCase(t, 34, 1).Amount, 200; got != want {
		t.Errorf("the 35th 件 of a month costs %d, want %d", got, want)
	}
	if got, want := mustCase(t, 0, 35).Amount, 3000; got != want {
		t.Errorf("35 件 in a month cost %d, want %d", got, want)
	}
	if got, want := mustPage(t, 150).Amount, 1700; got != want {
		t.Errorf("150 pages cost %d, want %d", got, want)
	}
}

func TestPerCaseBandBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		k, want   int // the k-th 件 of the month costs want
		wantTotal int // the month's first k 件 together
	}{
		{"10th is the last free one", 10, 0, 0},
		{"11th costs 100", 11, 100, 100},
		{"30th costs 100", 30, 100, 2000},
		{"31st costs 200", 31, 200, 2200},
		{"40th costs 200", 40, 200, 4000},
		{"41st costs 300", 41, 300, 4300},
		{"50th costs 300", 50, 300, 7000},
		{"51st costs 400", 51, 400, 7400},
		{"60th costs 400", 60, 400, 11000},
		{"61st costs 500", 61, 500, 11500},
		{"101st costs 900", 101, 900, 2000 + 10*(200+300+400+500+600+700+800) + 900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustCase(t, tc.k-1, 1).Amount; got != tc.want {
				t.Errorf("件 %d alone = %d, want %d", tc.k, got, tc.want)
			}
			if got := mustCase(t, 0, tc.k).Amount; got != tc.wantTotal {
				t.Errorf("first %d 件 = %d, want %d", tc.k, got, tc.wantTotal)
			}
		})
	}
}

func TestPerPageBandBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name         string
		pages, total int
	}{
		{"1 page is free", 1, 0},
		{"30 pages are free", 30, 0},
		{"31st page costs 10", 31, 10},
		{"100 pages", 100, 700},
		{"101st page costs 20", 101, 720},
		{"200 pages", 200, 2700},
		{"201st page costs 40", 201, 2740},
		{"1000 pages", 1000, 2700 + 800*40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustPage(t, tc.pages).Amount; got != tc.total {
				t.Errorf("%d pages = %d, want %d", tc.pages, got, tc.total)
			}
		})
	}
}

func TestPriorAndUnitsCrossingBands(t *testing.T) {
	for _, tc := range []struct {
		name         string
		prior, units int
		want         []Line
	}{
		{"all free", 0, 3, []Line{{1, 3, 3, 0, 0}}},
		{"free into the first paid band", 5, 10, []Line{{6, 10, 5, 0, 0}, {11, 15, 5, 100, 500}}},
		{"first paid band only", 10, 2, []Line{{11, 12, 2, 100, 200}}},
		{"across 30/31", 28, 5, []Line{{29, 30, 2, 100, 200}, {31, 33, 3, 200, 600}}},
		{"across three bands", 35, 20, []Line{{36, 40, 5, 200, 1000}, {41, 50, 10, 300, 3000}, {51, 55, 5, 400, 2000}}},
		{"from free to 61", 0, 61, []Line{
			{1, 10, 10, 0, 0}, {11, 30, 20, 100, 2000}, {31, 40, 10, 200, 2000}, {41, 50, 10, 300, 3000},
			{51, 60, 10, 400, 4000}, {61, 61, 1, 500, 500},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := mustCase(t, tc.prior, tc.units)
			if diff := cmp.Diff(tc.want, q.Lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			sum := 0
			for _, l := range tc.want {
				sum += l.Amount
			}
			if q.Amount != sum || q.Prior != tc.prior || q.Units != tc.units || q.Method != PerCase {
				t.Errorf("quote = %+v, want amount %d", q, sum)
			}
		})
	}
	q := mustPage(t, 150)
	want := []Line{{1, 30, 30, 0, 0}, {31, 100, 70, 10, 700}, {101, 150, 50, 20, 1000}}
	if diff := cmp.Diff(want, q.Lines); diff != "" {
		t.Errorf("150 pages: lines (-want +got):\n%s", diff)
	}
	if q.Prior != 0 || q.Units != 150 || q.Method != PerPage {
		t.Errorf("150 pages: quote = %+v", q)
	}
}

// checkLines verifies that a quote's lines are contiguous from first to last, price each unit as rate(k) and add
// up to the quote.
func checkLines(t *testing.T, q Quote, first int, rate func(int) int) {
	t.Helper()
	k, total, count := first, 0, 0
	for _, l := range q.Lines {
		if l.From != k || l.To < l.From || l.Count != l.To-l.From+1 || l.Amount != l.Count*l.Rate {
			t.Fatalf("%+v: line %+v is not contiguous or consistent", q.Method, l)
		}
		for u := l.From; u <= l.To; u++ {
			if rate(u) != l.Rate {
				t.Fatalf("unit %d priced %d, want %d", u, l.Rate, rate(u))
			}
		}
		total += l.Amount
		count += l.Count
		k = l.To + 1
	}
	if total != q.Amount || count != q.Units {
		t.Fatalf("lines add up to %d 元 for %d units; quote says %d 元 for %d", total, count, q.Amount, q.Units)
	}
}

func TestEveryUnitIsPricedByTheSpecFormula(t *testing.T) {
	for prior := 0; prior <= 80; prior++ {
		for units := 1; units <= 80; units++ {
			checkLines(t, mustCase(t, prior, units), prior+1, kthCase)
		}
	}
	for pages := 1; pages <= 400; pages++ {
		checkLines(t, mustPage(t, pages), 1, kthPage)
	}
}

func TestPerCaseSplitsAdd(t *testing.T) {
	check := func(prior, a, b int) {
		t.Helper()
		whole := mustCase(t, prior, a+b).Amount
		split := mustCase(t, prior, a).Amount + mustCase(t, prior+a, b).Amount
		if whole != split {
			t.Fatalf("PerCaseQuote(%d, %d) = %d, but %d + %d split gives %d", prior, a+b, whole, a, b, split)
		}
	}
	for prior := 0; prior <= 60; prior++ {
		for a := 1; a <= 40; a++ {
			for b := 1; b <= 40; b++ {
				check(prior, a, b)
			}
		}
	}
	rng := rand.New(rand.NewPCG(109, 2020)) // fixed seed: a failure can be reproduced
	for range 2000 {
		prior := rng.IntN(5000)
		a, b := 1+rng.IntN(3000), 1+rng.IntN(3000)
		check(prior, a, b)
	}
}

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    Quote
		want string
	}{
		{"one paid band", mustCase(t, 10, 2), "按件计收：本月第11—12件，每件100元，共2件200元；合计200元。"},
		{"single 件", mustCase(t, 34, 1), "按件计收：本月第35件，每件200元，共1件200元；合计200元。"},
		{"free only", mustCase(t, 0, 3), "按件计收：本月第1—3件免费；合计0元。"},
		{"a month of 35", mustCase(t, 0, 35), "按件计收：本月第1—10件免费；第11—30件，每件100元，共20件2,000元；第31—35件，每件200元，共5件1,000元；合计3,000元。"},
		{"150 pages", mustPage(t, 150), "按量计收：共150页，其中1—30页免费，31—100页每页10元计700元，101—150页每页20元计1,000元；合计1,700元。"},
		{"31 pages", mustPage(t, 31), "按量计收：共31页，其中1—30页免费，31页每页10元计10元；合计10元。"},
		{"free pages", mustPage(t, 12), "按量计收：共12页，其中1—12页免费；合计0元。"},
		{"unknown method", Quote{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.q.Explain(); got != tc.want {
				t.Errorf("Explain() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestBadInputGivesAChineseError(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func() (Quote, error)
		want string
	}{
		{"negative prior", func() (Quote, error) { return PerCaseQuote(-1, 1) }, "本月已计收件数不能为负数（填写的是-1）"},
		{"zero 件", func() (Quote, error) { return PerCaseQuote(0, 0) }, "本次计收件数至少为1件（填写的是0）"},
		{"negative 件", func() (Quote, error) { return PerCaseQuote(3, -2) }, "本次计收件数至少为1件（填写的是-2）"},
		{"absurd 件", func() (Quote, error) { return PerCaseQuote(0, MaxUnits+1) }, "超过1000000件"},
		{"absurd prior", func() (Quote, error) { return PerCaseQuote(MaxUnits, 1) }, "超过1000000件"},
		{"prior+units overflowing int", func() (Quote, error) { return PerCaseQuote(1<<62, 1<<62) }, "超过1000000件"},
		{"zero pages", func() (Quote, error) { return PerPageQuote(0) }, "页数至少为1页（填写的是0）"},
		{"negative pages", func() (Quote, error) { return PerPageQuote(-30) }, "页数至少为1页（填写的是-30）"},
		{"absurd pages", func() (Quote, error) { return PerPageQuote(MaxUnits + 1) }, "超过1000000页"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := tc.call()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if q.Amount != 0 || q.Lines != nil {
				t.Errorf("a failed quote carries %+v", q)
			}
		})
	}
}

func TestLimitsAreAccepted(t *testing.T) {
	q := mustCase(t, MaxUnits-1, 1)
	if got, want := q.Amount, kthCase(MaxUnits); got != want {
		t.Errorf("the millionth 件 costs %d, want %d", got, want)
	}
	whole := mustCase(t, 0, MaxUnits)
	if got, want := len(whole.Lines), 2+(MaxUnits-30)/10; got != want {
		t.Errorf("%d lines, want %d", got, want)
	}
	if got, want := mustPage(t, MaxUnits).Amount, 2700+(MaxUnits-200)*40; got != want {
		t.Errorf("a million pages cost %d, want %d", got, want)
	}
}

func TestMethod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Method
		name string
	}{
		{"per_case", PerCase, "按件计收"},
		{"按件计收", PerCase, "按件计收"},
		{" per_page ", PerPage, "按量计收"},
		{"按量计收", PerPage, "按量计收"},
	} {
		got, err := ParseMethod(tc.in)
		if err != nil || got != tc.want || got.Name() != tc.name || !got.Valid() {
			t.Errorf("ParseMethod(%q) = %q (%q), %v; want %q (%q)", tc.in, got, got.Name(), err, tc.want, tc.name)
		}
	}
	if m, err := ParseMethod("both"); err == nil || !strings.Contains(err.Error(), "收费方式“both”无法识别") || m.Valid() || m.Name() != "" {
		t.Errorf("ParseMethod(both) = %q, %v; want a Chinese error", m, err)
	}
}

func TestYuan(t *testing.T) {
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1700: "1,700", 1234567: "1,234,567", -2500: "-2,500"} {
		if got := Yuan(in); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestMonthKey(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		name string
		d    time.Time
		want string
	}{
		{"a day in Beijing", time.Date(2026, 3, 15, 10, 0, 0, 0, cst), "2026-03"},
		{"first minute of the month in Beijing", time.Date(2026, 3, 1, 0, 0, 0, 0, cst), "2026-03"},
		{"last second of the month in Beijing", time.Date(2026, 3, 31, 23, 59, 59, 0, cst), "2026-03"},
		{"UTC instant already in April in Beijing", time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC), "2026-04"},
		{"date-only value at UTC midnight keeps its date", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), "2026-02"},
		{"year boundary", time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC), "2026-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MonthKey(tc.d); got != tc.want {
				t.Errorf("MonthKey(%v) = %s, want %s", tc.d, got, tc.want)
			}
		})
	}
}

func BenchmarkPerCaseQuote(b *testing.B) {
	for b.Loop() {
		if _, err := PerCaseQuote(25, 20); err != nil {
			b.Fatal(err)
		}
	}
}
