package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
)

// correctionNote is what the portal says of a corrected report: when and why, and where the version before is.
type correctionNote struct {
	Date, Reason string
	Previous     string
}

// correctionOf returns the note of the latest correction of a published report, or nil when it was never
// corrected.
func (s *Server) correctionOf(ctx context.Context, stored *disclosure.AnnualReport) (*correctionNote, error) {
	versions, err := s.db.AnnualVersions(ctx, stored.ID)
	if err != nil {
		return nil, err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if v.Version != stored.Version || !v.Correction {
			continue
		}
		note := &correctionNote{Date: v.At.In(s.cfg.Location).Format("2006年1月2日"), Reason: v.Reason}
		// The version it corrects: the published one before it.
		for j := i - 1; j >= 0; j-- {
			if versions[j].Status == disclosure.AnnualPublished {
				note.Previous = fmt.Sprintf("/agencies/%d/reports/%d/versions/%d", stored.AgencyID, stored.Year, versions[j].Version)
				break
			}
		}
		return note, nil
	}
	return nil, nil
}

// annualReportVersion shows an earlier published version of a report (one that a correction replaced), so that
// what was published stays readable.
func (s *Server) annualReportVersion(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	year, err1 := strconv.Atoi(r.PathValue("year"))
	n, err2 := strconv.Atoi(r.PathValue("version"))
	if err1 != nil || err2 != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	stored, err := s.db.GetAnnualReport(r.Context(), a.ID, year)
	if disclosure.ErrorCode(err) == disclosure.ENotFound || (err == nil && stored.Status != disclosure.AnnualPublished) {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	current := fmt.Sprintf("/agencies/%d/reports/%d", a.ID, year)
	if n == stored.Version {
		http.Redirect(w, r, current, http.StatusSeeOther)
		return
	}
	v, err := s.db.AnnualVersion(r.Context(), stored.ID, n)
	if disclosure.ErrorCode(err) == disclosure.ENotFound || (err == nil && v.Status != disclosure.AnnualPublished) {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rep, err := report.Decode(v.Data)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("stored report %d version %d: %w", stored.ID, n, err))
		return
	}
	var buf bytes.Buffer
	if err := render.HTMLFragment(&buf, rep); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "report", render.DocumentTitle(rep)+"（第"+strconv.Itoa(n)+"版）", map[string]any{
		"Agency": a, "Year": year, "HTML": template.HTML(buf.String()),
		"Earlier": map[string]any{"Version": n, "Date": v.At.In(s.cfg.Location).Format("2006年1月2日"), "Current": current},
	})
}
