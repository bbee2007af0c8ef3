package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// AuditConfig says how the store hashes the audit entries it writes, and so what it can check.
type AuditConfig struct {
	// Key is the audit key, at least 32 bytes, kept outside the database and its backups. With it every new entry
	// is an HMAC that nobody without the key can recompute; nil leaves new entries plain hashes, which anyone who
	// can write the database can recompute (only checkpoints kept elsewhere then show a rewrite).
	Key []byte
	// Hash is the hash function: "sha256" (the default) or "sm3" (国密 SM3, GB/T 32905, where an agency's 密评
	// asks for it).
	Hash string
}

// MinAuditKeyBytes is the shortest audit key accepted: HMAC's key should be as long as the hash.
const MinAuditKeyBytes = 32

// alg returns the algorithm name of the entries written under c.
func (c AuditConfig) alg() string {
	switch {
	case c.Hash == "sm3" && c.Key != nil:
		return disclosure.AuditHMACSM3
	case c.Hash == "sm3":
		return disclosure.AuditSM3
	case c.Key != nil:
		return disclosure.AuditHMACSHA256
	}
	return disclosure.AuditSHA256
}

// newHash returns the hash function of alg, keyed with c.Key for the HMAC algorithms.
func (c AuditConfig) newHash(alg string) (hash.Hash, error) {
	switch alg {
	case "", disclosure.AuditSHA256:
		return sha256.New(), nil
	case disclosure.AuditSM3:
		return sm3.New(), nil
	case disclosure.AuditHMACSHA256, disclosure.AuditHMACSM3:
		if c.Key == nil {
			return nil, errNoAuditKey
		}
		if alg == disclosure.AuditHMACSM3 {
			return hmac.New(sm3.New, c.Key), nil
		}
		return hmac.New(sha256.New, c.Key), nil
	}
	return nil, fmt.Errorf("store: unknown audit hash %q", alg)
}

// entryHash computes e's hash with the algorithm e.Alg names.
func (c AuditConfig) entryHash(e *disclosure.AuditEntry) (string, error) {
	h, err := c.newHash(e.Alg)
	if err != nil {
		return "", err
	}
	return e.Digest(h), nil
}

// KeyID names the key without revealing it: the first 8 bytes of an HMAC of a fixed text, in hex. Checkpoints and
// the audit.config entry carry it, so that an auditor can tell which key file belongs to a trail.
func (c AuditConfig) KeyID() string {
	if c.Key == nil {
		return ""
	}
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte("gongkai audit key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// errNoAuditKey is what a writer without the key meets on a keyed chain.
var errNoAuditKey = disclosure.Errorf(disclosure.EConflict, "审计记录已使用审计密钥计算哈希，但本次运行没有提供审计密钥："+
	"请用 --audit-key-file 或环境变量 GONGKAI_AUDIT_KEY_FILE 指定审计密钥文件")

// SetAuditConfig sets how the entries this handle writes are hashed, and with which key the keyed ones are checked.
// Call it right after Open, before any write; it writes nothing itself (see StartAudit).
func (db *DB) SetAuditConfig(c AuditConfig) error {
	if c.Hash == "" {
		c.Hash = "sha256"
	}
	if c.Hash != "sha256" && c.Hash != "sm3" {
		return disclosure.Errorf(disclosure.EInvalid, "审计哈希算法应为 sha256 或 sm3，而不是 %q", c.Hash)
	}
	if c.Key != nil && len(c.Key) < MinAuditKeyBytes {
		return disclosure.Errorf(disclosure.EInvalid, "审计密钥太短：至少需要 %d 字节", MinAuditKeyBytes)
	}
	db.audit = c
	return nil
}

// AuditConfig returns the handle's audit configuration.
func (db *DB) AuditConfig() AuditConfig { return db.audit }

// StartAudit readies the chain for this handle's writes. It first chains what is pending (waiting for another
// sequencer if one is at work), so that the head is current. On a keyed chain it checks that the key is the one
// the newest entry was written with (a wrong key file would fork the trail into entries nobody can check together)
// and refuses to go on without a key. When the newest entry is hashed otherwise than configured — the first start
// with an audit key on an old database, or a change to SM3 — it appends an "audit.config" entry that records the
// switch, so the chain shows from which entry it is keyed, and chains it. It returns that entry, or nil.
func (db *DB) StartAudit(ctx context.Context) (*disclosure.AuditEntry, error) {
	// A pending entry changed behind gongkai's back stops the chaining but not the start: the writes go on
	// (pending, each with its MAC) and audit verify names the entry.
	if _, err := db.sequenceAudit(ctx, true); err != nil && disclosure.ErrorCode(err) != disclosure.EConflict {
		return nil, fmt.Errorf("store: start audit: %w", err)
	}
	appended := false
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		appended = false
		var seq int64
		var alg string
		if err := tx.QueryRowContext(ctx, `SELECT seq, alg FROM audit_head WHERE id = 1`+db.d.forUpdate()).Scan(&seq, &alg); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if disclosure.AuditAlgKeyed(alg) {
			if db.audit.Key == nil {
				return errNoAuditKey
			}
			e, err := scanAudit(tx.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq = $1`, seq))
			if err != nil {
				return disclosure.Errorf(disclosure.EConflict, "审计记录的链头（第 %d 条）不存在：审计记录被删除，请运行 gongkai audit verify", seq)
			}
			if h, err := db.audit.entryHash(&e); err != nil || !hmac.Equal([]byte(h), []byte(e.Hash)) {
				return disclosure.Errorf(disclosure.EConflict, "审计密钥（编号 %s）与最新的审计记录（第 %d 条）不符：请使用写入审计记录时的密钥文件；"+
					"若密钥无误，则审计记录已被改动，请运行 gongkai audit verify", db.audit.KeyID(), seq)
			}
		}
		want := db.audit.alg()
		if alg == want {
			return nil
		}
		// A chain whose head is unkeyed after keyed rows was rewritten by someone without the key; a new keyed
		// entry on top would hide that from a check with the key alone.
		if !disclosure.AuditAlgKeyed(alg) {
			var keyed int64
			err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM audit_log WHERE alg IN ($1, $2)`, disclosure.AuditHMACSHA256, disclosure.AuditHMACSM3).Scan(&keyed)
			if err != nil {
				return fmt.Errorf("audit: %w", err)
			}
			if keyed > 0 {
				return disclosure.Errorf(disclosure.EConflict, "审计记录自第 %d 条起以审计密钥计算哈希，但最新一条（第 %d 条）不是：审计记录被不知道密钥的人改写，请运行 gongkai audit verify", keyed, seq)
			}
		}
		after := map[string]string{"alg": want}
		if id := db.audit.KeyID(); id != "" {
			after["key_id"] = id
		}
		if err := db.appendAudit(ctx, tx, disclosure.SystemActor, "audit.config", "audit_log", "", map[string]string{"alg": alg}, after); err != nil {
			return err
		}
		appended = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: start audit: %w", err)
	}
	if !appended {
		return nil, nil
	}
	if _, err := db.sequenceAudit(ctx, true); err != nil {
		return nil, fmt.Errorf("store: start audit: %w", err)
	}
	e, err := scanAudit(db.read.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE action = 'audit.config' ORDER BY seq DESC LIMIT 1`))
	if err != nil {
		return nil, fmt.Errorf("store: start audit: audit config: %w", err)
	}
	return &e, nil
}

// LoadAuditKey reads an audit key file: the key in hex (at least 32 bytes) on one line; lines starting with '#'
// are comments.
func LoadAuditKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "找不到审计密钥文件 %s（可用 gongkai audit keygen --to 文件 生成）", path)
		}
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法读取审计密钥文件 %s：%v", path, err)
	}
	var text string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			text += line
		}
	}
	key, err := hex.DecodeString(text)
	if err != nil || len(key) < MinAuditKeyBytes {
		return nil, disclosure.Errorf(disclosure.EInvalid, "审计密钥文件 %s 的格式不对：应为至少 %d 字节的十六进制密钥", path, MinAuditKeyBytes)
	}
	return key, nil
}

// CreateAuditKey writes a new random 32-byte audit key to path, readable by its owner only, and returns it. The
// file must not exist: an existing key is never replaced (ErrExist).
func CreateAuditKey(path string) ([]byte, error) {
	key := make([]byte, 32)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(f, "# gongkai 审计密钥（HMAC）。须与数据库分开保管：不要放进数据库备份，另存一份离线副本。\n"+
		"# 丢失后不能再证明审计记录未被篡改；泄露后能写数据库的人可以伪造审计记录。\n%s\n", hex.EncodeToString(key))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return key, nil
}

// checkpointSigAlg returns the algorithm of the checkpoint signatures written under c: HMAC with the same hash as
// the entries, so that an SM3 deployment uses SM3 throughout.
func (c AuditConfig) checkpointSigAlg() string {
	if c.Hash == "sm3" {
		return disclosure.AuditHMACSM3
	}
	return disclosure.AuditHMACSHA256
}

// checkpointSig signs a checkpoint with a key derived from the audit key, so that a checkpoint's signature can
// never pass for an entry's hash or the other way round.
func (c AuditConfig) checkpointSig(cp *disclosure.AuditCheckpoint) (string, error) {
	newHash := sha256.New
	switch cp.SigAlg {
	case disclosure.AuditHMACSHA256:
	case disclosure.AuditHMACSM3:
		newHash = sm3.New
	default:
		return "", fmt.Errorf("unknown signature %q", cp.SigAlg)
	}
	derive := hmac.New(newHash, c.Key)
	derive.Write([]byte("gongkai audit checkpoint key"))
	m := hmac.New(newHash, derive.Sum(nil))
	m.Write(cp.SignedText())
	return hex.EncodeToString(m.Sum(nil)), nil
}

// checkCheckpoint checks a checkpoint's signature. It returns what is wrong with it (empty when nothing), and
// whether its signature could not be checked for want of the key.
func (c AuditConfig) checkCheckpoint(cp *disclosure.AuditCheckpoint) (problem string, needsKey bool) {
	if cp.Sig == "" {
		// gongkai with a key signs every checkpoint; an unsigned one of a keyed entry was written by someone else.
		if disclosure.AuditAlgKeyed(cp.Alg) {
			return "没有签名，不是本程序写下的", false
		}
		return "", false
	}
	if c.Key == nil {
		return "", true
	}
	if cp.KeyID != c.KeyID() {
		return fmt.Sprintf("由另一个审计密钥（编号 %s）签名，与所给密钥（编号 %s）不符", cp.KeyID, c.KeyID()), false
	}
	sig, err := c.checkpointSig(cp)
	if err != nil || !hmac.Equal([]byte(sig), []byte(cp.Sig)) {
		return "签名不符：检查点被伪造或改动过", false
	}
	return "", false
}

// TakeAuditCheckpoint returns a checkpoint of the chain's head now: the newest entry, signed with the audit key
// when there is one. A keyed head is checked against the key first, so that a head someone rewrote is never
// signed (EConflict).
func (db *DB) TakeAuditCheckpoint(ctx context.Context) (disclosure.AuditCheckpoint, error) {
	cp := disclosure.AuditCheckpoint{At: db.now().UTC().Truncate(time.Microsecond)}
	var headHash, headAlg string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash, alg FROM audit_head WHERE id = 1`).Scan(&cp.Seq, &headHash, &headAlg); err != nil {
		return cp, fmt.Errorf("store: audit checkpoint: %w", err)
	}
	cp.Hash, cp.Alg = headHash, headAlg
	if cp.Seq > 0 {
		e, err := scanAudit(db.read.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq = $1`, cp.Seq))
		if err != nil || e.Hash != headHash {
			return cp, disclosure.Errorf(disclosure.EConflict, "审计记录的链头（第 %d 条）与审计记录不符，不能写检查点：请运行 gongkai audit verify", cp.Seq)
		}
		if disclosure.AuditAlgKeyed(e.Alg) && db.audit.Key != nil {
			if h, err := db.audit.entryHash(&e); err != nil || !hmac.Equal([]byte(h), []byte(e.Hash)) {
				return cp, disclosure.Errorf(disclosure.EConflict, "最新的审计记录（第 %d 条）与审计密钥不符，不能写检查点：请运行 gongkai audit verify", cp.Seq)
			}
		}
		cp.Alg, cp.EntryAt = e.Alg, e.At
	}
	if db.audit.Key != nil {
		cp.KeyID, cp.SigAlg = db.audit.KeyID(), db.audit.checkpointSigAlg()
		sig, err := db.audit.checkpointSig(&cp)
		if err != nil {
			return cp, fmt.Errorf("store: audit checkpoint: %w", err)
		}
		cp.Sig = sig
	}
	return cp, nil
}

// CheckAuditCheckpoint compares one checkpoint with the database without walking the chain: its signature, and
// that its entry is still there with the same hash. It returns what is wrong, or "". It is quick enough for every
// start of gongkai; VerifyAuditCheckpoints checks everything.
func (db *DB) CheckAuditCheckpoint(ctx context.Context, cp disclosure.AuditCheckpoint) (string, error) {
	if problem, _ := db.audit.checkCheckpoint(&cp); problem != "" {
		return fmt.Sprintf("%s的检查点（第 %d 条）%s", beijing(cp.At), cp.Seq, problem), nil
	}
	if cp.Seq == 0 {
		return "", nil
	}
	var h string
	err := db.read.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, cp.Seq).Scan(&h)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Sprintf("%s的检查点记到第 %d 条，而数据库中已没有这一条：审计记录被删除", beijing(cp.At), cp.Seq), nil
	case err != nil:
		return "", fmt.Errorf("store: check audit checkpoint: %w", err)
	case h != cp.Hash:
		return fmt.Sprintf("第 %d 条与%s的检查点不符：审计记录在检查点之后被改写", cp.Seq, beijing(cp.At)), nil
	}
	return "", nil
}

// AppendAuditCheckpoint appends cp as one JSON line to the file at path (created readable by its owner only) and
// syncs it to disk. The file is only ever appended to.
func AppendAuditCheckpoint(path string, cp disclosure.AuditCheckpoint) error {
	line, err := json.Marshal(cp)
	if err != nil {
		return fmt.Errorf("store: audit checkpoint: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "无法写入审计检查点文件 %s：%v", path, err)
	}
	// One write per line: concurrent appenders (several commands) do not interleave within a line.
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "无法写入审计检查点文件 %s：%v", path, err)
	}
	return nil
}

// ReadAuditCheckpoints reads a file of checkpoints, one JSON object a line (blank lines are skipped). A line that
// is not a checkpoint is an error naming its number: a damaged file proves nothing.
func ReadAuditCheckpoints(path string) ([]disclosure.AuditCheckpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法读取审计检查点文件 %s：%v", path, err)
	}
	var out []disclosure.AuditCheckpoint
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var cp disclosure.AuditCheckpoint
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cp); err != nil || cp.Hash == "" || cp.Seq < 0 {
			return nil, disclosure.Errorf(disclosure.EInvalid, "审计检查点文件 %s 第 %d 行不是检查点", path, n)
		}
		out = append(out, cp)
	}
	if err := sc.Err(); err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法读取审计检查点文件 %s：%v", path, err)
	}
	return out, nil
}

// AuditCheckpointer writes checkpoints of the chain's head while gongkai serves: one at start, then whenever
// Every entries were added or, if anything was added, Interval has passed since the last one, and a last one when
// it stops. Each goes to the file at Path (if set) and to the log.
type AuditCheckpointer struct {
	DB *DB
	// Path is the file of checkpoints (JSON lines); empty writes them to the log only.
	Path string
	// Every is the most entries between two checkpoints (default 1000); Interval the longest time (default 1 h).
	Every    int64
	Interval time.Duration
	// Poll is how often the head is looked at (default 1 min).
	Poll time.Duration
	Log  *slog.Logger

	last     int64
	lastTime time.Time
	written  bool
}

// Checkpoint takes a checkpoint now and writes it to the file and the log.
func (c *AuditCheckpointer) Checkpoint(ctx context.Context) (disclosure.AuditCheckpoint, error) {
	cp, err := c.DB.TakeAuditCheckpoint(ctx)
	if err != nil {
		return cp, err
	}
	if c.Path != "" {
		if err := AppendAuditCheckpoint(c.Path, cp); err != nil {
			return cp, err
		}
	}
	if c.Log != nil {
		c.Log.Info("audit checkpoint", "seq", cp.Seq, "hash", cp.Hash, "alg", cp.Alg, "entry_at", cp.EntryAt, "at", cp.At,
			"key_id", cp.KeyID, "sig_alg", cp.SigAlg, "sig", cp.Sig)
	}
	c.last, c.lastTime, c.written = cp.Seq, cp.At, true
	return cp, nil
}

// due reports whether the head at seq calls for a checkpoint now.
func (c *AuditCheckpointer) due(seq int64, now time.Time) bool {
	every, interval := c.Every, c.Interval
	if every <= 0 {
		every = 1000
	}
	if interval <= 0 {
		interval = time.Hour
	}
	return !c.written || seq >= c.last+every || (seq != c.last && now.Sub(c.lastTime) >= interval)
}

// Run writes checkpoints until ctx ends, and a last one then. Failures are logged, not fatal: the trail itself
// goes on being written.
func (c *AuditCheckpointer) Run(ctx context.Context) {
	poll := c.Poll
	if poll <= 0 {
		poll = time.Minute
	}
	try := func(ctx context.Context, final bool) {
		var seq int64
		if err := c.DB.read.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil {
			if ctx.Err() == nil && c.Log != nil {
				c.Log.Error("audit checkpoint", "err", err)
			}
			return
		}
		if !c.due(seq, c.DB.now()) && !(final && seq != c.last) {
			return
		}
		if _, err := c.Checkpoint(ctx); err != nil && c.Log != nil {
			c.Log.Error("audit checkpoint not written", "err", err, "msg", disclosure.ErrorMessage(err))
		}
	}
	try(ctx, false)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			try(final, true)
			cancel()
			return
		case <-t.C:
			try(ctx, false)
		}
	}
}

// beijing formats t as Beijing time, for messages.
func beijing(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05")
}
