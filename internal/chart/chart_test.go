package chart

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// node is any element of the drawing, read back with encoding/xml.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// walk calls f on every element, depth first.
func (n *node) walk(f func(*node)) {
	f(n)
	for i := range n.Children {
		n.Children[i].walk(f)
	}
}

func (n *node) find(local, class string) []*node {
	var out []*node
	n.walk(func(c *node) {
		if c.XMLName.Local == local && (class == "" || strings.Contains(" "+c.attr("class")+" ", " "+class+" ")) {
			out = append(out, c)
		}
	})
	return out
}

func parse(t *testing.T, svg string) *node {
	t.Helper()
	var root node
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
	}
	return &root
}

func fiveYears() *Bars {
	return &Bars{
		ID: "trend", Title: "近五年依申请公开情况", Desc: "2022—2026年本年新收、办结和结转申请数。", Unit: "件",
		Categories: []string{"2022年", "2023年", "2024年", "2025年", "2026年"},
		Series: []Series{
			{Name: "本年新收申请", Values: []float64{12, 30, 0, 47, 18}},
			{Name: "办结", Values: []float64{10, 31, 2, 40, 20}},
			{Name: "结转下年度", Values: []float64{2, 1, 0, 7, 5}},
		},
	}
}

func TestBarHeightsAreProportionalToTheValues(t *testing.T) {
	b := fiveYears()
	svg, err := b.SVG()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, svg)
	bars := root.find("rect", "bar")
	if got, want := len(bars), 15; got != want {
		t.Fatalf("%d bars, want %d", got, want)
	}
	// Every bar stands on the same baseline, and its height divided by its value is the same for all of them.
	perUnit, base := 0.0, 0.0
	for _, r := range bars {
		si, _ := strconv.Atoi(r.attr("data-series"))
		ci, _ := strconv.Atoi(r.attr("data-category"))
		want := b.Series[si].Values[ci]
		if got := r.num(t, "data-value"); got != want {
			t.Errorf("bar %d/%d carries %v, want %v", si, ci, got, want)
		}
		h, bottom := r.num(t, "height"), r.num(t, "y")+r.num(t, "height")
		if base == 0 {
			base = bottom
		}
		if math.Abs(bottom-base) > 0.02 {
			t.Errorf("bar %d/%d ends at %v, the others at %v", si, ci, bottom, base)
		}
		if want == 0 {
			if h != 0 {
				t.Errorf("a zero bar is %v high", h)
			}
			continue
		}
		if perUnit == 0 {
			perUnit = h / want
		}
		if math.Abs(h/want-perUnit) > 0.01 {
			t.Errorf("bar %d/%d: %v px for %v, others %v px per unit", si, ci, h, want, perUnit)
		}
		if !strings.Contains(r.Children[0].Text, b.Categories[ci]) || !strings.Contains(r.Children[0].Text, b.Series[si].Name) {
			t.Errorf("bar tooltip %q", r.Children[0].Text)
		}
	}
	// The axis runs to 50 in steps of 10, and its top tick is where a bar of 50 would end.
	var ticks []string
	for _, tk := range root.find("text", "tick") {
		ticks = append(ticks, tk.Text)
	}
	if diff := cmp.Diff([]string{"0", "10", "20", "30", "40", "50"}, ticks); diff != "" {
		t.Errorf("ticks (-want +got):\n%s", diff)
	}
	topTick := root.find("text", "tick")[5]
	if got, want := topTick.num(t, "y")-fontSize/3, base-50*perUnit; math.Abs(got-want) > 0.05 {
		t.Errorf("the top tick is at %v, a bar of 50 would end at %v", got, want)
	}
}

func TestTheChartIsAnAccessibleImageWithALegendAndLabels(t *testing.T) {
	svg, err := fiveYears().SVG()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, svg)
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("aria-labelledby") != "trend-title trend-desc" {
		t.Errorf("root %s role=%q labelledby=%q", root.XMLName.Local, root.attr("role"), root.attr("aria-labelledby"))
	}
	if len(root.Children) < 2 || root.Children[0].XMLName.Local != "title" || root.Children[0].Text != "近五年依申请公开情况" || root.Children[1].XMLName.Local != "desc" {
		t.Error("the first children are not <title> and <desc>")
	}
	var legend, cats []string
	for _, g := range root.find("g", "legend") {
		for _, tx := range g.find("text", "") {
			legend = append(legend, tx.Text)
		}
	}
	for _, tx := range root.find("text", "category") {
		cats = append(cats, tx.Text)
	}
	if diff := cmp.Diff([]string{"本年新收申请", "办结", "结转下年度"}, legend); diff != "" {
		t.Errorf("legend (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2022年", "2023年", "2024年", "2025年", "2026年"}, cats); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	if u := root.find("text", "unit"); len(u) != 1 || u[0].Text != "单位：件" {
		t.Errorf("unit label %v", u)
	}
	// Each series keeps its colour in the legend and on its bars; the drawing has no script and no style attribute.
	swatches := root.find("g", "legend")[0].find("rect", "")
	for _, r := range root.find("rect", "bar") {
		si, _ := strconv.Atoi(r.attr("data-series"))
		if r.attr("fill") != swatches[si].attr("fill") || r.attr("fill") != Colour(si) {
			t.Errorf("bar of series %d is %s, its legend %s", si, r.attr("fill"), swatches[si].attr("fill"))
		}
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "style=") || strings.Contains(svg, "href") {
		t.Error("the drawing holds a script, a style attribute or a link")
	}
}

func TestTextIsEscaped(t *testing.T) {
	b := fiveYears()
	b.Title, b.Series[0].Name, b.Categories[0] = `<script>alert(1)</script>`, `A & B "引号"`, "2022年</text>"
	svg, err := b.SVG()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, svg)
	if root.Children[0].Text != `<script>alert(1)</script>` || len(root.find("script", "")) != 0 {
		t.Errorf("title read back as %q", root.Children[0].Text)
	}
	if got := root.find("text", "category")[0].Text; got != "2022年</text>" {
		t.Errorf("category read back as %q", got)
	}
}

func TestAnEmptyChartStillHasAnAxis(t *testing.T) {
	b := fiveYears()
	for i := range b.Series {
		b.Series[i].Values = make([]float64, 5)
	}
	svg, err := b.SVG()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, svg)
	var ticks []string
	for _, tk := range root.find("text", "tick") {
		ticks = append(ticks, tk.Text)
	}
	if diff := cmp.Diff([]string{"0", "1"}, ticks); diff != "" {
		t.Errorf("ticks of an empty chart (-want +got):\n%s", diff)
	}
	for _, r := range root.find("rect", "bar") {
		if r.num(t, "height") != 0 {
			t.Errorf("a zero bar is %s high", r.attr("height"))
		}
	}
}

func TestScale(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hi        float64
		whole     bool
		step, top float64
	}{
		{"nothing: one interval of 1", 0, true, 1, 1},
		{"a single case", 1, true, 1, 1},
		{"a few cases: steps of 1", 4, true, 1, 4},
		{"tens: steps of 10", 47, true, 10, 50},
		{"exactly on a step", 50, true, 10, 50},
		{"hundreds: steps of 50", 230, true, 50, 250},
		{"thousands: steps of 500", 2345, true, 500, 2500},
		{"amounts below one keep fractions", 0.8, false, 0.2, 0.8},
		{"counts below one step at least 1", 0.8, true, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step, top := Scale(tc.hi, tc.whole)
			if math.Abs(step-tc.step) > 1e-9 || math.Abs(top-tc.top) > 1e-9 {
				t.Errorf("Scale(%v) = %v, %v; want %v, %v", tc.hi, step, top, tc.step, tc.top)
			}
		})
	}
}

func TestBadChartsAreRefusedInChinese(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Bars)
		want   string
	}{
		{"no id", func(b *Bars) { b.ID = "" }, "图表标识"},
		{"an id that is not a name", func(b *Bars) { b.ID = `x" onload="alert(1)` }, "图表标识"},
		{"no title", func(b *Bars) { b.Title = " " }, "标题"},
		{"no categories", func(b *Bars) { b.Categories = nil }, "分类"},
		{"no series", func(b *Bars) { b.Series = nil }, "数据系列"},
		{"too many series", func(b *Bars) { b.Series = make([]Series, MaxSeries+1) }, "数据系列过多"},
		{"a value missing", func(b *Bars) { b.Series[1].Values = b.Series[1].Values[:4] }, "有 4 个数值"},
		{"a negative value", func(b *Bars) { b.Series[0].Values[2] = -1 }, "非负数"},
		{"not a number", func(b *Bars) { b.Series[0].Values[2] = math.NaN() }, "非负数"},
		{"infinite", func(b *Bars) { b.Series[0].Values[2] = math.Inf(1) }, "非负数"},
		{"too narrow", func(b *Bars) { b.Width = 50 }, "宽度不足"},
		{"too low", func(b *Bars) { b.Height = 60 }, "高度不足"},
		{"absurdly large", func(b *Bars) { b.Width = 100000 }, "尺寸"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fiveYears()
			tc.change(b)
			svg, err := b.SVG()
			if err == nil || !strings.Contains(err.Error(), tc.want) || svg != "" {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestLongLegendsWrap(t *testing.T) {
	b := fiveYears()
	b.Width = 260
	for i := range b.Series {
		b.Series[i].Name = strings.Repeat("很长的图例名称", 2)
	}
	svg, err := b.SVG()
	if err != nil {
		t.Fatal(err)
	}
	root := parse(t, svg)
	sw := root.find("g", "legend")[0].find("rect", "")
	if sw[0].attr("y") == sw[2].attr("y") {
		t.Error("a legend wider than the chart did not wrap")
	}
	for _, r := range sw {
		if r.num(t, "x")+swatch > 260 {
			t.Errorf("a legend item starts outside the drawing at x=%s", r.attr("x"))
		}
	}
}
