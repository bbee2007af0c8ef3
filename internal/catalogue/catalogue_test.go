package catalogue

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

func day(s string) workday.Date {
	d, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	uOfficer, uReviewer, uApprover = int64(1), int64(2), int64(3)
	officer                        = Actor{ByOfficer, &uOfficer, "张公开"}
	reviewer                       = Actor{ByReviewer, &uReviewer, "王审查"}
	approver                       = Actor{ByApprover, &uApprover, "李主任"}
	system                         = Actor{Who: BySystem, Name: "系统"}
)

func env(approval bool) Env {
	a := &disclosure.Agency{ID: 2, Name: "平阴县卫生健康局", Settings: disclosure.DefaultSettings()}
	a.Settings.ItemApproval = approval
	return Env{Agency: a, Calendar: workday.Default()}
}

func allYes(e Env) map[string]bool {
	m := map[string]bool{}
	for _, q := range e.Agency.Settings.ReviewList() {
		m[q] = true
	}
	return m
}

func normative() disclosure.Item {
	return disclosure.Item{Title: "平阴县卫生健康局关于印发《基本公共卫生服务项目管理办法》的通知", DocNumber: "平卫发〔2026〕3号",
		WrittenOn: day("2026-02-27"), Genre: disclosure.GenreNormative, Category: "health.public_health", Body: "<p>各镇街卫生院：</p>", Keywords: []string{"公共卫生", "公共卫生"}}
}

func step(t *testing.T, it *disclosure.Item, e Env, today string, cmd Command) (*disclosure.Item, *Decision) {
	t.Helper()
	cmd.Today, cmd.Now = day(today), time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	d, err := Decide(it, cmd, e)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return &d.Item, d
}

func TestAnItemThroughReviewToPublication(t *testing.T) {
	for _, approval := range []bool{false, true} {
		e := env(approval)
		it, err := NewItem(normative(), e.Agency, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if it.Publisher != "平阴县卫生健康局" || it.Validity != disclosure.InForce || it.Art20 != 1 || !slices.Equal(it.Keywords, []string{"公共卫生"}) {
			t.Errorf("new item defaults: %+v", it)
		}
		it, _ = step(t, it, e, "2026-03-02", Command{Action: Submit, Actor: officer})
		if _, err := Decide(it, Command{Action: Pass, Actor: Actor{ByReviewer, &uOfficer, "张公开"}, Answers: allYes(e)}, e); disclosure.ErrorCode(err) != disclosure.EForbidden {
			t.Errorf("the submitter reviewing: %v", err)
		}
		partial := allYes(e)
		partial[e.Agency.Settings.ReviewList()[3]] = false
		if _, err := Decide(it, Command{Action: Pass, Actor: reviewer, Answers: partial}, e); disclosure.ErrorCode(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "个人隐私") {
			t.Errorf("a checklist item left unconfirmed: %v", err)
		}
		it, _ = step(t, it, e, "2026-03-02", Command{Action: Pass, Actor: reviewer, Answers: allYes(e)})
		if approval {
			if it.State != disclosure.ItemApproval {
				t.Fatalf("with approval required: %s", it.State)
			}
			if _, err := Decide(it, Command{Action: Approve, Actor: Actor{ByApprover, &uReviewer, "王审查"}}, e); disclosure.ErrorCode(err) != disclosure.EForbidden {
				t.Errorf("the reviewer approving: %v", err)
			}
			it, _ = step(t, it, e, "2026-03-02", Command{Action: Approve, Actor: approver})
		}
		if it.State != disclosure.ItemReady {
			t.Fatalf("after review: %s", it.State)
		}
		it, d := step(t, it, e, "2026-03-31", Command{Action: Publish, Actor: officer})
		if it.State != disclosure.ItemPublished || it.PublishedOn != day("2026-03-31") || !d.AssignIndex || !d.Reindex {
			t.Errorf("published: %s %s assign %v", it.State, it.PublishedOn, d.AssignIndex)
		}
		// Formed Friday 27 Feb: 28 Feb is a 调休 working day, so 20 working days end 26 Mar; 31 Mar is late.
		if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "应于2026年3月26日前公开") {
			t.Errorf("warnings: %v", d.Warnings)
		}
		if it.ReviewOn != day("2028-03-31") {
			t.Errorf("normative documents are reviewed after 24 months: %s", it.ReviewOn)
		}
	}
}

func TestTheTableRefusesStepsOutOfOrder(t *testing.T) {
	e := env(false)
	it, _ := NewItem(normative(), e.Agency, time.Now())
	for _, a := range []Action{Pass, Approve, Publish, Withdraw, Correct, Release} {
		if _, err := Decide(it, Command{Action: a, Actor: Actor{ByOfficer | ByReviewer | ByApprover | BySystem, nil, "x"}, Note: "x"}, e); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("%s on a draft: %v", a, err)
		}
	}
	if _, err := Decide(it, Command{Action: Submit, Actor: reviewer}, e); disclosure.ErrorCode(err) != disclosure.EForbidden {
		t.Errorf("a reviewer submitting: %v", err)
	}
	names := func(ts []Transition) []Action {
		var out []Action
		for _, t := range ts {
			out = append(out, t.Action)
		}
		return out
	}
	if got := names(Allowed(it, ByOfficer)); !slices.Equal(got, []Action{Save, Submit}) {
		t.Errorf("officer on a draft: %v", got)
	}
}

func publishedItem(t *testing.T, e Env) *disclosure.Item {
	t.Helper()
	it, _ := NewItem(normative(), e.Agency, time.Now())
	it.ID = 9
	it, _ = step(t, it, e, "2026-03-02", Command{Action: Submit, Actor: officer})
	it, _ = step(t, it, e, "2026-03-02", Command{Action: Pass, Actor: reviewer, Answers: allYes(e)})
	it, _ = step(t, it, e, "2026-03-02", Command{Action: Publish, Actor: officer})
	it.IndexNumber = "113701243072282028/2026-00001"
	return it
}

func TestACorrectionIsReviewedWhileThePublicSeesThePublishedVersion(t *testing.T) {
	e := env(false)
	it := publishedItem(t, e)
	it, _ = step(t, it, e, "2026-03-05", Command{Action: Correct, Actor: officer})
	if it.State != disclosure.ItemPublished || it.Revision == nil || it.Revision.State != disclosure.ItemDraft {
		t.Fatalf("after starting a correction: %s, revision %+v", it.State, it.Revision)
	}
	fixed := normative()
	fixed.Title = "平阴县卫生健康局关于印发《基本公共卫生服务项目管理办法（修订）》的通知"
	it, _ = step(t, it, e, "2026-03-05", Command{Action: Save, Actor: officer, Content: &fixed})
	if !strings.Contains(it.Revision.Title, "修订") || strings.Contains(it.Title, "修订") {
		t.Errorf("the save went to the published content: %q / %q", it.Title, it.Revision.Title)
	}
	it, _ = step(t, it, e, "2026-03-05", Command{Action: Submit, Actor: officer})
	it, _ = step(t, it, e, "2026-03-05", Command{Action: Pass, Actor: reviewer, Answers: allYes(e)})
	// Meanwhile the item can still be marked repealed: its validity is not content.
	if got := Allowed(it, ByOfficer); !slices.ContainsFunc(got, func(t Transition) bool { return t.Action == Publish && t.Revision }) {
		t.Errorf("officer actions: %+v", got)
	}
	it, d := step(t, it, e, "2026-03-06", Command{Action: Publish, Actor: officer})
	if !strings.Contains(it.Title, "修订") || it.Revision != nil || it.IndexNumber != "113701243072282028/2026-00001" || it.PublishedOn != day("2026-03-02") {
		t.Errorf("after publishing the correction: %+v", it)
	}
	if d.Snapshot == nil || strings.Contains(d.Snapshot.Title, "修订") || d.AssignIndex {
		t.Errorf("snapshot %+v assign %v", d.Snapshot, d.AssignIndex)
	}
	if d.Event.Action != "revision.publish" {
		t.Errorf("event %q", d.Event.Action)
	}
}

func TestValidityWithdrawalScheduleAndChannels(t *testing.T) {
	e := env(false)
	it := publishedItem(t, e)
	if _, err := Decide(it, Command{Action: Validity, Actor: officer, Validity: disclosure.Repealed, Today: day("2026-06-01")}, e); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("repeal without a date: %v", err)
	}
	r, _ := step(t, it, e, "2026-06-01", Command{Action: Validity, Actor: officer, Validity: disclosure.Repealed, Date: day("2026-06-01")})
	if r.Validity != disclosure.Repealed || r.EndedOn != day("2026-06-01") || !r.ReviewOn.IsZero() {
		t.Errorf("repealed: %+v", r)
	}
	if _, err := Decide(it, Command{Action: Withdraw, Actor: officer}, e); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("withdrawal without a reason: %v", err)
	}
	w, _ := step(t, it, e, "2026-06-01", Command{Action: Withdraw, Actor: officer, Note: "文件已被上级文件替代"})
	if w.State != disclosure.ItemWithdrawn || w.WithdrawnReason != "文件已被上级文件替代" || !w.Public() {
		t.Errorf("withdrawn: %+v", w)
	}
	_, d := step(t, it, e, "2026-06-01", Command{Action: Channels, Actor: officer, Channels: []disclosure.ItemChannel{{Channel: "微信公众号", On: day("2026-03-02"), Count: 1}, {Channel: "微博", On: day("2026-03-02"), Count: 2}}})
	if len(d.Channels) != 2 || d.Channels[0].ItemID != it.ID {
		t.Errorf("channels %+v", d.Channels)
	}
	ready, _ := NewItem(normative(), e.Agency, time.Now())
	ready, _ = step(t, ready, e, "2026-03-02", Command{Action: Submit, Actor: officer})
	ready, _ = step(t, ready, e, "2026-03-02", Command{Action: Pass, Actor: reviewer, Answers: allYes(e)})
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := Decide(ready, Command{Action: Schedule, Actor: officer, Now: now, At: now.Add(-time.Hour)}, e); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("schedule in the past: %v", err)
	}
	s, _ := step(t, ready, e, "2026-03-02", Command{Action: Schedule, Actor: officer, At: now.Add(24 * time.Hour)})
	if s.State != disclosure.ItemScheduled || s.PublishAt == nil {
		t.Errorf("scheduled: %+v", s)
	}
	p, _ := step(t, s, e, "2026-03-02", Command{Action: Release, Actor: system})
	if p.State != disclosure.ItemPublished || p.PublishAt != nil {
		t.Errorf("released: %+v", p)
	}
}

func TestItemValidationSaysWhatToFix(t *testing.T) {
	tests := map[string]struct {
		change func(*disclosure.Item)
		want   string
	}{
		"no title":         {func(i *disclosure.Item) { i.Title = " " }, "请填写信息名称"},
		"unknown genre":    {func(i *disclosure.Item) { i.Genre = "poster" }, "体裁"},
		"bad category":     {func(i *disclosure.Item) { i.Category = "卫生" }, "主题分类"},
		"repealed no date": {func(i *disclosure.Item) { i.Validity = disclosure.Repealed }, "失效（废止）日期"},
		"keyword":          {func(i *disclosure.Item) { i.Keywords = []string{"两个 词"} }, "关键词"},
		"formed early":     {func(i *disclosure.Item) { i.FormedOn = day("2026-01-01") }, "形成或变更日期"},
		"art20":            {func(i *disclosure.Item) { i.Art20 = 16 }, "第二十条"},
	}
	for name, tt := range tests {
		it := normative()
		tt.change(&it)
		if err := it.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", name, err, tt.want)
		}
	}
	news := disclosure.Item{Title: "工作动态", Genre: disclosure.GenreNews, Validity: disclosure.Repealed}
	if err := news.Validate(); err != nil || news.Validity != "" {
		t.Errorf("genres without validity drop it: %v %q", err, news.Validity)
	}
}

func TestPublishBy(t *testing.T) {
	cal := workday.Default()
	if got := PublishBy(cal, day("2026-09-28")); got != day("2026-10-30") {
		// 29–30 Sep (2), 1–7 Oct off, 8–9 Oct (4), 10 Oct 调休 (5), 12–16 (10), 19–23 (15), 26–30 Oct (20).
		t.Errorf("formed 28 Sep 2026: publish by %s", got)
	}
	if w := LateWarning(cal, day("2026-09-28"), day("2026-10-30")); w != "" {
		t.Errorf("on the last day: %q", w)
	}
	if w := LateWarning(cal, day("2026-09-28"), day("2026-11-02")); w == "" {
		t.Error("a day late: no warning")
	}
}
