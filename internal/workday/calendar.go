package workday

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DayKind says what a day is in the working-day clock.
type DayKind int

// The kinds of day. Only Workday and MakeupWorkday are working days (工作日).
const (
	// Workday is an ordinary Monday to Friday that is not a holiday.
	Workday DayKind = iota + 1
	// Weekend is an ordinary Saturday or Sunday that is not a make-up workday.
	Weekend
	// HolidayOff is a day off in a holiday period of the State Council's notice for the year (放假: the statutory
	// holiday and the days joined to it by 调休 or 连休). It is not called Holiday because that is the period type.
	HolidayOff
	// MakeupWorkday is a Saturday or Sunday that the notice declares a working day (调休上班日).
	MakeupWorkday
)

// String returns the Chinese name of the kind, as shown to users.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "工作日"
	case Weekend:
		return "周末"
	case HolidayOff:
		return "节假日"
	case MakeupWorkday:
		return "调休上班日"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

// IsWorking reports whether a day of kind k is a working day.
func (k DayKind) IsWorking() bool { return k == Workday || k == MakeupWorkday }

// Holiday is one holiday period of a notice: the days off, both ends included, and the make-up workdays the notice
// lists under it.
type Holiday struct {
	// Name is the holiday as the notice names it: "元旦", "春节", "国庆节、中秋节".
	Name string `json:"name"`
	// From and To are the first and last day off, both included. When the notice says "与周末连休", the joined
	// weekend days are included too, so the period is the whole stretch people are off.
	From Date `json:"from"`
	To   Date `json:"to"`
	// Makeup lists the make-up workdays the notice gives in this holiday's line. It only says which holiday a
	// make-up day belongs to; the working days themselves are Year.Workdays, which must contain each of these.
	Makeup []Date `json:"makeup,omitempty"`
}

// Year is the holiday arrangement of one year, as published in the State Council's yearly notice.
type Year struct {
	// Year is the year the notice is for.
	Year int `json:"year"`
	// Notice is the title of the notice, e.g. "国务院办公厅关于2026年部分节假日安排的通知".
	Notice string `json:"notice"`
	// Number is the document number (文号), e.g. "国办发明电〔2024〕12号"; empty when not known.
	Number string `json:"number,omitempty"`
	// Issued is the date of the notice; zero when not known.
	Issued Date `json:"issued,omitzero"`
	// Amendments names the later notices that changed this year's arrangement and what they changed (the 2019
	// Labour Day adjustment, the 2020 Spring Festival extension); the dates above already include the changes.
	Amendments []string `json:"amendments,omitempty"`
	// Holidays are the holiday periods, in any order.
	Holidays []Holiday `json:"holidays"`
	// Workdays are all the 调休 make-up workdays of the year: Saturdays and Sundays that are working days.
	Workdays []Date `json:"workdays"`
}

// Supported years. The Regulation's calendar has no meaning far outside this range, and a bound keeps a typo like
// 20266 from building a table of eighteen thousand years.
const (
	MinYear = 2000
	MaxYear = 2100
)

// Validate checks the arrangement for the mistakes made when typing in a notice. All problems are reported, one a
// line, in Chinese.
func (y Year) Validate() error {
	if y.Year < MinYear || y.Year > MaxYear {
		return fmt.Errorf("年份%d超出范围：请填写%d至%d年之间的年份", y.Year, MinYear, MaxYear)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	first := daysFromCivil(y.Year-1, 12, 1)
	last := daysFromCivil(y.Year, 12, 31)
	inYear := func(d Date) bool { n := d.days(); return n >= first && n <= last }
	if len(y.Holidays) == 0 {
		bad("%d年没有录入任何节假日：请按通知逐项录入", y.Year)
	}
	type span struct {
		name     string
		from, to int
	}
	var spans []span
	for i, h := range y.Holidays {
		name := strings.TrimSpace(h.Name)
		label := name
		if label == "" {
			label = fmt.Sprintf("第%d项节假日", i+1)
			bad("%s没有填写名称：请填写通知中的节日名称，如“春节”", label)
		}
		if h.From.IsZero() || h.To.IsZero() {
			bad("%s缺少放假起止日期", label)
			continue
		}
		if !h.From.isNormal() || !h.To.isNormal() {
			bad("%s的日期不存在：%d-%d-%d 至 %d-%d-%d", label, h.From.Year, h.From.Month, h.From.Day, h.To.Year, h.To.Month, h.To.Day)
			continue
		}
		if h.To.Before(h.From) {
			bad("%s的放假结束日%s早于开始日%s", label, h.To, h.From)
			continue
		}
		if h.To.Year != y.Year || !inYear(h.From) {
			bad("%s的放假日期%s至%s不属于%d年：只有元旦假期可以从上一年12月开始", label, h.From, h.To, y.Year)
			continue
		}
		if n := h.To.days() - h.From.days() + 1; n > 31 {
			bad("%s放假%d天，超过31天：请核对起止日期", label, n)
			continue
		}
		for _, m := range h.Makeup {
			if !slices.ContainsFunc(y.Workdays, func(w Date) bool { return w.days() == m.days() }) {
				bad("%s下列出的调休上班日%s不在本年的调休上班日中：请一并录入", label, m)
			}
		}
		spans = append(spans, span{label, h.From.days(), h.To.days()})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	for i := 1; i < len(spans); i++ {
		if spans[i].from <= spans[i-1].to {
			bad("%s与%s的放假日期重叠（%s）：请核对", spans[i-1].name, spans[i].name, fromDays(spans[i].from))
		}
	}
	seen := map[int]bool{}
	for _, w := range y.Workdays {
		if w.IsZero() || !w.isNormal() {
			bad("调休上班日%d-%d-%d不存在", w.Year, w.Month, w.Day)
			continue
		}
		n := w.days()
		if seen[n] {
			bad("调休上班日%s重复录入", w)
			continue
		}
		seen[n] = true
		if !inYear(w) {
			bad("调休上班日%s不属于%d年", w, y.Year)
			continue
		}
		if wd := w.Weekday(); wd != time.Saturday && wd != time.Sunday {
			bad("调休上班日%s是%s，不是周六或周日：平日本来就上班，请核对", w, weekdayName(wd))
		}
		for _, s := range spans {
			if n >= s.from && n <= s.to {
				bad("调休上班日%s落在%s的放假期间内：同一天不能既放假又上班", w, s.name)
			}
		}
	}
	return errors.Join(errs...)
}

// Calendar is an immutable set of yearly arrangements with a precomputed day table, safe for concurrent use.
// Build one with Default, New or With.
type Calendar struct {
	years   []Year // sorted by year, owned (deep copies)
	minYear int    // years[0].Year, or 0
	known   []bool // known[y-minYear]: the year has data

	lo    int     // day number of the first day of the table
	kinds []uint8 // kind of each day from lo
	names []uint8 // index into nameTab of each day's holiday (0: none)
	cum   []int32 // cum[i]: working days in [lo, lo+i)

	nameTab  []string
	holidays []span // all holiday periods, sorted
	makeups  []int  // all make-up workdays, sorted day numbers
}

type span struct {
	name     string
	from, to int // day numbers, both included
}

// New builds a calendar from yearly arrangements, each of which must be valid; a year may be given only once.
func New(years ...Year) (*Calendar, error) {
	ys := make([]Year, 0, len(years))
	for _, y := range years {
		if err := y.Validate(); err != nil {
			return nil, fmt.Errorf("%d年节假日安排有误：%w", y.Year, err)
		}
		ys = append(ys, copyYear(y))
	}
	slices.SortFunc(ys, func(a, b Year) int { return a.Year - b.Year })
	for i := 1; i < len(ys); i++ {
		if ys[i].Year == ys[i-1].Year {
			return nil, fmt.Errorf("%d年的节假日安排录入了两次：每年只能有一份", ys[i].Year)
		}
	}
	return build(ys)
}

// With returns a copy of c with y added, or replacing the arrangement already there for y.Year (an administrator
// entering next year's notice, or correcting one). c itself is unchanged.
func (c *Calendar) With(y Year) (*Calendar, error) {
	if err := y.Validate(); err != nil {
		return nil, fmt.Errorf("%d年节假日安排有误：%w", y.Year, err)
	}
	ys := make([]Year, 0, len(c.years)+1)
	for _, old := range c.years {
		if old.Year != y.Year {
			ys = append(ys, old) // already owned by c, never mutated: sharing is safe
		}
	}
	ys = append(ys, copyYear(y))
	slices.SortFunc(ys, func(a, b Year) int { return a.Year - b.Year })
	return build(ys)
}

func build(ys []Year) (*Calendar, error) {
	c := &Calendar{years: ys, nameTab: []string{""}}
	if len(ys) == 0 {
		return c, nil
	}
	c.minYear = ys[0].Year
	maxYear := ys[len(ys)-1].Year
	c.known = make([]bool, maxYear-c.minYear+1)
	c.lo = daysFromCivil(c.minYear-1, 12, 1)
	// The table runs on past the last year entered, so that a deadline reaching into a year whose notice is not
	// out yet still skips that year's 1 January (see assumeNewYear).
	n := daysFromCivil(maxYear+assumedYears, 12, 31) - c.lo + 1
	c.kinds = make([]uint8, n)
	c.names = make([]uint8, n)
	for i := range c.kinds {
		if isWeekend(c.lo + i) {
			c.kinds[i] = uint8(Weekend)
		} else {
			c.kinds[i] = uint8(Workday)
		}
	}
	nameIdx := map[string]uint8{}
	index := func(name string) (uint8, error) {
		if i, ok := nameIdx[name]; ok {
			return i, nil
		}
		if len(c.nameTab) == 255 {
			return 0, errors.New("节假日名称过多")
		}
		c.nameTab = append(c.nameTab, name)
		nameIdx[name] = uint8(len(c.nameTab) - 1)
		return nameIdx[name], nil
	}
	// set marks one day, refusing a day two notices both claim (a December day given by next year's 元旦 and
	// by this year's notice).
	owner := make([]int16, n)
	set := func(day int, k DayKind, name string, year int) error {
		i := day - c.lo
		if owner[i] != 0 && int(owner[i]) != year {
			return fmt.Errorf("%s同时出现在%d年和%d年的节假日安排中：请核对", fromDays(day), owner[i], year)
		}
		idx, err := index(name)
		if err != nil {
			return err
		}
		owner[i] = int16(year)
		c.kinds[i] = uint8(k)
		c.names[i] = idx
		return nil
	}
	for _, y := range ys {
		c.known[y.Year-c.minYear] = true
	}
	for y := c.minYear; y <= maxYear+assumedYears; y++ {
		if !c.Has(y) {
			if err := c.assumeNewYear(y, set); err != nil {
				return nil, err
			}
		}
	}
	for _, y := range ys {
		for _, h := range y.Holidays {
			name := strings.TrimSpace(h.Name)
			c.holidays = append(c.holidays, span{name, h.From.days(), h.To.days()})
			for d := h.From.days(); d <= h.To.days(); d++ {
				if err := set(d, HolidayOff, name, y.Year); err != nil {
					return nil, err
				}
			}
		}
		for _, w := range y.Workdays {
			if err := set(w.days(), MakeupWorkday, makeupOwner(y, w), y.Year); err != nil {
				return nil, err
			}
			c.makeups = append(c.makeups, w.days())
		}
	}
	slices.SortFunc(c.holidays, func(a, b span) int { return a.from - b.from })
	slices.Sort(c.makeups)
	c.cum = make([]int32, n+1)
	for i, k := range c.kinds {
		c.cum[i+1] = c.cum[i]
		if DayKind(k).IsWorking() {
			c.cum[i+1]++
		}
	}
	return c, nil
}

// assumedYears is how many years after the last one entered the calendar still assumes 1 January a holiday.
const assumedYears = 30

// AssumedNewYear is the name of the 元旦 holiday assumed in a year whose notice has not been entered.
const AssumedNewYear = "元旦（推定）"

// assumeNewYear marks 1 January of a year without its notice as a holiday: 《全国年节及纪念日放假办法》 Art 2 gives
// 元旦 (1 January) one day off every year, whatever the yearly notice adds to it. Deadlines into such a year are
// still provisional (Result.Unknown), but they never count a day the law itself makes a holiday.
func (c *Calendar) assumeNewYear(year int, set func(day int, k DayKind, name string, year int) error) error {
	d := daysFromCivil(year, 1, 1)
	if d-c.lo < 0 || d-c.lo >= len(c.kinds) {
		return nil
	}
	c.holidays = append(c.holidays, span{AssumedNewYear, d, d})
	return set(d, HolidayOff, AssumedNewYear, year)
}

// makeupOwner names the holiday a make-up workday belongs to: the one whose line lists it, else the nearest one
// (a year entered without per-holiday make-up lists).
func makeupOwner(y Year, w Date) string {
	best, dist := "", 0
	for _, h := range y.Holidays {
		for _, m := range h.Makeup {
			if m.days() == w.days() {
				return strings.TrimSpace(h.Name)
			}
		}
		n := w.days()
		d := max(h.From.days()-n, n-h.To.days())
		if best == "" || d < dist {
			best, dist = strings.TrimSpace(h.Name), d
		}
	}
	return best
}

func copyYear(y Year) Year {
	y.Amendments = slices.Clone(y.Amendments)
	y.Workdays = slices.Clone(y.Workdays)
	hs := make([]Holiday, len(y.Holidays))
	for i, h := range y.Holidays {
		h.Makeup = slices.Clone(h.Makeup)
		hs[i] = h
	}
	y.Holidays = hs
	return y
}

// Years returns the arrangements in the calendar, sorted by year. The result is a copy the caller may change.
func (c *Calendar) Years() []Year {
	out := make([]Year, len(c.years))
	for i, y := range c.years {
		out[i] = copyYear(y)
	}
	return out
}

// Has reports whether the calendar has the arrangement for year.
func (c *Calendar) Has(year int) bool {
	i := year - c.minYear
	return i >= 0 && i < len(c.known) && c.known[i]
}

// Kind returns what d is, and the holiday's name when d is a holiday or a make-up workday (the holiday it belongs
// to). For a year without data, Monday to Friday are workdays and the rest weekend.
func (c *Calendar) Kind(d Date) (DayKind, string) {
	n := d.days()
	if i := n - c.lo; i >= 0 && i < len(c.kinds) {
		return DayKind(c.kinds[i]), c.nameTab[c.names[i]]
	}
	if isWeekend(n) {
		return Weekend, ""
	}
	return Workday, ""
}

// IsWorkday reports whether d is a working day. For a year without data: Monday to Friday.
func (c *Calendar) IsWorkday(d Date) bool { return c.working(d.days()) }

func (c *Calendar) working(n int) bool {
	if i := n - c.lo; i >= 0 && i < len(c.kinds) {
		return DayKind(c.kinds[i]).IsWorking()
	}
	return !isWeekend(n)
}

// NextWorkday returns the first working day strictly after d.
func (c *Calendar) NextWorkday(d Date) Date { return fromDays(c.nth(d.days(), 1)) }

// WorkdaysBetween counts the working days in (from, to]: from itself is not counted, to is. When to is before
// from it returns minus the working days in (to, from], so one call gives both "剩余 N 个工作日" (positive) and
// "已超期 N 个工作日" (negative) for from = today and to = the due date.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	a, b := from.days(), to.days()
	if b >= a {
		return c.count(a+1, b)
	}
	return -c.count(b+1, a)
}

// count returns the number of working days in the day numbers [a, b], in constant time.
func (c *Calendar) count(a, b int) int {
	if a > b {
		return 0
	}
	n := 0
	if a < c.lo {
		e := min(b, c.lo-1)
		n += monFriIn(a, e)
		a = e + 1
	}
	if hi := c.lo + len(c.kinds) - 1; a <= b && a <= hi {
		e := min(b, hi)
		n += int(c.cum[e-c.lo+1] - c.cum[a-c.lo])
		a = e + 1
	}
	return n + monFriIn(a, b)
}

// nth returns the day number of the k-th working day strictly after day n (k ≥ 1).
func (c *Calendar) nth(n, k int) int {
	for {
		n++
		if c.working(n) {
			k--
			if k == 0 {
				return n
			}
		}
	}
}

func weekdayName(w time.Weekday) string {
	return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[w]
}
