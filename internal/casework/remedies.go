package casework

import (
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// ReconsiderationFirst reports whether an applicant must apply for 行政复议 before going to court against the
// outcome. 《中华人民共和国行政复议法》 (revised 2023-09-01, in force 2024-01-01) Art 23 ¶1: "有下列情形之一的，申请人
// 应当先向行政复议机关申请行政复议，对行政复议决定不服的，可以再依法向人民法院提起行政诉讼：……（四）申请政府信息公开，行政机关
// 不予公开". Every row of section 三（三）不予公开 is such a refusal, and so is the withheld part of a 部分公开 (Art 37:
// "对不予公开的内容说明理由"). Other outcomes keep both routes.
func ReconsiderationFirst(o disclosure.Outcome) bool {
	return o == disclosure.Partial || strings.HasPrefix(string(o), "refused.")
}

// Remedies is the notice of the applicant's remedies printed in a reply (the {权利告知} placeholder). Art 23 ¶2 of
// the 2023 《行政复议法》: "对前款规定的情形，行政机关在作出行政行为时应当告知公民、法人或者其他组织先向行政复议机关申请行政复议"
// — so a refusal names reconsideration first, within 60 days (Art 20), and a lawsuit only against the
// reconsideration decision, within 15 days of receiving it (《行政诉讼法》 Art 45). Other outcomes offer both:
// reconsideration within 60 days, or a lawsuit within 6 months (《行政诉讼法》 Art 46). A withdrawal has none.
func Remedies(o disclosure.Outcome, basis, reviewBody, court string) string {
	if basis == "withdrawn" {
		return ""
	}
	if court == "" {
		court = "有管辖权的人民法院"
	}
	if ReconsiderationFirst(o) {
		what := "本机关不予公开的决定"
		if o == disclosure.Partial {
			what = "本机关对不予公开部分的决定"
		}
		return "如您对" + what + "不服，依照《中华人民共和国行政复议法》第二十三条的规定，应当先自收到本告知书之日起60日内向" + reviewBody +
			"申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向" + court + "提起行政诉讼。"
	}
	return "如您对本答复不服，可以自收到本告知书之日起60日内向" + reviewBody + "申请行政复议，也可以自收到本告知书之日起6个月内向" + court + "提起行政诉讼。"
}

// ReconsiderationBody names the 行政复议机关 of an agency under 《行政复议法》 (2023) Art 24 ¶1: "县级以上地方各级人民政府
// 管辖下列行政复议案件：（一）对本级人民政府工作部门作出的行政行为不服的；（二）对下一级人民政府作出的行政行为不服的；……". So a department,
// or a unit under a department, answers to the people's government of its own level — the nearest people's government
// above it in the hierarchy — and a people's government to the one above it. ancestors lists the agencies above a,
// nearest first. A setting (AgencySettings.ReviewBody) overrides it for vertically managed bodies (Art 27: 海关、金融、
// 外汇管理等实行垂直领导的行政机关、税务和国家安全机关 answer to the organ above them). Where the hierarchy does not name
// the government, the text says which one it is instead of guessing a name.
func ReconsiderationBody(a *disclosure.Agency, ancestors []*disclosure.Agency) string {
	if b := strings.TrimSpace(a.Settings.ReviewBody); b != "" {
		return b
	}
	for _, p := range ancestors {
		if p != nil && p.Kind == disclosure.RegionGovernment {
			return p.Name
		}
	}
	if a.Kind == disclosure.RegionGovernment {
		return "上一级人民政府"
	}
	return "本机关所属的本级人民政府"
}
