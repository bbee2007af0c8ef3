package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Backup writes a consistent copy of the SQLite database to path while gongkai keeps running: VACUUM INTO reads
// one snapshot in a single read transaction, so the copy holds every change committed before it began and nothing
// after, and writers are not blocked meanwhile. The copy is compact and needs no -wal file. On PostgreSQL it
// returns EInvalid: use pg_dump. Errors: EInvalid, EConflict (path exists).
//
// The copy holds every applicant's identity number and every password hash, so it is readable by its owner
// alone (mode 0600) whatever the umask: the file is created empty with that mode before SQLite writes into it
// (VACUUM INTO accepts an empty file), and set to it again afterwards. Creating it exclusively also refuses a
// file or a symbolic link that appeared at path in the meantime.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.d.name() != "sqlite" {
		return disclosure.Errorf(disclosure.EInvalid, "PostgreSQL 数据库请使用 pg_dump 备份（例如 pg_dump -Fc -f gongkai.dump 数据库连接串）")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if os.IsExist(err) {
		return disclosure.Errorf(disclosure.EConflict, "备份文件 %s 已存在，请换一个文件名", path)
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := errors.Join(f.Chmod(0o600), f.Close()); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	// A connection of its own: the read pool is query_only, which VACUUM INTO refuses, and the write connection
	// would hold up every writer for as long as the copy takes.
	conn, err := sql.Open("sqlite", db.sqliteName)
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// BackupTo writes a consistent copy of the SQLite database to w (see Backup), through a temporary file.
func (db *DB) BackupTo(ctx context.Context, w io.Writer) error {
	dir, err := os.MkdirTemp("", "gongkai-backup-")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, DatabaseFile)
	if err := db.Backup(ctx, path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// Restore replaces the SQLite database in dataDir with the backup file, after checking the copy about to be
// installed: it opens, its schema is one this program knows, and its audit trail is intact. The backup file itself
// is only read. gongkai must not be running on dataDir. The old database is replaced in one rename, so a failed
// restore leaves it as it was. audit, if given, holds the audit key to check the backup's keyed entries with: the
// key is never in the backup, and a backup whose keyed entries cannot be checked is not restored.
func Restore(ctx context.Context, backup, dataDir string, audit ...AuditConfig) error {
	if _, err := os.Stat(backup); err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "找不到备份文件 %s", backup)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "无法创建数据目录 %s：%v", dataDir, err)
	}
	dst := filepath.Join(dataDir, DatabaseFile)
	tmp := dst + ".restore"
	removeTmp := func() {
		for _, side := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + side)
		}
	}
	removeTmp()
	if err := copyFile(backup, tmp); err != nil {
		removeTmp()
		return fmt.Errorf("store: restore: %w", err)
	}
	var cfg AuditConfig
	if len(audit) > 0 {
		cfg = audit[0]
	}
	if err := checkRestorable(ctx, tmp, backup, cfg); err != nil {
		removeTmp()
		return err
	}
	// The old database's WAL belongs to the old file; left behind, SQLite would replay it into the restored one.
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + side); err != nil && !os.IsNotExist(err) {
			removeTmp()
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		removeTmp()
		return fmt.Errorf("store: restore: %w", err)
	}
	removeTmp()
	return nil
}

// checkRestorable opens the copy of a backup, brings its schema up to date (a backup made by an older gongkai), and
// checks its audit trail. It leaves every change in the main file, none in a WAL beside it.
func checkRestorable(ctx context.Context, path, backup string, audit AuditConfig) error {
	db, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EConflict {
			return err
		}
		return disclosure.Errorf(disclosure.EInvalid, "备份文件无法打开，可能不是 gongkai 的备份：%s", backup)
	}
	defer db.Close()
	if err := db.SetAuditConfig(audit); err != nil {
		return err
	}
	if current, _, err := db.SchemaVersion(ctx); err != nil || current == 0 {
		return disclosure.Errorf(disclosure.EInvalid, "备份文件中没有 gongkai 的数据：%s", backup)
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	res, err := db.VerifyAudit(ctx)
	if err == nil && !res.OK && res.Keyed == 0 && audit.Key != nil {
		// A backup from before the audit key: every entry is a plain hash, and is checked as one.
		db.SetAuditConfig(AuditConfig{Hash: audit.Hash})
		res, err = db.VerifyAudit(ctx)
	}
	if err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "备份文件无法读取，可能不是 gongkai 的备份：%s", backup)
	}
	if !res.OK {
		return disclosure.Errorf(disclosure.EInvalid, "备份文件的审计记录不完整（%s），未恢复", res.Problem)
	}
	var busy, frames, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil || busy != 0 {
		return fmt.Errorf("store: restore: checkpoint: busy %d, %v", busy, err)
	}
	return nil
}

// copyFile copies src to a new file dst and syncs it to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
