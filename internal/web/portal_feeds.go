package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// feedItems is how many of the newest items a feed carries.
const feedItems = 50

// Atom 1.0 (RFC 4287), as much of it as the feeds use.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     atomPerson     `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

func (s *Server) regionFeed(w http.ResponseWriter, r *http.Request) { s.feed(w, r, nil) }

func (s *Server) agencyFeed(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	s.feed(w, r, a)
}

// feed serves the Atom feed of the newest published items: of every agency, or of an agency and its units, all of
// them or of one 主题分类 (?category=, the categories below it included).
func (s *Server) feed(w http.ResponseWriter, r *http.Request, a *disclosure.Agency) {
	ctx := r.Context()
	cats, err := s.categories(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	category := r.URL.Query().Get("category")
	if category != "" && cats.name(category) == "" {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	base := s.baseURL(r)
	self := base + r.URL.Path
	if category != "" {
		self += "?" + url.Values{"category": {category}}.Encode()
	}
	body, err := memoized(s, ctx, "feed:"+self, time.Minute, followWrites, func(ctx context.Context) ([]byte, error) { return s.buildFeed(ctx, a, category, cats, base, self) })
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(body)
}

func (s *Server) buildFeed(ctx context.Context, a *disclosure.Agency, category string, cats *categoryTree, base, self string) ([]byte, error) {
	var ids []int64
	title, alternate := s.cfg.Site, base+"/catalogue"
	author := s.cfg.Site
	if a != nil {
		var err error
		if ids, _, err = s.subtreeIDs(ctx, a.ID); err != nil {
			return nil, err
		}
		title, author = a.Name+"政府信息公开", a.Name
		alternate = base + "/agencies/" + strconv.FormatInt(a.ID, 10) + "/catalogue"
	}
	if category != "" {
		title += " · " + cats.name(category)
		alternate += "?" + url.Values{"category": {category}}.Encode()
	}
	items, err := s.db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: ids, Category: category, Limit: feedItems})
	if err != nil {
		return nil, err
	}
	f := atomFeed{ID: self, Title: title, Subtitle: "最新主动公开的政府信息", Author: atomPerson{Name: author}, Generator: "gongkai",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: alternate}}}
	var newest time.Time
	for _, it := range items {
		link := base + "/items/" + strconv.FormatInt(it.ID, 10)
		published := it.PublishedOn.In(s.cfg.Location)
		updated := it.UpdatedAt
		if updated.Before(published) {
			updated = published
		}
		if updated.After(newest) {
			newest = updated
		}
		e := atomEntry{ID: link, Title: it.Title, Updated: updated.Format(time.RFC3339), Published: published.Format(time.RFC3339),
			Author: atomPerson{Name: it.Publisher}, Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Summary: atomText{Type: "text", Text: feedSummary(&it)}}
		if name := cats.name(it.Category); name != "" {
			e.Categories = append(e.Categories, atomCategory{Term: it.Category, Label: name})
		}
		e.Categories = append(e.Categories, atomCategory{Term: "genre:" + string(it.Genre), Label: it.GenreName()})
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = time.Date(2019, 5, 15, 0, 0, 0, 0, s.cfg.Location) // the Regulation's effective date: a fixed "never" for an empty feed
	}
	f.Updated = newest.Format(time.RFC3339)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("atom: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// feedSummary is an entry's summary: the item's 内容概述, or the beginning of its text.
func feedSummary(it *disclosure.Item) string {
	text := strings.TrimSpace(it.Summary)
	if text == "" {
		text = strings.Join(strings.Fields(store.HTMLText(it.Body)), " ")
	}
	if rs := []rune(text); len(rs) > 200 {
		text = string(rs[:200]) + "……"
	}
	if text == "" {
		text = it.Title
	}
	return text
}

// The sitemap protocol (sitemaps.org 0.9).
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapPages are the portal's pages other than items: the home page, the region-wide catalogue, and each agency's
// column, 指南, catalogue and annual reports.
func (s *Server) sitemapPages(ctx context.Context, base string) ([]sitemapURL, error) {
	out := []sitemapURL{{Loc: base + "/"}, {Loc: base + "/catalogue"}}
	all, err := s.db.ListAgencies(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		p := base + "/agencies/" + strconv.FormatInt(a.ID, 10)
		out = append(out, sitemapURL{Loc: p + "/"}, sitemapURL{Loc: p + "/guide"}, sitemapURL{Loc: p + "/catalogue"})
		reports, err := s.db.ListAnnualReports(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, rep := range reports {
			out = append(out, sitemapURL{Loc: p + "/reports/" + strconv.Itoa(rep.Year)})
		}
	}
	return out, nil
}

// sitemap serves /sitemap.xml: every page and published item in one urlset while they fit the limit, otherwise a
// sitemap index of /sitemaps/pages.xml and one /sitemaps/items-K.xml per range of item IDs (each within the limit).
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	base := s.baseURL(r)
	limit := s.portal.sitemapLimit
	body, err := memoized(s, ctx, "sitemap:"+base, 10*time.Minute, inBackground, func(ctx context.Context) ([]byte, error) {
		pages, err := s.sitemapPages(ctx, base)
		if err != nil {
			return nil, err
		}
		buckets, err := s.db.SitemapBuckets(ctx, limit)
		if err != nil {
			return nil, err
		}
		n := len(pages)
		for _, b := range buckets {
			n += b.N
		}
		if n <= limit {
			set := sitemapURLSet{URLs: pages}
			for _, b := range buckets {
				items, err := s.db.PublishedItemStamps(ctx, b.K*int64(limit), (b.K+1)*int64(limit))
				if err != nil {
					return nil, err
				}
				set.URLs = append(set.URLs, itemURLs(base, items)...)
			}
			return encodeXML(set)
		}
		idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: base + "/sitemaps/pages.xml"}}}
		for _, b := range buckets {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: base + "/sitemaps/items-" + strconv.FormatInt(b.K, 10) + ".xml"})
		}
		return encodeXML(idx)
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeXML(w, body)
}

// sitemapPart serves the sitemaps of a sitemap index.
func (s *Server) sitemapPart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	base := s.baseURL(r)
	limit := int64(s.portal.sitemapLimit)
	name := r.PathValue("name")
	var build func(context.Context) ([]byte, error)
	if name == "pages.xml" {
		build = func(ctx context.Context) ([]byte, error) {
			pages, err := s.sitemapPages(ctx, base)
			if err != nil {
				return nil, err
			}
			if len(pages) > int(limit) {
				pages = pages[:limit]
			}
			return encodeXML(sitemapURLSet{URLs: pages})
		}
	} else if k, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(name, "items-"), ".xml"), 10, 64); err == nil && k >= 0 &&
		name == "items-"+strconv.FormatInt(k, 10)+".xml" && k < 1<<40/limit {
		build = func(ctx context.Context) ([]byte, error) {
			items, err := s.db.PublishedItemStamps(ctx, k*limit, (k+1)*limit)
			if err != nil || len(items) == 0 {
				return nil, err
			}
			return encodeXML(sitemapURLSet{URLs: itemURLs(base, items)})
		}
	} else {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	body, err := memoized(s, ctx, "sitemap:"+base+"/"+name, 10*time.Minute, inBackground, build)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if body == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	writeXML(w, body)
}

func itemURLs(base string, items []store.ItemStamp) []sitemapURL {
	out := make([]sitemapURL, len(items))
	for i, it := range items {
		out[i] = sitemapURL{Loc: base + "/items/" + strconv.FormatInt(it.ID, 10), LastMod: it.UpdatedAt.Format(time.RFC3339)}
	}
	return out
}

func encodeXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func writeXML(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=600")
	w.Write(body)
}

// robots lets crawlers read the portal, points them to the sitemap, and keeps them out of the console, the API,
// the applicants' pages, searches and subscription links.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /console/\nDisallow: /api/\nDisallow: /track\nDisallow: /search\nDisallow: /agencies/*/search\n"+
		"Disallow: /agencies/*/apply\nDisallow: /subscribe\nDisallow: /unsubscribe/\nDisallow: /prefs\nAllow: /\n\nSitemap: %s/sitemap.xml\n", s.baseURL(r))
}
