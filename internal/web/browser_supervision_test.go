package web

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// The supervising office opens its overview, the item list behind a figure, and reads the chart: axe-core finds no
// serious or critical problem on either page, and the chart is drawn (its bars have a size in the browser).
func TestBrowserSupervisionIsAccessible(t *testing.T) {
	rg := newRegion(t)
	ctx := newBrowser(t)
	base := rg.srv.URL
	signIn(t, ctx, base, "county_sup", password)
	run(t, ctx, chromedp.Navigate(base+"/console/supervision?year="+strconv.Itoa(rg.year)))
	run(t, ctx, chromedp.WaitVisible(css("table.sv-agencies")))
	axeCheck(t, ctx, "政务公开监督")
	bars := run(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.chart rect.bar")].filter(r => r.getBoundingClientRect().width > 0).length`))
	// Two charts: three series and two series over the five years.
	if want := 5 * chartYears; bars != want {
		t.Errorf("%d bars drawn, want %d", bars, want)
	}
	if path := os.Getenv("GONGKAI_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, run(t, ctx, chromedp.FullScreenshot(80)), 0o644); err != nil {
			t.Error(err)
		}
	}
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/supervision/items?agency=%d&year=%d&view=late", base, rg.civil.ID, rg.year)))
	run(t, ctx, chromedp.WaitVisible(css("table.sv-items")))
	axeCheck(t, ctx, "逾期公开的信息")
}
