package workday_test

import (
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/gongkai/gongkai/internal/workday"
)

// TestDefaultMatchesLunarGo checks every day of 2019 to 2026 (and the December 2018 days of the 2019 notice)
// against lunar-go v1.4.6, whose HolidayUtil carries the official notices: same kind, and for holidays and
// make-up days the same holiday.
func TestDefaultMatchesLunarGo(t *testing.T) {
	c := workday.Default()
	mismatches := 0
	for d := workday.NewDate(2018, time.December, 29); !d.After(workday.NewDate(2026, time.December, 31)); d = d.AddDays(1) {
		want, wantName := workday.Workday, ""
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			want = workday.Weekend
		}
		if h := HolidayUtil.GetHolidayByYmd(d.Year, int(d.Month), d.Day); h != nil {
			want, wantName = workday.HolidayOff, h.GetName()
			if h.IsWork() {
				want = workday.MakeupWorkday
			}
		}
		got, gotName := c.Kind(d)
		if got != want || !sameHoliday(gotName, wantName) {
			t.Errorf("%s: got %v %q, lunar-go says %v %q", d, got, gotName, want, wantName)
			if mismatches++; mismatches > 20 {
				t.Fatal("too many mismatches")
			}
		}
	}
}

// sameHoliday compares our names (the notice's: "国庆节、中秋节", "元旦") with lunar-go's ("国庆中秋", "元旦节",
// and "国庆节" for the later days of a joint period): lunar-go's must be part of ours.
func sameHoliday(ours, lunar string) bool {
	norm := strings.NewReplacer("节", "", "、", "").Replace
	return strings.Contains(norm(ours), norm(lunar)) && (ours == "") == (lunar == "")
}

// TestDefaultMatchesSpec checks the 2025 and 2026 tables of the spec (shared/spec/disclosure-rules.md §7)
// literally, independent of lunar-go.
func TestDefaultMatchesSpec(t *testing.T) {
	type hol struct {
		name     string
		from, to string
		makeup   []string
	}
	spec := map[int][]hol{
		2025: {
			{"元旦", "2025-01-01", "2025-01-01", nil},
			{"春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
			{"清明节", "2025-04-04", "2025-04-06", nil},
			{"劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
			{"端午节", "2025-05-31", "2025-06-02", nil},
			{"国庆节、中秋节", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}},
		},
		2026: {
			{"元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
			{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
			{"清明节", "2026-04-04", "2026-04-06", nil},
			{"劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
			{"端午节", "2026-06-19", "2026-06-21", nil},
			{"中秋节", "2026-09-25", "2026-09-27", nil},
			{"国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
		},
	}
	years := workday.Default().Years()
	for year, want := range spec {
		var y workday.Year
		for _, yy := range years {
			if yy.Year == year {
				y = yy
			}
		}
		if len(y.Holidays) != len(want) {
			t.Fatalf("%d: %d holidays, want %d", year, len(y.Holidays), len(want))
		}
		var allMakeup []string
		for i, h := range y.Holidays {
			w := want[i]
			var mk []string
			for _, m := range h.Makeup {
				mk = append(mk, m.String())
			}
			allMakeup = append(allMakeup, w.makeup...)
			if h.Name != w.name || h.From.String() != w.from || h.To.String() != w.to || strings.Join(mk, ",") != strings.Join(w.makeup, ",") {
				t.Errorf("%d holiday %d = %s %s..%s %v, want %s %s..%s %v", year, i, h.Name, h.From, h.To, mk, w.name, w.from, w.to, w.makeup)
			}
		}
		var got []string
		for _, d := range y.Workdays {
			got = append(got, d.String())
		}
		if strings.Join(got, ",") != strings.Join(allMakeup, ",") {
			t.Errorf("%d workdays = %v, want %v", year, got, allMakeup)
		}
	}
}

func TestDefaultYears(t *testing.T) {
	c := workday.Default()
	for y := 2019; y <= 2026; y++ {
		if !c.Has(y) {
			t.Errorf("Has(%d) = false", y)
		}
	}
	if c.Has(2018) || c.Has(2027) {
		t.Error("Has should be false outside 2019..2026")
	}
	years := c.Years()
	if len(years) != 8 || years[0].Year != 2019 || years[7].Year != 2026 {
		t.Fatalf("Years() = %d years", len(years))
	}
	for _, y := range years {
		if want := "国务院办公厅关于" + itoa(y.Year) + "年部分节假日安排的通知"; y.Notice != want {
			t.Errorf("%d notice = %q", y.Year, y.Notice)
		}
		if y.Issued.IsZero() {
			t.Errorf("%d: no issue date", y.Year)
		}
		if y.Year < 2026 && !strings.HasPrefix(y.Number, "国办发明电〔") {
			t.Errorf("%d: number %q", y.Year, y.Number)
		}
	}
	// Years returns a copy: changing it leaves the calendar alone.
	years[7].Holidays[0].Name = "改过"
	years[7].Workdays[0] = workday.NewDate(2026, 1, 10)
	if _, name := c.Kind(workday.NewDate(2026, 1, 1)); name != "元旦" {
		t.Errorf("calendar changed through Years(): %q", name)
	}
	if k, _ := c.Kind(workday.NewDate(2026, 1, 4)); k != workday.MakeupWorkday {
		t.Errorf("calendar changed through Years(): 2026-01-04 is %v", k)
	}
}

func itoa(n int) string { return workday.NewDate(n, 1, 1).String()[:4] }
