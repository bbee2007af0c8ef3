package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/storetest"
)

func openSQLite(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSQLite(t *testing.T) { storetest.Run(t, openSQLite) }

var actor = disclosure.Actor{Name: "系统", Role: "system"}

func mustOpen(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

func TestSQLiteOpensADataFolderOrAFile(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "数据 目录#1?")
	db := mustOpen(t, dir)
	if err := db.CreateAgency(ctx, actor, &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, store.DatabaseFile)); err != nil {
		t.Fatalf("database not in the data folder: %v", err)
	}
	file := mustOpen(t, "sqlite:"+filepath.Join(dir, store.DatabaseFile))
	defer file.Close()
	if all, err := file.ListAgencies(ctx, nil); err != nil || len(all) != 1 {
		t.Errorf("through sqlite:FILE: %d agencies, %v", len(all), err)
	}
	if _, err := store.Open(ctx, "sqlite:"); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("sqlite: without a path: %v", err)
	}
}

// TestSQLiteWaitsForAnotherProcess holds the write lock from a connection outside the store, as another process
// would, and checks that the store's writers wait for it instead of failing with "database is locked".
func TestSQLiteWaitsForAnotherProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := mustOpen(t, dir)
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DatabaseFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const hold = 400 * time.Millisecond
	go func() {
		time.Sleep(hold)
		conn.ExecContext(ctx, "COMMIT")
	}()
	started := time.Now()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if err := db.CreateAgency(ctx, actor, &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: fmt.Sprintf("政府%d", i)}); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(started); took < hold {
		t.Errorf("writes finished in %v, before the other process let go", took)
	}
	if all, _ := db.ListAgencies(ctx, nil); len(all) != 10 {
		t.Errorf("%d agencies", len(all))
	}
}

// snapshot is everything the store holds, read through its own methods.
type snapshot struct {
	Agencies []*disclosure.Agency
	Users    []*disclosure.User
	Tokens   []*disclosure.APIToken
	Audit    []disclosure.AuditEntry
	Session  *disclosure.Session
	Reports  []disclosure.AnnualReport
}

func takeSnapshot(t *testing.T, db *store.DB) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Agencies, err = db.ListAgencies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if s.Users, err = db.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range s.Users {
		toks, err := db.ListAPITokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.Tokens = append(s.Tokens, toks...)
	}
	if s.Audit, err = db.ListAudit(ctx, disclosure.AuditFilter{Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	if s.Session, err = db.Sessions().Get(ctx, "session-token"); err != nil {
		t.Fatal(err)
	}
	if s.Reports, err = db.ListAnnualReports(ctx, s.Agencies[0].ID); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := mustOpen(t, dir)
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		t.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028",
		Contacts: disclosure.Contacts{Phone: "0531-87883760"}, Settings: disclosure.AgencySettings{ReplyWorkingDays: 15}}
	if err := db.CreateAgency(ctx, actor, health); err != nil {
		t.Fatal(err)
	}
	u := &disclosure.User{Username: "officer", DisplayName: "张公开", PasswordHash: "$argon2id$x", TOTPSecret: "JBSWY3DPEHPK3PXP",
		Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &health.ID}}}
	if err := db.CreateUser(ctx, actor, u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAPIToken(ctx, actor, &disclosure.APIToken{UserID: u.ID, Name: "报送", Scopes: []string{"agencies:read"}}, "hash"); err != nil {
		t.Fatal(err)
	}
	if err := db.Sessions().Commit("session-token", []byte{0, 1, 2, 0xff}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAnnualReport(ctx, actor, &disclosure.AnnualReport{AgencyID: gov.ID, Year: 2024, Era: "2021", Data: []byte(`{"year":2024}`)}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)

	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("overwriting a backup: %v", err)
	}
	var streamed bytes.Buffer
	if err := db.BackupTo(ctx, &streamed); err != nil || streamed.Len() == 0 {
		t.Fatalf("backup to a writer: %d bytes, %v", streamed.Len(), err)
	}
	backupBytes, _ := os.ReadFile(backup)

	// Changes after the backup are gone after the restore.
	gov.Name = "平阴县政府"
	if err := db.UpdateAgency(ctx, actor, gov); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := store.Restore(ctx, backup, dir); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(backup); !bytes.Equal(after, backupBytes) {
		t.Error("restore changed the backup file")
	}
	for _, side := range []string{".restore", ".restore-wal", ".restore-shm"} {
		if _, err := os.Stat(filepath.Join(dir, store.DatabaseFile+side)); err == nil {
			t.Errorf("%s left behind", side)
		}
	}
	db = mustOpen(t, dir)
	defer db.Close()
	if diff := cmp.Diff(before, takeSnapshot(t, db)); diff != "" {
		t.Errorf("restored data differ (-backed up +restored):\n%s", diff)
	}
	if res, _ := db.VerifyAudit(ctx); !res.OK || res.Entries != int64(len(before.Audit)) {
		t.Errorf("audit after restore: %+v", res)
	}
	// The restored database goes on as before: new rows extend the restored chain.
	if err := db.RecordEvent(ctx, actor, "backup.restore", "database", ""); err != nil {
		t.Fatal(err)
	}
	if res, _ := db.VerifyAudit(ctx); !res.OK {
		t.Errorf("audit after a new entry: %+v", res)
	}

	// The streamed copy restores just as well.
	streamedFile := filepath.Join(t.TempDir(), "streamed.db")
	os.WriteFile(streamedFile, streamed.Bytes(), 0o600)
	other := t.TempDir()
	if err := store.Restore(ctx, streamedFile, other); err != nil {
		t.Fatal(err)
	}
	restored := mustOpen(t, other)
	defer restored.Close()
	if diff := cmp.Diff(before, takeSnapshot(t, restored)); diff != "" {
		t.Errorf("streamed backup differs (-backed up +restored):\n%s", diff)
	}
}

func TestBackupIsConsistentUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, t.TempDir())
	defer db.Close()
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(stop)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := db.CreateAgency(ctx, actor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("局-%d-%d", w, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	dir := t.TempDir()
	for i := range 5 {
		time.Sleep(20 * time.Millisecond)
		path := filepath.Join(dir, fmt.Sprintf("b%d.db", i))
		if err := db.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		// Each agency commits with its audit row; a torn copy would hold one without the other.
		b := mustOpen(t, "sqlite:"+path)
		all, _ := b.ListAgencies(ctx, nil)
		res, err := b.VerifyAudit(ctx)
		b.Close()
		if err != nil || !res.OK || res.Entries != int64(len(all)) {
			t.Errorf("backup %d: %d agencies, audit %+v, %v", i, len(all), res, err)
		}
	}
}

func TestRestoreRefusesWhatItCannotTrust(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	db := mustOpen(t, src)
	if err := db.CreateAgency(ctx, actor, &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if err := db.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tamper := func(name, query string) string {
		data, _ := os.ReadFile(good)
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, data, 0o600)
		b := mustOpen(t, "sqlite:"+path)
		defer b.Close()
		if err := b.UnsafeExec(ctx, query); err != nil {
			t.Fatal(err)
		}
		return path
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("这不是数据库"), 0o600)
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o600)
	for _, tc := range []struct {
		name, backup, want string
	}{
		{"a tampered audit trail", tamper("tampered.db", `UPDATE audit_log SET action = 'agency.delete'`), "审计记录不完整"},
		{"a newer schema", tamper("newer.db", `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`), "请升级 gongkai"},
		{"a file that is not a database", junk, "不是 gongkai 的备份"},
		{"an empty file", empty, "没有 gongkai 的数据"},
		{"a missing file", filepath.Join(t.TempDir(), "missing.db"), "找不到备份文件"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := t.TempDir()
			err := store.Restore(ctx, tc.backup, dst)
			if err == nil || !strings.Contains(disclosure.ErrorMessage(err), tc.want) {
				t.Errorf("restore: %v, want %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dst); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

func benchmarkCreateAgency(b *testing.B, open func(b *testing.B) *store.DB) {
	ctx := context.Background()
	db := open(b)
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := db.CreateAgency(ctx, actor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("局%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkVerifyAudit(b *testing.B, open func(b *testing.B) *store.DB) {
	ctx := context.Background()
	db := open(b)
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	const entries = 10000
	for i := range entries {
		if err := db.RecordEvent(ctx, actor, "audit.export", "audit", fmt.Sprint(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Entries != entries {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

func openSQLiteB(b *testing.B) *store.DB {
	db, err := store.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkCreateAgencySQLite(b *testing.B)     { benchmarkCreateAgency(b, openSQLiteB) }
func BenchmarkVerifyAudit10000SQLite(b *testing.B) { benchmarkVerifyAudit(b, openSQLiteB) }

// A keyed trail is backed up without its key and restored only with it; the restored trail verifies, also
// against the checkpoint taken when the backup was made, and goes on with the same key.
func TestKeyedAuditSurvivesBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key := bytes.Repeat([]byte{0x42, 0x17}, 16)
	cfg := store.AuditConfig{Key: key, Hash: "sm3"}
	db := mustOpen(t, dir)
	if err := db.SetAuditConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartAudit(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := db.RecordEvent(ctx, actor, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := db.TakeAuditCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, _ := os.ReadFile(backup)
	if bytes.Contains(data, key) || bytes.Contains(data, []byte(fmt.Sprintf("%x", key))) {
		t.Fatal("the backup holds the audit key")
	}
	if err := store.Restore(ctx, backup, dir); err == nil || !strings.Contains(err.Error(), "须提供审计密钥文件") {
		t.Errorf("restore without the key: %v", err)
	}
	if err := store.Restore(ctx, backup, dir, store.AuditConfig{Key: bytes.Repeat([]byte{1}, 32)}); err == nil || !strings.Contains(err.Error(), "哈希值不符") {
		t.Errorf("restore with another key: %v", err)
	}
	if err := store.Restore(ctx, backup, dir, cfg); err != nil {
		t.Fatal(err)
	}
	db = mustOpen(t, dir)
	defer db.Close()
	db.SetAuditConfig(cfg)
	if added, err := db.StartAudit(ctx); err != nil || added != nil {
		t.Fatalf("start after restore: %+v, %v", added, err)
	}
	if err := db.RecordEvent(ctx, actor, "backup.restore", "database", ""); err != nil {
		t.Fatal(err)
	}
	res, err := db.VerifyAuditCheckpoints(ctx, []disclosure.AuditCheckpoint{cp})
	if err != nil || !res.OK || res.Entries != 7 || res.Keyed != 7 {
		t.Errorf("verify after restore = %+v, %v", res, err)
	}
}

// While serving, checkpoints are written at start, after Every entries, and a last one at shutdown.
func TestAuditCheckpointerRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := mustOpen(t, t.TempDir())
	defer db.Close()
	db.SetAuditConfig(store.AuditConfig{Key: bytes.Repeat([]byte{9}, 32)})
	file := filepath.Join(t.TempDir(), "cp.jsonl")
	c := &store.AuditCheckpointer{DB: db, Path: file, Every: 5, Poll: 5 * time.Millisecond}
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	waitFor := func(n int) []disclosure.AuditCheckpoint {
		t.Helper()
		for range 400 {
			if cps, err := store.ReadAuditCheckpoints(file); err == nil && len(cps) >= n {
				return cps
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("fewer than %d checkpoints", n)
		return nil
	}
	waitFor(1)
	for i := range 7 {
		if err := db.RecordEvent(ctx, actor, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if cps := waitFor(2); cps[1].Seq < 5 || cps[1].Sig == "" {
		t.Errorf("checkpoint after 5 entries: %+v", cps[1])
	}
	cancel()
	<-done
	cps := waitFor(2)
	if last := cps[len(cps)-1]; last.Seq != 7 {
		t.Errorf("last checkpoint at %d, want 7 (at shutdown)", last.Seq)
	}
	if res, err := db.VerifyAuditCheckpoints(context.Background(), cps); err != nil || !res.OK {
		t.Errorf("verify = %+v, %v", res, err)
	}
}

// TestBackupIsReadableByItsOwnerAlone makes a backup under the most permissive umask and checks that nobody but
// the owner can read the copy of every applicant's identity number and every password hash (issue 11, item 12).
func TestBackupIsReadableByItsOwnerAlone(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, t.TempDir())
	defer db.Close()
	if err := db.RecordEvent(ctx, actor, "test.event", "database", ""); err != nil {
		t.Fatal(err)
	}
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Errorf("backup mode %v, want -rw-------", st.Mode())
	}
	if st.Size() == 0 {
		t.Error("the backup is empty")
	}
	// A symbolic link planted where the backup goes is refused, not followed.
	target := filepath.Join(t.TempDir(), "elsewhere")
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, link); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("backup onto a symbolic link: %v", err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("the backup followed the link")
	}
	// Restoring from it still works.
	if err := store.Restore(ctx, path, t.TempDir()); err != nil {
		t.Errorf("restore: %v", err)
	}
}
