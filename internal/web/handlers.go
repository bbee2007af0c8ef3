package web

import (
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/sheet"
	"github.com/gongkai/gongkai/internal/store"
)

type ctxKey struct{}

// currentUser returns the signed-in account, loaded once per request.
func (s *Server) currentUser(r *http.Request) *disclosure.User {
	if u, ok := r.Context().Value(ctxKey{}).(*disclosure.User); ok {
		return u
	}
	// Public pages: staff who are signed in still see their name and the sign-out button.
	return s.loadUser(r)
}

func (s *Server) loadUser(r *http.Request) *disclosure.User {
	name := s.sessions.GetString(r.Context(), "user")
	if name == "" {
		return nil
	}
	u, err := s.db.GetUserByUsername(r.Context(), name)
	// A session made before the account's password last changed is over (the session epoch moved on).
	if err != nil || u.Disabled || s.sessions.GetInt64(r.Context(), "epoch") != u.SessionEpoch {
		return nil
	}
	return u
}

// allowed reports whether u holds perm.
func allowed(u *disclosure.User, perm Permission) bool {
	if u == nil {
		return false
	}
	if perm == Staff {
		return true
	}
	for _, g := range u.Grants {
		for _, r := range grants[perm] {
			if g.Role == r {
				return true
			}
		}
	}
	return false
}

// require lets a request through only for a signed-in account holding perm; others are sent to sign in (403 when
// signed in without the permission).
func (s *Server) require(perm Permission, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.loadUser(r)
		if u == nil {
			http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, u))
		// An initial or reset password must be replaced before anything else.
		if u.MustChangePassword && r.URL.Path != "/console/password" && r.URL.Path != "/console/logout" {
			http.Redirect(w, r, "/console/password", http.StatusSeeOther)
			return
		}
		if !allowed(u, perm) {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if _, _, err := s.db.SchemaVersion(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	w.Write([]byte(`{"status":"ok"}`))
}

type region struct {
	Agency   *disclosure.Agency
	Children []*disclosure.Agency
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	all, err := s.db.ListAgencies(r.Context(), nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var regions []region
	for _, a := range all {
		if a.ParentID == nil {
			reg := region{Agency: a}
			for _, c := range all {
				if c.ParentID != nil && *c.ParentID == a.ID {
					reg.Children = append(reg.Children, c)
				}
			}
			regions = append(regions, reg)
		}
	}
	data := map[string]any{"Regions": regions}
	s.addHomeLists(r, data)
	s.render(w, r, http.StatusOK, "home", "政府信息公开", data)
}

func (s *Server) agencyFromPath(w http.ResponseWriter, r *http.Request) (*disclosure.Agency, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	a, err := s.db.GetAgency(r.Context(), id)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return a, true
}

func (s *Server) agency(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	sub, err := s.db.ListAgencies(r.Context(), &a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var children []*disclosure.Agency
	for _, c := range sub {
		if c.ParentID != nil && *c.ParentID == a.ID {
			children = append(children, c)
		}
	}
	var path []*disclosure.Agency
	for p := a.ParentID; p != nil && len(path) < 10; {
		pa, err := s.db.GetAgency(r.Context(), *p)
		if err != nil {
			break
		}
		path = append([]*disclosure.Agency{pa}, path...)
		p = pa.ParentID
	}
	all, err := s.db.ListAnnualReports(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Drafts and reports under review never appear in the portal.
	reports := slices.DeleteFunc(all, func(rep disclosure.AnnualReport) bool { return rep.Status != disclosure.AnnualPublished })
	data := map[string]any{"Agency": a, "Children": children, "Path": path, "Reports": reports}
	s.addAgencyLists(r, data, a)
	s.addRules(r, data, a)
	s.render(w, r, http.StatusOK, "agency", a.Name, data)
}

// prefs remembers 关怀版 and 字号 for a year and goes back to the page.
func (s *Server) prefs(w http.ResponseWriter, r *http.Request) {
	set := func(name, value string) {
		http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: s.cfg.SecureCookies})
	}
	if v := r.URL.Query().Get("care"); v == "0" || v == "1" {
		set("care", v)
	}
	for _, sz := range sizes {
		if r.URL.Query().Get("size") == sz.Key {
			set("size", sz.Key)
		}
	}
	http.Redirect(w, r, safeBack(r.URL.Query().Get("back")), http.StatusSeeOther)
}

type loginData struct{ Username, Error string }

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if u := s.loadUser(r); u != nil {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "工作人员登录", loginData{})
}

// beijing is the time zone of the sign-in messages, which say 北京时间 whatever the server's zone.
var beijing = time.FixedZone("CST", 8*3600)

// beijingTime says when a lock ends, as 15:04, or 1月2日 15:04 when that is not today.
func beijingTime(t, now time.Time) string {
	t, now = t.In(beijing), now.In(beijing)
	if t.YearDay() != now.YearDay() || t.Year() != now.Year() {
		return t.Format("1月2日 15:04")
	}
	return t.Format("15:04")
}

// lockedMessage is shown for a locked account and, alike, for a user name that is no account once its guesses
// would have locked one: the answer never tells whether a name exists.
func lockedMessage(until, now time.Time) string {
	return "登录失败次数过多，账号已暂时锁定，请于 " + beijingTime(until, now) + "（北京时间）后再试或联系安全管理员"
}

// retryAfter is the Retry-After header's value for a wait until t: whole seconds, at least 1.
func retryAfter(t, now time.Time) string {
	return strconv.Itoa(max(1, int(math.Ceil(t.Sub(now).Seconds()))))
}

// login signs a staff account in. In order: the client address's failures across accounts (429 beyond
// Config.AddressLimit), the account's lock, a slot for the password check (503 with Retry-After when none comes
// free within Config.HashWait), the password (argon2id), the second factor (each time step once), and, atomically
// with recording the success, the lock once more: a failure counted meanwhile by a concurrent request wins. Every
// failure is counted in one statement in the database (store.RecordSignInFailure), so parallel guesses lock the
// account as sequential ones do. A user name that is no account (or a disabled one) gets the same answers, the
// same lock and the same timing (hashGate), so that the form does not reveal which names exist.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	// No account has a longer name or one that is not UTF-8 (PostgreSQL would refuse it as a parameter); names
	// that are no account are kept for their lockout, so they are kept short.
	if username = strings.ToValidUTF8(username, ""); utf8.RuneCountInString(username) > 64 {
		username = string([]rune(username)[:64])
	}
	fail := func(status int, msg string) {
		s.render(w, r, status, "login", "工作人员登录", loginData{Username: username, Error: msg})
	}
	const wrong = "用户名或密码不正确"
	now := s.now()
	var attempt store.AddressAttempt
	if s.cfg.AddressLimit > 0 {
		a, ok, until, err := s.db.TakeAddressAttempt(ctx, clientAddr(r), s.cfg.AddressLimit, s.cfg.AddressWindow)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("Retry-After", retryAfter(until, now))
			fail(http.StatusTooManyRequests, "本机所在网络登录失败次数过多，请于 "+beijingTime(until, now)+"（北京时间）后再试")
			return
		}
		attempt = a
	}
	// giveBack returns the address's attempt when it was no failure: a success, or a sign-in turned away as busy.
	giveBack := func() {
		if s.cfg.AddressLimit > 0 {
			if err := s.db.ReturnAddressAttempt(context.WithoutCancel(ctx), attempt); err != nil {
				s.log.Error("sign-in attempt not returned", "err", err)
			}
		}
	}
	busy := func() {
		giveBack()
		w.Header().Set("Retry-After", "5")
		fail(http.StatusServiceUnavailable, "登录请求较多，系统正在处理，请稍候几秒再试")
	}
	rule := s.cfg.Lockout.Rule()
	u, err := s.db.GetUserByUsername(ctx, username)
	if err != nil && disclosure.ErrorCode(err) != disclosure.ENotFound {
		s.serverError(w, r, err)
		return
	}
	if err != nil || u.Disabled {
		until, err := s.db.UnknownSignInLock(ctx, username)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if until != nil {
			fail(http.StatusUnauthorized, lockedMessage(*until, now))
			return
		}
		if !s.hashes.acquire(ctx) {
			busy()
			return
		}
		// Locked while this request waited for its turn: answered at once, as for an account.
		if until, err := s.db.UnknownSignInLock(ctx, username); err != nil || until != nil {
			s.hashes.release()
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			fail(http.StatusUnauthorized, lockedMessage(*until, now))
			return
		}
		s.imitateVerify(password)
		s.hashes.release()
		f, err := s.db.RecordUnknownSignInFailure(ctx, username, rule)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if f.LockedUntil != nil {
			fail(http.StatusUnauthorized, lockedMessage(*f.LockedUntil, now))
			return
		}
		fail(http.StatusUnauthorized, wrong)
		return
	}
	actor := actorOf(u, r)
	if auth.Locked(u.LockedUntil, now) {
		fail(http.StatusUnauthorized, lockedMessage(*u.LockedUntil, now))
		return
	}
	// failed counts the failure and answers msg, or the lock when this failure (or a concurrent one) set it.
	failed := func(msg string) {
		f, err := s.db.RecordSignInFailure(ctx, actor, u.ID, rule)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if f.LockedUntil != nil {
			msg = lockedMessage(*f.LockedUntil, now)
		}
		fail(http.StatusUnauthorized, msg)
	}
	if !s.hashes.acquire(ctx) {
		busy()
		return
	}
	// Requests queued behind the failure that locked the account do not hash for nothing.
	if until, err := s.db.SignInLock(ctx, u.ID); err != nil || until != nil {
		s.hashes.release()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		fail(http.StatusUnauthorized, lockedMessage(*until, now))
		return
	}
	started := time.Now()
	ok, _, err := auth.VerifyPassword(u.PasswordHash, password, s.cfg.PasswordParams)
	s.hashes.observe(time.Since(started))
	s.hashes.release()
	if err != nil || !ok {
		failed(wrong)
		return
	}
	// The second factor: required for the three system roles, checked for every account that has one.
	if u.TOTPSecret == "" && u.HasSystemRole() {
		fail(http.StatusUnauthorized, "系统管理员、安全管理员、审计管理员须先启用动态验证码，请安全管理员执行 gongkai user totp --username "+u.Username)
		return
	}
	if u.TOTPSecret != "" {
		step, ok := auth.MatchTOTP(u.TOTPSecret, r.PostFormValue("code"), now, 1)
		if !ok {
			failed("动态验证码不正确，请输入验证器应用中当前显示的 6 位数字")
			return
		}
		fresh, err := s.db.UseTOTPStep(ctx, u.ID, step)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !fresh {
			failed("该动态验证码已经用过，请等验证器应用显示新的 6 位数字后再输入")
			return
		}
	}
	until, err := s.db.RecordSignIn(ctx, actor, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if until != nil {
		fail(http.StatusUnauthorized, lockedMessage(*until, now))
		return
	}
	giveBack()
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(ctx, "user", u.Username)
	s.sessions.Put(ctx, "epoch", u.SessionEpoch)
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

// imitateVerify spends, for a user name that is no account, the time a real password check takes, holding the
// caller's hashGate slot but not argon2id's memory: it sleeps for a recently measured verification time. Until
// one was measured, it verifies against a dummy hash once (inside the slot, so still bounded) and measures that.
func (s *Server) imitateVerify(password string) {
	if d, ok := s.hashes.sample(); ok {
		time.Sleep(d)
		return
	}
	started := time.Now()
	auth.VerifyPassword(s.dummyHash(), password, s.cfg.PasswordParams)
	s.hashes.observe(time.Since(started))
}

// dummyHash is verified against to measure a verification before a real one was; made once, on first need.
func (s *Server) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = auth.HashPassword("gongkai-dummy-password", s.cfg.PasswordParams) })
	return s.dummy
}

// actorOf is who a web request acts as, for the audit trail: the account, its roles and the client's address.
func actorOf(u *disclosure.User, r *http.Request) disclosure.Actor {
	var roles []string
	for _, g := range u.Grants {
		roles = append(roles, string(g.Role))
	}
	return disclosure.Actor{UserID: &u.ID, Name: u.DisplayName, Role: strings.Join(roles, ","), RemoteAddr: clientAddr(r)}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type link struct{ Href, Name string }

func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	var roles []string
	for _, g := range u.Grants {
		roles = append(roles, disclosure.RoleNames[g.Role])
	}
	var links []link
	if allowed(u, ViewAgencies) {
		links = append(links, link{"/console/agencies", "单位"})
	}
	if allowed(u, ViewUsers) {
		links = append(links, link{"/console/users", "账号"})
	}
	if allowed(u, ViewSettings) {
		links = append(links, link{"/console/settings", "单位设置"})
	}
	if allowed(u, ViewAudit) {
		links = append(links, link{"/console/audit", "审计记录"})
	}
	if allowed(u, ViewCases) {
		links = append([]link{{"/console/cases", "依申请公开"}, {"/console/casereport", "年度报告第三、四部分"}}, links...)
	}
	if allowed(u, ViewAnnual) {
		links = append([]link{{"/console/annual", "政府信息公开工作年度报告"}}, links...)
	}
	if allowed(u, ViewSupervision) {
		links = append([]link{{"/console/supervision", "政务公开监督"}}, links...)
	}
	if allowed(u, ViewItems) {
		links = append([]link{{"/console/items", "主动公开"}}, links...)
	}
	if allowed(u, EditTemplates) {
		links = append(links, link{"/console/templates", "告知书模板"})
	}
	if allowed(u, ViewItems) {
		links = append(links, link{"/console/guide", "公开指南和制度"})
	}
	if allowed(u, ManageWebhooks) {
		links = append(links, link{"/console/webhooks", "事件推送"})
	}
	links = append(links, link{"/console/calendar", "节假日安排"}, link{"/console/password", "修改密码"})
	all, err := s.db.ListAgencies(r.Context(), nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	groups, err := s.dashboard(r, u, all)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := map[string]any{"Roles": roles, "Links": links, "Agencies": len(all), "Groups": groups}
	s.render(w, r, http.StatusOK, "console", "工作台", data)
}

// visibleAgencies returns the agencies the account may see in the console: all of them for the system roles, else
// the subtrees of the agencies its roles are held for (a supervisor's region, an officer's bureau and its units).
func (s *Server) visibleAgencies(r *http.Request, u *disclosure.User) ([]*disclosure.Agency, bool, error) {
	if u.HasSystemRole() {
		all, err := s.db.ListAgencies(r.Context(), nil)
		return all, true, err
	}
	seen := map[int64]bool{}
	var out []*disclosure.Agency
	for _, g := range u.Grants {
		if g.AgencyID == nil {
			continue
		}
		sub, err := s.db.ListAgencies(r.Context(), g.AgencyID)
		if err != nil {
			return nil, false, err
		}
		for _, a := range sub {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	return out, false, nil
}

func (s *Server) consoleAgencies(w http.ResponseWriter, r *http.Request) {
	list, _, err := s.visibleAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "agencies", "单位", map[string]any{"Agencies": list, "Kinds": disclosure.AgencyKindNames})
}

type userRow struct {
	User  *disclosure.User
	Roles string
}

func (s *Server) consoleUsers(w http.ResponseWriter, r *http.Request) {
	visible, all, err := s.visibleAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	in := map[int64]bool{}
	for _, a := range visible {
		in[a.ID] = true
	}
	users, err := s.db.ListUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []userRow
	for _, u := range users {
		var roles []string
		show := all
		for _, g := range u.Grants {
			name := disclosure.RoleNames[g.Role]
			if g.AgencyID != nil {
				show = show || in[*g.AgencyID]
				name += "（单位 " + strconv.FormatInt(*g.AgencyID, 10) + "）"
			}
			roles = append(roles, name)
		}
		if show {
			rows = append(rows, userRow{User: u, Roles: strings.Join(roles, "、")})
		}
	}
	s.render(w, r, http.StatusOK, "users", "账号", map[string]any{"Users": rows, "All": all})
}

type settingsRow struct {
	Agency  *disclosure.Agency
	Example string
}

func (s *Server) consoleSettings(w http.ResponseWriter, r *http.Request) {
	form := newSiteForm(s.siteSettings(r.Context()), nil)
	form.Saved, form.Can = r.URL.Query().Get("saved") == "1", allowed(s.currentUser(r), EditSite)
	s.settingsPage(w, r, http.StatusOK, form)
}

// settingsPage shows the agencies' settings and the website's footer particulars (editable by the system
// administrator).
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, status int, site siteForm) {
	visible, _, err := s.visibleAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []settingsRow
	for _, a := range visible {
		ex, _ := disclosure.FormatIndex(a.Settings.IndexFormat, a.USCC, a.DivisionCode, s.now().Year(), 1)
		rows = append(rows, settingsRow{Agency: a, Example: ex})
	}
	s.render(w, r, status, "settings", "单位设置", map[string]any{"Rows": rows, "Site": site})
}

func (s *Server) consoleAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := store.AuditFilter{ObjectType: q.Get("object_type"), Action: q.Get("action"), Limit: 200}
	if q.Get("format") == "csv" {
		s.exportAudit(w, r, filter)
		return
	}
	entries, err := s.db.ListAudit(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	res, err := s.verifyAudit(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	export := "/console/audit?" + url.Values{"object_type": {filter.ObjectType}, "action": {filter.Action}, "format": {"csv"}}.Encode()
	types := []struct{ Value, Name string }{{"agency", "单位"}, {"user", "账号"}, {"api_token", "API 令牌"}, {"annual_report", "年度报告"}, {"audit_log", "审计记录"}}
	s.render(w, r, http.StatusOK, "audit", "审计记录", map[string]any{"Entries": entries, "Verify": res, "Filter": filter, "Export": export, "Types": types})
}

// verifyAudit checks the audit trail, against the checkpoint file when there is one. A checkpoint file that cannot
// be read is reported as the check's problem: a damaged file proves nothing.
func (s *Server) verifyAudit(ctx context.Context) (store.VerifyResult, error) {
	var cps []disclosure.AuditCheckpoint
	if path := s.cfg.AuditCheckpointFile; path != "" {
		if _, err := os.Stat(path); err == nil {
			if cps, err = store.ReadAuditCheckpoints(path); err != nil {
				return store.VerifyResult{Problem: disclosure.ErrorMessage(err)}, nil
			}
		}
	}
	return s.db.VerifyAuditCheckpoints(ctx, cps)
}

// exportAudit sends the selected audit rows as CSV, hashes included, so that an export can be checked outside
// gongkai. Exporting is itself audited. Applicants' personal data in the rows is masked as the masking policy
// has it for the auditor (auditView), and every cell that a spreadsheet could take for a formula (a name typed as
// =HYPERLINK(…)) starts with an apostrophe (sheet.SafeCell): whoever checks the hashes strips it first.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request, filter store.AuditFilter) {
	if err := s.db.RecordEvent(r.Context(), actorOf(s.currentUser(r), r), "audit.export", "audit_log", filter.ObjectType+"|"+filter.Action); err != nil {
		s.serverError(w, r, err)
		return
	}
	view := auditView(s.currentUser(r))
	attachmentHeaders(w, "审计记录.csv", "text/csv; charset=utf-8", privateFile)
	w.Write([]byte("\xEF\xBB\xBF")) // lets Excel and WPS read the UTF-8
	cw := csv.NewWriter(w)
	cw.Write([]string{"序号", "时间", "操作人编号", "操作人", "角色", "地址", "操作", "对象类型", "对象编号", "变更前", "变更后", "前一哈希", "哈希"})
	filter.Limit = 1000
	for filter.Offset = 0; ; filter.Offset += filter.Limit {
		entries, err := s.db.ListAudit(r.Context(), filter)
		if err != nil {
			s.log.Error("audit export", "err", err)
			return
		}
		for _, e := range entries {
			e = maskAuditEntry(view, e)
			actor := ""
			if e.ActorID != nil {
				actor = strconv.FormatInt(*e.ActorID, 10)
			}
			row := []string{strconv.FormatInt(e.Seq, 10), e.At.Format(time.RFC3339Nano), actor, e.ActorName, e.Role, e.RemoteAddr, e.Action,
				e.ObjectType, e.ObjectID, string(e.Before), string(e.After), e.PrevHash, e.Hash}
			for i := range row {
				row[i] = sheet.SafeCell(row[i])
			}
			cw.Write(row)
		}
		if len(entries) < filter.Limit {
			break
		}
	}
	cw.Flush()
}

type passwordData struct{ Error string }

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", "修改密码", passwordData{})
}

// changePassword replaces the signed-in account's password after checking the current one and the policy, renews
// the session token and ends every other session of the account.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	fail := func(msg string) {
		s.render(w, r, http.StatusUnprocessableEntity, "password", "修改密码", passwordData{Error: msg})
	}
	cur, next := r.PostFormValue("current"), r.PostFormValue("new")
	// A wrong current password counts as a failed sign-in and a locked account cannot change its password, so
	// that a stolen session cannot guess the password here without the lockout.
	now := s.now()
	if auth.Locked(u.LockedUntil, now) {
		fail(lockedMessage(*u.LockedUntil, now))
		return
	}
	if !s.hashes.acquire(r.Context()) {
		w.Header().Set("Retry-After", "5")
		s.render(w, r, http.StatusServiceUnavailable, "password", "修改密码", passwordData{Error: "系统繁忙，请稍候几秒再试"})
		return
	}
	ok, _, err := auth.VerifyPassword(u.PasswordHash, cur, s.cfg.PasswordParams)
	s.hashes.release()
	if err != nil || !ok {
		f, err := s.db.RecordSignInFailure(r.Context(), actorOf(u, r), u.ID, s.cfg.Lockout.Rule())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if f.LockedUntil != nil {
			fail(lockedMessage(*f.LockedUntil, now))
			return
		}
		fail("当前密码不正确")
		return
	}
	if next != r.PostFormValue("confirm") {
		fail("两次输入的新密码不一致")
		return
	}
	if next == cur {
		fail("新密码不能与当前密码相同")
		return
	}
	if err := auth.CheckPasswordStrength(next, u.Username); err != nil {
		fail(disclosure.ErrorMessage(err))
		return
	}
	hash, err := auth.HashPassword(next, s.cfg.PasswordParams)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	actor := actorOf(u, r)
	if err := s.db.SetPassword(r.Context(), actor, u.ID, hash, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	// The new password ends every other session of the account; this one carries on in the new epoch.
	after, err := s.db.GetUser(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "epoch", after.SessionEpoch)
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

// auditView is how much of applicants' personal data an account sees in the audit trail: the masking policy of its
// installation-wide roles. The auditor sees that a case changed and who changed it, with the applicant's identity
// number, phone, e-mail and address masked.
func auditView(u *disclosure.User) disclosure.PersonalView {
	var roles []disclosure.Role
	if u != nil {
		for _, g := range u.Grants {
			if g.AgencyID == nil {
				roles = append(roles, g.Role)
			}
		}
	}
	return disclosure.ViewFor(roles...)
}

// maskAuditEntry returns e with the applicants in its before and after as the view shows them. The rows are
// masked when they are read, not when they were written, so the hash chain in the database still verifies; a
// row whose data changed here no longer matches its hash outside gongkai, and audit verify is where the chain is
// proved.
func maskAuditEntry(v disclosure.PersonalView, e disclosure.AuditEntry) disclosure.AuditEntry {
	e.Before = v.ApplicantJSON(e.Before)
	e.After = v.ApplicantJSON(e.After)
	return e
}
