// Package jobs runs gongkai's background work inside `gongkai serve`: sending the outbox's e-mails with retries,
// the e-mails of the public's subscriptions to new publications, scheduled publications, and the daily reminders
// to officers of cases and items due and overdue. Each kind of work runs in its own lane (goroutine), so that a slow
// mail relay delays no publication. On PostgreSQL several processes may run it at once: e-mails are claimed one at a
// time with a lease their sender keeps extending, subscriptions are claimed with SKIP LOCKED, scheduled items are
// released under a row lock, and each daily run is claimed once per day.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// Runner is the background work of one process.
type Runner struct {
	DB *store.DB
	// Sender delivers e-mail; nil keeps it in the outbox (no SMTP server configured yet).
	Sender mail.Sender
	Log    *slog.Logger
	// Calendar returns the working-day calendar in force.
	Calendar func(ctx context.Context) (*workday.Calendar, error)
	// Location is the agencies' time zone; ReminderHour the local hour after which the daily reminder goes out.
	Location     *time.Location
	ReminderHour int
	// BaseURL is the portal's address, for links.
	BaseURL string
	// Every is how often each lane but the hourly cleanup looks for work (default 10 s).
	Every time.Duration
	// MailLease is how long an e-mail being sent stays claimed between extensions (default store.MailLease).
	MailLease time.Duration
	// MessageDomain is the right part of the outbox's Message-IDs when the Sender does not name one (see
	// messageDomain).
	MessageDomain string
	// AuditEvery is how often the audit sequencer chains the pending audit entries (default 1 s; see
	// store.SequenceAudit).
	AuditEvery time.Duration
	// Now is the clock (time.Now by default).
	Now func() time.Time

	warnNoBase sync.Once
	// delivered is the publication up to which this process last delivered subscriptions.
	delivered atomic.Int64
	// purged is when this process last deleted expired unconfirmed subscriptions.
	purged time.Time
	// auditErr is the audit sequencer's last failure, logged once.
	auditMu  sync.Mutex
	auditErr string
}

// purgeEvery is how often expired unconfirmed subscriptions are deleted.
const purgeEvery = time.Hour

// Purge deletes, at most once per purgeEvery, the subscriptions whose confirmation link expired unconfirmed, and
// returns how many it deleted.
func (r *Runner) Purge(ctx context.Context) (int, error) {
	now := r.now()
	if !r.purged.IsZero() && now.Sub(r.purged) < purgeEvery {
		return 0, nil
	}
	n, err := r.DB.PurgeSubscriptions(ctx)
	if err == nil {
		r.purged = now
		if n > 0 {
			r.Log.Info("expired unconfirmed subscriptions deleted", "count", n)
		}
	}
	return n, err
}

// Run works until ctx is done, each kind of work in its own lane: the outbox, subscriptions, scheduled
// publications, the daily reminders and the cleanup (itself hourly) are looked at every Every, the audit
// sequencer every AuditEvery. A lane that is slow (a relay taking seconds per e-mail, a reminder over thousands of
// cases) holds up only itself; the lanes share the database pool and nothing else.
func (r *Runner) Run(ctx context.Context) {
	every := r.Every
	if every == 0 {
		every = 10 * time.Second
	}
	var wg sync.WaitGroup
	lane := func(name string, every time.Duration, work func(ctx context.Context) error) {
		wg.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				if err := work(ctx); err != nil && ctx.Err() == nil {
					r.Log.Error(name, "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	lane("outbox", every, func(ctx context.Context) error { _, err := r.SendMail(ctx); return err })
	lane("subscriptions", every, func(ctx context.Context) error { _, err := r.NotifySubscribers(ctx); return err })
	lane("scheduled publication", every, func(ctx context.Context) error { _, err := r.ReleaseScheduled(ctx); return err })
	lane("reminders", every, r.remindAll)
	lane("webhooks", every, func(ctx context.Context) error { _, err := r.DeliverWebhooks(ctx); return err })
	lane("cleanup", every, func(ctx context.Context) error { _, err := r.Purge(ctx); return err })
	// The audit sequencer: every process runs one, and one at a time works (the others skip their turn). It makes a
	// last pass when ctx ends.
	seq := &store.AuditSequencer{DB: r.DB, Every: r.AuditEvery, Report: r.reportAudit}
	wg.Go(func() { seq.Run(ctx) })
	wg.Wait()
}

// reportAudit logs the audit sequencer's failures, each once while it lasts, and the recovery (once it chains
// again: a pass that chained nothing may only have left its turn to another process's sequencer).
func (r *Runner) reportAudit(chained int, err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	r.auditMu.Lock()
	last := r.auditErr
	if err != nil || chained > 0 {
		r.auditErr = msg
	} else {
		msg = last
	}
	r.auditMu.Unlock()
	switch {
	case msg != "" && msg != last:
		r.Log.Error("audit sequencer: pending audit entries are not being chained", "err", err, "msg", disclosure.ErrorMessage(err))
	case msg == "" && last != "":
		r.Log.Info("audit sequencer: chaining again")
	}
}

// remindAll is the reminders' lane: each daily reminder is tried even when another failed.
func (r *Runner) remindAll(ctx context.Context) error {
	_, err1 := r.Remind(ctx)
	_, err2 := r.RemindAnnual(ctx)
	_, err3 := r.RemindItems(ctx)
	return errors.Join(err1, err2, err3)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// SendMail sends what the outbox holds, one e-mail at a time, and returns how many were sent. Each e-mail is
// claimed on its own for MailLease and the lease is extended every third of it while the relay takes its time, so
// that no other process claims an e-mail that is being sent; if the lease is lost all the same (this process
// stalled longer than the lease), the delivery is abandoned to the process that took it over. Every attempt of an
// e-mail carries the same Message-ID. A temporary failure is retried later with backoff; a permanent one (an
// address refused) is given up and logged.
func (r *Runner) SendMail(ctx context.Context) (int, error) {
	sent := 0
	if r.Sender == nil {
		return 0, nil // no SMTP server configured: the outbox keeps everything
	}
	lease := r.MailLease
	if lease <= 0 {
		lease = store.MailLease
	}
	domain := r.messageDomain()
	for {
		batch, err := r.DB.ClaimMailLease(ctx, 1, lease)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		m := batch[0]
		msg := mail.Message{To: []string{m.Mail.To}, Subject: m.Mail.Subject, Text: m.Mail.Text, Headers: m.Mail.Headers, MessageID: m.MessageID + "@" + domain}
		lost, err := r.sendLeased(ctx, m, msg, lease)
		if err == nil {
			if err := r.DB.MailSent(ctx, m.ID); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		if lost {
			r.Log.Warn("mail lease lost while sending: left to the process that claimed it", "id", m.ID, "err", err)
			continue
		}
		temporary := mail.Temporary(err)
		r.Log.Warn("mail not sent", "id", m.ID, "attempt", m.Attempts+1, "temporary", temporary, "err", err)
		if err := r.DB.MailFailed(ctx, m.ID, err, temporary); err != nil {
			return sent, err
		}
	}
}

// sendLeased sends a claimed e-mail while extending its lease every third of it. When an extension finds the claim
// taken over, the delivery is cancelled and lost is true.
func (r *Runner) sendLeased(ctx context.Context, m store.OutboxMail, msg mail.Message, lease time.Duration) (lost bool, err error) {
	sendCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	var lostLease atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-sendCtx.Done():
				return
			case <-t.C:
			}
			held, err := r.DB.ExtendMailLease(ctx, m, lease)
			switch {
			case err != nil:
				if ctx.Err() == nil {
					r.Log.Warn("mail lease not extended", "id", m.ID, "err", err)
				}
			case !held:
				lostLease.Store(true)
				cancel()
				return
			}
		}
	})
	err = r.Sender.Send(sendCtx, msg)
	close(done)
	wg.Wait()
	return lostLease.Load(), err
}

// messageDomain is the right part of the outbox's Message-IDs: the sender's own (its From domain) when it tells,
// else MessageDomain, else the portal's host, else gongkai.invalid.
func (r *Runner) messageDomain() string {
	if d, ok := r.Sender.(interface{ Domain() string }); ok && d.Domain() != "" {
		return d.Domain()
	}
	if r.MessageDomain != "" {
		return r.MessageDomain
	}
	if u, err := url.Parse(r.BaseURL); err == nil && u.Hostname() != "" && isASCII(u.Hostname()) {
		return u.Hostname()
	}
	return "gongkai.invalid"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Remind sends, once a day after the reminder hour, each officer with an e-mail address the list of their agencies'
// open cases that are overdue or due within 3 working days. It returns how many reminders it queued; 0 when the day's
// run was already done, here or by another process.
func (r *Runner) Remind(ctx context.Context) (int, error) {
	today, cal, due, err := r.workdayRun(ctx, "reminder")
	if err != nil || !due {
		return 0, err
	}
	soon := cal.Due(today, 3, nil).Due
	users, err := r.DB.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, u := range users {
		if u.Email == "" || u.Disabled {
			continue
		}
		agencies, err := r.grantedAgencies(ctx, u, disclosure.Officer, disclosure.Approver)
		if err != nil {
			return queued, err
		}
		if len(agencies) == 0 {
			continue
		}
		list, _, err := r.DB.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: agencies, DueBy: soon, Limit: 200})
		if err != nil {
			return queued, err
		}
		if len(list) == 0 {
			continue
		}
		if err := r.DB.EnqueueMail(ctx, reminderMail(u, list, cal, today, r.BaseURL)); err != nil {
			return queued, err
		}
		queued++
	}
	return queued, nil
}

// workdayRun claims today's run of a daily job once the reminder hour has passed: due is false before the hour,
// when this or another process already ran it today, and on a day that is not a working day.
func (r *Runner) workdayRun(ctx context.Context, job string) (today workday.Date, cal *workday.Calendar, due bool, err error) {
	now := r.now().In(r.Location)
	if now.Hour() < r.ReminderHour {
		return today, nil, false, nil
	}
	today = workday.DateOf(now)
	first, err := r.DB.ClaimJobRun(ctx, job, today.String())
	if err != nil || !first {
		return today, nil, false, err
	}
	if cal, err = r.Calendar(ctx); err != nil {
		return today, nil, false, err
	}
	return today, cal, cal.IsWorkday(today), nil
}

// grantedAgencies are the agencies in the subtrees where the account holds one of the roles, each once, in grant
// order: an officer's or approver's cases, an officer's items, a supervisor's region.
func (r *Runner) grantedAgencies(ctx context.Context, u *disclosure.User, roles ...disclosure.Role) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, g := range u.Grants {
		if g.AgencyID == nil || !slices.Contains(roles, g.Role) {
			continue
		}
		sub, err := r.DB.ListAgencies(ctx, g.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, a := range sub {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a.ID)
			}
		}
	}
	return out, nil
}

func reminderMail(u *disclosure.User, list []disclosure.Application, cal *workday.Calendar, today workday.Date, base string) disclosure.Mail {
	sort.Slice(list, func(i, j int) bool { return list[i].Due.Before(list[j].Due) })
	var overdue, soon []string
	for _, a := range list {
		line := fmt.Sprintf("%s %s：%s（答复期限 %s", a.Number, a.Applicant.Name, summary(a.Request), a.Due.Chinese())
		if a.Due.Before(today) {
			line += fmt.Sprintf("，已超期 %d 个工作日）", -cal.WorkdaysBetween(today, a.Due))
			overdue = append(overdue, line)
		} else {
			line += fmt.Sprintf("，还剩 %d 个工作日）", cal.WorkdaysBetween(today, a.Due))
			soon = append(soon, line)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n以下政府信息公开申请需要尽快办理（%s）。\n", u.DisplayName, today.Chinese())
	if len(overdue) > 0 {
		fmt.Fprintf(&b, "\n已超期（%d 件）：\n  %s\n", len(overdue), strings.Join(overdue, "\n  "))
	}
	if len(soon) > 0 {
		fmt.Fprintf(&b, "\n3个工作日内到期（%d 件）：\n  %s\n", len(soon), strings.Join(soon, "\n  "))
	}
	fmt.Fprintf(&b, "\n进入工作台办理：%s/console/cases?view=due\n\n本邮件由系统每个工作日自动发送。", strings.TrimRight(base, "/"))
	return disclosure.Mail{To: u.Email, Subject: fmt.Sprintf("依申请公开提醒：%d 件已超期，%d 件即将到期", len(overdue), len(soon)), Text: b.String()}
}

func summary(r disclosure.Request) string {
	s := r.Title
	if s == "" {
		s = r.Description
	}
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > 30 {
		s = string(rs[:30]) + "……"
	}
	return s
}
