package web

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
)

// The applicant follows a case with its 查询码 and the secret from the receipt. A correct pair is remembered in the
// visitor's session, so the pages of the case need not ask again; nothing else identifies the applicant.

const trackKey = "track"

func (s *Server) allowTrack(ctx context.Context, code string) {
	codes := strings.Fields(s.sessions.GetString(ctx, trackKey))
	if !slices.Contains(codes, code) {
		codes = append(codes, code)
	}
	if len(codes) > 20 {
		codes = codes[len(codes)-20:]
	}
	s.sessions.Put(ctx, trackKey, strings.Join(codes, " "))
}

func (s *Server) tracked(ctx context.Context, code string) bool {
	return slices.Contains(strings.Fields(s.sessions.GetString(ctx, trackKey)), code)
}

type trackForm struct {
	Code, Error string
	// FormProblems are the problems of single fields, each shown next to its field.
	FormProblems
}

// trackForm shows the status lookup: 查询码 and query password.
func (s *Server) trackFormPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "track", "申请办理进度查询", trackForm{Code: r.URL.Query().Get("code")})
}

// trackBodyLimit bounds the body of the status lookup and of the applicant's steps: their fields are short (a
// correction note has at most 4,000 characters), so anything larger is refused before it is read into memory or,
// as a multipart file, spilled to disk.
const trackBodyLimit = 64 << 10

// readSmallForm parses a form body of at most limit bytes, and reports why not: errBodyTooLarge, or another error
// for a body that is no form.
func readSmallForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	// Not ParseMultipartForm for every body: for a urlencoded one it drops ParseForm's error.
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errBodyTooLarge
	}
	return err
}

var errBodyTooLarge = errors.New("request body too large")

// trackLookup checks a 查询码 and its password (rate-limited per client before anything is read, the same answer
// for a wrong code and a wrong password) and opens the case's status page.
func (s *Server) trackLookup(w http.ResponseWriter, r *http.Request) {
	code := ""
	fail := func(status int, msg string) {
		s.render(w, r, status, "track", "申请办理进度查询", trackForm{Code: code, Error: msg})
	}
	if !s.limits.allow(r.Context(), s.limits.track, limitKey(clientKey(r)), s.now()) {
		fail(http.StatusTooManyRequests, "查询次数过多，请一分钟后再试")
		return
	}
	switch err := readSmallForm(w, r, trackBodyLimit); {
	case errors.Is(err, errBodyTooLarge):
		fail(http.StatusRequestEntityTooLarge, "提交的内容过大，请只填写查询码和查询密码")
		return
	case err != nil:
		fail(http.StatusBadRequest, "提交的内容无法识别，请刷新页面后重新填写")
		return
	}
	code = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "　", "").Replace(r.PostFormValue("code")))
	if code == "" || r.PostFormValue("secret") == "" {
		f := trackForm{Code: code}
		if code == "" {
			f.FormProblems = append(f.FormProblems, fieldProblem{"code", "请填写查询码（12 位，见提交申请后的回执）"})
		}
		if r.PostFormValue("secret") == "" {
			f.FormProblems = append(f.FormProblems, fieldProblem{"secret", "请填写查询密码（10 位，见提交申请后的回执）"})
		}
		s.render(w, r, http.StatusUnprocessableEntity, "track", "错误：申请办理进度查询", f)
		return
	}
	c, err := s.db.GetCaseByCode(r.Context(), code)
	if err != nil && disclosure.ErrorCode(err) != disclosure.ENotFound {
		s.serverError(w, r, err)
		return
	}
	if err != nil || !secretMatches(r.PostFormValue("secret"), c.SecretHash) {
		fail(http.StatusUnauthorized, "查询码或查询密码不正确，请核对回执上的信息（字母不区分大小写）")
		return
	}
	s.allowTrack(r.Context(), c.QueryCode)
	http.Redirect(w, r, "/track/"+c.QueryCode, http.StatusSeeOther)
}

// trackedCase loads the case of the path for its applicant, or sends them to the lookup.
func (s *Server) trackedCase(w http.ResponseWriter, r *http.Request) (*disclosure.Case, bool) {
	code := r.PathValue("code")
	if !s.tracked(r.Context(), code) {
		http.Redirect(w, r, "/track?"+url.Values{"code": {code}}.Encode(), http.StatusSeeOther)
		return nil, false
	}
	c, err := s.db.GetCaseByCode(r.Context(), code)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return c, true
}

// trackCase is the applicant's status page: every public step, the deadline, the notices to download, and the
// online correction and withdrawal when they are possible.
func (s *Server) trackCase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.trackedCase(w, r)
	if !ok {
		return
	}
	s.renderTrackCase(w, r, c, http.StatusOK, "")
}

func (s *Server) renderTrackCase(w http.ResponseWriter, r *http.Request, c *disclosure.Case, status int, msg string) {
	a, err := s.db.GetAgency(r.Context(), c.AgencyID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	events, err := s.db.CaseEvents(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notices, err := s.db.CaseNotices(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notices = slices.DeleteFunc(notices, func(n disclosure.Notice) bool { return !n.Public })
	files, err := s.db.CaseFiles(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	files = slices.DeleteFunc(files, func(f disclosure.CaseFile) bool { return !f.Public })
	cal := s.calendar(r.Context())
	dl := casework.ComputeDeadline(cal, a.Settings, c.Clock, s.today())
	allowed := map[string]bool{}
	for _, t := range casework.Allowed(c, a.Settings, casework.ByApplicant) {
		allowed[string(t.Action)] = true
	}
	s.render(w, r, status, "track_case", "申请办理进度", map[string]any{
		"Agency": a, "Case": c, "Events": casework.ApplicantView(events), "Notices": notices, "Files": files, "Deadline": dl,
		"Remaining": dl.Remaining(cal, s.today()), "Allowed": allowed, "Error": msg, "Loc": s.cfg.Location,
	})
}

// trackFix submits the applicant's online correction (在线补正).
func (s *Server) trackFix(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	s.trackStep(casework.SubmitFix)(w, r)
}

// trackWithdraw withdraws the application at the applicant's request (申请撤回).
func (s *Server) trackWithdraw(w http.ResponseWriter, r *http.Request) {
	s.trackStep(casework.Withdraw)(w, r)
}

// trackStep applies the applicant's own step (online correction or withdrawal) to the case.
func (s *Server) trackStep(action casework.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.trackedCase(w, r)
		if !ok {
			return
		}
		switch err := readSmallForm(w, r, trackBodyLimit); {
		case errors.Is(err, errBodyTooLarge):
			s.renderTrackCase(w, r, c, http.StatusRequestEntityTooLarge, "提交的内容过大：补正说明请不超过 4000 字")
			return
		case err != nil:
			s.renderTrackCase(w, r, c, http.StatusBadRequest, "提交的内容无法识别，请刷新页面后重新填写")
			return
		}
		a, err := s.db.GetAgency(r.Context(), c.AgencyID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if action == casework.Withdraw && r.PostFormValue("confirm") == "" {
			s.renderTrackCase(w, r, c, http.StatusUnprocessableEntity, "请勾选“确认撤回”后再提交")
			return
		}
		env, err := s.caseEnv(r, a)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		cmd := casework.Command{Action: action, Actor: casework.Actor{Who: casework.ByApplicant, Name: c.Applicant.Name}, Today: s.today(), Now: s.now(),
			Note: r.PostFormValue("note"), Version: atoiOr(r.PostFormValue("version"), 0)}
		actor := disclosure.Actor{Name: c.Applicant.Name, Role: "applicant", RemoteAddr: clientAddr(r)}
		if _, err := s.db.UpdateCase(r.Context(), actor, c.ID, casework.Step(cmd, env)); err != nil {
			if disclosure.ErrorCode(err) == disclosure.EInternal {
				s.serverError(w, r, err)
				return
			}
			fresh, gerr := s.db.GetCase(r.Context(), c.ID)
			if gerr != nil {
				s.serverError(w, r, gerr)
				return
			}
			s.renderTrackCase(w, r, fresh, http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
			return
		}
		http.Redirect(w, r, "/track/"+c.QueryCode, http.StatusSeeOther)
	}
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e8 {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// trackNotice sends one of the case's public notices as PDF or Word.
func (s *Server) trackNotice(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.trackedCase(w, r); ok {
		s.serveCaseNotice(w, r, c, true)
	}
}

// trackFile sends a file the agency provided to the applicant (the information disclosed, as a scan or export).
func (s *Server) trackFile(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.trackedCase(w, r); ok {
		s.serveCaseFile(w, r, c, true, false)
	}
}
