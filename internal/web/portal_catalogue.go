package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// portalState is what the public side of the catalogue keeps in the process: the hit counter and short-lived
// results of the heavier queries. (Item bodies pass richtext's sanitiser on the way out: see itemBodyHTML.)
type portalState struct {
	hits         *HitCounter
	memo         memo
	sitemapLimit int
}

func (s *Server) initPortal() {
	p := &s.portal
	p.hits = s.cfg.Hits
	if p.hits == nil {
		p.hits = NewHitCounter(s.db, s.log)
	}
	p.sitemapLimit = s.cfg.SitemapLimit
	if p.sitemapLimit <= 0 || p.sitemapLimit > 50000 {
		p.sitemapLimit = 50000
	}
}

// memo keeps results of the portal's queries for a short while. Every entry follows the data version, which changes
// with every committed write of any process (store.Watch), so that a change shows on every process within a second
// or two. Cheap results are computed again at once when the version has changed. The costly aggregates (the
// catalogue's counts, the sitemap) are refreshed in the background instead: the old one is served while a single
// refresh replaces it, so that no visitor waits, and a refresh starts at most once per memoCostFactor times what
// the last one took, so that a stream of writes never keeps a core busy counting a million items.
type memo struct {
	mu      sync.Mutex
	entries map[string]*memoEntry
}

type memoEntry struct {
	v          any
	version    uint64
	at         time.Time
	cost       time.Duration // how long computing it took
	refreshing bool
}

// memoKind says what ends a memo entry.
type memoKind int

const (
	followWrites memoKind = iota // the data version and the time to live, computed again by the visitor
	inBackground                 // the data version and the time to live, refreshed in the background
	byTime                       // the time to live only (the key says what it depends on), refreshed in the background
)

// memoCostFactor stretches the life of costly entries: one that took d to compute lives at least this many times d,
// so that refreshing it never takes more than a twentieth of a core (the catalogue's counts of a million items take
// seconds on SQLite).
const memoCostFactor = 20

// memoLimit bounds the entries; the memo is emptied when it is full, which only costs recomputation.
const memoLimit = 1024

func (m *memo) put(key string, v any, version uint64, at time.Time, cost time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil || len(m.entries) >= memoLimit {
		m.entries = map[string]*memoEntry{}
	}
	m.entries[key] = &memoEntry{v: v, version: version, at: at, cost: cost}
}

// memoized returns the remembered result of fn under key, or runs fn and remembers its result.
func memoized[T any](s *Server, ctx context.Context, key string, ttl time.Duration, kind memoKind, fn func(context.Context) (T, error)) (T, error) {
	m := &s.portal.memo
	now, v := s.now(), s.db.Version()
	m.mu.Lock()
	if e := m.entries[key]; e != nil {
		val := e.v.(T)
		age := now.Sub(e.at)
		current := (kind == byTime || e.version == v) && age < max(ttl, memoCostFactor*e.cost)
		// A costly entry is not refreshed again before its cost allows, whatever changed meanwhile.
		throttled := kind == inBackground && age < memoCostFactor*e.cost
		if current || throttled {
			m.mu.Unlock()
			return val, nil
		}
		if kind != followWrites {
			if !e.refreshing {
				e.refreshing = true
				go func() {
					bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
					defer cancel()
					start := time.Now()
					fresh, err := fn(bg)
					if err != nil {
						s.log.Error("portal refresh", "key", key, "err", err)
						m.mu.Lock()
						e.refreshing = false
						m.mu.Unlock()
						return
					}
					m.put(key, fresh, v, s.now(), time.Since(start))
				}()
			}
			m.mu.Unlock()
			return val, nil
		}
	}
	m.mu.Unlock()
	start := time.Now()
	val, err := fn(ctx)
	if err != nil {
		return val, err
	}
	m.put(key, val, v, now, time.Since(start))
	return val, nil
}

// categoryTree is the 主题分类 tree with lookups by code.
type categoryTree struct {
	List   []disclosure.Category
	byCode map[string]disclosure.Category
}

func (t *categoryTree) name(code string) string {
	if c, ok := t.byCode[code]; ok {
		return c.Name
	}
	return ""
}

// options is the tree as a select's options, each under its parent (disclosure.CategoryOptions), with chosen
// selected.
func (t *categoryTree) options(chosen string) []option {
	out := make([]option, 0, len(t.List))
	for _, c := range disclosure.CategoryOptions(t.List) {
		out = append(out, option{Value: c.Code, Name: c.Label, Selected: c.Code == chosen})
	}
	return out
}

// path returns the category and its parents, top first.
func (t *categoryTree) path(code string) []disclosure.Category {
	var out []disclosure.Category
	for c, ok := t.byCode[code]; ok && len(out) < 10; c, ok = t.byCode[c.Parent] {
		out = append([]disclosure.Category{c}, out...)
	}
	return out
}

func (s *Server) categories(ctx context.Context) (*categoryTree, error) {
	return memoized(s, ctx, "categories", time.Minute, followWrites, func(ctx context.Context) (*categoryTree, error) {
		list, err := s.db.Categories(ctx)
		if err != nil {
			return nil, err
		}
		t := &categoryTree{List: list, byCode: map[string]disclosure.Category{}}
		for _, c := range list {
			t.byCode[c.Code] = c
		}
		return t, nil
	})
}

func idsKey(ids []int64) string {
	if ids == nil {
		return "all"
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// facetsTTL is how long the catalogue's counts are served, when nothing changes, before they are counted again (in
// the background); a write ends them sooner (memo).
const facetsTTL = 30 * time.Second

func (s *Server) facets(ctx context.Context, ids []int64) ([]store.CatalogueFacet, error) {
	return memoized(s, ctx, "facets:"+idsKey(ids), facetsTTL, inBackground, func(ctx context.Context) ([]store.CatalogueFacet, error) { return s.db.CatalogueFacets(ctx, ids) })
}

// publicList returns the newest ("published") or the most-read ("hits") published items of the agencies (nil:
// all); never withdrawn ones, which are only on their own page.
func (s *Server) publicList(ctx context.Context, ids []int64, order string, n int) ([]disclosure.Item, error) {
	key := "list:" + order + ":" + strconv.Itoa(n) + ":" + idsKey(ids)
	return memoized(s, ctx, key, time.Minute, followWrites, func(ctx context.Context) ([]disclosure.Item, error) {
		if order == "hits" {
			return s.db.MostRead(ctx, ids, n)
		}
		return s.db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: ids, Limit: n})
	})
}

// subtreeIDs returns the agency and the agencies below it.
func (s *Server) subtreeIDs(ctx context.Context, id int64) ([]int64, []*disclosure.Agency, error) {
	sub, err := s.db.ListAgencies(ctx, &id)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(sub))
	for i, a := range sub {
		ids[i] = a.ID
	}
	return ids, sub, nil
}

// addHomeLists gives the home page the newest and the most-read items of the whole portal.
func (s *Server) addHomeLists(r *http.Request, data map[string]any) {
	latest, err1 := s.publicList(r.Context(), nil, "published", 8)
	most, err2 := s.publicList(r.Context(), nil, "hits", 8)
	if err := firstErr(err1, err2); err != nil {
		s.log.Error("home lists", "err", err)
		return
	}
	data["Latest"], data["MostRead"] = latest, read(most)
}

// read keeps the items that were read at all: a most-read list of unread items says nothing.
func read(items []disclosure.Item) []disclosure.Item {
	return slices.DeleteFunc(slices.Clone(items), func(it disclosure.Item) bool { return it.Hits == 0 })
}

// addAgencyLists gives an agency's column page the newest and most-read items of the agency and its units.
func (s *Server) addAgencyLists(r *http.Request, data map[string]any, a *disclosure.Agency) {
	ids, _, err := s.subtreeIDs(r.Context(), a.ID)
	if err != nil {
		s.log.Error("agency lists", "err", err)
		return
	}
	latest, err1 := s.publicList(r.Context(), ids, "published", 10)
	most, err2 := s.publicList(r.Context(), ids, "hits", 5)
	if err := firstErr(err1, err2); err != nil {
		s.log.Error("agency lists", "err", err)
		return
	}
	data["Latest"], data["MostRead"] = latest, read(most)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// catalogueFilter is what a catalogue page shows: a unit, a 主题分类, a 体裁, a year, an Art 20 item, a page.
type catalogueFilter struct {
	Unit     int64
	Category string
	Genre    disclosure.Genre
	Year     int
	Art20    int
	Page     int
}

func (f catalogueFilter) any() bool {
	return f.Unit != 0 || f.Category != "" || f.Genre != "" || f.Year != 0 || f.Art20 != 0
}

// values are the filter's query parameters.
func (f catalogueFilter) values() url.Values {
	v := url.Values{}
	if f.Unit != 0 {
		v.Set("unit", strconv.FormatInt(f.Unit, 10))
	}
	if f.Category != "" {
		v.Set("category", f.Category)
	}
	if f.Genre != "" {
		v.Set("genre", string(f.Genre))
	}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	if f.Art20 != 0 {
		v.Set("art20", strconv.Itoa(f.Art20))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

func hrefWith(base string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return base + "?" + q
	}
	return base
}

// Bounds of the years a catalogue or search accepts: anything else is ignored.
const (
	minYear = 1990
	maxYear = 2100
)

// parseCatalogueFilter reads the filter from the query; values that are not valid (an unknown category, a year
// out of range, a page that is not a number) are ignored rather than refused, as a link that was edited by hand
// should still show something.
func parseCatalogueFilter(q url.Values, cats *categoryTree, units []*disclosure.Agency) catalogueFilter {
	var f catalogueFilter
	if id, ok := parseID(q.Get("unit")); ok && slices.ContainsFunc(units, func(a *disclosure.Agency) bool { return a.ID == id }) {
		f.Unit = id
	}
	if c := q.Get("category"); cats.name(c) != "" {
		f.Category = c
	}
	if g := disclosure.Genre(q.Get("genre")); g != "" {
		if _, ok := g.Spec(); ok {
			f.Genre = g
		}
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= minYear && y <= maxYear {
		f.Year = y
	}
	if n, err := strconv.Atoi(q.Get("art20")); err == nil && n >= 1 && n <= 15 {
		f.Art20 = n
	}
	f.Page = 1
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		f.Page = p
	}
	return f
}

// facetLink is one choice of a filter with its count.
type facetLink struct {
	Name, Href string
	N          int
	Current    bool
}

// categoryNode is a node of the category tree as the catalogue shows it.
type categoryNode struct {
	facetLink
	Children []*categoryNode
}

// art20Row is an item of Art 20 in the skeleton of 法定主动公开内容.
type art20Row struct {
	facetLink
	No     int
	Latest []disclosure.Item
}

// pager is a list's paging.
type pager struct {
	Page, Pages int
	Prev, Next  string
	Links       []facetLink
	Total       int
	Capped      bool
	First, Last int
	TotalText   string
}

const countCap = 10000 // the store's cap on list counts (store.FindItems)

// newPager computes the paging of a list of total items (more than countCap: capped) shown perPage at a time.
func newPager(page, perPage, total, count int, href func(int) string) pager {
	p := pager{Page: page, Total: total, Capped: total > countCap}
	known := min(total, countCap)
	p.Pages = max(1, (known+perPage-1)/perPage)
	if p.Page > p.Pages {
		p.Page = p.Pages
	}
	if p.Page > 1 {
		p.Prev = href(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = href(p.Page + 1)
	}
	for n := max(1, p.Page-3); n <= min(p.Pages, p.Page+3); n++ {
		p.Links = append(p.Links, facetLink{Name: strconv.Itoa(n), Href: href(n), Current: n == p.Page})
	}
	p.First = (p.Page-1)*perPage + 1
	p.Last = p.First + count - 1
	p.TotalText = countText(total)
	return p
}

// countText says how many items a list has, or that there are more than the store counts.
func countText(n int) string {
	if n > countCap {
		return "1万条以上"
	}
	return strconv.Itoa(n) + " 条"
}

// catalogueRow is one line of the catalogue's table.
type catalogueRow struct {
	Seq    int
	Item   disclosure.Item
	Agency string
}

type catalogueData struct {
	Agency      *disclosure.Agency // nil: the region-wide catalogue
	Path        []*disclosure.Agency
	Base        string
	Units       []*disclosure.Agency
	Filter      catalogueFilter
	Chosen      []facetLink // the filters in force, each with a link that removes it
	Categories  []*categoryNode
	Genres      []facetLink
	Years       []facetLink
	Art20       []art20Row
	Rows        []catalogueRow
	Pager       pager
	Clear       string
	Feed        string
	Subscribe   string
	Search      string
	ShowLatest  bool
	UnitOptions []facetLink
}

const cataloguePerPage = 20

func (s *Server) regionCatalogue(w http.ResponseWriter, r *http.Request) {
	all, err := s.db.ListAgencies(r.Context(), nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.catalogue(w, r, nil, all)
}

func (s *Server) agencyCatalogue(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	_, sub, err := s.subtreeIDs(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.catalogue(w, r, a, sub)
}

// catalogue shows a 政府信息公开目录: the published items of an agency and its units (or of every agency), filtered
// by unit, 主题分类, 体裁, year and Art 20 item, with each choice's count under the other filters, 20 to a page.
func (s *Server) catalogue(w http.ResponseWriter, r *http.Request, a *disclosure.Agency, units []*disclosure.Agency) {
	ctx := r.Context()
	cats, err := s.categories(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := parseCatalogueFilter(r.URL.Query(), cats, units)
	base := "/catalogue"
	var scope []int64 // nil: every agency
	if a != nil {
		base = "/agencies/" + strconv.FormatInt(a.ID, 10) + "/catalogue"
		scope = make([]int64, len(units))
		for i, u := range units {
			scope[i] = u.ID
		}
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	ids := scope
	if f.Unit != 0 {
		if ids, _, err = s.subtreeIDs(ctx, f.Unit); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	facets, err := s.facets(ctx, ids)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &catalogueData{Agency: a, Base: base, Units: units, Filter: f, Clear: base}
	if a != nil {
		for p := a.ParentID; p != nil && len(d.Path) < 10; {
			pa, err := s.db.GetAgency(ctx, *p)
			if err != nil {
				break
			}
			d.Path = append([]*disclosure.Agency{pa}, d.Path...)
			p = pa.ParentID
		}
	}
	link := func(change func(*catalogueFilter)) string {
		g := f
		g.Page = 1
		change(&g)
		return hrefWith(base, g.values())
	}
	// Each dimension counts under the filters of the others.
	count := func(skip string, keep func(store.CatalogueFacet) bool) int {
		n := 0
		for _, x := range facets {
			if (skip == "category" || f.Category == "" || x.Category == f.Category || strings.HasPrefix(x.Category, f.Category+".")) &&
				(skip == "genre" || f.Genre == "" || x.Genre == f.Genre) &&
				(skip == "year" || f.Year == 0 || x.Year == f.Year) &&
				(skip == "art20" || f.Art20 == 0 || x.Art20 == f.Art20) && keep(x) {
				n += x.N
			}
		}
		return n
	}
	d.Categories = categoryNodes(cats, "", func(code string) facetLink {
		n := count("category", func(x store.CatalogueFacet) bool {
			return x.Category == code || strings.HasPrefix(x.Category, code+".")
		})
		return facetLink{Name: cats.name(code), N: n, Current: f.Category == code, Href: link(func(g *catalogueFilter) { g.Category = code })}
	}, f.Category)
	for _, g := range disclosure.Genres {
		n := count("genre", func(x store.CatalogueFacet) bool { return x.Genre == g.ID })
		if n > 0 || f.Genre == g.ID {
			d.Genres = append(d.Genres, facetLink{Name: g.Name, N: n, Current: f.Genre == g.ID, Href: link(func(c *catalogueFilter) { c.Genre = g.ID })})
		}
	}
	years := map[int]bool{}
	for _, x := range facets {
		if x.Year != 0 {
			years[x.Year] = true
		}
	}
	for y := maxYear; y >= minYear; y-- {
		if years[y] || f.Year == y {
			n := count("year", func(x store.CatalogueFacet) bool { return x.Year == y })
			d.Years = append(d.Years, facetLink{Name: strconv.Itoa(y) + "年", N: n, Current: f.Year == y, Href: link(func(c *catalogueFilter) { c.Year = y })})
		}
	}
	d.ShowLatest = !f.any() && f.Page == 1
	for no := 1; no <= 15; no++ {
		n := count("art20", func(x store.CatalogueFacet) bool { return x.Art20 == no })
		row := art20Row{No: no, facetLink: facetLink{Name: disclosure.Art20Items[no], N: n, Current: f.Art20 == no, Href: link(func(c *catalogueFilter) { c.Art20 = no })}}
		if d.ShowLatest && n > 0 {
			if row.Latest, err = s.db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: ids, Art20: no, Limit: 3}); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		d.Art20 = append(d.Art20, row)
	}
	if len(units) > 1 {
		for _, u := range units {
			d.UnitOptions = append(d.UnitOptions, facetLink{Name: u.Name, Href: strconv.FormatInt(u.ID, 10), Current: f.Unit == u.ID})
		}
	}
	// The filters in force, each removable on its own.
	if f.Unit != 0 {
		d.Chosen = append(d.Chosen, facetLink{Name: "单位：" + names[f.Unit], Href: link(func(c *catalogueFilter) { c.Unit = 0 })})
	}
	if f.Category != "" {
		d.Chosen = append(d.Chosen, facetLink{Name: "主题分类：" + cats.name(f.Category), Href: link(func(c *catalogueFilter) { c.Category = "" })})
	}
	if f.Genre != "" {
		d.Chosen = append(d.Chosen, facetLink{Name: "体裁：" + (&disclosure.Item{Genre: f.Genre}).GenreName(), Href: link(func(c *catalogueFilter) { c.Genre = "" })})
	}
	if f.Year != 0 {
		d.Chosen = append(d.Chosen, facetLink{Name: "年份：" + strconv.Itoa(f.Year) + "年", Href: link(func(c *catalogueFilter) { c.Year = 0 })})
	}
	if f.Art20 != 0 {
		d.Chosen = append(d.Chosen, facetLink{Name: "法定主动公开内容：第二十条第（" + chineseNumber(f.Art20) + "）项", Href: link(func(c *catalogueFilter) { c.Art20 = 0 })})
	}
	// The total comes from the counts, which may be some seconds behind the list: never less than the list shows.
	total := count("", func(store.CatalogueFacet) bool { return true })
	page := max(1, min(f.Page, countCap/cataloguePerPage, (total+cataloguePerPage-1)/cataloguePerPage))
	items, err := s.db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: ids, Category: f.Category, Genre: f.Genre, Year: f.Year, Art20: f.Art20,
		Limit: cataloguePerPage, Offset: (page - 1) * cataloguePerPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	total = max(total, (page-1)*cataloguePerPage+len(items))
	for i, it := range items {
		d.Rows = append(d.Rows, catalogueRow{Seq: (page-1)*cataloguePerPage + i + 1, Item: it, Agency: names[it.AgencyID]})
	}
	d.Pager = newPager(page, cataloguePerPage, total, len(items), func(n int) string { g := f; g.Page = n; return hrefWith(base, g.values()) })
	feed := url.Values{}
	sub := url.Values{}
	if f.Category != "" {
		feed.Set("category", f.Category)
		sub.Set("category", f.Category)
	}
	if a != nil {
		d.Feed = hrefWith("/agencies/"+strconv.FormatInt(a.ID, 10)+"/feed.atom", feed)
		d.Search = "/agencies/" + strconv.FormatInt(a.ID, 10) + "/search"
		sub.Set("agency", strconv.FormatInt(a.ID, 10))
	} else {
		d.Feed, d.Search = hrefWith("/feed.atom", feed), "/search"
	}
	d.Subscribe = hrefWith("/subscribe", sub)
	title := "政府信息公开目录"
	if a != nil {
		title = a.Name + title
	}
	s.render(w, r, http.StatusOK, "catalogue", title, d)
}

// categoryNodes builds the tree below parent, keeping the nodes with items and the path to the chosen one.
func categoryNodes(cats *categoryTree, parent string, node func(code string) facetLink, chosen string) []*categoryNode {
	var out []*categoryNode
	for _, c := range cats.List {
		if c.Parent != parent {
			continue
		}
		l := node(c.Code)
		onPath := chosen == c.Code || strings.HasPrefix(chosen, c.Code+".")
		if l.N == 0 && !onPath {
			continue
		}
		out = append(out, &categoryNode{facetLink: l, Children: categoryNodes(cats, c.Code, node, chosen)})
	}
	return out
}

// chineseNumber writes 1–99 in Chinese numerals, as the articles and items of a regulation are cited.
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(digits[n%10], "零")
	case n < 100:
		tail := ""
		if n%10 != 0 {
			tail = digits[n%10]
		}
		return digits[n/10] + "十" + tail
	}
	return strconv.Itoa(n)
}

// Numeral is the item's number as the regulation cites it: 第二十条第（一）项.
func (r art20Row) Numeral() string { return chineseNumber(r.No) }
