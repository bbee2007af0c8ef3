package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/webhook"
)

// webhookScope is what an account may manage of the webhooks: everything (the system administrator), or the
// subscribers limited to the agencies it administers and the units under them (an agency administrator).
type webhookScope struct {
	all      bool
	agencies []*disclosure.Agency
}

func (sc webhookScope) ids() []int64 {
	out := make([]int64, 0, len(sc.agencies))
	for _, a := range sc.agencies {
		out = append(out, a.ID)
	}
	return out
}

// covers reports whether the scope may manage a subscriber limited to agency (nil: every agency).
func (sc webhookScope) covers(agency *int64) bool {
	return sc.all || (agency != nil && slices.Contains(sc.ids(), *agency))
}

func (s *Server) webhookScope(r *http.Request) (webhookScope, error) {
	u := s.currentUser(r)
	var sc webhookScope
	for _, g := range u.Grants {
		if g.Role == disclosure.SysAdmin {
			sc.all = true
		}
	}
	if sc.all {
		all, err := s.db.ListAgencies(r.Context(), nil)
		sc.agencies = all
		return sc, err
	}
	for _, g := range u.Grants {
		if g.Role != disclosure.AgencyAdmin || g.AgencyID == nil {
			continue
		}
		sub, err := s.db.ListAgencies(r.Context(), g.AgencyID)
		if err != nil {
			return sc, err
		}
		for _, a := range sub {
			if !slices.ContainsFunc(sc.agencies, func(x *disclosure.Agency) bool { return x.ID == a.ID }) {
				sc.agencies = append(sc.agencies, a)
			}
		}
	}
	return sc, nil
}

type webhookRow struct {
	store.WebhookSubscription
	AgencyName string
	Deliveries []store.WebhookDelivery
}

// webhookForm is what the registration form was filled with, to show it again with its error.
type webhookForm struct {
	URL, Description string
	Kinds            []string
	AgencyID         int64
}

// consoleWebhooks lists the subscribers the account manages, each with its latest deliveries and their attempts,
// and the form to register one.
func (s *Server) consoleWebhooks(w http.ResponseWriter, r *http.Request) {
	s.renderWebhooks(w, r, http.StatusOK, webhookForm{Kinds: store.WebhookKinds}, "", "", nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, form webhookForm, msg, done string, created *store.WebhookSubscription) {
	sc, err := s.webhookScope(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var filter []int64
	if !sc.all {
		filter = sc.ids()
	}
	subs, err := s.db.Webhooks(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, a := range sc.agencies {
		names[a.ID] = a.Name
	}
	rows := make([]webhookRow, 0, len(subs))
	for _, sub := range subs {
		row := webhookRow{WebhookSubscription: sub, AgencyName: "全部单位"}
		if sub.AgencyID != nil {
			row.AgencyName = names[*sub.AgencyID]
		}
		if row.Deliveries, err = s.db.WebhookDeliveries(r.Context(), sub.ID, 20); err != nil {
			s.serverError(w, r, err)
			return
		}
		rows = append(rows, row)
	}
	var kinds []struct{ Key, Name string }
	for _, k := range store.WebhookKinds {
		kinds = append(kinds, struct{ Key, Name string }{k, store.WebhookKindNames[k]})
	}
	s.render(w, r, status, "webhooks", "事件推送", map[string]any{"Rows": rows, "Kinds": kinds, "KindNames": store.WebhookKindNames,
		"Agencies": sc.agencies, "All": sc.all, "Form": form, "Error": msg, "Done": done, "Created": created, "Loc": s.cfg.Location})
}

// webhookCreate registers a subscriber: its address is checked (https; no internal address, against SSRF), and
// its secret is shown once, on the page that answers.
func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	sc, err := s.webhookScope(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	form := webhookForm{URL: strings.TrimSpace(r.PostFormValue("url")), Description: strings.TrimSpace(r.PostFormValue("description")), Kinds: r.PostForm["kind"]}
	sub := &store.WebhookSubscription{URL: form.URL, Kinds: form.Kinds, Description: form.Description}
	if v := r.PostFormValue("agency"); v != "" {
		id, ok := parseID(v)
		if !ok || !slices.Contains(sc.ids(), id) {
			s.renderWebhooks(w, r, http.StatusUnprocessableEntity, form, "请选择您管理的单位", "", nil)
			return
		}
		form.AgencyID, sub.AgencyID = id, &id
	} else if !sc.all {
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, form, "请选择推送哪个单位的事件（单位管理员只能订阅本单位及下属单位的事件）", "", nil)
		return
	}
	if form.URL == "" {
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, form, "请填写接收地址", "", nil)
		return
	}
	if err := webhook.CheckURL(r.Context(), form.URL, nil); err != nil {
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, form, disclosure.ErrorMessage(err), "", nil)
		return
	}
	if err := s.db.CreateWebhook(r.Context(), actorOf(s.currentUser(r), r), sub); err != nil {
		if errorStatus(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, form, disclosure.ErrorMessage(err), "", nil)
		return
	}
	s.renderWebhooks(w, r, http.StatusOK, webhookForm{Kinds: store.WebhookKinds}, "", "", sub)
}

// managedWebhook returns the subscriber of the path if the account manages it.
func (s *Server) managedWebhook(w http.ResponseWriter, r *http.Request) (*store.WebhookSubscription, bool) {
	id, ok := parseID(r.PathValue("hook"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	sub, err := s.db.GetWebhook(r.Context(), id)
	if err != nil {
		s.userError(w, r, err)
		return nil, false
	}
	sc, err := s.webhookScope(r)
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	if !sc.covers(sub.AgencyID) {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, false
	}
	return sub, true
}

// webhookDisable stops a subscriber (or resumes it, with disabled=0).
func (s *Server) webhookDisable(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.managedWebhook(w, r)
	if !ok {
		return
	}
	disabled := r.PostFormValue("disabled") != "0"
	if err := s.db.SetWebhookDisabled(r.Context(), actorOf(s.currentUser(r), r), sub.ID, disabled); err != nil {
		s.userError(w, r, err)
		return
	}
	done := "已停用 " + sub.URL + "：不再推送新事件，未送达的事件暂停重试。"
	if !disabled {
		done = "已恢复 " + sub.URL + "：未送达的事件将继续推送。"
	}
	s.renderWebhooks(w, r, http.StatusOK, webhookForm{Kinds: store.WebhookKinds}, "", done, nil)
}

// webhookRetry makes a waiting or given-up delivery of a subscriber due at once.
func (s *Server) webhookRetry(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.managedWebhook(w, r)
	if !ok {
		return
	}
	id, ok := parseID(r.PathValue("delivery"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.db.RetryWebhookNow(r.Context(), actorOf(s.currentUser(r), r), sub.ID, id); err != nil {
		s.userError(w, r, err)
		return
	}
	s.renderWebhooks(w, r, http.StatusOK, webhookForm{Kinds: store.WebhookKinds}, "", "已安排立即重新推送，稍后刷新页面查看结果。", nil)
}
