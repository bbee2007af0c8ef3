package workday_test

import (
	"database/sql/driver"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/workday"
)

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2026, 2, 30, "2026-03-02"},
		{2024, 2, 29, "2024-02-29"},
		{2026, 13, 1, "2027-01-01"},
		{2026, 0, 1, "2025-12-01"},
		{2026, 1, 0, "2025-12-31"},
		{2026, 3, -1, "2026-02-27"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := workday.NewDate(tt.y, tt.m, tt.d).String(); got != tt.want {
				t.Errorf("NewDate(%d, %d, %d) = %s, want %s", tt.y, tt.m, tt.d, got, tt.want)
			}
		})
	}
}

// TestDateAgreesWithTime checks the day arithmetic against package time over four centuries around the data.
func TestDateAgreesWithTime(t *testing.T) {
	tm := time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)
	dd := workday.NewDate(1850, 1, 1)
	for i := 0; i < 400*366; i++ {
		if got := workday.DateOf(tm); got != dd {
			t.Fatalf("day %d: AddDays gives %v, time gives %v", i, dd, got)
		}
		if dd.Weekday() != tm.Weekday() {
			t.Fatalf("%v: weekday %v, time says %v", dd, dd.Weekday(), tm.Weekday())
		}
		tm = tm.AddDate(0, 0, 1)
		dd = dd.AddDays(1)
	}
	if got := dd.AddDays(-400 * 366); got != workday.NewDate(1850, 1, 1) {
		t.Errorf("AddDays back = %v", got)
	}
}

func TestParseDate(t *testing.T) {
	good := []struct{ in, want string }{
		{"2026-02-10", "2026-02-10"},
		{"2026-2-1", "2026-02-01"},
		{"2026/2/10", "2026-02-10"},
		{"2026.02.10", "2026-02-10"},
		{"20260210", "2026-02-10"},
		{"2026年2月10日", "2026-02-10"},
		{"2026年2月10", "2026-02-10"},
		{" 2026 年 2 月 10 日 ", "2026-02-10"},
		{"２０２６年２月１０日", "2026-02-10"},
		{"２０２６－０２－１０", "2026-02-10"},
		{"2024-02-29", "2024-02-29"},
	}
	for _, tt := range good {
		t.Run("reads "+tt.in, func(t *testing.T) {
			got, err := workday.ParseDate(tt.in)
			if err != nil || got.String() != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"", "请填写日期"},
		{"   ", "请填写日期"},
		{"2026-02-30", "2026年2月只有28天"},
		{"2025-02-29", "2025年2月只有28天"},
		{"2026-13-01", "月份13不存在"},
		{"2026-00-10", "月份0不存在"},
		{"2026-02-00", "只有28天"},
		{"26-02-10", "无法识别"},
		{"2026-02", "无法识别"},
		{"2026-02-10x", "无法识别"},
		{"2026-02/10", "无法识别"},
		{"2026年2月", "无法识别"},
		{"二〇二六年二月十日", "无法识别"},
		{"0000-01-01", "年份无效"},
		{"2026-002-10", "无法识别"},
		{"tomorrow", "无法识别"},
	}
	for _, tt := range bad {
		t.Run("rejects "+tt.in, func(t *testing.T) {
			got, err := workday.ParseDate(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want an error mentioning %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDateMethods(t *testing.T) {
	a, b := workday.NewDate(2026, 2, 10), workday.NewDate(2026, 3, 16)
	if got, want := a.String(), "2026-02-10"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got, want := a.Chinese(), "2026年2月10日"; got != want {
		t.Errorf("Chinese = %q, want %q", got, want)
	}
	if got, want := (workday.Date{Year: 2026, Month: 2, Day: 30}).Chinese(), "2026年3月2日"; got != want {
		t.Errorf("unnormalised Chinese = %q, want %q", got, want)
	}
	if got, want := a.Weekday(), time.Tuesday; got != want {
		t.Errorf("Weekday = %v, want %v", got, want)
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 || !a.Before(b) || a.After(b) || !b.After(a) {
		t.Error("Compare/Before/After disagree")
	}
	if (workday.Date{Year: 2026, Month: 2, Day: 30}).Compare(workday.NewDate(2026, 3, 2)) != 0 {
		t.Error("an unnormalised date should equal its normal form in Compare")
	}
	if !(workday.Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
	if got := (workday.Date{}).String(); got != "" {
		t.Errorf("zero String = %q", got)
	}
	shanghai := time.FixedZone("CST", 8*3600)
	if got, want := a.In(shanghai), time.Date(2026, 2, 10, 0, 0, 0, 0, shanghai); !got.Equal(want) {
		t.Errorf("In = %v, want %v", got, want)
	}
	if got := a.In(nil); got.Location() != time.UTC {
		t.Errorf("In(nil) location = %v", got.Location())
	}
	// DateOf takes the date in t's own zone: 2026-02-09 20:00 UTC is already the 10th in Beijing.
	utc := time.Date(2026, 2, 9, 20, 0, 0, 0, time.UTC)
	if got := workday.DateOf(utc.In(shanghai)); got != a {
		t.Errorf("DateOf(Beijing) = %v, want %v", got, a)
	}
	if got := workday.DateOf(utc); got != workday.NewDate(2026, 2, 9) {
		t.Errorf("DateOf(UTC) = %v", got)
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Due  workday.Date  `json:"due"`
		None workday.Date  `json:"none"`
		Ptr  *workday.Date `json:"ptr,omitempty"`
	}
	b, err := json.Marshal(doc{Due: workday.NewDate(2026, 3, 16)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"due":"2026-03-16","none":""}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back doc
	if err := json.Unmarshal([]byte(`{"due":"2026年3月16日","none":""}`), &back); err != nil || back.Due != workday.NewDate(2026, 3, 16) || !back.None.IsZero() {
		t.Errorf("Unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-02-30"}`), &back); err == nil || !strings.Contains(err.Error(), "只有28天") {
		t.Errorf("Unmarshal of a date that does not exist: err = %v", err)
	}
}

func TestDateSQL(t *testing.T) {
	a := workday.NewDate(2026, 3, 16)
	v, err := a.Value()
	if err != nil || v != driver.Value("2026-03-16") {
		t.Errorf("Value = %v, %v", v, err)
	}
	if v, _ := (workday.Date{}).Value(); v != nil {
		t.Errorf("zero Value = %v, want NULL", v)
	}
	srcs := []any{"2026-03-16", []byte("2026-03-16"), time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)}
	for _, src := range srcs {
		var got workday.Date
		if err := got.Scan(src); err != nil || got != a {
			t.Errorf("Scan(%T) = %v, %v", src, got, err)
		}
	}
	got := a
	if err := got.Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", got, err)
	}
	if err := got.Scan(int64(5)); err == nil {
		t.Error("Scan(int64) should fail")
	}
	if err := got.Scan("garbage"); err == nil {
		t.Error("Scan(garbage) should fail")
	}
}
