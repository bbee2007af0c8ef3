package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's scenario command on the project's library: every file replays as it says (exit 0); a file with a
// refused step it does not expect exits 1; an unreadable file exits 2 with a line saying which.
func TestScenarioRunExitStatus(t *testing.T) {
	out, errOut, code := runMain(t, "scenario", "run", "../../testdata/scenarios/")
	if code != 0 {
		t.Fatalf("the library: exit %d\n%s\n%s", code, errOut, out)
	}
	if strings.Count(out, "年度报告：") < 62 || !strings.Contains(out, "✗") {
		t.Errorf("the table lacks the report lines or the refused steps:\n%.2000s", out)
	}
	dir := t.TempDir()
	refused := filepath.Join(dir, "refused.json")
	os.WriteFile(refused, []byte(`{"agency":{"name":"平阴县卫生健康局"},"applicant":{"type":"natural_person"},
		"steps":[{"date":"2026-03-02","action":"receive"},{"date":"2026-03-31","action":"extend","days":5}]}`), 0o600)
	out, _, code = runMain(t, "scenario", "run", "--json", refused)
	if code != 1 {
		t.Errorf("an extension after the deadline: exit %d, want 1", code)
	}
	var res struct {
		Steps []struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		} `json:"steps"`
		Report *struct{ Row string } `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Steps) != 2 || res.Steps[1].OK || !strings.Contains(res.Steps[1].Error, "届满") {
		t.Errorf("json output %v: %s", err, out)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"steps":`), 0o600)
	_, errOut, code = runMain(t, "scenario", "run", bad, refused)
	if code != 2 || !strings.Contains(errOut, "bad.json") {
		t.Errorf("an unreadable file: exit %d, stderr %q", code, errOut)
	}
}
