package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

const applicationColumns = `id, agency_id, kind, number, query_code, secret_hash, channel, received_on, applicant, request, state,
	outcome, basis, closed_on, due, paused, step_due, assignee_id, transferred_from, flags, clock, reply, extension, fee,
	fix_requested, created_at, updated_at, version, progress`

// dateArg is a date as stored: 'YYYY-MM-DD', or NULL for the zero date.
func dateArg(d workday.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func scanDate(s sql.NullString) (workday.Date, error) {
	if !s.Valid || s.String == "" {
		return workday.Date{}, nil
	}
	return workday.ParseDate(s.String)
}

// jsonOrEmpty stores an optional part of a case as JSON, or "" when absent.
func jsonOrEmpty(v any, present bool) string {
	if !present {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func scanCase(scan func(...any) error) (*disclosure.Case, error) {
	var c disclosure.Case
	var received, closed, due, stepDue sql.NullString
	var assignee, from sql.NullInt64
	var applicant, request, flags, clock, reply, extension, feeJSON, progress string
	var created, updated int64
	err := scan(&c.ID, &c.AgencyID, &c.Kind, &c.Number, &c.QueryCode, &c.SecretHash, &c.Channel, &received, &applicant, &request, &c.State,
		&c.Outcome, &c.Basis, &closed, &due, &c.Paused, &stepDue, &assignee, &from, &flags, &clock, &reply, &extension, &feeJSON,
		&c.FixRequested, &created, &updated, &c.Version, &progress)
	if err != nil {
		return nil, err
	}
	for _, d := range []struct {
		s   sql.NullString
		dst *workday.Date
	}{{received, &c.ReceivedOn}, {closed, &c.ClosedOn}, {due, &c.Due}, {stepDue, &c.StepDue}} {
		if *d.dst, err = scanDate(d.s); err != nil {
			return nil, fmt.Errorf("application %d: %w", c.ID, err)
		}
	}
	if assignee.Valid {
		c.AssigneeID = &assignee.Int64
	}
	if from.Valid {
		c.TransferredFrom = &from.Int64
	}
	parts := []struct {
		s   string
		dst any
	}{{applicant, &c.Applicant}, {request, &c.Request}, {flags, &c.Flags}, {clock, &c.Clock}}
	if reply != "" {
		c.Reply = &disclosure.ReplyDraft{}
		parts = append(parts, struct {
			s   string
			dst any
		}{reply, c.Reply})
	}
	if extension != "" {
		c.Extension = &disclosure.ExtensionRequest{}
		parts = append(parts, struct {
			s   string
			dst any
		}{extension, c.Extension})
	}
	if feeJSON != "" {
		c.Fee = &disclosure.FeeNotice{}
		parts = append(parts, struct {
			s   string
			dst any
		}{feeJSON, c.Fee})
	}
	if progress != "" {
		parts = append(parts, struct {
			s   string
			dst any
		}{progress, &c.Progress})
	}
	for _, p := range parts {
		if err := json.Unmarshal([]byte(p.s), p.dst); err != nil {
			return nil, fmt.Errorf("application %d: %w", c.ID, err)
		}
	}
	c.CreatedAt, c.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &c, nil
}

// caseArgs are the values of every stored column but id, in applicationColumns order.
func caseArgs(c *disclosure.Case) []any {
	applicant, _ := json.Marshal(c.Applicant)
	request, _ := json.Marshal(c.Request)
	flags, _ := json.Marshal(nonNil(c.Flags))
	clock, _ := json.Marshal(nonNil(c.Clock))
	return []any{c.AgencyID, string(c.Kind), c.Number, c.QueryCode, c.SecretHash, string(c.Channel), dateArg(c.ReceivedOn), string(applicant), string(request), string(c.State),
		string(c.Outcome), c.Basis, dateArg(c.ClosedOn), dateArg(c.Due), c.Paused, dateArg(c.StepDue), c.AssigneeID, c.TransferredFrom, string(flags), string(clock),
		jsonOrEmpty(c.Reply, c.Reply != nil), jsonOrEmpty(c.Extension, c.Extension != nil), jsonOrEmpty(c.Fee, c.Fee != nil),
		c.FixRequested, c.CreatedAt.UnixMicro(), c.UpdatedAt.UnixMicro(), c.Version,
		string(c.Applicant.Type), c.Applicant.Name, c.Applicant.IDNumber,
		jsonOrEmpty(c.Progress, c.Progress != (disclosure.CaseProgress{}))}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// auditCase is what the audit trail keeps of a case: everything but the secret's hash.
func auditCase(c *disclosure.Case) any {
	if c == nil {
		return nil
	}
	x := *c
	x.SecretHash = ""
	return x
}

// caseTx is the store's side of a case step: what the step may ask inside the transaction.
type caseTx struct {
	db *DB
	tx *sql.Tx
}

var _ disclosure.CaseTx = caseTx{}

func (t caseTx) NextSerial(ctx context.Context, agencyID int64, series string, year int) (int, error) {
	return t.db.nextSerial(ctx, t.tx, agencyID, series, year)
}

func (t caseTx) ReportPublished(ctx context.Context, agencyID int64, year int) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM annual_reports WHERE agency_id = $1 AND year = $2 AND status = 'published'`, agencyID, year).Scan(&n)
	return n > 0, err
}

func (t caseTx) Agency(ctx context.Context, id int64) (*disclosure.Agency, error) {
	return getAgency(ctx, t.tx, id)
}

func (t caseTx) ApplicationsInMonth(ctx context.Context, agencyID int64, idNumber string, received workday.Date, id int64) (int, error) {
	if idNumber == "" || received.IsZero() {
		return 0, nil
	}
	first := workday.NewDate(received.Year, received.Month, 1)
	rows, err := t.tx.QueryContext(ctx, `SELECT fee FROM applications
		WHERE agency_id = $1 AND id_number = $2 AND kind = 'disclosure' AND state <> 'referred' AND id <> $3
		  AND received_on >= $4 AND (received_on < $5 OR (received_on = $5 AND id < $3))`,
		agencyID, idNumber, id, first.String(), received.String())
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return 0, err
		}
		units := 1 // every application is one 件, charged or not
		var f disclosure.FeeNotice
		if raw != "" && json.Unmarshal([]byte(raw), &f) == nil && f.Method == "per_case" && f.Units > 1 {
			units = f.Units // 一事一申请: the fee notice split it into several 件
		}
		n += units
	}
	return n, rows.Err()
}

func (t caseTx) Template(ctx context.Context, agencyID int64, key string) (string, string, bool, error) {
	var title, body string
	err := t.tx.QueryRowContext(ctx, `SELECT title, body FROM notice_templates WHERE agency_id = $1 AND key = $2`, agencyID, key).Scan(&title, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return title, body, err == nil, err
}

func (t caseTx) PriorApplications(ctx context.Context, agencyID int64, idNumber string) ([]disclosure.Application, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE agency_id = $1 AND id_number = $2 ORDER BY id DESC LIMIT 200`, agencyID, idNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []disclosure.Application
	for rows.Next() {
		c, err := scanCase(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, c.Application)
	}
	return out, rows.Err()
}

// nextSerial returns the next number of a series, creating the series at 1.
func (db *DB) nextSerial(ctx context.Context, tx *sql.Tx, agencyID int64, series string, year int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO number_series (agency_id, series, year, last) VALUES ($1, $2, $3, 1)
		ON CONFLICT (agency_id, series, year) DO UPDATE SET last = number_series.last + 1 RETURNING last`, agencyID, series, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next serial: %w", err)
	}
	return n, nil
}

// queryCodeChars avoid characters that are confused when read aloud or copied by hand (0/O, 1/I/L).
const queryCodeChars = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewQueryCode returns a random 12-character 查询码.
func NewQueryCode() string {
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = queryCodeChars[int(b[i])%len(queryCodeChars)]
	}
	return string(b)
}

// CreateCase opens a new case: build computes it inside the transaction (it may look up the applicant's earlier
// applications and the published years through the CaseTx), and the store numbers it (申请编号 in the agency's
// yearly series), gives it its 查询码, and writes it with its first event, its e-mails and the audit row.
// Errors: those of build, EInvalid.
func (db *DB) CreateCase(ctx context.Context, actor disclosure.Actor, build func(ctx context.Context, tx CaseBuildTx) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, error) {
	var out *disclosure.CaseChange
	err := db.withTx(ctx, func(tx *sql.Tx) (err error) {
		out, err = db.createCaseTx(ctx, tx, actor, build)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: create case: %w", err)
	}
	return out, nil
}

// numberCase gives a case inserted under a provisional number its number in the agency's yearly series, gap-free:
// the series row stays locked until the transaction ends, so a rollback gives the number back. On PostgreSQL the
// series and the case are updated in one statement.
func (db *DB) numberCase(ctx context.Context, tx *sql.Tx, c *disclosure.Case) error {
	year := c.ReceivedOn.Year
	if db.d.name() == "postgres" {
		var serial int
		err := tx.QueryRowContext(ctx, `WITH n AS (
				INSERT INTO number_series (agency_id, series, year, last) VALUES ($1, 'application', $2, 1)
				ON CONFLICT (agency_id, series, year) DO UPDATE SET last = number_series.last + 1 RETURNING last)
			UPDATE applications SET number = $3 || lpad(CAST(n.last AS TEXT), GREATEST(4, length(CAST(n.last AS TEXT))), '0')
			FROM n WHERE applications.id = $4 RETURNING n.last`, c.AgencyID, year, fmt.Sprintf("%d-", year), c.ID).Scan(&serial)
		if err != nil {
			return fmt.Errorf("number application: %w", err)
		}
		c.Number = fmt.Sprintf("%d-%04d", year, serial)
		return nil
	}
	serial, err := db.nextSerial(ctx, tx, c.AgencyID, "application", year)
	if err != nil {
		return err
	}
	c.Number = fmt.Sprintf("%d-%04d", year, serial)
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET number = $1 WHERE id = $2`, c.Number, c.ID); err != nil {
		return fmt.Errorf("number application: %w", err)
	}
	return nil
}

// createCaseTx is CreateCase inside the transaction tx.
func (db *DB) createCaseTx(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, build func(ctx context.Context, tx CaseBuildTx) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, error) {
	ch, err := build(ctx, caseTx{db, tx})
	if err != nil {
		return nil, err
	}
	if _, err := getAgency(ctx, tx, ch.Case.AgencyID); err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "受理机关（编号 %d）不存在", ch.Case.AgencyID)
	}
	// The number is taken as late as the case allows: its row, its event and its corrections are written first
	// (under a provisional number), so that the agency's number series stays locked only for the numbering itself,
	// the e-mails and the audit entry that show the number, and the commit. Notices (which may quote the number)
	// and a forwarded case make it take the number first, as before.
	late := len(ch.Notices) == 0 && ch.Transfer == nil
	if err := db.insertCase(ctx, tx, &ch.Case, &ch.Event, !late); err != nil {
		return nil, err
	}
	number := func() error {
		if late {
			if err := db.numberCase(ctx, tx, &ch.Case); err != nil {
				return err
			}
		}
		if ch.AfterNumbering != nil {
			ch.AfterNumbering(ch)
		}
		return nil
	}
	if !late {
		if err := number(); err != nil {
			return nil, err
		}
		number = nil
	}
	if err := db.writeChange(ctx, tx, actor, ch, nil, number); err != nil {
		return nil, err
	}
	return ch, nil
}

// CaseBuildTx is what building a new case may ask of the store: the CaseTx and the applicant's earlier
// applications to the agency (by identity document number), newest first.
type CaseBuildTx interface {
	disclosure.CaseTx
	PriorApplications(ctx context.Context, agencyID int64, idNumber string) ([]disclosure.Application, error)
}

// insertCase inserts a new case, numbered now or (numberNow false) under a provisional number that numberCase
// replaces later in the transaction, and points its first event at it.
func (db *DB) insertCase(ctx context.Context, tx *sql.Tx, c *disclosure.Case, ev *disclosure.CaseEvent, numberNow bool) error {
	var err error
	if numberNow {
		serial, err := db.nextSerial(ctx, tx, c.AgencyID, "application", c.ReceivedOn.Year)
		if err != nil {
			return err
		}
		c.Number = fmt.Sprintf("%d-%04d", c.ReceivedOn.Year, serial)
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = c.CreatedAt
	if c.Version == 0 {
		c.Version = 1
	}
	for attempt := 0; ; attempt++ {
		if c.QueryCode == "" {
			c.QueryCode = NewQueryCode()
		}
		if !numberNow {
			c.Number = "~" + c.QueryCode // unique as the 查询码, never a real number, and never committed
		}
		args := caseArgs(c)
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (agency_id, kind, number, query_code, secret_hash, channel, received_on, applicant, request, state,
			outcome, basis, closed_on, due, paused, step_due, assignee_id, transferred_from, flags, clock, reply, extension, fee,
			fix_requested, created_at, updated_at, version, applicant_type, applicant_name, id_number, progress)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31) RETURNING id`,
			args...).Scan(&c.ID)
		if db.d.uniqueIndex(err) != "" && attempt < 3 {
			c.QueryCode = "" // a 查询码 collision, in 31^12: draw again
			continue
		}
		if err != nil {
			return fmt.Errorf("insert application: %w", err)
		}
		break
	}
	ev.ApplicationID = c.ID
	return nil
}

// UpdateCase applies one step to a case in one transaction: the case is read (and on PostgreSQL locked), step
// decides the change, and the store writes the case, its event, the notices, the e-mails, a case forwarded to
// another agency, the corrections of published reports and the audit row together. Errors: ENotFound, and those
// of step.
func (db *DB) UpdateCase(ctx context.Context, actor disclosure.Actor, id int64, step disclosure.CaseStep) (*disclosure.CaseChange, error) {
	var out *disclosure.CaseChange
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := getCase(ctx, tx, `id = $1`+db.d.forUpdate(), id)
		if err != nil {
			return err
		}
		ch, err := step(ctx, before, caseTx{db, tx})
		if err != nil {
			return err
		}
		ch.Case.ID, ch.Case.AgencyID, ch.Case.Number, ch.Case.QueryCode, ch.Case.SecretHash = before.ID, before.AgencyID, before.Number, before.QueryCode, before.SecretHash
		ch.Case.CreatedAt = before.CreatedAt
		ch.Case.UpdatedAt = db.now().UTC().Truncate(time.Microsecond)
		args := caseArgs(&ch.Case)
		res, err := tx.ExecContext(ctx, `UPDATE applications SET agency_id = $1, kind = $2, number = $3, query_code = $4, secret_hash = $5, channel = $6,
			received_on = $7, applicant = $8, request = $9, state = $10, outcome = $11, basis = $12, closed_on = $13, due = $14, paused = $15,
			step_due = $16, assignee_id = $17, transferred_from = $18, flags = $19, clock = $20, reply = $21, extension = $22, fee = $23,
			fix_requested = $24, created_at = $25, updated_at = $26, version = $27, applicant_type = $28, applicant_name = $29, id_number = $30,
			progress = $31
			WHERE id = $32 AND version = $33`, append(args, before.ID, before.Version)...)
		if err != nil {
			return fmt.Errorf("update application: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return disclosure.Errorf(disclosure.EConflict, "该申请已被他人更新，请刷新页面查看最新情况后再操作")
		}
		ch.Event.ApplicationID = before.ID
		if err := db.writeChange(ctx, tx, actor, ch, before, nil); err != nil {
			return err
		}
		out = ch
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: update case: %w", err)
	}
	return out, nil
}

// writeChange writes what a step produced besides the case row: the notices, the event (pointing to the first
// notice), the forwarded case, the corrections, the e-mails and the audit row, which is last. number, if not nil,
// runs before the e-mails: a new case's late numbering (CreateCase).
func (db *DB) writeChange(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, ch *disclosure.CaseChange, before *disclosure.Case, number func() error) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	for i := range ch.Notices {
		n := &ch.Notices[i]
		n.ApplicationID, n.CreatedAt = ch.Case.ID, now
		err := tx.QueryRowContext(ctx, `INSERT INTO notices (application_id, agency_id, kind, number, title, body, public, created_at, docx, pdf)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			n.ApplicationID, ch.Case.AgencyID, n.Kind, n.Number, n.Title, n.Body, n.Public, now.UnixMicro(), n.DOCX, n.PDF).Scan(&n.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "告知书文号 %s 已被使用，请检查本机关的文号格式设置", n.Number)
		}
		if err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		if ch.Event.NoticeID == nil {
			ch.Event.NoticeID = &n.ID
		}
	}
	if ch.Event.At.IsZero() {
		ch.Event.At = now
	}
	if err := insertEvent(ctx, tx, &ch.Event); err != nil {
		return err
	}
	if ch.Transfer != nil {
		t := ch.Transfer
		ev := disclosure.CaseEvent{At: now, Action: "register", ToState: t.State, ActorName: actor.Name, ActorKind: "system", Public: true,
			Note: "收到其他机关转送的申请（原申请编号 " + ch.Case.Number + "）"}
		if err := db.insertCase(ctx, tx, t, &ev, true); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, actor, "case.transfer_in", "application", strconv.FormatInt(t.ID, 10), nil, auditCase(t)); err != nil {
			return err
		}
	}
	for _, c := range ch.Corrections {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_corrections (agency_id, year, reason, application_id, appeal_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.AgencyID, c.Year, c.Reason, c.ApplicationID, c.AppealID, actor.Name, now.UnixMicro()); err != nil {
			return fmt.Errorf("insert correction: %w", err)
		}
	}
	if number != nil {
		if err := number(); err != nil {
			return err
		}
	}
	for _, m := range ch.Mails {
		if err := db.enqueueMail(ctx, tx, m); err != nil {
			return err
		}
	}
	if err := db.emitCase(ctx, tx, ch, before); err != nil {
		return err
	}
	action := "case." + ch.Event.Action
	return db.appendAudit(ctx, tx, actor, action, "application", strconv.FormatInt(ch.Case.ID, 10), auditCase(before), auditCase(&ch.Case))
}

func insertEvent(ctx context.Context, tx *sql.Tx, e *disclosure.CaseEvent) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO case_events (application_id, at, action, from_state, to_state, actor_id, actor_name, actor_kind, note, data, notice_id, public)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		e.ApplicationID, e.At.UTC().UnixMicro(), e.Action, string(e.FromState), string(e.ToState), e.ActorID, e.ActorName, e.ActorKind, e.Note, string(e.Data), e.NoticeID, e.Public).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("insert case event: %w", err)
	}
	return nil
}

func getCase(ctx context.Context, q queryer, cond string, args ...any) (*disclosure.Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE `+cond, args...).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该申请")
	}
	return c, err
}

// GetCase returns a case. Errors: ENotFound.
func (db *DB) GetCase(ctx context.Context, id int64) (*disclosure.Case, error) {
	c, err := getCase(ctx, db.read, `id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get case: %w", err)
	}
	return c, nil
}

// GetCaseByCode returns the case with a 查询码 (in any letter case, spaces and dashes ignored). Errors: ENotFound.
func (db *DB) GetCaseByCode(ctx context.Context, code string) (*disclosure.Case, error) {
	code = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "　", "").Replace(code))
	c, err := getCase(ctx, db.read, `query_code = $1`, code)
	if err != nil {
		return nil, fmt.Errorf("store: get case by code: %w", err)
	}
	return c, nil
}

// CaseEvents returns a case's history, oldest first.
func (db *DB) CaseEvents(ctx context.Context, applicationID int64) ([]disclosure.CaseEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, application_id, at, action, from_state, to_state, actor_id, actor_name, actor_kind, note, data, notice_id, public
		FROM case_events WHERE application_id = $1 ORDER BY id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("store: case events: %w", err)
	}
	defer rows.Close()
	var out []disclosure.CaseEvent
	for rows.Next() {
		var e disclosure.CaseEvent
		var at int64
		var actor, notice sql.NullInt64
		var data string
		if err := rows.Scan(&e.ID, &e.ApplicationID, &at, &e.Action, &e.FromState, &e.ToState, &actor, &e.ActorName, &e.ActorKind, &e.Note, &data, &notice, &e.Public); err != nil {
			return nil, fmt.Errorf("store: case events: %w", err)
		}
		e.At = time.UnixMicro(at).UTC()
		if actor.Valid {
			e.ActorID = &actor.Int64
		}
		if notice.Valid {
			e.NoticeID = &notice.Int64
		}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CaseNotices returns the notices of a case, oldest first, without their files.
func (db *DB) CaseNotices(ctx context.Context, applicationID int64) ([]disclosure.Notice, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, application_id, kind, number, title, body, public, created_at FROM notices WHERE application_id = $1 ORDER BY id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("store: case notices: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Notice
	for rows.Next() {
		var n disclosure.Notice
		var at int64
		if err := rows.Scan(&n.ID, &n.ApplicationID, &n.Kind, &n.Number, &n.Title, &n.Body, &n.Public, &at); err != nil {
			return nil, fmt.Errorf("store: case notices: %w", err)
		}
		n.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// GetNotice returns a notice with its DOCX and PDF. Errors: ENotFound.
func (db *DB) GetNotice(ctx context.Context, id int64) (*disclosure.Notice, error) {
	var n disclosure.Notice
	var at int64
	err := db.read.QueryRowContext(ctx, `SELECT id, application_id, kind, number, title, body, public, created_at, docx, pdf FROM notices WHERE id = $1`, id).
		Scan(&n.ID, &n.ApplicationID, &n.Kind, &n.Number, &n.Title, &n.Body, &n.Public, &at, &n.DOCX, &n.PDF)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该告知书")
	}
	if err != nil {
		return nil, fmt.Errorf("store: get notice: %w", err)
	}
	n.CreatedAt = time.UnixMicro(at).UTC()
	return &n, nil
}

// AddCaseFile stores a file with a case (or an appeal) and audits it (without its bytes). Errors: ENotFound (no such
// case).
func (db *DB) AddCaseFile(ctx context.Context, actor disclosure.Actor, f *disclosure.CaseFile) error {
	f.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	f.Size = int64(len(f.Data))
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getCase(ctx, tx, `id = $1`, f.ApplicationID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO case_files (application_id, appeal_id, kind, name, content_type, size, data, public, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			f.ApplicationID, f.AppealID, f.Kind, f.Name, f.ContentType, f.Size, f.Data, f.Public, f.CreatedAt.UnixMicro()).Scan(&f.ID)
		if err != nil {
			return err
		}
		meta := *f
		meta.Data = nil
		return db.appendAudit(ctx, tx, actor, "case.file", "application", strconv.FormatInt(f.ApplicationID, 10), nil, meta)
	})
	if err != nil {
		return fmt.Errorf("store: add case file: %w", err)
	}
	return nil
}

// CaseFiles returns the files of a case, without their bytes.
func (db *DB) CaseFiles(ctx context.Context, applicationID int64) ([]disclosure.CaseFile, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, application_id, appeal_id, kind, name, content_type, size, public, created_at FROM case_files WHERE application_id = $1 ORDER BY id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("store: case files: %w", err)
	}
	defer rows.Close()
	var out []disclosure.CaseFile
	for rows.Next() {
		var f disclosure.CaseFile
		var appeal sql.NullInt64
		var at int64
		if err := rows.Scan(&f.ID, &f.ApplicationID, &appeal, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.Public, &at); err != nil {
			return nil, fmt.Errorf("store: case files: %w", err)
		}
		if appeal.Valid {
			f.AppealID = &appeal.Int64
		}
		f.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// GetCaseFile returns a file with its bytes. Errors: ENotFound.
func (db *DB) GetCaseFile(ctx context.Context, id int64) (*disclosure.CaseFile, error) {
	var f disclosure.CaseFile
	var appeal sql.NullInt64
	var at int64
	err := db.read.QueryRowContext(ctx, `SELECT id, application_id, appeal_id, kind, name, content_type, size, public, created_at, data FROM case_files WHERE id = $1`, id).
		Scan(&f.ID, &f.ApplicationID, &appeal, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.Public, &at, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该文件")
	}
	if err != nil {
		return nil, fmt.Errorf("store: get case file: %w", err)
	}
	if appeal.Valid {
		f.AppealID = &appeal.Int64
	}
	f.CreatedAt = time.UnixMicro(at).UTC()
	return &f, nil
}

// FindCases returns the applications the filter selects, newest first, and how many there are in all.
func (db *DB) FindCases(ctx context.Context, f disclosure.CaseFilter) ([]disclosure.Application, int, error) {
	w := caseWhere(f)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: find cases: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	order := ` ORDER BY received_on DESC, id DESC`
	if f.Open || !f.DueBy.IsZero() {
		order = ` ORDER BY COALESCE(due, '9999-12-31'), id`
	}
	q := `SELECT ` + applicationColumns + ` FROM applications` + w.sql() + order + ` LIMIT ` + w.next(f.Limit) + ` OFFSET ` + w.next(max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find cases: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Application
	for rows.Next() {
		c, err := scanCase(rows.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("store: find cases: %w", err)
		}
		out = append(out, c.Application)
	}
	return out, total, rows.Err()
}

func caseWhere(f disclosure.CaseFilter) where {
	var w where
	if f.AgencyIDs != nil {
		if len(f.AgencyIDs) == 0 {
			w.clauses = append(w.clauses, "1 = 0")
		} else {
			ph := make([]string, len(f.AgencyIDs))
			for i, id := range f.AgencyIDs {
				ph[i] = w.next(id)
			}
			w.clauses = append(w.clauses, "agency_id IN ("+strings.Join(ph, ", ")+")")
		}
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			ph[i] = w.next(string(s))
		}
		w.clauses = append(w.clauses, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Kind != "" {
		w.add("kind = $%d", string(f.Kind))
	}
	if f.Open {
		w.clauses = append(w.clauses, "closed_on IS NULL")
	}
	if !f.DueBy.IsZero() {
		w.clauses = append(w.clauses, "closed_on IS NULL")
		w.add("due <= $%d", f.DueBy.String())
	}
	if !f.DueFrom.IsZero() {
		w.clauses = append(w.clauses, "closed_on IS NULL")
		w.add("due >= $%d", f.DueFrom.String())
	}
	if f.AssigneeID != nil {
		w.add("assignee_id = $%d", *f.AssigneeID)
	}
	if f.PendingApproval {
		w.clauses = append(w.clauses, "(state = 'awaiting_approval' OR extension <> '')")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		p := w.next(like)
		w.clauses = append(w.clauses, "(number LIKE "+p+" ESCAPE '\\' OR query_code LIKE "+p+" ESCAPE '\\' OR applicant_name LIKE "+p+" ESCAPE '\\' OR request LIKE "+p+" ESCAPE '\\')")
	}
	for _, d := range []struct {
		v    workday.Date
		cond string
	}{{f.ReceivedFrom, "received_on >= $%d"}, {f.ReceivedTo, "received_on <= $%d"}, {f.ClosedFrom, "closed_on >= $%d"}, {f.ClosedTo, "closed_on <= $%d"}} {
		if !d.v.IsZero() {
			w.add(d.cond, d.v.String())
		}
	}
	if f.Outcome != "" {
		w.add("outcome = $%d", string(f.Outcome))
	}
	if f.ApplicantType != "" {
		w.add("applicant_type = $%d", string(f.ApplicantType))
	}
	if f.Channel != "" {
		w.add("channel = $%d", string(f.Channel))
	}
	if f.ReportYear != 0 {
		reportCellWhere(&w, f.ReportYear, f.ReportRow, f.ReportColumn)
	}
	return w
}

// ImportCases writes many new cases in one transaction, all or nothing: historical cases from a spreadsheet, each
// numbered and given its 查询码 like any other, with its events and one audit row per case. Errors: EInvalid (an
// unknown agency), and the first failure of any case, naming its position.
func (db *DB) ImportCases(ctx context.Context, actor disclosure.Actor, changes []*disclosure.CaseChange) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		for i, ch := range changes {
			if _, err := getAgency(ctx, tx, ch.Case.AgencyID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "第 %d 件：受理机关（编号 %d）不存在", i+1, ch.Case.AgencyID)
			}
			ch.Case.ID, ch.Case.Number, ch.Case.QueryCode = 0, "", ""
			if err := db.insertCase(ctx, tx, &ch.Case, &ch.Event, true); err != nil {
				return fmt.Errorf("case %d: %w", i+1, err)
			}
			if err := db.writeChange(ctx, tx, actor, ch, nil, nil); err != nil {
				return fmt.Errorf("case %d: %w", i+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: import cases: %w", err)
	}
	return nil
}
