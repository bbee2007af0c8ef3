package main

import (
	"strings"
	"testing"
)

func TestDeadline(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		due      string
		explain  string
		warnings []string
	}{
		{"spring festival 2026", []string{"deadline", "--from", "2026-02-10", "--days", "20"}, "2026-03-16",
			"20个工作日，自2026年2月10日起算（当日不计入），跳过春节假期2月15日—23日，2月14日、28日为调休上班日（计入），截止2026年3月16日。", nil},
		{"days default to 20", []string{"deadline", "--from", "2026/2/10"}, "2026-03-16", "", nil},
		{"two pauses", []string{"deadline", "--from", "2026-02-10", "--pause", "2026-02-12:2026-02-13", "--pause", "2026-02-26:2026-03-03"}, "2026-03-25",
			"其中2026年2月12日—13日暂停计算期间不计入，共2个工作日；2026年2月26日—3月3日暂停计算期间不计入，共5个工作日", nil},
		{"a one-day pause", []string{"deadline", "--from", "2026-02-10", "--pause", "2026年3月16日"}, "2026-03-17", "", nil},
		{"seven days for a correction", []string{"deadline", "--days", "7", "--from", "2026-09-30"}, "2026-10-15", "", nil},
		// 1 January is a holiday every year (《全国年节及纪念日放假办法》): assumed until 2027's notice is entered.
		{"into 2027 warns", []string{"deadline", "--from", "2026-12-15"}, "2027-01-13", "元旦（推定）",
			[]string{"注意：2027年的节假日安排尚未录入，期限按周一至周五为工作日、1月1日元旦放假推定，为暂定日期；国务院办公厅发布通知并录入后将重新计算。"}},
		{"zero days", []string{"deadline", "--from", "2026-03-02", "--days", "0"}, "2026-03-02", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runMain(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if got := lines[0]; got != tt.due {
				t.Errorf("first line = %q, want %q", got, tt.due)
			}
			if len(lines) < 2 || !strings.Contains(lines[1], tt.explain) || !strings.HasSuffix(lines[1], "截止"+chinese(tt.due)+"。") {
				t.Errorf("explanation = %q, want it to contain %q", lines[1:], tt.explain)
			}
			if got := lines[2:]; strings.Join(got, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings = %q, want %q", got, tt.warnings)
			}
		})
	}
}

// chinese turns "2026-03-16" into "2026年3月16日" without going through the package under test.
func chinese(iso string) string {
	p := strings.Split(iso, "-")
	return p[0] + "年" + strings.TrimLeft(p[1], "0") + "月" + strings.TrimLeft(p[2], "0") + "日"
}

func TestDeadlineBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no start date", []string{"deadline"}, "请用 --from 填写起算日"},
		{"bad start date", []string{"deadline", "--from", "2026-02-30"}, "2026年2月只有28天"},
		{"unreadable start date", []string{"deadline", "--from", "next monday"}, "无法识别日期"},
		{"negative days", []string{"deadline", "--from", "2026-02-10", "--days", "-1"}, "--days -1 无效"},
		{"too many days", []string{"deadline", "--from", "2026-02-10", "--days", "99999"}, "--days 99999 无效"},
		{"days not a number", []string{"deadline", "--from", "2026-02-10", "--days", "二十"}, "invalid value"},
		{"bad pause date", []string{"deadline", "--from", "2026-02-10", "--pause", "2026-03-02:2026-03-32"}, "暂停期间“2026-03-02:2026-03-32”的结束日有误"},
		{"reversed pause", []string{"deadline", "--from", "2026-02-10", "--pause", "2026-03-06:2026-03-02"}, "结束日早于开始日"},
		{"bad pause start", []string{"deadline", "--from", "2026-02-10", "--pause", "x:2026-03-02"}, "开始日有误"},
		{"stray argument", []string{"deadline", "--from", "2026-02-10", "20"}, "多余的参数"},
		{"unknown flag", []string{"deadline", "--from", "2026-02-10", "--dyas", "20"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runMain(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr = %q, want it to mention %q", errOut, tt.want)
			}
		})
	}
}

func TestDeadlineInUsage(t *testing.T) {
	out, _, code := runMain(t, "help")
	if code != 0 || !strings.Contains(out, "gongkai deadline --from 2026-02-10 --days 20 [--pause 2026-03-02:2026-03-06 …]") {
		t.Errorf("usage lacks the deadline line (exit %d)", code)
	}
}
