// Package fee computes the 信息处理费 (information processing fee) of 国办函〔2020〕109号《政府信息公开信息处理费管理办法》,
// which the 2019 Regulation (Art 42) allows only when an applicant's quantity or frequency of applications clearly
// exceeds a reasonable range.
//
// Both methods of the 办法 use progressive bands (超额累进): each band's rate applies only to the units inside the
// band. For one application the agency chooses one method and may not charge under both, so a Quote is for one
// method. Amounts are whole 元.
//
// The package is pure (stdlib only) so that casework can quote a fee without a database, and so that every band
// boundary can be tested exhaustively.
package fee

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Method is how a fee is counted; its values are stable identifiers for storage and the API.
type Method string

const (
	// PerCase is 按件计收: counted per 件 of the same applicant, cumulative within one calendar month (F109 Art 4).
	PerCase Method = "per_case"
	// PerPage is 按量计收: counted per page of one application, for paper copies, e-mail or copied electronic data
	// (F109 Art 5).
	PerPage Method = "per_page"
)

// Name returns the method's name as the 办法 writes it, for notices and forms; "" for an unknown method.
func (m Method) Name() string {
	switch m {
	case PerCase:
		return "按件计收"
	case PerPage:
		return "按量计收"
	}
	return ""
}

// Valid reports whether m is one of the two methods of the 办法.
func (m Method) Valid() bool { return m == PerCase || m == PerPage }

// ParseMethod reads a method from its identifier ("per_case", "per_page") or its Chinese name, as a form or an
// imported record may give it.
func ParseMethod(s string) (Method, error) {
	switch strings.TrimSpace(s) {
	case string(PerCase), "按件计收":
		return PerCase, nil
	case string(PerPage), "按量计收":
		return PerPage, nil
	}
	return "", fmt.Errorf("收费方式“%s”无法识别：请选择按件计收（per_case）或按量计收（per_page）", s)
}

// MaxUnits bounds every count the package accepts. No applicant files a million applications in a month or asks
// for a million pages in one; a larger number is a typing error, and refusing it keeps the bands (one Line per
// ten 件) and the amounts small.
const MaxUnits = 1_000_000

// Line is one band used by a quote: units From..To (inclusive, counted as the band counts them) at Rate 元 each.
type Line struct {
	// From and To are the first and last unit of the band that this quote uses: for 按件计收 the applicant's
	// cumulative 件 numbers in the month, for 按量计收 page numbers.
	From, To int
	// Count is To − From + 1.
	Count int
	// Rate is the fee per unit in 元; 0 for the free band.
	Rate int
	// Amount is Count × Rate in 元.
	Amount int
}

// Quote is the fee of one application under one method, with the bands it used, as the 收费通知书 states it.
type Quote struct {
	// Method is the method the quote was made under.
	Method Method
	// Prior is how many 件 of the same applicant were already counted this calendar month (按件计收); 0 for 按量计收.
	Prior int
	// Units is the number of new 件 (按件计收) or of pages (按量计收) charged by this quote.
	Units int
	// Amount is the fee in 元: the sum of the lines' amounts.
	Amount int
	// Lines are the bands used, in order, the free band included.
	Lines []Line
}

// PerCaseQuote quotes units new 件 of an applicant who already has prior 件 counted in the same calendar month
// (see MonthKey). The k-th 件 of the month costs 0 元 if k ≤ 10, 100 元 if k ≤ 30, and otherwise
// 100 × (2 + ⌊(k − 31) / 10⌋) 元: 200 for 31–40, 300 for 41–50, 100 more for each further band of 10.
//
// Amounts grow quadratically; at the MaxUnits limit they reach about 5×10¹² 元, which needs a 64-bit int (every
// platform the project is built for).
func PerCaseQuote(prior, units int) (Quote, error) {
	switch {
	case prior < 0:
		return Quote{}, fmt.Errorf("本月已计收件数不能为负数（填写的是%d）", prior)
	case units < 1:
		return Quote{}, fmt.Errorf("本次计收件数至少为1件（填写的是%d）", units)
	case prior > MaxUnits || units > MaxUnits || prior+units > MaxUnits:
		return Quote{}, fmt.Errorf("本月累计件数（已计%d件，本次%d件）超过%d件，请核对填写的件数", prior, units, MaxUnits)
	}
	q := Quote{Method: PerCase, Prior: prior, Units: units}
	q.Lines, q.Amount = bandLines(prior+1, prior+units, caseBand)
	return q, nil
}

// PerPageQuote quotes one application of the given number of pages: pages 1–30 are free, 31–100 cost 10 元 each,
// 101–200 cost 20 元 each, and from 201 on 40 元 each.
func PerPageQuote(pages int) (Quote, error) {
	switch {
	case pages < 1:
		return Quote{}, fmt.Errorf("页数至少为1页（填写的是%d）", pages)
	case pages > MaxUnits:
		return Quote{}, fmt.Errorf("页数%d超过%d页，请核对填写的页数", pages, MaxUnits)
	}
	q := Quote{Method: PerPage, Units: pages}
	q.Lines, q.Amount = bandLines(1, pages, pageBand)
	return q, nil
}

// caseBand returns the last 件 of the 按件计收 band holding the k-th 件 of the month, and that band's rate.
func caseBand(k int) (last, rate int) {
	switch {
	case k <= 10:
		return 10, 0
	case k <= 30:
		return 30, 100
	}
	n := (k - 31) / 10 // bands of ten from the 31st 件 on
	return 31 + 10*n + 9, 100 * (2 + n)
}

// pageBand returns the last page of the 按量计收 band holding page k, and that band's rate.
func pageBand(k int) (last, rate int) {
	switch {
	case k <= 30:
		return 30, 0
	case k <= 100:
		return 100, 10
	case k <= 200:
		return 200, 20
	}
	return MaxUnits, 40
}

// bandLines splits units from..to into the bands that band describes and prices each part.
func bandLines(from, to int, band func(k int) (last, rate int)) ([]Line, int) {
	var lines []Line
	total := 0
	for k := from; k <= to; {
		last, rate := band(k)
		end := min(last, to)
		l := Line{From: k, To: end, Count: end - k + 1, Rate: rate}
		l.Amount = l.Count * rate
		total += l.Amount
		lines = append(lines, l)
		k = end + 1
	}
	return lines, total
}

// Explain writes the quote in Chinese for the 收费通知书, band by band, with the total, e.g.
// "按件计收：本月第11—12件，每件100元，共2件200元；合计200元。" or
// "按量计收：共150页，其中1—30页免费，31—100页每页10元计700元，101—150页每页20元计1,000元；合计1,700元。".
// It returns "" for a quote of no known method.
func (q Quote) Explain() string {
	var parts []string
	switch q.Method {
	case PerCase:
		for i, l := range q.Lines {
			span := "第" + itoa(l.From) + "件"
			if l.To != l.From {
				span = "第" + itoa(l.From) + "—" + itoa(l.To) + "件"
			}
			if i == 0 {
				span = "本月" + span
			}
			if l.Rate == 0 {
				parts = append(parts, span+"免费")
				continue
			}
			parts = append(parts, fmt.Sprintf("%s，每件%s元，共%s件%s元", span, Yuan(l.Rate), itoa(l.Count), Yuan(l.Amount)))
		}
		return "按件计收：" + strings.Join(parts, "；") + "；合计" + Yuan(q.Amount) + "元。"
	case PerPage:
		for _, l := range q.Lines {
			span := itoa(l.From) + "页"
			if l.To != l.From {
				span = itoa(l.From) + "—" + itoa(l.To) + "页"
			}
			if l.Rate == 0 {
				parts = append(parts, span+"免费")
				continue
			}
			parts = append(parts, fmt.Sprintf("%s每页%s元计%s元", span, Yuan(l.Rate), Yuan(l.Amount)))
		}
		return "按量计收：共" + itoa(q.Units) + "页，其中" + strings.Join(parts, "，") + "；合计" + Yuan(q.Amount) + "元。"
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// Yuan writes a whole amount of 元 with thousands separators ("1,700"), as fee notices and the annual report
// print amounts.
func Yuan(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// MonthKey returns the calendar month ("2026-03") in which an application received at d is counted for
// 按件计收. The month is China's (UTC+8, which keeps no daylight saving time), whatever location d carries, so a
// receipt stored in UTC just after midnight in Beijing counts in the right month; a date-only value (midnight in
// UTC or in Beijing) keeps its own date.
func MonthKey(d time.Time) string {
	return d.In(time.FixedZone("CST", 8*60*60)).Format("2006-01")
}
