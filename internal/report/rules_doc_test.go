package report

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateRulesDoc = flag.Bool("update-rules-doc", false, "rewrite docs/report-rules.md from report.Rules")

// rulesDoc renders report.Rules as the Markdown page the README links to.
func rulesDoc() string {
	var b strings.Builder
	b.WriteString("# 年度报告检查规则（report check rules）\n\n")
	b.WriteString("Generated from `report.Rules` by `go test ./internal/report -run RulesDoc -update-rules-doc`; do not edit by hand.\n")
	b.WriteString("Rule ids are stable: they appear in findings and in `gongkai report check --json`.\n")
	b.WriteString("Importer findings (I-*) come from reading a published file: I-YEAR, I-AGENCY, I-CELLS, I-SPLIT, I-TRUNC, I-UNREAD.\n\n")
	b.WriteString("| 规则 | 级别 | 内容 |\n|---|---|---|\n")
	for _, r := range Rules {
		sev := "错误"
		if r.Severity == Warning {
			sev = "警告"
		}
		b.WriteString("| " + r.ID + " | " + sev + " | " + r.Text + " |\n")
	}
	return b.String()
}

func TestRulesDocIsCurrent(t *testing.T) {
	const path = "../../docs/report-rules.md"
	want := rulesDoc()
	if *updateRulesDoc {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-rules-doc)", err)
	}
	if string(got) != want {
		t.Errorf("docs/report-rules.md is out of date: run go test ./internal/report -run RulesDoc -update-rules-doc")
	}
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] {
			t.Errorf("rule id %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
}
