// Package storetest is the one conformance suite of the store: every test runs against SQLite and PostgreSQL
// alike, each on a fresh database. Tests that need a second gongkai process open a second handle on the same
// database with OpenAnother.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// Opener returns a fresh, empty, unmigrated database for one test; the suite closes it.
type Opener func(t *testing.T) *store.DB

// MustMigrate opens a fresh database with open and brings its schema up to date.
func MustMigrate(t *testing.T, open Opener) *store.DB {
	t.Helper()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// mustAnother opens a second handle on db's database, as a second gongkai process would.
func mustAnother(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	other, err := db.OpenAnother(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

var officer = disclosure.Actor{Name: "张公开", Role: "officer", RemoteAddr: "127.0.0.1"}

// MustRegion creates a region government and returns it.
func MustRegion(t *testing.T, db *store.DB) *disclosure.Agency {
	t.Helper()
	a := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(context.Background(), officer, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func mustAgency(t *testing.T, db *store.DB, kind disclosure.AgencyKind, parent *disclosure.Agency, name string) *disclosure.Agency {
	t.Helper()
	a := &disclosure.Agency{Kind: kind, ParentID: &parent.ID, Name: name}
	if err := db.CreateAgency(context.Background(), officer, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func mustUser(t *testing.T, db *store.DB, name string, grants ...disclosure.Grant) *disclosure.User {
	t.Helper()
	u := &disclosure.User{Username: name, DisplayName: "测试" + name, PasswordHash: "$argon2id$" + name, Grants: grants}
	if err := db.CreateUser(context.Background(), officer, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func mustVerify(t *testing.T, db *store.DB, entries int64) {
	t.Helper()
	res, err := db.VerifyAudit(context.Background())
	if err != nil || !res.OK || (entries >= 0 && res.Entries != entries) {
		t.Errorf("verify = %+v, %v; want intact with %d entries", res, err, entries)
	}
}

func names(as []*disclosure.Agency) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	slices.Sort(out)
	return out
}

func code(err error) string { return disclosure.ErrorCode(err) }

func mustExec(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	if err := db.UnsafeExec(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

// mustEntry returns the audit entry with the sequence number.
func mustEntry(t *testing.T, db *store.DB, seq int64) disclosure.AuditEntry {
	t.Helper()
	entries, err := db.ListAudit(context.Background(), disclosure.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Seq == seq {
			return e
		}
	}
	t.Fatalf("no audit entry %d", seq)
	return disclosure.AuditEntry{}
}

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("migrations are applied once and recorded", func(t *testing.T) {
		db := open(t)
		defer db.Close()
		pending, err := db.PendingMigrations(ctx)
		if err != nil || len(pending) == 0 || pending[0] != 1 {
			t.Fatalf("pending on an empty database = %v, %v", pending, err)
		}
		n, err := db.Migrate(ctx)
		if err != nil || n != len(pending) {
			t.Fatalf("migrate applied %d of %d, %v", n, len(pending), err)
		}
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Errorf("second migrate applied %d, %v", n, err)
		}
		cur, known, err := db.SchemaVersion(ctx)
		if err != nil || cur != known || known != pending[len(pending)-1] {
			t.Errorf("version %d of %d, %v", cur, known, err)
		}
		if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
			t.Errorf("pending after migrate = %v, %v", pending, err)
		}
	})

	t.Run("several processes migrate a fresh database once", func(t *testing.T) {
		db := open(t)
		t.Cleanup(func() { db.Close() })
		handles := []*store.DB{db, mustAnother(t, db), mustAnother(t, db)}
		// Count the migrations rather than take the last version: version numbers may have gaps between branches.
		pending, err := db.PendingMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var applied atomic.Int64
		for _, h := range handles {
			wg.Go(func() {
				n, err := h.Migrate(ctx)
				if err != nil {
					t.Errorf("migrate: %v", err)
				}
				applied.Add(int64(n))
			})
		}
		wg.Wait()
		if applied.Load() != int64(len(pending)) {
			t.Errorf("applied %d migrations in all, want %d", applied.Load(), len(pending))
		}
		MustRegion(t, db)
		mustVerify(t, db, 1)
	})

	t.Run("a newer schema is refused by Open and Migrate", func(t *testing.T) {
		db := MustMigrate(t, open)
		if err := db.UnsafeExec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if code(err) != disclosure.EConflict || !strings.Contains(err.Error(), "数据库结构版本 999 比本程序支持的版本") || !strings.Contains(err.Error(), "请升级 gongkai") {
			t.Errorf("migrate: %v", err)
		}
		other, err := db.OpenAnother(ctx)
		if err == nil {
			other.Close()
		}
		if code(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "请升级 gongkai") {
			t.Errorf("open: %v", err)
		}
	})

	t.Run("agencies form a hierarchy and every change is audited", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", ShortName: "县卫健局", USCC: "113701243072282028",
			DivisionCode: "370124", Contacts: disclosure.Contacts{Office: "局办公室", Address: "平阴县青龙路 1 号", OfficeHours: "工作日 9:00—17:00",
				Phone: "0531-87883760", Fax: "0531-87883761", Email: "pyxwjj@jn.shandong.cn", Postcode: "250400"},
			Settings: disclosure.AgencySettings{Extra: map[string]string{"guide_note": "节假日不受理当面申请"}}}
		if err := db.CreateAgency(ctx, officer, health); err != nil {
			t.Fatal(err)
		}
		hospital := mustAgency(t, db, disclosure.SubordinateUnit, health, "平阴县人民医院")
		mustAgency(t, db, disclosure.SubordinateUnit, hospital, "平阴县人民医院东院区")
		mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")

		got, err := db.GetAgency(ctx, health.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(health, got); diff != "" {
			t.Errorf("read back (-saved +read):\n%s", diff)
		}
		if got.Settings.IndexFormat != "{uscc}/{year}-{serial:05d}" || got.Settings.ReplyWorkingDays != 20 || got.Settings.ExtensionWorkingDays != 20 {
			t.Errorf("defaults not applied: %+v", got.Settings)
		}
		for _, tc := range []struct {
			name   string
			filter disclosure.AgencyFilter
			want   []string
		}{
			{"subtree", disclosure.AgencyFilter{Subtree: &health.ID}, []string{"平阴县人民医院", "平阴县人民医院东院区", "平阴县卫生健康局"}},
			{"children", disclosure.AgencyFilter{ParentID: &gov.ID}, []string{"平阴县卫生健康局", "平阴县民政局"}},
			{"kind", disclosure.AgencyFilter{Kind: disclosure.SubordinateUnit}, []string{"平阴县人民医院", "平阴县人民医院东院区"}},
			{"kind in subtree", disclosure.AgencyFilter{Subtree: &gov.ID, Kind: disclosure.Department}, []string{"平阴县卫生健康局", "平阴县民政局"}},
			{"all", disclosure.AgencyFilter{}, []string{"平阴县人民医院", "平阴县人民医院东院区", "平阴县人民政府", "平阴县卫生健康局", "平阴县民政局"}},
		} {
			found, err := db.FindAgencies(ctx, tc.filter)
			if err != nil || !slices.Equal(names(found), tc.want) {
				t.Errorf("%s: %v, %v; want %v", tc.name, names(found), err, tc.want)
			}
		}
		sub, err := db.AgencySubtree(ctx, hospital.ID)
		if err != nil || len(sub) != 2 {
			t.Errorf("subtree of the hospital = %v, %v", names(sub), err)
		}
		if _, err := db.AgencySubtree(ctx, 9999); code(err) != disclosure.ENotFound {
			t.Errorf("subtree of nothing: %v", err)
		}
		if list, err := db.ListAgencies(ctx, &health.ID); err != nil || len(list) != 3 {
			t.Errorf("ListAgencies(root) = %v, %v", names(list), err)
		}

		health.Contacts.Phone = "0531-87880000"
		health.Settings.ReplyWorkingDays = 15
		if err := db.UpdateAgency(ctx, officer, health); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetAgency(ctx, health.ID); got.Settings.ReplyWorkingDays != 15 || got.Contacts.Phone != "0531-87880000" {
			t.Errorf("update not saved: %+v", got)
		}
		health.Settings.IndexFormat = "{uscc}"
		if err := db.UpdateAgency(ctx, officer, health); code(err) != disclosure.EInvalid {
			t.Errorf("bad index format: %v", err)
		}
		entries, err := db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "agency", ObjectID: fmt.Sprint(health.ID)})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit = %d, %v", len(entries), err)
		}
		upd := entries[0]
		if upd.Action != "agency.update" || upd.ActorName != "张公开" || upd.Role != "officer" || upd.RemoteAddr != "127.0.0.1" ||
			!strings.Contains(string(upd.Before), "0531-87883760") || !strings.Contains(string(upd.After), "0531-87880000") {
			t.Errorf("update entry = %+v", upd)
		}
		if entries[1].Action != "agency.create" || entries[1].Before != nil || !strings.Contains(string(entries[1].After), "113701243072282028") {
			t.Errorf("create entry = %+v", entries[1])
		}
		if at := upd.At; at.Location() != time.UTC || at.Nanosecond()%1000 != 0 || time.Since(at) > time.Minute {
			t.Errorf("entry time %v: want UTC to the microsecond, now", at)
		}
		mustVerify(t, db, 6)
	})

	t.Run("an agency cannot be moved below itself or under a missing parent", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		hospital := mustAgency(t, db, disclosure.SubordinateUnit, health, "平阴县人民医院")
		health.ParentID = &hospital.ID
		if err := db.UpdateAgency(ctx, officer, health); code(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "下级单位") {
			t.Errorf("move below own child: %v", err)
		}
		health.ParentID = &health.ID
		if err := db.UpdateAgency(ctx, officer, health); code(err) != disclosure.EInvalid {
			t.Errorf("own parent: %v", err)
		}
		missing := int64(9999)
		health.ParentID = &missing
		if err := db.UpdateAgency(ctx, officer, health); code(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "不存在") {
			t.Errorf("missing parent: %v", err)
		}
		ghost := &disclosure.Agency{ID: 9999, Kind: disclosure.RegionGovernment, Name: "不存在的政府"}
		if err := db.UpdateAgency(ctx, officer, ghost); code(err) != disclosure.ENotFound {
			t.Errorf("update of nothing: %v", err)
		}
		mustVerify(t, db, 3)
	})

	t.Run("a duplicate 统一社会信用代码 or name is a conflict that says which", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028"}
		if err := db.CreateAgency(ctx, officer, a); err != nil {
			t.Fatal(err)
		}
		dup := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "另一个局", USCC: "113701243072282028"}
		err := db.CreateAgency(ctx, officer, dup)
		if code(err) != disclosure.EConflict || disclosure.ErrorMessage(err) != "统一社会信用代码 113701243072282028 已被其他单位使用，请核对" {
			t.Errorf("duplicate USCC: %v", err)
		}
		sameName := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
		err = db.CreateAgency(ctx, officer, sameName)
		if code(err) != disclosure.EConflict || disclosure.ErrorMessage(err) != "同一上级单位下已有名为“平阴县卫生健康局”的单位" {
			t.Errorf("duplicate name: %v", err)
		}
		other := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		other.USCC = a.USCC
		if err := db.UpdateAgency(ctx, officer, other); code(err) != disclosure.EConflict || !strings.Contains(err.Error(), "统一社会信用代码") {
			t.Errorf("update to a duplicate USCC: %v", err)
		}
		// The same name under another parent is fine, and so are several agencies without a code.
		mustAgency(t, db, disclosure.SubordinateUnit, a, "平阴县民政局")
	})

	t.Run("rejected changes leave nothing behind", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		missing := int64(9999)
		orphan := &disclosure.Agency{Kind: disclosure.Department, ParentID: &missing, Name: "孤儿局"}
		if err := db.CreateAgency(ctx, officer, orphan); code(err) != disclosure.EInvalid {
			t.Errorf("missing parent: %v", err)
		}
		if err := db.CreateAgency(ctx, officer, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}); code(err) != disclosure.EConflict {
			t.Errorf("duplicate: %v", err)
		}
		if err := db.CreateAgency(ctx, officer, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "错码局", USCC: "113701243072282029"}); code(err) != disclosure.EInvalid {
			t.Errorf("bad USCC: %v", err)
		}
		if _, err := db.GetAgency(ctx, 9999); code(err) != disclosure.ENotFound {
			t.Errorf("get missing: %v", err)
		}
		all, _ := db.ListAgencies(ctx, nil)
		if len(all) != 2 {
			t.Errorf("after rejected changes: %d agencies", len(all))
		}
		mustVerify(t, db, 2)
	})

	t.Run("the audit chain detects tampering", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			sql    []string
			tamper func(t *testing.T, db *store.DB)
			want   string
			at     int64
		}{
			{name: "an edited row fails its hash", sql: []string{`UPDATE audit_log SET actor_name = '李四' WHERE seq = 3`}, want: "第 3 条的内容与其哈希值不符", at: 3},
			{name: "an edited time fails its hash", sql: []string{`UPDATE audit_log SET at = at + 1 WHERE seq = 2`}, want: "被修改过", at: 2},
			{name: "a deleted row leaves a gap", sql: []string{`DELETE FROM audit_log WHERE seq = 2`}, want: "第 3 条之前缺少第 2—2 条", at: 3},
			{name: "a deleted first row leaves a gap", sql: []string{`DELETE FROM audit_log WHERE seq = 1`}, want: "缺少第 1—1 条", at: 2},
			{name: "deleted last rows fall short of the head", sql: []string{`DELETE FROM audit_log WHERE seq >= 3`}, want: "最后的第 3—4 条审计记录缺失", at: 3},
			{name: "swapped rows break the links", sql: []string{`UPDATE audit_log SET seq = -2 WHERE seq = 2`, `UPDATE audit_log SET seq = 2 WHERE seq = 3`, `UPDATE audit_log SET seq = 3 WHERE seq = -2`}, want: "调换了顺序", at: 2},
			{name: "a forged link breaks the chain", sql: []string{`UPDATE audit_log SET prev_hash = 'x' WHERE seq = 4`}, want: "第 4 条与前一条的链接不符", at: 4},
			{name: "a rehashed last row disagrees with the head", tamper: func(t *testing.T, db *store.DB) {
				e := mustEntry(t, db, 4)
				e.ActorName = "李四"
				e.Hash = e.ComputeHash()
				mustExec(t, db, `UPDATE audit_log SET actor_name = $1, hash = $2 WHERE seq = 4`, e.ActorName, e.Hash)
			}, want: "第 4 条与链头记录不符", at: 4},
			{name: "a well-formed row appended behind gongkai's back is not covered by the head", tamper: func(t *testing.T, db *store.DB) {
				last := mustEntry(t, db, 4)
				e := last
				e.Seq, e.PrevHash, e.ObjectID = 5, last.Hash, "9"
				e.Hash = e.ComputeHash()
				mustExec(t, db, `INSERT INTO audit_log (seq, at, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
					e.Seq, e.At.UnixMicro(), e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID, string(e.Before), string(e.After), e.PrevHash, e.Hash)
			}, want: "第 5 条起的审计记录不是由本程序写入", at: 5},
		} {
			t.Run(tc.name, func(t *testing.T) {
				db := MustMigrate(t, open)
				gov := MustRegion(t, db)
				for i := range 3 {
					mustAgency(t, db, disclosure.Department, gov, fmt.Sprintf("局%d", i))
				}
				mustVerify(t, db, 4)
				for _, q := range tc.sql {
					mustExec(t, db, q)
				}
				if tc.tamper != nil {
					tc.tamper(t, db)
				}
				res, err := db.VerifyAudit(ctx)
				if err != nil || res.OK || res.BrokenAt != tc.at || !strings.Contains(res.Problem, tc.want) {
					t.Errorf("verify = %+v, %v; want broken at %d (%s)", res, err, tc.at, tc.want)
				}
			})
		}
	})

	t.Run("the audit trail filters by actor, action, object and time", func(t *testing.T) {
		db := MustMigrate(t, open)
		clock := time.Date(2026, 3, 2, 1, 0, 0, 123456789, time.UTC)
		db.SetClock(func() time.Time { return clock })
		gov := MustRegion(t, db)
		uid := int64(42)
		li := disclosure.Actor{UserID: &uid, Name: "李审计", Role: "auditor", RemoteAddr: "10.0.0.8"}
		clock = clock.Add(time.Hour)
		if err := db.RecordEvent(ctx, li, "audit.export", "audit", ""); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		for _, tc := range []struct {
			name   string
			filter disclosure.AuditFilter
			want   []int64
		}{
			{"everything, newest first", disclosure.AuditFilter{}, []int64{3, 2, 1}},
			{"by actor id", disclosure.AuditFilter{ActorID: &uid}, []int64{2}},
			{"by actor name", disclosure.AuditFilter{ActorName: "张公开"}, []int64{3, 1}},
			{"by action", disclosure.AuditFilter{Action: "agency.create"}, []int64{3, 1}},
			{"by object", disclosure.AuditFilter{ObjectType: "agency", ObjectID: fmt.Sprint(gov.ID)}, []int64{1}},
			{"from", disclosure.AuditFilter{From: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}, []int64{3, 2}},
			{"to", disclosure.AuditFilter{To: time.Date(2026, 3, 2, 2, 0, 0, 123456, time.UTC)}, []int64{1}},
			{"limit and offset", disclosure.AuditFilter{Limit: 1, Offset: 1}, []int64{2}},
		} {
			entries, err := db.ListAudit(ctx, tc.filter)
			var got []int64
			for _, e := range entries {
				got = append(got, e.Seq)
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
		e, _ := db.ListAudit(ctx, disclosure.AuditFilter{ActorID: &uid})
		if len(e) != 1 || !e[0].At.Equal(time.Date(2026, 3, 2, 2, 0, 0, 123456000, time.UTC)) || e[0].RemoteAddr != "10.0.0.8" || e[0].Role != "auditor" {
			t.Errorf("entry = %+v", e)
		}
		res, _ := db.VerifyAudit(ctx)
		if !res.OK || res.LastSeq != 3 || len(res.LastHash) != 64 {
			t.Errorf("verify = %+v", res)
		}
	})

	t.Run("accounts hold roles, and changes to them are audited without secrets", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		u := &disclosure.User{Username: "Zhang.San", DisplayName: "张三", PasswordHash: "$argon2id$secret-hash", MustChangePassword: true,
			Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &gov.ID}, {Role: disclosure.SysAdmin}}}
		if err := db.CreateUser(ctx, officer, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetUserByUsername(ctx, "ZHANG.SAN")
		if err != nil || got.ID != u.ID || got.Username != "zhang.san" || !got.MustChangePassword || len(got.Grants) != 2 || got.PasswordHash != u.PasswordHash {
			t.Fatalf("got %+v, %v", got, err)
		}
		byID, err := db.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, byID); diff != "" {
			t.Errorf("GetUser and GetUserByUsername differ:\n%s", diff)
		}
		if _, err := db.GetUser(ctx, 999); code(err) != disclosure.ENotFound {
			t.Errorf("missing user: %v", err)
		}
		if _, err := db.GetUserByUsername(ctx, "nobody"); code(err) != disclosure.ENotFound {
			t.Errorf("missing user name: %v", err)
		}
		dup := &disclosure.User{Username: "ZHANG.san", DisplayName: "另一个张三", PasswordHash: "x"}
		if err := db.CreateUser(ctx, officer, dup); code(err) != disclosure.EConflict {
			t.Errorf("duplicate user name: %v", err)
		}

		// Grants one at a time.
		if err := db.GrantRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.GrantRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID}); err != nil {
			t.Errorf("granting a held role again: %v", err)
		}
		if err := db.GrantRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Auditor}); code(err) != disclosure.EForbidden {
			t.Errorf("second system role: %v", err)
		}
		missing := int64(999)
		if err := db.GrantRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Approver, AgencyID: &missing}); code(err) != disclosure.EInvalid {
			t.Errorf("grant for a missing agency: %v", err)
		}
		if err := db.GrantRole(ctx, officer, 999, disclosure.Grant{Role: disclosure.Approver, AgencyID: &gov.ID}); code(err) != disclosure.ENotFound {
			t.Errorf("grant to a missing account: %v", err)
		}
		reviewers, err := db.ListGrants(ctx, disclosure.GrantFilter{AgencyID: &health.ID, Role: disclosure.Reviewer})
		if err != nil || len(reviewers) != 1 || reviewers[0].UserID != u.ID {
			t.Errorf("reviewers of the bureau = %+v, %v", reviewers, err)
		}
		if err := db.RevokeRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeRole(ctx, officer, u.ID, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID}); code(err) != disclosure.ENotFound {
			t.Errorf("revoking a role not held: %v", err)
		}
		mine, _ := db.ListGrants(ctx, disclosure.GrantFilter{UserID: &u.ID})
		if len(mine) != 2 || !slices.ContainsFunc(mine, disclosure.Grant{Role: disclosure.SysAdmin}.Same) {
			t.Errorf("grants after revoke = %+v", mine)
		}

		// Grants as a whole.
		if err := db.SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: disclosure.SysAdmin}, {Role: disclosure.Auditor}}); code(err) != disclosure.EForbidden {
			t.Errorf("two system roles: %v", err)
		}
		if err := db.SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: disclosure.Reviewer, AgencyID: &missing}}); code(err) != disclosure.EInvalid {
			t.Errorf("grant for a missing agency: %v", err)
		}
		if got, _ := db.GetUser(ctx, u.ID); len(got.Grants) != 2 {
			t.Errorf("rejected grants changed the account: %+v", got.Grants)
		}
		if err := db.SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: disclosure.SecAdmin}}); err != nil {
			t.Fatal(err)
		}

		// The account's own fields.
		if err := db.SetTOTP(ctx, officer, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, officer, u.ID, "$argon2id$new-hash", false); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetUser(ctx, u.ID)
		if got.TOTPSecret != "JBSWY3DPEHPK3PXP" || !got.TOTPEnabled || got.PasswordHash != "$argon2id$new-hash" || got.MustChangePassword {
			t.Errorf("password or second factor not stored: %+v", got)
		}
		f, err := db.RecordSignInFailure(ctx, officer, u.ID, disclosure.LockoutRule{MaxFailures: 1, Window: time.Hour, LockFor: 15 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetUser(ctx, u.ID); !f.LockedNow || f.LockedUntil == nil || got.LockedUntil == nil || !got.LockedUntil.Equal(*f.LockedUntil) {
			t.Errorf("lockout not stored: %+v %+v", f, got)
		}
		if _, err := db.RecordSignIn(ctx, officer, 999); code(err) != disclosure.ENotFound {
			t.Errorf("sign-in of a missing account: %v", err)
		}
		if _, err := db.RecordSignInFailure(ctx, officer, 999, disclosure.LockoutRule{MaxFailures: 5}); code(err) != disclosure.ENotFound {
			t.Errorf("failed sign-in of a missing account: %v", err)
		}
		got, _ = db.GetUser(ctx, u.ID)
		got.DisplayName, got.Disabled, got.FailedLogins, got.LockedUntil = "张三丰", true, 0, nil
		got.PasswordHash, got.TOTPSecret = "$argon2id$third-hash", ""
		login := time.Now().UTC().Truncate(time.Microsecond)
		got.LastLoginAt = &login
		if err := db.UpdateUser(ctx, officer, got); err != nil {
			t.Fatal(err)
		}
		again, _ := db.GetUser(ctx, u.ID)
		if diff := cmp.Diff(got, again); diff != "" {
			t.Errorf("update user (-saved +read):\n%s", diff)
		}
		got.Username = "zhang.sanfeng"
		if err := db.UpdateUser(ctx, officer, got); code(err) != disclosure.EInvalid {
			t.Errorf("rename: %v", err)
		}
		ghost := &disclosure.User{ID: 999, Username: "ghost", DisplayName: "无", PasswordHash: "x"}
		if err := db.UpdateUser(ctx, officer, ghost); code(err) != disclosure.ENotFound {
			t.Errorf("update of a missing account: %v", err)
		}

		entries, _ := db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "user", ObjectID: fmt.Sprint(u.ID), Limit: 1000})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			both := string(e.Before) + string(e.After)
			if strings.Contains(both, "hash\"") || strings.Contains(both, "argon2id") || strings.Contains(both, "JBSWY3DPEHPK3PXP") {
				t.Errorf("audit row %d holds a secret: %s → %s", e.Seq, e.Before, e.After)
			}
		}
		slices.Reverse(actions)
		want := []string{"user.create", "user.grant", "user.revoke", "user.grants", "user.totp", "user.password", "user.locked", "user.update"}
		if !slices.Equal(actions, want) {
			t.Errorf("audited actions = %v, want %v", actions, want)
		}
		if !strings.Contains(string(entries[0].After), `"password_changed":true`) || !strings.Contains(string(entries[0].After), `"totp_changed":true`) {
			t.Errorf("update entry = %s", entries[0].After)
		}
		mustVerify(t, db, -1)
		users, err := db.ListUsers(ctx)
		if err != nil || len(users) != 1 || len(users[0].Grants) != 1 || users[0].Grants[0].Role != disclosure.SecAdmin {
			t.Errorf("list users: %+v %v", users, err)
		}
	})

	t.Run("the three system roles stay apart under concurrent grants from several processes", func(t *testing.T) {
		db := MustMigrate(t, open)
		handles := []*store.DB{db, mustAnother(t, db), mustAnother(t, db)}
		system := []disclosure.Role{disclosure.SysAdmin, disclosure.SecAdmin, disclosure.Auditor}
		for round := range 8 {
			u := mustUser(t, db, fmt.Sprintf("sys%d", round))
			var wg sync.WaitGroup
			var granted, refused atomic.Int32
			for i, role := range system {
				wg.Go(func() {
					err := handles[i].GrantRole(ctx, officer, u.ID, disclosure.Grant{Role: role})
					switch code(err) {
					case "":
						granted.Add(1)
					case disclosure.EForbidden:
						refused.Add(1)
					default:
						t.Errorf("grant %s: %v", role, err)
					}
				})
			}
			wg.Wait()
			got, _ := db.GetUser(ctx, u.ID)
			if granted.Load() != 1 || refused.Load() != 2 || len(got.Grants) != 1 {
				t.Fatalf("round %d: %d granted, %d refused, grants %+v", round, granted.Load(), refused.Load(), got.Grants)
			}
		}
		// Whole-set replacements race too: each set is valid, so the last one wins, never a mix.
		u := mustUser(t, db, "replaced")
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				if err := handles[i%3].SetGrants(ctx, officer, u.ID, []disclosure.Grant{{Role: system[i%3]}}); err != nil {
					t.Errorf("set grants: %v", err)
				}
			})
		}
		wg.Wait()
		if got, _ := db.GetUser(ctx, u.ID); len(got.Grants) != 1 || disclosure.CheckGrants(got.Grants) != nil {
			t.Errorf("after concurrent replacements: %+v", got.Grants)
		}
		mustVerify(t, db, -1)
	})

	t.Run("the schema itself refuses a second system role and a user name in other letters", func(t *testing.T) {
		db := MustMigrate(t, open)
		u := mustUser(t, db, "wang", disclosure.Grant{Role: disclosure.Auditor})
		if err := db.UnsafeExec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'sysadmin')`, u.ID); err == nil {
			t.Error("a second system role was accepted by the database")
		}
		if err := db.UnsafeExec(ctx, `INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('WANG', 'x', 'x', 0)`); err == nil {
			t.Error("a user name differing only in letter case was accepted by the database")
		}
	})

	t.Run("annual reports are kept per agency and year", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		rep := &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Source: "004.txt", Data: []byte(`{"era":"2021","year":2024,"agency":"平阴县人民政府"}`)}
		if err := db.SaveAnnualReport(ctx, officer, rep); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAnnualReport(ctx, officer, &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Data: []byte(`{}`)}); code(err) != disclosure.EConflict {
			t.Errorf("second report for the year: %v", err)
		}
		if err := db.SaveAnnualReport(ctx, officer, &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2020, Era: "2019", Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListAnnualReports(ctx, gov.ID)
		if err != nil || len(list) != 2 || list[0].Year != 2024 || list[0].Data != nil {
			t.Errorf("list = %+v %v", list, err)
		}
		got, err := db.GetAnnualReport(ctx, gov.ID, 2024)
		if err != nil || !strings.Contains(string(got.Data), "平阴县人民政府") || got.Source != "004.txt" {
			t.Errorf("get = %+v %v", got, err)
		}
		if _, err := db.GetAnnualReport(ctx, gov.ID, 2019); code(err) != disclosure.ENotFound {
			t.Errorf("missing year: %v", err)
		}
	})

	t.Run("sessions are shared between processes, replaced and expire", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		ss := db.Sessions()
		now := time.Now()
		db.SetClock(func() time.Time { return now })
		expiry := now.Add(time.Hour)
		if err := ss.Commit("tok", []byte("a"), expiry); err != nil {
			t.Fatal(err)
		}
		if err := ss.CommitCtx(ctx, "tok", []byte("b"), expiry); err != nil {
			t.Fatal(err)
		}
		if data, ok, err := other.Sessions().Find("tok"); !ok || err != nil || string(data) != "b" {
			t.Errorf("find from another process = %q %v %v", data, ok, err)
		}
		if s, err := ss.Get(ctx, "tok"); err != nil || !s.Expiry.Equal(expiry.Truncate(time.Microsecond)) || !s.Live(now) {
			t.Errorf("get = %+v %v", s, err)
		}
		if data, ok, err := ss.Find("other"); ok || err != nil || data != nil {
			t.Errorf("unknown token: %q %v %v", data, ok, err)
		}
		if err := ss.Commit("old", []byte("x"), now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		if _, ok, _ := ss.Find("old"); ok {
			t.Error("expired session found")
		}
		if _, err := ss.Get(ctx, "old"); code(err) != disclosure.ENotFound {
			t.Errorf("expired session: %v", err)
		}
		if n, err := ss.DeleteExpired(ctx); n != 1 || err != nil {
			t.Errorf("expired deleted = %d %v", n, err)
		}
		if err := ss.Delete("tok"); err != nil {
			t.Fatal(err)
		}
		if err := ss.DeleteCtx(ctx, "never-existed"); err != nil {
			t.Errorf("delete unknown: %v", err)
		}
		if _, ok, _ := ss.Find("tok"); ok {
			t.Error("deleted session found")
		}
	})

	t.Run("live sessions are counted, expired ones not", func(t *testing.T) {
		db := MustMigrate(t, open)
		now := time.Now()
		db.SetClock(func() time.Time { return now })
		ss := db.Sessions()
		for i, expiry := range []time.Time{now.Add(time.Hour), now.Add(time.Minute), now.Add(-time.Minute)} {
			if err := ss.CommitCtx(ctx, fmt.Sprint("tok", i), []byte("x"), expiry); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := ss.Count(ctx); n != 2 || err != nil {
			t.Errorf("count = %d %v, want 2", n, err)
		}
	})

	t.Run("a named secret is made once and shared by every process, however many ask at once", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		var wg sync.WaitGroup
		got := make([][]byte, 20)
		errs := make([]error, len(got))
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := db
				if i%2 == 1 {
					h = other
				}
				got[i], errs[i] = h.Secret(ctx, "form_token")
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil || len(got[i]) != 32 || string(got[i]) != string(got[0]) {
				t.Fatalf("caller %d: %x %v; caller 0: %x", i, got[i], errs[i], got[0])
			}
		}
		again, err := db.Secret(ctx, "form_token")
		if err != nil || string(again) != string(got[0]) {
			t.Errorf("asked again: %x %v", again, err)
		}
		if another, err := db.Secret(ctx, "other"); err != nil || string(another) == string(got[0]) {
			t.Errorf("another name gave the same key: %x %v", another, err)
		}
	})

	t.Run("API tokens are found by hash until expired or deleted", func(t *testing.T) {
		db := MustMigrate(t, open)
		now := time.Now().UTC().Truncate(time.Microsecond)
		db.SetClock(func() time.Time { return now })
		u := mustUser(t, db, "api.user")
		exp := now.Add(24 * time.Hour)
		tok := &disclosure.APIToken{UserID: u.ID, Name: "数据报送", Scopes: []string{"agencies:read", "audit:read"}, ExpiresAt: &exp}
		if err := db.CreateAPIToken(ctx, officer, tok, "hash-1"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAPIToken(ctx, officer, &disclosure.APIToken{UserID: 999, Name: "x", Scopes: []string{"a"}}, "hash-2"); code(err) != disclosure.ENotFound {
			t.Errorf("token for a missing user: %v", err)
		}
		if err := db.CreateAPIToken(ctx, officer, &disclosure.APIToken{UserID: u.ID, Name: " ", Scopes: []string{"a"}}, "hash-3"); code(err) != disclosure.EInvalid {
			t.Errorf("token without a name: %v", err)
		}
		got, err := db.FindAPITokenByHash(ctx, "hash-1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tok, got); diff != "" {
			t.Errorf("read back (-saved +read):\n%s", diff)
		}
		if _, owner, err := db.FindAPIToken(ctx, "hash-1"); err != nil || owner.ID != u.ID {
			t.Errorf("token owner = %+v, %v", owner, err)
		}
		if _, err := db.FindAPITokenByHash(ctx, "nope"); code(err) != disclosure.EUnauthorized {
			t.Errorf("unknown token: %v", err)
		}
		if err := db.TouchAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		first := now
		now = now.Add(30 * time.Second)
		db.TouchAPIToken(ctx, tok.ID)
		if got, _ := db.FindAPITokenByHash(ctx, "hash-1"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(first) {
			t.Errorf("last used = %v, want %v (one write a minute)", got.LastUsedAt, first)
		}
		now = now.Add(time.Minute)
		db.TouchAPIToken(ctx, tok.ID)
		if got, _ := db.FindAPITokenByHash(ctx, "hash-1"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Errorf("last used = %v, want %v", got.LastUsedAt, now)
		}
		if list, err := db.ListAPITokens(ctx, u.ID); err != nil || len(list) != 1 || list[0].ID != tok.ID {
			t.Errorf("list = %+v, %v", list, err)
		}
		now = exp
		if _, err := db.FindAPITokenByHash(ctx, "hash-1"); code(err) != disclosure.EUnauthorized {
			t.Errorf("expired token: %v", err)
		}
		if err := db.DeleteAPIToken(ctx, officer, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAPIToken(ctx, officer, tok.ID); code(err) != disclosure.ENotFound {
			t.Errorf("delete twice: %v", err)
		}
		entries, _ := db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "api_token"})
		if len(entries) != 2 || entries[0].Action != "token.delete" || entries[1].Action != "token.create" {
			t.Errorf("token audit = %+v", entries)
		}
		for _, e := range entries {
			if strings.Contains(string(e.Before)+string(e.After), "hash-1") {
				t.Errorf("audit row %d holds the token hash", e.Seq)
			}
		}
	})

	t.Run("50 concurrent writers in two processes lose nothing and keep the chain", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		gov := MustRegion(t, db)
		const writers, each = 50, 40
		if testing.Short() {
			t.Skip("short mode")
		}
		var wg sync.WaitGroup
		var failures atomic.Int64
		started := time.Now()
		for w := range writers {
			h := []*store.DB{db, other}[w%2]
			wg.Go(func() {
				for i := range each {
					var err error
					if i%4 == 3 {
						err = h.RecordEvent(ctx, officer, "audit.export", "audit", fmt.Sprintf("%d-%d", w, i))
					} else {
						err = h.CreateAgency(ctx, officer, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("并发局-%d-%d", w, i)})
					}
					if err != nil {
						if failures.Add(1) < 5 {
							t.Errorf("writer %d: %v", w, err)
						}
					}
				}
			})
		}
		wg.Wait()
		t.Logf("%d writes in %v", writers*each, time.Since(started).Round(time.Millisecond))
		all, _ := db.ListAgencies(ctx, nil)
		if want := writers*each*3/4 + 1; len(all) != want {
			t.Errorf("%d agencies, want %d", len(all), want)
		}
		mustVerify(t, db, writers*each+1)
		if failures.Load() > 0 {
			t.Errorf("%d writes failed", failures.Load())
		}
	})

	runAudit(t, open)
	runAuditSequencer(t, open)
	runCases(t, open)
	runItems(t, open)
	runAnnual(t, open)
	runSubscriptions(t, open)
	runSearchQuality(t, open)
	runSupervision(t, open)
	runDashboard(t, open)
	runLists(t, open)
	runSignIn(t, open)
	runOutbox(t, open)
	runWatch(t, open)
	runRateLimits(t, open)
	runExport(t, open)
	runSiteSettings(t, open)
	runWebhooks(t, open)
}
