package web

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/search"
	"github.com/gongkai/gongkai/internal/store"
)

// confirmWithin is how long a confirmation link works.
const confirmWithin = store.SubscriptionConfirmWithin

type subscribeForm struct {
	Email, Keyword string
	AgencyID       int64
	Category       string
	Agencies       []option
	Categories     []option
	Error          string
	// FormProblems are the problems of single fields, each shown next to its field.
	FormProblems
	// Token is the form token (formtoken.go) the page carries.
	Token string
}

// newSubscribeToken returns a subscription's secret: 32 random bytes in lower-case base32, like API tokens.
func newSubscribeToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

var reToken = regexp.MustCompile(`^[a-z2-7]{52}$`)

func (s *Server) subscribeOptions(r *http.Request, f *subscribeForm) error {
	all, err := s.db.ListAgencies(r.Context(), nil)
	if err != nil {
		return err
	}
	f.Agencies = nil
	for _, a := range all {
		f.Agencies = append(f.Agencies, option{Value: strconv.FormatInt(a.ID, 10), Name: a.Name, Selected: a.ID == f.AgencyID})
	}
	cats, err := s.categories(r.Context())
	if err != nil {
		return err
	}
	f.Categories = cats.options(f.Category)
	return nil
}

// subscribeFormPage shows the subscription form, filled in from the query (the links on catalogue and item pages).
func (s *Server) subscribeFormPage(w http.ResponseWriter, r *http.Request) {
	f := &subscribeForm{Category: r.URL.Query().Get("category")}
	if id, ok := parseID(r.URL.Query().Get("agency")); ok {
		f.AgencyID = id
	}
	if err := s.subscribeOptions(r, f); err != nil {
		s.serverError(w, r, err)
		return
	}
	f.Token = s.issueFormToken("subscribe")
	s.render(w, r, http.StatusOK, "subscribe", "订阅政府信息更新", f)
}

var reSubscribeKeyword = regexp.MustCompile(`^[^\s,，;；]{1,20}$`)

// subscribe receives the form: it checks the form token, the address and the filter, the limits per client and per
// address, and stores an unconfirmed subscription with its confirmation e-mail. The page afterwards is the same
// whether or not the address was already subscribed, so the form tells nobody who subscribes to what. As with the
// application form, rejected submissions count apart from accepted ones.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	now, key := s.now(), limitKey(clientKey(r))
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	r.ParseForm()
	f := &subscribeForm{Email: strings.TrimSpace(r.PostFormValue("email")), Keyword: strings.TrimSpace(r.PostFormValue("keyword")), Category: r.PostFormValue("category"),
		Token: r.PostFormValue(formTokenField)}
	if id, ok := parseID(r.PostFormValue("agency")); ok {
		f.AgencyID = id
	}
	fail := func(status int, msg string) {
		f.Error = msg
		if err := s.subscribeOptions(r, f); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, "subscribe", "订阅政府信息更新", f)
	}
	// Every submission first claims a rejection; an accepted one gives it back.
	strike, ok := s.limits.claim(r.Context(), s.limits.subscribeFailed, key, now)
	if !ok {
		fail(http.StatusTooManyRequests, msgFormFailures)
		return
	}
	// A hidden field people never see: only scripts fill it in.
	if r.PostFormValue("website") != "" {
		fail(http.StatusBadRequest, msgFormHoneypot)
		return
	}
	switch s.checkFormToken("subscribe", f.Token) {
	case tokenInvalid:
		f.Token = s.issueFormToken("subscribe")
		fail(http.StatusBadRequest, msgFormStale)
		return
	case tokenTooFast:
		fail(http.StatusTooManyRequests, msgFormTooFast)
		return
	}
	// Every problem at once, each next to its field.
	problem := func(id, msg string) { f.FormProblems = append(f.FormProblems, fieldProblem{id, msg}) }
	if addr, err := mail.ParseAddress(f.Email); err != nil {
		problem("email", disclosure.ErrorMessage(err))
	} else {
		// One address however it is capitalised: the limits and duplicates count per mailbox, and every provider
		// the public uses treats the user part without regard to case.
		f.Email = strings.ToLower(addr)
	}
	cats, err := s.categories(r.Context())
	if err != nil {
		strike.giveBack()
		s.serverError(w, r, err)
		return
	}
	var agency *disclosure.Agency
	if r.PostFormValue("agency") != "" {
		if agency, err = s.db.GetAgency(r.Context(), f.AgencyID); err != nil || f.AgencyID == 0 {
			agency = nil
			problem("agency", "所选单位不存在，请重新选择")
		}
	}
	if f.Category != "" && cats.name(f.Category) == "" {
		problem("category", "所选主题分类不存在，请重新选择")
	}
	if f.Keyword != "" && (!reSubscribeKeyword.MatchString(f.Keyword) || search.ParseQuery(f.Keyword).Empty()) {
		problem("keyword", "关键词应为 1—20 个字的一个词语，不含空格和标点，例如“疫苗”或“医保”")
	}
	if r.PostFormValue("agency") == "" && f.Category == "" && f.Keyword == "" {
		problem("agency", "请至少选择一个订阅条件：单位、主题分类或关键词")
	}
	if len(f.FormProblems) > 0 {
		f.sortBy([]string{"email", "agency", "category", "keyword"})
		if err := s.subscribeOptions(r, f); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "subscribe", "错误：订阅政府信息更新", f)
		return
	}
	byClient, ok := s.limits.claim(r.Context(), s.limits.subscribeClient, key, now)
	var byAddress claim
	if ok {
		if byAddress, ok = s.limits.claim(r.Context(), s.limits.subscribeAddress, f.Email, now); !ok {
			byClient.giveBack()
		}
	}
	if !ok {
		strike.giveBack()
		msg := "短时间内提交的订阅较多，请几分钟后再试；已发出的确认邮件请查收（也请查看垃圾邮件文件夹）"
		if !s.cfg.SendsMail {
			msg = "短时间内提交的订阅较多，请几分钟后再试；您的订阅申请已记录，本站开通邮件发送后会发出确认邮件"
		}
		fail(http.StatusTooManyRequests, msg)
		return
	}
	sub := &store.Subscription{Email: f.Email, Category: f.Category, Keyword: f.Keyword, Token: newSubscribeToken()}
	if agency != nil {
		sub.AgencyID = &agency.ID
	}
	topic := subscriptionTopic(agency, cats.name(f.Category), f.Keyword)
	confirm := s.baseURL(r) + "/subscribe/confirm/" + sub.Token
	m := disclosure.Mail{To: f.Email, Subject: "请确认订阅政府信息更新", Text: fmt.Sprintf(
		"您好：\n\n有人（可能是您本人）在“%s”用本邮箱订阅了%s的政府信息更新。请在 %d 天内打开以下链接确认订阅：\n\n%s\n\n"+
			"确认后，每当有符合条件的信息发布，我们会发邮件告诉您；每封邮件都附有退订链接。\n"+
			"如果这不是您本人的操作，请忽略本邮件：不确认就不会收到任何邮件。\n", s.cfg.Site, topic, int(confirmWithin.Hours()/24), confirm)}
	if _, err := s.db.CreateSubscription(r.Context(), sub, m); err != nil {
		byClient.giveBack()
		byAddress.giveBack()
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			strike.giveBack()
			s.serverError(w, r, err)
			return
		}
		fail(http.StatusUnprocessableEntity, disclosure.ErrorMessage(err))
		return
	}
	strike.giveBack()
	title := "请查收确认邮件"
	if !s.cfg.SendsMail {
		title = "订阅申请已记录"
	}
	s.render(w, r, http.StatusOK, "subscribe_done", title, map[string]any{"Email": f.Email, "Topic": topic, "Days": int(confirmWithin.Hours() / 24), "Sent": s.cfg.SendsMail})
}

// subscriptionTopic names what a subscription follows, in the words of its e-mails and pages.
func subscriptionTopic(agency *disclosure.Agency, category, keyword string) string {
	var parts []string
	if agency != nil {
		parts = append(parts, agency.Name+"（含下属单位）")
	}
	if category != "" {
		parts = append(parts, "主题分类“"+category+"”")
	}
	if keyword != "" {
		parts = append(parts, "含关键词“"+keyword+"”")
	}
	return strings.Join(parts, "、")
}

// subscriptionFromPath loads the subscription of the link's token, or shows why the link does not work.
func (s *Server) subscriptionFromPath(w http.ResponseWriter, r *http.Request) (*store.Subscription, bool) {
	token := r.PathValue("token")
	if !reToken.MatchString(token) {
		s.subscriptionMessage(w, r, http.StatusNotFound, "链接无效", "订阅链接无效，请核对邮件中的链接是否完整。")
		return nil, false
	}
	sub, err := s.db.GetSubscription(r.Context(), token)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		s.subscriptionMessage(w, r, http.StatusNotFound, "链接无效", "订阅链接无效，请核对邮件中的链接是否完整。")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return sub, true
}

type subscriptionPage struct {
	Heading, Message string
	Action, Button   string
	Topic            string
	Done             bool
}

func (s *Server) subscriptionMessage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	s.render(w, r, status, "subscribe_status", heading, subscriptionPage{Heading: heading, Message: msg, Done: true})
}

func (s *Server) topicOf(r *http.Request, sub *store.Subscription) string {
	var agency *disclosure.Agency
	if sub.AgencyID != nil {
		agency, _ = s.db.GetAgency(r.Context(), *sub.AgencyID)
	}
	category := ""
	if cats, err := s.categories(r.Context()); err == nil {
		category = cats.name(sub.Category)
	}
	return subscriptionTopic(agency, category, sub.Keyword)
}

// confirmPage shows the button that confirms a subscription. Confirming takes a POST, because mail systems open
// the links of incoming e-mail to check them, and such a visit must not subscribe anybody.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriptionFromPath(w, r)
	if !ok {
		return
	}
	if sub.Active() {
		s.render(w, r, http.StatusOK, "subscribe_status", "订阅已确认", subscriptionPage{Heading: "订阅已确认", Message: "您已确认订阅，符合条件的信息发布后会发邮件告诉您。", Topic: s.topicOf(r, sub), Done: true})
		return
	}
	s.render(w, r, http.StatusOK, "subscribe_status", "确认订阅", subscriptionPage{Heading: "确认订阅", Message: "请点击下面的按钮确认订阅。确认后，符合条件的信息发布时会发邮件告诉您。",
		Action: r.URL.Path, Button: "确认订阅", Topic: s.topicOf(r, sub)})
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriptionFromPath(w, r)
	if !ok {
		return
	}
	if _, err := s.db.ConfirmSubscription(r.Context(), sub.Token, confirmWithin); err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		s.subscriptionMessage(w, r, http.StatusConflict, "无法确认订阅", disclosure.ErrorMessage(err))
		return
	}
	s.render(w, r, http.StatusOK, "subscribe_status", "订阅已确认", subscriptionPage{Heading: "订阅已确认",
		Message: "订阅成功。符合条件的信息发布后，我们会发邮件告诉您；每封邮件都附有退订链接。", Topic: s.topicOf(r, sub), Done: true})
}

// unsubscribePage shows the button that ends a subscription (a GET changes nothing, for the same reason as the
// confirmation).
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriptionFromPath(w, r)
	if !ok {
		return
	}
	if sub.UnsubscribedAt != nil {
		s.render(w, r, http.StatusOK, "subscribe_status", "已退订", subscriptionPage{Heading: "已退订", Message: "该订阅已退订，不会再收到相关邮件。", Topic: s.topicOf(r, sub), Done: true})
		return
	}
	s.render(w, r, http.StatusOK, "subscribe_status", "退订", subscriptionPage{Heading: "退订", Message: "点击下面的按钮即可退订，之后不会再收到此订阅的邮件。",
		Action: r.URL.Path, Button: "确认退订", Topic: s.topicOf(r, sub)})
}

// unsubscribe ends a subscription: from the page's button, or as the one-click unsubscription of RFC 8058, which a
// mail client sends as a POST with the body "List-Unsubscribe=One-Click", no cookies and no Origin header (Go's
// cross-origin protection lets such requests through: they are not from a browser page). The token is the only
// credential, so it needs no session.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	r.ParseForm()
	sub, ok := s.subscriptionFromPath(w, r)
	if !ok {
		return
	}
	if _, err := s.db.Unsubscribe(r.Context(), sub.Token); err != nil {
		s.serverError(w, r, err)
		return
	}
	msg := "退订成功，之后不会再收到此订阅的邮件。如需重新订阅，请访问订阅页面。"
	if r.PostFormValue("List-Unsubscribe") != "" {
		msg = "退订成功。"
	}
	s.render(w, r, http.StatusOK, "subscribe_status", "已退订", subscriptionPage{Heading: "已退订", Message: msg, Topic: s.topicOf(r, sub), Done: true})
}
