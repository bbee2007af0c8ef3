// Package gathertest serves a small region's government portals on local test servers, in the shapes real portals
// give their annual reports, for the tests of gather and of `gongkai report gather`. It never touches a real
// address.
//
// The portal host (Portal) holds six agencies' pages:
//
//   - 平阴县卫生健康局 (/xxgk/wsjkj/): a column page linking to a 政府信息公开年报 listing, which links this year's
//     report as an HTML page (UTF-8) and last year's;
//   - 平阴县审计局 (/xxgk/sjj/): a GBK page linking the report directly as "2025年度政府信息公开工作年度报告"
//     (no agency in the text; its title names it), after a notice about writing the reports; the report page is
//     GBK too, and its section 三 total of 予以公开 does not add up (R3-1);
//   - 平阴县民政局 (/xxgk/mzj/): a 年度报告 listing holding only last year's report;
//   - 平阴县统计局 (/xxgk/tjj/): forbidden by the host's robots.txt;
//   - 平阴县司法局 (/xxgk/sfj/): a report page that only attaches a .doc (an old Word file the importer cannot read);
//
// and the files host (Files), which answers its first two requests for 平阴县教育和体育局's page (/jyj/) with 503,
// holds a report page whose attachment is a PDF rendered by gongkai's own renderer, served by a download script.
//
// Every request is recorded, with the number of requests in flight on the same host at that moment.
package gathertest

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
)

// Year is the report year the site publishes.
const Year = 2025

//go:embed testdata/report.json
var reportJSON []byte

// Request is one request a server received.
type Request struct {
	Host      string
	Path      string // with the query
	UserAgent string
	Start     time.Time
	End       time.Time
	// InFlight is the number of requests the same server was handling when this one arrived, itself included.
	InFlight int
}

// Site is the running test site.
type Site struct {
	Portal *httptest.Server
	Files  *httptest.Server

	mu       sync.Mutex
	requests []Request
	inFlight map[string]int
	flaky    int
}

// New starts the site; it is closed when the test ends.
func New(tb testing.TB) *Site {
	tb.Helper()
	s := &Site{inFlight: map[string]int{}}
	pages, err := s.build()
	if err != nil {
		tb.Fatal(err)
	}
	s.Portal = httptest.NewServer(s.instrument(pages.portal))
	s.Files = httptest.NewServer(s.instrument(pages.files))
	tb.Cleanup(s.Portal.Close)
	tb.Cleanup(s.Files.Close)
	return s
}

// StartList returns the content of a URLS.txt naming every agency's start page, with a comment and a blank line,
// and one line giving the agency's name after the address.
func (s *Site) StartList() string {
	p, f := s.Portal.URL, s.Files.URL
	return "# 平阴县 2025 年度报告采集清单\n" +
		p + "/xxgk/wsjkj/index.html 平阴县卫生健康局\n" +
		p + "/xxgk/sjj/index.html\n" +
		"\n" +
		f + "/jyj/\n" +
		p + "/xxgk/mzj/index.html\n" +
		p + "/xxgk/tjj/index.html\t平阴县统计局\n" +
		p + "/xxgk/sfj/index.html\n"
}

// Requests returns a copy of the requests received so far.
func (s *Site) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Requested tells whether any request asked for the path (with its query) on either server.
func (s *Site) Requested(path string) bool {
	for _, r := range s.Requests() {
		if r.Path == path {
			return true
		}
	}
	return false
}

func (s *Site) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.inFlight[r.Host]++
		i := len(s.requests)
		s.requests = append(s.requests, Request{Host: r.Host, Path: r.URL.RequestURI(), UserAgent: r.UserAgent(), Start: time.Now(), InFlight: s.inFlight[r.Host]})
		s.mu.Unlock()
		// Hold each request a moment, so that a second one sent to the host at the same time would overlap it.
		time.Sleep(2 * time.Millisecond)
		h.ServeHTTP(w, r)
		s.mu.Lock()
		s.inFlight[r.Host]--
		s.requests[i].End = time.Now()
		s.mu.Unlock()
	})
}

type handlers struct{ portal, files http.Handler }

// Report returns the report an agency publishes on the site, as the site renders it.
func Report(agency string) (*report.Report, error) {
	text := strings.ReplaceAll(string(reportJSON), "平阴县卫生健康局", agency)
	return report.Decode([]byte(text))
}

func (s *Site) build() (*handlers, error) {
	portal := http.NewServeMux()
	files := http.NewServeMux()
	page := func(title, body string) string {
		return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + html.EscapeString(title) + `</title></head><body>` +
			`<div class="head"><a href="/">首页</a> <a href="/xxgk/">政府信息公开</a> <a href="/hdjl/">互动交流</a></div>` +
			body + `<div class="foot">主办单位：平阴县人民政府办公室　网站标识码：3701240001</div></body></html>`
	}
	serve := func(mux *http.ServeMux, path, ctype string, body []byte) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		})
	}
	serveHTML := func(mux *http.ServeMux, path, content string) {
		serve(mux, path, "text/html; charset=utf-8", []byte(content))
	}
	reportPage := func(agency string, edit func(*report.Report)) (string, error) {
		r, err := Report(agency)
		if err != nil {
			return "", err
		}
		if edit != nil {
			edit(r)
		}
		var frag bytes.Buffer
		if err := render.HTMLFragment(&frag, r); err != nil {
			return "", err
		}
		return page(agency+"2025年政府信息公开工作年度报告", `<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; 年报</div>`+
			`<h1>`+agency+`2025年政府信息公开工作年度报告</h1><div class="info">发布时间：2026-01-15　来源：`+agency+`　浏览次数：</div>`+
			frag.String()), nil
	}

	portal.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /xxgk/tjj/\nDisallow: /search/\n")
	})

	// 卫生健康局: column page → 年报 listing → this year's report as an HTML page.
	serveHTML(portal, "/xxgk/wsjkj/index.html", page("平阴县卫生健康局", `<ul class="nav"><li><a href="jgzn/index.html">机构职能</a></li>`+
		`<li><a href="zcwj/index.html">政策文件</a></li><li><a href="ndbg/index.html">政府信息公开年报</a></li>`+
		`<li><a href="/search/?q=年报">搜索</a></li></ul>`))
	serveHTML(portal, "/xxgk/wsjkj/ndbg/index.html", page("政府信息公开年报", `<ul class="list">`+
		`<li><a href="202601/t20260115_101.html" title="平阴县卫生健康局2025年政府信息公开工作年度报告">平阴县卫生健康局2025年政府信息公开工作…</a><span>2026-01-15</span></li>`+
		`<li><a href="202501/t20250115_88.html">平阴县卫生健康局2024年政府信息公开工作年度报告</a><span>2025-01-15</span></li></ul>`))
	health, err := reportPage("平阴县卫生健康局", nil)
	if err != nil {
		return nil, err
	}
	serveHTML(portal, "/xxgk/wsjkj/ndbg/202601/t20260115_101.html", health)
	serveHTML(portal, "/xxgk/wsjkj/ndbg/202501/t20250115_88.html", page("去年的报告", "<p>平阴县卫生健康局2024年政府信息公开工作年度报告</p>"))

	// 审计局: a GBK column page linking the report directly; the report page is GBK and its 予以公开 total is wrong.
	gbk := func(s string) []byte {
		b, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes([]byte(strings.Replace(s, `charset="utf-8"`, `charset="gb2312"`, 1)))
		if err != nil {
			panic(err)
		}
		return b
	}
	serve(portal, "/xxgk/sjj/index.html", "text/html", gbk(page("平阴县审计局-政府信息公开", `<div class="list">`+
		`<a href="art/2025/11/3/art_7.html">关于做好2025年政府信息公开工作年度报告编制发布工作的通知</a><br>`+
		`<a href="art/2026/1/20/art_9.html">2025年度政府信息公开工作年度报告</a><br>`+
		`<a href="art/2025/1/18/art_3.html">2024年度政府信息公开工作年度报告</a></div>`)))
	audit, err := reportPage("平阴县审计局", func(r *report.Report) { r.Set("s3", "disclosed", "total", 2) })
	if err != nil {
		return nil, err
	}
	serve(portal, "/xxgk/sjj/art/2026/1/20/art_9.html", "text/html", gbk(audit))

	// 民政局: only last year's report in its 年度报告 listing.
	serveHTML(portal, "/xxgk/mzj/index.html", page("平阴县民政局", `<a href="ndbg/">年度报告</a> <a href="tzgg/">通知公告</a>`))
	serveHTML(portal, "/xxgk/mzj/ndbg/", page("年度报告", `<a href="t20250120_5.html">平阴县民政局2024年政府信息公开工作年度报告</a>`+
		`<a href="t20240120_2.html">平阴县民政局2023年政府信息公开工作年度报告</a>`))

	// 统计局: forbidden by robots.txt; if the crawler came, it would find a report.
	serveHTML(portal, "/xxgk/tjj/index.html", page("平阴县统计局", `<a href="ndbg.html">平阴县统计局2025年政府信息公开工作年度报告</a>`))

	// 司法局: the report page attaches an old .doc file.
	serveHTML(portal, "/xxgk/sfj/index.html", page("平阴县司法局", `<a href="art/2026/1/art_12.html">平阴县司法局2025年政府信息公开工作年度报告</a>`))
	serveHTML(portal, "/xxgk/sfj/art/2026/1/art_12.html", page("平阴县司法局2025年政府信息公开工作年度报告",
		`<h1>平阴县司法局2025年政府信息公开工作年度报告</h1><p>附件：<a href="/attach/sfj2025.doc">平阴县司法局2025年政府信息公开工作年度报告.doc</a></p>`))
	serve(portal, "/attach/sfj2025.doc", "application/msword", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 2040)...))

	// 教育和体育局 on the flaky files host: 503 twice, then a page whose report is an attached PDF.
	files.HandleFunc("GET /jyj/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.flaky++
		n := s.flaky
		s.mu.Unlock()
		if n <= 2 {
			http.Error(w, "服务暂时不可用", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page("平阴县教育和体育局", `<a href="/jyj/art/2026/1/art_21.html">平阴县教育和体育局2025年政府信息公开工作年度报告</a>`))
	})
	serveHTML(files, "/jyj/art/2026/1/art_21.html", page("平阴县教育和体育局2025年政府信息公开工作年度报告",
		`<h1>平阴县教育和体育局2025年政府信息公开工作年度报告</h1><p>现将本局2025年度报告全文发布如下。</p>`+
			`<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=2601211530.pdf">平阴县教育和体育局2025年政府信息公开工作年度报告</a></p>`))
	edu, err := Report("平阴县教育和体育局")
	if err != nil {
		return nil, err
	}
	var pdf bytes.Buffer
	if err := render.PDF(&pdf, edu); err != nil {
		return nil, err
	}
	serve(files, "/module/download/downfile.jsp", "application/octet-stream", pdf.Bytes())

	return &handlers{portal: portal, files: files}, nil
}
