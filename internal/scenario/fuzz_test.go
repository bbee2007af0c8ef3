package scenario

import (
	"os"
	"strings"
	"testing"
)

// FuzzScenario: a scenario file is written by people and passed around; whatever it holds, parsing and replaying it
// gives a result or an error in Chinese, never a panic.
func FuzzScenario(f *testing.F) {
	files, _ := Files([]string{library})
	for _, p := range files[:min(len(files), 12)] {
		raw, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(raw))
		}
	}
	f.Add(`{"agency":{"name":"x"},"applicant":{"type":"natural_person"},"steps":[{"date":"2026-03-02","action":"receive"},{"date":"9999-12-31","action":"extend","days":-5}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := Parse(strings.NewReader(src))
		if err != nil {
			return
		}
		if len(sc.Steps) > 50 {
			return // a replay per step; the parser's limit keeps files small anyway
		}
		res, err := Run(sc, "fuzz.json")
		if err == nil && len(res.Steps) != len(sc.Steps) {
			t.Fatalf("%d results for %d steps", len(res.Steps), len(sc.Steps))
		}
	})
}
