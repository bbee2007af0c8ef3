package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// The console's dashboard (工作台): each list of work to do is a count and one statement that returns its first
// rows, oldest first, both read through an index over the work still open (migration 00027): open applications by
// agency and state or by agency and reply deadline, unpublished items by agency and formed date, published ones by
// agency and review date; the workflow queues through items_agency_published.

// maxQueue bounds the rows a dashboard list returns; the count is of the whole list.
const maxQueue = 100

// CaseQueue names a dashboard list of applications.
type CaseQueue string

// The case lists.
const (
	// QueueNew: registered or forwarded to the agency (转来) and not yet accepted, oldest received first.
	QueueNew CaseQueue = "new"
	// QueueOverdue: open, the reply clock running (not paused), the reply deadline before On; earliest deadline
	// first.
	QueueOverdue CaseQueue = "overdue"
	// QueueDueSoon: open, the clock running, the reply deadline on or after On and on or before By.
	QueueDueSoon CaseQueue = "due"
	// QueueApplicant: a 补正 or fee notice waits on the applicant; those whose delivery is not recorded yet (so
	// their period has not started) first, then by the end of the applicant's period.
	QueueApplicant CaseQueue = "applicant"
	// QueueApproval: a reply or an extension waits for the approver, oldest received first.
	QueueApproval CaseQueue = "approval"
)

// CaseQueueQuery selects one case list of the agencies.
type CaseQueueQuery struct {
	Queue     CaseQueue
	AgencyIDs []int64
	// On is today (QueueOverdue, QueueDueSoon); By the last deadline of QueueDueSoon.
	On, By workday.Date
	Limit  int
}

// CaseQueue returns the first cases of a dashboard list, in the list's order, and how many are on it.
func (db *DB) CaseQueue(ctx context.Context, q CaseQueueQuery) ([]disclosure.Case, int, error) {
	var w where
	agencyIn(&w, q.AgencyIDs)
	w.clauses = append(w.clauses, "closed_on IS NULL")
	order := "received_on, id"
	switch q.Queue {
	case QueueNew:
		w.clauses = append(w.clauses, "state IN ('registered', 'referred')")
	case QueueOverdue:
		w.clauses = append(w.clauses, "paused = "+w.next(false))
		w.add("due < $%d", q.On.String())
		order = "due, id"
	case QueueDueSoon:
		w.clauses = append(w.clauses, "paused = "+w.next(false))
		w.add("due >= $%d", q.On.String())
		w.add("due <= $%d", q.By.String())
		order = "due, id"
	case QueueApplicant:
		w.clauses = append(w.clauses, "state IN ('awaiting_fix', 'awaiting_payment')")
		order = "CASE WHEN step_due IS NULL THEN 0 ELSE 1 END, step_due, received_on, id"
	case QueueApproval:
		w.clauses = append(w.clauses, "(state = 'awaiting_approval' OR extension <> '')")
	default:
		return nil, 0, fmt.Errorf("store: case queue: unknown list %q", q.Queue)
	}
	total, err := db.queueCount(ctx, "applications", w)
	if err != nil {
		return nil, 0, fmt.Errorf("store: case queue: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications`+w.sql()+` ORDER BY `+order+` LIMIT `+w.next(queueLimit(q.Limit)), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: case queue: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Case
	for rows.Next() {
		c, err := scanCase(rows.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("store: case queue: %w", err)
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// queueCount counts a list's rows: a statement of its own, which reads the index alone where the index covers the
// conditions (a window count beside the rows would read every row of the list, JSON columns and all, to return ten).
func (db *DB) queueCount(ctx context.Context, table string, w where) (int, error) {
	n := 0
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+w.sql(), w.args...).Scan(&n)
	return n, err
}

func queueLimit(n int) int {
	if n <= 0 || n > maxQueue {
		return 10
	}
	return n
}

// ItemQueue names a dashboard list of items.
type ItemQueue string

// The item lists.
const (
	// QueueSecrecy: waiting for the secrecy review (保密审查), new items and corrections of published ones, the
	// longest waiting first.
	QueueSecrecy ItemQueue = "secrecy"
	// QueueItemApproval: waiting for the approver (审批), new items and corrections, the longest waiting first.
	QueueItemApproval ItemQueue = "item_approval"
	// QueueUnpublished: not yet published and formed before Before (the Art 26 cutoff: late or soon late), the
	// earliest formed first.
	QueueUnpublished ItemQueue = "unpublished"
	// QueueReviewDue: published, the periodic review (动态调整) due on or before On, the earliest due first.
	QueueReviewDue ItemQueue = "review_due"
)

// ItemQueueQuery selects one item list of the agencies.
type ItemQueueQuery struct {
	Queue     ItemQueue
	AgencyIDs []int64
	// Before is the formed-date cutoff of QueueUnpublished; On the day of QueueReviewDue.
	Before, On workday.Date
	Limit      int
}

// ItemQueue returns the first items of a dashboard list, in the list's order, and how many are on it. A
// correction being prepared (Item.Revision) is on the workflow lists by the revision's state; its row is the
// published item with the revision in it.
func (db *DB) ItemQueue(ctx context.Context, q ItemQueueQuery) ([]disclosure.Item, int, error) {
	var w where
	agencyIn(&w, q.AgencyIDs)
	var order string
	var state disclosure.ItemState
	switch q.Queue {
	case QueueSecrecy, QueueItemApproval:
		state = disclosure.ItemInReview
		if q.Queue == QueueItemApproval {
			state = disclosure.ItemApproval
		}
		w.add("state = $%d", string(state))
		order = "updated_at, id"
	case QueueUnpublished:
		w.clauses = append(w.clauses, "state NOT IN ('published', 'withdrawn')")
		w.add("formed_on < $%d", q.Before.String())
		order = "formed_on, id"
	case QueueReviewDue:
		w.clauses = append(w.clauses, "state = 'published'")
		w.add("review_on <= $%d", q.On.String())
		order = "review_on, id"
	default:
		return nil, 0, fmt.Errorf("store: item queue: unknown list %q", q.Queue)
	}
	limit := queueLimit(q.Limit)
	total, err := db.queueCount(ctx, "items", w)
	if err != nil {
		return nil, 0, fmt.Errorf("store: item queue: %w", err)
	}
	var out []disclosure.Item
	if total > 0 {
		if out, err = db.itemQueueRows(ctx, `SELECT `+itemColumns+` FROM items`+w.sql()+` ORDER BY `+order+` LIMIT `+w.next(limit), w.args); err != nil {
			return nil, 0, err
		}
	}
	if state == "" {
		return out, total, nil
	}
	// Corrections are published items whose revision is in the state: few at a time (items_open_revision).
	open, err := db.OpenRevisions(ctx, q.AgencyIDs)
	if err != nil {
		return nil, 0, err
	}
	for _, it := range open {
		if it.Revision.State == state {
			out = append(out, it)
			total++
		}
	}
	// A step on a correction changes the item's updated_at, as a step on a new item does.
	slices.SortStableFunc(out, func(a, b disclosure.Item) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), limit)], total, nil
}

func (db *DB) itemQueueRows(ctx context.Context, q string, args []any) ([]disclosure.Item, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: item queue: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: item queue: %w", err)
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// AnnualStanding is where an agency's annual report of a year stands: its state ("" when not started) and, once
// submitted, when it was last changed.
type AnnualStanding struct {
	AgencyID  int64
	ReportID  int64
	Status    string
	UpdatedAt time.Time
}

// AnnualStandings returns the state of the agencies' reports of the year, by agency ID; with status, only the
// reports in that state, the longest unchanged first. Agencies without a report are absent.
func (db *DB) AnnualStandings(ctx context.Context, agencyIDs []int64, year int, status string) ([]AnnualStanding, error) {
	var w where
	agencyIn(&w, agencyIDs)
	w.add("year = $%d", year)
	order := "agency_id"
	if status != "" {
		w.add("status = $%d", status)
		order = "updated_at, id"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT agency_id, id, status, updated_at FROM annual_reports`+w.sql()+` ORDER BY `+order+` LIMIT `+strconv.Itoa(maxQueue*10), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: annual standings: %w", err)
	}
	defer rows.Close()
	var out []AnnualStanding
	for rows.Next() {
		var s AnnualStanding
		var at int64
		if err := rows.Scan(&s.AgencyID, &s.ReportID, &s.Status, &at); err != nil {
			return nil, fmt.Errorf("store: annual standings: %w", err)
		}
		s.UpdatedAt = time.UnixMicro(at).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// LockedUsers returns the accounts locked at the moment (after repeated failed sign-ins), the lock ending first
// first, at most limit, and how many there are: all of them when agencyIDs is nil, else those holding a role in one
// of the agencies.
func (db *DB) LockedUsers(ctx context.Context, now time.Time, agencyIDs []int64, limit int) ([]*disclosure.User, int, error) {
	var w where
	w.add("locked_until > $%d", now.UnixMicro())
	w.add("disabled = $%d", false)
	if agencyIDs != nil {
		var in where
		in.args = w.args
		agencyIn(&in, agencyIDs)
		w.args = in.args
		w.clauses = append(w.clauses, "id IN (SELECT user_id FROM role_grants WHERE "+in.clauses[0]+")")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+`, COUNT(*) OVER () FROM users`+w.sql()+` ORDER BY locked_until, id LIMIT `+w.next(queueLimit(limit)), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: locked users: %w", err)
	}
	defer rows.Close()
	var out []*disclosure.User
	total := 0
	for rows.Next() {
		u, err := scanUser(func(dest ...any) error { return rows.Scan(append(dest, &total)...) })
		if err != nil {
			return nil, 0, fmt.Errorf("store: locked users: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}
