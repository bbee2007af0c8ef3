package web

import (
	"net/http"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Permission names what a console route needs.
type Permission string

const (
	// Public pages need nothing.
	Public Permission = ""
	// Staff is any signed-in account.
	Staff Permission = "staff"
	// ViewAgencies is reading the agency list in the console.
	ViewAgencies Permission = "agencies.view"
	// ViewAudit is reading the audit trail: the auditor's alone (三员分立).
	ViewAudit Permission = "audit.view"
	// ViewUsers is reading the accounts in the console.
	ViewUsers Permission = "users.view"
	// ViewSettings is reading the agencies' settings.
	ViewSettings Permission = "settings.view"
)

// grants says which roles hold each console permission beyond Staff. It is the one declared table the access
// matrix test checks every route against.
var grants = map[Permission][]disclosure.Role{
	ViewAgencies: {disclosure.SysAdmin, disclosure.SecAdmin, disclosure.AgencyAdmin, disclosure.Supervisor, disclosure.Officer, disclosure.Reviewer, disclosure.Approver},
	ViewAudit:    {disclosure.Auditor},
	ViewUsers:    {disclosure.SysAdmin, disclosure.SecAdmin, disclosure.AgencyAdmin},
	ViewSettings: {disclosure.SysAdmin, disclosure.AgencyAdmin, disclosure.Supervisor},
}

// Route is one entry of the URL map.
type Route struct {
	Pattern    string
	Permission Permission
	handler    func(s *Server, w http.ResponseWriter, r *http.Request)
	// Cached marks a public page served to anonymous visitors from the page cache.
	Cached bool
}

// Routes is the whole URL map.
var Routes = []Route{
	{"GET /healthz", Public, (*Server).healthz, false},
	{"GET /{$}", Public, (*Server).home, true},
	{"GET /agencies/{id}/{$}", Public, (*Server).agency, true},
	{"GET /agencies/{id}/guide", Public, (*Server).guide, true},
	{"GET /agencies/{id}/reports/{year}", Public, (*Server).annualReport, true},
	{"GET /agencies/{id}/reports/{year}/download/{format}", Public, (*Server).annualReportFile, false},
	{"GET /static/report.css", Public, (*Server).reportCSS, false},
	{"GET /prefs", Public, (*Server).prefs, false},
	{"GET /console/login", Public, (*Server).loginForm, false},
	{"POST /console/login", Public, (*Server).login, false},
	{"POST /console/logout", Staff, (*Server).logout, false},
	{"GET /console/{$}", Staff, (*Server).console, false},
	{"GET /console/password", Staff, (*Server).passwordForm, false},
	{"POST /console/password", Staff, (*Server).changePassword, false},
	{"GET /console/agencies", ViewAgencies, (*Server).consoleAgencies, false},
	{"GET /console/audit", ViewAudit, (*Server).consoleAudit, false},
	{"GET /console/users", ViewUsers, (*Server).consoleUsers, false},
	{"GET /console/settings", ViewSettings, (*Server).consoleSettings, false},
}

func (s *Server) routes(static http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", static))
	for _, rt := range Routes {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rt.handler(s, w, r) })
		if rt.Permission != Public {
			h = s.require(rt.Permission, h)
		}
		if rt.Cached {
			h = s.cached(h)
		}
		mux.Handle(rt.Pattern, h)
	}
	s.mountAPI(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.errorPage(w, r, http.StatusNotFound) })
	// Cross-origin state-changing requests are refused (Go's CSRF protection), with our own 403 page.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.errorPage(w, r, http.StatusForbidden) }))
	return secureHeaders(s.sessions.LoadAndSave(csrf.Handler(mux)))
}
