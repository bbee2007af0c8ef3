package casework

import "testing"

func TestSimilarRequests(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		lo, hi float64
	}{
		{"the same request", "2025年度本县疫苗接种点名单", "2025年度本县疫苗接种点名单", 1, 1},
		{"the same request with punctuation and spaces", "2025年度本县疫苗接种点名单。", "2025年度 本县疫苗接种点名单", 1, 1},
		{"a small edit", "2025年度本县疫苗接种点名单", "请提供2025年度本县疫苗接种点的名单", 0.6, 0.99},
		{"unrelated requests", "2025年度本县疫苗接种点名单", "县人民医院2024年财务决算", 0, 0.1},
		{"an empty text", "", "县人民医院2024年财务决算", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Similar(tt.a, tt.b); got < tt.lo || got > tt.hi {
				t.Errorf("Similar = %.2f, want %.2f–%.2f", got, tt.lo, tt.hi)
			}
			if got, back := Similar(tt.a, tt.b), Similar(tt.b, tt.a); got != back {
				t.Errorf("not symmetric: %.2f / %.2f", got, back)
			}
		})
	}
}
