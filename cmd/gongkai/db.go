package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// dbFlags are the options of every command that opens the database.
type dbFlags struct {
	data string
	db   string
	// auditKeyFile and auditHash say how the audit trail is keyed and hashed (see auditConfig).
	auditKeyFile string
	auditHash    string
}

// register adds --data, --db, --audit-key-file and --audit-hash, defaulting to GONGKAI_DATA, GONGKAI_DB,
// GONGKAI_AUDIT_KEY_FILE and GONGKAI_AUDIT_HASH.
func (d *dbFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	def := getenv("GONGKAI_DATA")
	if def == "" {
		def = "./gongkai-data"
	}
	fs.StringVar(&d.data, "data", def, "数据目录（内置 SQLite 数据库），也可用环境变量 GONGKAI_DATA")
	fs.StringVar(&d.db, "db", getenv("GONGKAI_DB"), "PostgreSQL 连接串 postgres://…（设置后不使用数据目录），也可用环境变量 GONGKAI_DB")
	fs.StringVar(&d.auditKeyFile, "audit-key-file", getenv("GONGKAI_AUDIT_KEY_FILE"),
		"审计密钥文件（审计记录以 HMAC 计算哈希，密钥须放在数据库和备份之外）；内置数据库默认为 数据目录/"+auditKeyName+
			"（首次运行时生成），PostgreSQL 须指定，否则审计记录不加密钥。也可用环境变量 GONGKAI_AUDIT_KEY_FILE")
	hash := getenv("GONGKAI_AUDIT_HASH")
	if hash == "" {
		hash = "sha256"
	}
	fs.StringVar(&d.auditHash, "audit-hash", hash, "审计记录的哈希算法：sha256 或 sm3（国密 SM3，有密钥时为 HMAC-SM3），也可用环境变量 GONGKAI_AUDIT_HASH")
}

func (d *dbFlags) dsn() string {
	if d.db != "" {
		return d.db
	}
	return d.data
}

// auditKeyName and checkpointName are the audit key and the checkpoints in a data folder: beside the database,
// never inside it, and not in what gongkai backup copies.
const (
	auditKeyName   = "audit.key"
	checkpointName = "audit-checkpoints.jsonl"
)

// defaultCheckpointFile is where checkpoints go unless told otherwise: the data folder on SQLite; nowhere (the log
// only) on PostgreSQL, where processes on several machines share one database.
func (d *dbFlags) defaultCheckpointFile() string {
	if d.db != "" {
		return ""
	}
	return filepath.Join(d.data, checkpointName)
}

// open opens the database, brings its schema up to date and readies the audit trail for writing: the audit key
// (created in the data folder on SQLite's first run) keys every entry the command writes.
func (d *dbFlags) open(ctx context.Context) (*store.DB, error) {
	db, err := d.openReading(ctx, true)
	if err != nil {
		return nil, err
	}
	if _, err := db.StartAudit(ctx); err != nil {
		db.Close()
		return nil, userError(err)
	}
	return db, nil
}

// openReading opens the database, brings its schema up to date and sets the audit key, without writing to the
// audit trail. create makes the data folder's audit key when there is none.
func (d *dbFlags) openReading(ctx context.Context, create bool) (*store.DB, error) {
	db, err := store.Open(ctx, d.dsn())
	if err != nil {
		return nil, userError(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, userError(err)
	}
	if create && d.auditKeyFile == "" && d.db == "" {
		// A data folder whose trail is keyed but whose key is missing (a restore into a new folder, a key moved
		// away) needs that key back, not a new one that could never check the old rows.
		if _, err := os.Stat(filepath.Join(d.data, auditKeyName)); errors.Is(err, os.ErrNotExist) {
			if head, err := db.TakeAuditCheckpoint(ctx); err == nil && disclosure.AuditAlgKeyed(head.Alg) {
				db.Close()
				return nil, &exitError{code: 2, msg: fmt.Sprintf("审计记录已使用审计密钥，但数据目录中没有密钥文件 %s：请放回原密钥文件，或用 --audit-key-file 指定它",
					filepath.Join(d.data, auditKeyName))}
			}
		}
	}
	cfg, err := d.auditConfig(create)
	if err == nil {
		err = db.SetAuditConfig(cfg)
	}
	if err != nil {
		db.Close()
		return nil, userError(err)
	}
	return db, nil
}

// auditConfig reads the audit key: the file named by --audit-key-file, or on SQLite the data folder's, which
// create makes on the first run (readable by its owner only). Without either the trail is not keyed.
func (d *dbFlags) auditConfig(create bool) (store.AuditConfig, error) {
	cfg := store.AuditConfig{Hash: d.auditHash}
	path := d.auditKeyFile
	if path == "" && d.db == "" {
		path = filepath.Join(d.data, auditKeyName)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if !create {
				return cfg, nil
			}
			key, err := store.CreateAuditKey(path)
			if err == nil {
				cfg.Key = key
				return cfg, nil
			}
			if !errors.Is(err, os.ErrExist) { // another process made it meanwhile: read that one
				return cfg, disclosure.Errorf(disclosure.EInvalid, "无法创建审计密钥文件 %s：%v", path, err)
			}
		}
	}
	if path == "" {
		return cfg, nil
	}
	key, err := store.LoadAuditKey(path)
	if err != nil {
		return cfg, err
	}
	cfg.Key = key
	return cfg, nil
}

// userError turns an error into an exit error with the message users may see. The command line is the operator's,
// so an unexpected error (a database that refuses, a migration that cannot run) is shown with its cause rather than
// as the web's bare "系统内部错误".
func userError(err error) error {
	if disclosure.ErrorCode(err) == disclosure.EInternal {
		return &exitError{code: 2, msg: "系统内部错误：" + err.Error()}
	}
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

const auditUsage = "用法：gongkai audit verify [--checkpoint 检查点文件] | audit checkpoint [--audit-checkpoint-file 文件] | audit keygen --to 文件"

func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &exitError{code: 2, msg: auditUsage}
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, args[1:], getenv, stdout, stderr)
	case "checkpoint":
		return auditCheckpoint(ctx, args[1:], getenv, stdout, stderr)
	case "keygen":
		fs := newFlagSet("audit keygen", stderr)
		to := fs.String("to", "", "新密钥文件（不能已存在）")
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if *to == "" {
			return &exitError{code: 2, msg: "请用 --to 指定新密钥文件"}
		}
		key, err := store.CreateAuditKey(*to)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("无法创建审计密钥文件 %s：%v", *to, err)}
		}
		fmt.Fprintf(stdout, "已生成审计密钥 %s（密钥编号 %s）。请把它放在数据库和备份之外，另存一份离线副本。\n", *to, store.AuditConfig{Key: key}.KeyID())
		return nil
	}
	return &exitError{code: 2, msg: auditUsage}
}

func auditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit verify", stderr)
	var d dbFlags
	d.register(fs, getenv)
	cpFile := fs.String("checkpoint", getenv("GONGKAI_AUDIT_CHECKPOINT_FILE"), "对照的检查点文件（默认为数据目录中的 "+checkpointName+"，若有）；审计员应使用自己另存的副本")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := d.openReading(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	path := *cpFile
	if path == "" {
		if def := d.defaultCheckpointFile(); def != "" {
			if _, err := os.Stat(def); err == nil {
				path = def
			}
		}
	}
	var cps []disclosure.AuditCheckpoint
	if path != "" {
		if cps, err = store.ReadAuditCheckpoints(path); err != nil {
			return userError(err)
		}
	}
	res, err := db.VerifyAuditCheckpoints(ctx, cps)
	if err != nil {
		return userError(err)
	}
	switch {
	case res.NeedsKey:
		return &exitError{code: 2, msg: fmt.Sprintf("无法校验：共 %d 条，%s", res.Entries, res.Problem)}
	case !res.OK:
		fmt.Fprintf(stdout, "审计记录已被篡改：共 %d 条，%s\n", res.Entries, res.Problem)
		return &exitError{code: 1}
	}
	fmt.Fprintf(stdout, "审计记录完整：共 %d 条，哈希链校验通过\n", res.Entries)
	if res.Pending > 0 {
		fmt.Fprintf(stdout, "其中最新的 %d 条尚待入链（通常一两秒内写入哈希链），已逐条核对其自身的校验码\n", res.Pending)
	}
	if res.Keyed > 0 {
		fmt.Fprintf(stdout, "第 %d 条起的 %d 条以审计密钥（编号 %s）计算哈希\n", res.KeyedFrom, res.Keyed, db.AuditConfig().KeyID())
	} else {
		fmt.Fprintln(stdout, "注意：审计记录未使用审计密钥，能写数据库的人可以重算整条哈希链；请配置审计密钥（--audit-key-file）并另存检查点")
	}
	if path != "" {
		if len(cps) > 0 {
			newest := cps[0]
			for _, c := range cps {
				if c.Seq > newest.Seq {
					newest = c
				}
			}
			fmt.Fprintf(stdout, "与检查点文件 %s 的 %d 个检查点相符（最新记到第 %d 条，%s）\n", path, len(cps), newest.Seq,
				newest.At.In(shanghai()).Format("2006-01-02 15:04:05"))
		} else {
			fmt.Fprintf(stdout, "检查点文件 %s 中没有检查点\n", path)
		}
	} else {
		fmt.Fprintln(stdout, "未对照检查点：末尾被删除的记录只有对照另存的检查点才能发现（--checkpoint 文件）")
	}
	return nil
}

func auditCheckpoint(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit checkpoint", stderr)
	var d dbFlags
	d.register(fs, getenv)
	file := fs.String("audit-checkpoint-file", getenv("GONGKAI_AUDIT_CHECKPOINT_FILE"), "追加检查点的文件（内置数据库默认为 数据目录/"+checkpointName+"）")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := d.openReading(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	path := *file
	if path == "" {
		path = d.defaultCheckpointFile()
	}
	cp, err := (&store.AuditCheckpointer{DB: db, Path: path}).Checkpoint(ctx)
	if err != nil {
		return userError(err)
	}
	line, _ := json.Marshal(cp)
	fmt.Fprintf(stdout, "%s\n", line)
	if path != "" {
		fmt.Fprintf(stdout, "已追加到 %s；请另存一份（打印或发给审计员）\n", path)
	}
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
	db, err := d.openReading(ctx, false)
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
	cfg, err := d.auditConfig(false)
	if err != nil {
		return userError(err)
	}
	if err := store.Restore(ctx, *from, d.data, cfg); err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "已从 %s 恢复到 %s（恢复前请停止 gongkai serve）\n", *from, d.data)
	if cfg.Key != nil {
		fmt.Fprintf(stdout, "启动时请使用同一审计密钥（编号 %s）；晚于该备份的检查点会显示恢复所丢弃的记录，请另存旧检查点文件后重新开始\n", cfg.KeyID())
	}
	return nil
}
