package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/web"
	"github.com/gongkai/gongkai/internal/workday"
)

// demoStep is one step of a demo case: an action taken on a day.
type demoStep struct {
	on  workday.Date
	cmd casework.Command
}

// demoCase is a scripted application: who applies, when it arrived, and the steps it went through.
type demoCase struct {
	received workday.Date
	channel  disclosure.Channel
	name     string
	typ      disclosure.ApplicantType
	email    string
	request  string
	steps    []demoStep
}

// back returns the day n working days before d.
func back(cal *workday.Calendar, d workday.Date, n int) workday.Date {
	for n > 0 {
		d = d.AddDays(-1)
		if cal.IsWorkday(d) {
			n--
		}
	}
	return d
}

func date(s string) workday.Date {
	d, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// seedDemoCases opens applications of the health bureau in every state of the workflow: finished cases across the
// 2025 and 2026 Spring Festivals and National Day 2025 (with corrections, consultations, extensions, fees,
// withdrawals and lapses, and a reconsideration), and open ones at every step relative to today.
func seedDemoCases(ctx context.Context, db *store.DB, health *disclosure.Agency, officer, approver *disclosure.User) (int, error) {
	cal, err := web.LoadCalendar(ctx, db)
	if err != nil {
		return 0, err
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	off := casework.Actor{Who: casework.ByOfficer, UserID: &officer.ID, Name: officer.DisplayName}
	app := casework.Actor{Who: casework.ByApprover, UserID: &approver.ID, Name: approver.DisplayName}
	applicant := casework.Actor{Who: casework.ByApplicant, Name: "申请人"}
	step := func(on workday.Date, a casework.Action) demoStep {
		return demoStep{on, casework.Command{Action: a, Actor: off}}
	}
	with := func(s demoStep, f func(*casework.Command)) demoStep { f(&s.cmd); return s }
	byApprover := func(s demoStep) demoStep { s.cmd.Actor = app; return s }
	byApplicant := func(s demoStep) demoStep { s.cmd.Actor = applicant; return s }
	reply := func(on workday.Date, o disclosure.Outcome, basis, reasons, provided string) []demoStep {
		return []demoStep{
			with(step(on, casework.DraftReply), func(c *casework.Command) {
				c.Reply = disclosure.ReplyDraft{Outcome: o, Basis: basis, Reasons: reasons, Provided: provided}
			}),
			step(on, casework.SubmitReply),
			byApprover(step(on, casework.ApproveReply)),
			step(on, casework.SendReply),
		}
	}
	concat := func(parts ...[]demoStep) []demoStep {
		var out []demoStep
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	t := func(n int) workday.Date { return back(cal, today, n) }
	cases := []demoCase{
		// Finished: across Spring Festival 2025, with a correction.
		{date("2025-01-24"), disclosure.Online, "王小明", disclosure.NaturalPerson, "wang@example.com", "2024年度本县免疫规划疫苗接种点名单及服务时间",
			concat([]demoStep{step(date("2025-01-24"), casework.Accept),
				with(step(date("2025-01-27"), casework.RequestFix), func(c *casework.Command) { c.Items = "请说明所需接种点名单的乡镇范围" }),
				with(byApplicant(step(date("2025-02-10"), casework.SubmitFix)), func(c *casework.Command) { c.Note = "榆山街道、锦水街道" })},
				reply(date("2025-03-03"), disclosure.Disclosed, "provided", "", "以电子邮件发送接种点名单（Excel 表格）"))},
		// Finished: around National Day 2025, third-party consultation and an extension.
		{date("2025-09-26"), disclosure.Letter, "平阴县某医药有限公司", disclosure.Commercial, "", "2025年第三季度药品采购中标结果及各企业报价明细",
			concat([]demoStep{step(date("2025-09-26"), casework.Accept),
				with(step(date("2025-09-30"), casework.Consult), func(c *casework.Command) { c.Party, c.PartyKind = "济南某医药公司", "third_party" }),
				step(date("2025-10-09"), casework.NoticeDelivered),
				with(step(date("2025-10-15"), casework.EndConsult), func(c *casework.Command) { c.Note = "第三方不同意公开其报价明细" }),
				with(step(date("2025-10-16"), casework.RequestExtension), func(c *casework.Command) { c.Days, c.Note = 20, "需对报价明细作区分处理" }),
				byApprover(step(date("2025-10-17"), casework.ApproveExtension))},
				reply(date("2025-11-20"), disclosure.Partial, "art37", "各企业报价明细涉及商业秘密，第三方不同意公开", "提供中标结果，报价明细作区分处理"))},
		// Received in 2025, answered in 2026: carried over.
		{date("2025-12-22"), disclosure.Email, "李华", disclosure.NaturalPerson, "lihua@example.com", "县人民医院2025年度医疗纠纷调解记录",
			concat([]demoStep{step(date("2025-12-23"), casework.Accept)},
				reply(date("2026-01-15"), disclosure.RefusedThirdParty, "art15", "调解记录涉及患者个人隐私", ""))},
		// Received before Spring Festival 2026, answered after it, delivered and archived.
		{date("2026-02-09"), disclosure.InPerson, "张伟", disclosure.NaturalPerson, "", "2010年县卫生局关于某诊所的处罚决定书",
			concat([]demoStep{step(date("2026-02-09"), casework.Accept)},
				reply(date("2026-03-10"), disclosure.UnableNotHeld, "not_exist", "经检索本机关档案，未找到该处罚决定书", ""),
				[]demoStep{with(step(date("2026-03-12"), casework.RecordDelivery), func(c *casework.Command) { c.Note = "邮寄送达" }), step(date("2026-03-13"), casework.Archive)})},
		// Withdrawn by the applicant.
		{date("2026-01-05"), disclosure.Online, "刘芳", disclosure.NaturalPerson, "liufang@example.com", "本县2026年度计划生育特别扶助金发放名单",
			[]demoStep{step(date("2026-01-05"), casework.Accept), byApplicant(step(date("2026-01-08"), casework.Withdraw))}},
		// The correction never came.
		{date("2025-06-03"), disclosure.Letter, "陈静", disclosure.NaturalPerson, "", "有关部门的文件",
			[]demoStep{with(step(date("2025-06-04"), casework.RequestFix), func(c *casework.Command) { c.Items = "请写明所需文件的名称、文号或发布时间" }),
				step(date("2025-06-06"), casework.NoticeDelivered), // the letter was signed for: the correction period runs from then
				step(date("2025-07-01"), casework.FixLapsed)}},
		// A fee that was not paid.
		{date("2026-03-02"), disclosure.Online, "示范法律服务所", disclosure.LegalService, "law@example.com", "2021年至2025年全部行政处罚案卷",
			[]demoStep{step(date("2026-03-02"), casework.Accept),
				with(step(date("2026-03-04"), casework.IssueFee), func(c *casework.Command) { c.FeeMethod, c.FeeUnits = fee.PerPage, 180 }),
				step(date("2026-04-07"), casework.FeeLapsed)}},
		// Open: one at every step.
		{t(1), disclosure.Online, "杨洋", disclosure.NaturalPerson, "yang@example.com", "本街道社区卫生服务中心的家庭医生签约名单", nil},
		{t(3), disclosure.Online, "赵磊", disclosure.NaturalPerson, "", "卫生方面的规定", []demoStep{with(step(t(2), casework.RequestFix), func(c *casework.Command) { c.Items = "请说明所需规定的名称或内容范围" })}},
		{t(5), disclosure.Letter, "黄敏", disclosure.NaturalPerson, "", "县疾控中心2025年度传染病疫情通报", []demoStep{step(t(4), casework.Accept)}},
		{t(8), disclosure.Online, "示范科技有限公司", disclosure.Commercial, "tech@example.com", "2025年度某医院信息系统采购合同",
			[]demoStep{step(t(8), casework.Accept), with(step(t(6), casework.Consult), func(c *casework.Command) { c.Party, c.PartyKind = "平阴县人民医院", "agency" })}},
		{t(7), disclosure.Online, "示范调查研究中心", disclosure.Research, "research@example.com", "2020—2025年全县各乡镇卫生院诊疗人次统计",
			[]demoStep{step(t(7), casework.Accept), with(step(t(5), casework.IssueFee), func(c *casework.Command) { c.FeeMethod, c.FeeUnits = fee.PerPage, 60 })}},
		{t(10), disclosure.Online, "示范公益基金会", disclosure.PublicInterest, "", "2025年度医疗救助资金使用情况",
			[]demoStep{step(t(10), casework.Accept), with(step(t(2), casework.DraftReply), func(c *casework.Command) {
				c.Reply = disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Basis: "already_public", Provided: "已在本局政府信息公开专栏“财政预决算”栏目公开"}
			})}},
		{t(12), disclosure.Online, "孙丽", disclosure.NaturalPerson, "", "本县120急救站点分布和车辆配置情况",
			[]demoStep{step(t(12), casework.Accept), with(step(t(3), casework.DraftReply), func(c *casework.Command) {
				c.Reply = disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Provided: "以电子邮件发送站点和车辆清单"}
			}), step(t(3), casework.SubmitReply)}},
		{t(14), disclosure.Online, "周强", disclosure.NaturalPerson, "", "2025年乡镇卫生院招聘公告及录用结果",
			[]demoStep{step(t(14), casework.Accept), with(step(t(4), casework.RequestExtension), func(c *casework.Command) { c.Days, c.Note = 10, "涉及多家卫生院，需要汇总核对" })}},
		{t(15), disclosure.Online, "吴敏", disclosure.NaturalPerson, "", "县卫生健康局2025年度行政处罚决定书目录",
			concat([]demoStep{step(t(15), casework.Accept)}, reply(t(2), disclosure.Disclosed, "provided", "", "以电子邮件发送目录")[:3])},
		{t(25), disclosure.Letter, "郑华", disclosure.NaturalPerson, "", "本县养老机构医养结合试点评估报告", []demoStep{step(t(24), casework.Accept)}},
	}
	n := 0
	var carried int64
	for i, dc := range cases {
		a := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: dc.channel, ReceivedOn: dc.received, SecretHash: web.HashSecret(fmt.Sprintf("demo%06d", i)),
			Applicant: disclosure.Applicant{Type: dc.typ, Name: dc.name, Phone: fmt.Sprintf("1380531%04d", i), Email: dc.email},
			Request:   disclosure.Request{Description: dc.request, Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
		if dc.typ.IsOrganization() {
			a.Applicant.IDNumber, a.Applicant.Contact = demoUSCC(i), "联系人"
		} else {
			a.Applicant.IDNumber = demoResidentID(i)
		}
		actor := off
		if dc.channel == disclosure.Online {
			actor = applicant
		}
		env := casework.Env{Calendar: cal, Agency: health, BaseURL: "http://127.0.0.1:8080"}
		ch, err := db.CreateCase(ctx, disclosure.SystemActor, func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
			c, ev, err := casework.NewCase(casework.Intake{App: a, Actor: actor, Today: dc.received, Now: dc.received.In(shanghai()).Add(9 * time.Hour)}, env, nil)
			if err != nil {
				return nil, err
			}
			return &disclosure.CaseChange{Case: *c, Event: ev}, nil
		})
		if err != nil {
			return n, fmt.Errorf("demo case %d: %w", i+1, err)
		}
		for _, s := range dc.steps {
			cmd := s.cmd
			cmd.Today, cmd.Now = s.on, s.on.In(shanghai()).Add(10*time.Hour)
			if _, err := db.UpdateCase(ctx, disclosure.SystemActor, ch.Case.ID, casework.Step(cmd, env)); err != nil {
				return n, fmt.Errorf("demo case %d, %s on %s: %w", i+1, cmd.Action, s.on, err)
			}
		}
		if i == 2 {
			carried = ch.Case.ID
		}
		n++
	}
	// The refusal carried over from 2025 went to reconsideration.
	ap := &disclosure.Appeal{AgencyID: health.ID, ApplicationID: &carried, Kind: disclosure.Review, FiledOn: date("2026-02-20"), Body: "公开示范县人民政府", CaseNumber: "示政复〔2026〕3号"}
	if err := db.SaveAppeal(ctx, disclosure.SystemActor, ap, casework.AppealStep("")); err != nil {
		return n, err
	}
	return n, nil
}

func demoResidentID(i int) string {
	body := fmt.Sprintf("37012419%02d0%d0%d%03d", 60+i%40, 1+i%9, 1+i%9, i)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, c := range body {
		sum += int(c-'0') * w[k]
	}
	return body + string("10X98765432"[sum%11])
}

func demoUSCC(i int) string {
	s := fmt.Sprintf("91370124MA%07d", i)
	return s + string(disclosure.USCCCheck(s))
}
