package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// The annual report's draft takes section 二 and the proactive-disclosure figures from the live catalogue.
func TestTheAnnualDraftCountsTheCatalogue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	env := catalogue.Env{Agency: f.health, Calendar: workday.Default()}
	publish := func(c disclosure.Item) {
		it, err := catalogue.NewItem(c, f.health, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
			t.Fatal(err)
		}
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		for _, cmd := range []catalogue.Command{
			{Action: catalogue.Submit, Actor: catalogue.Actor{Who: catalogue.ByOfficer, Name: "张"}},
			{Action: catalogue.Pass, Actor: catalogue.Actor{Who: catalogue.ByReviewer, Name: "王"}, Answers: answers},
			{Action: catalogue.Publish, Actor: catalogue.Actor{Who: catalogue.ByOfficer, Name: "张"}},
		} {
			cmd.Today, cmd.Now = workday.NewDate(2025, 3, 10), time.Now()
			if _, err := f.db.UpdateItem(ctx, disclosure.SystemActor, it.ID, func(_ context.Context, x *disclosure.Item) (*disclosure.ItemChange, error) {
				return catalogue.Decide(x, cmd, env)
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 {
		publish(disclosure.Item{Title: "规范性文件", Genre: disclosure.GenreNormative, Category: "health.policy", WrittenOn: workday.NewDate(2025, 3, 3)})
	}
	publish(disclosure.Item{Title: "行政处罚决定书", Genre: disclosure.GenrePenalty, Category: "enforcement.penalty"})
	r, err := annual.Draft(ctx, f.db, f.health, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Value(report.TableRules, "normative", "made"); v != 3 {
		t.Errorf("行政规范性文件 本年制发 = %v, want 3", v)
	}
	if v, _ := r.Value(report.TableRules, "normative", "in_force"); v != 3 {
		t.Errorf("行政规范性文件 现行有效 = %v, want 3", v)
	}
	if v, _ := r.Value(report.TablePenalties, "penalty", "decisions"); v != 1 {
		t.Errorf("行政处罚 = %v, want 1", v)
	}
	one, _ := r.Section("一")
	if !strings.Contains(one.Text, "4条") {
		t.Errorf("section 一 does not state the 4 items published: %s", one.Text)
	}
}
