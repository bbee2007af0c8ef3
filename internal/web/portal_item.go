package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// HitCounter counts views of item pages in memory and adds them to the database in one transaction now and then,
// so that a view costs no write and the portal needs no third-party tracker. Several processes each count their own
// views; the database adds them up.
//
// The serve command runs Run in the background and calls Flush after the HTTP server has shut down, so that the
// last views are kept.
type HitCounter struct {
	db  *store.DB
	log *slog.Logger

	mu      sync.Mutex
	pending map[int64]int64
}

// maxPendingItems bounds how many different items are counted between two flushes: views of further items are
// dropped until the next flush, so that requests for made-up item numbers cannot grow the table without end.
const maxPendingItems = 100_000

// NewHitCounter returns a counter that flushes into db.
func NewHitCounter(db *store.DB, log *slog.Logger) *HitCounter {
	return &HitCounter{db: db, log: log, pending: map[int64]int64{}}
}

// Count records one view of an item.
func (h *HitCounter) Count(id int64) {
	h.mu.Lock()
	if _, ok := h.pending[id]; ok || len(h.pending) < maxPendingItems {
		h.pending[id]++
	}
	h.mu.Unlock()
}

// Pending returns the views of an item counted and not yet flushed.
func (h *HitCounter) Pending(id int64) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pending[id]
}

// Flush adds the counted views to the database. On failure the views are kept for the next flush.
func (h *HitCounter) Flush(ctx context.Context) error {
	h.mu.Lock()
	batch := h.pending
	h.pending = map[int64]int64{}
	h.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := h.db.AddItemHits(ctx, batch); err != nil {
		h.mu.Lock()
		for id, n := range batch {
			h.pending[id] += n
		}
		h.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every interval (10 s when 0) until ctx is done. It does not flush at the end: call Flush once the
// HTTP server has stopped taking requests.
func (h *HitCounter) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := h.Flush(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("item hits", "err", err)
			}
		}
	}
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// itemPage serves an item's page, to anonymous visitors from the page cache, and counts the view — outside the
// cache, so that a view served from it counts as well. Only views that showed the page count (200, and 304 for a
// browser revalidating it).
func (s *Server) itemPage(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	s.cachedCounting(s.renderItem, func(*http.Request) func() { return func() { s.portal.hits.Count(id) } })(w, r)
}

type metaRow struct{ Name, Value, Href string }

type itemData struct {
	Item        *disclosure.Item
	Agency      *disclosure.Agency
	Category    []disclosure.Category
	Meta        []metaRow
	Body        template.HTML
	Attachments []attachmentView
	Subscribe   string
	Hits        int64
	URL         string
	Weibo       string
	Print       bool
	PrintHref   string
	Withdrawn   bool
	WithdrawnAt time.Time
	Location    *time.Location
	Catalogue   string
}

func (s *Server) renderItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := parseID(r.PathValue("id"))
	it, err := s.db.GetItem(ctx, id)
	if disclosure.ErrorCode(err) == disclosure.ENotFound || err == nil && !it.Public() {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	a, err := s.db.GetAgency(ctx, it.AgencyID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cats, err := s.categories(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page := s.baseURL(r) + "/items/" + strconv.FormatInt(it.ID, 10)
	d := &itemData{Item: it, Agency: a, Category: cats.path(it.Category), URL: page, Print: r.URL.Query().Get("print") == "1", Location: s.cfg.Location,
		PrintHref: "/items/" + strconv.FormatInt(it.ID, 10) + "?print=1", Catalogue: "/agencies/" + strconv.FormatInt(a.ID, 10) + "/catalogue",
		Hits: it.Hits + s.portal.hits.Pending(it.ID)}
	d.Weibo = "https://service.weibo.com/share/share.php?" + url.Values{"url": {page}, "title": {it.Title}}.Encode()
	if it.State == disclosure.ItemWithdrawn {
		// A withdrawn item keeps its page, which says when and why, and shows nothing of its content.
		d.Withdrawn = true
		if d.WithdrawnAt, err = s.db.WithdrawnAt(ctx, it.ID); err != nil && disclosure.ErrorCode(err) != disclosure.ENotFound {
			s.serverError(w, r, err)
			return
		}
	} else {
		d.Meta = itemMeta(it, cats)
		d.Body = itemBodyHTML(it.Body)
		files, _, err := s.db.ItemAttachments(ctx, it.ID, true)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, f := range files {
			d.Attachments = append(d.Attachments, attachmentView{Name: f.Name, Size: sizeText(f.Size),
				Href: "/items/" + strconv.FormatInt(it.ID, 10) + "/files/" + strconv.FormatInt(f.ID, 10)})
		}
	}
	sub := url.Values{"agency": {strconv.FormatInt(a.ID, 10)}}
	if it.Category != "" {
		sub.Set("category", it.Category)
	}
	d.Subscribe = hrefWith("/subscribe", sub)
	s.render(w, r, http.StatusOK, "item", it.Title, d)
}

// attachmentView is a file of an item as its page lists it.
type attachmentView struct{ Name, Size, Href string }

// sizeText writes a file size for readers.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// WithdrawnOn is the day the item was withdrawn, in the agencies' time zone.
func (d *itemData) WithdrawnOn() string {
	if d.WithdrawnAt.IsZero() {
		return ""
	}
	return workday.DateOf(d.WithdrawnAt.In(d.Location)).Chinese()
}

// itemMeta is the standard metadata block of an item page, in the order the portals show it.
func itemMeta(it *disclosure.Item, cats *categoryTree) []metaRow {
	catalogue := "/agencies/" + strconv.FormatInt(it.AgencyID, 10) + "/catalogue"
	rows := []metaRow{
		{Name: "索引号", Value: it.IndexNumber},
		{Name: "主题分类", Value: cats.name(it.Category), Href: hrefWith(catalogue, url.Values{"category": {it.Category}})},
		{Name: "发布机构", Value: it.Publisher},
		{Name: "成文日期", Value: ymd(it.WrittenOn)},
		{Name: "发布日期", Value: ymd(it.PublishedOn)},
		{Name: "文号", Value: it.DocNumber},
		{Name: "体裁", Value: it.GenreName(), Href: hrefWith(catalogue, url.Values{"genre": {string(it.Genre)}})},
	}
	if rows[1].Value == "" {
		rows[1].Href = ""
	}
	if spec, _ := it.Genre.Spec(); spec.Validity && it.Validity != "" {
		v := disclosure.ValidityNames[it.Validity]
		switch it.Validity {
		case disclosure.Expired:
			v += "（" + it.EndedOn.Chinese() + "失效）"
		case disclosure.Repealed:
			v += "（" + it.EndedOn.Chinese() + "废止）"
		}
		rows = append(rows, metaRow{Name: "有效性", Value: v})
		if !it.EffectiveOn.IsZero() {
			rows = append(rows, metaRow{Name: "施行日期", Value: it.EffectiveOn.String()})
		}
	}
	if len(it.Keywords) > 0 {
		kw := ""
		for i, k := range it.Keywords {
			if i > 0 {
				kw += "、"
			}
			kw += k
		}
		rows = append(rows, metaRow{Name: "关键词", Value: kw})
	}
	return rows
}

// ymd writes a date as YYYY-MM-DD, the portals' convention in metadata and lists; "" for none.
func ymd(d workday.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// itemFile sends an attachment of a published item; files not yet public (those of a correction in preparation)
// and the files of withdrawn items are not found.
func (s *Server) itemFile(w http.ResponseWriter, r *http.Request) {
	id, ok1 := parseID(r.PathValue("id"))
	fid, ok2 := parseID(r.PathValue("fid"))
	if !ok1 || !ok2 {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	a, public, err := s.db.GetItemAttachment(r.Context(), fid)
	if disclosure.ErrorCode(err) == disclosure.ENotFound || err == nil && (!public || a.ItemID != id) {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	it, err := s.db.GetItem(r.Context(), id)
	if err != nil || it.State != disclosure.ItemPublished {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	sendUpload(w, a.Name, a.ContentType, publicFile, a.Data)
}

// attachmentType is the declared type of an attachment when it is one the catalogue takes, else a plain download.
func attachmentType(t string) string {
	switch t {
	case "application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain; charset=utf-8",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/msword", "application/vnd.ms-excel", "application/zip":
		return t
	}
	return "application/octet-stream"
}

// itemQR is a QR code of the item page's address, to read the page on a phone (扫码使用手机浏览).
func (s *Server) itemQR(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	it, err := s.db.GetItem(r.Context(), id)
	if err != nil || !it.Public() {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	png, err := qrcode.Encode(s.baseURL(r)+"/items/"+strconv.FormatInt(id, 10), qrcode.Medium, 240)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(png)
}
