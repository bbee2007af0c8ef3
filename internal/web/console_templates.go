package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// templateAgencies are the agencies whose notice templates the account may edit: where it is an officer or the
// agency's administrator.
func (s *Server) templateAgencies(r *http.Request, u *disclosure.User) ([]*disclosure.Agency, error) {
	var out []*disclosure.Agency
	for _, g := range u.Grants {
		if g.AgencyID == nil || (g.Role != disclosure.Officer && g.Role != disclosure.AgencyAdmin) {
			continue
		}
		if slices.ContainsFunc(out, func(a *disclosure.Agency) bool { return a.ID == *g.AgencyID }) {
			continue
		}
		a, err := s.db.GetAgency(r.Context(), *g.AgencyID)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

type templateRow struct {
	casework.Template
	Kind   string
	Custom bool
}

// templateKindOrder lists the notices in the order of a case.
var templateKindOrder = []string{casework.NoticeReceipt, casework.NoticeFix, casework.NoticeConsultation, casework.NoticeExtension, casework.NoticeFee, casework.NoticeReply}

// pickTemplateAgency returns the agency of the query (one the account may edit), or its first.
func (s *Server) pickTemplateAgency(w http.ResponseWriter, r *http.Request) (*disclosure.Agency, []*disclosure.Agency, bool) {
	agencies, err := s.templateAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return nil, nil, false
	}
	if len(agencies) == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, nil, false
	}
	a := agencies[0]
	if id, ok := parseID(r.URL.Query().Get("agency")); ok {
		i := slices.IndexFunc(agencies, func(x *disclosure.Agency) bool { return x.ID == id })
		if i < 0 {
			s.errorPage(w, r, http.StatusForbidden)
			return nil, nil, false
		}
		a = agencies[i]
	}
	return a, agencies, true
}

// consoleTemplates lists the notice templates of an agency: the defaults and which of them it changed.
func (s *Server) consoleTemplates(w http.ResponseWriter, r *http.Request) {
	a, agencies, ok := s.pickTemplateAgency(w, r)
	if !ok {
		return
	}
	own, err := s.db.NoticeTemplates(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []templateRow
	for key, t := range casework.DefaultTemplates() {
		custom := slices.ContainsFunc(own, func(o store.NoticeTemplate) bool { return o.Key == key })
		kind, _, _ := strings.Cut(key, ".")
		rows = append(rows, templateRow{Template: t, Kind: kind, Custom: custom})
	}
	sort.Slice(rows, func(i, j int) bool {
		ki, kj := slices.Index(templateKindOrder, rows[i].Kind), slices.Index(templateKindOrder, rows[j].Kind)
		if ki != kj {
			return ki < kj
		}
		return rows[i].Key < rows[j].Key
	})
	s.render(w, r, http.StatusOK, "templates", "告知书模板", map[string]any{"Agency": a, "Agencies": agencies, "Rows": rows})
}

// consoleTemplate shows one template for editing, with its placeholders and the default text.
func (s *Server) consoleTemplate(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.pickTemplateAgency(w, r)
	if !ok {
		return
	}
	key := r.PathValue("key")
	def, ok := casework.DefaultTemplates()[key]
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	title, body := def.Title, def.Body
	own, err := s.db.NoticeTemplates(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	custom := false
	for _, o := range own {
		if o.Key == key {
			title, body, custom = o.Title, o.Body, true
		}
	}
	s.renderTemplate(w, r, http.StatusOK, a, def, title, body, custom, "", "")
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, a *disclosure.Agency, def casework.Template, title, body string, custom bool, msg, saved string) {
	ph := casework.Placeholders(def.Key)
	names := make([]string, 0, len(ph))
	for k := range ph {
		names = append(names, k)
	}
	sort.Strings(names)
	var list []struct{ Name, Desc string }
	for _, n := range names {
		list = append(list, struct{ Name, Desc string }{"{" + n + "}", ph[n]})
	}
	s.render(w, r, status, "template", def.Name+"模板", map[string]any{"Agency": a, "Default": def, "Title": title, "Body": body, "Custom": custom,
		"Placeholders": list, "Error": msg, "Saved": saved})
}

// templateSave stores an agency's version of a template after checking it, or with "reset" goes back to the
// default.
func (s *Server) templateSave(w http.ResponseWriter, r *http.Request) {
	a, _, ok := s.pickTemplateAgency(w, r)
	if !ok {
		return
	}
	key := r.PathValue("key")
	def, ok := casework.DefaultTemplates()[key]
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	body := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"))
	if r.PostFormValue("reset") != "" {
		if err := s.db.SaveNoticeTemplate(r.Context(), actorOf(s.currentUser(r), r), store.NoticeTemplate{AgencyID: a.ID, Key: key}); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.renderTemplate(w, r, http.StatusOK, a, def, def.Title, def.Body, false, "", "已恢复为默认模板。")
		return
	}
	if err := casework.CheckTemplate(key, title, body); err != nil {
		s.renderTemplate(w, r, http.StatusUnprocessableEntity, a, def, title, body, true, disclosure.ErrorMessage(err), "")
		return
	}
	if err := s.db.SaveNoticeTemplate(r.Context(), actorOf(s.currentUser(r), r), store.NoticeTemplate{AgencyID: a.ID, Key: key, Title: title, Body: body}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderTemplate(w, r, http.StatusOK, a, def, title, body, true, "", "已保存。此后出具的告知书使用新模板，已出具的告知书不变。")
}
