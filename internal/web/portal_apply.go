package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // ID proofs may be JPEG photos
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/identity"
	"github.com/gongkai/gongkai/internal/store"
)

// maxUpload is the largest ID proof or document a form accepts.
const maxUpload = 5 << 20

// applyForm is the online application form's data: the values to show again after an error, and the choices.
type applyForm struct {
	Agency   *disclosure.Agency
	App      disclosure.Application
	Error    string
	Types    any
	DocTypes []docTypeOption
	Forms    []string
	Delivery []string
	Kind     disclosure.ApplicationKind
	// Token is the form token (formtoken.go) the page carries.
	Token string
}

type docTypeOption struct{ ID, Name string }

func docTypeOptions() []docTypeOption {
	var out []docTypeOption
	for _, t := range identity.DocTypes() {
		out = append(out, docTypeOption{string(t), t.Name()})
	}
	return out
}

func (s *Server) newApplyForm(a *disclosure.Agency, app disclosure.Application) applyForm {
	return applyForm{Agency: a, App: app, Types: disclosure.ApplicantTypes, DocTypes: docTypeOptions(), Forms: disclosure.RequestForms,
		Delivery: disclosure.RequestDelivery, Kind: app.Kind}
}

// Messages of the public forms' checks, shared by the application and the subscription.
const (
	msgFormStale    = "表单已失效（打开超过 2 小时，或不是从本站的表单页面提交）。已为您重新打开表单并保留了填写的内容，请核对后再次提交"
	msgFormTooFast  = "提交过快，请核对填写的内容后再提交"
	msgFormHoneypot = "提交未成功，请刷新页面后重新填写"
	msgFormFailures = "短时间内未成功的提交较多，请 10 分钟后再试；如需帮助，请拨打本单位公开指南所列电话"
)

// applyFormPage shows the online application form (依申请公开在线申请) of an agency, with a fresh form token: when
// the form was shown tells a person (who needs seconds to fill it in) from a script. Nothing is written for the
// visit: the token carries the time, no session does.
func (s *Server) applyFormPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	app := disclosure.Application{Kind: disclosure.DisclosureRequest, Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, IDType: string(identity.ResidentID)}}
	if r.URL.Query().Get("kind") == "correction" {
		app.Kind = disclosure.CorrectionRequest
	}
	form := s.newApplyForm(a, app)
	form.Token = s.issueFormToken("apply")
	s.render(w, r, http.StatusOK, "apply", a.Name+"政府信息公开申请", form)
}

// apply receives an online application: it checks the form token (shown by this site's form, long enough and not
// too long ago), the abuse limits, the form (the identity document and the 统一社会信用代码 are validated) and the
// ID proof, opens the case with its 查询码 and a secret the applicant keeps, and shows the receipt. Nothing is stored
// unless everything is valid. Accepted applications count against the client's limit; rejected ones against a
// separate, more generous one.
func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	now, key := s.now(), limitKey(clientKey(r))
	form := s.newApplyForm(a, disclosure.Application{})
	fail := func(status int, msg string) {
		form.Error = msg
		s.render(w, r, status, "apply", a.Name+"政府信息公开申请", form)
	}
	// Every submission first claims a rejection; an accepted one gives it back.
	strike, ok := s.limits.claim(r.Context(), s.limits.applyFailed, key, now)
	if !ok {
		fail(http.StatusTooManyRequests, msgFormFailures)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	app, fileErr := applicationFromForm(r)
	app.Channel = disclosure.Online
	form = s.newApplyForm(a, app)
	form.Token = r.PostFormValue(formTokenField)
	if fileErr != nil {
		// The body was cut short, perhaps before the token: the form shown again needs one that works.
		if s.checkFormToken("apply", form.Token) == tokenInvalid {
			form.Token = s.issueFormToken("apply")
		}
		fail(http.StatusRequestEntityTooLarge, "提交的内容过大：身份证明文件不能超过 5 MB，请压缩或拍摄较小的照片后重试")
		return
	}
	// A hidden field people never see: only scripts fill it in.
	if r.PostFormValue("website") != "" {
		fail(http.StatusBadRequest, msgFormHoneypot)
		return
	}
	switch s.checkFormToken("apply", form.Token) {
	case tokenInvalid:
		form.Token = s.issueFormToken("apply")
		fail(http.StatusBadRequest, msgFormStale)
		return
	case tokenTooFast:
		fail(http.StatusTooManyRequests, msgFormTooFast)
		return
	}
	accepted, ok := s.limits.claim(r.Context(), s.limits.apply, key, now)
	if !ok {
		strike.giveBack()
		fail(http.StatusTooManyRequests, "您在短时间内提交的申请较多，请几分钟后再提交；如有多项信息需要申请，也可以在一份申请中写明")
		return
	}
	proof, err := uploadedFile(r, "id_proof")
	if err != nil {
		accepted.giveBack()
		fail(http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
		return
	}
	secret := newSecret()
	app.SecretHash = HashSecret(secret)
	env, err := s.caseEnv(r, a)
	if err != nil {
		accepted.giveBack()
		strike.giveBack()
		s.serverError(w, r, err)
		return
	}
	actor := disclosure.Actor{Name: app.Applicant.Name, Role: "applicant", RemoteAddr: clientAddr(r)}
	ch, err := s.db.CreateCase(r.Context(), actor, newCaseBuild(casework.Intake{App: app, Actor: casework.Actor{Who: casework.ByApplicant, Name: app.Applicant.Name}, Today: s.today(), Now: s.now()}, env, ""))
	if err != nil {
		accepted.giveBack()
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			strike.giveBack()
			s.serverError(w, r, err)
			return
		}
		fail(http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
		return
	}
	strike.giveBack()
	if proof != nil {
		proof.ApplicationID = ch.Case.ID
		if err := s.db.AddCaseFile(r.Context(), actor, proof); err != nil {
			s.log.Error("id proof", "case", ch.Case.ID, "err", err)
		}
	}
	s.allowTrack(r.Context(), ch.Case.QueryCode)
	provisional := ""
	if dl := casework.ComputeDeadline(s.calendar(r.Context()), a.Settings, ch.Case.Clock, s.today()); dl.Provisional() {
		provisional = "期限跨入节假日安排尚未公布的年份，按周一至周五工作、1月1日元旦放假推定；安排公布后可能调整，请以查询页面为准"
	}
	s.render(w, r, http.StatusOK, "apply_done", "申请已提交", map[string]any{"Agency": a, "Case": ch.Case, "Secret": secret, "Provisional": provisional})
}

// newCaseBuild is the store's build step of a new case: the applicant's earlier applications for the warnings, the
// published years (a receipt backdated into a published year is a correction of its report), and the e-mail.
func newCaseBuild(in casework.Intake, env casework.Env, correction string) func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
	return func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
		prior, err := tx.PriorApplications(ctx, env.Agency.ID, strings.ToUpper(strings.TrimSpace(in.App.Applicant.IDNumber)))
		if err != nil {
			return nil, err
		}
		c, ev, err := casework.NewCase(in, env, prior)
		if err != nil {
			return nil, err
		}
		ch := &disclosure.CaseChange{Case: *c, Event: ev, AfterNumbering: func(ch *disclosure.CaseChange) {
			if m, ok := casework.ReceiptMail(&ch.Case, env); ok {
				ch.Mails = append(ch.Mails, m)
			}
		}}
		years := casework.AffectedYears(&disclosure.Application{}, &c.Application, in.Today.Year)
		if ch.Corrections, err = casework.LockedYears(ctx, tx, env.Agency.ID, years, correction, nil, in.Actor.Who == casework.ByApplicant); err != nil {
			return nil, err
		}
		return ch, nil
	}
}

// applicationFromForm reads the application form. Which block of fields is read (a person's or an organisation's)
// follows the applicant type. The error is a failure to read the body (too large).
func applicationFromForm(r *http.Request) (disclosure.Application, error) {
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	r.PostFormValue("") // fills PostForm even when the body could not be read
	return applicationFromValues(r.PostForm), err
}

// applicationFromValues reads the application form's fields (the portal's and the staff intake's, by their names).
func applicationFromValues(form url.Values) disclosure.Application {
	v := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	app := disclosure.Application{Kind: disclosure.DisclosureRequest}
	if v("kind") == string(disclosure.CorrectionRequest) {
		app.Kind = disclosure.CorrectionRequest
	}
	p := disclosure.Applicant{Type: disclosure.ApplicantType(v("applicant_type")), Phone: v("phone"), Email: v("email"), Address: v("address"), Postcode: v("postcode"), Fax: v("fax")}
	if p.Type.IsOrganization() {
		p.Name, p.IDNumber, p.LegalRep, p.Contact = v("org_name"), v("uscc"), v("legal_rep"), v("contact")
	} else {
		p.Name, p.IDType, p.IDNumber = v("name"), v("id_type"), v("id_number")
	}
	app.Applicant = p
	app.Request = disclosure.Request{Title: v("title"), DocNumber: v("doc_number"), Description: form.Get("description"), Purpose: form.Get("purpose"),
		Forms: form["forms"], Delivery: form["delivery"], AcceptOther: v("accept_other") != ""}
	return app
}

// uploadedFile reads an optional uploaded file and checks it is what it claims: a JPEG or PNG image that decodes,
// or a PDF with its header and trailer, at most 5 MB. The type is taken from the bytes, never from the name.
func uploadedFile(r *http.Request, field string) (*disclosure.CaseFile, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法读取上传的文件，请重新选择")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法读取上传的文件，请重新选择")
	}
	switch {
	case len(data) == 0:
		return nil, disclosure.Errorf(disclosure.EInvalid, "上传的文件是空的，请重新选择")
	case len(data) > maxUpload:
		return nil, disclosure.Errorf(disclosure.EInvalid, "上传的文件超过 5 MB，请压缩或拍摄较小的照片后重试")
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "image/jpeg", "image/png":
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "上传的图片已损坏或格式不正确，请重新拍摄或扫描")
		}
	case "application/pdf":
		if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "上传的 PDF 文件不完整，请重新导出后上传")
		}
	default:
		return nil, disclosure.Errorf(disclosure.EInvalid, "只能上传 JPG、PNG 图片或 PDF 文件（所选文件不是这几种格式）")
	}
	name := cleanFileName(h.Filename)
	return &disclosure.CaseFile{Kind: field, Name: name, ContentType: ct, Data: data}, nil
}

// cleanFileName keeps a file's base name, without path or control characters, at most 100 characters.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || strings.ContainsRune(`"<>|:*?`, r) {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" {
		name = "附件"
	}
	return name
}

// secretChars are the characters of the applicant's query password: no 0/O or 1/I/L to confuse.
const secretChars = "23456789abcdefghjkmnpqrstuvwxyz"

// newSecret returns a random 10-character query password (about 50 bits).
func newSecret() string {
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = secretChars[int(b[i])%len(secretChars)]
	}
	return string(b)
}

// HashSecret is how a query password is stored: SHA-256, which suffices for a random secret of this length (a
// slow hash protects guessable passwords, not random ones).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(secret))))
	return hex.EncodeToString(sum[:])
}

// secretMatches compares a query password with its stored hash in constant time.
func secretMatches(secret, hash string) bool {
	return hash != "" && subtle.ConstantTimeCompare([]byte(HashSecret(secret)), []byte(hash)) == 1
}
