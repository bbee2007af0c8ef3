// Package chart draws small charts as SVG for pages that must work without JavaScript and without external assets:
// a grouped bar chart with a value axis, ticks, category labels and a legend, marked up as an accessible image
// (role="img" with a <title> and a <desc>), so that a page can inline it beside a table of the same figures.
//
// It is pure: it writes text and knows nothing of the figures' meaning.
package chart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one set of bars: one value per category, drawn in one colour and named in the legend.
type Series struct {
	// Name is the legend's label ("本年新收申请").
	Name string
	// Values holds one non-negative value per category, in the categories' order.
	Values []float64
}

// Bars is a grouped bar chart: one group per category (e.g. a year), one bar per series in each group.
type Bars struct {
	// ID prefixes the ids of the chart's title and description; it must be unique in the page and start with a
	// letter (letters, digits, "-" and "_").
	ID string
	// Title names the chart (the image's accessible name); Desc describes it in a sentence or two.
	Title, Desc string
	// Categories label the groups along the horizontal axis ("2022年").
	Categories []string
	// Series are the bars of each group, in legend order.
	Series []Series
	// Unit is the values' unit, printed above the value axis ("件"); "" prints none.
	Unit string
	// Width and Height are the drawing's size in pixels (default 640 × 300); the drawing scales with its viewBox.
	Width, Height int
}

// palette holds the series' colours in order: the Okabe–Ito colours that stay distinct for colour-blind readers,
// darkened where needed so that every bar has at least 3:1 contrast against white (WCAG non-text contrast).
var palette = [MaxSeries]string{"#0072B2", "#C75000", "#007A5E", "#A8447F", "#6B5B00", "#3D6E9E", "#8F3B1B", "#4F4F4F"}

// MaxSeries is how many series a chart holds: beyond it the colours would repeat and the groups be unreadable.
const MaxSeries = 8

// Colour returns the colour of the i-th series (0-based), so that a page can repeat it beside its table.
func Colour(i int) string { return palette[((i%MaxSeries)+MaxSeries)%MaxSeries] }

// Geometry, in pixels.
const (
	fontSize    = 12.0
	smallFont   = 10.0
	margin      = 12.0
	swatch      = 12.0
	legendGap   = 18.0
	lineGap     = 6.0
	groupFill   = 0.8 // the part of a group's width its bars take
	tickTarget  = 5   // about how many intervals the value axis is divided into
	minBarLabel = 14.0
	textColour  = "#222222"
	gridColour  = "#D0D0D0"
	axisColour  = "#555555"
	fontFamily  = `"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif`
)

var idRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// check validates the chart, in Chinese for the page's log or for a developer.
func (b *Bars) check() error {
	switch {
	case !idRE.MatchString(b.ID):
		return fmt.Errorf("chart: 图表标识“%s”无效：应以字母开头，只含字母、数字、“-”和“_”", b.ID)
	case strings.TrimSpace(b.Title) == "":
		return errors.New("chart: 图表须有标题")
	case len(b.Categories) == 0:
		return errors.New("chart: 图表至少要有一个分类")
	case len(b.Categories) > 60:
		return errors.New("chart: 分类过多（最多 60 个）")
	case len(b.Series) == 0:
		return errors.New("chart: 图表至少要有一个数据系列")
	case len(b.Series) > MaxSeries:
		return fmt.Errorf("chart: 数据系列过多（最多 %d 个）", MaxSeries)
	case b.Width < 0 || b.Height < 0 || b.Width > 4000 || b.Height > 4000:
		return errors.New("chart: 图表尺寸应在 0—4000 像素之间")
	}
	for _, s := range b.Series {
		if len(s.Values) != len(b.Categories) {
			return fmt.Errorf("chart: 数据系列“%s”有 %d 个数值，而分类有 %d 个", s.Name, len(s.Values), len(b.Categories))
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("chart: 数据系列“%s”含有无效数值（须为非负数）", s.Name)
			}
		}
	}
	return nil
}

// Scale returns the value axis for values up to hi: a "nice" step (1, 2 or 5 times a power of ten, at least 1
// when whole is set) and the axis top, the first multiple of the step at or above hi, so that about
// tickTarget intervals cover the values. An empty chart (hi 0) gets one interval of 1.
func Scale(hi float64, whole bool) (step, top float64) {
	if !(hi > 0) || math.IsInf(hi, 0) {
		return 1, 1
	}
	raw := hi / tickTarget
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	if whole && step < 1 {
		step = 1
	}
	top = math.Ceil(hi/step-1e-9) * step
	return step, top
}

// textWidth estimates the drawn width of s at the font size: a Chinese character is one em wide, others about
// 0.6 em. It only has to keep the legend's items and the tick labels apart.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += size
		} else {
			w += 0.6 * size
		}
	}
	return w
}

// Number prints a value as the chart does: whole numbers without decimals, others with up to two.
func Number(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func esc(s string) string {
	var b strings.Builder
	// Text that is not valid UTF-8 would make the document unreadable; EscapeText replaces it.
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func px(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// legendItem is one entry of the legend, placed.
type legendItem struct {
	x, y   float64
	name   string
	colour string
}

// layoutLegend places the legend's items left to right from (left, top), wrapping within width; it returns them and
// the y below the last line.
func layoutLegend(series []Series, left, top, width float64) ([]legendItem, float64) {
	var out []legendItem
	x, y := left, top
	for i, s := range series {
		w := swatch + 4 + textWidth(s.Name, fontSize)
		if x > left && x+w > left+width {
			x, y = left, y+fontSize+lineGap
		}
		out = append(out, legendItem{x: x, y: y, name: s.Name, colour: Colour(i)})
		x += w + legendGap
	}
	return out, y + fontSize
}

// SVG draws the chart as a standalone <svg> element for inlining in HTML (or saving as a file). The drawing uses
// presentation attributes only, no style attributes or scripts, so a strict Content-Security-Policy allows it. Each
// bar carries its value in a <title> (a tooltip) and in data-value.
func (b *Bars) SVG() (string, error) {
	if err := b.check(); err != nil {
		return "", err
	}
	w, h := float64(b.Width), float64(b.Height)
	if w == 0 {
		w = 640
	}
	if h == 0 {
		h = 300
	}
	hi, whole := 0.0, true
	for _, s := range b.Series {
		for _, v := range s.Values {
			hi = math.Max(hi, v)
			whole = whole && v == math.Trunc(v)
		}
	}
	step, top := Scale(hi, whole)
	var ticks []float64
	for v := 0.0; v <= top+step/2; v += step {
		ticks = append(ticks, v)
	}
	labelW := 0.0
	for _, t := range ticks {
		labelW = math.Max(labelW, textWidth(Number(t), fontSize))
	}
	left, right := margin+labelW+6, w-margin
	if right-left < 40 {
		return "", errors.New("chart: 图表宽度不足以容纳坐标轴")
	}
	legend, legendBottom := layoutLegend(b.Series, left, margin, right-left)
	plotTop := legendBottom + lineGap + fontSize + 6 // room for the unit above the axis
	plotBottom := h - margin - fontSize - 6          // room for the category labels
	if plotBottom-plotTop < 40 {
		return "", errors.New("chart: 图表高度不足以容纳图例和坐标轴")
	}
	plotH := plotBottom - plotTop
	y := func(v float64) float64 { return plotBottom - v/top*plotH }

	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %s %s" width="%s" height="%s" font-family="%s" font-size="%s" fill="%s">`,
		b.ID, b.ID, px(w), px(h), px(w), px(h), esc(fontFamily), px(fontSize), textColour)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, b.ID, esc(b.Title))
	fmt.Fprintf(&s, `<desc id="%s-desc">%s</desc>`, b.ID, esc(b.Desc))
	s.WriteString(`<rect x="0" y="0" width="` + px(w) + `" height="` + px(h) + `" fill="#FFFFFF"/>`)

	// The legend.
	s.WriteString(`<g class="legend">`)
	for _, it := range legend {
		fmt.Fprintf(&s, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, px(it.x), px(it.y), px(swatch), px(swatch), it.colour)
		fmt.Fprintf(&s, `<text x="%s" y="%s">%s</text>`, px(it.x+swatch+4), px(it.y+swatch-1), esc(it.name))
	}
	s.WriteString(`</g>`)

	// The value axis: gridlines, ticks and their labels, and the unit above.
	s.WriteString(`<g class="axis y-axis">`)
	for _, t := range ticks {
		ty := y(t)
		fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, px(left), px(ty), px(right), px(ty), gridColour)
		fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, px(left-4), px(ty), px(left), px(ty), axisColour)
		fmt.Fprintf(&s, `<text class="tick" x="%s" y="%s" text-anchor="end">%s</text>`, px(left-6), px(ty+fontSize/3), Number(t))
	}
	fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, px(left), px(plotTop), px(left), px(plotBottom), axisColour)
	if b.Unit != "" {
		fmt.Fprintf(&s, `<text class="unit" x="%s" y="%s" text-anchor="end" font-size="%s">单位：%s</text>`, px(right), px(plotTop-6), px(smallFont), esc(b.Unit))
	}
	s.WriteString(`</g>`)

	// The bars, group by group, and the category labels under the axis.
	groupW := (right - left) / float64(len(b.Categories))
	barW := groupW * groupFill / float64(len(b.Series))
	s.WriteString(`<g class="bars">`)
	for ci, cat := range b.Categories {
		gx := left + float64(ci)*groupW + groupW*(1-groupFill)/2
		for si, ser := range b.Series {
			v := ser.Values[ci]
			bx, by := gx+float64(si)*barW, y(v)
			bh := plotBottom - by
			fmt.Fprintf(&s, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" data-series="%d" data-category="%d" data-value="%s"><title>%s %s：%s%s</title></rect>`,
				px(bx), px(by), px(math.Max(barW-1, 1)), px(bh), Colour(si), si, ci, Number(v), esc(cat), esc(ser.Name), Number(v), esc(b.Unit))
			if barW >= minBarLabel {
				fmt.Fprintf(&s, `<text class="value" x="%s" y="%s" text-anchor="middle" font-size="%s">%s</text>`, px(bx+barW/2), px(by-3), px(smallFont), Number(v))
			}
		}
		fmt.Fprintf(&s, `<text class="category" x="%s" y="%s" text-anchor="middle">%s</text>`, px(left+float64(ci)*groupW+groupW/2), px(plotBottom+fontSize+4), esc(cat))
	}
	s.WriteString(`</g>`)
	fmt.Fprintf(&s, `<line class="x-axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, px(left), px(plotBottom), px(right), px(plotBottom), axisColour)
	s.WriteString(`</svg>`)
	return s.String(), nil
}
