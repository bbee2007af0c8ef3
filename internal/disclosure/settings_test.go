package disclosure

import (
	"strings"
	"testing"
)

func TestFormatIndex(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"{uscc}/{year}-{serial:05d}", "113701243072282028/2025-00042"},
		{"{division}-{year}-{serial}", "370124-2025-42"},
		{"PY{year}{serial:07d}", "PY20250000042"},
	} {
		got, err := FormatIndex(tc.format, "113701243072282028", "370124", 2025, 42)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.format, got, err, tc.want)
		}
	}
	for format, want := range map[string]string{"{uscc}/{year}-{serial": "没有对应", "{org}/{serial}": "未知的项", "{serial:5}": "宽度"} {
		if _, err := FormatIndex(format, "x", "y", 2025, 1); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", format, err)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	if got := (AgencySettings{ReplyWorkingDays: 15}).WithDefaults(); got.ReplyWorkingDays != 15 || got.IndexFormat == "" || got.ExtensionWorkingDays != 20 {
		t.Errorf("defaults: %+v", got)
	}
	for want, mutate := range map[string]func(s *AgencySettings){
		"须包含序号":     func(s *AgencySettings) { s.IndexFormat = "{uscc}/{year}" },
		"1—20 个工作日": func(s *AgencySettings) { s.ReplyWorkingDays = 30 },
		"延期最长":      func(s *AgencySettings) { s.ExtensionWorkingDays = 25 },
		"计算方式":      func(s *AgencySettings) { s.ReceiptOnNonWorkingDay = "whenever" },
		"设置项名称":     func(s *AgencySettings) { s.Extra = map[string]string{"9lives": "x"} },
		"值过长":       func(s *AgencySettings) { s.Extra = map[string]string{"note": strings.Repeat("长", 1001)} },
	} {
		s := DefaultSettings()
		mutate(&s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
}
