package catalogue

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// Generated items imitate what a county agency publishes in a year. A department publishes mostly 工作动态, notices
// and — where it holds the power — licensing and penalty decisions, some normative documents (a few since repealed
// or expired), plans, statistics, budgets, personnel and emergency items; a people's government no licensing or
// penalty decisions; a hospital, school or other public institution (事业单位) only news, notices, plans,
// statistics, its budget, recruitment and emergency plans — no 行政处罚, 行政许可, 行政强制 or 行政规范性文件,
// which only administrative organs issue. Nearly all items are published within Art 26's 20 working days, a few
// late, a few withdrawn; in the current year some are still in the workflow.
//
// Titles, bodies and 文号 come from templates per genre and the agency's field (health, civil affairs, education,
// general government work, hospitals). 文号 take the official form (平卫健发〔2026〕12号): the issuing agency's
// abbreviation, the kind of document, the year in 〔〕 and a number running from 1 per agency, kind and year in the
// order the documents were made. Penalty and licensing decisions cite the articles they apply and pair each
// offence or licence with the kind of business it concerns. The figures are made up; they fill the demo and the
// performance tests.

// genTopic is a subject of an agency's work with the 主题分类 it files under.
type genTopic struct{ name, category string }

// genPermit is a licence an agency grants: the licence, the certificate, who applies and how many years it lasts
// (0: no fixed term).
type genPermit struct {
	name, licence string
	businesses    []string // "%s" takes a trade name; without it the entry is the applicant's name after the place
	years         int
}

// genViolation is an offence an agency punishes: what was done, by whom, the article broken, the article applied
// and the fine in yuan (0: a warning only).
type genViolation struct {
	act          string
	businesses   []string
	broke, basis string
	fine         [2]int
}

// genField is what an agency of one field works on.
type genField struct {
	sector     string // the field as a whole, in plan titles and budgets (卫生健康)
	topics     []genTopic
	permits    []genPermit
	violations []genViolation
	laws       []string
	units      string   // the addressees of its notices
	emergency  []string // the events its emergency plans are for
}

var (
	publicPlaces = []string{"%s宾馆", "%s大酒店", "%s洗浴中心", "%s美容美发店", "%s健身俱乐部"}
	clinics      = []string{"%s诊所", "%s口腔诊所", "%s中医诊所"}
)

var genFields = map[string]genField{
	"health": {"卫生健康", []genTopic{
		{"预防接种", "health.public_health.vaccination"}, {"居民健康档案管理", "health.public_health.records"}, {"健康教育", "health.public_health.education"},
		{"0—6岁儿童健康管理", "health.public_health.children"}, {"孕产妇健康管理", "health.public_health.maternal"}, {"老年人健康管理", "health.public_health.elderly"},
		{"高血压和2型糖尿病患者健康管理", "health.public_health.chronic"}, {"严重精神障碍患者管理", "health.public_health.mental"},
		{"肺结核患者健康管理", "health.public_health.tuberculosis"}, {"中医药健康管理", "health.public_health.tcm"}, {"传染病防控", "health.public_health.epidemic"},
		{"卫生监督协管", "health.public_health.supervision"}, {"家庭医生签约服务", "health.medical"}, {"医疗机构依法执业", "health.medical"},
		{"计划生育家庭奖励扶助", "health.family"}, {"卫生应急", "health.emergency"}, {"爱国卫生运动", "health.public_health.education"},
		{"基本公共卫生服务项目", "health.public_health"}, {"医疗废物管理", "health.enforcement"}, {"职业病防治", "health.enforcement"},
	}, []genPermit{
		{"公共场所卫生许可", "卫生许可证", publicPlaces, 4},
		{"医疗机构执业登记", "医疗机构执业许可证", clinics, 5},
		{"放射诊疗许可", "放射诊疗许可证", []string{"%s口腔诊所", "%s医院"}, 0},
		{"集中式供水单位卫生许可", "卫生许可证", []string{"%s供水站", "%s水务有限公司"}, 4},
		{"母婴保健技术服务执业许可", "母婴保健技术服务执业许可证", []string{"%s妇产医院", "%s医院"}, 3},
	}, []genViolation{
		{"未取得公共场所卫生许可证擅自营业", publicPlaces, "《公共场所卫生管理条例》第八条", "《公共场所卫生管理条例实施细则》第三十五条第一款", [2]int{500, 5000}},
		{"安排未获得有效健康合格证明的从业人员从事直接为顾客服务工作", publicPlaces, "《公共场所卫生管理条例实施细则》第十条", "《公共场所卫生管理条例实施细则》第三十八条", [2]int{500, 5000}},
		{"使用非卫生技术人员从事医疗卫生技术工作", clinics, "《医疗机构管理条例》第二十七条", "《医疗机构管理条例》第四十七条", [2]int{10000, 100000}},
		{"未将医疗废物按照类别分置于专用包装物或者容器", clinics, "《医疗废物管理条例》第十六条", "《医疗废物管理条例》第四十六条", [2]int{5000, 10000}},
		{"供应的饮用水不符合国家规定的生活饮用水卫生标准", []string{"%s供水站"}, "《生活饮用水卫生监督管理办法》第六条", "《生活饮用水卫生监督管理办法》第二十六条", [2]int{20, 5000}},
	},
		[]string{"《中华人民共和国基本医疗卫生与健康促进法》", "《中华人民共和国传染病防治法》", "《中华人民共和国疫苗管理法》", "《医疗机构管理条例》", "《公共场所卫生管理条例》"},
		"各镇（街道）卫生院，县直各医疗卫生单位",
		[]string{"突发公共卫生事件", "传染病疫情", "食物中毒事件", "职业中毒事件"}},
	"civil": {"民政", []genTopic{
		{"最低生活保障", "livelihood.social_assistance"}, {"特困人员救助供养", "livelihood.social_assistance"}, {"临时救助", "livelihood.social_assistance"},
		{"养老服务", "livelihood"}, {"殡葬管理", "livelihood"}, {"婚姻登记", "general"}, {"社会组织登记管理", "general"}, {"残疾人两项补贴", "livelihood.social_assistance"},
		{"农村留守儿童关爱保护", "livelihood"}, {"社区治理", "general"},
	}, []genPermit{
		{"民办非企业单位成立登记", "民办非企业单位登记证书", []string{"%s养老服务中心", "%s社会工作服务中心", "%s职业培训学校"}, 0},
		{"社会团体成立登记", "社会团体法人登记证书", []string{"餐饮行业协会", "老年人体育协会", "个体劳动者协会", "物流商会"}, 0},
		{"社会团体变更登记", "社会团体法人登记证书", []string{"书法家协会", "摄影家协会", "乡村旅游协会"}, 0},
	}, []genViolation{
		{"超出章程规定的宗旨和业务范围进行活动", []string{"餐饮行业协会", "物流商会", "乡村旅游协会"}, "《社会团体登记管理条例》第四条", "《社会团体登记管理条例》第三十条第一款第（三）项", [2]int{}},
		{"不按照规定办理变更登记", []string{"书法家协会", "摄影家协会", "老年人体育协会"}, "《社会团体登记管理条例》第十八条", "《社会团体登记管理条例》第三十条第一款第（五）项", [2]int{}},
		{"不按照规定接受年度检查", []string{"%s养老服务中心", "%s社会工作服务中心"}, "《民办非企业单位登记管理暂行条例》第二十三条", "《民办非企业单位登记管理暂行条例》第二十五条第一款第（四）项", [2]int{}},
	},
		[]string{"《社会救助暂行办法》", "《中华人民共和国老年人权益保障法》", "《社会团体登记管理条例》", "《殡葬管理条例》"},
		"各镇人民政府、街道办事处，县直有关部门",
		[]string{"自然灾害救助", "寒潮低温天气困难群众救助", "养老机构突发事件"}},
	"education": {"教育", []genTopic{
		{"义务教育招生入学", "livelihood.education"}, {"学生资助", "livelihood.education"}, {"校园安全", "livelihood.education"}, {"教师队伍建设", "personnel"},
		{"中小学食堂管理", "livelihood.education"}, {"全民健身", "livelihood"}, {"课后服务", "livelihood.education"}, {"学前教育", "livelihood.education"},
	}, []genPermit{
		{"民办学校办学许可", "民办学校办学许可证", []string{"%s幼儿园", "%s艺术培训学校"}, 5},
		{"校外培训机构设立审批", "民办学校办学许可证", []string{"%s科技培训学校", "%s体育培训学校"}, 5},
	}, []genViolation{
		{"未经批准擅自举办校外培训机构", []string{"%s教育咨询有限公司", "%s文化传播有限公司"}, "《中华人民共和国民办教育促进法》第十二条", "《中华人民共和国民办教育促进法》第六十四条", [2]int{10000, 50000}},
		{"违反国家有关规定收取费用", []string{"%s艺术培训学校", "%s科技培训学校"}, "《中华人民共和国民办教育促进法》第三十八条", "《中华人民共和国民办教育促进法》第六十二条第一款第（八）项", [2]int{5000, 30000}},
	},
		[]string{"《中华人民共和国教育法》", "《中华人民共和国义务教育法》", "《中华人民共和国民办教育促进法》"},
		"各镇（街道）中心学校，县直各学校",
		[]string{"校园突发事件", "学校食品安全事故", "极端天气停课"}},
	"general": {"国民经济和社会发展", []genTopic{
		{"优化营商环境", "economy"}, {"安全生产", "emergency"}, {"防汛抗旱", "emergency"}, {"农村人居环境整治", "construction"}, {"生态环境保护", "environment"},
		{"乡村振兴", "livelihood"}, {"政务公开", "general"}, {"稳就业", "livelihood.employment"}, {"政府采购", "finance.procurement"}, {"行政事业性收费", "finance.fees"},
	}, nil, nil, // a department of an unknown field is not given powers it may not hold
		[]string{"《中华人民共和国行政许可法》", "《中华人民共和国安全生产法》", "《中华人民共和国环境保护法》"},
		"各镇人民政府、街道办事处，县政府各部门",
		[]string{"防汛抗旱", "森林火灾", "生产安全事故", "地震灾害"}},
	"hospital": {"医疗服务", []genTopic{
		{"预约诊疗服务", "health.medical"}, {"门诊服务", "health.medical"}, {"住院服务", "health.medical"}, {"医疗质量安全", "health.medical"},
		{"院内感染防控", "health.public_health.epidemic"}, {"家庭医生签约服务", "health.medical"}, {"健康体检", "health.medical"},
		{"药品集中带量采购", "health.medical"}, {"改善就医感受", "health.medical"}, {"健康教育", "health.public_health.education"},
	}, nil, nil,
		[]string{"《中华人民共和国基本医疗卫生与健康促进法》", "《医疗机构管理条例》", "《医疗质量管理办法》"},
		"院内各科室",
		[]string{"突发公共卫生事件医疗救治", "院内火灾", "大批量伤员救治"}},
}

// agencyRole is what kind of body an agency is, which decides the genres it issues.
type agencyRole int

const (
	roleGovernment  agencyRole = iota // 人民政府
	roleDepartment                    // 政府部门: the administrative powers of its field
	roleInstitution                   // 事业单位 (hospital, school, centre): no administrative decisions
)

// roleOf tells an agency's role from its kind.
func roleOf(a *disclosure.Agency) agencyRole {
	switch a.Kind {
	case disclosure.RegionGovernment:
		return roleGovernment
	case disclosure.SubordinateUnit:
		return roleInstitution
	}
	return roleDepartment
}

// isHospital reports whether the agency is a hospital or health centre.
func isHospital(name string) bool {
	return strings.Contains(name, "医院") || strings.Contains(name, "卫生院")
}

// fieldOf tells an agency's field from its name.
func fieldOf(a *disclosure.Agency) genField {
	name := a.Name
	switch {
	case a.Kind == disclosure.RegionGovernment:
		return genFields["general"]
	case isHospital(name):
		return genFields["hospital"]
	case strings.Contains(name, "卫生") || strings.Contains(name, "健康") || strings.Contains(name, "疾病预防控制"):
		return genFields["health"]
	case strings.Contains(name, "民政"):
		return genFields["civil"]
	case strings.Contains(name, "教育"):
		return genFields["education"]
	}
	return genFields["general"]
}

// placeOf is the county or district in an agency's name (平阴县卫生健康局 → 平阴县).
func placeOf(name string) string {
	rs := []rune(name)
	for i, r := range rs {
		if (r == '县' || r == '区' || r == '市') && i > 0 {
			return string(rs[:i+1])
		}
	}
	return "本县"
}

// placeAbbrev is the one character that stands for the place in 文号: the first (平阴县 → 平), or for a name of four
// or more characters before 县/区/市 the one before last (公开示范县 → 示).
func placeAbbrev(place string) string {
	rs := []rune(place)
	if len(rs) > 1 {
		rs = rs[:len(rs)-1]
	}
	if len(rs) >= 4 {
		return string(rs[len(rs)-2])
	}
	return string(rs[:1])
}

// agencyAbbrevs are the abbreviations of common agency names in 文号, longest first.
var agencyAbbrevs = []struct{ suffix, abbrev string }{
	{"卫生健康委员会", "卫健"}, {"卫生健康局", "卫健"}, {"卫生计生局", "卫计"}, {"卫生和计划生育局", "卫计"},
	{"疾病预防控制中心", "疾控"}, {"人民医院", "人医"}, {"中医医院", "中医"}, {"妇幼保健院", "妇幼"},
	{"教育和体育局", "教体"}, {"教育局", "教"}, {"民政局", "民"}, {"财政局", "财"}, {"人民政府", "政"},
}

// docAbbrev is the issuing agency's abbreviation in 文号: the place's character and the agency's (平阴县卫生健康局 →
// 平卫健, 公开示范县人民政府 → 示政); an agency of another name takes the first character after the place.
func docAbbrev(a *disclosure.Agency) string {
	place := placeOf(a.Name)
	p := placeAbbrev(place)
	for _, x := range agencyAbbrevs {
		if strings.HasSuffix(a.Name, x.suffix) {
			return p + x.abbrev
		}
	}
	rest := []rune(strings.TrimPrefix(a.Name, place))
	if len(rest) == 0 {
		return p
	}
	return p + string(rest[0])
}

// joinWords joins two parts of a title without repeating the words where they meet: 居民健康档案管理 + 管理办法 →
// 居民健康档案管理办法, 养老服务 + 服务机构 → 养老服务机构.
func joinWords(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	for k := min(len(ra), len(rb), 4); k >= 2; k-- {
		if string(ra[len(ra)-k:]) == string(rb[:k]) {
			return a + string(rb[k:])
		}
	}
	return a + b
}

var (
	genNames     = []string{"鸿运", "福瑞", "康宁", "仁和", "德济", "华夏", "惠民", "同心", "安康", "金泰", "恒信", "瑞丰", "永安", "博爱", "利民", "百草", "天成", "泰和", "嘉禾", "顺达"}
	genSeasons   = []string{"春季", "夏季", "秋冬季", "汛期", "节假日期间"}
	genReasons   = []string{"该信息已被新发布的文件替代", "信息内容有误，已另行发布更正后的信息", "经复核，该信息涉及个人隐私，予以撤回", "发布渠道调整，已在专题栏目重新发布"}
	genContacts  = []string{"王敏", "李强", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "孙悦"}
	genSentences = []string{
		"各单位要充分认识%s工作的重要意义，把这项工作摆上重要议事日程，主要负责同志亲自抓、负总责。",
		"要坚持以人民为中心，聚焦群众反映强烈的突出问题，切实提升%s工作的针对性和实效性。",
		"要建立健全%s工作台账，实行清单化管理、项目化推进，确保各项任务按时保质完成。",
		"要加强部门协同，按照职责分工做好%s相关工作，形成工作合力。",
		"要加大%s政策宣传力度，通过政府网站、微信公众号、宣传栏等渠道及时发布信息、解读政策。",
		"要严格落实%s资金管理规定，专款专用，任何单位和个人不得截留、挤占、挪用。",
		"要强化督导检查，将%s工作纳入年度目标考核，对工作不力、推进缓慢的单位予以通报。",
		"要做好%s工作中的个人信息保护，依法依规处理有关数据，不得泄露群众个人隐私。",
		"要畅通群众诉求渠道，及时回应社会关切，对群众反映的%s问题做到件件有回音。",
		"要及时总结推广%s工作中的好经验、好做法，发挥典型示范引领作用。",
	}
	genSections = []string{"一、提高思想认识", "二、明确工作任务", "三、强化保障措施", "四、加强监督检查", "五、做好宣传引导"}
)

// genWeights are the genres' shares of a department's items, per thousand.
var genWeights = []struct {
	g disclosure.Genre
	w int
}{
	{disclosure.GenreNews, 180}, {disclosure.GenreNotice, 140}, {disclosure.GenreLicensing, 160}, {disclosure.GenrePenalty, 100},
	{disclosure.GenreNormative, 60}, {disclosure.GenreInterpretation, 30}, {disclosure.GenrePlan, 40}, {disclosure.GenreStatistics, 60},
	{disclosure.GenreBudget, 20}, {disclosure.GenrePersonnel, 60}, {disclosure.GenreEmergency, 30}, {disclosure.GenreCoercion, 10},
	{disclosure.GenreOther, 20}, {disclosure.GenreRules, 0},
}

// DocNumbers holds the last 文号 number given per kind of document and year, so that items generated in several
// batches for one agency go on numbering where the last batch stopped. The zero value is ready to use.
type DocNumbers struct{ last map[string]int }

// next returns the next number of the kind in the year.
func (n *DocNumbers) next(kind string, year int) int {
	if n.last == nil {
		n.last = map[string]int{}
	}
	key := fmt.Sprint(kind, year)
	n.last[key]++
	return n.last[key]
}

// generator holds one run's state: the random source, the agency and its field and role.
type generator struct {
	rng    *rand.Rand
	a      *disclosure.Agency
	field  genField
	role   agencyRole
	place  string
	abbrev string
	cal    *workday.Calendar
	today  workday.Date
	// numbered are the items waiting for a 文号 and its kind (发, 许, 罚, 强, 令), numbered once all are made.
	numbered []numbered
}

type numbered struct {
	it   *disclosure.Item
	kind string
}

// GenerateItems makes n synthetic items of the agency formed in the year (deterministic for a seed), ready for the
// store's ImportItems: published with their dates, review and periodic-review dates, about 6% published later than
// Art 26 allows, about 1.5% withdrawn with a reason, normative documents, plans and emergency plans with 有效性 (about
// 15% since repealed or expired); in the current year, items formed in the last five weeks are partly still drafts,
// in review or ready to publish, some of them late. today bounds every date; the calendar is the built-in one.
// 文号 are numbered from 1; GenerateMoreItems goes on from earlier batches.
func GenerateItems(seed uint64, agency *disclosure.Agency, year, n int, today workday.Date) []*disclosure.Item {
	return GenerateMoreItems(seed, agency, year, n, today, &DocNumbers{})
}

// GenerateMoreItems is GenerateItems numbering the 文号 on from numbers, which it updates; pass the same numbers to
// every batch of one agency.
func GenerateMoreItems(seed uint64, agency *disclosure.Agency, year, n int, today workday.Date, numbers *DocNumbers) []*disclosure.Item {
	g := &generator{rng: rand.New(rand.NewPCG(seed, uint64(year)<<32|uint64(agency.ID))), a: agency, field: fieldOf(agency), role: roleOf(agency),
		place: placeOf(agency.Name), abbrev: docAbbrev(agency), cal: workday.Default(), today: today}
	first, last := workday.NewDate(year, 1, 1), workday.NewDate(year, 12, 31)
	if last.After(today) {
		last = today
	}
	if first.After(last) {
		return nil
	}
	// Items are formed on working days: the span counts those of the year up to today.
	span := max(1, g.cal.WorkdaysBetween(first.AddDays(-1), last))
	total := 0
	for _, w := range genWeights {
		total += g.weight(w.g, w.w)
	}
	out := make([]*disclosure.Item, 0, n)
	for range n {
		pick := g.rng.IntN(total)
		genre := disclosure.GenreNews
		for _, w := range genWeights {
			if pick -= g.weight(w.g, w.w); pick < 0 {
				genre = w.g
				break
			}
		}
		formed := g.cal.Due(first.AddDays(-1), 1+g.rng.IntN(span), nil).Due
		if formed.After(last) {
			formed = last
		}
		out = append(out, g.item(genre, formed))
	}
	// 文号 run in the order the documents were made.
	slices.SortStableFunc(g.numbered, func(a, b numbered) int { return a.it.FormedOn.Compare(b.it.FormedOn) })
	for _, x := range g.numbered {
		y := x.it.FormedOn.Year
		if x.kind == "令" {
			x.it.DocNumber = fmt.Sprintf("%s人民政府令第%d号", g.place, numbers.next(x.kind, 0))
			continue
		}
		x.it.DocNumber = fmt.Sprintf("%s%s〔%d〕%d号", g.abbrev, x.kind, y, numbers.next(x.kind, y))
	}
	slices.SortStableFunc(out, func(a, b *disclosure.Item) int {
		return a.PublishedOn.Compare(b.PublishedOn)
	})
	return out
}

// weight is a genre's share for the agency. Only administrative organs issue 行政规范性文件 and policy
// interpretations; only departments holding the power of their field decide on licences, penalties and coercive
// measures (《中华人民共和国行政处罚法》第十七条: 行政处罚由具有行政处罚权的行政机关在法定职权范围内实施); only the
// government of a city divided into districts makes 规章 (《中华人民共和国立法法》第九十三条), so a county's
// government makes none; a hospital, school or other institution publishes its services, recruitment and budget.
func (g *generator) weight(genre disclosure.Genre, w int) int {
	switch g.role {
	case roleGovernment:
		switch genre {
		case disclosure.GenreLicensing, disclosure.GenrePenalty, disclosure.GenreCoercion:
			return 0
		case disclosure.GenreRules:
			if strings.HasSuffix(g.a.Name, "市人民政府") {
				return 10
			}
			return 0
		case disclosure.GenreNormative:
			return 80
		}
	case roleInstitution:
		switch genre {
		case disclosure.GenreNews:
			return 330
		case disclosure.GenreNotice:
			return 250
		case disclosure.GenrePersonnel:
			return 150
		case disclosure.GenreStatistics:
			return 100
		case disclosure.GenrePlan, disclosure.GenreBudget, disclosure.GenreEmergency, disclosure.GenreOther:
			return w
		}
		return 0
	case roleDepartment:
		switch genre {
		case disclosure.GenreRules:
			return 0
		case disclosure.GenreLicensing:
			if len(g.field.permits) == 0 {
				return 0
			}
		case disclosure.GenrePenalty, disclosure.GenreCoercion:
			if len(g.field.violations) == 0 {
				return 0
			}
		}
	}
	return w
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// number marks the item for a 文号 of the kind, given once all items are made.
func (g *generator) number(it *disclosure.Item, kind string) {
	g.numbered = append(g.numbered, numbered{it, kind})
}

// party names a business of one of the kinds: 平阴县鸿运宾馆, 平阴县餐饮行业协会.
func (g *generator) party(kinds []string) string {
	k := g.pick(kinds)
	if strings.Contains(k, "%s") {
		k = fmt.Sprintf(k, g.pick(genNames))
	}
	return g.place + k
}

// before is a working day a few weeks before the day, in the same year (the day itself early in January).
func (g *generator) before(d workday.Date, lo, hi int) workday.Date {
	b := d.AddDays(-(lo + g.rng.IntN(hi-lo+1)))
	for !g.cal.IsWorkday(b) && b.Year == d.Year {
		b = b.AddDays(-1)
	}
	if b.Year != d.Year || b.After(d) {
		return d
	}
	return b
}

// after is a day a few weeks after d, in the same year (31 December at the latest).
func (g *generator) after(d workday.Date, lo, hi int) workday.Date {
	a := d.AddDays(lo + g.rng.IntN(hi-lo+1))
	if a.Year != d.Year {
		return workday.NewDate(d.Year, 12, 31)
	}
	return a
}

// monthDay writes a date as 3月5日, the way a body writes dates of its own year.
func monthDay(d workday.Date) string { return fmt.Sprintf("%d月%d日", d.Month, d.Day) }

// planPeriod is the five-year plan a year belongs to, and what the year is within it.
func planPeriod(y int) (plan, stage string) {
	names := map[int]string{2016: "十三五", 2021: "十四五", 2026: "十五五", 2031: "十六五"}
	start := 2016 + (y-2016)/5*5
	if y < 2016 {
		start = 2016
	}
	plan = names[start]
	if plan == "" {
		plan = "十五五"
	}
	switch y - start {
	case 0:
		return plan, "开局之年"
	case 4:
		return plan, "收官之年"
	}
	return plan, "关键之年"
}

// money writes yuan the way decisions do: 5000 → 5000元, 20000 → 2万元.
func money(yuan int) string {
	if yuan >= 10000 && yuan%10000 == 0 {
		return fmt.Sprintf("%d万元", yuan/10000)
	}
	return fmt.Sprintf("%d元", yuan)
}

// item makes one item of the genre formed on the day.
func (g *generator) item(genre disclosure.Genre, formed workday.Date) *disclosure.Item {
	t := g.field.topics[g.rng.IntN(len(g.field.topics))]
	y := formed.Year
	it := &disclosure.Item{AgencyID: g.a.ID, Genre: genre, Category: t.category, WrittenOn: formed, FormedOn: formed, Publisher: g.a.Name,
		Keywords: []string{strings.ReplaceAll(t.name, "和", "")}}
	name := g.a.Name
	work := joinWords(t.name, "工作") // 卫生应急工作, 社区治理工作
	var body []string
	para := func(format string, args ...any) { body = append(body, fmt.Sprintf(format, args...)) }
	sentence := func() string { return fmt.Sprintf(g.pick(genSentences), t.name) }
	contact := func() {
		para("联系人：%s，联系电话：0531-8788%04d。", g.pick(genContacts), g.rng.IntN(10000))
	}
	sign := func() {
		para("%s", name)
		para("%s", formed.Chinese())
	}
	// standard is the body of a notice, plan or normative document: addressee, purpose, numbered sections, what
	// to report by when, the closing line, the issuer and the date.
	standard := func(opening, closing string) {
		para("%s：", g.field.units)
		para("%s", opening)
		for i, h := range genSections[:3+g.rng.IntN(3)] {
			para("<strong>%s。</strong>%s%s", h, fmt.Sprintf(genSentences[(i*3+g.rng.IntN(3))%len(genSentences)], t.name), sentence())
		}
		para("请各单位于%s前将%s开展情况（含工作总结和有关数据）报送%s，逾期未报的予以通报。", monthDay(g.after(formed, 20, 60)), work, name)
		contact()
		if closing != "" {
			para("%s", closing)
		}
		sign()
	}
	switch genre {
	case disclosure.GenreNormative, disclosure.GenreRules:
		it.Keywords = append(it.Keywords, "规范性文件")
		effective := g.after(formed, 20, 40)
		closing := fmt.Sprintf("本办法自%d年%s起施行，有效期5年。", effective.Year, monthDay(effective))
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("%s关于印发《%s》的通知", name, joinWords(g.place+t.name, "管理办法"))
		case 1:
			it.Title = fmt.Sprintf("%s关于进一步加强%s的实施意见", name, work)
			closing = fmt.Sprintf("本意见自%d年%s起施行，有效期5年。", effective.Year, monthDay(effective))
		default:
			it.Title = fmt.Sprintf("%s关于调整%s有关标准的通知", name, t.name)
			closing = fmt.Sprintf("本通知自%d年%s起施行，有效期5年。", effective.Year, monthDay(effective))
		}
		g.number(it, "发")
		if genre == disclosure.GenreRules {
			it.Title = joinWords(g.place+t.name, "管理办法")
			g.numbered = g.numbered[:len(g.numbered)-1]
			g.number(it, "令")
		}
		it.Summary = fmt.Sprintf("规定了%s的适用范围、职责分工、工作程序和保障措施。", t.name)
		standard(fmt.Sprintf("为进一步规范%s，根据%s等有关规定，结合本县实际，现就有关事项规定如下。", work, g.pick(g.field.laws)), closing)
	case disclosure.GenreInterpretation:
		it.Title = fmt.Sprintf("《%s关于进一步加强%s的实施意见》政策解读", name, work)
		it.Summary = "从起草背景、主要内容和创新举措三个方面解读文件。"
		para("<strong>一、起草背景。</strong>%d年%s，%s印发了《关于进一步加强%s的实施意见》。%s", y, monthDay(g.before(formed, 5, 20)), name, work, sentence())
		para("<strong>二、主要内容。</strong>文件共分五个部分，明确了%s的目标任务、重点工作和保障措施。%s", t.name, sentence())
		para("<strong>三、创新举措。</strong>%s", sentence())
		para("<strong>四、解读机关及联系方式。</strong>%s，联系电话：0531-8788%04d。", name, g.rng.IntN(10000))
		it.Keywords = append(it.Keywords, "政策解读")
	case disclosure.GenrePlan:
		plan, stage := planPeriod(y)
		if g.role == roleInstitution || g.rng.IntN(2) == 0 {
			it.Title = fmt.Sprintf("%s%d年工作要点", name, y)
			if g.role != roleInstitution {
				it.Title = fmt.Sprintf("%s%d年%s要点", name, y, work)
			}
		} else {
			it.Title = fmt.Sprintf("%s“%s”%s事业发展规划", g.place, plan, g.field.sector)
			if strings.HasSuffix(g.field.sector, "发展") {
				it.Title = fmt.Sprintf("%s“%s”%s规划", g.place, plan, g.field.sector)
			}
		}
		it.Category = "general.plans"
		it.Summary = fmt.Sprintf("提出%d年%s的总体要求、主要目标和重点任务。", y, work)
		standard(fmt.Sprintf("%d年是“%s”规划的%s。为扎实做好%s，现提出如下工作要点。", y, plan, stage, work), "")
	case disclosure.GenreStatistics:
		m := 1 + g.rng.IntN(int(formed.Month))
		if g.role == roleInstitution {
			it.Title = fmt.Sprintf("%s%d年%d月医疗服务情况", name, y, m)
			if !isHospital(name) {
				it.Title = fmt.Sprintf("%s%d年%d月%s情况统计", name, y, m, joinWords(t.name, "工作"))
			}
		} else {
			it.Title = fmt.Sprintf("%d年%d月%s%s统计数据", y, m, g.place, work)
		}
		it.Category = "economy.statistics"
		it.Summary = fmt.Sprintf("%d年%d月%s主要指标完成情况。", y, m, t.name)
		para("%d年1—%d月，%s主要指标完成情况如下：", y, m, joinWords(g.place, t.name))
		month := 500 + g.rng.IntN(20000)
		done := 5 + g.rng.IntN(8*m)
		rows := fmt.Sprintf("<tr><td>服务人次</td><td>%d</td><td>%d</td></tr>", month, month*m+g.rng.IntN(month))
		rows += fmt.Sprintf("<tr><td>年度任务完成率（%%）</td><td>%d.%d</td><td>%d.%d</td></tr>", min(done, 100)/m, g.rng.IntN(10), min(done, 100), g.rng.IntN(10))
		rows += fmt.Sprintf("<tr><td>同比增长（%%）</td><td>%d.%d</td><td>%d.%d</td></tr>", g.rng.IntN(15), g.rng.IntN(10), g.rng.IntN(12), g.rng.IntN(10))
		body = append(body, "<table><thead><tr><th>指标</th><th>本月</th><th>累计</th></tr></thead><tbody>"+rows+"</tbody></table>")
		para("注：数据来源于%s业务统计，为快报数，以年报为准。", name)
		it.Keywords = append(it.Keywords, "统计数据")
	case disclosure.GenreLicensing:
		pm := g.field.permits[g.rng.IntN(len(g.field.permits))]
		c := g.party(pm.businesses)
		applied := g.before(formed, 8, 25)
		it.Title = fmt.Sprintf("准予%s%s的行政许可决定书", c, pm.name)
		g.number(it, "许")
		it.Category = "enforcement.licensing"
		it.Summary = fmt.Sprintf("准予%s%s。", c, pm.name)
		para("申请人：%s", c)
		para("你单位于%d年%s提出的%s申请，本机关已于当日受理。经审查，申请材料齐全、符合法定形式，符合法定条件、标准。依据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。", y, monthDay(applied), pm.name)
		licence := fmt.Sprintf("请于收到本决定书之日起十日内到%s政务服务中心领取《%s》（编号：%s〔%d〕第%04d号）", g.place, pm.licence, g.abbrev, y, 1+g.rng.IntN(3000))
		if pm.years > 0 {
			licence += fmt.Sprintf("，有效期自%d年%s至%d年%s", y, monthDay(formed), y+pm.years, monthDay(formed.AddDays(-1)))
		}
		para("%s。", licence)
		sign()
		it.Keywords = append(it.Keywords, "行政许可")
	case disclosure.GenrePenalty, disclosure.GenreCoercion:
		v := g.field.violations[g.rng.IntN(len(g.field.violations))]
		c := g.party(v.businesses)
		found := g.before(formed, 15, 40)
		if genre == disclosure.GenreCoercion {
			it.Title = fmt.Sprintf("关于对%s涉案物品实施查封扣押的决定书", c)
			g.number(it, "强")
			it.Category = "enforcement.coercion"
			it.Summary = fmt.Sprintf("%s涉嫌%s，对有关物品实施查封、扣押。", c, v.act)
			para("当事人：%s", c)
			para("%d年%s，本机关执法人员在检查中发现当事人涉嫌%s，违反了%s的规定。", y, monthDay(found), v.act, v.broke)
			para("为防止证据损毁、危害发生，依据《中华人民共和国行政强制法》第二十二条、第二十三条的规定，本机关决定对当事人的有关物品实施查封、扣押，期限为三十日（自%d年%s至%d年%s）。", y, monthDay(formed), formed.AddDays(29).Year, monthDay(formed.AddDays(29)))
			para("当事人如不服本决定，可以在收到本决定书之日起六十日内向%s人民政府申请行政复议，或者在六个月内向%s人民法院提起行政诉讼。", g.place, g.place)
			sign()
			it.Keywords = append(it.Keywords, "行政强制")
			break
		}
		it.Title = fmt.Sprintf("关于对%s的行政处罚决定书", c)
		g.number(it, "罚")
		it.Category = "enforcement.penalty"
		decision, summary := "给予警告的行政处罚", "予以警告"
		if v.fine[1] > 0 {
			steps := (v.fine[1] - v.fine[0]) / max(1, v.fine[0]) // fines in multiples of the minimum
			amount := v.fine[0] * (1 + g.rng.IntN(max(1, steps)))
			decision = fmt.Sprintf("给予警告并处罚款人民币%s的行政处罚", money(amount))
			summary = fmt.Sprintf("予以警告并处罚款%s", money(amount))
		}
		it.Summary = fmt.Sprintf("%s%s，%s。", c, v.act, summary)
		para("当事人：%s", c)
		para("%d年%s，本机关执法人员对当事人进行监督检查，发现当事人%s。本机关于当日立案调查。", y, monthDay(found), v.act)
		para("经查，当事人%s，违反了%s的规定。以上事实有现场笔录、询问笔录、照片等证据为证。本机关已告知当事人拟作出行政处罚的事实、理由、依据及其依法享有的陈述、申辩权利，当事人在规定期限内未提出陈述、申辩。", v.act, v.broke)
		para("依据%s的规定，本机关决定对当事人%s。", v.basis, decision)
		if v.fine[1] > 0 {
			para("当事人应当自收到本决定书之日起十五日内，将罚款缴至指定银行；逾期不缴纳的，每日按罚款数额的百分之三加处罚款。")
		}
		para("当事人如不服本决定，可以在收到本决定书之日起六十日内向%s人民政府申请行政复议，或者在六个月内向%s人民法院提起行政诉讼。", g.place, g.place)
		sign()
		it.Keywords = append(it.Keywords, "行政处罚")
	case disclosure.GenreBudget:
		kind := "部门"
		if g.role == roleInstitution {
			kind = "单位"
		}
		income := 1000 + g.rng.IntN(9000)
		if formed.Month <= 3 {
			it.Title = fmt.Sprintf("%s%d年%s预算", name, y, kind)
			para("<strong>一、%s主要职责。</strong>%s是负责本县%s工作的%s。", kind, name, g.field.sector, map[bool]string{true: "公益类事业单位", false: "政府工作部门"}[g.role == roleInstitution])
			para("<strong>二、收支预算总体情况。</strong>%d年收入预算%d.%02d万元，支出预算%d.%02d万元，收支平衡。", y, income, g.rng.IntN(100), income, g.rng.IntN(100))
		} else {
			it.Title = fmt.Sprintf("%s%d年度%s决算", name, y-1, kind)
			para("<strong>一、%s主要职责。</strong>%s是负责本县%s工作的%s。", kind, name, g.field.sector, map[bool]string{true: "公益类事业单位", false: "政府工作部门"}[g.role == roleInstitution])
			para("<strong>二、收支决算总体情况。</strong>%d年度收入合计%d.%02d万元，支出合计%d.%02d万元。", y-1, income, g.rng.IntN(100), income-g.rng.IntN(200), g.rng.IntN(100))
		}
		it.Category = "finance.budget"
		it.Summary = "包括职责、收支总表、“三公”经费情况说明和名词解释。"
		para("<strong>三、“三公”经费情况。</strong>因公出国（境）费0万元，公务用车购置及运行费%d.%02d万元，公务接待费%d.%02d万元。", g.rng.IntN(30), g.rng.IntN(100), g.rng.IntN(10), g.rng.IntN(100))
		para("<strong>四、名词解释。</strong>“三公”经费是指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。")
		it.Keywords = append(it.Keywords, "预决算", "三公经费")
	case disclosure.GenrePersonnel:
		it.Category = "personnel.recruitment"
		posts := 3 + g.rng.IntN(30)
		start := g.after(formed, 5, 10)
		if g.rng.IntN(2) == 0 {
			if g.role == roleInstitution {
				it.Title = fmt.Sprintf("%s%d年公开招聘工作人员公告", name, y)
			} else {
				it.Title = fmt.Sprintf("%s所属事业单位%d年公开招聘工作人员公告", name, y)
			}
			para("根据工作需要，经研究，%d年公开招聘工作人员%d名。现将有关事项公告如下：", y, posts)
			para("<strong>一、招聘岗位和条件。</strong>招聘岗位、人数及资格条件详见《招聘岗位汇总表》。报名人员应具有岗位要求的学历学位和专业，年龄在35周岁以下。")
			para("<strong>二、报名时间。</strong>%d年%s至%s，逾期不再受理。", start.Year, monthDay(start), monthDay(g.after(start, 4, 6)))
			para("<strong>三、考试。</strong>笔试时间另行通知，笔试成绩和面试成绩各占50%%。")
			contact()
		} else {
			it.Title = fmt.Sprintf("%s%d年公开招聘拟聘用人员公示", name, y)
			para("经笔试、面试、考察和体检，现将%d名拟聘用人员名单予以公示。公示期为%d年%s至%s（5个工作日）。", posts, y, monthDay(start), monthDay(g.cal.Due(start, 4, nil).Due))
			para("公示期间，对拟聘用人员有异议的，可以书面或电话向%s反映。反映问题要实事求是，并提供必要的调查线索。", name)
			contact()
		}
		it.Summary = "招聘岗位、报名条件、考试安排和聘用程序。"
		it.Keywords = append(it.Keywords, "招聘")
	case disclosure.GenreEmergency:
		event := g.pick(g.field.emergency)
		if g.rng.IntN(2) == 0 {
			it.Title = joinWords(name+event, "应急预案")
			it.Summary = "明确组织体系、监测预警、应急响应和保障措施。"
			para("<strong>一、总则。</strong>为有效预防和妥善处置%s，最大限度减少危害，保障人民群众生命财产安全，制定本预案。", event)
			para("<strong>二、组织体系。</strong>成立%s应急处置领导小组，主要负责同志任组长，分管负责同志任副组长。", joinWords(name, event))
			para("<strong>三、监测预警。</strong>%s", sentence())
			para("<strong>四、应急响应。</strong>按照事件的性质、严重程度和影响范围，应急响应分为四级。")
			para("本预案自%d年%s起施行。", y, monthDay(formed))
		} else {
			season := g.pick(genSeasons)
			it.Title = fmt.Sprintf("关于做好%d年%s%s应急工作的通知", y, season, event)
			it.Summary = fmt.Sprintf("部署%s%s应急工作。", season, event)
			standard(fmt.Sprintf("为有效应对%s%s，现就做好有关工作通知如下。", season, event), "特此通知。")
		}
		it.Category = "emergency"
		if strings.HasPrefix(t.category, "health") {
			it.Category = "health.emergency"
		}
		it.Keywords = append(it.Keywords, "应急预案")
	case disclosure.GenreNotice:
		if isHospital(name) {
			switch g.rng.IntN(3) {
			case 0:
				service := g.pick([]string{"门诊", "健康体检", "预约诊疗", "核酸检测", "中医理疗"})
				it.Title = fmt.Sprintf("%s关于调整%s服务时间的公告", name, service)
				para("为进一步方便群众就医，自%d年%s起，本院%s服务时间调整为：周一至周日8:00—12:00，13:30—17:30（法定节假日另行通知）。", y, monthDay(g.after(formed, 3, 10)), service)
			case 1:
				theme := g.pick([]string{"全国高血压日", "世界糖尿病日", "全民健康生活方式日", "服务百姓健康行动", "世界防治结核病日"})
				it.Title = fmt.Sprintf("%s关于开展%d年“%s”义诊活动的通知", name, y, theme)
				para("为提高群众健康素养，本院定于%d年%s在门诊楼一楼大厅开展“%s”义诊活动，届时将有内科、外科、妇科、儿科等科室专家坐诊。", y, monthDay(g.after(formed, 5, 15)), theme)
			default:
				list := g.pick([]string{"医疗服务价格", "药品和医用耗材价格", "健康体检服务项目及收费标准"})
				it.Title = fmt.Sprintf("%s%d年%s公示", name, y, list)
				para("根据有关规定，现将本院%s予以公示，公示期自%d年%s起10个工作日。", list, y, monthDay(formed))
			}
			para("%s", sentence())
			contact()
			it.Summary = fmt.Sprintf("%s有关事项。", strings.TrimPrefix(it.Title, name))
			sign()
			break
		}
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("关于开展%d年%s的通知", y, work)
		case 1:
			list := joinWords(t.name, "服务机构")
			it.Title = fmt.Sprintf("%s关于公布%s名单的公告", name, list)
			it.Summary = fmt.Sprintf("公布%s%s名单。", g.place, list)
			para("根据%s等有关规定，经单位申报、实地核查和集体研究，现将%s%s名单（共%d家）予以公布。", g.pick(g.field.laws), g.place, list, 5+g.rng.IntN(40))
			para("名单内机构应当严格按照有关规定开展服务，接受社会监督。名单实行动态管理，对不再符合条件的机构，将及时调整并予以公布。")
			para("特此公告。")
			sign()
			break
		default:
			it.Title = fmt.Sprintf("关于做好%s%s的通知", g.pick(genSeasons), work)
		}
		if it.Summary != "" {
			break
		}
		it.Summary = fmt.Sprintf("部署%s有关工作。", t.name)
		standard(fmt.Sprintf("为做好%d年%s，现将有关事项通知如下。", y, work), "特此通知。")
	case disclosure.GenreNews:
		day := g.before(formed, 0, 3)
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("%s召开%d年%s推进会", name, y, work)
			para("%s，%s召开%d年%s推进会，总结前一阶段工作，安排部署下一步重点任务。", monthDay(day), name, y, work)
		case 1:
			it.Title = fmt.Sprintf("%s开展%s专项检查", name, t.name)
			para("%s至%s，%s组织专门力量，对全县%s开展专项检查，共检查单位%d家，发现问题%d个，已当场整改%d个。", monthDay(g.before(day, 7, 14)), monthDay(day), name, work, 10+g.rng.IntN(60), 5+g.rng.IntN(20), g.rng.IntN(5))
		default:
			who := g.place
			if g.role == roleInstitution {
				who = name
			}
			it.Title = fmt.Sprintf("%s%s取得阶段性成效", who, work)
			para("今年以来，%s扎实推进%s，截至%s，各项指标完成情况良好。", name, work, monthDay(day))
		}
		para("%s", sentence())
		para("%s", sentence())
	default:
		it.Title = joinWords(name, work) + "情况"
		it.Category = "other"
		para("%d年以来，%s认真做好%s，截至%s，各项任务按计划推进。", y, name, work, monthDay(formed))
		para("%s%s", sentence(), sentence())
		para("下一步，%s将继续抓好%s，及时公开有关情况，接受社会监督。", name, work)
	}
	var b strings.Builder
	for _, p := range body {
		if strings.HasPrefix(p, "<table") {
			b.WriteString(p)
			continue
		}
		b.WriteString("<p>")
		b.WriteString(p)
		b.WriteString("</p>")
	}
	it.Body = b.String()
	g.publish(it, formed)
	return it
}

// publish gives an item its state and dates: publication a few working days after it was formed (sometimes later
// than Art 26 allows), validity, periodic review, hits; recent items of the current year may still be in the
// workflow.
func (g *generator) publish(it *disclosure.Item, formed workday.Date) {
	spec, _ := it.Genre.Spec()
	settings := g.a.Settings.WithDefaults()
	it.Art20 = spec.Art20
	it.CreatedAt = formed.In(time.UTC).Add(time.Hour)
	recent := g.cal.WorkdaysBetween(formed, g.today) < 25
	if recent && g.rng.IntN(3) == 0 {
		it.State = []disclosure.ItemState{disclosure.ItemDraft, disclosure.ItemDraft, disclosure.ItemInReview, disclosure.ItemReady}[g.rng.IntN(4)]
		if it.State != disclosure.ItemDraft {
			it.Review = &disclosure.ItemReview{SubmittedBy: "公开专员"}
		}
		if it.State == disclosure.ItemReady {
			it.Review.Passed, it.Review.Reviewer, it.Review.At = true, "保密审查员", it.CreatedAt.Add(24*time.Hour)
		}
		it.UpdatedAt = it.CreatedAt
		if spec.Validity {
			it.Validity = disclosure.InForce
		}
		it.Version = 1
		return
	}
	wait := 1 + g.rng.IntN(12)
	if g.rng.IntN(100) < 6 {
		wait = 21 + g.rng.IntN(15) // late under Art 26
	}
	published := g.cal.Due(formed, wait, nil).Due
	if published.After(g.today) {
		published = g.today
	}
	it.State, it.PublishedOn = disclosure.ItemPublished, published
	it.Review = &disclosure.ItemReview{Passed: true, SubmittedBy: "公开专员", Reviewer: "保密审查员", At: published.In(time.UTC)}
	it.UpdatedAt = published.In(time.UTC).Add(2 * time.Hour)
	it.Hits = int64(g.rng.IntN(200))
	if g.rng.IntN(50) == 0 {
		it.Hits += int64(g.rng.IntN(20000))
	}
	if spec.Validity {
		it.Validity, it.EffectiveOn = disclosure.InForce, published
		if g.rng.IntN(100) < 15 {
			if end := g.cal.Due(published, 10+g.rng.IntN(150), nil).Due; !end.After(g.today) {
				it.Validity, it.EndedOn = []disclosure.Validity{disclosure.Repealed, disclosure.Expired}[g.rng.IntN(2)], end
			}
		}
	}
	if m := settings.ReviewPeriod(it.Genre); m > 0 && it.Validity != disclosure.Repealed && it.Validity != disclosure.Expired {
		it.ReviewOn = addMonths(published, m)
	}
	if g.rng.IntN(200) < 3 {
		it.State, it.WithdrawnReason = disclosure.ItemWithdrawn, g.pick(genReasons)
	}
	it.Version = 3
}

// GenerateChannels makes the pushes of imported items to other channels (微信公众号 mostly, 微博, 政府公报 for
// normative documents, now and then a press conference), deterministic for a seed, none later than today. The
// items must have their IDs.
func GenerateChannels(seed uint64, items []*disclosure.Item, today workday.Date) []disclosure.ItemChannel {
	rng := rand.New(rand.NewPCG(seed, 0xC4A77E1))
	var out []disclosure.ItemChannel
	for _, it := range items {
		if it.ID == 0 || it.PublishedOn.IsZero() || rng.IntN(100) >= 40 {
			continue
		}
		out = append(out, disclosure.ItemChannel{ItemID: it.ID, Channel: "微信公众号", On: it.PublishedOn, Count: 1})
		if rng.IntN(3) == 0 {
			out = append(out, disclosure.ItemChannel{ItemID: it.ID, Channel: "微博", On: it.PublishedOn, Count: 1 + rng.IntN(2)})
		}
		if it.Genre == disclosure.GenreNormative || it.Genre == disclosure.GenreRules {
			if on := it.PublishedOn.AddDays(7 + rng.IntN(20)); !on.After(today) {
				out = append(out, disclosure.ItemChannel{ItemID: it.ID, Channel: "政府公报", On: on, Count: 1})
			}
		}
		if rng.IntN(100) == 0 {
			out = append(out, disclosure.ItemChannel{ItemID: it.ID, Channel: "新闻发布会", On: it.PublishedOn, Count: 1})
		}
	}
	return out
}
