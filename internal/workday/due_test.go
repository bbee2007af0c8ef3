package workday_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/workday"
)

func d(s string) workday.Date {
	v, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func pause(from, to, reason string) workday.Pause {
	return workday.Pause{From: d(from), To: d(to), Reason: reason}
}

func TestDue(t *testing.T) {
	c := workday.Default()
	tests := []struct {
		name   string
		start  string
		days   int
		pauses []workday.Pause
		want   string
	}{
		// Hand-counted against the 2026 notice (春节 2/15–2/23 off; 2/14 Sat and 2/28 Sat worked), start Tue 2/10:
		// 2/11 1, 2/12 2, 2/13 3, 2/14(Sat, 调休) 4, [2/15–2/23 holiday], 2/24 5, 2/25 6, 2/26 7, 2/27 8,
		// 2/28(Sat, 调休) 9, 3/2 10, 3/3 11, 3/4 12, 3/5 13, 3/6 14, 3/9 15, 3/10 16, 3/11 17, 3/12 18, 3/13 19,
		// 3/16 20.
		{"spring festival 2026 with both make-up Saturdays counted", "2026-02-10", 20, nil, "2026-03-16"},
		// Hand-counted against the 2025 notice (国庆节、中秋节 10/1–10/8 off; 9/28 Sun and 10/11 Sat worked), start
		// Fri 9/26: 9/27 Sat no, 9/28(Sun, 调休) 1, 9/29 2, 9/30 3, [10/1–10/8], 10/9 4, 10/10 5, 10/11(Sat, 调休) 6,
		// 10/13 7, 10/14 8, 10/15 9, 10/16 10, 10/17 11, 10/20 12, 10/21 13, 10/22 14, 10/23 15, 10/24 16,
		// 10/27 17, 10/28 18, 10/29 19, 10/30 20.
		{"national day 2025 with 9-28 and 10-11 counted", "2025-09-26", 20, nil, "2025-10-30"},
		// Hand-counted across 元旦 2026 (1/1–1/3 off, Sun 1/4 worked), start Sat 2025-12-20: 12/22 1, 12/23 2,
		// 12/24 3, 12/25 4, 12/26 5, 12/29 6, 12/30 7, 12/31 8, [1/1–1/3], 1/4(Sun, 调休) 9, 1/5 10, 1/6 11, 1/7 12,
		// 1/8 13, 1/9 14, 1/12 15, 1/13 16, 1/14 17, 1/15 18, 1/16 19, 1/19 20.
		{"new year 2026 with sunday 1-4 counted", "2025-12-20", 20, nil, "2026-01-19"},
		// Hand-counted, 7 working days to ask for a correction (Art 30) across 国庆 2026 (10/1–10/7 off, Sat 10/10
		// worked), start Wed 9/30: [10/1–10/7], 10/8 1, 10/9 2, 10/10(Sat, 调休) 3, 10/12 4, 10/13 5, 10/14 6,
		// 10/15 7.
		{"seven days for a correction notice across national day 2026", "2026-09-30", 7, nil, "2026-10-15"},
		// Hand-counted, 15 working days for a third party (Art 32) across 劳动节 2026 (5/1–5/5 off, Sat 5/9 worked),
		// start Tue 4/28: 4/29 1, 4/30 2, [5/1–5/5], 5/6 3, 5/7 4, 5/8 5, 5/9(Sat, 调休) 6, 5/11 7, 5/12 8, 5/13 9,
		// 5/14 10, 5/15 11, 5/18 12, 5/19 13, 5/20 14, 5/21 15.
		{"fifteen days for a third party across labour day 2026", "2026-04-28", 15, nil, "2026-05-21"},
		// Hand-counted, 20+20 (Art 33 extension) from Mon 2026-01-05: the first 20 end on 2/2 (1/6…1/30 are 19
		// weekdays, 2/2 is the 20th); the next 20: 2/3 1 … 2/13 9, 2/14(Sat, 调休) 10, [2/15–2/23], 2/24 11, 2/25 12,
		// 2/26 13, 2/27 14, 2/28(Sat, 调休) 15, 3/2 16, 3/3 17, 3/4 18, 3/5 19, 3/6 20.
		{"twenty plus twenty across spring festival 2026", "2026-01-05", 40, nil, "2026-03-06"},
		{"first twenty of the extension case", "2026-01-05", 20, nil, "2026-02-02"},
		// Hand-counted across 春节 2025 (1/28–2/4 off; Sun 1/26 and Sat 2/8 worked), start Mon 1/20: 1/21 1,
		// 1/22 2, 1/23 3, 1/24 4, 1/26(Sun, 调休) 5, 1/27 6, [1/28–2/4], 2/5 7, 2/6 8, 2/7 9, 2/8(Sat, 调休) 10,
		// 2/10 11 … 2/14 15, 2/17 16 … 2/21 20.
		{"spring festival 2025 with sunday 1-26 counted", "2025-01-20", 20, nil, "2025-02-21"},
		// Hand-counted across 中秋 and 国庆 2026 (9/25–9/27 and 10/1–10/7 off; Sun 9/20, Sat 10/10 worked), start
		// Fri 9/18: 9/20(Sun, 调休) 1, 9/21 2, 9/22 3, 9/23 4, 9/24 5, [9/25–9/27], 9/28 6, 9/29 7, 9/30 8,
		// [10/1–10/7], 10/8 9, 10/9 10, 10/10(Sat, 调休) 11, 10/12 12 … 10/16 16, 10/19 17 … 10/22 20.
		{"mid-autumn and national day 2026", "2026-09-18", 20, nil, "2026-10-22"},
		// Ordinary weekends only (March 2026 has no holiday), start Mon 3/2: 3/3–3/6 4, 3/9–3/13 9, 3/16–3/20 14,
		// 3/23–3/27 19, 3/30 20.
		{"ordinary weekends", "2026-03-02", 20, nil, "2026-03-30"},
		{"friday plus one is monday", "2026-03-06", 1, nil, "2026-03-09"},
		{"zero days is the start itself", "2026-02-15", 0, nil, "2026-02-15"},
		{"negative days count as zero", "2026-03-02", -3, nil, "2026-03-02"},
		// Start on a holiday: counting simply begins the next day. Sat 10/3 (国庆): 10/8 1, 10/9 2,
		// 10/10(Sat, 调休) 3, 10/12 4, 10/13 5.
		{"start on a holiday", "2026-10-03", 5, nil, "2026-10-13"},
		{"start on a weekend", "2026-03-07", 1, nil, "2026-03-09"},
		{"start on a make-up saturday", "2026-02-14", 1, nil, "2026-02-24"},
		// Into 2027, which has no data: Mon–Fri assumed, and 1 January a holiday as every year (《全国年节及纪念日
		// 放假办法》 Art 2). Start Tue 2026-12-15: 12/16 1 … 12/18 3, 12/21–12/25 8, 12/28–12/31 12, 2027-01-01 (Fri,
		// 元旦) skipped, 1/4–1/8 17, 1/11 18, 1/12 19, 1/13 20.
		{"span into 2027 assumes monday to friday and 1 january", "2026-12-15", 20, nil, "2027-01-13"},
		// 2019 劳动节 as adjusted by 国办发明电〔2019〕3号 (5/1–5/4 off, Sun 4/28 and Sun 5/5 worked), start Fri 4/26:
		// 4/28(Sun, 调休) 1, 4/29 2, 4/30 3, [5/1–5/4], 5/5(Sun, 调休) 4, 5/6 5.
		{"2019 labour day as adjusted", "2019-04-26", 5, nil, "2019-05-06"},
		// 2020 春节 as extended by 国办发明电〔2020〕1号 to 2/2 (Sat 2/1 no longer worked), start Thu 1/23:
		// [1/24–2/2], 2/3 1.
		{"2020 spring festival as extended", "2020-01-23", 1, nil, "2020-02-03"},
		// Pauses.
		{"pause on a weekend removes nothing", "2026-03-02", 20,
			[]workday.Pause{pause("2026-03-07", "2026-03-08", "征求第三方意见")}, "2026-03-30"},
		// 3/2–3/6 are counts 10–14 of the first case; removing them moves the 20th to 3/23.
		{"pause of one working week", "2026-02-10", 20,
			[]workday.Pause{pause("2026-03-02", "2026-03-06", "征求第三方意见")}, "2026-03-23"},
		// 2/20–2/23 are holidays anyway, 2/24 and 2/25 are removed: the 22nd unpaused working day, 3/18.
		{"pause overlapping a holiday removes only working days", "2026-02-10", 20,
			[]workday.Pause{pause("2026-02-20", "2026-02-25", "征求第三方意见")}, "2026-03-18"},
		{"overlapping pauses remove each day once", "2026-02-10", 20,
			[]workday.Pause{pause("2026-03-02", "2026-03-04", "征求第三方意见"), pause("2026-03-03", "2026-03-06", "征求其他机关意见")}, "2026-03-23"},
		{"adjacent pauses", "2026-02-10", 20,
			[]workday.Pause{pause("2026-03-04", "2026-03-06", "b"), pause("2026-03-02", "2026-03-03", "a")}, "2026-03-23"},
		// Pause 2/25–3/4 with start 3/2: only 3/3 and 3/4 are removed; 3/30 was the 20th, so the 22nd: 3/31 21,
		// 4/1 22.
		{"pause starting before the start date", "2026-03-02", 20,
			[]workday.Pause{pause("2026-02-25", "2026-03-04", "征求第三方意见")}, "2026-04-01"},
		{"pause wholly before the start is ignored", "2026-03-02", 20,
			[]workday.Pause{pause("2026-02-02", "2026-02-06", "x")}, "2026-03-30"},
		{"reversed pause is ignored", "2026-03-02", 20,
			[]workday.Pause{pause("2026-03-06", "2026-03-02", "x")}, "2026-03-30"},
		{"pause after the due date is ignored", "2026-03-02", 5,
			[]workday.Pause{pause("2026-04-20", "2026-04-24", "x")}, "2026-03-09"},
		{"pause covering the start day", "2026-03-02", 1,
			[]workday.Pause{pause("2026-03-02", "2026-03-03", "x")}, "2026-03-04"},
		// A pause covering the 20th day moves the deadline past it: 3/16 paused, 3/17 is the 20th.
		{"pause on the would-be due date", "2026-02-10", 20,
			[]workday.Pause{pause("2026-03-16", "2026-03-16", "x")}, "2026-03-17"},
		// Two pauses across Spring Festival (the benchmark case): 2/12–2/13 removes 2 (counts 2, 3), 2/26–3/3
		// removes 2/26, 2/27, 2/28(调休), 3/2, 3/3 = 5; 7 in all, so the 27th unpaused working day: 3/16 20,
		// 3/17 21 … 3/20 24, 3/23 25, 3/24 26, 3/25 27.
		{"two pauses across spring festival", "2026-02-10", 20,
			[]workday.Pause{pause("2026-02-12", "2026-02-13", "征求第三方意见"), pause("2026-02-26", "2026-03-03", "征求其他机关意见")}, "2026-03-25"},
		{"pause of centuries still ends", "2026-03-02", 1,
			[]workday.Pause{pause("2026-03-03", "2400-12-31", "x")}, "2401-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Due(d(tt.start), tt.days, tt.pauses)
			if got := r.Due.String(); got != tt.want {
				t.Errorf("Due(%s, %d) = %s, want %s\n%s", tt.start, tt.days, got, tt.want, r.Explain())
			}
			if got := c.DueDate(d(tt.start), tt.days, tt.pauses).String(); got != tt.want {
				t.Errorf("DueDate(%s, %d) = %s, want %s", tt.start, tt.days, got, tt.want)
			}
			if tt.days > 0 && !c.IsWorkday(r.Due) {
				t.Errorf("due date %s is not a working day", r.Due)
			}
			// The definition, independently: working days in (start, due] minus paused ones equals days.
			if n := max(tt.days, 0); n > 0 {
				counted := 0
				for x := d(tt.start).AddDays(1); !x.After(r.Due); x = x.AddDays(1) {
					if c.IsWorkday(x) && !paused(tt.pauses, x) {
						counted++
					}
				}
				if counted != n {
					t.Errorf("counted %d working days up to %s, want %d", counted, r.Due, n)
				}
			}
		})
	}
}

func paused(ps []workday.Pause, x workday.Date) bool {
	for _, p := range ps {
		if !x.Before(p.From) && !x.After(p.To) {
			return true
		}
	}
	return false
}

func TestDueResult(t *testing.T) {
	c := workday.Default()
	t.Run("holidays, make-up days and pauses are reported", func(t *testing.T) {
		ps := []workday.Pause{
			pause("2026-03-03", "2026-03-06", "征求其他机关意见"),
			pause("2026-03-02", "2026-03-04", "征求第三方意见"),
			pause("2026-03-07", "2026-03-08", "周末"),
		}
		r := c.Due(d("2026-02-10"), 20, ps)
		want := workday.Result{
			Start: d("2026-02-10"), Days: 20, Due: d("2026-03-23"),
			Holidays: []workday.Holiday{{Name: "春节", From: d("2026-02-15"), To: d("2026-02-23")}},
			Makeup:   []workday.Date{d("2026-02-14"), d("2026-02-28")},
			Pauses: []workday.AppliedPause{
				{Pause: ps[1], Workdays: 3},
				{Pause: ps[0], Workdays: 2, Shared: 2},
				{Pause: ps[2]},
			},
		}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("holiday cut to the span when starting inside it", func(t *testing.T) {
		r := c.Due(d("2026-02-17"), 3, nil)
		want := []workday.Holiday{{Name: "春节", From: d("2026-02-18"), To: d("2026-02-23")}}
		if diff := cmp.Diff(want, r.Holidays); diff != "" {
			t.Errorf("holidays (-want +got):\n%s", diff)
		}
		if got, want := r.Due, d("2026-02-26"); got != want {
			t.Errorf("due = %s, want %s", got, want)
		}
	})
	t.Run("make-up day inside a pause is not counted", func(t *testing.T) {
		r := c.Due(d("2026-02-10"), 20, []workday.Pause{pause("2026-02-28", "2026-02-28", "x")})
		if got, want := r.Makeup, []workday.Date{d("2026-02-14")}; !cmp.Equal(got, want) {
			t.Errorf("makeup = %v, want %v", got, want)
		}
		if got, want := r.Pauses[0].Workdays, 1; got != want {
			t.Errorf("removed = %d, want %d", got, want)
		}
	})
	t.Run("years without data are listed and warned about", func(t *testing.T) {
		r := c.Due(d("2026-12-15"), 20, nil)
		if got, want := r.Unknown, []int{2027}; !cmp.Equal(got, want) {
			t.Errorf("unknown = %v, want %v", got, want)
		}
		ws := r.Warnings()
		if len(ws) != 1 || ws[0] != "2027年的节假日安排尚未录入，期限按周一至周五为工作日、1月1日元旦放假推定，为暂定日期；国务院办公厅发布通知并录入后将重新计算。" {
			t.Errorf("warnings = %q", ws)
		}
	})
	t.Run("a span inside known years has no warning", func(t *testing.T) {
		if ws := c.Due(d("2026-02-10"), 20, nil).Warnings(); len(ws) != 0 {
			t.Errorf("warnings = %q", ws)
		}
	})
	t.Run("ignored pauses are warned about", func(t *testing.T) {
		r := c.Due(d("2026-03-02"), 5, []workday.Pause{
			pause("2026-02-02", "2026-02-06", "征求第三方意见"),
			pause("2026-03-06", "2026-03-04", ""),
			pause("2026-04-20", "2026-04-24", ""),
			{From: workday.Date{Year: 20260, Month: 1, Day: 1}, To: d("2026-03-03")},
		})
		if len(r.Pauses) != 0 || len(r.Ignored) != 4 {
			t.Fatalf("applied %d, ignored %d", len(r.Pauses), len(r.Ignored))
		}
		want := []string{
			"暂停期间2026年2月2日至2026年2月6日（征求第三方意见）在起算日2026年3月2日之前，未计入；请核对起止日期。",
			"暂停期间2026年3月6日至2026年3月4日的结束日早于开始日，未计入；请核对起止日期。",
			"暂停期间2026年4月20日至2026年4月24日在截止日2026年3月9日之后开始，不影响期限。",
			"暂停期间的日期无效，未计入；请核对起止日期。",
		}
		if diff := cmp.Diff(want, r.Warnings()); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
	t.Run("bad day counts are warned about", func(t *testing.T) {
		if ws := c.Due(d("2026-03-02"), -1, nil).Warnings(); len(ws) != 1 || !strings.Contains(ws[0], "不能为负数") {
			t.Errorf("warnings = %q", ws)
		}
		r := c.Due(d("2026-03-02"), workday.MaxDays+1, nil)
		if ws := r.Warnings(); len(ws) == 0 || !strings.Contains(ws[0], "过大") {
			t.Errorf("warnings = %q", ws)
		}
		if got, want := r.Due, c.Due(d("2026-03-02"), workday.MaxDays, nil).Due; got != want {
			t.Errorf("due = %s, want the MaxDays due %s", got, want)
		}
	})
}

func TestExplain(t *testing.T) {
	c := workday.Default()
	tests := []struct {
		name   string
		start  string
		days   int
		pauses []workday.Pause
		want   string
	}{
		{"spring festival", "2026-02-10", 20, nil,
			"20个工作日，自2026年2月10日起算（当日不计入），跳过春节假期2月15日—23日，2月14日、28日为调休上班日（计入），截止2026年3月16日。"},
		{"with a pause", "2026-02-10", 20,
			[]workday.Pause{{From: d("2026-03-02"), To: d("2026-03-06"), Reason: "征求第三方意见", Article: "《条例》第三十三条第三款"}},
			"20个工作日，自2026年2月10日起算（当日不计入），跳过春节假期2月15日—23日，2月14日、28日为调休上班日（计入），其中2026年3月2日—6日征求第三方意见（《条例》第三十三条第三款）不计入，共5个工作日，截止2026年3月23日。"},
		{"across the new year", "2025-12-20", 20, nil,
			"20个工作日，自2025年12月20日起算（当日不计入），跳过元旦假期2026年1月1日—3日，2026年1月4日为调休上班日（计入），截止2026年1月19日。"},
		{"national day 2025 across months", "2025-09-26", 20, nil,
			"20个工作日，自2025年9月26日起算（当日不计入），跳过国庆节、中秋节假期10月1日—8日，9月28日、10月11日为调休上班日（计入），截止2025年10月30日。"},
		{"two holidays", "2026-09-18", 20, nil,
			"20个工作日，自2026年9月18日起算（当日不计入），跳过中秋节假期9月25日—27日、国庆节假期10月1日—7日，9月20日、10月10日为调休上班日（计入），截止2026年10月22日。"},
		{"nothing met", "2026-03-02", 20, nil,
			"20个工作日，自2026年3月2日起算（当日不计入），截止2026年3月30日。"},
		{"weekend pause and overlap", "2026-03-02", 20,
			[]workday.Pause{pause("2026-03-07", "2026-03-08", "征求第三方意见"), pause("2026-03-09", "2026-03-10", ""), pause("2026-03-10", "2026-03-10", "补充材料")},
			"20个工作日，自2026年3月2日起算（当日不计入），其中2026年3月7日—8日征求第三方意见均为休息日，不影响期限；2026年3月9日—10日暂停计算期间不计入，共2个工作日；2026年3月10日补充材料与前一暂停期间重叠，不重复扣除，截止2026年4月1日。"},
		{"zero days", "2026-03-02", 0, nil, "0个工作日，截止日即起算日当日，截止2026年3月2日。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Due(d(tt.start), tt.days, tt.pauses).Explain(); got != tt.want {
				t.Errorf("Explain() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := workday.Default()
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2026-03-02", "2026-03-02", 0},
		{"the due date is twenty ahead", "2026-02-10", "2026-03-16", 20},
		{"overdue counts negative", "2026-03-16", "2026-02-10", -20},
		{"one day overdue", "2026-03-17", "2026-03-16", -1},
		{"weekend only", "2026-03-06", "2026-03-08", 0},
		{"into 2027 assumes monday to friday and 1 january", "2026-12-31", "2027-01-08", 5},
		{"before 2019 assumes monday to friday", "2010-01-01", "2010-01-08", 5},
		{"across all data", "2018-01-01", "2027-12-31", 0}, // filled in below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if tt.name == "across all data" {
				for x := d(tt.from).AddDays(1); !x.After(d(tt.to)); x = x.AddDays(1) {
					if c.IsWorkday(x) {
						want++
					}
				}
			}
			if got := c.WorkdaysBetween(d(tt.from), d(tt.to)); got != want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, want)
			}
		})
	}
}

func TestKindAndNextWorkday(t *testing.T) {
	c := workday.Default()
	tests := []struct {
		date     string
		kind     workday.DayKind
		name     string
		next     string
		isWorkay bool
	}{
		{"2026-02-14", workday.MakeupWorkday, "春节", "2026-02-24", true},
		{"2026-02-15", workday.HolidayOff, "春节", "2026-02-24", false},
		{"2026-09-20", workday.MakeupWorkday, "国庆节", "2026-09-21", true},
		{"2025-10-11", workday.MakeupWorkday, "国庆节、中秋节", "2025-10-13", true},
		{"2022-12-31", workday.HolidayOff, "元旦", "2023-01-03", false}, // 2023's 元旦, begun in December 2022
		{"2018-12-29", workday.MakeupWorkday, "元旦", "2019-01-02", true},
		{"2026-03-07", workday.Weekend, "", "2026-03-09", false},
		{"2026-03-09", workday.Workday, "", "2026-03-10", true},
		{"2027-01-01", workday.HolidayOff, workday.AssumedNewYear, "2027-01-04", false}, // no 2027 data: 元旦 is still a holiday
		{"2027-01-05", workday.Workday, "", "2027-01-06", true},                         // no 2027 data: a Tuesday is a workday
		{"2026-12-31", workday.Workday, "", "2027-01-04", true},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			k, name := c.Kind(d(tt.date))
			if k != tt.kind || name != tt.name {
				t.Errorf("Kind = %v %q, want %v %q", k, name, tt.kind, tt.name)
			}
			if got := c.IsWorkday(d(tt.date)); got != tt.isWorkay {
				t.Errorf("IsWorkday = %v, want %v", got, tt.isWorkay)
			}
			if got := c.NextWorkday(d(tt.date)).String(); got != tt.next {
				t.Errorf("NextWorkday = %s, want %s", got, tt.next)
			}
		})
	}
}

func TestDueWithNewYear(t *testing.T) {
	// An administrator enters 2027 (invented dates for the test): the warning goes and the holiday counts.
	y2027 := workday.Year{
		Year:     2027,
		Notice:   "国务院办公厅关于2027年部分节假日安排的通知",
		Holidays: []workday.Holiday{{Name: "元旦", From: d("2027-01-01"), To: d("2027-01-03")}},
		Workdays: []workday.Date{d("2027-01-09")},
	}
	base := workday.Default()
	c, err := base.With(y2027)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Due(d("2026-12-15"), 20, nil)
	// As in the Mon–Fri case up to 12/31 (12), then [1/1–1/3], 1/4–1/8 17, 1/9(Sat, 调休) 18, 1/11 19, 1/12 20.
	if got, want := r.Due, d("2027-01-12"); got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
	if len(r.Warnings()) != 0 || len(r.Holidays) != 1 || len(r.Makeup) != 1 {
		t.Errorf("warnings %q, holidays %v, makeup %v", r.Warnings(), r.Holidays, r.Makeup)
	}
	if base.Has(2027) {
		t.Error("With changed the calendar it was called on")
	}
	// Replacing a year: a corrected 2027.
	y2027.Workdays = nil
	c2, err := c.With(y2027)
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := c2.Kind(d("2027-01-09")); k != workday.Weekend {
		t.Errorf("replaced year still has the old make-up day: %v", k)
	}
	if got := len(c2.Years()); got != 9 {
		t.Errorf("years = %d, want 9", got)
	}
}

func TestNewRejects(t *testing.T) {
	y := func(year int, hs ...workday.Holiday) workday.Year {
		return workday.Year{Year: year, Notice: "n", Holidays: hs}
	}
	tests := []struct {
		name  string
		years []workday.Year
		want  string
	}{
		{"the same year twice", []workday.Year{
			y(2030, workday.Holiday{Name: "元旦", From: d("2030-01-01"), To: d("2030-01-01")}),
			y(2030, workday.Holiday{Name: "元旦", From: d("2030-01-01"), To: d("2030-01-01")}),
		}, "录入了两次"},
		{"an invalid year", []workday.Year{y(2030)}, "没有录入任何节假日"},
		{"a december day claimed by two years", []workday.Year{
			y(2029, workday.Holiday{Name: "圣诞", From: d("2029-12-31"), To: d("2029-12-31")}),
			y(2030, workday.Holiday{Name: "元旦", From: d("2029-12-31"), To: d("2030-01-01")}),
		}, "同时出现在2029年和2030年"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := workday.New(tt.years...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	t.Run("an empty calendar is Monday to Friday", func(t *testing.T) {
		c, err := workday.New()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Due(d("2026-02-10"), 20, nil).Due, d("2026-03-10"); got != want {
			t.Errorf("due = %s, want %s", got, want)
		}
		if got := c.Due(d("2026-02-10"), 20, nil).Unknown; !cmp.Equal(got, []int{2026}) {
			t.Errorf("unknown = %v", got)
		}
	})
}

func TestYearValidate(t *testing.T) {
	ok := workday.Year{
		Year: 2030, Notice: "国务院办公厅关于2030年部分节假日安排的通知",
		Holidays: []workday.Holiday{
			{Name: "元旦", From: d("2029-12-30"), To: d("2030-01-01"), Makeup: []workday.Date{d("2029-12-29")}},
			{Name: "春节", From: d("2030-02-02"), To: d("2030-02-09")},
		},
		Workdays: []workday.Date{d("2029-12-29")},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid year: %v", err)
	}
	tests := []struct {
		name   string
		change func(y *workday.Year)
		want   string
	}{
		{"year out of range", func(y *workday.Year) { y.Year = 20300 }, "超出范围"},
		{"no holidays", func(y *workday.Year) { y.Holidays = nil; y.Workdays = nil }, "没有录入任何节假日"},
		{"empty holiday name", func(y *workday.Year) { y.Holidays[1].Name = " " }, "第2项节假日没有填写名称"},
		{"missing dates", func(y *workday.Year) { y.Holidays[1].To = workday.Date{} }, "缺少放假起止日期"},
		{"impossible date", func(y *workday.Year) { y.Holidays[1].To = workday.Date{Year: 2030, Month: 2, Day: 30} }, "日期不存在"},
		{"end before start", func(y *workday.Year) { y.Holidays[1].To = d("2030-02-01") }, "早于开始日"},
		{"holiday in another year", func(y *workday.Year) { y.Holidays[1].From, y.Holidays[1].To = d("2031-02-02"), d("2031-02-03") }, "不属于2030年"},
		{"holiday starting before december", func(y *workday.Year) { y.Holidays[0].From = d("2029-11-30") }, "不属于2030年"},
		{"holiday too long", func(y *workday.Year) { y.Holidays[1].To = d("2030-03-30") }, "超过31天"},
		{"overlapping holidays", func(y *workday.Year) { y.Holidays[1].From, y.Holidays[1].To = d("2030-01-01"), d("2030-01-05") }, "元旦与春节的放假日期重叠"},
		{"make-up day on a weekday", func(y *workday.Year) { y.Workdays = append(y.Workdays, d("2030-02-11")) }, "不是周六或周日"},
		{"make-up day inside a holiday", func(y *workday.Year) { y.Workdays = append(y.Workdays, d("2030-02-02")) }, "落在春节的放假期间内"},
		{"make-up day twice", func(y *workday.Year) { y.Workdays = append(y.Workdays, d("2029-12-29")) }, "重复"},
		{"make-up day in another year", func(y *workday.Year) { y.Workdays = append(y.Workdays, d("2031-01-04")) }, "不属于2030年"},
		{"holiday make-up not among the year's", func(y *workday.Year) { y.Workdays = nil }, "不在本年的调休上班日中"},
		{"impossible make-up day", func(y *workday.Year) { y.Workdays = append(y.Workdays, workday.Date{Year: 2030, Month: 13, Day: 1}) }, "不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := ok
			y.Holidays = append([]workday.Holiday(nil), ok.Holidays...)
			y.Workdays = append([]workday.Date(nil), ok.Workdays...)
			tt.change(&y)
			err := y.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestWriteReadYears(t *testing.T) {
	years := workday.Default().Years()
	data, err := workday.WriteYears(years)
	if err != nil {
		t.Fatal(err)
	}
	back, err := workday.ReadYears(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(years, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := workday.ReadYears([]byte(`{"years": [{"yaer": 2026}]}`)); err == nil || !strings.Contains(err.Error(), "格式有误") {
		t.Errorf("unknown field: err = %v", err)
	}
}

func BenchmarkDue(b *testing.B) {
	c := workday.Default()
	start := workday.NewDate(2026, time.February, 10)
	ps := []workday.Pause{
		{From: workday.NewDate(2026, 2, 12), To: workday.NewDate(2026, 2, 13), Reason: "征求第三方意见"},
		{From: workday.NewDate(2026, 2, 26), To: workday.NewDate(2026, 3, 3), Reason: "征求其他机关意见"},
	}
	b.Run("Due", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := c.Due(start, 20, ps); r.Due.Day != 25 {
				b.Fatal(r.Due)
			}
		}
	})
	b.Run("DueDate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if due := c.DueDate(start, 20, ps); due.Day != 25 {
				b.Fatal(due)
			}
		}
	})
}
