// Package storetest is the one conformance suite of the store: every test runs against SQLite and PostgreSQL
// alike, each on a fresh, migrated database.
package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// Opener returns a fresh, empty database for one test.
type Opener func(t *testing.T) *store.DB

func migrated(t *testing.T, open Opener) *store.DB {
	t.Helper()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

var officer = disclosure.Actor{Name: "张公开", Role: "officer", RemoteAddr: "127.0.0.1"}

func region(t *testing.T, db *store.DB) *disclosure.Agency {
	t.Helper()
	a := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(context.Background(), officer, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("migrations are applied once and recorded", func(t *testing.T) {
		db := migrated(t, open)
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Errorf("second migrate applied %d, %v", n, err)
		}
		cur, known, err := db.SchemaVersion(ctx)
		if err != nil || cur != known || known < 1 {
			t.Errorf("version %d of %d, %v", cur, known, err)
		}
	})

	t.Run("a newer schema is refused", func(t *testing.T) {
		db := migrated(t, open)
		if err := db.UnsafeExec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if disclosure.ErrorCode(err) != disclosure.EConflict || !strings.Contains(err.Error(), "请升级 gongkai") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("agencies form a hierarchy and every change is audited", func(t *testing.T) {
		db := migrated(t, open)
		gov := region(t, db)
		health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028",
			Contacts: disclosure.Contacts{Office: "局办公室", Phone: "0531-87883760", Email: "pyxwjj@jn.shandong.cn"}}
		if err := db.CreateAgency(ctx, officer, health); err != nil {
			t.Fatal(err)
		}
		hospital := &disclosure.Agency{Kind: disclosure.SubordinateUnit, ParentID: &health.ID, Name: "平阴县人民医院"}
		other := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
		for _, a := range []*disclosure.Agency{hospital, other} {
			if err := db.CreateAgency(ctx, officer, a); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.GetAgency(ctx, health.ID)
		if err != nil || got.Name != health.Name || got.USCC != health.USCC || got.Contacts.Phone != "0531-87883760" || *got.ParentID != gov.ID {
			t.Fatalf("got %+v, %v", got, err)
		}
		sub, err := db.ListAgencies(ctx, &health.ID)
		if err != nil || len(sub) != 2 {
			t.Fatalf("subtree = %d, %v", len(sub), err)
		}
		all, _ := db.ListAgencies(ctx, nil)
		if len(all) != 4 {
			t.Errorf("all = %d", len(all))
		}
		if got.Settings != disclosure.DefaultSettings() {
			t.Errorf("new agency settings = %+v", got.Settings)
		}
		health.Contacts.Phone = "0531-87880000"
		health.Settings.ReplyWorkingDays = 15
		if err := db.UpdateAgency(ctx, officer, health); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetAgency(ctx, health.ID); got.Settings.ReplyWorkingDays != 15 {
			t.Errorf("settings not saved: %+v", got.Settings)
		}
		health.Settings.IndexFormat = "{uscc}"
		if err := db.UpdateAgency(ctx, officer, health); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("bad index format: %v", err)
		}
		health.Settings.IndexFormat = ""
		entries, err := db.ListAudit(ctx, store.AuditFilter{ObjectType: "agency", ObjectID: fmt.Sprint(health.ID)})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit = %d, %v", len(entries), err)
		}
		upd := entries[0]
		if upd.Action != "agency.update" || upd.ActorName != "张公开" || upd.RemoteAddr != "127.0.0.1" ||
			!strings.Contains(string(upd.Before), "0531-87883760") || !strings.Contains(string(upd.After), "0531-87880000") {
			t.Errorf("update entry = %+v", upd)
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Entries != 5 {
			t.Errorf("verify = %+v, %v", res, err)
		}
	})

	t.Run("rejected changes leave nothing behind", func(t *testing.T) {
		db := migrated(t, open)
		gov := region(t, db)
		a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028"}
		if err := db.CreateAgency(ctx, officer, a); err != nil {
			t.Fatal(err)
		}
		dup := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "另一个局", USCC: "113701243072282028"}
		if err := db.CreateAgency(ctx, officer, dup); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("duplicate USCC: %v", err)
		}
		sameName := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
		if err := db.CreateAgency(ctx, officer, sameName); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("duplicate name: %v", err)
		}
		missing := int64(9999)
		orphan := &disclosure.Agency{Kind: disclosure.Department, ParentID: &missing, Name: "孤儿局"}
		if err := db.CreateAgency(ctx, officer, orphan); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("missing parent: %v", err)
		}
		if _, err := db.GetAgency(ctx, 9999); disclosure.ErrorCode(err) != disclosure.ENotFound {
			t.Errorf("get missing: %v", err)
		}
		all, _ := db.ListAgencies(ctx, nil)
		res, _ := db.VerifyAudit(ctx)
		if len(all) != 2 || res.Entries != 2 || !res.OK {
			t.Errorf("after rejected changes: %d agencies, %d audit rows", len(all), res.Entries)
		}
	})

	t.Run("the audit chain detects edited, deleted and reordered rows", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			sql  []string
			want string
			at   int64
		}{
			{"edited", []string{`UPDATE audit_log SET actor_name = '李四' WHERE seq = 3`}, "被修改过", 3},
			{"deleted", []string{`DELETE FROM audit_log WHERE seq = 2`}, "被删除", 3},
			{"reordered", []string{`UPDATE audit_log SET seq = -2 WHERE seq = 2`, `UPDATE audit_log SET seq = 2 WHERE seq = 3`, `UPDATE audit_log SET seq = 3 WHERE seq = -2`}, "链接不符", 2},
			{"link forged", []string{`UPDATE audit_log SET prev_hash = 'x' WHERE seq = 4`}, "链接不符", 4},
		} {
			t.Run(tc.name, func(t *testing.T) {
				db := migrated(t, open)
				gov := region(t, db)
				for i := 0; i < 3; i++ {
					if err := db.CreateAgency(ctx, officer, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("局%d", i)}); err != nil {
						t.Fatal(err)
					}
				}
				for _, q := range tc.sql {
					if err := db.UnsafeExec(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				res, err := db.VerifyAudit(ctx)
				if err != nil || res.OK || res.BrokenAt != tc.at || !strings.Contains(res.Problem, tc.want) {
					t.Errorf("verify = %+v, %v; want broken at %d (%s)", res, err, tc.at, tc.want)
				}
			})
		}
	})

	t.Run("accounts hold roles, and the three system roles stay apart", func(t *testing.T) {
		db := migrated(t, open)
		gov := region(t, db)
		u := &disclosure.User{Username: "Zhang.San", DisplayName: "张三", PasswordHash: "$argon2id$secret-hash", MustChangePassword: true,
			Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &gov.ID}, {Role: disclosure.SysAdmin}}}
		if err := db.CreateUser(ctx, officer, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetUserByUsername(ctx, "ZHANG.SAN")
		if err != nil || got.ID != u.ID || got.Username != "zhang.san" || !got.MustChangePassword || len(got.Grants) != 2 || got.PasswordHash != u.PasswordHash {
			t.Fatalf("got %+v, %v", got, err)
		}
		dup := &disclosure.User{Username: "zhang.san", DisplayName: "另一个张三", PasswordHash: "x"}
		if err := db.CreateUser(ctx, officer, dup); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("duplicate user name: %v", err)
		}
		if err := db.SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: disclosure.SysAdmin}, {Role: disclosure.Auditor}}); disclosure.ErrorCode(err) != disclosure.EForbidden {
			t.Errorf("two system roles: %v", err)
		}
		missing := int64(999)
		if err := db.SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: disclosure.Reviewer, AgencyID: &missing}}); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("grant for a missing agency: %v", err)
		}
		if got, _ := db.GetUserByUsername(ctx, "zhang.san"); len(got.Grants) != 2 {
			t.Errorf("rejected grants changed the account: %+v", got.Grants)
		}
		// Concurrent replacements: each set is valid on its own, so whichever commits last wins, never a mix.
		sets := [][]disclosure.Grant{{{Role: disclosure.Auditor}}, {{Role: disclosure.SecAdmin}}, {{Role: disclosure.SysAdmin}}}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				if err := db.SetGrants(ctx, officer, u.ID, sets[i%3]); err != nil {
					t.Errorf("set grants: %v", err)
				}
			})
		}
		wg.Wait()
		got, _ = db.GetUserByUsername(ctx, "zhang.san")
		if err := disclosure.CheckGrants(got.Grants); err != nil || len(got.Grants) != 1 {
			t.Errorf("after concurrent changes: %+v %v", got.Grants, err)
		}
		if err := db.SetTOTP(ctx, officer, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetUserByUsername(ctx, "zhang.san"); got.TOTPSecret != "JBSWY3DPEHPK3PXP" || !got.TOTPEnabled {
			t.Errorf("totp not stored: %+v", got)
		}
		if err := db.SetPassword(ctx, officer, u.ID, "$argon2id$new-hash", false); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetUserByUsername(ctx, "zhang.san")
		if got.PasswordHash != "$argon2id$new-hash" || got.MustChangePassword {
			t.Errorf("password not changed: %+v", got)
		}
		entries, _ := db.ListAudit(ctx, store.AuditFilter{ObjectType: "user"})
		for _, e := range entries {
			if strings.Contains(string(e.Before)+string(e.After), "hash") || strings.Contains(string(e.Before)+string(e.After), "JBSWY3DPEHPK3PXP") {
				t.Errorf("audit row %d holds a password hash: %s %s", e.Seq, e.Before, e.After)
			}
		}
		if res, _ := db.VerifyAudit(ctx); !res.OK {
			t.Errorf("audit chain: %+v", res)
		}
		users, err := db.ListUsers(ctx)
		if err != nil || len(users) != 1 {
			t.Errorf("list users: %d %v", len(users), err)
		}
	})

	t.Run("annual reports are kept per agency and year", func(t *testing.T) {
		db := migrated(t, open)
		gov := region(t, db)
		rep := &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Source: "004.txt", Data: []byte(`{"era":"2021","year":2024,"agency":"平阴县人民政府"}`)}
		if err := db.SaveAnnualReport(ctx, officer, rep); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAnnualReport(ctx, officer, &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Data: []byte(`{}`)}); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("second report for the year: %v", err)
		}
		db.SaveAnnualReport(ctx, officer, &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2020, Era: "2019", Data: []byte(`{}`)})
		list, err := db.ListAnnualReports(ctx, gov.ID)
		if err != nil || len(list) != 2 || list[0].Year != 2024 || list[0].Data != nil {
			t.Errorf("list = %+v %v", list, err)
		}
		got, err := db.GetAnnualReport(ctx, gov.ID, 2024)
		if err != nil || !strings.Contains(string(got.Data), "平阴县人民政府") || got.Source != "004.txt" {
			t.Errorf("get = %+v %v", got, err)
		}
		if _, err := db.GetAnnualReport(ctx, gov.ID, 2019); disclosure.ErrorCode(err) != disclosure.ENotFound {
			t.Errorf("missing year: %v", err)
		}
	})

	t.Run("sessions are shared, replaced and expire", func(t *testing.T) {
		db := migrated(t, open)
		ss := db.Sessions()
		now := time.Now()
		db.SetClock(func() time.Time { return now })
		if err := ss.Commit("tok", []byte("a"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ss.Commit("tok", []byte("b"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if data, ok, err := ss.Find("tok"); !ok || err != nil || string(data) != "b" {
			t.Errorf("find = %q %v %v", data, ok, err)
		}
		if _, ok, _ := ss.Find("other"); ok {
			t.Error("unknown token found")
		}
		ss.Commit("old", []byte("x"), now.Add(-time.Second))
		if _, ok, _ := ss.Find("old"); ok {
			t.Error("expired session found")
		}
		if n, err := db.DeleteExpiredSessions(ctx); n != 1 || err != nil {
			t.Errorf("expired deleted = %d %v", n, err)
		}
		if err := ss.Delete("tok"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := ss.Find("tok"); ok {
			t.Error("deleted session found")
		}
	})

	t.Run("concurrent writers lose nothing and keep the chain", func(t *testing.T) {
		db := migrated(t, open)
		gov := region(t, db)
		const writers, each = 20, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("并发局-%d-%d", w, i)}
					if err := db.CreateAgency(ctx, officer, a); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("writer: %v", err)
		}
		all, _ := db.ListAgencies(ctx, nil)
		res, err := db.VerifyAudit(ctx)
		if len(all) != writers*each+1 || err != nil || !res.OK || res.Entries != writers*each+1 {
			t.Errorf("%d agencies, verify %+v %v", len(all), res, err)
		}
	})
}
