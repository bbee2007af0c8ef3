package disclosure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"strconv"
	"strings"
	"time"
)

// Actor is who makes a change: every mutating store method takes one and records it in the audit row it writes in
// the same transaction. Role is what the actor acted as (a role, or several joined by the web layer); RemoteAddr is
// the client's address, empty for the command line.
type Actor struct {
	UserID     *int64
	Name       string
	Role       string
	RemoteAddr string
}

// SystemActor is the actor of changes made by gongkai itself (migrations, the demo, command-line tools).
var SystemActor = Actor{Name: "系统", Role: "system"}

// AuditEntry is one row of the append-only, hash-chained audit trail. At is UTC with microsecond precision (what the
// store keeps); Before and After are the object's JSON before and after the change (nil for a creation or an
// event).
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name"`
	Role       string          `json:"role"`
	RemoteAddr string          `json:"remote_addr,omitempty"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	// Alg names how Hash was computed (one of the Audit* algorithm names); empty reads as AuditSHA256.
	Alg string `json:"alg,omitempty"`
}

// The hash algorithms of audit entries. Each entry records its own, so a chain begun before the audit key existed
// keeps its old entries as they were and shows from which entry on it is keyed.
const (
	// AuditSHA256 is plain SHA-256: every entry written before gongkai knew an audit key, and the entries of a
	// deployment that runs without one. Anyone who can write the database can recompute it.
	AuditSHA256 = "sha256"
	// AuditSM3 is plain SM3 (GB/T 32905), the same without a key.
	AuditSM3 = "sm3"
	// AuditHMACSHA256 is HMAC-SHA256 under the audit key, which is kept outside the database: without the key
	// nobody can write an entry that verifies.
	AuditHMACSHA256 = "hmac-sha256"
	// AuditHMACSM3 is HMAC-SM3 under the audit key, for agencies whose 密评 asks for the 国密 hash.
	AuditHMACSM3 = "hmac-sm3"
)

// AuditAlgKeyed reports whether entries hashed with alg need the audit key to be written or checked.
func AuditAlgKeyed(alg string) bool { return alg == AuditHMACSHA256 || alg == AuditHMACSM3 }

// GenesisHash is the PrevHash of the first entry: 64 zeros.
var GenesisHash = strings.Repeat("0", 64)

// ComputeHash returns the entry's hash as plain SHA-256 (the scheme of every entry before the audit key; also what
// tests use to play an attacker who rewrites the chain without the key). See Digest.
func (e *AuditEntry) ComputeHash() string { return e.Digest(sha256.New()) }

// Digest feeds the previous hash and every field to h in a fixed, unambiguous encoding (each field
// length-prefixed), so editing, deleting or reordering any row breaks the chain, and returns h's sum in hex. h is
// SHA-256, SM3, or an HMAC of either under the audit key, as e.Alg says; the store picks it. Entries of any
// algorithm but the original AuditSHA256 also cover Alg, so that an entry cannot be relabelled.
func (e *AuditEntry) Digest(h hash.Hash) string {
	actor := ""
	if e.ActorID != nil {
		actor = strconv.FormatInt(*e.ActorID, 10)
	}
	fields := []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UTC().UnixMicro(), 10), actor, e.ActorName,
		e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID, string(e.Before), string(e.After),
	}
	if e.Alg != "" && e.Alg != AuditSHA256 {
		fields = append(fields, e.Alg)
	}
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditCheckpoint is the head of the audit chain at one moment, written outside the database (a file of JSON
// lines, the log, a printout for the auditor). Later, VerifyAudit with the checkpoints proves that every entry up
// to it is still there unchanged, even against someone who could rewrite the whole database and its head.
type AuditCheckpoint struct {
	// Seq, Hash and Alg identify the newest entry when the checkpoint was taken; EntryAt is that entry's time.
	Seq     int64     `json:"seq"`
	Hash    string    `json:"hash"`
	Alg     string    `json:"alg"`
	EntryAt time.Time `json:"entry_at"`
	// At is when the checkpoint was taken.
	At time.Time `json:"at"`
	// KeyID names the audit key that signed the checkpoint (not the key itself); empty when unsigned.
	KeyID string `json:"key_id,omitempty"`
	// SigAlg and Sig are the checkpoint's signature: an HMAC under a key derived from the audit key, over every
	// field above. A checkpoint of a chain without a key is unsigned.
	SigAlg string `json:"sig_alg,omitempty"`
	Sig    string `json:"sig,omitempty"`
}

// SignedText returns the bytes a checkpoint's signature covers: every field but the signature, in a fixed order.
func (c *AuditCheckpoint) SignedText() []byte {
	return []byte(strings.Join([]string{"gongkai audit checkpoint v1", strconv.FormatInt(c.Seq, 10), c.Hash, c.Alg,
		strconv.FormatInt(c.EntryAt.UTC().UnixMicro(), 10), strconv.FormatInt(c.At.UTC().UnixMicro(), 10), c.KeyID, c.SigAlg}, "\n"))
}

// AuditFilter selects audit entries; zero fields select everything. Conditions combine with AND.
type AuditFilter struct {
	// ActorID selects the entries of one account.
	ActorID *int64
	// ActorName selects entries by the actor's recorded name.
	ActorName string
	// Action selects one action, such as "agency.create".
	Action string
	// ObjectType and ObjectID select the entries about one kind of object, or one object.
	ObjectType, ObjectID string
	// From and To select entries at or after From and before To.
	From, To time.Time
	// Limit caps the number of entries (default 100, at most 1000); Offset skips the newest ones.
	Limit, Offset int
}

// VerifyResult is what a walk of the audit chain found.
type VerifyResult struct {
	// Entries is how many rows were read.
	Entries int64
	// OK is true when the chain is intact.
	OK bool
	// BrokenAt is the sequence number of the first row that does not fit the chain (0 when OK).
	BrokenAt int64
	// Problem says, in Chinese, what is wrong there.
	Problem string
	// LastSeq and LastHash identify the newest entry. Written down outside the database (a printed report, a
	// message to the auditor), they let a later check prove that nothing was cut from the end of the chain even by
	// someone who can rewrite the whole database.
	LastSeq  int64
	LastHash string
	// Keyed counts the entries hashed with the audit key; KeyedFrom is the first of them (0 when none).
	Keyed     int64
	KeyedFrom int64
	// NeedsKey is true when the check found nothing wrong but the chain holds keyed entries and it ran without the
	// audit key: they could not be checked, so OK is false without proof of tampering.
	NeedsKey bool
	// Checkpoints is how many checkpoints were compared with the chain.
	Checkpoints int
	// Pending counts the entries written but not yet chained by the sequencer (within a second or two normally);
	// each was checked against its own MAC, and Entries includes them.
	Pending int64
}

// AuditService reads the audit trail. Entries are written only by the store, inside the transaction of the change
// they record; no method updates or deletes them.
type AuditService interface {
	// ListAudit returns the entries the filter selects, newest first. An empty result is not an error.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// VerifyAudit walks the whole chain in order and reports the first entry that was edited, removed, inserted or
	// moved. A broken chain is a result, not an error; errors are reading failures only.
	VerifyAudit(ctx context.Context) (VerifyResult, error)
	// RecordEvent appends an entry for an action that changes no other row (an export, a sign-out).
	RecordEvent(ctx context.Context, actor Actor, action, objectType, objectID string) error
}
