package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// seedCategories fills the 主题分类 tree with gongkai's defaults when it is empty (after migrating).
func (db *DB) seedCategories(ctx context.Context) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM categories`).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, c := range disclosure.DefaultCategories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO categories (code, name, parent, ord) VALUES ($1, $2, $3, $4)`, c.Code, c.Name, c.Parent, c.Order); err != nil {
				return err
			}
		}
		return nil
	})
}

// Categories returns the 主题分类 tree in display order (parents before their children).
func (db *DB) Categories(ctx context.Context) ([]disclosure.Category, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, parent, ord FROM categories ORDER BY ord, code`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Category
	for rows.Next() {
		var c disclosure.Category
		if err := rows.Scan(&c.Code, &c.Name, &c.Parent, &c.Order); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCategory adds or renames a node of the tree and audits it. Errors: EInvalid (the code, or a parent that
// does not exist).
func (db *DB) SaveCategory(ctx context.Context, actor disclosure.Actor, c disclosure.Category) error {
	probe := disclosure.Item{Title: "x", Genre: disclosure.GenreOther, Category: c.Code}
	if err := probe.Validate(); err != nil || c.Code == "" || c.Name == "" || len([]rune(c.Name)) > 50 {
		return disclosure.Errorf(disclosure.EInvalid, "分类代码应为小写字母、数字和下划线，用点分隔层级；名称 1—50 个字")
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if c.Parent != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM categories WHERE code = $1`, c.Parent).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return disclosure.Errorf(disclosure.EInvalid, "上级分类“%s”不存在", c.Parent)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO categories (code, name, parent, ord) VALUES ($1, $2, $3, $4)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, ord = excluded.ord`, c.Code, c.Name, c.Parent, c.Order); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "category.save", "category", c.Code, nil, c)
	})
	if err != nil {
		return fmt.Errorf("store: save category: %w", err)
	}
	return nil
}

// AddItemAttachment stores a file of an item with its extracted text. A file added to an item that is not yet
// published, or to a correction in preparation, becomes public with the publication; a published item takes new
// files only through a correction. Errors: ENotFound, EConflict.
func (db *DB) AddItemAttachment(ctx context.Context, actor disclosure.Actor, a *disclosure.ItemAttachment) error {
	a.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	a.Size = int64(len(a.Data))
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		it, err := getItem(ctx, tx, `id = $1`+db.d.forUpdate(), a.ItemID)
		if err != nil {
			return err
		}
		if it.State == disclosure.ItemWithdrawn || (it.State == disclosure.ItemPublished && it.Revision == nil) {
			return disclosure.Errorf(disclosure.EConflict, "已发布的信息须通过“更正”增加附件，请先点击“更正”")
		}
		if err := attachmentsEditable(it, "增加"); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO item_attachments (item_id, name, content_type, size, text, data, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7) RETURNING id`,
			a.ItemID, a.Name, a.ContentType, a.Size, a.Text, a.Data, a.CreatedAt.UnixMicro()).Scan(&a.ID); err != nil {
			return err
		}
		meta := *a
		meta.Data, meta.Text = nil, ""
		return db.appendAudit(ctx, tx, actor, "item.attachment_add", "item", strconv.FormatInt(a.ItemID, 10), nil, meta)
	})
	if err != nil {
		return fmt.Errorf("store: add item attachment: %w", err)
	}
	return nil
}

// attachmentsEditable refuses a change of an item's files once the item (or the correction in preparation) has left
// the draft: the secrecy review (保密审查, Art 17 of the Regulation: "行政机关应当依照《中华人民共和国保守国家秘密法》
// 以及其他法律、法规和国家有关规定对拟公开的政府信息进行审查") and the approval saw its files as they are, and a file
// added or removed afterwards would be published unreviewed. The body and metadata are held the same way (Save is a
// draft's step only).
func attachmentsEditable(it *disclosure.Item, verb string) error {
	ed := it
	if it.Revision != nil {
		ed = it.Revision
	}
	if ed.State == disclosure.ItemDraft {
		return nil
	}
	return disclosure.Errorf(disclosure.EConflict, "该信息已提交保密审查（当前状态：%s），不能再%s附件：请审查人或审批人退回修改后再%s", disclosure.ItemStateNames[ed.State], verb, verb)
}

// RemoveItemAttachment removes a file: at once if it is not public yet, or with the publication of the correction
// in preparation if it is. Errors: ENotFound, EConflict.
func (db *DB) RemoveItemAttachment(ctx context.Context, actor disclosure.Actor, id int64) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		var itemID int64
		var state string
		err := tx.QueryRowContext(ctx, `SELECT item_id, state FROM item_attachments WHERE id = $1`, id).Scan(&itemID, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有找到该附件")
		}
		if err != nil {
			return err
		}
		it, err := getItem(ctx, tx, `id = $1`+db.d.forUpdate(), itemID)
		if err != nil {
			return err
		}
		if it.State != disclosure.ItemPublished || it.Revision != nil {
			if err := attachmentsEditable(it, "删除"); err != nil {
				return err
			}
		}
		switch {
		case state == "draft":
			_, err = tx.ExecContext(ctx, `DELETE FROM item_attachments WHERE id = $1`, id)
		case it.State == disclosure.ItemPublished && it.Revision != nil:
			_, err = tx.ExecContext(ctx, `UPDATE item_attachments SET state = 'removing' WHERE id = $1`, id)
		case it.State != disclosure.ItemPublished && it.State != disclosure.ItemWithdrawn:
			_, err = tx.ExecContext(ctx, `DELETE FROM item_attachments WHERE id = $1`, id)
		default:
			return disclosure.Errorf(disclosure.EConflict, "已发布的信息须通过“更正”删除附件，请先点击“更正”")
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "item.attachment_remove", "item", strconv.FormatInt(itemID, 10), map[string]any{"attachment": id}, nil)
	})
	if err != nil {
		return fmt.Errorf("store: remove item attachment: %w", err)
	}
	return nil
}

// ItemAttachments returns an item's files without their bytes: all of them for staff, or only those the public sees
// (published, and those a pending correction will remove).
func (db *DB) ItemAttachments(ctx context.Context, itemID int64, public bool) ([]disclosure.ItemAttachment, []string, error) {
	q := `SELECT id, item_id, name, content_type, size, created_at, state FROM item_attachments WHERE item_id = $1`
	if public {
		q += ` AND state <> 'draft'`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY id`, itemID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: item attachments: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ItemAttachment
	var states []string
	for rows.Next() {
		var a disclosure.ItemAttachment
		var at int64
		var state string
		if err := rows.Scan(&a.ID, &a.ItemID, &a.Name, &a.ContentType, &a.Size, &at, &state); err != nil {
			return nil, nil, err
		}
		a.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, a)
		states = append(states, state)
	}
	return out, states, rows.Err()
}

// GetItemAttachment returns a file with its bytes and whether the public may see it. Errors: ENotFound.
func (db *DB) GetItemAttachment(ctx context.Context, id int64) (*disclosure.ItemAttachment, bool, error) {
	var a disclosure.ItemAttachment
	var at int64
	var state string
	err := db.read.QueryRowContext(ctx, `SELECT id, item_id, name, content_type, size, created_at, state, data FROM item_attachments WHERE id = $1`, id).
		Scan(&a.ID, &a.ItemID, &a.Name, &a.ContentType, &a.Size, &at, &state, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, disclosure.Errorf(disclosure.ENotFound, "没有找到该附件")
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: get item attachment: %w", err)
	}
	a.CreatedAt = time.UnixMicro(at).UTC()
	return &a, state != "draft", nil
}

// ItemChannelsOf returns where else an item went.
func (db *DB) ItemChannelsOf(ctx context.Context, itemID int64) ([]disclosure.ItemChannel, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT item_id, channel, on_date, count FROM item_channels WHERE item_id = $1 ORDER BY on_date, channel`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: item channels: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ItemChannel
	for rows.Next() {
		var c disclosure.ItemChannel
		var on sql.NullString
		if err := rows.Scan(&c.ItemID, &c.Channel, &on, &c.Count); err != nil {
			return nil, err
		}
		if c.On, err = scanDate(on); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CatalogueFigures counts what the catalogue gives a year's annual report for the agencies: section 二's 规章 and
// 行政规范性文件 (made: 成文 in the year and published; repealed or expired in the year; in force on 31 December),
// the decisions published as items in the year, the items published in the year by category and genre, their
// pushes to other channels. Late (Art 26) needs the calendar: see LateCount.
func (db *DB) CatalogueFigures(ctx context.Context, agencyIDs []int64, year int) (disclosure.CatalogueFigures, error) {
	var f disclosure.CatalogueFigures
	y0, y1 := yearBounds(year)
	var w where
	agencyIn(&w, agencyIDs)
	cond := w.sql()
	args := w.args
	p := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	docs := `SELECT genre,
		SUM(CASE WHEN written_on >= ` + p(y0) + ` AND written_on <= ` + p(y1) + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN validity IN ('repealed', 'expired') AND ended_on >= ` + p(y0) + ` AND ended_on <= ` + p(y1) + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN published_on <= ` + p(y1) + ` AND (validity = 'in_force' OR ended_on > ` + p(y1) + `) THEN 1 ELSE 0 END)
		FROM items` + cond + ` AND state IN ('published', 'withdrawn') AND genre IN ('rules', 'normative') GROUP BY genre`
	rows, err := db.read.QueryContext(ctx, docs, args...)
	if err != nil {
		return f, fmt.Errorf("store: catalogue figures: %w", err)
	}
	for rows.Next() {
		var g string
		var made, repealed, inForce int
		if err := rows.Scan(&g, &made, &repealed, &inForce); err != nil {
			rows.Close()
			return f, err
		}
		if g == "rules" {
			f.RulesMade, f.RulesRepealed, f.RulesInForce = made, repealed, inForce
		} else {
			f.NormativeMade, f.NormativeRepealed, f.NormativeInForce = made, repealed, inForce
		}
	}
	rows.Close()
	args = w.args
	pub := cond + ` AND state IN ('published', 'withdrawn') AND published_on >= ` + p(y0) + ` AND published_on <= ` + p(y1)
	count := func(col string) ([]disclosure.NamedCount, error) {
		rows, err := db.read.QueryContext(ctx, `SELECT `+col+`, COUNT(*) FROM items`+pub+` GROUP BY `+col, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []disclosure.NamedCount
		for rows.Next() {
			var c disclosure.NamedCount
			if err := rows.Scan(&c.Name, &c.N); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	genres, err := count("genre")
	if err != nil {
		return f, fmt.Errorf("store: catalogue figures: %w", err)
	}
	for _, g := range genres {
		f.Published += g.N
		switch disclosure.Genre(g.Name) {
		case disclosure.GenreLicensing:
			f.LicensingDecisions = g.N
		case disclosure.GenrePenalty:
			f.PenaltyDecisions = g.N
		case disclosure.GenreCoercion:
			f.CoercionDecisions = g.N
		}
		if s, ok := disclosure.Genre(g.Name).Spec(); ok {
			f.ByGenre = append(f.ByGenre, disclosure.NamedCount{Name: s.Name, N: g.N})
		}
	}
	cats, err := count("category")
	if err != nil {
		return f, fmt.Errorf("store: catalogue figures: %w", err)
	}
	names := map[string]string{}
	if all, err := db.Categories(ctx); err == nil {
		for _, c := range all {
			names[c.Code] = c.Name
		}
	}
	for _, c := range cats {
		name := names[c.Name]
		if name == "" {
			name = "未分类"
		}
		f.ByCategory = append(f.ByCategory, disclosure.NamedCount{Name: name, N: c.N})
	}
	var cw where
	from, to := cw.next(y0), cw.next(y1)
	agencyIn(&cw, agencyIDs)
	crow, err := db.read.QueryContext(ctx, `SELECT channel, SUM(count) FROM item_channels WHERE on_date >= `+from+` AND on_date <= `+to+
		` AND item_id IN (SELECT id FROM items`+cw.sql()+`) GROUP BY channel`, cw.args...)
	if err != nil {
		return f, fmt.Errorf("store: catalogue figures: %w", err)
	}
	for crow.Next() {
		var c disclosure.NamedCount
		if err := crow.Scan(&c.Name, &c.N); err != nil {
			crow.Close()
			return f, err
		}
		f.Channels = append(f.Channels, c)
	}
	crow.Close()
	for _, s := range [][]disclosure.NamedCount{f.ByGenre, f.ByCategory, f.Channels} {
		sort.SliceStable(s, func(i, j int) bool { return s[i].N > s[j].N })
	}
	return f, nil
}

// LateCount counts the agencies' items published in the year more than Art 26's 20 working days after they were
// formed or changed; publishBy gives the last day for a formed date (catalogue.PublishBy with the calendar).
func (db *DB) LateCount(ctx context.Context, agencyIDs []int64, year int, publishBy func(workday.Date) workday.Date) (int, error) {
	y0, y1 := yearBounds(year)
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses = append(w.clauses, "state IN ('published', 'withdrawn')", "formed_on IS NOT NULL")
	w.add("published_on >= $%d", y0)
	w.add("published_on <= $%d", y1)
	rows, err := db.read.QueryContext(ctx, `SELECT formed_on, published_on FROM items`+w.sql(), w.args...)
	if err != nil {
		return 0, fmt.Errorf("store: late count: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var formed, published sql.NullString
		if err := rows.Scan(&formed, &published); err != nil {
			return 0, err
		}
		f, err1 := scanDate(formed)
		p, err2 := scanDate(published)
		if err1 == nil && err2 == nil && p.After(publishBy(f)) {
			n++
		}
	}
	return n, rows.Err()
}
