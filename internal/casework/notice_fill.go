package casework

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// noticer collects the notices a step issues; they are filled once the step's case is complete, so that every
// notice shows the deadline as the step leaves it.
type noticer struct {
	c         *disclosure.Case
	env       Env
	s         disclosure.AgencySettings
	templates func(key string) (Template, error)
	today     workday.Date
	pending   []pendingNotice
	out       []NoticeText
	err       error
}

type pendingNotice struct {
	kind, key string
	public    bool
	extra     map[string]string
}

func (n *noticer) add(kind, key string, public bool, extra map[string]string) {
	n.pending = append(n.pending, pendingNotice{kind, key, public, extra})
}

// reply adds the reply notice of the case's outcome.
func (n *noticer) reply(c *disclosure.Case, extra map[string]string) {
	n.add(NoticeReply, ReplyTemplateKey(c.Outcome, c.Basis), true, extra)
}

// finish fills the pending notices from the finished case.
func (n *noticer) finish() {
	for _, p := range n.pending {
		t, ok := DefaultTemplates()[p.key]
		if !ok {
			n.err = fmt.Errorf("casework: no template %q", p.key)
			return
		}
		if n.templates != nil {
			own, err := n.templates(p.key)
			if err != nil {
				n.err = err
				return
			}
			if own.Body != "" {
				t.Title, t.Body = own.Title, own.Body
			}
		}
		vals := n.values()
		for k, v := range p.extra {
			vals[k] = v
		}
		if p.kind == NoticeReply {
			for k, v := range n.replyValues() {
				if _, set := vals[k]; !set {
					vals[k] = v
				}
			}
		}
		addressee, paras := fill(t.Body, vals)
		n.out = append(n.out, NoticeText{Kind: p.kind, Key: p.key, Title: t.Title, Addressee: addressee, Paras: paras, Public: p.public})
	}
}

func (n *noticer) values() map[string]string {
	c, a := n.c, n.env.Agency
	what := c.Request.Title
	if what == "" {
		what = c.Request.Description
	}
	if c.Request.DocNumber != "" && !strings.Contains(what, c.Request.DocNumber) {
		what += "（" + c.Request.DocNumber + "）"
	}
	due := ""
	if !c.Due.IsZero() {
		due = c.Due.Chinese()
	}
	return map[string]string{
		"申请人": c.Applicant.Name, "申请编号": c.Number, "查询码": c.QueryCode, "收到日期": c.ReceivedOn.Chinese(),
		"申请内容": clip(oneLine(what), 120), "机关名称": a.Name, "联系电话": a.Contacts.Phone, "联系地址": a.Contacts.Address,
		"日期": n.today.Chinese(), "答复期限": due,
	}
}

func (n *noticer) replyValues() map[string]string {
	c := n.c
	vals := map[string]string{}
	r := c.Reply
	spec, _ := c.Outcome.Spec()
	b, _ := c.Outcome.Basis(c.Basis)
	vals["答复结果"], vals["依据条款"], vals["条款内容"] = spec.Name, b.Article, b.Text
	if r != nil {
		vals["理由"], vals["提供方式"] = r.Reasons, r.Provided
		if r.TransferName != "" {
			t := "负责公开该政府信息的行政机关为" + r.TransferName
			if c.Kind == disclosure.CorrectionRequest {
				t = "有权更正该信息的行政机关为" + r.TransferName
			}
			if r.TransferContact != "" {
				t += "，联系方式：" + r.TransferContact
			}
			if r.TransferTo != nil {
				t += "。本机关已将您的申请转送该机关办理，该机关将依法另行答复"
			}
			vals["有权机关"] = t + "。"
		}
	}
	review := n.s.ReviewBody
	if review == "" {
		review = n.env.ReviewBody
	}
	if review == "" {
		review = ReconsiderationBody(n.env.Agency, nil)
	}
	vals["权利告知"] = Remedies(c.Outcome, c.Basis, review, n.s.Court)
	return vals
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "……"
}

// applicantMail is the e-mail that tells the applicant about a public step, when they gave an address.
func applicantMail(c *disclosure.Case, t Transition, env Env, notices []NoticeText) (disclosure.Mail, bool) {
	if c.Applicant.Email == "" {
		return disclosure.Mail{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n", c.Applicant.Name)
	fmt.Fprintf(&b, "您于%s向%s提出的%s（申请编号 %s）有新进展：%s。\n", c.ReceivedOn.Chinese(), env.Agency.Name, kindName(c.Kind), c.Number, t.Name)
	fmt.Fprintf(&b, "当前状态：%s。\n", disclosure.StateNames[c.State])
	if !c.State.Closed() && !c.Due.IsZero() {
		fmt.Fprintf(&b, "答复期限：%s", c.Due.Chinese())
		if c.Paused {
			b.WriteString("（目前计时暂停，期限将相应顺延）")
		}
		b.WriteString("。\n")
	}
	if !c.StepDue.IsZero() {
		switch c.State {
		case disclosure.AwaitingFix:
			fmt.Fprintf(&b, "请于%s前提交补正。\n", c.StepDue.Chinese())
		case disclosure.AwaitingPayment:
			fmt.Fprintf(&b, "请于%s前缴纳信息处理费。\n", c.StepDue.Chinese())
		}
	}
	for _, nt := range notices {
		if nt.Public {
			fmt.Fprintf(&b, "本机关已出具《%s》，您可以在查询页面下载。\n", nt.Title)
		}
	}
	fmt.Fprintf(&b, "\n查询办理进度：%s/track （查询码 %s，查询密码见您提交申请时的回执）\n", strings.TrimRight(env.BaseURL, "/"), c.QueryCode)
	fmt.Fprintf(&b, "\n%s\n本邮件由系统自动发送，请勿直接回复。", env.Agency.Name)
	return disclosure.Mail{
		To:      c.Applicant.Email,
		Subject: fmt.Sprintf("%s：您的%s（%s）%s", env.Agency.Name, kindName(c.Kind), c.Number, t.Name),
		Text:    b.String(),
	}, true
}

func kindName(k disclosure.ApplicationKind) string {
	if k == disclosure.CorrectionRequest {
		return "政府信息更正申请"
	}
	return "政府信息公开申请"
}

// PreviewReply fills the reply notice the case's draft would produce, without numbering it: what the officer and
// the approver read before the reply goes out.
func PreviewReply(c *disclosure.Case, env Env, templates func(key string) (Template, error), today workday.Date) (NoticeText, error) {
	if c.Reply == nil {
		return NoticeText{}, disclosure.Errorf(disclosure.EConflict, "尚未拟定答复")
	}
	next := cloneCase(c)
	next.Outcome, next.Basis, next.ClosedOn = c.Reply.Outcome, c.Reply.Basis, today
	n := &noticer{c: next, env: env, s: env.Agency.Settings.WithDefaults(), templates: templates, today: today}
	extra := map[string]string{}
	if c.Reply.Outcome == disclosure.UnableStillUnclear {
		extra["补正告知日期"] = fixNoticeDate(c).Chinese()
	}
	n.reply(next, extra)
	n.finish()
	if n.err != nil {
		return NoticeText{}, n.err
	}
	return n.out[0], nil
}
