package disclosure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
}

// GenesisHash is the PrevHash of the first entry: 64 zeros.
var GenesisHash = strings.Repeat("0", 64)

// ComputeHash returns the entry's hash: SHA-256 over the previous hash and every field in a fixed, unambiguous
// encoding (each field length-prefixed), so editing, deleting or reordering any row breaks the chain.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	actor := ""
	if e.ActorID != nil {
		actor = strconv.FormatInt(*e.ActorID, 10)
	}
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UTC().UnixMicro(), 10), actor, e.ActorName,
		e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID, string(e.Before), string(e.After),
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
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
