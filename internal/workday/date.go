package workday

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (no time, no zone). Statutory periods are counted in whole days of the agency's calendar,
// so a deadline must never move because of the zone a server or a browser happens to be in.
//
// The zero Date means "no date". Fields are exported for easy construction; a Date built by hand may be
// unnormalised (2026-02-30), and every method treats it as the normalised date (2026-03-02).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised the way time.Date normalises (2026-02-30 → 2026-03-02).
func NewDate(y int, m time.Month, d int) Date {
	return fromDays(daysFromCivil(y, int(m), d))
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written as "2026-02-10", "2026/2/10", "2026.2.10", "20260210" or "2026年2月10日"
// (full-width digits and surrounding spaces allowed). The date must exist: "2026-02-30" is an error, not March 2,
// because a mistyped receipt date must be caught rather than silently moved.
func ParseDate(s string) (Date, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Date{}, errors.New("请填写日期，格式如“2026-02-10”")
	}
	t := normaliseDigits(in)
	y, m, d, ok := splitDate(t)
	if !ok {
		return Date{}, fmt.Errorf("无法识别日期“%s”：请按“2026-02-10”“2026/2/10”或“2026年2月10日”的格式填写", in)
	}
	if y < 1 {
		return Date{}, fmt.Errorf("日期“%s”的年份无效：请填写四位年份，如2026", in)
	}
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("日期“%s”的月份%d不存在：月份应在1到12之间", in, m)
	}
	if n := daysIn(y, time.Month(m)); d < 1 || d > n {
		return Date{}, fmt.Errorf("日期“%s”不存在：%d年%d月只有%d天", in, y, m, n)
	}
	return Date{y, time.Month(m), d}, nil
}

// splitDate splits the accepted spellings into numbers without judging whether the date exists.
func splitDate(s string) (y, m, d int, ok bool) {
	if len(s) == 8 && allDigits(s) {
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
		return y, m, d, true
	}
	num := func() (int, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 4 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		s = s[i:]
		return n, true
	}
	start := len(s)
	if y, ok = num(); !ok || start-len(s) != 4 {
		return 0, 0, 0, false
	}
	var sep1, sep2 string
	switch {
	case strings.HasPrefix(s, "年"):
		sep1, sep2 = "年", "月"
	case s != "" && strings.ContainsRune("-/.", rune(s[0])):
		sep1 = s[:1]
		sep2 = sep1
	default:
		return 0, 0, 0, false
	}
	s = s[len(sep1):]
	start = len(s)
	if m, ok = num(); !ok || start-len(s) > 2 || !strings.HasPrefix(s, sep2) {
		return 0, 0, 0, false
	}
	s = s[len(sep2):]
	start = len(s)
	if d, ok = num(); !ok || start-len(s) > 2 {
		return 0, 0, 0, false
	}
	if sep1 == "年" {
		s = strings.TrimPrefix(s, "日")
	}
	return y, m, d, s == ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normaliseDigits folds full-width digits and separators, which Chinese input methods produce, to ASCII.
func normaliseDigits(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		case r == '－' || r == '—' || r == '–':
			b.WriteByte('-')
		case r == '／':
			b.WriteByte('/')
		case r == '．':
			b.WriteByte('.')
		case r == ' ' || r == '\u3000':
			// "2026 年 2 月 10 日" is common in pasted text.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == ' ' {
			return false
		}
	}
	return true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return daysFromCivil(y, int(m)+1, 1) - daysFromCivil(y, int(m), 1)
}

// String returns the date as "2026-02-10"; the zero Date gives "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	d = d.norm()
	var buf [10]byte
	b := buf[:0]
	if d.Year >= 0 && d.Year <= 9999 {
		b = append(b, byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10))
	} else {
		b = strconv.AppendInt(b, int64(d.Year), 10)
	}
	b = append(b, '-', byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10), '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
	return string(b)
}

// Chinese returns the date as written in Chinese official documents: "2026年2月10日".
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	d = d.norm()
	return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
}

// AddDays returns the date n calendar days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	a, b := d.days(), o.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.days() < o.days() }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.days() > o.days() }

// IsZero reports whether d is the zero Date, which stands for "no date".
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// In returns midnight at the start of d in loc (UTC when loc is nil).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText writes the date as "2026-02-10" (the zero Date as ""), so a Date is a plain string in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads any spelling ParseDate accepts; "" gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Scan implements sql.Scanner. It reads the TEXT "YYYY-MM-DD" that Value stores, and also a time.Time, which is
// what PostgreSQL drivers return for a DATE column; NULL gives the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = DateOf(v)
		return nil
	}
	return fmt.Errorf("workday: cannot scan %T into a Date", src)
}

// Value implements driver.Valuer: the date as TEXT "YYYY-MM-DD", which sorts and compares correctly as text on
// both SQLite and PostgreSQL; the zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// days returns the day number of d: days since 1970-01-01.
func (d Date) days() int { return daysFromCivil(d.Year, int(d.Month), d.Day) }

func (d Date) norm() Date {
	if d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 28 {
		return d
	}
	return fromDays(d.days())
}

// isNormal reports whether d is written the way it is meant (no 2026-02-30).
func (d Date) isNormal() bool {
	return d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func fromDays(n int) Date {
	y, m, d := civilFromDays(n)
	return Date{y, time.Month(m), d}
}

// daysFromCivil and civilFromDays are Howard Hinnant's algorithms for the proleptic Gregorian calendar. They are
// exact for any year and much cheaper than going through time.Time, which matters on every case-list page.
func daysFromCivil(y, m, d int) int {
	if m < 1 || m > 12 {
		y += floorDiv(m-1, 12)
		m = floorMod(m-1, 12) + 1
	}
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// weekdayOf returns the weekday of day number n (1970-01-01 was a Thursday).
func weekdayOf(n int) time.Weekday { return time.Weekday(floorMod(n+4, 7)) }

func isWeekend(n int) bool {
	w := weekdayOf(n)
	return w == time.Saturday || w == time.Sunday
}

// monFriBefore returns the number of Mondays to Fridays among the day numbers below n, counted from an arbitrary
// Monday; only differences of it are meaningful.
func monFriBefore(n int) int {
	k := n + 3 // k%7 == 0 on Mondays
	return 5*floorDiv(k, 7) + min(floorMod(k, 7), 5)
}

// monFriIn counts Mondays to Fridays in the day numbers [a, b].
func monFriIn(a, b int) int {
	if a > b {
		return 0
	}
	return monFriBefore(b+1) - monFriBefore(a)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
