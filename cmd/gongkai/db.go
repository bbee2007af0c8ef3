package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// dbFlags are the options of every command that opens the database.
type dbFlags struct {
	data string
	db   string
}

// register adds --data and --db, defaulting to GONGKAI_DATA and GONGKAI_DB.
func (d *dbFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	def := getenv("GONGKAI_DATA")
	if def == "" {
		def = "./gongkai-data"
	}
	fs.StringVar(&d.data, "data", def, "数据目录（内置 SQLite 数据库），也可用环境变量 GONGKAI_DATA")
	fs.StringVar(&d.db, "db", getenv("GONGKAI_DB"), "PostgreSQL 连接串 postgres://…（设置后不使用数据目录），也可用环境变量 GONGKAI_DB")
}

func (d *dbFlags) dsn() string {
	if d.db != "" {
		return d.db
	}
	return d.data
}

// open opens the database and brings its schema up to date.
func (d *dbFlags) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, d.dsn())
	if err != nil {
		return nil, userError(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, userError(err)
	}
	return db, nil
}

// userError turns an error into an exit error with the message users may see.
func userError(err error) error {
	return &exitError{code: 2, msg: disclosure.ErrorMessage(err)}
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var d dbFlags
	d.register(fs, getenv)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.dsn())
	if err != nil {
		return userError(err)
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return userError(err)
	}
	cur, _, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "数据库（%s）结构已是最新：版本 %d，本次执行 %d 个迁移\n", db.Dialect(), cur, n)
	return nil
}

func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return &exitError{code: 2, msg: "用法：gongkai audit verify [--data 目录 | --db postgres://…]"}
	}
	fs := newFlagSet("audit verify", stderr)
	var d dbFlags
	d.register(fs, getenv)
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.VerifyAudit(ctx)
	if err != nil {
		return userError(err)
	}
	if !res.OK {
		fmt.Fprintf(stdout, "审计记录已被篡改：共 %d 条，%s\n", res.Entries, res.Problem)
		return &exitError{code: 1}
	}
	fmt.Fprintf(stdout, "审计记录完整：共 %d 条，哈希链校验通过\n", res.Entries)
	return nil
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	var d dbFlags
	d.register(fs, getenv)
	to := fs.String("to", "", "备份文件")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return &exitError{code: 2, msg: "请用 --to 指定备份文件"}
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *to); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已备份到 %s\n", *to)
	return nil
}

func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", stderr)
	var d dbFlags
	d.register(fs, getenv)
	from := fs.String("from", "", "备份文件")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return &exitError{code: 2, msg: "请用 --from 指定备份文件"}
	}
	if d.db != "" {
		return &exitError{code: 2, msg: "PostgreSQL 数据库请使用 pg_restore 恢复"}
	}
	if err := store.Restore(ctx, *from, d.data); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已从 %s 恢复到 %s（恢复前请停止 gongkai serve）\n", *from, d.data)
	return nil
}
