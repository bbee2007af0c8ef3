package workday

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxDays is the longest period Due computes, in working days. Statutory GI periods are at most 40 working days;
// the bound only stops a typo (200000) from walking centuries of calendar.
const MaxDays = 10000

// Pause is a stretch of days during which the clock stands still, both ends included: time spent consulting a
// third party or another agency (《条例》第三十三条第三款), waiting for a fee, and so on. Only the working days
// inside it matter; weekends and holidays in it are not working days anyway.
type Pause struct {
	From, To Date
	// Reason says why the clock stopped, e.g. "征求第三方意见".
	Reason string
	// Article is the legal basis, e.g. "《条例》第三十三条第三款".
	Article string
}

// AppliedPause is a pause that lay in the counted span (Start, Due], with what it removed.
type AppliedPause struct {
	Pause
	// Workdays is the number of working days this pause removed from the count. A working day inside several
	// pauses is removed once, by the earliest of them, so the Workdays of all pauses add up to the total removed.
	Workdays int
	// Shared is the number of working days inside this pause that an earlier pause had already removed.
	Shared int
}

// Result is a computed deadline and what the count met on the way, for showing the user how it was reached.
type Result struct {
	// Start is the day the period runs from (the day of receipt); it is not counted.
	Start Date
	// Days is the period asked for, in working days.
	Days int
	// Due is the last day of the period: the Days-th working day after Start, not counting paused working days.
	Due Date
	// Holidays are the holiday periods met in (Start, Due], cut to the part inside it.
	Holidays []Holiday
	// Makeup are the make-up workdays in (Start, Due] that were counted (a make-up day inside a pause is not).
	Makeup []Date
	// Pauses are the pauses that overlap (Start, Due], sorted by start.
	Pauses []AppliedPause
	// Ignored are the pauses that did not apply: ending before they start, with impossible dates, or lying
	// wholly before Start or after Due.
	Ignored []Pause
	// Unknown lists the years touched by (Start, Due] that have no calendar data: Monday to Friday were assumed.
	Unknown []int
}

// ival is a pause as day numbers.
type ival struct{ from, to int }

// Due computes the deadline of days working days from start. The day of receipt is not counted (Civil Code
// Art 201), so the deadline is the days-th working day strictly after start; working days inside a pause are not
// counted. days == 0 gives start itself; a negative days is treated as 0 and more than MaxDays as MaxDays, both
// with a warning.
func (c *Calendar) Due(start Date, days int, pauses []Pause) Result {
	r := Result{Start: start, Days: days}
	s := start.days()
	n := clampDays(days)
	var buf [8]ival
	merged := mergePauses(buf[:0], s, pauses)
	due := c.due(s, n, merged)
	r.Due = fromDays(due)
	if n == 0 {
		r.Ignored = append(r.Ignored, pauses...)
		return r
	}

	// Holidays met: binary search for the first period ending after start.
	i, _ := slices.BinarySearchFunc(c.holidays, s+1, func(h span, day int) int { return h.to - day })
	for ; i < len(c.holidays) && c.holidays[i].from <= due; i++ {
		h := c.holidays[i]
		if h.to <= s {
			continue
		}
		r.Holidays = append(r.Holidays, Holiday{Name: h.name, From: fromDays(max(h.from, s+1)), To: fromDays(min(h.to, due))})
	}
	j, _ := slices.BinarySearch(c.makeups, s+1)
	for ; j < len(c.makeups) && c.makeups[j] <= due; j++ {
		if !inAny(merged, c.makeups[j]) {
			r.Makeup = append(r.Makeup, fromDays(c.makeups[j]))
		}
	}

	// Pauses, earliest first; coveredTo is the last day already removed by an earlier pause.
	order := make([]int, len(pauses))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return pauses[a].From.Compare(pauses[b].From) })
	coveredTo := s
	for _, k := range order {
		p := pauses[k]
		a, b, ok := pauseDays(p)
		if !ok || b <= s || a > due {
			r.Ignored = append(r.Ignored, p)
			continue
		}
		p.From, p.To = fromDays(a), fromDays(b)
		lo, hi := max(a, s+1), min(b, due)
		own := c.count(max(lo, coveredTo+1), hi)
		all := c.count(lo, hi)
		r.Pauses = append(r.Pauses, AppliedPause{Pause: p, Workdays: own, Shared: all - own})
		coveredTo = max(coveredTo, b)
	}

	for y := fromDays(s + 1).Year; y <= r.Due.Year; y++ {
		if !c.Has(y) {
			r.Unknown = append(r.Unknown, y)
		}
	}
	return r
}

// DueDate is Due without the explanation: the same deadline, computed without allocating (for up to eight
// pauses), for lists that show many cases at once.
func (c *Calendar) DueDate(start Date, days int, pauses []Pause) Date {
	s := start.days()
	var buf [8]ival
	return fromDays(c.due(s, clampDays(days), mergePauses(buf[:0], s, pauses)))
}

func clampDays(days int) int { return min(max(days, 0), MaxDays) }

// due walks from day s over the gaps between the (sorted, disjoint, after-s) pauses, counting working days in
// constant time per gap, and only steps day by day inside the gap where the deadline falls.
func (c *Calendar) due(s, n int, merged []ival) int {
	if n == 0 {
		return s
	}
	cur := s
	for _, p := range merged {
		w := c.count(cur+1, p.from-1)
		if w >= n {
			break
		}
		n -= w
		cur = p.to
	}
	return c.nth(cur, n)
}

// pauseDays returns a pause as day numbers, and false for one that cannot apply (ends before it starts, or has
// dates outside years 1 to 9999, which no real pause has).
func pauseDays(p Pause) (int, int, bool) {
	if p.From.Year < 1 || p.From.Year > 9999 || p.To.Year < 1 || p.To.Year > 9999 {
		return 0, 0, false
	}
	a, b := p.From.days(), p.To.days()
	return a, b, a <= b
}

// mergePauses returns the valid pauses cut to the days after s, sorted and merged into disjoint intervals,
// appended to dst (a stack buffer, so the common case does not allocate).
func mergePauses(dst []ival, s int, pauses []Pause) []ival {
	for _, p := range pauses {
		a, b, ok := pauseDays(p)
		if !ok || b <= s {
			continue
		}
		a = max(a, s+1)
		// Insertion keeps dst sorted by from: there are only ever a handful of pauses.
		i := len(dst)
		dst = append(dst, ival{})
		for i > 0 && dst[i-1].from > a {
			dst[i] = dst[i-1]
			i--
		}
		dst[i] = ival{a, b}
	}
	out := dst[:0]
	for _, iv := range dst {
		if k := len(out) - 1; k >= 0 && iv.from <= out[k].to+1 {
			out[k].to = max(out[k].to, iv.to)
			continue
		}
		out = append(out, iv)
	}
	return out
}

func inAny(ivs []ival, n int) bool {
	for _, iv := range ivs {
		if n >= iv.from && n <= iv.to {
			return true
		}
	}
	return false
}

// Explain returns one Chinese sentence saying how the deadline was counted, e.g.
// "20个工作日，自2026年2月10日起算（当日不计入），跳过春节假期2月15日—23日，2月14日、28日为调休上班日（计入），截止2026年3月16日。"
// Dates inside the span drop the year when Start and Due are in the same year; pauses always carry it, because
// they are quoted from the case file.
func (r Result) Explain() string {
	n := clampDays(r.Days)
	var b strings.Builder
	if n == 0 {
		b.WriteString("0个工作日，截止日即起算日当日，截止")
		b.WriteString(r.Start.Chinese())
		b.WriteString("。")
		return b.String()
	}
	b.WriteString(strconv.Itoa(n))
	b.WriteString("个工作日，自")
	b.WriteString(r.Start.Chinese())
	b.WriteString("起算（当日不计入）")
	short := r.Start.Year == r.Due.Year
	if len(r.Holidays) > 0 {
		b.WriteString("，跳过")
		for i, h := range r.Holidays {
			if i > 0 {
				b.WriteString("、")
			}
			b.WriteString(h.Name)
			b.WriteString("假期")
			writeRange(&b, h.From, h.To, short)
		}
	}
	if len(r.Makeup) > 0 {
		b.WriteString("，")
		for i, d := range r.Makeup {
			if i > 0 {
				b.WriteString("、")
				writeAfter(&b, d, r.Makeup[i-1])
			} else {
				writeDate(&b, d, short)
			}
		}
		b.WriteString("为调休上班日（计入）")
	}
	for i, p := range r.Pauses {
		if i == 0 {
			b.WriteString("，其中")
		} else {
			b.WriteString("；")
		}
		writeRange(&b, p.From, p.To, false)
		reason := strings.TrimSpace(p.Reason)
		if reason == "" {
			reason = "暂停计算期间"
		}
		b.WriteString(reason)
		if a := strings.TrimSpace(p.Article); a != "" {
			b.WriteString("（")
			b.WriteString(a)
			b.WriteString("）")
		}
		switch {
		case p.Workdays > 0:
			fmt.Fprintf(&b, "不计入，共%d个工作日", p.Workdays)
			if p.Shared > 0 {
				fmt.Fprintf(&b, "（另有%d个工作日与前一暂停期间重叠，不重复扣除）", p.Shared)
			}
		case p.Shared > 0:
			b.WriteString("与前一暂停期间重叠，不重复扣除")
		default:
			b.WriteString("均为休息日，不影响期限")
		}
	}
	b.WriteString("，截止")
	b.WriteString(r.Due.Chinese())
	b.WriteString("。")
	return b.String()
}

// writeDate writes d in full, or without the year when short.
func writeDate(b *strings.Builder, d Date, short bool) {
	if short {
		b.WriteString(strconv.Itoa(int(d.Month)))
		b.WriteString("月")
		b.WriteString(strconv.Itoa(d.Day))
		b.WriteString("日")
		return
	}
	b.WriteString(d.Chinese())
}

// writeAfter writes d after prev in a list or range, dropping what it shares with prev: "28日", "2月4日".
func writeAfter(b *strings.Builder, d, prev Date) {
	switch {
	case d.Year == prev.Year && d.Month == prev.Month:
		b.WriteString(strconv.Itoa(d.Day))
		b.WriteString("日")
	case d.Year == prev.Year:
		writeDate(b, d, true)
	default:
		b.WriteString(d.Chinese())
	}
}

func writeRange(b *strings.Builder, from, to Date, short bool) {
	writeDate(b, from, short)
	if to != from {
		b.WriteString("—")
		writeAfter(b, to, from)
	}
}

// Warnings returns what the user must know about the result, in Chinese: years counted without calendar data,
// and pauses or a period that could not be used as given.
func (r Result) Warnings() []string {
	var out []string
	switch {
	case r.Days < 0:
		out = append(out, fmt.Sprintf("工作日数不能为负数（%d），已按0个工作日计算；请填写0或正整数。", r.Days))
	case r.Days > MaxDays:
		out = append(out, fmt.Sprintf("工作日数%d过大，已按%d个工作日计算；请核对期限。", r.Days, MaxDays))
	}
	for _, y := range r.Unknown {
		out = append(out, fmt.Sprintf("%d年的节假日安排尚未录入，期限按周一至周五为工作日、1月1日元旦放假推定，为暂定日期；国务院办公厅发布通知并录入后将重新计算。", y))
	}
	s, due := r.Start.days(), r.Due.days()
	for _, p := range r.Ignored {
		a, b, ok := pauseDays(p)
		label := pauseLabel(p)
		switch {
		case !ok && (p.From.Year < 1 || p.From.Year > 9999 || p.To.Year < 1 || p.To.Year > 9999):
			out = append(out, fmt.Sprintf("%s的日期无效，未计入；请核对起止日期。", label))
		case !ok:
			out = append(out, fmt.Sprintf("%s的结束日早于开始日，未计入；请核对起止日期。", label))
		case b <= s:
			out = append(out, fmt.Sprintf("%s在起算日%s之前，未计入；请核对起止日期。", label, r.Start.Chinese()))
		case a > due:
			out = append(out, fmt.Sprintf("%s在截止日%s之后开始，不影响期限。", label, r.Due.Chinese()))
		}
	}
	return out
}

func pauseLabel(p Pause) string {
	var b strings.Builder
	b.WriteString("暂停期间")
	if p.From.Year >= 1 && p.From.Year <= 9999 && p.To.Year >= 1 && p.To.Year <= 9999 {
		b.WriteString(p.From.Chinese())
		b.WriteString("至")
		b.WriteString(p.To.Chinese())
	}
	if r := strings.TrimSpace(p.Reason); r != "" {
		b.WriteString("（")
		b.WriteString(r)
		b.WriteString("）")
	}
	return b.String()
}
