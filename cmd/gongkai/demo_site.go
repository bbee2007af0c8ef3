package main

import (
	"context"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// demoSite are the demo portal's footer particulars (《政府网站发展指引》): a county portal run by the county
// government's office and operated by its big-data centre. The codes have the real formats (网站标识码: the
// division code 370124 and a serial; ICP and 公安 numbers as the record systems issue them) but are made up.
var demoSite = disclosure.SiteSettings{
	Sponsor:        "平阴县人民政府办公室",
	Operator:       "平阴县大数据中心",
	Contact:        "0531-87880000（工作日 9:00—17:00）",
	SiteCode:       "3701240001",
	ICP:            "鲁ICP备05000000号-1",
	PublicSecurity: "鲁公网安备 37012402000001号",
}

// demoRules are the health bureau's own 政府信息公开制度, which its column lists under that heading; the other demo
// agencies have published none, so the portal shows both states.
var demoRules = []struct{ title, docNumber, body string }{
	{"平阴县卫生健康局政府信息公开保密审查制度", "平卫健发〔2019〕1号",
		"<p>第一条 为规范本局政府信息公开保密审查工作，根据《中华人民共和国保守国家秘密法》《中华人民共和国政府信息公开条例》，制定本制度。</p>" +
			"<p>第二条 拟公开的政府信息，由起草科室初审后提交局办公室保密审查；未经审查的，不得公开。</p>" +
			"<p>第三条 对是否涉及国家秘密、商业秘密、个人隐私不能确定的，依照法律、法规和国家有关规定报有关主管部门或者保密行政管理部门确定。</p>"},
	{"平阴县卫生健康局政府信息公开申请办理制度", "平卫健发〔2019〕2号",
		"<p>第一条 本局办公室统一受理政府信息公开申请，登记后按规定期限办理。</p>" +
			"<p>第二条 能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经办公室负责人同意并告知申请人，延长的期限最长不超过20个工作日。</p>" +
			"<p>第三条 答复书面作出，告知申请人获取信息的方式、途径和救济渠道。</p>"},
	{"平阴县卫生健康局政府信息主动公开发布审核制度", "平卫健发〔2019〕3号",
		"<p>第一条 主动公开的政府信息，自形成或者变更之日起20个工作日内予以公开。</p>" +
			"<p>第二条 信息发布前经科室负责人审核、保密审查后，由办公室在政府信息公开专栏发布。</p>" +
			"<p>第三条 已公开的信息定期评估，失效或者废止的及时标注。</p>"},
}

// seedDemoSite sets the demo's footer particulars and publishes the health bureau's 政府信息公开制度 through the
// workflow (the officer submits, the reviewer passes, the officer publishes).
func seedDemoSite(ctx context.Context, db *store.DB, health *disclosure.Agency, officer, reviewer *disclosure.User) error {
	if err := db.SetSiteSettings(ctx, disclosure.SystemActor, demoSite); err != nil {
		return err
	}
	// The rules were made when the revised Regulation took effect (15 May 2019), numbered in that year's series.
	written := workday.Date{Year: 2019, Month: time.May, Day: 15}
	answers := map[string]bool{}
	for _, q := range health.Settings.ReviewList() {
		answers[q] = true
	}
	env := catalogue.Env{Agency: health, Calendar: workday.Default()}
	for _, r := range demoRules {
		it, err := catalogue.NewItem(disclosure.Item{Title: r.title, DocNumber: r.docNumber, Genre: disclosure.GenreDisclosureRules, Category: "general.policy",
			Validity: disclosure.InForce, WrittenOn: written, FormedOn: written, Body: r.body}, health, time.Now())
		if err != nil {
			return err
		}
		if err := db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
			return err
		}
		for _, cmd := range []catalogue.Command{
			{Action: catalogue.Submit, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &officer.ID}},
			{Action: catalogue.Pass, Actor: catalogue.Actor{Who: catalogue.ByReviewer, UserID: &reviewer.ID}, Answers: answers},
			{Action: catalogue.Publish, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &officer.ID}},
		} {
			cmd.Now, cmd.Today = time.Now(), written.AddDays(5)
			if _, err := db.UpdateItem(ctx, disclosure.SystemActor, it.ID, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
				return catalogue.Decide(it, cmd, env)
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
