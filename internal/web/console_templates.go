package web

import (
	"context"
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
	a, agencies, err := s.templateAgency(r, s.currentUser(r), r.URL.Query().Get("agency"))
	switch {
	case disclosure.ErrorCode(err) == disclosure.EForbidden:
		s.errorPage(w, r, http.StatusForbidden)
		return nil, nil, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, nil, false
	}
	return a, agencies, true
}

// templateAgency returns the agency whose templates the account u asks for (want: its ID, or empty for the first
// it may edit), with every agency it may edit. Errors: EForbidden.
func (s *Server) templateAgency(r *http.Request, u *disclosure.User, want string) (*disclosure.Agency, []*disclosure.Agency, error) {
	agencies, err := s.templateAgencies(r, u)
	if err != nil {
		return nil, nil, err
	}
	if len(agencies) == 0 {
		return nil, nil, disclosure.Errorf(disclosure.EForbidden, "您无权修改告知书模板")
	}
	a := agencies[0]
	if id, ok := parseID(want); ok {
		i := slices.IndexFunc(agencies, func(x *disclosure.Agency) bool { return x.ID == id })
		if i < 0 {
			return nil, nil, disclosure.Errorf(disclosure.EForbidden, "您无权修改该单位的告知书模板")
		}
		a = agencies[i]
	}
	return a, agencies, nil
}

// consoleTemplates lists the notice templates of an agency: the defaults and which of them it changed.
func (s *Server) consoleTemplates(w http.ResponseWriter, r *http.Request) {
	a, agencies, ok := s.pickTemplateAgency(w, r)
	if !ok {
		return
	}
	rows, err := s.templateRows(r.Context(), a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "templates", "告知书模板", map[string]any{"Agency": a, "Agencies": agencies, "Rows": rows})
}

// templateRows are the agency's notice templates in the order of a case: the defaults, marked where it has its own.
func (s *Server) templateRows(ctx context.Context, a *disclosure.Agency) ([]templateRow, error) {
	own, err := s.db.NoticeTemplates(ctx, a.ID)
	if err != nil {
		return nil, err
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
	return rows, nil
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
	title, body, custom, err := s.agencyTemplate(r.Context(), a, def)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderTemplate(w, r, http.StatusOK, a, def, title, body, custom, "", "")
}

// agencyTemplate is the agency's text of the template def: its own version (custom), or the default.
func (s *Server) agencyTemplate(ctx context.Context, a *disclosure.Agency, def casework.Template) (title, body string, custom bool, err error) {
	title, body = def.Title, def.Body
	own, err := s.db.NoticeTemplates(ctx, a.ID)
	if err != nil {
		return "", "", false, err
	}
	for _, o := range own {
		if o.Key == def.Key {
			title, body, custom = o.Title, o.Body, true
		}
	}
	return title, body, custom, nil
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
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	reset := r.PostFormValue("reset") != ""
	saved, err := s.saveTemplate(r, s.currentUser(r), a, key, title, body, reset, "")
	switch {
	case disclosure.ErrorCode(err) == disclosure.EInternal:
		s.serverError(w, r, err)
	case err != nil:
		s.renderTemplate(w, r, http.StatusUnprocessableEntity, a, def, strings.TrimSpace(title), templateBody(body), true, disclosure.ErrorMessage(err), "")
	case reset:
		s.renderTemplate(w, r, http.StatusOK, a, def, def.Title, def.Body, false, "", saved)
	default:
		s.renderTemplate(w, r, http.StatusOK, a, def, strings.TrimSpace(title), templateBody(body), true, "", saved)
	}
}

// templateBody is a template's body as typed in a form, as it is stored.
func templateBody(body string) string {
	return strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
}

// saveTemplate stores agency a's version of the template key after checking it (casework.CheckTemplate), or, with
// reset, goes back to the default, as the account u; it returns what the page says when done. The console's
// template page and the JSON API both save through it. Errors: ENotFound (no such template), EInvalid.
func (s *Server) saveTemplate(r *http.Request, u *disclosure.User, a *disclosure.Agency, key, title, body string, reset bool, expect string) (string, error) {
	if _, ok := casework.DefaultTemplates()[key]; !ok {
		return "", disclosure.Errorf(disclosure.ENotFound, "没有名为“%s”的告知书模板", key)
	}
	if reset {
		if err := s.db.SaveNoticeTemplateIf(r.Context(), actorOf(u, r), store.NoticeTemplate{AgencyID: a.ID, Key: key}, expect); err != nil {
			return "", err
		}
		return "已恢复为默认模板。", nil
	}
	title, body = strings.TrimSpace(title), templateBody(body)
	if err := casework.CheckTemplate(key, title, body); err != nil {
		return "", err
	}
	if err := s.db.SaveNoticeTemplateIf(r.Context(), actorOf(u, r), store.NoticeTemplate{AgencyID: a.ID, Key: key, Title: title, Body: body}, expect); err != nil {
		return "", err
	}
	return "已保存。此后出具的告知书使用新模板，已出具的告知书不变。", nil
}
