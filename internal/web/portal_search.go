package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
)

// searchPerPage is how many results a page shows; searchMaxPages how far one can page (the store ranks the newest
// 2,000 matches: pages beyond them would be empty).
const (
	searchPerPage  = 10
	searchMaxPages = 200
)

// searchParams is a search as the portal and the API take it.
type searchParams struct {
	Q        string
	Agency   int64 // region-wide: one agency and its units
	Category string
	Genre    disclosure.Genre
	Year     int
	Page     int
}

func (p searchParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Agency != 0 {
		v.Set("agency", strconv.FormatInt(p.Agency, 10))
	}
	if p.Category != "" {
		v.Set("category", p.Category)
	}
	if p.Genre != "" {
		v.Set("genre", string(p.Genre))
	}
	if p.Year != 0 {
		v.Set("year", strconv.Itoa(p.Year))
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

// searchHit is one result as the portal and the API show it: the title and the snippet HTML-escaped with the
// matches in <mark>.
type searchHit struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	TitleHTML   template.HTML `json:"title_html" doc:"标题，HTML 转义，命中的词以 <mark> 标出"`
	SnippetHTML template.HTML `json:"snippet_html" doc:"正文摘要，HTML 转义，命中的词以 <mark> 标出"`
	AgencyID    int64         `json:"agency_id"`
	Agency      string        `json:"agency"`
	IndexNumber string        `json:"index_number,omitempty"`
	DocNumber   string        `json:"doc_number,omitempty"`
	PublishedOn string        `json:"published_on"`
	Genre       string        `json:"genre"`
	Category    string        `json:"category,omitempty"`
	URL         string        `json:"url"`
}

type searchResult struct {
	Hits   []searchHit
	Total  int
	Page   int
	Parsed search.Query
}

// runSearch runs a search within the agencies (nil: all) and shapes its hits. A query that finds its exact 文号 puts
// that item first even when it belongs to another agency; within an agency's search such an item is left out.
func (s *Server) runSearch(ctx context.Context, p searchParams, scope []int64, base string) (searchResult, error) {
	res := searchResult{Parsed: search.ParseQuery(p.Q), Page: max(1, min(p.Page, searchMaxPages))}
	if res.Parsed.Empty() {
		return res, nil
	}
	ids := scope
	if p.Agency != 0 {
		sub, _, err := s.subtreeIDs(ctx, p.Agency)
		if err != nil {
			return res, err
		}
		if scope != nil {
			sub = slices.DeleteFunc(sub, func(id int64) bool { return !slices.Contains(scope, id) })
		}
		ids = sub
	}
	hits, total, err := s.db.SearchItems(ctx, disclosure.SearchQuery{Q: p.Q, AgencyIDs: ids, Category: p.Category, Genre: p.Genre, Year: p.Year,
		Limit: searchPerPage, Offset: (res.Page - 1) * searchPerPage})
	if err != nil {
		return res, err
	}
	res.Total = total
	for _, h := range hits {
		it := h.Item
		if ids != nil && !slices.Contains(ids, it.AgencyID) {
			continue
		}
		res.Hits = append(res.Hits, searchHit{ID: it.ID, Title: it.Title, TitleHTML: search.Highlight(it.Title, res.Parsed),
			SnippetHTML: search.Snippet(h.Text, res.Parsed, 120), AgencyID: it.AgencyID, Agency: h.Agency, IndexNumber: it.IndexNumber,
			DocNumber: it.DocNumber, PublishedOn: ymd(it.PublishedOn), Genre: it.GenreName(), Category: it.Category,
			URL: base + "/items/" + strconv.FormatInt(it.ID, 10)})
	}
	return res, nil
}

// option is a choice of a search filter.
type option struct {
	Value, Name string
	Selected    bool
}

type searchData struct {
	Agency     *disclosure.Agency
	Action     string
	Params     searchParams
	Typed      bool // something was typed
	Result     searchResult
	Pager      pager
	Agencies   []option
	Categories []option
	Genres     []option
	Years      []option
	Filtered   bool
	Clear      string
}

func (s *Server) regionSearch(w http.ResponseWriter, r *http.Request) {
	s.searchPage(w, r, nil)
}

func (s *Server) agencySearch(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	s.searchPage(w, r, a)
}

// searchPage is the portal's search: the query echoed in its box, the filters, the count, the results with their
// matches marked, and the pages. It is never cached (a query string bypasses the page cache).
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, a *disclosure.Agency) {
	ctx := r.Context()
	cats, err := s.categories(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var scope []int64
	var agencies []*disclosure.Agency
	action := "/search"
	if a != nil {
		action = "/agencies/" + strconv.FormatInt(a.ID, 10) + "/search"
		scope, agencies, err = s.subtreeIDs(ctx, a.ID)
	} else {
		agencies, err = s.db.ListAgencies(ctx, nil)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := parseSearchParams(r.URL.Query(), cats)
	if p.Agency != 0 && !slices.ContainsFunc(agencies, func(x *disclosure.Agency) bool { return x.ID == p.Agency }) {
		p.Agency = 0
	}
	res, err := s.runSearch(ctx, p, scope, s.baseURL(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &searchData{Agency: a, Action: action, Params: p, Typed: strings.TrimSpace(p.Q) != "", Result: res,
		Filtered: p.Agency != 0 || p.Category != "" || p.Genre != "" || p.Year != 0}
	clear := p
	clear.Agency, clear.Category, clear.Genre, clear.Year, clear.Page = 0, "", "", 0, 0
	d.Clear = hrefWith(action, clear.values())
	d.Pager = newPager(res.Page, searchPerPage, min(res.Total, searchMaxPages*searchPerPage), len(res.Hits), func(n int) string {
		q := p
		q.Page = n
		return hrefWith(action, q.values())
	})
	d.Pager.Capped, d.Pager.TotalText = res.Total > countCap, countText(res.Total)
	if len(agencies) > 1 {
		for _, x := range agencies {
			d.Agencies = append(d.Agencies, option{Value: strconv.FormatInt(x.ID, 10), Name: x.Name, Selected: x.ID == p.Agency})
		}
	}
	d.Categories = cats.options(p.Category)
	for _, g := range disclosure.Genres {
		d.Genres = append(d.Genres, option{Value: string(g.ID), Name: g.Name, Selected: g.ID == p.Genre})
	}
	// The years since the first Regulation took effect (2008), without a query.
	for y := s.today().Year; y >= 2008; y-- {
		d.Years = append(d.Years, option{Value: strconv.Itoa(y), Name: strconv.Itoa(y) + "年", Selected: y == p.Year})
	}
	if p.Year != 0 && (p.Year > s.today().Year || p.Year < 2008) {
		d.Years = append(d.Years, option{Value: strconv.Itoa(p.Year), Name: strconv.Itoa(p.Year) + "年", Selected: true})
	}
	title := "信息检索"
	if d.Typed {
		title = "“" + truncateRunes(p.Q, 30) + "”的检索结果"
	}
	if a != nil {
		title += " - " + a.Name
	}
	s.render(w, r, http.StatusOK, "search", title, d)
}

// parseSearchParams reads a search from the query; filters that are not valid are ignored.
func parseSearchParams(q url.Values, cats *categoryTree) searchParams {
	p := searchParams{Q: q.Get("q"), Page: 1}
	if rs := []rune(p.Q); len(rs) > search.MaxQueryRunes {
		p.Q = string(rs[:search.MaxQueryRunes])
	}
	if id, ok := parseID(q.Get("agency")); ok {
		p.Agency = id
	}
	if c := q.Get("category"); cats.name(c) != "" {
		p.Category = c
	}
	if g := disclosure.Genre(q.Get("genre")); g != "" {
		if _, ok := g.Spec(); ok {
			p.Genre = g
		}
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= minYear && y <= maxYear {
		p.Year = y
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = min(n, searchMaxPages)
	}
	return p
}

func truncateRunes(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

type apiSearchInput struct {
	Q        string `query:"q" maxLength:"1000" doc:"检索词：空格分隔的词语须全部出现；用引号括起短语；词前加 - 排除；整个检索词是文号时按文号精确匹配" example:"疫苗接种"`
	Agency   int64  `query:"agency" minimum:"0" doc:"单位编号：只检索该单位及其下属单位" example:"2"`
	Category string `query:"category" maxLength:"200" doc:"主题分类代码（含下级分类），如 health.public_health" example:"health.public_health"`
	Genre    string `query:"genre" maxLength:"40" doc:"体裁代码，如 normative、penalty" example:"normative"`
	Year     int    `query:"year" minimum:"0" maximum:"2100" doc:"发布年份" example:"2026"`
	Page     int    `query:"page" minimum:"1" maximum:"200" default:"1" doc:"页码，每页 10 条" example:"1"`
}

type apiSearchOutput struct {
	Body struct {
		Total  int         `json:"total" doc:"命中条数；超过 10000 时为 10001，表示“1万条以上”"`
		Capped bool        `json:"capped" doc:"命中条数是否超过 10000"`
		Page   int         `json:"page"`
		Hits   []searchHit `json:"hits"`
	}
}

// registerSearchAPI adds GET /api/v1/items/search: the portal's search of published items, with the same ranking,
// highlighting and snippets.
func (s *Server) registerSearchAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "search-items", Method: http.MethodGet, Path: "/api/v1/items/search", Summary: "检索已公开的政府信息",
		Description: "与门户的信息检索相同：全文检索标题、文号、索引号、内容概述、正文和附件文字，返回带 <mark> 标记的标题和摘要。空检索词返回空结果。", Security: security,
		// Links in the results name the portal as the client reached it, unless its public address is configured.
		Middlewares: huma.Middlewares{func(ctx huma.Context, next func(huma.Context)) {
			base := strings.TrimRight(s.cfg.BaseURL, "/")
			if base == "" {
				base = "http://" + ctx.Host()
				if ctx.TLS() != nil {
					base = "https://" + ctx.Host()
				}
			}
			next(huma.WithValue(ctx, apiBaseKey{}, base))
		}}},
		func(ctx context.Context, in *apiSearchInput) (*apiSearchOutput, error) {
			cats, err := s.categories(ctx)
			if err != nil {
				return nil, s.apiError(err)
			}
			p := searchParams{Q: in.Q, Agency: in.Agency, Year: in.Year, Page: in.Page}
			if in.Category != "" {
				if cats.name(in.Category) == "" {
					return nil, huma.Error422UnprocessableEntity("主题分类“" + truncateRunes(in.Category, 20) + "”不存在")
				}
				p.Category = in.Category
			}
			if in.Genre != "" {
				if _, ok := disclosure.Genre(in.Genre).Spec(); !ok {
					return nil, huma.Error422UnprocessableEntity("体裁“" + truncateRunes(in.Genre, 20) + "”不存在")
				}
				p.Genre = disclosure.Genre(in.Genre)
			}
			if p.Agency != 0 {
				if _, err := s.db.GetAgency(ctx, p.Agency); err != nil {
					return nil, s.apiError(err)
				}
			}
			base, _ := ctx.Value(apiBaseKey{}).(string)
			res, err := s.runSearch(ctx, p, nil, base)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &apiSearchOutput{}
			out.Body.Total, out.Body.Capped, out.Body.Page, out.Body.Hits = res.Total, res.Total > countCap, res.Page, res.Hits
			if out.Body.Hits == nil {
				out.Body.Hits = []searchHit{}
			}
			return out, nil
		})
}

// apiBaseKey carries the portal's address into the search operation's handler.
type apiBaseKey struct{}
