package web

import "testing"

func TestScrollableTables(t *testing.T) {
	const wrap = tableWrapOpen
	for _, tc := range []struct{ name, in, want string }{
		{"no table", `<p>a &lt;table&gt; b</p>`, `<p>a &lt;table&gt; b</p>`},
		{"one table", `<p>x</p><table class="t"><tr><td>1</td></tr></table><p>y</p>`,
			`<p>x</p>` + wrap + `<table class="t"><tr><td>1</td></tr></table></div><p>y</p>`},
		{"a nested table stays in its parent's box", `<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table><TABLE></TABLE>`,
			wrap + `<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table></div>` + wrap + `<TABLE></TABLE></div>`},
		{"an unclosed table still closes its box", `<table><tr><td>1`, wrap + `<table><tr><td>1</div>`},
		{"text that looks like a tag is left alone", `<p title="&lt;table">&lt;table&gt;</p><table></table>`,
			`<p title="&lt;table">&lt;table&gt;</p>` + wrap + `<table></table></div>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := scrollableTables(tc.in); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
