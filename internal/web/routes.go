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
	// ViewCases is reading applications (依申请公开) of the account's agencies; what it may do with a case is
	// decided case by case from its roles for the case's agency (casework's transition table).
	ViewCases Permission = "cases.view"
	// HandleCases is taking steps in cases: officers and approvers.
	HandleCases Permission = "cases.handle"
	// IntakeCases is entering applications that arrived by letter, in person, by fax or e-mail, and importing
	// historical cases.
	IntakeCases Permission = "cases.intake"
	// EditTemplates is changing the agency's notice templates.
	EditTemplates Permission = "templates.edit"
	// EditCalendar is entering a year's holiday arrangement.
	EditCalendar Permission = "calendar.edit"
	// ViewAnnual is reading the agency's annual reports in the console (supervisors read, never change).
	ViewAnnual Permission = "annual.view"
	// EditAnnual is writing, submitting, and (approvers) publishing or correcting the annual report; what an
	// account may do is decided per agency from its roles there.
	EditAnnual Permission = "annual.edit"
	// ViewSupervision is the supervising office's (政务公开办) overview of every agency under it: reports, findings,
	// overdue applications, late publications and the region's summary. It reads, never changes; the system roles
	// do not have it, as they do not read disclosure work (三员分立).
	ViewSupervision Permission = "supervision.view"
	// EditSite is changing the website's footer particulars (主办单位, 备案号 …): the system administrator's.
	EditSite Permission = "site.edit"
	// ViewItems is reading the catalogue's items (主动公开) in the console, unpublished ones included; what an account
	// may do with an item is decided item by item from its roles for the item's agency (catalogue's transition
	// table).
	ViewItems Permission = "items.view"
	// EditItems is writing items: drafts, corrections, attachments, bulk 有效性 and periodic review.
	EditItems Permission = "items.edit"
	// StepItems is taking workflow steps on items: submitting and publishing, the secrecy review, approval.
	StepItems Permission = "items.step"
	// ManageWebhooks is registering, stopping and retrying the webhooks (事件推送) that send events to other
	// systems: the system administrator for every agency, an agency administrator for its own.
	ManageWebhooks Permission = "webhooks.manage"
)

// grants says which roles hold each console permission beyond Staff. It is the one declared table the access
// matrix test checks every route against.
var grants = map[Permission][]disclosure.Role{
	ViewAgencies: {disclosure.SysAdmin, disclosure.SecAdmin, disclosure.AgencyAdmin, disclosure.Supervisor, disclosure.Officer, disclosure.Reviewer, disclosure.Approver},
	ViewAudit:    {disclosure.Auditor},
	ViewUsers:    {disclosure.SysAdmin, disclosure.SecAdmin, disclosure.AgencyAdmin},
	ViewSettings: {disclosure.SysAdmin, disclosure.AgencyAdmin, disclosure.Supervisor},
	EditSite:     {disclosure.SysAdmin},
	// The three system roles do not read applicants' cases: they manage the system, not disclosure work.
	ViewCases:     {disclosure.Officer, disclosure.Approver, disclosure.Supervisor},
	HandleCases:   {disclosure.Officer, disclosure.Approver},
	IntakeCases:   {disclosure.Officer},
	EditTemplates: {disclosure.Officer, disclosure.AgencyAdmin},
	EditCalendar:  {disclosure.SysAdmin},
	ViewAnnual:    {disclosure.Officer, disclosure.Approver, disclosure.Supervisor},
	EditAnnual:    {disclosure.Officer, disclosure.Approver},
	// Supervision is the supervising office's alone: an agency's own staff see their agency, not the region.
	ViewSupervision: {disclosure.Supervisor},
	// Officers write and publish, 保密审查员 review, 审批领导 approve where the agency requires it, supervisors read;
	// the system roles and the agency administrator do not see the catalogue's work in progress.
	ViewItems: {disclosure.Officer, disclosure.Reviewer, disclosure.Approver, disclosure.Supervisor},
	EditItems: {disclosure.Officer},
	StepItems: {disclosure.Officer, disclosure.Reviewer, disclosure.Approver},
	// Webhooks connect systems: they are administration, not disclosure work.
	ManageWebhooks: {disclosure.SysAdmin, disclosure.AgencyAdmin},
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
	{"GET /agencies/{id}/guide/application-form.docx", Public, (*Server).applicationFormFile, false},
	{"GET /agencies/{id}/guide/application-form.pdf", Public, (*Server).applicationFormFile, false},
	{"GET /agencies/{id}/reports/{year}", Public, (*Server).annualReport, true},
	{"GET /agencies/{id}/reports/{year}/download/{format}", Public, (*Server).annualReportFile, false},
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
	{"POST /console/settings/site", EditSite, (*Server).siteSave, false},
	{"GET /console/guide", ViewItems, (*Server).consoleGuide, false},

	// 依申请公开: the applicant's side.
	{"GET /agencies/{id}/apply", Public, (*Server).applyFormPage, false},
	{"POST /agencies/{id}/apply", Public, (*Server).apply, false},
	{"GET /track", Public, (*Server).trackFormPage, false},
	{"POST /track", Public, (*Server).trackLookup, false},
	{"GET /track/{code}", Public, (*Server).trackCase, false},
	{"POST /track/{code}/fix", Public, (*Server).trackFix, false},
	{"POST /track/{code}/withdraw", Public, (*Server).trackWithdraw, false},
	{"GET /track/{code}/notices/{nid}/{format}", Public, (*Server).trackNotice, false},
	{"GET /track/{code}/files/{fid}", Public, (*Server).trackFile, false},
	{"GET /deadline", Public, (*Server).deadline, false},

	// 主动公开: the public side (catalogue, item pages, search, feeds, subscriptions).
	{"GET /catalogue", Public, (*Server).regionCatalogue, true},
	{"GET /agencies/{id}/catalogue", Public, (*Server).agencyCatalogue, true},
	// The item page uses the page cache inside its handler, so that views served from the cache are counted too.
	{"GET /items/{id}", Public, (*Server).itemPage, false},
	{"GET /items/{id}/files/{fid}", Public, (*Server).itemFile, false},
	{"GET /items/{id}/qr.png", Public, (*Server).itemQR, false},
	{"GET /search", Public, (*Server).regionSearch, false},
	{"GET /agencies/{id}/search", Public, (*Server).agencySearch, false},
	{"GET /feed.atom", Public, (*Server).regionFeed, false},
	{"GET /agencies/{id}/feed.atom", Public, (*Server).agencyFeed, false},
	{"GET /sitemap.xml", Public, (*Server).sitemap, false},
	{"GET /sitemaps/{name}", Public, (*Server).sitemapPart, false},
	{"GET /robots.txt", Public, (*Server).robots, false},
	{"GET /subscribe", Public, (*Server).subscribeFormPage, false},
	{"POST /subscribe", Public, (*Server).subscribe, false},
	{"GET /subscribe/confirm/{token}", Public, (*Server).confirmPage, false},
	{"POST /subscribe/confirm/{token}", Public, (*Server).confirm, false},
	{"GET /unsubscribe/{token}", Public, (*Server).unsubscribePage, false},
	{"POST /unsubscribe/{token}", Public, (*Server).unsubscribe, false},

	// 依申请公开: the officer's side.
	{"GET /console/cases", ViewCases, (*Server).consoleCases, false},
	{"GET /console/cases/new", IntakeCases, (*Server).caseNewForm, false},
	{"POST /console/cases/new", IntakeCases, (*Server).caseCreate, false},
	{"GET /console/cases/import", IntakeCases, (*Server).caseImportForm, false},
	{"POST /console/cases/import", IntakeCases, (*Server).caseImport, false},
	{"GET /console/cases/import/template", IntakeCases, (*Server).caseImportTemplate, false},
	{"GET /console/cases/{id}", ViewCases, (*Server).consoleCase, false},
	{"POST /console/cases/{id}/step", HandleCases, (*Server).caseStep, false},
	{"GET /console/cases/{id}/notices/{nid}/{format}", ViewCases, (*Server).caseNotice, false},
	{"GET /console/cases/{id}/files/{fid}", ViewCases, (*Server).caseFile, false},
	{"POST /console/cases/{id}/files", HandleCases, (*Server).caseUpload, false},
	{"POST /console/cases/{id}/appeals", HandleCases, (*Server).caseAppeal, false},
	{"GET /console/appeals", ViewCases, (*Server).consoleAppeals, false},
	{"GET /console/casereport", ViewCases, (*Server).consoleCaseReport, false},
	{"GET /console/templates", EditTemplates, (*Server).consoleTemplates, false},
	{"GET /console/templates/{key}", EditTemplates, (*Server).consoleTemplate, false},
	{"POST /console/templates/{key}", EditTemplates, (*Server).templateSave, false},
	{"GET /console/calendar", Staff, (*Server).consoleCalendar, false},
	{"POST /console/calendar", EditCalendar, (*Server).calendarSave, false},

	// 年度报告: assembled from the catalogue and the cases, checked as the officer writes, reviewed, published,
	// then corrected only with a reason; earlier published versions stay readable in the portal.
	{"GET /agencies/{id}/reports/{year}/versions/{version}", Public, (*Server).annualReportVersion, true},
	{"GET /console/annual", ViewAnnual, (*Server).consoleAnnual, false},
	{"GET /console/annual/{agency}/{year}", ViewAnnual, (*Server).consoleAnnualReport, false},
	{"POST /console/annual/{agency}/{year}/save", EditAnnual, (*Server).annualSave, false},
	{"POST /console/annual/{agency}/{year}/check", EditAnnual, (*Server).annualCheck, false},
	{"POST /console/annual/{agency}/{year}/submit", EditAnnual, (*Server).annualSubmit, false},
	{"POST /console/annual/{agency}/{year}/approve", EditAnnual, (*Server).annualApprove, false},
	{"POST /console/annual/{agency}/{year}/return", EditAnnual, (*Server).annualReturn, false},
	{"POST /console/annual/{agency}/{year}/correct", EditAnnual, (*Server).annualCorrect, false},

	// 监督: the supervising office's overview of its region — every agency's report, findings, overdue
	// applications and late publications, the region's summary of sections 二 to 四 (also as XLSX) and its trend.
	{"GET /console/supervision", ViewSupervision, (*Server).consoleSupervision, false},
	{"GET /console/supervision/items", ViewSupervision, (*Server).supervisionItems, false},

	// 主动公开: the console (items, review, publication, periodic review).
	{"GET /console/items", ViewItems, (*Server).consoleItems, false},
	{"POST /console/items/bulk", EditItems, (*Server).itemsBulk, false},
	{"GET /console/items/search", ViewItems, (*Server).consoleItemSearch, false},
	{"GET /console/items/new", EditItems, (*Server).itemNewForm, false},
	{"POST /console/items/new", EditItems, (*Server).itemCreate, false},
	{"POST /console/items/clean", EditItems, (*Server).itemCleanBody, false},
	{"GET /console/items/{item}", ViewItems, (*Server).consoleItem, false},
	{"GET /console/items/{item}/edit", EditItems, (*Server).itemEditForm, false},
	{"POST /console/items/{item}/edit", EditItems, (*Server).itemSave, false},
	{"POST /console/items/{item}/step", StepItems, (*Server).itemStep, false},
	{"POST /console/items/{item}/attachments", EditItems, (*Server).itemUpload, false},
	{"GET /console/items/{item}/attachments/{att}", ViewItems, (*Server).itemAttachment, false},
	{"POST /console/items/{item}/attachments/{att}/remove", EditItems, (*Server).itemRemoveAttachment, false},
	{"POST /console/cases/{id}/item", EditItems, (*Server).caseToItem, false},

	// 事件推送 (webhooks): subscribers, their delivery log, retry and stop.
	{"GET /console/webhooks", ManageWebhooks, (*Server).consoleWebhooks, false},
	{"POST /console/webhooks", ManageWebhooks, (*Server).webhookCreate, false},
	{"POST /console/webhooks/{hook}/disable", ManageWebhooks, (*Server).webhookDisable, false},
	{"POST /console/webhooks/{hook}/deliveries/{delivery}/retry", ManageWebhooks, (*Server).webhookRetry, false},
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
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
	// Static files are answered before sessions, so that they carry no "Vary: Cookie" and touch no session.
	// Cached public pages are answered first of all (fromCache): they need no session, address or router.
	return s.fromCache(s.withClientIP(secureHeaders(s.cfg.SecureCookies, s.staticFirst(s.sessions.LoadAndSave(csrf.Handler(mux))))))
}
