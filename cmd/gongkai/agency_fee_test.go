package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/store"
)

// `agency set --fee-method` fixes the method of 国办函〔2020〕109号 that the agency's 指南 states; any goes back to
// choosing one per application (issue 13, item 2).
func TestAgencySetFeeMethod(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县人民政府"); code != 0 {
		t.Fatal(errOut)
	}
	method := func() string {
		t.Helper()
		db, err := store.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		a, err := db.GetAgency(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		return a.Settings.Extra["fee_method"]
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "1", "--fee-method", "按量计收"); code != 0 || method() != "per_page" {
		t.Errorf("按量计收: %d %s, stored %q", code, errOut, method())
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "1", "--fee-method", "按页"); code != 2 || !strings.Contains(errOut, "按件计收（per_case）") || method() != "per_page" {
		t.Errorf("unknown method: %d %s", code, errOut)
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "1", "--fee-method", "any"); code != 0 || method() != "" {
		t.Errorf("any: %d %s, stored %q", code, errOut, method())
	}
}
