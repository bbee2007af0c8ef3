package gather_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/report/gather"
	"github.com/gongkai/gongkai/internal/report/gather/gathertest"
)

const testDelay = 15 * time.Millisecond

func testConfig(out string) gather.Config {
	return gather.Config{
		Year: gathertest.Year, Out: out, UserAgent: "gongkai-gather/test (+政府信息公开年报采集)",
		Delay: testDelay, Backoff: time.Millisecond, Retries: 3, Workers: 4, Timeout: 10 * time.Second,
	}
}

func mustStarts(t *testing.T, site *gathertest.Site) []gather.Start {
	t.Helper()
	starts, err := gather.ParseStarts(strings.NewReader(site.StartList()))
	if err != nil {
		t.Fatal(err)
	}
	if len(starts) != 6 {
		t.Fatalf("got %d start pages, want 6 (comments and blank lines skipped)", len(starts))
	}
	return starts
}

func byAgency(entries []gather.Entry) map[string]gather.Entry {
	m := map[string]gather.Entry{}
	for _, e := range entries {
		m[e.Agency] = e
	}
	return m
}

func TestGatherFindsDownloadsPolitelyAndResumes(t *testing.T) {
	site := gathertest.New(t)
	out := t.TempDir()
	starts := mustStarts(t, site)
	entries, stats, err := gather.Run(context.Background(), starts, testConfig(out))
	if err != nil {
		t.Fatal(err)
	}
	got := byAgency(entries)
	type want struct {
		status gather.Status
		file   string
		reason string
	}
	wants := map[string]want{
		"平阴县卫生健康局":  {gather.Downloaded, "平阴县卫生健康局_2025.html", ""},
		"平阴县审计局":    {gather.Downloaded, "平阴县审计局_2025.html", ""},
		"平阴县教育和体育局": {gather.Downloaded, "平阴县教育和体育局_2025.pdf", ""},
		"平阴县司法局":    {gather.Downloaded, "平阴县司法局_2025.doc", ""},
		"平阴县民政局":    {gather.NotFound, "", "没有2025年政府信息公开工作年度报告（只有2024、2023年度的）"},
		"平阴县统计局":    {gather.Disallowed, "", "robots.txt 不允许采集：/xxgk/tjj/index.html"},
	}
	if len(entries) != len(wants) {
		t.Errorf("got %d entries, want %d: %+v", len(entries), len(wants), entries)
	}
	for agency, w := range wants {
		e, ok := got[agency]
		if !ok {
			t.Errorf("no entry for %s; entries: %+v", agency, entries)
			continue
		}
		if e.Status != w.status || e.File != w.file || !strings.Contains(e.Reason, w.reason) {
			t.Errorf("%s: got status %s, file %q, reason %q; want %s, %q, reason containing %q", agency, e.Status, e.File, e.Reason, w.status, w.file, w.reason)
		}
		if e.Status == gather.Downloaded {
			data, err := os.ReadFile(filepath.Join(out, e.File))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(data)) != e.Size {
				t.Errorf("%s: the state's sha256 and size do not match the saved file", agency)
			}
		}
	}
	if e := got["平阴县审计局"]; !e.AgencyGuessed {
		t.Errorf("审计局's name comes from its page title and should be marked as guessed")
	}
	if e := got["平阴县教育和体育局"]; !strings.HasPrefix(readHead(t, out, e.File), "%PDF-") {
		t.Errorf("教育和体育局's saved file is not the attached PDF")
	}
	if e := got["平阴县审计局"]; !strings.Contains(readHead(t, out, e.File), "gb2312") {
		t.Errorf("审计局's page should be saved as published (GBK), not re-encoded")
	}
	if stats.Downloads != 4 {
		t.Errorf("got %d downloads, want 4", stats.Downloads)
	}

	// What must never be fetched: a path robots.txt forbids, last year's reports, the notice about writing them.
	for _, p := range []string{"/xxgk/tjj/index.html", "/xxgk/wsjkj/ndbg/202501/t20250115_88.html", "/xxgk/sjj/art/2025/11/3/art_7.html", "/search/?q=年报"} {
		if site.Requested(p) {
			t.Errorf("%s was requested", p)
		}
	}
	// One request at a time per host, each the delay after the one before, and each naming gongkai.
	last := map[string]time.Time{}
	flaky := 0
	for _, r := range site.Requests() {
		if r.InFlight != 1 {
			t.Errorf("%s%s arrived while %d requests were in flight on the host", r.Host, r.Path, r.InFlight-1)
		}
		if prev, ok := last[r.Host]; ok && r.Start.Sub(prev) < testDelay-time.Millisecond {
			t.Errorf("%s%s came %s after the host's previous request ended, want at least %s", r.Host, r.Path, r.Start.Sub(prev), testDelay)
		}
		last[r.Host] = r.End
		if !strings.HasPrefix(r.UserAgent, "gongkai-gather/") {
			t.Errorf("User-Agent %q does not name gongkai-gather", r.UserAgent)
		}
		if r.Path == "/jyj/" {
			flaky++
		}
	}
	if flaky != 3 {
		t.Errorf("the flaky page was requested %d times, want 3 (two 503s, then success)", flaky)
	}

	// The state file records every agency.
	data, err := os.ReadFile(filepath.Join(out, gather.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st gather.State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	if st.Year != 2025 || len(st.Entries) != 6 {
		t.Errorf("state file: year %d with %d entries, want 2025 with 6", st.Year, len(st.Entries))
	}

	// A second run skips every agency whose report is saved: no download, and not even their pages again.
	before := len(site.Requests())
	entries2, stats2, err := gather.Run(context.Background(), starts, testConfig(out))
	if err != nil {
		t.Fatal(err)
	}
	if stats2.Downloads != 0 || stats2.Skipped != 4 {
		t.Errorf("second run: %d downloads, %d skipped; want 0 and 4", stats2.Downloads, stats2.Skipped)
	}
	for _, r := range site.Requests()[before:] {
		if !strings.HasPrefix(r.Path, "/xxgk/mzj/") && r.Path != "/robots.txt" {
			t.Errorf("second run requested %s%s; only the agency without a report should be searched again", r.Host, r.Path)
		}
	}
	if len(entries2) != len(entries) {
		t.Errorf("second run returned %d entries, want %d", len(entries2), len(entries))
	}

	// A saved file changed on disk is fetched again.
	if err := os.WriteFile(filepath.Join(out, "平阴县审计局_2025.html"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stats3, err := gather.Run(context.Background(), starts, testConfig(out))
	if err != nil {
		t.Fatal(err)
	}
	if stats3.Downloads != 1 {
		t.Errorf("after a saved file changed: %d downloads, want 1", stats3.Downloads)
	}
}

func readHead(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data[:min(len(data), 400)])
}

func TestGatherFromSiteRootFindsEveryAgencysReport(t *testing.T) {
	site := gathertest.New(t)
	// The 卫生健康局 listing read as a site root: the year's report is found, last year's is not taken.
	starts := []gather.Start{{URL: site.Portal.URL + "/xxgk/wsjkj/ndbg/index.html"}}
	entries, _, err := gather.Run(context.Background(), starts, testConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Agency != "平阴县卫生健康局" || entries[0].Status != gather.Downloaded || entries[0].AgencyGuessed {
		t.Errorf("got %+v, want one downloaded report of 平阴县卫生健康局 named by its link", entries)
	}
}

func TestGatherStartPageThatIsTheReport(t *testing.T) {
	site := gathertest.New(t)
	out := t.TempDir()
	starts := []gather.Start{
		{URL: site.Portal.URL + "/xxgk/wsjkj/ndbg/202601/t20260115_101.html"},
		{URL: site.Files.URL + "/module/download/downfile.jsp?classid=0&filename=2601211530.pdf", Agency: "平阴县教育和体育局"},
	}
	entries, stats, err := gather.Run(context.Background(), starts, testConfig(out))
	if err != nil {
		t.Fatal(err)
	}
	got := byAgency(entries)
	if e := got["平阴县卫生健康局"]; e.Status != gather.Downloaded || e.File != "平阴县卫生健康局_2025.html" {
		t.Errorf("the report's own page: got %+v", e)
	}
	if e := got["平阴县教育和体育局"]; e.Status != gather.Downloaded || e.File != "平阴县教育和体育局_2025.pdf" {
		t.Errorf("the report's PDF: got %+v", e)
	}
	if stats.Downloads != 2 || len(entries) != 2 {
		t.Errorf("got %d downloads and %d entries, want 2 and 2", stats.Downloads, len(entries))
	}
}

func TestGatherDoesNotRetryClientErrors(t *testing.T) {
	site := gathertest.New(t)
	starts := []gather.Start{{URL: site.Portal.URL + "/xxgk/none/index.html", Agency: "平阴县不存在局"}}
	entries, _, err := gather.Run(context.Background(), starts, testConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range site.Requests() {
		if r.Path == "/xxgk/none/index.html" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a 404 was requested %d times, want once", n)
	}
	if len(entries) != 1 || entries[0].Status != gather.Failed || !strings.Contains(entries[0].Reason, "HTTP 404") {
		t.Errorf("got %+v, want one failed entry naming HTTP 404", entries)
	}
}

func TestGatherRefusesAnotherYearsFolder(t *testing.T) {
	site := gathertest.New(t)
	out := t.TempDir()
	starts := []gather.Start{{URL: site.Portal.URL + "/xxgk/mzj/index.html"}}
	if _, _, err := gather.Run(context.Background(), starts, testConfig(out)); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(out)
	cfg.Year = 2024
	if _, _, err := gather.Run(context.Background(), starts, cfg); err == nil || !strings.Contains(err.Error(), "2025 年度") {
		t.Errorf("got %v, want a refusal naming the folder's year", err)
	}
}

func TestGatherSizeLimit(t *testing.T) {
	site := gathertest.New(t)
	cfg := testConfig(t.TempDir())
	cfg.MaxSize = 4 << 10 // the rendered PDF is larger
	entries, _, err := gather.Run(context.Background(), []gather.Start{{URL: site.Files.URL + "/jyj/"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Status != gather.Failed || !strings.Contains(entries[0].Reason, "文件过大") {
		t.Errorf("got %+v, want one failed entry saying 文件过大", entries)
	}
}
