package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// funcs are the template functions every page may use.
var funcs = template.FuncMap{
	"cdate": func(d workday.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Chinese()
	},
	"stateName": func(s disclosure.State) string { return disclosure.StateNames[s] },
	"outcomeName": func(o disclosure.Outcome) string {
		if s, ok := o.Spec(); ok {
			return s.Name
		}
		return ""
	},
	"typeName":    func(t disclosure.ApplicantType) string { return t.Name() },
	"channelName": func(c disclosure.Channel) string { s, _ := c.Spec(); return s.Name },
	"kindName": func(k disclosure.ApplicationKind) string {
		if k == disclosure.CorrectionRequest {
			return "更正申请"
		}
		return "政府信息公开申请"
	},
	"noticeKind":  func(k string) string { return casework.NoticeKindNames[k] },
	"appealKind":  func(k disclosure.AppealKind) string { return disclosure.AppealKindNames[k] },
	"appealRes":   func(r disclosure.AppealResult) string { return disclosure.AppealResultNames[r] },
	"join":        strings.Join,
	"localTime":   func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02 15:04") },
	"lines":       func(s string) []string { return strings.Split(s, "\n") },
	"contains":    slices.Contains[[]string, string],
	"add":         func(a, b int) int { return a + b },
	"jsonPretty":  func(raw json.RawMessage) string { return string(raw) },
	"actionName":  actionName,
	"hasPrefix":   strings.HasPrefix,
	"weekdayName": func(d workday.Date) string { return "周" + string([]rune("日一二三四五六")[d.Weekday()]) },
	"neg":         func(n int) int { return -n },
	"slice2":      func(a, b any) []any { return []any{a, b} },
	"deref":       func(p *int64) int64 { return *p },
}

// actionName is the Chinese name of a case event's action.
func actionName(a string) string {
	if a == "register" {
		return "登记申请"
	}
	if t, ok := casework.TransitionOf(casework.Action(a)); ok {
		return t.Name
	}
	return a
}

// calendarCache holds the working-day calendar: the years built into the program with the years an administrator
// entered on top. It is rebuilt when the data version changes — a write by this process or, through store.Watch, by
// any other — and at least every minute.
type calendarCache struct {
	mu      sync.Mutex
	cal     *workday.Calendar
	version uint64
	at      time.Time
}

// calendar returns the current working-day calendar.
func (s *Server) calendar(ctx context.Context) *workday.Calendar {
	c := &s.cal
	c.mu.Lock()
	defer c.mu.Unlock()
	v := s.db.Version()
	if c.cal != nil && c.version == v && s.now().Sub(c.at) < time.Minute {
		return c.cal
	}
	cal, err := LoadCalendar(ctx, s.db)
	if err != nil {
		s.log.Error("calendar", "err", err)
		if c.cal != nil {
			return c.cal
		}
		return workday.Default()
	}
	c.cal, c.version, c.at = cal, v, s.now()
	return cal
}

// today is the date in the agencies' time zone.
func (s *Server) today() workday.Date { return workday.DateOf(s.now().In(s.cfg.Location)) }

// baseURL is the portal's address for links in e-mails.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// caseEnv is the casework environment of an agency.
func (s *Server) caseEnv(r *http.Request, a *disclosure.Agency) (casework.Env, error) {
	env := casework.Env{Calendar: s.calendar(r.Context()), Agency: a, BaseURL: s.baseURL(r)}
	var above []*disclosure.Agency
	for p := a.ParentID; p != nil && len(above) < 12; {
		pa, err := s.db.GetAgency(r.Context(), *p)
		if err != nil {
			return env, err
		}
		above = append(above, pa)
		p = pa.ParentID
	}
	env.ReviewBody = casework.ReconsiderationBody(a, above)
	return env, nil
}

// ancestors returns the agency and the agencies above it.
func (s *Server) ancestors(ctx context.Context, a *disclosure.Agency) []int64 {
	out := []int64{a.ID}
	for p := a.ParentID; p != nil && len(out) < 12; {
		pa, err := s.db.GetAgency(ctx, *p)
		if err != nil {
			break
		}
		out = append(out, pa.ID)
		p = pa.ParentID
	}
	return out
}

// caseRoles returns what an account may do with the cases of an agency: the casework actor kinds from its roles held
// for the agency or an agency above it, and whether it may read them at all (a supervisor reads, never acts).
func (s *Server) caseRoles(ctx context.Context, u *disclosure.User, a *disclosure.Agency) (who casework.Who, read bool) {
	if u == nil {
		return 0, false
	}
	chain := s.ancestors(ctx, a)
	for _, g := range u.Grants {
		if g.AgencyID == nil || !slices.Contains(chain, *g.AgencyID) {
			continue
		}
		switch g.Role {
		case disclosure.Officer:
			who |= casework.ByOfficer
			read = true
		case disclosure.Approver:
			who |= casework.ByApprover
			read = true
		case disclosure.Supervisor:
			read = true
		}
	}
	return who, read
}

// personalView is how much of an applicant's personal data the account sees in the cases of the agency: the one
// masking policy (disclosure.ViewFor) applied to the roles it holds for the agency or an agency above it.
func (s *Server) personalView(ctx context.Context, u *disclosure.User, a *disclosure.Agency) disclosure.PersonalView {
	if u == nil {
		return disclosure.PersonalView{}
	}
	chain := s.ancestors(ctx, a)
	var roles []disclosure.Role
	for _, g := range u.Grants {
		if g.AgencyID != nil && slices.Contains(chain, *g.AgencyID) {
			roles = append(roles, g.Role)
		}
	}
	return disclosure.ViewFor(roles...)
}

// caseActor is the casework actor of an account for an agency's case.
func caseActor(u *disclosure.User, who casework.Who) casework.Actor {
	return casework.Actor{Who: who, UserID: &u.ID, Name: u.DisplayName}
}

// caseAgencies returns the IDs of the agencies whose cases the account may read (its roles' subtrees).
func (s *Server) caseAgencies(r *http.Request, u *disclosure.User) ([]int64, error) {
	ids := []int64{}
	seen := map[int64]bool{}
	for _, g := range u.Grants {
		if g.AgencyID == nil || (g.Role != disclosure.Officer && g.Role != disclosure.Approver && g.Role != disclosure.Supervisor) {
			continue
		}
		sub, err := s.db.ListAgencies(r.Context(), g.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, a := range sub {
			if !seen[a.ID] {
				seen[a.ID] = true
				ids = append(ids, a.ID)
			}
		}
	}
	return ids, nil
}

// clientKey is the address a rate limit counts: the client's address as the audit trail records it (clientAddr,
// which believes a trusted proxy's X-Forwarded-For and nothing else's).
func clientKey(r *http.Request) string { return clientAddr(r) }

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
