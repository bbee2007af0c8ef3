package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/identity"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// intakeAgencies are the agencies an account may enter applications for: those where it is an officer, with the
// units below them.
func (s *Server) intakeAgencies(r *http.Request, u *disclosure.User) ([]*disclosure.Agency, error) {
	var out []*disclosure.Agency
	seen := map[int64]bool{}
	for _, g := range u.Grants {
		if g.Role != disclosure.Officer || g.AgencyID == nil {
			continue
		}
		sub, err := s.db.ListAgencies(r.Context(), g.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, a := range sub {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	return out, nil
}

type intakeForm struct {
	Form     applyForm
	Agencies []*disclosure.Agency
	Channels []disclosure.ChannelSpec
	Received string
	AgencyID int64
}

// caseNewForm shows the staff intake form for an application that arrived by letter, in person, by fax or e-mail.
func (s *Server) caseNewForm(w http.ResponseWriter, r *http.Request) {
	agencies, err := s.intakeAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	app := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, IDType: string(identity.ResidentID)}}
	s.renderIntake(w, r, http.StatusOK, agencies, app, s.today().String(), 0, "")
}

func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, status int, agencies []*disclosure.Agency, app disclosure.Application, received string, agencyID int64, msg string) {
	var channels []disclosure.ChannelSpec
	for _, c := range disclosure.Channels {
		if c.ID != disclosure.Online && c.ID != disclosure.Transfer {
			channels = append(channels, c)
		}
	}
	f := intakeForm{Form: s.newApplyForm(nil, app), Agencies: agencies, Channels: channels, Received: received, AgencyID: agencyID}
	f.Form.Error = msg
	s.render(w, r, status, "case_new", "登记申请", f)
}

// caseCreate registers an application entered by staff, with the receipt date Art 31 gives for its channel.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	u := s.currentUser(r)
	agencies, err := s.intakeAgencies(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	app, readErr := applicationFromForm(r)
	app.Channel = disclosure.Channel(r.PostFormValue("channel"))
	received := strings.TrimSpace(r.PostFormValue("received_on"))
	agencyID, _ := parseID(r.PostFormValue("agency"))
	fail := func(status int, msg string) { s.renderIntake(w, r, status, agencies, app, received, agencyID, msg) }
	if readErr != nil {
		fail(http.StatusRequestEntityTooLarge, "上传的文件不能超过 5 MB")
		return
	}
	proof, err := uploadedFile(r, "id_proof")
	if err != nil {
		fail(http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
		return
	}
	ch, secret, err := s.intake(r, u, agencies, agencyID, app, received, r.PostFormValue("correction"), nil)
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		fail(http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
		return
	}
	if proof != nil {
		proof.ApplicationID = ch.Case.ID
		if err := s.db.AddCaseFile(r.Context(), actorOf(u, r), proof); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	// The query password is shown once, to be given to the applicant with the 受理回执.
	s.sessions.Put(r.Context(), "case_warnings", "已登记。请将查询码 "+ch.Case.QueryCode+" 和查询密码 "+secret+" 告知申请人（密码只显示这一次），申请人可凭此在线查询办理进度。")
	http.Redirect(w, r, "/console/cases/"+strconv.FormatInt(ch.Case.ID, 10), http.StatusSeeOther)
}

// intake checks and registers an application entered by the account u (an officer) for the agency agencyID, one
// of agencies (those it may enter applications for), received on the date received (2026-03-02), with the receipt
// date Art 31 gives for its channel. The console's intake form and the JSON API both register through it; create,
// when not nil, stores the case in place of CreateCase (the API's idempotent create). It returns the change and
// the query password, which is stored only as its hash.
func (s *Server) intake(r *http.Request, u *disclosure.User, agencies []*disclosure.Agency, agencyID int64, app disclosure.Application, received, correction string,
	create func(build func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, string, error) {
	i := slices.IndexFunc(agencies, func(a *disclosure.Agency) bool { return a.ID == agencyID })
	if i < 0 {
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "请选择受理申请的单位")
	}
	if app.Channel == disclosure.Online || app.Channel == disclosure.Transfer {
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "工作人员登记的申请，申请方式应为邮寄、平常信函、当面、传真或电子邮件")
	}
	d, err := workday.ParseDate(received)
	if err != nil {
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "收到申请的日期格式不正确，应为 2026-03-02")
	}
	app.ReceivedOn = d
	secret := newSecret()
	app.SecretHash = HashSecret(secret)
	app.AssigneeID = &u.ID
	env, err := s.caseEnv(r, agencies[i])
	if err != nil {
		return nil, "", err
	}
	in := casework.Intake{App: app, Actor: caseActor(u, casework.ByOfficer), Today: s.today(), Now: s.now()}
	build := newCaseBuild(in, env, correction)
	if create == nil {
		create = func(build func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, error) {
			return s.db.CreateCase(r.Context(), actorOf(u, r), build)
		}
	}
	ch, err := create(build)
	if err != nil {
		return nil, "", err
	}
	return ch, secret, nil
}
