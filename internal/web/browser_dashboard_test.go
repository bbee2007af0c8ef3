package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The reviewer and the officer sign in and find their work on the dashboard, on a desktop screen and on a 390 px
// phone: the count, the oldest first, a link that opens it; the page fits the screen and axe-core finds nothing
// serious.
func TestBrowserDashboards(t *testing.T) {
	f := newFixture(t)
	s := seedDashboard(t, f)
	ctx := newBrowser(t)
	type view struct {
		Total, Heading, Href, Title string
		Visible                     bool
		PageWidth, ScreenWidth      float64
	}
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 844))
		for _, tc := range []struct {
			user, board, first, opens string
			total                     string
		}{
			{"reviewer", "secrecy", itemHref(s.reviewEarlier), "关于公布家庭医生签约服务团队的公告", "2"},
			{"officer", "new", caseHref(s.newEarlier), "", "2"},
			{"officer", "art26", itemHref(s.lateDraft), "关于开展2026年爱国卫生月活动的通知", "2"},
		} {
			t.Run(fmt.Sprintf("%d/%s/%s", width, tc.user, tc.board), func(t *testing.T) {
				run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
				if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != "工作台" {
					signIn(t, ctx, f.srv.URL, tc.user, password)
				} else if !strings.Contains(run(t, ctx, chromedp.Text(css("main > p"))), displayName(tc.user)) {
					signOut(t, ctx)
					signIn(t, ctx, f.srv.URL, tc.user, password)
				}
				sel := "#board-" + tc.board
				v := run(t, ctx, chromedp.Evaluate[view](fmt.Sprintf(`(() => {
					const b = document.querySelector(%[1]q), a = b && b.querySelector("ol.dash-entries a");
					const r = a ? a.getBoundingClientRect() : {width: 0, right: 0};
					return {Total: b ? b.dataset.total : "", Heading: b ? b.querySelector("h3").textContent : "",
						Href: a ? a.getAttribute("href") : "", Title: a ? a.textContent : "",
						Visible: r.width > 0 && r.right <= window.innerWidth,
						PageWidth: document.documentElement.scrollWidth, ScreenWidth: window.innerWidth};
				})()`, sel)))
				if v.Total != tc.total || !strings.Contains(v.Heading, "（"+tc.total+"）") || v.Href != tc.first || !v.Visible {
					t.Errorf("%s at %d px: %+v; want %s items, the first %s, visible", sel, width, v, tc.total, tc.first)
				}
				if v.PageWidth > v.ScreenWidth {
					t.Errorf("the dashboard is %.0f px wide on a %.0f px screen", v.PageWidth, v.ScreenWidth)
				}
				if tc.board != "art26" {
					axeCheck(t, ctx, fmt.Sprintf("工作台（%s，%d px）", tc.user, width))
				}
				// The line opens the page where the work is done.
				submit(t, ctx, sel+" ol.dash-entries a")
				if tc.opens != "" {
					if h1 := run(t, ctx, chromedp.Text(css("main h1"))); !strings.Contains(h1, tc.opens) {
						t.Errorf("the first line opens %q, want %q", h1, tc.opens)
					}
				} else if path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`)); path != tc.first {
					t.Errorf("the first line opens %s, want %s", path, tc.first)
				}
			})
		}
		run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
		signOut(t, ctx)
	}
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
	if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != "工作人员登录" {
		t.Errorf("after signing out: %q", h1)
	}
}

// displayName is the fixture's display name of a user (its role's name).
func displayName(user string) string {
	for _, r := range allRoles {
		if string(r) == user {
			return disclosure.RoleNames[r]
		}
	}
	return user
}
