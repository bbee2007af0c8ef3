package catalogue

import (
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/workday"
)

func TestLatenessCountsWorkingDaysBothWays(t *testing.T) {
	cal := workday.Default()
	formed := day("2026-09-28") // publish by 30 Oct: the National Day holiday and its 调休 in between
	tests := []struct {
		name, today string
		late        bool
		left        int
		text        string
	}{
		{"two working days left", "2026-10-28", false, 2, "还剩 2 个工作日"},
		{"the last day", "2026-10-30", false, 0, "今天是最后一天"},
		{"one working day late over the weekend", "2026-11-02", true, -1, "已逾期 1 个工作日"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ok := LatenessOf(cal, formed, day(tt.today))
			if !ok || l.Late != tt.late || l.Left != tt.left || l.By != day("2026-10-30") {
				t.Fatalf("got %+v, want late %v left %d", l, tt.late, tt.left)
			}
			if got := l.String(); !strings.Contains(got, tt.text) || !strings.Contains(got, "2026年10月30日") {
				t.Errorf("text %q, want %q", got, tt.text)
			}
		})
	}
	if _, ok := LatenessOf(cal, workday.Date{}, day("2026-10-30")); ok {
		t.Error("an item without a formed date has a lateness")
	}
}

func TestLateCutoffSplitsLateAndSoonLateFromTheRest(t *testing.T) {
	cal := workday.Default()
	for _, today := range []string{"2026-03-02", "2026-10-09", "2026-02-13", "2026-12-31"} {
		t.Run(today, func(t *testing.T) {
			d := day(today)
			limit := cal.Due(d, SoonDays, nil).Due
			cut := LateCutoff(cal, d)
			if got := PublishBy(cal, cut.AddDays(-1)); got.After(limit) {
				t.Errorf("formed the day before the cutoff %s: publish by %s, after the limit %s", cut, got, limit)
			}
			if got := PublishBy(cal, cut); !got.After(limit) {
				t.Errorf("formed on the cutoff %s: publish by %s, not after the limit %s", cut, got, limit)
			}
		})
	}
}
