package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// ExportItem is a public item as the open-data export gives it: what its public page shows, never a correction
// being prepared, the secrecy review or the hits.
type ExportItem struct {
	ID              int64    `json:"id"`
	AgencyID        int64    `json:"agency_id"`
	Agency          string   `json:"agency"`
	IndexNumber     string   `json:"index_number"`
	Title           string   `json:"title"`
	Summary         string   `json:"summary,omitempty"`
	DocNumber       string   `json:"doc_number,omitempty"`
	WrittenOn       string   `json:"written_on,omitempty"`
	PublishedOn     string   `json:"published_on,omitempty"`
	Publisher       string   `json:"publisher,omitempty"`
	Category        string   `json:"category,omitempty"`
	CategoryName    string   `json:"category_name,omitempty"`
	Genre           string   `json:"genre"`
	GenreName       string   `json:"genre_name"`
	Keywords        []string `json:"keywords,omitempty"`
	Validity        string   `json:"validity,omitempty"`
	EffectiveOn     string   `json:"effective_on,omitempty"`
	EndedOn         string   `json:"ended_on,omitempty"`
	State           string   `json:"state"`
	WithdrawnReason string   `json:"withdrawn_reason,omitempty"`
	// UpdatedAt is when the item last changed: the export's order, and what ?since= compares.
	UpdatedAt time.Time `json:"updated_at"`
	// Body (sanitised HTML) and BodyText, when asked for.
	Body     string `json:"body,omitempty"`
	BodyText string `json:"body_text,omitempty"`
	// Attachments, when asked for: the files the public page offers.
	Attachments []ExportAttachment `json:"attachments,omitempty"`
}

// ExportAttachment is a file of an exported item, without its bytes.
type ExportAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// ExportFilter chooses what ExportItems gives.
type ExportFilter struct {
	// Since gives only the items changed at or after it (zero: all). A harvester passes the largest UpdatedAt of
	// its last harvest: the items at that very moment come again, and it keeps each item once by its ID.
	Since time.Time
	// AgencyID gives only that agency's items (0: all).
	AgencyID int64
	// Bodies and Attachments add the body and the list of files.
	Bodies, Attachments bool
}

// exportBatch is how many items one query of ExportItems reads: the memory an export holds, whatever its size.
const exportBatch = 2000

// ExportItems calls fn for every public item (published, or withdrawn with its reason: a harvester must learn that an
// item was taken off) in the order of their last change, then ID. It reads in batches of exportBatch by keyset, so
// an export of a million items holds one batch in memory and no transaction for long; an item that changes while
// the export runs may come twice (once more, later, with its new content), never not at all. fn's error stops it.
func (db *DB) ExportItems(ctx context.Context, f ExportFilter, fn func(*ExportItem) error) error {
	agencies, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: export items: %w", err)
	}
	agencyName := map[int64]string{}
	for _, a := range agencies {
		agencyName[a.ID] = a.Name
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		return fmt.Errorf("store: export items: %w", err)
	}
	catName := map[string]string{}
	for _, c := range cats {
		catName[c.Code] = c.Name
	}
	genreName := map[string]string{}
	for _, g := range disclosure.Genres {
		genreName[string(g.ID)] = g.Name
	}
	batch := exportBatch
	if f.Bodies {
		batch = exportBatch / 4 // bodies run to tens of kilobytes
	}
	cols := `id, agency_id, COALESCE(index_number, ''), title, summary, doc_number, COALESCE(written_on, ''), COALESCE(published_on, ''),
		publisher, category, genre, keywords, validity, COALESCE(effective_on, ''), COALESCE(ended_on, ''), state, withdrawn_reason, updated_at`
	if f.Bodies {
		cols += `, body, body_text`
	}
	lastAt, lastID := f.Since.UnixMicro()-1, int64(1<<62)
	if f.Since.IsZero() {
		lastAt = -1
	}
	first := true
	out := make([]ExportItem, 0, batch)
	for {
		// The keyset: after (lastAt, lastID) in (updated_at, id) order. The first batch starts at Since itself.
		// A row-value comparison, which both engines turn into one range scan of items_export, in its order; state ||
		// '' keeps the planners off the index of states, through which they read every public item and sorted them
		// for each batch (764 items/s at 10⁵ items).
		where := `state || '' IN ('published', 'withdrawn') AND (updated_at, id) > ($1, $2)`
		args := []any{lastAt, lastID}
		if first {
			where = `state || '' IN ('published', 'withdrawn') AND updated_at > $1`
			args = args[:1]
		}
		if f.AgencyID != 0 {
			where += ` AND agency_id = $` + strconv.Itoa(len(args)+1)
			args = append(args, f.AgencyID)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM items WHERE `+where+` ORDER BY updated_at, id LIMIT `+strconv.Itoa(batch), args...)
		if err != nil {
			return fmt.Errorf("store: export items: %w", err)
		}
		out = out[:0]
		for rows.Next() {
			var it ExportItem
			var keywords string
			var at int64
			dest := []any{&it.ID, &it.AgencyID, &it.IndexNumber, &it.Title, &it.Summary, &it.DocNumber, &it.WrittenOn, &it.PublishedOn,
				&it.Publisher, &it.Category, &it.Genre, &keywords, &it.Validity, &it.EffectiveOn, &it.EndedOn, &it.State, &it.WithdrawnReason, &at}
			if f.Bodies {
				dest = append(dest, &it.Body, &it.BodyText)
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return fmt.Errorf("store: export items: %w", err)
			}
			if keywords != "" && keywords != "[]" {
				if err := json.Unmarshal([]byte(keywords), &it.Keywords); err != nil {
					rows.Close()
					return fmt.Errorf("store: export items: keywords of item %d: %w", it.ID, err)
				}
			}
			it.UpdatedAt = time.UnixMicro(at).UTC()
			it.Agency, it.CategoryName, it.GenreName = agencyName[it.AgencyID], catName[it.Category], genreName[it.Genre]
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: export items: %w", err)
		}
		if len(out) == 0 {
			return nil
		}
		if f.Attachments {
			if err := db.exportAttachments(ctx, out); err != nil {
				return err
			}
		}
		for i := range out {
			if err := fn(&out[i]); err != nil {
				return err
			}
		}
		last := out[len(out)-1]
		lastAt, lastID, first = last.UpdatedAt.UnixMicro(), last.ID, false
		if len(out) < batch {
			return nil
		}
	}
}

// exportAttachments fills the public files of a batch of items in one query.
func (db *DB) exportAttachments(ctx context.Context, items []ExportItem) error {
	byID := make(map[int64]*ExportItem, len(items))
	var in strings.Builder
	for i := range items {
		byID[items[i].ID] = &items[i]
		if i > 0 {
			in.WriteByte(',')
		}
		in.WriteString(strconv.FormatInt(items[i].ID, 10))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT item_id, id, name, content_type, size FROM item_attachments
		WHERE item_id IN (`+in.String()+`) AND state <> 'draft' ORDER BY item_id, id`)
	if err != nil {
		return fmt.Errorf("store: export attachments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var itemID int64
		var a ExportAttachment
		if err := rows.Scan(&itemID, &a.ID, &a.Name, &a.ContentType, &a.Size); err != nil {
			return fmt.Errorf("store: export attachments: %w", err)
		}
		if it := byID[itemID]; it != nil {
			it.Attachments = append(it.Attachments, a)
		}
	}
	return rows.Err()
}

// ExportReport is a published annual report as the open-data export gives it.
type ExportReport struct {
	AgencyID    int64           `json:"agency_id"`
	Agency      string          `json:"agency"`
	Year        int             `json:"year"`
	PublishedAt time.Time       `json:"published_at,omitzero"`
	Report      json.RawMessage `json:"report"`
}

// ExportAnnualReports calls fn for every agency's published annual reports, by agency and year, each with its report
// JSON (docs/report-json.md).
func (db *DB) ExportAnnualReports(ctx context.Context, fn func(*ExportReport) error) error {
	agencies, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: export reports: %w", err)
	}
	for _, a := range agencies {
		reports, err := db.ListAnnualReports(ctx, a.ID)
		if err != nil {
			return fmt.Errorf("store: export reports: %w", err)
		}
		for _, r := range reports {
			if r.Status != disclosure.AnnualPublished {
				continue
			}
			full, err := db.GetAnnualReport(ctx, a.ID, r.Year)
			if err != nil {
				return fmt.Errorf("store: export reports: %w", err)
			}
			e := &ExportReport{AgencyID: a.ID, Agency: a.Name, Year: r.Year, Report: json.RawMessage(full.Data)}
			if r.PublishedAt != nil {
				e.PublishedAt = r.PublishedAt.UTC()
			}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// ExportCounts returns how many items the export gives (public items) and when the last of them changed, for the
// DCAT description.
func (db *DB) ExportCounts(ctx context.Context) (items int, modified time.Time, err error) {
	var last int64
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM items WHERE state IN ('published', 'withdrawn')`).Scan(&items, &last)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: export counts: %w", err)
	}
	if last > 0 {
		modified = time.UnixMicro(last).UTC()
	}
	return items, modified, nil
}
