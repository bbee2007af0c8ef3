package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func actorFor(u *disclosure.User) disclosure.Actor {
	return disclosure.Actor{UserID: &u.ID, Name: u.DisplayName, Role: "officer", RemoteAddr: "127.0.0.1"}
}

func reportJSON(agency string, year int, text string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"era": "2021", "year": year, "agency": agency, "sections": []map[string]string{{"id": "一", "text": text}}})
	return b
}

// runAnnual checks the annual report's workflow: draft → in_review → published, every version kept, the lock on a
// published report and its corrections, all audited.
func runAnnual(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("an annual report goes from draft through review to publication and correction, every version kept", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		off := actorFor(mustUser(t, db, "officer1", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID}))
		appr := actorFor(mustUser(t, db, "approver1", disclosure.Grant{Role: disclosure.Approver, AgencyID: &health.ID}))

		rep := &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: reportJSON(health.Name, 2025, "草稿【请补充】"), Entered: []string{"s2.8"}}
		if err := db.SaveAnnualDraft(ctx, off, rep); err != nil {
			t.Fatal(err)
		}
		if rep.Version != 1 || rep.Status != disclosure.AnnualDraft || rep.Source != "console" {
			t.Errorf("created %+v", rep)
		}
		dup := &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: reportJSON(health.Name, 2025, "x")}
		if err := db.SaveAnnualDraft(ctx, off, dup); code(err) != disclosure.EConflict {
			t.Errorf("a second report for the year: %v", err)
		}
		stale := *rep
		rep.Data = reportJSON(health.Name, 2025, "第二稿")
		if err := db.SaveAnnualDraft(ctx, off, rep); err != nil || rep.Version != 2 {
			t.Fatalf("save: %v, version %d", err, rep.Version)
		}
		stale.Data = reportJSON(health.Name, 2025, "从旧页面保存")
		if err := db.SaveAnnualDraft(ctx, off, &stale); code(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "刷新页面") {
			t.Errorf("saving a stale version: %v", err)
		}
		got, err := db.SubmitAnnualReport(ctx, off, rep.ID, 2)
		if err != nil || got.Status != disclosure.AnnualInReview || got.SubmittedBy == nil || *got.SubmittedBy != *off.UserID {
			t.Fatalf("submit: %+v %v", got, err)
		}
		rep.Version = 3
		if err := db.SaveAnnualDraft(ctx, off, rep); code(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "审核期间不能修改") {
			t.Errorf("saving under review: %v", err)
		}
		if _, err := db.PublishAnnualReport(ctx, off, rep.ID, 3, nil); code(err) != disclosure.EForbidden {
			t.Errorf("the submitter publishes: %v", err)
		}
		if _, err := db.PublishAnnualReport(ctx, officer, rep.ID, 3, nil); code(err) != disclosure.EForbidden {
			t.Errorf("publishing without an account: %v", err)
		}
		if _, err := db.ReturnAnnualReport(ctx, appr, rep.ID, 3, "  "); code(err) != disclosure.EInvalid {
			t.Errorf("returning without a comment: %v", err)
		}
		if got, err := db.ReturnAnnualReport(ctx, appr, rep.ID, 3, "第三部分请核对结转数"); err != nil || got.Status != disclosure.AnnualDraft || got.SubmittedBy != nil {
			t.Fatalf("return: %+v %v", got, err)
		}
		if _, err := db.SubmitAnnualReport(ctx, off, rep.ID, 4); err != nil {
			t.Fatal(err)
		}
		final := reportJSON(health.Name, 2025, "定稿")
		pub, err := db.PublishAnnualReport(ctx, appr, rep.ID, 5, final)
		if err != nil || pub.Status != disclosure.AnnualPublished || pub.PublishedAt == nil || pub.Version != 6 {
			t.Fatalf("publish: %+v %v", pub, err)
		}
		if _, err := db.PublishAnnualReport(ctx, appr, rep.ID, 6, nil); code(err) != disclosure.EConflict {
			t.Errorf("publishing twice: %v", err)
		}
		stored, err := db.GetAnnualReport(ctx, health.ID, 2025)
		if err != nil || string(stored.Data) != string(final) || stored.Status != disclosure.AnnualPublished || !cmp.Equal(stored.Entered, []string{"s2.8"}) {
			t.Fatalf("stored after publication: %+v %v", stored, err)
		}
		// Locked: only a correction with a reason changes it.
		rep.Version = 6
		if err := db.SaveAnnualDraft(ctx, off, rep); code(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "发布更正") {
			t.Errorf("saving a published report: %v", err)
		}
		corrected := reportJSON(health.Name, 2025, "更正稿")
		if _, err := db.CorrectAnnualReport(ctx, off, rep.ID, 6, corrected, nil, ""); code(err) != disclosure.EInvalid {
			t.Errorf("a correction without a reason: %v", err)
		}
		if _, err := db.CorrectAnnualReport(ctx, off, rep.ID, 6, json.RawMessage("{"), nil, "数据有误"); code(err) != disclosure.EInvalid {
			t.Errorf("a correction with broken contents: %v", err)
		}
		cor, err := db.CorrectAnnualReport(ctx, off, rep.ID, 6, corrected, []string{"s2.8", "s3"}, "第三部分自然人申请数统计有误")
		if err != nil || cor.Version != 7 || cor.Status != disclosure.AnnualPublished || !cor.PublishedAt.Equal(*pub.PublishedAt) {
			t.Fatalf("correct: %+v %v", cor, err)
		}
		if stored, _ := db.GetAnnualReport(ctx, health.ID, 2025); string(stored.Data) != string(corrected) {
			t.Errorf("the current version is not the correction: %s", stored.Data)
		}
		old, err := db.AnnualVersion(ctx, rep.ID, 6)
		if err != nil || string(old.Data) != string(final) || old.Status != disclosure.AnnualPublished || old.Correction {
			t.Errorf("the corrected version is not kept: %+v %v", old, err)
		}
		if _, err := db.AnnualVersion(ctx, rep.ID, 8); code(err) != disclosure.ENotFound {
			t.Errorf("a missing version: %v", err)
		}
		versions, err := db.AnnualVersions(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, v := range versions {
			s := v.Status
			if v.Correction {
				s += " 更正：" + v.Reason
			} else if v.Reason != "" {
				s += " 意见：" + v.Reason
			}
			states = append(states, s)
			if v.Data != nil {
				t.Error("the version list carries contents")
			}
		}
		want := []string{"draft", "draft", "in_review", "draft 意见：第三部分请核对结转数", "in_review", "published", "published 更正：第三部分自然人申请数统计有误"}
		if d := cmp.Diff(want, states); d != "" {
			t.Errorf("versions (-want +got):\n%s", d)
		}
		if versions[5].ActorName != appr.Name || versions[6].ActorName != off.Name {
			t.Errorf("who: %q %q", versions[5].ActorName, versions[6].ActorName)
		}
		comments, err := db.AnnualComments(ctx, rep.ID)
		if err != nil || len(comments) != 1 || comments[0].Body != "第三部分请核对结转数" || comments[0].Version != 3 || comments[0].AuthorName != appr.Name {
			t.Errorf("comments: %+v %v", comments, err)
		}
		// Every step is audited, in order, in the intact chain.
		entries, err := db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "annual_report", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(entries) - 1; i >= 0; i-- {
			actions = append(actions, entries[i].Action)
		}
		wantActions := []string{"annual_report.create", "annual_report.save", "annual_report.submit", "annual_report.return", "annual_report.submit", "annual_report.publish", "annual_report.correct"}
		if d := cmp.Diff(wantActions, actions); d != "" {
			t.Errorf("audited (-want +got):\n%s", d)
		}
		if !strings.Contains(string(entries[0].After), "第三部分自然人申请数统计有误") || !strings.Contains(string(entries[0].After), `"data_sha256"`) {
			t.Errorf("correction audit: %s", entries[0].After)
		}
		mustVerify(t, db, -1)
	})

	t.Run("two processes saving the same version: one wins, the other is told to refresh", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		gov := MustRegion(t, db)
		rep := &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2025, Era: "2021", Data: reportJSON(gov.Name, 2025, "初稿")}
		if err := db.SaveAnnualDraft(ctx, officer, rep); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, h := range []*store.DB{db, other} {
			wg.Go(func() {
				r := *rep
				r.Data = reportJSON(gov.Name, 2025, "第"+string(rune('一'+i))+"稿")
				errs[i] = h.SaveAnnualDraft(ctx, officer, &r)
			})
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch code(err) {
			case "":
				ok++
			case disclosure.EConflict:
				conflicts++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Errorf("%d saved, %d refused; want 1 and 1", ok, conflicts)
		}
		if vs, _ := db.AnnualVersions(ctx, rep.ID); len(vs) != 2 {
			t.Errorf("%d versions, want 2", len(vs))
		}
		mustVerify(t, db, -1)
	})

	t.Run("an imported report is its own first published version", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		rep := &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Source: "004.txt", Data: reportJSON(gov.Name, 2024, "导入")}
		if err := db.SaveAnnualReport(ctx, officer, rep); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetAnnualReport(ctx, gov.ID, 2024)
		if err != nil || got.Version != 1 || got.PublishedAt == nil || got.Status != disclosure.AnnualPublished {
			t.Errorf("imported: %+v %v", got, err)
		}
		vs, err := db.AnnualVersions(ctx, rep.ID)
		if err != nil || len(vs) != 1 || vs[0].Status != disclosure.AnnualPublished {
			t.Errorf("versions: %+v %v", vs, err)
		}
		// It is locked like any published report.
		if err := db.SaveAnnualDraft(ctx, officer, &disclosure.AnnualReport{ID: rep.ID, Version: 1, Data: reportJSON(gov.Name, 2024, "改")}); code(err) != disclosure.EConflict {
			t.Errorf("editing an imported report: %v", err)
		}
	})

	t.Run("bad drafts are refused and leave nothing behind", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		for name, rep := range map[string]*disclosure.AnnualReport{
			"broken JSON":    {AgencyID: gov.ID, Year: 2025, Era: "2021", Data: json.RawMessage(`{"era":`)},
			"no contents":    {AgencyID: gov.ID, Year: 2025, Era: "2021"},
			"a year too old": {AgencyID: gov.ID, Year: 1999, Era: "pre2019", Data: json.RawMessage(`{}`)},
			"no agency":      {AgencyID: 999, Year: 2025, Era: "2021", Data: json.RawMessage(`{}`)},
			"a bad table":    {AgencyID: gov.ID, Year: 2025, Era: "2021", Data: json.RawMessage(`{}`), Entered: []string{""}},
		} {
			if err := db.SaveAnnualDraft(ctx, officer, rep); code(err) != disclosure.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if list, _ := db.ListAnnualReports(ctx, gov.ID); len(list) != 0 {
			t.Errorf("refused drafts were stored: %+v", list)
		}
		if _, err := db.SubmitAnnualReport(ctx, officer, 12345, 1); code(err) != disclosure.ENotFound {
			t.Errorf("submitting a missing report: %v", err)
		}
		mustVerify(t, db, 1)
	})
}
