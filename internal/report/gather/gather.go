// Package gather finds a region's annual reports (政府信息公开工作年度报告) of one year on the agencies' portals and
// downloads them politely: robots.txt is obeyed, a host never sees two requests at once nor two closer than the
// configured delay (or its Crawl-delay), every request names gongkai in its User-Agent, server and network errors are
// retried with exponential back-off (4xx never), downloads are size-limited, and a state file in the output folder
// lets a rerun skip what is done.
//
// From each start page (an agency's column page or a site root) the report is found by the text of its link — the
// year's 政府信息公开工作年度报告 — on the page itself or, when the page has none, one level further on a 年报 /
// 年度报告 column listing (a link naming 年报 or 年度报告 and no year). The report is the page the link leads to when
// that page holds the report's text, else the PDF, DOC, DOCX or WPS attached to it. Reading and checking the files
// is the importer's job, not this package's.
package gather

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// StateFile is the name of the state file in the output folder.
const StateFile = "gather-state.json"

// Status is what became of one report.
type Status string

// The statuses of an Entry.
const (
	// Downloaded: the report was found and saved.
	Downloaded Status = "downloaded"
	// NotFound: the start page and its 年报 listing hold no report of the year.
	NotFound Status = "not_found"
	// Disallowed: robots.txt forbids a page the search needed.
	Disallowed Status = "disallowed"
	// Failed: a page or the report could not be fetched (after the retries).
	Failed Status = "failed"
)

// Config holds a run's settings. Zero values take the defaults noted.
type Config struct {
	// Year is the report year wanted.
	Year int
	// Out is the folder the reports and the state file are written to; it is created if missing.
	Out string
	// UserAgent is sent with every request; robots.txt groups are matched on its product token "gongkai-gather".
	UserAgent string
	// Client makes the requests; it must not follow redirects itself (the fetcher follows them, checking robots.txt
	// for each hop). Default: a client with Timeout and no redirects.
	Client *http.Client
	// Timeout bounds one request (default 60 s); used only for the default client.
	Timeout time.Duration
	// Delay is the least time between two requests to the same host (default 1 s; a longer Crawl-delay wins).
	Delay time.Duration
	// MaxCrawlDelay caps a robots.txt Crawl-delay (default 30 s).
	MaxCrawlDelay time.Duration
	// Retries is how many times a 5xx or network error is retried (default 3); Backoff the first wait (default 2 s),
	// doubled each time.
	Retries int
	Backoff time.Duration
	// MaxSize bounds one download (default 50 MB).
	MaxSize int64
	// Workers is how many start pages are worked on at once (default 4); requests to one host still go one at a time.
	Workers int
	// Log, if set, receives notes worth telling the user as they happen (retries).
	Log func(string)
	// Progress, if set, is called when a start page is begun and when it is done.
	Progress func(done, total int, host string)
}

// DefaultMaxSize is the default size limit of one download.
const DefaultMaxSize = 50 << 20

func (c *Config) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = time.Minute
	}
	if c.Client == nil {
		c.Client = &http.Client{
			Timeout:       c.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.UserAgent == "" {
		c.UserAgent = agentToken + "/dev (+政府信息公开年报采集)"
	}
	if c.Delay < 0 {
		c.Delay = 0
	}
	if c.MaxCrawlDelay <= 0 {
		c.MaxCrawlDelay = 30 * time.Second
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxSize <= 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
}

// Start is one start page: an agency's column page or a site root, with the agency's name when the list gives it.
type Start struct {
	URL    string
	Agency string
}

// ParseStarts reads a list of start pages: one address per line, optionally followed by white space and the
// agency's name; blank lines and lines starting with # are skipped. Addresses without a scheme get http://.
func ParseStarts(r io.Reader) ([]Start, error) {
	var starts []Start
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		u, err := ParseURL(fields[0])
		if err != nil {
			return nil, fmt.Errorf("第 %d 行：%w", n, err)
		}
		starts = append(starts, Start{URL: u.String(), Agency: strings.Join(fields[1:], "")})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return starts, nil
}

// ParseURL reads a start page's address; one without a scheme gets http://.
func ParseURL(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("不是有效的网址：%q", s)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.Fragment = ""
	return u, nil
}

// Entry is one report's record in the state file: which start page led to it, what was saved and how it went.
type Entry struct {
	Start string `json:"start"`
	// Agency is the agency's name, from the start list, else the report's link text, else the page title, else the
	// host; AgencyGuessed is true for the last two, which the importer's reading may replace.
	Agency        string `json:"agency"`
	AgencyGuessed bool   `json:"agency_guessed,omitempty"`
	Year          int    `json:"year"`
	// Page is the address the report's link leads to; URL the address of what was saved (the page itself or its
	// attachment).
	Page   string `json:"page,omitempty"`
	URL    string `json:"url,omitempty"`
	File   string `json:"file,omitempty"` // relative to the output folder
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Status Status `json:"status"`
	// Reason says in Chinese why a report was not found or not saved.
	Reason string    `json:"reason,omitempty"`
	Time   time.Time `json:"time"`
}

// State is the state file's content.
type State struct {
	Year    int     `json:"year"`
	Entries []Entry `json:"entries"`
}

// Stats counts what a run did.
type Stats struct {
	// Skipped start pages were done by an earlier run and not visited again.
	Skipped int
	// Requests is the number of HTTP requests made; Downloads the number of reports fetched and saved.
	Requests  int
	Downloads int
}

// Run works through the start pages and returns every entry of the state (the earlier runs' included), in the
// order of starts. It fails only when the output folder or the state file cannot be used; what goes wrong with a
// site is an entry's Reason.
func Run(ctx context.Context, starts []Start, cfg Config) ([]Entry, Stats, error) {
	cfg.setDefaults()
	var stats Stats
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, stats, fmt.Errorf("无法创建输出目录 %s：%w", cfg.Out, err)
	}
	st, err := loadState(cfg.Out, cfg.Year)
	if err != nil {
		return nil, stats, err
	}
	r := &run{cfg: &cfg, f: newFetcher(&cfg), names: map[string]string{}, byStart: map[string][]Entry{}}
	for _, e := range st.Entries {
		r.byStart[e.Start] = append(r.byStart[e.Start], e)
		if e.File != "" {
			r.names[e.File] = entryKey(e)
		}
	}
	var todo []Start
	seen := map[string]bool{}
	for _, s := range starts {
		if seen[s.URL] {
			continue
		}
		seen[s.URL] = true
		if r.done(r.byStart[s.URL]) {
			stats.Skipped++
			continue
		}
		todo = append(todo, s)
	}
	total, finished := len(todo), 0
	var progressMu sync.Mutex
	progress := func(host string, done bool) {
		if cfg.Progress == nil {
			return
		}
		progressMu.Lock()
		defer progressMu.Unlock()
		if done {
			finished++
		}
		cfg.Progress(finished, total, host)
	}
	jobs := make(chan Start)
	var wg sync.WaitGroup
	var saveErr error
	for range min(cfg.Workers, max(1, len(todo))) {
		wg.Go(func() {
			for s := range jobs {
				host := s.URL
				if u, err := url.Parse(s.URL); err == nil {
					host = u.Host
				}
				progress(host, false)
				entries, downloads := r.start(ctx, s)
				r.mu.Lock()
				if ctx.Err() == nil { // an interrupted start page is not recorded: it is done again next time
					r.byStart[s.URL] = entries
					stats.Downloads += downloads
					if err := saveState(cfg.Out, r.state(starts)); err != nil && saveErr == nil {
						saveErr = err
					}
				}
				r.mu.Unlock()
				progress(host, true)
			}
		})
	}
	for _, s := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	stats.Requests = r.f.requests
	out := r.state(starts)
	if saveErr != nil {
		return out.Entries, stats, saveErr
	}
	if err := ctx.Err(); err != nil {
		return out.Entries, stats, err
	}
	return out.Entries, stats, nil
}

// run is one Run's shared state.
type run struct {
	cfg *Config
	f   *fetcher
	mu  sync.Mutex
	// names maps each file name taken in the output folder to the entry that owns it.
	names   map[string]string
	byStart map[string][]Entry
}

// state returns the entries of the starts given first, in their order, then those of earlier runs' other starts.
func (r *run) state(starts []Start) State {
	st := State{Year: r.cfg.Year}
	listed := map[string]bool{}
	for _, s := range starts {
		if listed[s.URL] {
			continue
		}
		listed[s.URL] = true
		st.Entries = append(st.Entries, r.byStart[s.URL]...)
	}
	var rest []string
	for k := range r.byStart {
		if !listed[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		st.Entries = append(st.Entries, r.byStart[k]...)
	}
	return st
}

// done tells a start page whose every report was saved by an earlier run and is still on disk unchanged.
func (r *run) done(entries []Entry) bool {
	if len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		if !r.intact(e) {
			return false
		}
	}
	return true
}

// intact tells a downloaded entry whose file is still there with the same content.
func (r *run) intact(e Entry) bool {
	if e.Status != Downloaded || e.File == "" {
		return false
	}
	data, err := os.ReadFile(filepath.Join(r.cfg.Out, e.File))
	if err != nil {
		return false
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]) == e.SHA256
}

func entryKey(e Entry) string { return e.Start + "\x00" + e.Agency }

// start searches one start page and saves the reports found. It returns the start's entries and the number of
// files downloaded.
func (r *run) start(ctx context.Context, s Start) ([]Entry, int) {
	year := r.cfg.Year
	fail := func(err error) []Entry {
		reason := "无法打开起始页：" + err.Error()
		if errors.Is(err, errNotPage) {
			reason = err.Error()
		}
		e := Entry{Start: s.URL, Agency: s.Agency, Year: year, Status: statusOf(err), Reason: reason, Time: time.Now().UTC()}
		if e.Agency == "" {
			e.Agency, e.AgencyGuessed = hostName(s.URL), true
		}
		return []Entry{e}
	}
	u, err := ParseURL(s.URL)
	if err != nil {
		return fail(err), 0
	}
	resp, err := r.f.get(ctx, u)
	if err != nil {
		return fail(err), 0
	}
	if !isHTML(resp) {
		if !isDocument(resp.Body) {
			return fail(errNotPage), 0
		}
		// The list names the report file itself.
		return r.saveStart(s, resp, "", "")
	}
	pg, err := parsePage(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		return fail(fmt.Errorf("网页无法解析：%w", err)), 0
	}
	years := map[int]bool{}
	cands := reportLinks(pg, year, years)
	if y, ok := reportYear(pg.Title); len(cands) == 0 && ok && y == year && holdsReport(pg.Text) {
		// The list names the report's own page.
		return r.saveStart(s, resp, ".html", pg.Title)
	}
	var notes []string
	if len(cands) == 0 {
		// One level further: the 年报 / 年度报告 column listings the page links to.
		visited := map[string]bool{resp.URL.String(): true}
		n := 0
		for _, l := range pg.Links {
			if !isListing(l.Text) || visited[l.URL.String()] || n >= 5 {
				continue
			}
			visited[l.URL.String()] = true
			n++
			lr, err := r.f.get(ctx, l.URL)
			if err != nil {
				notes = append(notes, fmt.Sprintf("“%s”栏目无法打开（%v）", l.Text, err))
				continue
			}
			if !isHTML(lr) {
				continue
			}
			lp, err := parsePage(lr.Body, lr.ContentType, lr.URL)
			if err != nil {
				continue
			}
			cands = append(cands, reportLinks(lp, year, years)...)
		}
		cands = dedupe(cands)
	}
	if len(cands) == 0 {
		agency := s.Agency
		guessed := false
		if agency == "" {
			agency, guessed = titleName(pg.Title, s.URL)
		}
		reason := fmt.Sprintf("起始页及其“年报”栏目中没有%d年政府信息公开工作年度报告", year)
		if len(years) > 0 {
			var ys []int
			for y := range years {
				ys = append(ys, y)
			}
			sort.Sort(sort.Reverse(sort.IntSlice(ys)))
			var b []string
			for _, y := range ys[:min(3, len(ys))] {
				b = append(b, strconv.Itoa(y))
			}
			reason += "（只有" + strings.Join(b, "、") + "年度的）"
		}
		if len(notes) > 0 {
			reason += "；" + strings.Join(notes, "；")
		}
		status := NotFound
		for _, n := range notes {
			if strings.Contains(n, errDisallowed.Error()) {
				status = Disallowed
			}
		}
		return []Entry{{Start: s.URL, Agency: agency, AgencyGuessed: guessed, Year: year, Status: status, Reason: reason, Time: time.Now().UTC()}}, 0
	}
	prev := map[string]Entry{}
	r.mu.Lock()
	earlier := r.byStart[s.URL]
	r.mu.Unlock()
	for _, e := range earlier {
		if e.Page != "" {
			prev[e.Page] = e
		}
	}
	var entries []Entry
	downloads := 0
	agencies := map[string]bool{}
	for _, c := range cands {
		agency, guessed := s.Agency, false
		if agency == "" {
			agency = agencyFromText(c.Text)
		}
		if agency == "" {
			agency, guessed = titleName(pg.Title, s.URL)
		}
		if agencies[agency] {
			continue // the same agency's report linked twice (a news box and the list), or its HTML and PDF
		}
		agencies[agency] = true
		if e, ok := prev[c.URL.String()]; ok && r.intact(e) {
			entries = append(entries, e)
			continue
		}
		e := Entry{Start: s.URL, Agency: agency, AgencyGuessed: guessed, Year: year, Page: c.URL.String()}
		if err := r.download(ctx, c, &e); err != nil {
			e.Status, e.Reason = statusOf(err), err.Error()
		} else {
			e.Status = Downloaded
			downloads++
		}
		e.Time = time.Now().UTC()
		entries = append(entries, e)
		if ctx.Err() != nil {
			break
		}
		if s.Agency != "" {
			break // a named start page has one agency: its first report link is the one
		}
	}
	return entries, downloads
}

// errNotPage is a start page that is neither a web page nor a report file.
var errNotPage = errors.New("起始页不是网页，也不是 PDF 或 Word 文件")

// saveStart saves a start page that is the report itself; title is the page's title, if it is a page.
func (r *run) saveStart(s Start, resp *response, ext, title string) ([]Entry, int) {
	e := Entry{Start: s.URL, Agency: s.Agency, Year: r.cfg.Year, Page: s.URL}
	if e.Agency == "" {
		e.Agency = agencyFromText(title)
	}
	if e.Agency == "" {
		e.Agency, e.AgencyGuessed = hostName(s.URL), true
	}
	e.Time = time.Now().UTC()
	if err := r.save(resp, ext, &e); err != nil {
		e.Status, e.Reason = Failed, err.Error()
		return []Entry{e}, 0
	}
	e.Status = Downloaded
	return []Entry{e}, 1
}

// isDocument tells a PDF, a ZIP (DOCX, WPS) or an OLE compound file (DOC, WPS) by its first bytes.
func isDocument(b []byte) bool {
	for _, magic := range []string{"%PDF-", "PK\x03\x04", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"} {
		if strings.HasPrefix(string(b[:min(len(b), len(magic))]), magic) {
			return true
		}
	}
	return false
}

func statusOf(err error) Status {
	if errors.Is(err, errDisallowed) {
		return Disallowed
	}
	return Failed
}

// reportLinks returns the page's links whose text names the year's report; years collects the other years seen.
func reportLinks(pg *page, year int, years map[int]bool) []link {
	var out []link
	for _, l := range pg.Links {
		y, ok := reportYear(l.Text)
		switch {
		case !ok:
		case y == year:
			out = append(out, l)
		default:
			years[y] = true
		}
	}
	return dedupe(out)
}

func dedupe(ls []link) []link {
	seen := map[string]bool{}
	var out []link
	for _, l := range ls {
		if k := l.URL.String(); !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// download fetches the report a link leads to — the page itself when it holds the report, else its attachment —
// and saves it under the agency's name and the year.
func (r *run) download(ctx context.Context, l link, e *Entry) error {
	if attachmentExt(l) == "" {
		resp, err := r.f.get(ctx, l.URL)
		if err != nil {
			return fmt.Errorf("报告页面无法打开：%w", err)
		}
		if !isHTML(resp) {
			return r.save(resp, attachmentExt(l), e)
		}
		pg, err := parsePage(resp.Body, resp.ContentType, resp.URL)
		if err != nil {
			return fmt.Errorf("报告页面无法解析：%w", err)
		}
		att, ok := pickAttachment(pg, r.cfg.Year)
		if holdsReport(pg.Text) || !ok {
			if !ok && !holdsReport(pg.Text) && len([]rune(pg.Text)) < 200 {
				return errors.New("报告页面中既没有报告正文也没有附件")
			}
			return r.save(resp, ".html", e)
		}
		l = att
	}
	resp, err := r.f.get(ctx, l.URL)
	if err != nil {
		return fmt.Errorf("报告附件无法下载：%w", err)
	}
	return r.save(resp, attachmentExt(l), e)
}

// pickAttachment chooses the report among a page's attachments: the one whose text names the year's report, else
// one naming a report or 年报, else the only one.
func pickAttachment(pg *page, year int) (link, bool) {
	var atts []link
	for _, l := range pg.Links {
		if attachmentExt(l) != "" {
			atts = append(atts, l)
		}
	}
	for _, l := range atts {
		if y, ok := reportYear(l.Text); ok && y == year {
			return l, true
		}
	}
	for _, l := range atts {
		if t := normalise(l.Text); strings.Contains(t, "年度报告") || strings.Contains(t, "年报") {
			return l, true
		}
	}
	if len(atts) == 1 {
		return atts[0], true
	}
	return link{}, false
}

func isHTML(resp *response) bool {
	ct := strings.ToLower(resp.ContentType)
	if strings.Contains(ct, "html") {
		return true
	}
	if ct != "" && !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "application/octet-stream") {
		return false
	}
	return strings.Contains(strings.ToLower(http.DetectContentType(resp.Body)), "html")
}

// save writes a fetched report to the output folder as <agency>_<year><ext>. The extension comes from the content
// (%PDF, a ZIP, an OLE compound file) before the link's, so that a DOCX served as .doc keeps what it is.
func (r *run) save(resp *response, ext string, e *Entry) error {
	switch b := resp.Body; {
	case len(b) == 0:
		return errors.New("下载的文件是空的")
	case strings.HasPrefix(string(b[:min(len(b), 5)]), "%PDF-"):
		ext = ".pdf"
	case strings.HasPrefix(string(b[:min(len(b), 4)]), "PK\x03\x04"):
		if ext != ".wps" {
			ext = ".docx"
		}
	case strings.HasPrefix(string(b[:min(len(b), 8)]), "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		if ext != ".wps" {
			ext = ".doc"
		}
	case ext == "" && isHTML(resp):
		ext = ".html"
	case ext == "":
		ext = ".txt"
	}
	name := r.fileName(e, ext)
	tmp, err := os.CreateTemp(r.cfg.Out, ".gather-*")
	if err != nil {
		return fmt.Errorf("无法保存：%w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(resp.Body); err != nil {
		tmp.Close()
		return fmt.Errorf("无法保存：%w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("无法保存：%w", err)
	}
	_ = os.Chmod(tmp.Name(), 0o644)
	if err := os.Rename(tmp.Name(), filepath.Join(r.cfg.Out, name)); err != nil {
		return fmt.Errorf("无法保存：%w", err)
	}
	sum := sha256.Sum256(resp.Body)
	e.URL, e.File, e.SHA256, e.Size = resp.URL.String(), name, hex.EncodeToString(sum[:]), int64(len(resp.Body))
	return nil
}

// fileName returns a free name for the entry's file, keeping the one it had if it had one with this extension.
func (r *run) fileName(e *Entry, ext string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := entryKey(*e)
	base := safeName(e.Agency) + "_" + strconv.Itoa(e.Year)
	for i := 1; ; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		if owner, taken := r.names[name]; !taken || owner == key {
			r.names[name] = key
			return name
		}
	}
}

// safeName makes an agency's name fit for a file name on every system.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, ". ")
	if rs := []rune(s); len(rs) > 60 {
		s = string(rs[:60])
	}
	if s == "" {
		s = "单位不明"
	}
	return s
}

// titleName takes an agency's name from a page title ("平阴县民政局-政府信息公开" → "平阴县民政局"), else the host.
func titleName(title, start string) (string, bool) {
	t := strings.TrimSpace(title)
	for _, sep := range []string{"－", "-", "—", "_", "|", "｜", " "} {
		if i := strings.Index(t, sep); i > 0 {
			t = t[:i]
		}
	}
	t = strings.TrimSpace(t)
	if n := len([]rune(t)); n >= 2 && n <= 30 && !strings.Contains(t, "首页") {
		return t, true
	}
	return hostName(start), true
}

func hostName(start string) string {
	if u, err := url.Parse(start); err == nil && u.Host != "" {
		return u.Host + strings.TrimSuffix(u.Path, "/")
	}
	return start
}

func loadState(dir string, year int) (State, error) {
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return State{Year: year}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("无法读取状态文件：%w", err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, fmt.Errorf("状态文件 %s 已损坏：%v", StateFile, err)
	}
	if st.Year != year {
		return State{}, fmt.Errorf("目录 %s 中的采集记录属于 %d 年度，请另选输出目录", dir, st.Year)
	}
	return st, nil
}

// saveState writes the state file atomically, so that an interruption never leaves half of it.
func saveState(dir string, st State) error {
	if st.Entries == nil {
		st.Entries = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(st); err != nil {
		return err
	}
	data := buf.Bytes()
	tmp, err := os.CreateTemp(dir, ".gather-state-*")
	if err != nil {
		return fmt.Errorf("无法写入状态文件：%w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("无法写入状态文件：%w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("无法写入状态文件：%w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, StateFile)); err != nil {
		return fmt.Errorf("无法写入状态文件：%w", err)
	}
	return nil
}
