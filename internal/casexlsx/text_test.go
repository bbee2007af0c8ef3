package casexlsx

import (
	"testing"

	"github.com/gongkai/gongkai/internal/workday"
)

func TestUnescapeOOXML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a_x000D_b", "a\rb"},
		{"_x005F_x000D_", "_x000D_"},
		{"_x005F_", "_"},
		{"_x12", "_x12"},
		{"_xZZZZ_", "_xZZZZ_"},
		{"申_x4E2D_请", "申中请"},
	}
	for _, tt := range tests {
		if got := unescapeOOXML(tt.in); got != tt.want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"申请", 4}, {"（）", 4}, {"2026-03-02", 10}, {"第一行\n长一些的第二行", 14},
	}
	for _, tt := range tests {
		if got := displayWidth(tt.in); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"收到日期*", "收到日期"},
		{" 收到日期 ＊ ", "收到日期"},
		{"*收到日期", "收到日期"},
		{"收到日期（必填）", "收到日期"},
		{"答复（办结）日期", "答复(办结)日期"},
		{"Email", "email"},
	}
	for _, tt := range tests {
		if got := headerKey(tt.in); got != tt.want {
			t.Errorf("headerKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithoutNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.属于国家秘密", "属于国家秘密"},
		{"（一）予以公开", "予以公开"},
		{"予以更正", "予以更正"},
		{"2024年", "2024年"},
	}
	for _, tt := range tests {
		if got := withoutNumber(tt.in); got != tt.want {
			t.Errorf("withoutNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in       string
		col, row int
		ok       bool
	}{
		{"A1", 1, 1, true}, {"$AB$12", 28, 12, true}, {"xfd1048576", 16384, 1048576, true},
		{"XFE1", 0, 0, false}, {"A1048577", 0, 0, false}, {"A0", 0, 0, false}, {"ABCD1", 0, 0, false},
		{"1A", 0, 0, false}, {"A", 0, 0, false}, {"A1B", 0, 0, false}, {"", 0, 0, false},
	}
	for _, tt := range tests {
		c, r, ok := parseRef(tt.in)
		if c != tt.col || r != tt.row || ok != tt.ok {
			t.Errorf("parseRef(%q) = %d, %d, %v; want %d, %d, %v", tt.in, c, r, ok, tt.col, tt.row, tt.ok)
		}
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		in       string
		date1904 bool
		want     workday.Date
		ok       bool
	}{
		{"46083", false, workday.NewDate(2026, 3, 2), true},
		{"46083.99", false, workday.NewDate(2026, 3, 2), true},
		{"44621", true, workday.NewDate(2026, 3, 2), true},
		{"61", false, workday.NewDate(1900, 3, 1), true},
		{"-1", false, workday.Date{}, false},
		{"NaN", false, workday.Date{}, false},
		{"x", false, workday.Date{}, false},
		{"3e6", false, workday.Date{}, false},
	}
	for _, tt := range tests {
		got, ok := serialDate(tt.in, tt.date1904)
		if got != tt.want || ok != tt.ok {
			t.Errorf("serialDate(%q, %v) = %s, %v; want %s, %v", tt.in, tt.date1904, got, ok, tt.want, tt.ok)
		}
	}
	if got := excelSerial(workday.NewDate(2026, 3, 2)); got != 46083 {
		t.Errorf("excelSerial(2026-03-02) = %v, want 46083", got)
	}
}
