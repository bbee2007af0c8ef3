package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Backup writes a consistent copy of the SQLite database to path while gongkai keeps running (VACUUM INTO reads one
// snapshot). On PostgreSQL use pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.d.name() != "sqlite" {
		return disclosure.Errorf(disclosure.EInvalid, "PostgreSQL 数据库请使用 pg_dump 备份")
	}
	if _, err := os.Stat(path); err == nil {
		return disclosure.Errorf(disclosure.EConflict, "备份文件 %s 已存在，请换一个文件名", path)
	}
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// Restore replaces the SQLite database in dataDir with the backup file, after checking that the backup opens and
// holds an intact audit trail. gongkai must not be running on dataDir.
func Restore(ctx context.Context, backup, dataDir string) error {
	src, err := openSQLite(ctx, backup)
	if err != nil {
		return err
	}
	res, err := src.VerifyAudit(ctx)
	src.Close()
	if err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "备份文件无法读取：%v", err)
	}
	if !res.OK {
		return disclosure.Errorf(disclosure.EInvalid, "备份文件的审计记录不完整（%s），未恢复", res.Problem)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		return err
	}
	dst := filepath.Join(dataDir, DatabaseFile)
	tmp := dst + ".restore"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	for _, side := range []string{"-wal", "-shm"} {
		os.Remove(dst + side)
	}
	return os.Rename(tmp, dst)
}
