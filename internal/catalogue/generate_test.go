package catalogue

import (
	"slices"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestGeneratedItemsAreValidVariedAndRepeatable(t *testing.T) {
	a := &disclosure.Agency{ID: 2, Kind: disclosure.Department, Name: "平阴县卫生健康局", Settings: disclosure.DefaultSettings()}
	today := day("2026-06-15")
	items := GenerateItems(7, a, 2026, 2000, today)
	if len(items) != 2000 {
		t.Fatalf("%d items, want 2000", len(items))
	}
	again := GenerateItems(7, a, 2026, 2000, today)
	for i := range items {
		if items[i].Title != again[i].Title || items[i].PublishedOn != again[i].PublishedOn {
			t.Fatalf("item %d differs between runs with the same seed: %q / %q", i, items[i].Title, again[i].Title)
		}
	}
	cal := workday.Default()
	count := map[string]int{}
	genres := map[disclosure.Genre]bool{}
	for i, it := range items {
		c := *it
		if err := c.Validate(); err != nil {
			t.Fatalf("item %d (%q) is not valid: %v", i, it.Title, err)
		}
		genres[it.Genre] = true
		if it.FormedOn.Year != 2026 || it.FormedOn.After(today) || !cal.IsWorkday(it.FormedOn) {
			t.Errorf("item %d formed %s", i, it.FormedOn)
		}
		switch it.State {
		case disclosure.ItemPublished, disclosure.ItemWithdrawn:
			count["public"]++
			if it.PublishedOn.Before(it.FormedOn) || it.PublishedOn.After(today) {
				t.Errorf("item %d formed %s published %s", i, it.FormedOn, it.PublishedOn)
			}
			if LateWarning(cal, it.FormedOn, it.PublishedOn) != "" {
				count["late"]++
			}
			if it.State == disclosure.ItemWithdrawn && it.WithdrawnReason == "" {
				t.Errorf("item %d withdrawn without a reason", i)
			}
		default:
			count["unpublished"]++
			if cal.WorkdaysBetween(it.FormedOn, today) >= 25 {
				t.Errorf("item %d formed %s still %s", i, it.FormedOn, it.State)
			}
		}
		if it.Validity == disclosure.Repealed || it.Validity == disclosure.Expired {
			count["ended"]++
			if it.EndedOn.IsZero() || it.EndedOn.After(today) {
				t.Errorf("item %d ended %s", i, it.EndedOn)
			}
		}
		if it.DocNumber != "" {
			count["docnumber"]++
		}
	}
	if len(genres) < 10 {
		t.Errorf("only %d genres", len(genres))
	}
	for key, lo := range map[string]int{"public": 1800, "late": 40, "unpublished": 5, "ended": 5, "docnumber": 500} {
		if count[key] < lo {
			t.Errorf("%d %s items, want at least %d (%v)", count[key], key, lo, count)
		}
	}
	if !slices.IsSortedFunc(items, func(a, b *disclosure.Item) int { return a.PublishedOn.Compare(b.PublishedOn) }) {
		t.Error("items are not in publication order")
	}
	for i, it := range items {
		it.ID = int64(i + 1)
	}
	channels := GenerateChannels(7, items, today)
	if len(channels) < 500 {
		t.Errorf("%d channel records", len(channels))
	}
	for _, c := range channels {
		if c.On.After(today) || c.Count < 1 || c.ItemID == 0 {
			t.Errorf("channel %+v", c)
		}
	}
}

func TestGeneratingForADayWithoutWorkingDaysDoesNotPanic(t *testing.T) {
	a := &disclosure.Agency{ID: 3, Kind: disclosure.RegionGovernment, Name: "公开示范县人民政府"}
	items := GenerateItems(1, a, 2026, 10, day("2026-01-01"))
	if len(items) != 10 {
		t.Fatalf("%d items", len(items))
	}
	if got := GenerateItems(1, a, 2027, 10, day("2026-01-01")); got != nil {
		t.Errorf("a year after today gives %d items", len(got))
	}
}
