package disclosure

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Actor is who makes a change, recorded in the audit trail with every change.
type Actor struct {
	UserID     *int64
	Name       string
	Role       string
	RemoteAddr string
}

// SystemActor is the actor of changes made by gongkai itself (migrations, the demo, command-line tools).
var SystemActor = Actor{Name: "系统", Role: "system"}

// AuditEntry is one row of the append-only, hash-chained audit trail.
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

// GenesisHash is the PrevHash of the first entry.
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
