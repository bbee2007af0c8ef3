package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"html/template"
	"image"
	_ "image/jpeg" // ID proofs may be JPEG photos
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/identity"
	"github.com/gongkai/gongkai/internal/photo"
	"github.com/gongkai/gongkai/internal/store"
)

// maxUpload is the largest document a console form accepts.
const maxUpload = 5 << 20

// maxProofUpload is the largest ID proof the public application form accepts: a phone photo is 3–10 MB; it is
// stored scaled down (internal/photo).
const maxProofUpload = 10 << 20

// applyForm is the online application form's data: the values to show again after an error, the problems of each
// field, and the choices.
type applyForm struct {
	Agency *disclosure.Agency
	App    disclosure.Application
	// Error is a problem of the whole submission (a stale form, too many submissions …).
	Error string
	// FormProblems are the problems of single fields, in the form's order.
	FormProblems
	// FileNote tells that a file that was fine has to be chosen again (a browser never fills a file input in).
	FileNote string
	Types    any
	DocTypes []docTypeOption
	Forms    []string
	Delivery []string
	Kind     disclosure.ApplicationKind
	// Token is the form token (formtoken.go) the page carries.
	Token string
}

// fieldProblem is a problem of one field of a form: ID is the element id of the field (of the first choice of a
// group), Message what to fix.
type fieldProblem struct{ ID, Message string }

// FormProblems are the problems of a public form's fields, in the form's order: each is shown next to its field
// (Msg, with Field's or Group's attributes on the field) and linked from the summary at the top (the
// "error_summary" template).
type FormProblems []fieldProblem

func (ps FormProblems) problem(id string) string {
	for _, p := range ps {
		if p.ID == id {
			return p.Message
		}
	}
	return ""
}

// Msg is the message of the field with the element id, to show between its label and the field (empty when the
// field is fine). Its id is the field's id with "-error", which the field's aria-describedby names.
func (ps FormProblems) Msg(id string) template.HTML {
	m := ps.problem(id)
	if m == "" {
		return ""
	}
	return template.HTML(`<span class="error field-error" id="` + html.EscapeString(id) + `-error"><span class="visually-hidden">错误：</span>` + html.EscapeString(m) + `</span>`)
}

// Field are the attributes of the input with the element id: aria-invalid and aria-describedby naming its message
// when it has a problem, and the hints that describe it in any case.
func (ps FormProblems) Field(id string, hints ...string) template.HTMLAttr {
	desc := hints
	attr := ""
	if ps.problem(id) != "" {
		desc = append([]string{id + "-error"}, hints...)
		attr = ` aria-invalid="true"`
	}
	if len(desc) > 0 {
		attr += ` aria-describedby="` + html.EscapeString(strings.Join(desc, " ")) + `"`
	}
	return template.HTMLAttr(attr)
}

// Group are the attributes of the fieldset of a group of choices: aria-describedby naming its message.
func (ps FormProblems) Group(id string) template.HTMLAttr {
	if ps.problem(id) == "" {
		return ""
	}
	return template.HTMLAttr(` aria-describedby="` + html.EscapeString(id) + `-error"`)
}

// Invalid marks each choice of a group that has a problem.
func (ps FormProblems) Invalid(id string) template.HTMLAttr {
	if ps.problem(id) == "" {
		return ""
	}
	return ` aria-invalid="true"`
}

// sortBy orders the problems as the fields' element ids are ordered on the form.
func (ps FormProblems) sortBy(order []string) {
	slices.SortStableFunc(ps, func(a, b fieldProblem) int { return slices.Index(order, a.ID) - slices.Index(order, b.ID) })
}

// pageTitle is the page's title: prefixed with 错误 when the form is shown again with problems, so that a screen
// reader says so first.
func (f applyForm) pageTitle() string {
	t := f.Agency.Name + "政府信息公开申请"
	if f.Kind == disclosure.CorrectionRequest {
		t = f.Agency.Name + "政府信息更正申请"
	}
	if f.Error != "" || len(f.FormProblems) > 0 {
		t = "错误：" + t
	}
	return t
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
	s.render(w, r, http.StatusOK, "apply", form.pageTitle(), form)
}

// apply receives an online application: it checks the form token (shown by this site's form, long enough and not
// too long ago), the abuse limits, every field (the identity document and the 统一社会信用代码 are validated) and the
// ID proof, and shows all problems at once, next to their fields, with everything typed kept. When all is well it
// opens the case with its 查询码 and a secret the applicant keeps, and shows the receipt. Nothing is stored unless
// everything is valid. Accepted applications count against the client's limit; rejected ones against a separate,
// more generous one.
func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	now, key := s.now(), limitKey(clientKey(r))
	form := s.newApplyForm(a, disclosure.Application{})
	show := func(status int) {
		s.render(w, r, status, "apply", form.pageTitle(), form)
	}
	fail := func(status int, msg string) {
		form.Error = msg
		show(status)
	}
	// Every submission first claims a rejection; an accepted one gives it back.
	strike, ok := s.limits.claim(r.Context(), s.limits.applyFailed, key, now)
	if !ok {
		fail(http.StatusTooManyRequests, msgFormFailures)
		return
	}
	body, readErr := readApplyBody(w, r)
	app := applicationFromValues(body.values)
	app.Channel = disclosure.Online
	form = s.newApplyForm(a, app)
	form.Token = body.values.Get(formTokenField)
	if readErr != nil {
		// The body was cut short, perhaps before the token: the form shown again needs one that works.
		if s.checkFormToken("apply", form.Token) == tokenInvalid {
			form.Token = s.issueFormToken("apply")
		}
		fail(http.StatusRequestEntityTooLarge, disclosure.ErrorMessage(readErr))
		return
	}
	// A hidden field people never see: only scripts fill it in.
	if body.values.Get("website") != "" {
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
	// Every problem at once: the fields' (on a copy, which the checks normalise) and the file's.
	check := app
	for _, p := range check.Problems(casework.CheckID) {
		form.FormProblems = append(form.FormProblems, fieldProblem{formFieldID(app.Applicant.Type, p.Field), p.Message})
	}
	proof, fileErr := body.proof.caseFile()
	status := http.StatusUnprocessableEntity
	if fileErr != nil {
		form.FormProblems = append(form.FormProblems, fieldProblem{"id_proof", disclosure.ErrorMessage(fileErr)})
		if body.proof.tooLarge {
			status = http.StatusRequestEntityTooLarge
		}
	}
	if len(form.FormProblems) > 0 {
		form.sortBy(applyFieldOrder)
		accepted.giveBack()
		if proof != nil {
			form.FileNote = "您选择的文件“" + proof.Name + "”没有问题，但浏览器不会保留已选择的文件：修改其他内容后，请重新选择该文件再提交。"
		}
		show(status)
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
	proofNote := ""
	if proof != nil {
		proofNote = "已收到身份证明文件“" + proof.Name + "”。"
		if strings.HasPrefix(proof.ContentType, "image/") {
			proofNote += "照片已按拍摄方向摆正、缩小保存，并去除了照片中的拍摄地点、设备等信息。"
		}
	}
	s.render(w, r, http.StatusOK, "apply_done", "申请已提交", map[string]any{"Agency": a, "Case": ch.Case, "Secret": secret, "Provisional": provisional, "ProofNote": proofNote})
}

// applyFieldOrder are the element ids of the application form's fields in the order the form shows them: the
// summary of problems follows it.
var applyFieldOrder = []string{"applicant_type", "name", "id_type", "id_number", "org_name", "uscc", "legal_rep", "contact", "phone", "email",
	"address", "postcode", "fax", "title", "doc_number", "description", "purpose", "forms", "delivery", "id_proof"}

// formFieldID is the element id of the application form's field a problem is about: an organisation's name and
// 统一社会信用代码 have fields of their own.
func formFieldID(t disclosure.ApplicantType, field string) string {
	if t.IsOrganization() {
		switch field {
		case disclosure.FormName:
			return "org_name"
		case disclosure.FormIDNumber:
			return "uscc"
		}
	}
	return field
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

// applicationFromForm reads the application form (of the console's intake). Which block of fields is read (a
// person's or an organisation's) follows the applicant type. The error is a failure to read the body (too large).
func applicationFromForm(r *http.Request) (disclosure.Application, error) {
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	return applicationFromValues(r.PostForm), err
}

// applicationFromValues reads the application from the form's values. Which block of fields is read (a person's or
// an organisation's) follows the applicant type.
func applicationFromValues(vals url.Values) disclosure.Application {
	v := func(k string) string { return strings.TrimSpace(vals.Get(k)) }
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
	app.Request = disclosure.Request{Title: v("title"), DocNumber: v("doc_number"), Description: vals.Get("description"), Purpose: vals.Get("purpose"),
		Forms: vals["forms"], Delivery: vals["delivery"], AcceptOther: v("accept_other") != ""}
	return app
}

// The application form's body: text fields up to maxApplyText in all, then the ID proof. A body up to
// maxApplyBody is read to its end even when the file is too large, so that the browser, still sending, receives
// the form shown again (with the file named and everything typed kept) rather than a broken connection.
const (
	maxApplyText = 128 << 10
	maxApplyBody = 48 << 20
)

// applyBody is the application form as received: the text fields and the ID proof.
type applyBody struct {
	values url.Values
	proof  proofUpload
}

// proofUpload is an uploaded ID proof as received.
type proofUpload struct {
	present bool
	// name is the file's name (cleaned) as the applicant's device gave it.
	name string
	data []byte
	// size is how many bytes the file has: all that was sent, also when more than maxProofUpload; at least this
	// many when atLeast (the body was cut off at maxApplyBody and did not say its length).
	size     int64
	tooLarge bool
	atLeast  bool
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readApplyBody reads the application form as a stream, part by part, instead of parsing it whole: the text
// fields come first (the form puts the file input last) and are kept even when the file that follows is too
// large, which is then measured and named rather than losing everything with a bare 413. Nothing is spilled to
// disk. The error says (in Chinese) what was wrong with the body as a whole: text beyond maxApplyText, or a body
// that is not a form.
func readApplyBody(w http.ResponseWriter, r *http.Request) (applyBody, error) {
	body := applyBody{values: url.Values{}}
	count := &countingReader{r: r.Body}
	r.Body = http.MaxBytesReader(w, io.NopCloser(count), maxApplyBody)
	mr, err := r.MultipartReader()
	if err != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxApplyText)
		if err := r.ParseForm(); err != nil {
			return body, disclosure.Errorf(disclosure.EInvalid, "提交的内容过大或不完整：文字内容合计不能超过 %d KB，请精简后重试", maxApplyText>>10)
		}
		body.values = r.PostForm
		return body, nil
	}
	var text int64
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return body, nil
		}
		if err != nil {
			return body, disclosure.Errorf(disclosure.EInvalid, "提交的内容不完整（上传中断或超过 %d MB），请重新提交", maxApplyBody>>20)
		}
		name := part.FormName()
		switch {
		case name == "id_proof" && !body.proof.present:
			if err := body.proof.read(part, r.ContentLength, count); err != nil {
				return body, nil // cut off at maxApplyBody: the fields before the file are all there
			}
		case part.FileName() != "" || name == "id_proof":
			// A file nobody asked for: not kept.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return body, nil
			}
		default:
			b, err := io.ReadAll(io.LimitReader(part, maxApplyText-text+1))
			text += int64(len(b))
			if err != nil {
				return body, disclosure.Errorf(disclosure.EInvalid, "提交的内容不完整，请重新提交")
			}
			if text > maxApplyText {
				return body, disclosure.Errorf(disclosure.EInvalid, "提交的文字内容过多：合计不能超过 %d KB，请精简后重试", maxApplyText>>10)
			}
			body.values.Add(name, string(b))
		}
	}
}

// read receives the file of the part: at most maxProofUpload bytes are kept; beyond that the rest is counted and
// dropped. The error is the body's end at maxApplyBody (size then estimated from the request's length).
func (u *proofUpload) read(part *multipart.Part, contentLength int64, count *countingReader) error {
	before := count.n
	u.name = cleanFileName(part.FileName())
	data, err := io.ReadAll(io.LimitReader(part, maxProofUpload+1))
	u.data, u.size = data, int64(len(data))
	u.present = part.FileName() != "" || len(data) > 0
	if err == nil && len(data) > maxProofUpload {
		u.tooLarge, u.data = true, nil
		var n int64
		n, err = io.Copy(io.Discard, part)
		u.size += n
	}
	if err != nil {
		u.tooLarge, u.data = true, nil
		// The boundary and the closing lines after the file are a few hundred bytes at most.
		if est := contentLength - before - 256; contentLength > 0 && est > u.size {
			u.size = est
		} else {
			u.atLeast = true
		}
	}
	return err
}

// caseFile checks the received ID proof and returns it as it is stored (a photo scaled down, without its EXIF);
// nil when none was chosen. The messages name the file and the limit.
func (u proofUpload) caseFile() (*disclosure.CaseFile, error) {
	switch {
	case !u.present:
		return nil, nil
	case u.tooLarge && u.atLeast:
		return nil, disclosure.Errorf(disclosure.EInvalid, "身份证明文件“%s”过大（超过 %d MB），上限为 %d MB：请压缩或重新拍摄后上传", u.name, maxApplyBody>>20, maxProofUpload>>20)
	case u.tooLarge:
		return nil, disclosure.Errorf(disclosure.EInvalid, "身份证明文件“%s”过大（%.1f MB），上限为 %d MB：请压缩或重新拍摄后上传", u.name, float64(u.size)/(1<<20), maxProofUpload>>20)
	}
	return checkUpload("id_proof", u.name, u.data, true)
}

// uploadedFile reads an optional uploaded file of a console form (parsed with ParseMultipartForm) and checks it as
// checkUpload does, at most maxUpload bytes.
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
	if len(data) > maxUpload {
		return nil, disclosure.Errorf(disclosure.EInvalid, "上传的文件超过 %d MB，请压缩或拍摄较小的照片后重试", maxUpload>>20)
	}
	return checkUpload(field, cleanFileName(h.Filename), data, false)
}

// checkUpload checks an uploaded file is what it claims: a JPEG or PNG image that decodes, or a PDF with its header
// and trailer. The type is taken from the bytes, never from the name. With photos, a picture is stored as
// internal/photo prepares it: upright, at most photo.MaxSide pixels, without EXIF (a phone's GPS location).
func checkUpload(field, name string, data []byte, photos bool) (*disclosure.CaseFile, error) {
	if len(data) == 0 {
		return nil, disclosure.Errorf(disclosure.EInvalid, "上传的文件“%s”是空的，请重新选择", name)
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "image/jpeg", "image/png":
		if photos {
			out, ct2, err := photo.Normalize(data)
			var pe *photo.Error
			if errors.As(err, &pe) {
				return nil, disclosure.Errorf(disclosure.EInvalid, "“%s”：%s", name, pe.Message)
			}
			if err != nil {
				return nil, fmt.Errorf("web: photo: %w", err)
			}
			data, ct = out, ct2
		} else if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "上传的图片已损坏或格式不正确，请重新拍摄或扫描")
		}
	case "application/pdf":
		if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "上传的 PDF 文件不完整，请重新导出后上传")
		}
	default:
		if isHEIC(data) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "“%s”是 HEIC 格式的照片，只能上传 JPG、PNG 图片或 PDF 文件：请在手机相册中将照片导出或分享为 JPG（或截图）后上传", name)
		}
		return nil, disclosure.Errorf(disclosure.EInvalid, "只能上传 JPG、PNG 图片或 PDF 文件（所选文件不是这几种格式）")
	}
	return &disclosure.CaseFile{Kind: field, Name: name, ContentType: ct, Data: data}, nil
}

// isHEIC reports whether data is an HEIF/HEIC picture (an iPhone's default): an ISO BMFF "ftyp" box of a HEIF brand.
func isHEIC(data []byte) bool {
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		return false
	}
	switch string(data[8:12]) {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
		return true
	}
	return false
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
