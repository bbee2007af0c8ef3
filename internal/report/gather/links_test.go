package gather

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestReportYear(t *testing.T) {
	for _, tc := range []struct {
		text string
		year int
		ok   bool
	}{
		{"平阴县卫生健康局2025年政府信息公开工作年度报告", 2025, true},
		{"2025年度政府信息公开工作年度报告", 2025, true},
		{"平阴县审计局 2025 年度 政府信息公开 工作年度报告", 2025, true},
		{"平阴县民政局二〇二五年政府信息公开工作年度报告", 2025, true},
		{"平阴县民政局２０２５年政府信息公开工作年度报告", 2025, true},
		{"平阴县卫生健康局2024年政府信息公开工作年度报告", 2024, true},
		{"2025年政务公开工作年度报告", 2025, true},
		{"2025年政府信息公开年报", 2025, true},
		{"关于做好2025年政府信息公开工作年度报告编制发布工作的通知", 0, false},
		{"《2025年政府信息公开工作年度报告》解读", 0, false},
		{"2025年政府信息公开工作要点", 0, false},
		{"政府信息公开工作年度报告", 0, false},
		{"2025年财政预算报告", 0, false},
		{"平阴县卫生健康局2025年政府信息公开工作…", 2025, true},
		{"平阴县卫生健康局2025年政府信息公开工作要点...", 0, false},
		{"平阴县2025年财政预算…", 0, false},
	} {
		year, ok := reportYear(tc.text)
		if year != tc.year || ok != tc.ok {
			t.Errorf("reportYear(%q) = %d, %v; want %d, %v", tc.text, year, ok, tc.year, tc.ok)
		}
	}
}

func TestIsListingAndAgencyFromText(t *testing.T) {
	for text, want := range map[string]bool{
		"政府信息公开年报": true, "年度报告": true, "政府信息公开工作年度报告": true, "年报": true,
		"2025年度报告": false, "通知公告": false, "政策文件": false,
	} {
		if got := isListing(text); got != want {
			t.Errorf("isListing(%q) = %v, want %v", text, got, want)
		}
	}
	for text, want := range map[string]string{
		"平阴县卫生健康局2025年政府信息公开工作年度报告":  "平阴县卫生健康局",
		"【平阴县审计局】2025年度政府信息公开工作年度报告": "平阴县审计局",
		"2025年度政府信息公开工作年度报告":         "",
		"平阴县民政局 二〇二五年 政府信息公开工作年度报告":  "平阴县民政局",
	} {
		if got := agencyFromText(text); got != want {
			t.Errorf("agencyFromText(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestParsePageDecodesGBKAndResolvesLinks(t *testing.T) {
	// "<a>平阴县2025年度报告</a>" in GBK, with a <base> and a title attribute holding the full text.
	gbk := []byte("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"><title>\xc6\xbd\xd2\xf5</title>" +
		"<base href=\"http://example.test/xxgk/\"></head><body><a href=\"ndbg/1.html\" title=\"\xc6\xbd\xd2\xf5\xcf\xd8\">\xc6\xbd</a>" +
		"<a href=\"javascript:void(0)\">x</a><a href=\"#top\">y</a></body></html>")
	base, _ := url.Parse("http://other.test/a/b.html")
	pg, err := parsePage(gbk, "text/html", base)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Title != "平阴" || len(pg.Links) != 1 || pg.Links[0].Text != "平阴县" || pg.Links[0].URL.String() != "http://example.test/xxgk/ndbg/1.html" {
		t.Errorf("got title %q, links %+v", pg.Title, pg.Links)
	}
}

func TestAttachmentExt(t *testing.T) {
	for raw, want := range map[string]string{
		"http://h/a/report.PDF":                                 ".pdf",
		"http://h/module/download/downfile.jsp?filename=1.docx": ".docx",
		"http://h/attach/1.wps":                                 ".wps",
		"http://h/art/1.html":                                   "",
	} {
		u, _ := url.Parse(raw)
		if got := attachmentExt(link{URL: u}); got != want {
			t.Errorf("attachmentExt(%s) = %q, want %q", raw, got, want)
		}
	}
	u, _ := url.Parse("http://h/download?id=7")
	if got := attachmentExt(link{URL: u, Text: "平阴县2025年政府信息公开工作年度报告.doc"}); got != ".doc" {
		t.Errorf("attachment named by its text: got %q, want .doc", got)
	}
}

func testFetcher(cfg Config) *fetcher {
	cfg.setDefaults()
	return newFetcher(&cfg)
}

func TestRobotsUnreachableForbidsTheHost(t *testing.T) {
	var robots, pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robots.Add(1)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		pages.Add(1)
	}))
	defer srv.Close()
	f := testFetcher(Config{Retries: 2, Backoff: time.Millisecond})
	u, _ := url.Parse(srv.URL + "/xxgk/index.html")
	_, err := f.get(context.Background(), u)
	if !errors.Is(err, errDisallowed) || !strings.Contains(err.Error(), "robots.txt 无法获取") {
		t.Errorf("got %v, want a refusal because robots.txt could not be fetched", err)
	}
	if robots.Load() != 3 || pages.Load() != 0 {
		t.Errorf("robots.txt asked %d times (want 3: one try and two retries), pages %d (want 0)", robots.Load(), pages.Load())
	}
}

func TestRedirectIntoAForbiddenPathIsNotFollowed(t *testing.T) {
	var secret atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: gongkai-gather\nDisallow: /private/\nCrawl-delay: 0.05\n\nUser-agent: *\nDisallow: /\n")
		case "/old.html":
			http.Redirect(w, r, "/private/report.html", http.StatusFound)
		case "/private/report.html":
			secret.Add(1)
		}
	}))
	defer srv.Close()
	f := testFetcher(Config{Delay: time.Millisecond})
	u, _ := url.Parse(srv.URL + "/old.html")
	start := time.Now()
	_, err := f.get(context.Background(), u)
	if !errors.Is(err, errDisallowed) || secret.Load() != 0 {
		t.Errorf("got %v and %d requests to the forbidden page; want a refusal and none", err, secret.Load())
	}
	// Our own group applies (not "*", which forbids everything), with its Crawl-delay between the three requests.
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("robots.txt, the page and the refusal took %s; the Crawl-delay of 50 ms was not kept", d)
	}
}

func TestNetworkErrorsAreRetriedWithGrowingWaits(t *testing.T) {
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		times = append(times, time.Now())
		if len(times) <= 2 {
			// Drop the connection without an answer, as an overloaded portal's front end does.
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		fmt.Fprint(w, "<html><body>ok</body></html>")
	}))
	// Fresh connections only: net/http itself resends a GET once when a reused connection turns out closed.
	srv.Config.SetKeepAlivesEnabled(false)
	defer srv.Close()
	f := testFetcher(Config{Retries: 3, Backoff: 20 * time.Millisecond})
	u, _ := url.Parse(srv.URL + "/page.html")
	resp, err := f.get(context.Background(), u)
	if err != nil || !strings.Contains(string(resp.Body), "ok") {
		t.Fatalf("got %v, want the page after two retries", err)
	}
	if len(times) != 3 {
		t.Fatalf("page asked %d times, want 3", len(times))
	}
	if d1, d2 := times[1].Sub(times[0]), times[2].Sub(times[1]); d1 < 20*time.Millisecond || d2 < 40*time.Millisecond {
		t.Errorf("waits %s and %s, want at least 20 ms then 40 ms", d1, d2)
	}
}
