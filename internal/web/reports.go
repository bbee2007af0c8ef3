package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
)

// reportFormats are the downloads of a published annual report.
var reportFormats = []struct {
	Key, Name, Type string
	Render          func(io.Writer, *report.Report) error
}{
	{"pdf", "PDF", "application/pdf", render.PDF},
	{"docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", render.DOCX},
	{"xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render.XLSX},
	{"md", "Markdown", "text/markdown; charset=utf-8", render.Markdown},
}

// loadReport finds the agency and year of the path and decodes the stored report.
func (s *Server) loadReport(w http.ResponseWriter, r *http.Request) (*disclosure.Agency, *report.Report, bool) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return nil, nil, false
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, nil, false
	}
	stored, err := s.db.GetAnnualReport(r.Context(), a.ID, year)
	// Drafts and reports under review never appear in the portal.
	if disclosure.ErrorCode(err) == disclosure.ENotFound || (err == nil && stored.Status != disclosure.AnnualPublished) {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, nil, false
	}
	rep, err := report.Decode(stored.Data)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("stored report %d: %w", stored.ID, err))
		return nil, nil, false
	}
	return a, rep, true
}

type download struct{ Href, Name string }

// annualReport shows a report in the portal's 年报 room: accessible HTML tables and the downloads.
func (s *Server) annualReport(w http.ResponseWriter, r *http.Request) {
	a, rep, ok := s.loadReport(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := render.HTMLFragment(&buf, rep); err != nil {
		s.serverError(w, r, err)
		return
	}
	var downloads []download
	for _, f := range reportFormats {
		downloads = append(downloads, download{Href: r.URL.Path + "/download/" + f.Key, Name: f.Name})
	}
	var correction *correctionNote
	if stored, err := s.db.GetAnnualReport(r.Context(), a.ID, rep.Year); err == nil {
		if correction, err = s.correctionOf(r.Context(), stored); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "report", render.DocumentTitle(rep), map[string]any{
		"Agency": a, "Year": rep.Year, "Downloads": downloads, "Correction": correction,
		// The fragment comes from html/template, which escaped every text of the report.
		"HTML": template.HTML(buf.String()),
	})
}

// annualReportFile sends a report as a PDF, Word, Excel or Markdown file.
func (s *Server) annualReportFile(w http.ResponseWriter, r *http.Request) {
	_, rep, ok := s.loadReport(w, r)
	if !ok {
		return
	}
	name, contentType, data, err := reportFile(rep, r.PathValue("format"))
	switch {
	case errors.Is(err, errNoSuchFormat):
		s.errorPage(w, r, http.StatusNotFound)
	case err != nil:
		s.serverError(w, r, err)
	default:
		sendFile(w, name, contentType, "", data)
	}
}

// errNoSuchFormat is a download format that is not one of reportFormats.
var errNoSuchFormat = errors.New("no such report format")

// reportFile renders a published report as one of reportFormats (by key): the file's name, type and contents, as
// the portal offers them.
func reportFile(rep *report.Report, key string) (name, contentType string, data []byte, err error) {
	for _, f := range reportFormats {
		if f.Key != key {
			continue
		}
		var buf bytes.Buffer
		if err := f.Render(&buf, rep); err != nil {
			return "", "", nil, err
		}
		return render.DocumentTitle(rep) + "." + f.Key, f.Type, buf.Bytes(), nil
	}
	return "", "", nil, errNoSuchFormat
}
