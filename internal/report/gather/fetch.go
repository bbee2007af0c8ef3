package gather

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// agentToken is the product token robots.txt groups are matched against ("User-agent: gongkai-gather").
const agentToken = "gongkai-gather"

// maxRedirects bounds the redirects followed for one request; each hop is checked against its host's robots.txt.
const maxRedirects = 5

// maxRetryAfter bounds how long a server's Retry-After is honoured; longer waits fall back to the back-off.
const maxRetryAfter = time.Minute

// errDisallowed is returned (wrapped) when robots.txt forbids an address.
var errDisallowed = errors.New("robots.txt 不允许采集")

// errTooLarge is returned (wrapped) when a response exceeds the size limit.
var errTooLarge = errors.New("文件过大")

// httpError is a response with a status other than 200 that was not worth (or no longer worth) retrying.
type httpError struct{ status int }

func (e *httpError) Error() string {
	return fmt.Sprintf("服务器返回 HTTP %d", e.status)
}

// host is what the fetcher knows about one host: its robots.txt and when the last request to it ended. mu is held
// for the whole of a request, so that a host never sees two of ours at once.
type host struct {
	mu     sync.Mutex
	robots *robotstxt.RobotsData // nil until fetched
	// robotsErr says why robots.txt could not be read, when that is why everything is refused.
	robotsErr string
	last      time.Time
	delay     time.Duration
}

// fetcher makes every HTTP request of a run: one at a time per host, the configured delay apart (or the host's
// Crawl-delay, when longer), after robots.txt allows it, retrying 5xx and network errors with exponential back-off.
type fetcher struct {
	cfg   *Config
	mu    sync.Mutex
	hosts map[string]*host
	// requests counts the requests made, for the summary and the tests.
	requests int
}

func newFetcher(cfg *Config) *fetcher {
	return &fetcher{cfg: cfg, hosts: map[string]*host{}}
}

func (f *fetcher) host(u *url.URL) *host {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.hosts[u.Host]
	if !ok {
		h = &host{delay: f.cfg.Delay}
		f.hosts[u.Host] = h
	}
	return h
}

// response is a fetched resource: its final address (after redirects), content type and body.
type response struct {
	URL         *url.URL
	ContentType string
	Body        []byte
}

// get fetches u, following redirects one hop at a time. The error is errDisallowed, errTooLarge, an *httpError or a
// network error, each wrapped with a Chinese explanation fit for the summary.
func (f *fetcher) get(ctx context.Context, u *url.URL) (*response, error) {
	for range maxRedirects + 1 {
		resp, next, err := f.getOne(ctx, u)
		if err != nil || next == nil {
			return resp, err
		}
		u = next
	}
	return nil, fmt.Errorf("重定向超过 %d 次：%s", maxRedirects, u)
}

// getOne makes one request (with its retries) holding the host's lock. next is the redirect target, if any.
func (f *fetcher) getOne(ctx context.Context, u *url.URL) (resp *response, next *url.URL, err error) {
	h := f.host(u)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.robots == nil {
		h.robots = f.robots(ctx, h, u)
	}
	if !h.robots.TestAgent(u.EscapedPath()+querySuffix(u), agentToken) {
		if h.robotsErr != "" {
			return nil, nil, fmt.Errorf("%w：%s（%s，按惯例不采集该网站）", errDisallowed, u.EscapedPath(), h.robotsErr)
		}
		return nil, nil, fmt.Errorf("%w：%s", errDisallowed, u.EscapedPath())
	}
	backoff := f.cfg.Backoff
	for attempt := 0; ; attempt++ {
		resp, next, retryAfter, err := f.do(ctx, h, u)
		if err == nil || attempt >= f.cfg.Retries || !retryable(err) || ctx.Err() != nil {
			return resp, next, err
		}
		wait := backoff
		if retryAfter > wait && retryAfter <= maxRetryAfter {
			wait = retryAfter
		}
		if f.cfg.Log != nil {
			f.cfg.Log(fmt.Sprintf("%s：%v，%s 后重试（第 %d 次）", u, err, wait, attempt+1))
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
		backoff *= 2
	}
}

func querySuffix(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

// robots fetches and parses the host's robots.txt (with the host's lock held). A missing robots.txt (4xx) allows
// everything; one that stays unreachable or answers 5xx forbids everything, as one that cannot be parsed does —
// when in doubt the host is left alone, and h.robotsErr says why.
func (f *fetcher) robots(ctx context.Context, h *host, u *url.URL) *robotstxt.RobotsData {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	backoff := f.cfg.Backoff
	var err error
	for attempt := 0; ; attempt++ {
		var resp *response
		resp, _, _, err = f.do(ctx, h, ru)
		status := 0
		var he *httpError
		switch {
		case err == nil:
			status = http.StatusOK
		case errors.As(err, &he):
			status = he.status
		}
		if status > 0 && status < 500 {
			var body []byte
			if status == http.StatusOK && resp != nil {
				body = resp.Body
			} else {
				status = http.StatusNotFound // no robots.txt (a redirected one counts as none, as most crawlers do)
			}
			data, perr := robotstxt.FromStatusAndBytes(status, body)
			if perr != nil {
				h.robotsErr = "robots.txt 无法解析"
				break
			}
			g := data.FindGroup(agentToken)
			if g.CrawlDelay > h.delay {
				h.delay = min(g.CrawlDelay, f.cfg.MaxCrawlDelay)
			}
			return data
		}
		if attempt >= f.cfg.Retries || ctx.Err() != nil || sleep(ctx, backoff) != nil {
			h.robotsErr = fmt.Sprintf("robots.txt 无法获取：%v", err)
			break
		}
		backoff *= 2
	}
	none, _ := robotstxt.FromStatusAndBytes(http.StatusServiceUnavailable, nil)
	return none
}

// do makes exactly one request, waiting first until the host's delay has passed since its last request ended.
func (f *fetcher) do(ctx context.Context, h *host, u *url.URL) (resp *response, next *url.URL, retryAfter time.Duration, err error) {
	if wait := time.Until(h.last.Add(h.delay)); wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			return nil, nil, 0, err
		}
	}
	defer func() { h.last = time.Now() }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, 0, err
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,application/msword,*/*;q=0.8")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	hr, err := f.cfg.Client.Do(req)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("网络错误：%w", err)
	}
	defer hr.Body.Close()
	switch {
	case hr.StatusCode >= 300 && hr.StatusCode < 400 && hr.Header.Get("Location") != "":
		loc, err := u.Parse(hr.Header.Get("Location"))
		if err != nil {
			return nil, nil, 0, fmt.Errorf("重定向地址无效：%w", err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(hr.Body, 64<<10))
		return nil, loc, 0, nil
	case hr.StatusCode != http.StatusOK:
		if s, err := strconv.Atoi(hr.Header.Get("Retry-After")); err == nil && s > 0 {
			retryAfter = time.Duration(s) * time.Second
		}
		body, _ := io.ReadAll(io.LimitReader(hr.Body, 512<<10))
		return &response{URL: u, ContentType: hr.Header.Get("Content-Type"), Body: body}, nil, retryAfter, &httpError{status: hr.StatusCode}
	}
	if hr.ContentLength > f.cfg.MaxSize {
		return nil, nil, 0, fmt.Errorf("%w（%d MB，上限 %d MB）", errTooLarge, hr.ContentLength>>20, f.cfg.MaxSize>>20)
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, f.cfg.MaxSize+1))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("网络错误：%w", err)
	}
	if int64(len(body)) > f.cfg.MaxSize {
		return nil, nil, 0, fmt.Errorf("%w（超过上限 %d MB）", errTooLarge, f.cfg.MaxSize>>20)
	}
	return &response{URL: u, ContentType: hr.Header.Get("Content-Type"), Body: body}, nil, 0, nil
}

// retryable tells the errors worth another try: server errors (5xx) and network errors, not 4xx, not a refusal
// by robots.txt, not an oversized file and not a cancelled run.
func retryable(err error) bool {
	var he *httpError
	switch {
	case errors.As(err, &he):
		return he.status >= 500
	case errors.Is(err, errDisallowed), errors.Is(err, errTooLarge),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded) && !isTimeout(err):
		return false
	}
	return true
}

// isTimeout tells a request's own timeout (retried) from the run's context ending (not retried).
func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
