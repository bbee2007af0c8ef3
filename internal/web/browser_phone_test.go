package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// phoneWidth is the width of a common phone's screen in CSS pixels (iPhone 12 to 15).
const phoneWidth = 390

// overflowJS lists what in main reaches beyond the viewport's right or left edge: elements and runs of text, each
// described by a CSS-like path, its text and its edges. What is clipped by a scrolling (or clipping) container that
// itself fits is not listed — a wide table may scroll inside its own box — nor is what is hidden or 1 px or less
// (visually hidden labels, the honeypot field).
const overflowJS = `(() => {
  const vw = document.documentElement.clientWidth;
  const main = document.querySelector("main");
  const describe = el => {
    const parts = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      let s = e.localName;
      if (e.id) { parts.unshift(s + "#" + e.id); break; }
      if (e.classList.length) s += "." + [...e.classList].join(".");
      parts.unshift(s);
    }
    return parts.join(" > ");
  };
  // clipped says whether a box that scrolls or clips, and itself fits, holds node.
  const clipped = node => {
    for (let e = node.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") {
        const r = e.getBoundingClientRect();
        return r.left >= -0.5 && r.right <= vw + 0.5;
      }
    }
    return false;
  };
  // beyond says whether a box reaches beyond the screen; what is wholly off to the left is hidden on purpose.
  const beyond = r => r.width * r.height > 1 && r.right > 0 && (r.right > vw + 0.5 || r.left < -0.5);
  const out = [];
  const report = (el, r, text) => out.push(describe(el) + " «" + text.trim().replace(/\s+/g, " ").slice(0, 30) + "» spans " +
    Math.round(r.left) + "–" + Math.round(r.right) + " px");
  // Elements: the outermost that reach beyond, where the trouble starts.
  for (const el of main.querySelectorAll("*")) {
    if (el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (!beyond(r) || clipped(el)) continue;
    const p = el.parentElement;
    if (p !== main && beyond(p.getBoundingClientRect())) continue;
    report(el, r, el.textContent);
  }
  // Text that runs out of its box (an unbroken address, a long number).
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    const p = n.parentElement;
    if (beyond(r) && !clipped(n) && !beyond(p.getBoundingClientRect())) report(p, r, n.textContent);
  }
  return out;
})()`

// On a 390 px phone, in the standard version and in 关怀版, no public page is wider than the screen and nothing in
// it is cut off: tables that cannot shrink scroll inside their own box. The catalogue shows its list before the
// facets, which come folded; every page passes axe-core without serious or critical violations.
func TestBrowserPhonePortal(t *testing.T) {
	f := newFixture(t)
	f.mustCatalogue(t)
	ctx := context.Background()
	// A long item: a title, a document number and a body with a wide table and an unbroken URL, as officers paste them.
	long := f.publish(t, f.health, disclosure.Item{
		Title:     "关于印发《平阴县基本公共卫生服务项目绩效考核实施方案（2026—2028年）》及考核细则和评分标准的通知",
		DocNumber: "平卫发〔2026〕128号", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Summary: "明确考核对象、内容、方式和结果运用。",
		Body: `<p>各镇街卫生院、县直各医疗卫生单位：</p><p>详见https://www.pingyin.gov.cn/art/2026/3/9/art_25275_4843327_attachment_download_full_text.html</p>` +
			`<table><thead><tr><th>考核项目</th><th>分值</th><th>考核内容</th><th>考核方法</th><th>评分标准</th><th>备注</th></tr></thead>` +
			`<tbody><tr><td>居民健康档案管理</td><td>10</td><td>建档率、档案合格率、使用率</td><td>现场查阅、电话核实</td><td>建档率每低1个百分点扣0.5分</td><td>以国家平台数据为准</td></tr></tbody></table>` +
			`<table><tr><th>项目</th><th>2021年</th><th>2022年</th><th>2023年</th><th>2024年</th><th>2025年</th><th>2026年</th></tr>` +
			`<tr><td>经费（元）</td><td>1234567.89</td><td>1345678.90</td><td>1456789.01</td><td>1567890.12</td><td>1678901.23</td><td>1789012.34</td></tr></table>`,
		WrittenOn: day(t, "2026-03-08")}, "2026-03-09")
	data := []byte(`{"era":"2021","year":2024,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"全年主动公开信息147条。"}],"tables":{"s4":{"cases":{"review.total":0}}}}`)
	if err := f.db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: 2024, Era: "2021", Data: data}); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"首页", "/"},
		{"单位专栏（含年报列表）", "/agencies/2/"},
		{"目录", "/agencies/2/catalogue"},
		{"目录（已筛选）", "/catalogue?category=health.public_health&genre=notice"},
		{"信息页面", "/items/" + strconv.FormatInt(long.ID, 10)},
		{"检索结果", "/search?q=%E7%96%AB%E8%8B%97"},
		{"指南", "/agencies/2/guide"},
		{"申请", "/agencies/2/apply"},
		{"查询", "/track"},
		{"订阅", "/subscribe"},
		{"年度报告", "/agencies/2/reports/2024"},
	}
	bctx := newBrowser(t)
	run(t, bctx, chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	base := f.srv.URL
	for _, mode := range []struct{ name, care string }{{"标准版", "0"}, {"关怀版", "1"}} {
		run(t, bctx, chromedp.Navigate(base+"/prefs?care="+mode.care+"&back=/"))
		for _, p := range pages {
			t.Run(mode.name+"/"+p.name, func(t *testing.T) {
				run(t, bctx, chromedp.Navigate(base+p.path))
				run(t, bctx, chromedp.WaitVisible(css("main h1")))
				if care := run(t, bctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("care")`)); care != (mode.care == "1") {
					t.Fatalf("关怀版 is %v", care)
				}
				if w := run(t, bctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > phoneWidth {
					t.Errorf("the page is %.0f px wide on a %d px screen", w, phoneWidth)
				}
				for _, o := range run(t, bctx, chromedp.Evaluate[[]string](overflowJS)) {
					t.Errorf("beyond the screen: %s", o)
				}
				if strings.Contains(p.path, "catalogue") {
					phoneCatalogue(t, bctx)
				}
				axeCheck(t, bctx, mode.name+" "+p.name)
			})
		}
	}
	// On a desktop screen the facets are a column beside the list, unfolded under their headings.
	t.Run("桌面目录", func(t *testing.T) {
		run(t, bctx, chromedp.Navigate(base+"/prefs?care=0&back=/agencies/2/catalogue"))
		run(t, bctx, chromedp.EmulateViewport(1280, 900))
		run(t, bctx, chromedp.WaitVisible(css("main h1")))
		got := run(t, bctx, chromedp.Evaluate[struct {
			ListRight, FacetsLeft float64
			Summaries, Headings   int
		}](`({ListRight: document.querySelector(".catalogue-main").getBoundingClientRect().right,
			FacetsLeft: document.querySelector("aside.facets").getBoundingClientRect().left,
			Summaries: [...document.querySelectorAll("aside.facets summary")].filter(s => s.getClientRects().length).length,
			Headings: [...document.querySelectorAll("aside.facets h3")].filter(s => s.getClientRects().length).length})`))
		if got.FacetsLeft < got.ListRight || got.Summaries != 0 || got.Headings != 3 {
			t.Errorf("on a desktop: list ends at %.0f px, facets start at %.0f px; %d summaries and %d headings shown", got.ListRight, got.FacetsLeft, got.Summaries, got.Headings)
		}
		run(t, bctx, chromedp.WaitVisible(css(`aside.facets a[href="/agencies/2/catalogue?category=health.public_health.vaccination"]`)))
	})
}

// phoneCatalogue checks a catalogue page on a phone: the list of items comes first, then the facets, each group
// folded in a <details> that is closed unless one of its values is chosen.
func phoneCatalogue(t *testing.T, ctx context.Context) {
	t.Helper()
	tops := run(t, ctx, chromedp.Evaluate[struct{ List, Facets float64 }](`({List: document.querySelector("#h-list").getBoundingClientRect().top,
		Facets: document.querySelector("aside.facets").getBoundingClientRect().top})`))
	if tops.List >= tops.Facets {
		t.Errorf("the list of items starts at %.0f px, below the facets at %.0f px", tops.List, tops.Facets)
	}
	groups := run(t, ctx, chromedp.Evaluate[[]struct {
		Summary      string
		Open, Chosen bool
	}](`[...document.querySelectorAll("aside.facets > details")].map(d => ({
		Summary: d.querySelector(":scope > summary").textContent.trim(), Open: d.open,
		Chosen: !!d.querySelector("a[aria-current], option[selected]:not([value=''])")}))`))
	if len(groups) < 3 {
		t.Fatalf("the facets are not folded: %d <details> in aside.facets", len(groups))
	}
	other := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("aside.facets > :not(details, h2)").length`))
	if other != 0 {
		t.Errorf("%d of the facets' blocks are not folded", other)
	}
	for _, g := range groups {
		if g.Open != g.Chosen {
			t.Errorf("facet %q: open %v, with a chosen value %v", g.Summary, g.Open, g.Chosen)
		}
	}
	// The facets stay usable: unfolding one shows its links within the screen.
	run(t, ctx, chromedp.Click(css("aside.facets > details:not([open]):has(a) > summary")))
	if w := run(t, ctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll("aside.facets details[open] a")].map(a => a.getBoundingClientRect().right))`)); w <= 0 || w > phoneWidth {
		t.Errorf("the unfolded facet's links reach %.0f px", w)
	}
	if w := run(t, ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > phoneWidth {
		t.Errorf("with a facet unfolded, the page is %.0f px wide", w)
	}
}
