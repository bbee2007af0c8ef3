package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/store"
)

// Schedule is the wait after each failed attempt: 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, then doubling to a day,
// and a day after that. A delivery is given up (failed, kept in the log, retryable by hand) after MaxAttempts
// attempts, about four days after its event. Each wait is drawn within ±20 % (jitter), so that the deliveries of a
// receiver that comes back do not arrive all at once.
var Schedule = []time.Duration{10 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}

// MaxAttempts is how many attempts a delivery gets.
var MaxAttempts = len(Schedule) + 1

// maxBody is how much of an answer is read: enough to keep the start of an error page, never a flood.
const maxBody = 64 << 10

// defaultClient is shared by every Deliverer without its own, so that connections to a subscriber are reused.
var defaultClient = sync.OnceValue(NewClient)

// Deliverer sends the webhook deliveries that are due.
type Deliverer struct {
	DB *store.DB
	// Client sends the requests (NewClient's by default; tests may not replace its checks by accident, so only
	// set it knowingly).
	Client *http.Client
	Log    *slog.Logger
	// Now is the clock of the timestamps (time.Now by default); the store has its own (store.DB.SetClock).
	Now func() time.Time
	// Lease is how long a claimed delivery stays hidden from other senders (store.WebhookLease by default).
	Lease time.Duration
	// Jitter returns a number in [0, 1) to spread the waits (math/rand by default).
	Jitter func() float64
}

// Payload is the JSON body of a delivery.
type Payload struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	OccurredAt time.Time       `json:"occurred_at"`
	AgencyID   *int64          `json:"agency_id"`
	Data       json.RawMessage `json:"data"`
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Backoff is the wait after the attempts-th failed attempt, before jitter.
func Backoff(attempts int) time.Duration {
	return Schedule[min(max(attempts, 1), len(Schedule))-1]
}

// retryAfter reads a Retry-After of seconds (429 and 503 answers).
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s > 0 {
		return min(time.Duration(s)*time.Second, 24*time.Hour)
	}
	return 0
}

// DeliverDue sends every delivery that is due, one at a time, and returns how many were acknowledged (2xx). Each
// is claimed on its own with a lease longer than the client's time limit, so that several processes never send
// the same delivery at once, and a process that dies mid-way leaves it to be claimed again when the lease runs out.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	lease := d.Lease
	if lease <= 0 {
		lease = store.WebhookLease
	}
	delivered := 0
	for ctx.Err() == nil {
		dl, err := d.DB.ClaimWebhook(ctx, lease)
		if err != nil || dl == nil {
			return delivered, err
		}
		ok, err := d.deliver(ctx, dl)
		if err != nil {
			return delivered, err
		}
		if ok {
			delivered++
		}
	}
	return delivered, ctx.Err()
}

// deliver makes one attempt of a claimed delivery and records it.
func (d *Deliverer) deliver(ctx context.Context, dl *store.WebhookDelivery) (bool, error) {
	body, err := json.Marshal(Payload{ID: dl.Event.UID, Kind: dl.Event.Kind, OccurredAt: dl.Event.OccurredAt, AgencyID: dl.Event.AgencyID, Data: dl.Event.Data})
	if err != nil {
		return false, err
	}
	start := time.Now()
	status, resp, after, sendErr := d.send(ctx, dl, body)
	took := time.Since(start)
	if sendErr == nil && status >= 200 && status < 300 {
		held, err := d.DB.WebhookDelivered(ctx, dl, status, took)
		if err == nil && !held && d.Log != nil {
			d.Log.Warn("webhook delivered after its lease was taken over", "delivery", dl.ID, "event", dl.Event.UID)
		}
		return true, err
	}
	if ctx.Err() != nil {
		return false, ctx.Err() // shutting down: the lease runs out and the delivery is tried again
	}
	cause := ""
	switch {
	case sendErr != nil:
		cause = sendErr.Error()
	case status >= 300 && status < 400:
		cause = fmt.Sprintf("HTTP %d：不跟随重定向，请填写最终地址", status)
	default:
		cause = fmt.Sprintf("HTTP %d", status)
		if resp != "" {
			cause += "：" + resp
		}
	}
	attempts := dl.Attempts + 1
	giveUp := attempts >= MaxAttempts
	wait := Backoff(attempts)
	jitter := rand.Float64
	if d.Jitter != nil {
		jitter = d.Jitter
	}
	wait = max(time.Duration(float64(wait)*(0.8+0.4*jitter())), after)
	if d.Log != nil {
		d.Log.Warn("webhook not delivered", "delivery", dl.ID, "event", dl.Event.UID, "attempt", attempts, "status", status, "err", cause, "retry_in", wait, "given_up", giveUp)
	}
	return false, d.DB.WebhookFailed(ctx, dl, status, took, cause, wait, giveUp)
}

// send POSTs a delivery, signed, and returns the status, the start of the answer's body (a failure's reason) and
// the wait a 429 or 503 answer asked for.
func (d *Deliverer) send(ctx context.Context, dl *store.WebhookDelivery, body []byte) (int, string, time.Duration, error) {
	u, local, err := parseURL(dl.URL)
	if err != nil {
		return 0, "", 0, err
	}
	ts := d.now()
	sig, err := Sign(dl.Secret, dl.Event.UID, ts, body)
	if err != nil {
		return 0, "", 0, err
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, loopbackKey{}, local), http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gongkai-webhooks/1")
	req.Header.Set(HeaderID, dl.Event.UID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	client := d.Client
	if client == nil {
		client = defaultClient()
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	text := strings.Join(strings.Fields(string(b[:min(len(b), 300)])), " ")
	for !utf8.ValidString(text) {
		text = text[:len(text)-1]
	}
	return resp.StatusCode, text, retryAfter(resp), nil
}
