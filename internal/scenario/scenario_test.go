package scenario

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
)

const library = "../../testdata/scenarios"

// TestLibrary replays the project's scenario library: every expectation written in the files must hold, every
// step the law refuses must be one the file expects to be refused, and the library must cover every action, every
// outcome of section 三 and both fee methods.
func TestLibrary(t *testing.T) {
	files, err := Files([]string{library})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("%d scenarios in the library, want at least 40", len(files))
	}
	actions, outcomes, methods := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Checks) == 0 {
				t.Error("the scenario does not name the article it checks (\"checks\")")
			}
			res, err := Run(f, path)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Mismatches {
				t.Error(m)
			}
			expects := 0
			for i, st := range f.Steps {
				actions[st.Action] = true
				if st.Method != "" {
					methods[st.Method] = true
				}
				if st.Expect != nil {
					expects++
				}
				sr := res.Steps[i]
				if !sr.OK && (st.Expect == nil || st.Expect.OK == nil || *st.Expect.OK) {
					t.Errorf("step %d (%s %s) was refused unexpectedly: %s", i+1, st.Date, st.Action, sr.Error)
				}
				if sr.OK && st.Action == "reply" {
					outcomes[st.Outcome] = true
				}
				if sr.OK && st.Action == "forward" {
					outcomes[string(disclosure.UnableNotHeld)] = true
				}
				if sr.OK && st.Action == "fix_lapsed" {
					outcomes[string(disclosure.OtherNoCorrection)] = true
				}
				if sr.OK && st.Action == "fee_lapsed" {
					outcomes[string(disclosure.OtherNoFee)] = true
				}
				if sr.OK && st.Action == "withdraw" {
					outcomes[string(disclosure.OtherOther)] = true
				}
			}
			if expects == 0 && f.Expect == nil {
				t.Error("the scenario states no expectation: it would pass whatever the system did")
			}
		})
	}
	for _, a := range []string{"receive", "request_fix", "fix_received", "fix_delivered", "fix_lapsed", "consult", "consult_delivered",
		"consult_answered", "extend", "fee_notice", "fee_notice_delivered", "fee_paid", "fee_waived", "fee_lapsed", "ask_reasons",
		"reasons_delivered", "reasons_received", "reply", "forward", "withdraw", "delivered", "archive", "reconsideration", "lawsuit"} {
		if !actions[a] {
			t.Errorf("no scenario uses the action %s", a)
		}
	}
	for _, o := range disclosure.Outcomes() {
		if !outcomes[string(o.ID)] {
			t.Errorf("no scenario ends with the outcome %s (%s)", o.ID, o.Label)
		}
	}
	for _, m := range []string{"per_case", "per_page"} {
		if !methods[m] {
			t.Errorf("no scenario charges a fee %s", m)
		}
	}
}

// TestIssueExample replays the example of the issue that asked for scenarios, and checks the answer in the form
// it promised: the deadline and its explanation, the fee with its payment date, the notice as printed, the row.
func TestIssueExample(t *testing.T) {
	f, err := Parse(strings.NewReader(`{
  "agency": {"name": "平阴县卫生健康局", "government": "平阴县人民政府"},
  "applicant": {"type": "natural_person"},
  "prior_this_month": 0,
  "steps": [
    {"date": "2026-03-06", "action": "receive", "channel": "online"},
    {"date": "2026-03-09", "action": "request_fix", "items": "请明确所需信息的名称或文号"},
    {"date": "2026-03-12", "action": "fix_received"},
    {"date": "2026-03-13", "action": "consult", "party": "third_party"},
    {"date": "2026-03-16", "action": "consult_delivered"},
    {"date": "2026-03-27", "action": "consult_answered"},
    {"date": "2026-03-30", "action": "extend", "days": 20},
    {"date": "2026-04-01", "action": "fee_notice", "method": "per_page", "units": 120},
    {"date": "2026-04-03", "action": "fee_notice_delivered"},
    {"date": "2026-04-10", "action": "fee_paid"},
    {"date": "2026-04-20", "action": "reply", "outcome": "refused.process_info"}
  ]
}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, "example.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range res.Steps {
		if !s.OK {
			t.Errorf("step %d %s refused: %s", i+1, s.Action, s.Error)
		}
	}
	// Receipt on Friday 6 March: 20 working days → 3 April.
	if got := res.Steps[0].Deadline; got != "2026-04-03" {
		t.Errorf("deadline after receipt %s, want 2026-04-03", got)
	}
	// The corrected application restarts the period (Art 30): 20 working days from 12 March, 清明 skipped → 10 April.
	if got := res.Steps[2].Deadline; got != "2026-04-10" {
		t.Errorf("deadline after the correction %s, want 2026-04-10", got)
	}
	// The third party's 15 working days run from its receipt on 16 March (Art 32) → 7 April.
	if got := res.Steps[4].StepDue; got != "2026-04-07" {
		t.Errorf("third party's period ends %s, want 2026-04-07", got)
	}
	// 120 pages: 70 × 10 + 20 × 20 = 1,100 元, payable within 20 working days from the day after receipt (Friday
	// 3 April; 清明 4–6 April and 劳动节 1–5 May off): Apr 7–10 (4), 13–17 (9), 20–24 (14), 27–30 (18), May 6 (19),
	// May 7 (20).
	if got := res.Steps[8].Fee; got.Yuan != 1100 || got.PayBy != "2026-05-07" {
		t.Errorf("fee %+v, want 1100 元 payable by 2026-05-07", got)
	}
	n := res.Steps[10].Notice
	if n == nil || n.Title != "政府信息不予公开告知书" || !strings.Contains(n.Text, "应当先自收到本告知书之日起60日内向平阴县人民政府申请行政复议") || strings.Contains(n.Text, "6个月内") {
		t.Errorf("reply notice %+v", n)
	}
	want := Cell{Year: 2026, Section: "三", Row: "6.属于四类过程性信息", Column: "自然人"}
	if res.Report == nil || *res.Report != want {
		t.Errorf("report %+v, want %+v", res.Report, want)
	}
	raw, _ := json.Marshal(res)
	for _, key := range []string{`"deadline":`, `"explanation":`, `"fee":{"yuan":`, `"pay_by":`, `"notice":{`, `"report":{"year":2026,"section":"三"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// TestHostileFiles: a scenario file is user input; bad input gets a message saying what to fix, never a panic.
func TestHostileFiles(t *testing.T) {
	for name, src := range map[string]string{
		"not json":       `{"steps": [`,
		"unknown key":    `{"agency":{"name":"x"},"applicant":{"type":"natural_person"},"stepz":[]}`,
		"no steps":       `{"agency":{"name":"x"},"applicant":{"type":"natural_person"},"steps":[]}`,
		"first not recv": `{"agency":{"name":"x"},"applicant":{"type":"natural_person"},"steps":[{"date":"2026-03-02","action":"reply"}]}`,
	} {
		if _, err := Parse(strings.NewReader(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	f, err := Parse(strings.NewReader(`{"agency":{"name":"x"},"applicant":{"type":"alien"},"steps":[{"date":"2026-02-30","action":"receive"},{"date":"2026-03-02","action":"fly"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, "bad.json")
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps[0].OK || !strings.Contains(res.Steps[0].Error, "日期") || res.Steps[1].OK {
		t.Errorf("steps %+v", res.Steps)
	}
	if _, err := Run(&File{Agency: Agency{Name: "x", Settings: json.RawMessage(`{"reply_working_days": 30}`)}, Steps: []Step{{Action: "receive"}}}, "x"); err == nil || !strings.Contains(err.Error(), "1—20") {
		t.Errorf("settings beyond the law accepted: %v", err)
	}
	steps := []Step{{Date: "2026-03-02", Action: "receive"}, {Date: "2026-03-01", Action: "withdraw"}}
	res, _ = Run(&File{Agency: Agency{Name: "x"}, Applicant: Applicant{Type: "natural_person"}, Steps: steps}, "x")
	if res.Steps[1].OK || !slices.ContainsFunc(res.Steps, func(s StepResult) bool { return strings.Contains(s.Error, "时间顺序") }) {
		t.Errorf("steps out of order accepted: %+v", res.Steps[1])
	}
}

// BenchmarkReplay replays the library over and over: the issue asks for 1,000 scenarios in under 5 s.
func BenchmarkReplay(b *testing.B) {
	files, err := Files([]string{library})
	if err != nil {
		b.Fatal(err)
	}
	var parsed []*File
	for _, p := range files {
		raw, _ := os.ReadFile(p)
		f, err := Parse(strings.NewReader(string(raw)))
		if err != nil {
			b.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1000; j++ {
			if _, err := Run(parsed[j%len(parsed)], "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/1000-scenarios")
}
