package store

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// SM3 is the real GB/T 32905 function: the standard's own example, "abc".
func TestAuditSM3IsTheStandardFunction(t *testing.T) {
	h, err := AuditConfig{Hash: "sm3"}.newHash(disclosure.AuditSM3)
	if err != nil {
		t.Fatal(err)
	}
	h.Write([]byte("abc"))
	if got, want := hex.EncodeToString(h.Sum(nil)), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"; got != want {
		t.Errorf("sm3(abc) = %s, want %s", got, want)
	}
	if _, err := (AuditConfig{}).newHash(disclosure.AuditHMACSM3); err != errNoAuditKey {
		t.Errorf("HMAC without a key: %v", err)
	}
}

func TestAuditKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	key, err := CreateAuditKey(path)
	if err != nil || len(key) != 32 {
		t.Fatalf("create: %d bytes, %v", len(key), err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", fi.Mode(), err)
	}
	if _, err := CreateAuditKey(path); !os.IsExist(err) {
		t.Errorf("an existing key was replaced: %v", err)
	}
	got, err := LoadAuditKey(path)
	if err != nil || hex.EncodeToString(got) != hex.EncodeToString(key) {
		t.Errorf("load = %x, %v", got, err)
	}
	short := filepath.Join(t.TempDir(), "short.key")
	os.WriteFile(short, []byte("# too short\n0011223344\n"), 0o600)
	if _, err := LoadAuditKey(short); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("short key: %v", err)
	}
	if _, err := LoadAuditKey(filepath.Join(t.TempDir(), "missing")); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("missing key: %v", err)
	}
	var db DB
	if err := db.SetAuditConfig(AuditConfig{Key: key[:16]}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("16-byte key: %v", err)
	}
	if err := db.SetAuditConfig(AuditConfig{Key: key, Hash: "md5"}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("md5: %v", err)
	}
}

// A checkpoint is due at start, after Every entries, and after Interval if anything was added.
func TestAuditCheckpointsAreDue(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	c := &AuditCheckpointer{Every: 10, Interval: time.Hour}
	if !c.due(0, t0) {
		t.Error("no checkpoint at start")
	}
	c.last, c.lastTime, c.written = 5, t0, true
	for _, tc := range []struct {
		seq   int64
		after time.Duration
		want  bool
	}{
		{5, 2 * time.Hour, false}, {14, time.Minute, false}, {15, time.Minute, true}, {6, 59 * time.Minute, false}, {6, time.Hour, true},
	} {
		if got := c.due(tc.seq, t0.Add(tc.after)); got != tc.want {
			t.Errorf("due(%d, +%v) = %v", tc.seq, tc.after, got)
		}
	}
}
