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

// Generated items imitate what a county department publishes in a year: mostly 工作动态, notices and licensing and
// penalty decisions, some normative documents (a few since repealed or expired), plans, statistics, budgets,
// personnel and emergency items; nearly all published within Art 26's 20 working days, a few late, a few
// withdrawn; in the current year some still in the workflow. Titles, 文号 and bodies come from templates per genre
// and the agency's field (health, civil affairs, education, or general government work). The figures are made up;
// they fill the demo and the performance tests.

// genTopic is a subject of an agency's work with the 主题分类 it files under.
type genTopic struct{ name, category string }

// genField is what an agency of one field works on.
type genField struct {
	char      string // the field's character in 文号 (平卫发, 平民发 …)
	topics    []genTopic
	permits   []string
	violation []string
	laws      []string
	units     string // the addressees of its notices
}

var genFields = map[string]genField{
	"health": {"卫", []genTopic{
		{"预防接种", "health.public_health.vaccination"}, {"居民健康档案管理", "health.public_health.records"}, {"健康教育", "health.public_health.education"},
		{"0—6岁儿童健康管理", "health.public_health.children"}, {"孕产妇健康管理", "health.public_health.maternal"}, {"老年人健康管理", "health.public_health.elderly"},
		{"高血压和2型糖尿病患者健康管理", "health.public_health.chronic"}, {"严重精神障碍患者管理", "health.public_health.mental"},
		{"肺结核患者健康管理", "health.public_health.tuberculosis"}, {"中医药健康管理", "health.public_health.tcm"}, {"传染病防控", "health.public_health.epidemic"},
		{"卫生监督协管", "health.public_health.supervision"}, {"家庭医生签约服务", "health.medical"}, {"医疗机构依法执业", "health.medical"},
		{"计划生育家庭奖励扶助", "health.family"}, {"卫生应急", "health.emergency"}, {"爱国卫生运动", "health.public_health.education"},
		{"基本公共卫生服务项目", "health.public_health"}, {"医疗废物管理", "health.enforcement"}, {"职业病防治", "health.enforcement"},
	}, []string{"医疗机构执业许可证变更登记", "公共场所卫生许可", "放射诊疗许可", "集中式供水单位卫生许可", "医师执业注册", "母婴保健技术服务执业许可"},
		[]string{"未取得公共场所卫生许可证擅自营业", "使用非卫生技术人员从事医疗卫生技术工作", "未按规定处置医疗废物", "供水水质不符合国家卫生标准", "未建立从业人员健康档案"},
		[]string{"《中华人民共和国基本医疗卫生与健康促进法》", "《中华人民共和国传染病防治法》", "《中华人民共和国疫苗管理法》", "《医疗机构管理条例》", "《公共场所卫生管理条例》"},
		"各镇（街道）卫生院，县直各医疗卫生单位"},
	"civil": {"民", []genTopic{
		{"最低生活保障", "livelihood.social_assistance"}, {"特困人员救助供养", "livelihood.social_assistance"}, {"临时救助", "livelihood.social_assistance"},
		{"养老服务", "livelihood"}, {"殡葬管理", "livelihood"}, {"婚姻登记", "general"}, {"社会组织登记管理", "general"}, {"残疾人两项补贴", "livelihood.social_assistance"},
		{"农村留守儿童关爱保护", "livelihood"}, {"社区治理", "general"},
	}, []string{"民办非企业单位成立登记", "社会团体变更登记", "养老机构备案", "经营性公墓审批"},
		[]string{"未按照章程规定的宗旨和业务范围开展活动", "未按规定办理变更登记", "违规收取服务费用"},
		[]string{"《社会救助暂行办法》", "《中华人民共和国老年人权益保障法》", "《社会团体登记管理条例》", "《殡葬管理条例》"},
		"各镇人民政府、街道办事处，县直有关部门"},
	"education": {"教", []genTopic{
		{"义务教育招生入学", "livelihood.education"}, {"学生资助", "livelihood.education"}, {"校园安全", "livelihood.education"}, {"教师队伍建设", "personnel"},
		{"中小学食堂管理", "livelihood.education"}, {"全民健身", "livelihood"}, {"课后服务", "livelihood.education"}, {"学前教育", "livelihood.education"},
	}, []string{"民办学校办学许可", "校外培训机构设立审批", "教师资格认定"},
		[]string{"未经批准擅自举办校外培训", "违规收取费用", "办学条件不符合规定"},
		[]string{"《中华人民共和国教育法》", "《中华人民共和国义务教育法》", "《中华人民共和国民办教育促进法》"},
		"各镇（街道）中心学校，县直各学校"},
	"general": {"政", []genTopic{
		{"优化营商环境", "economy"}, {"安全生产", "emergency"}, {"防汛抗旱", "emergency"}, {"农村人居环境整治", "construction"}, {"生态环境保护", "environment"},
		{"乡村振兴", "livelihood"}, {"政务公开", "general"}, {"稳就业", "livelihood.employment"}, {"政府采购", "finance.procurement"}, {"行政事业性收费", "finance.fees"},
	}, []string{"建设工程规划许可", "临时占用道路许可", "户外广告设置许可"},
		[]string{"未取得许可擅自施工", "违规占用道路", "未按规定设置安全警示标志"},
		[]string{"《中华人民共和国行政许可法》", "《中华人民共和国安全生产法》", "《中华人民共和国环境保护法》"},
		"各镇人民政府、街道办事处，县政府各部门"},
}

// fieldOf guesses an agency's field from its name.
func fieldOf(name string) genField {
	switch {
	case strings.Contains(name, "卫生") || strings.Contains(name, "医院") || strings.Contains(name, "健康"):
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

var (
	genNames     = []string{"鸿运", "福瑞", "康宁", "仁和", "德济", "华夏", "惠民", "同心", "安康", "金泰", "恒信", "瑞丰", "永安", "博爱", "利民", "百草", "天成", "泰和", "嘉禾", "顺达"}
	genBusiness  = []string{"诊所", "大药房", "酒店有限公司", "商贸有限公司", "宾馆", "口腔诊所", "洗浴中心", "美容美发店", "供水站", "健身俱乐部"}
	genSeasons   = []string{"春季", "夏季", "秋冬季", "汛期", "节假日期间"}
	genReasons   = []string{"该信息已被新发布的文件替代", "信息内容有误，已另行发布更正后的信息", "经复核，该信息涉及个人隐私，予以撤回", "发布渠道调整，已在专题栏目重新发布"}
	genSentences = []string{
		"各单位要充分认识%s工作的重要意义，把这项工作摆上重要议事日程，主要负责同志亲自抓、负总责。",
		"要坚持以人民为中心，聚焦群众反映强烈的突出问题，切实提升%s工作的针对性和实效性。",
		"要建立健全%s工作台账，实行清单化管理、项目化推进，确保各项任务按时保质完成。",
		"要加强部门协同，卫生健康、民政、教育、财政等部门按照职责分工做好%s相关工作。",
		"要加大%s政策宣传力度，通过政府网站、微信公众号、宣传栏等渠道及时发布信息、解读政策。",
		"要严格落实%s资金管理规定，专款专用，任何单位和个人不得截留、挤占、挪用。",
		"要强化督导检查，将%s工作纳入年度目标考核，对工作不力、推进缓慢的单位予以通报。",
		"要做好%s工作中的个人信息保护，依法依规处理有关数据，不得泄露群众个人隐私。",
		"要畅通群众诉求渠道，及时回应社会关切，对群众反映的%s问题做到件件有回音。",
		"各镇（街道）要于每季度末将%s工作开展情况报送县主管部门。",
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

// generator holds one run's state: the random source, the agency, and the running numbers of its 文号.
type generator struct {
	rng    *rand.Rand
	a      *disclosure.Agency
	field  genField
	place  string
	short  string
	cal    *workday.Calendar
	today  workday.Date
	serial map[string]int
}

// GenerateItems makes n synthetic items of the agency formed in the year (deterministic for a seed), ready for the
// store's ImportItems: published with their dates, review and periodic-review dates, about 6% published later than
// Art 26 allows, about 1.5% withdrawn with a reason, normative documents, plans and emergency plans with 有效性 (about
// 15% since repealed or expired); in the current year, items formed in the last five weeks are partly still drafts,
// in review or ready to publish, some of them late. today bounds every date; the calendar is the built-in one.
func GenerateItems(seed uint64, agency *disclosure.Agency, year, n int, today workday.Date) []*disclosure.Item {
	g := &generator{rng: rand.New(rand.NewPCG(seed, uint64(year)<<32|uint64(agency.ID))), a: agency, field: fieldOf(agency.Name), place: placeOf(agency.Name),
		cal: workday.Default(), today: today, serial: map[string]int{}}
	g.short = agency.ShortName
	if g.short == "" {
		g.short = string([]rune(g.place)[:1]) + g.field.char
	}
	if agency.Kind == disclosure.RegionGovernment {
		g.short = string([]rune(g.place)[:1]) + "政"
	}
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
	slices.SortStableFunc(out, func(a, b *disclosure.Item) int {
		return a.PublishedOn.Compare(b.PublishedOn)
	})
	return out
}

// weight is a genre's share for the agency: only people's governments make 规章.
func (g *generator) weight(genre disclosure.Genre, w int) int {
	if genre == disclosure.GenreRules && g.a.Kind == disclosure.RegionGovernment {
		return 10
	}
	return w
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) docNumber(kind string, year int) string {
	key := fmt.Sprint(kind, year)
	if g.serial[key] == 0 {
		g.serial[key] = 1 + g.rng.IntN(20)
	}
	g.serial[key] += 1 + g.rng.IntN(3)
	return fmt.Sprintf("%s%s〔%d〕%d号", g.short, kind, year, g.serial[key])
}

func (g *generator) company() string { return g.place + g.pick(genNames) + g.pick(genBusiness) }

// item makes one item of the genre formed on the day.
func (g *generator) item(genre disclosure.Genre, formed workday.Date) *disclosure.Item {
	t := g.field.topics[g.rng.IntN(len(g.field.topics))]
	y := formed.Year
	it := &disclosure.Item{AgencyID: g.a.ID, Genre: genre, Category: t.category, WrittenOn: formed, FormedOn: formed, Publisher: g.a.Name,
		Keywords: []string{strings.ReplaceAll(t.name, "和", "")}}
	name := g.a.Name
	var body []string
	para := func(s string) { body = append(body, s) }
	standard := func(opening string) {
		para(g.field.units + "：")
		para(opening)
		for i, h := range genSections[:3+g.rng.IntN(3)] {
			para("<strong>" + h + "。</strong>" + fmt.Sprintf(genSentences[(i*3+g.rng.IntN(3))%len(genSentences)], t.name) + fmt.Sprintf(g.pick(genSentences), t.name))
		}
		para("本通知自印发之日起施行。")
		para(name)
		para(formed.Chinese())
	}
	switch genre {
	case disclosure.GenreNormative, disclosure.GenreRules:
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("%s关于印发《%s%s管理办法》的通知", name, g.place, t.name)
		case 1:
			it.Title = fmt.Sprintf("%s关于进一步加强%s工作的实施意见", name, t.name)
		default:
			it.Title = fmt.Sprintf("%s关于调整%s有关标准的通知", name, t.name)
		}
		it.DocNumber = g.docNumber("发", y)
		if genre == disclosure.GenreRules {
			it.Title = fmt.Sprintf("%s%s管理办法", g.place, t.name)
			it.DocNumber = fmt.Sprintf("%s人民政府令第%d号", g.place, 1+g.rng.IntN(30))
		}
		it.Summary = fmt.Sprintf("规定了%s的适用范围、职责分工、工作程序和保障措施。", t.name)
		standard(fmt.Sprintf("为进一步规范%s工作，根据%s等有关规定，结合本地实际，制定本办法（意见）。", t.name, g.pick(g.field.laws)))
		it.Keywords = append(it.Keywords, "规范性文件")
	case disclosure.GenreInterpretation:
		it.Title = fmt.Sprintf("《%s关于进一步加强%s工作的实施意见》政策解读", name, t.name)
		it.Summary = "从起草背景、主要内容和创新举措三个方面解读文件。"
		para("<strong>一、起草背景</strong>" + fmt.Sprintf(g.pick(genSentences), t.name))
		para(fmt.Sprintf("<strong>二、主要内容</strong>文件共分五个部分，明确了%s的目标任务、重点工作和保障措施。", t.name))
		para("<strong>三、创新举措</strong>" + fmt.Sprintf(g.pick(genSentences), t.name))
		it.Keywords = append(it.Keywords, "政策解读")
	case disclosure.GenrePlan:
		if g.rng.IntN(2) == 0 {
			it.Title = fmt.Sprintf("%s%d年%s工作要点", name, y, t.name)
		} else {
			it.Title = fmt.Sprintf("%s%s“十五五”发展规划", g.place, t.name)
		}
		it.Category = "general.plans"
		it.Summary = fmt.Sprintf("提出%d年%s工作的总体要求、主要目标和重点任务。", y, t.name)
		standard(fmt.Sprintf("%d年是“十五五”规划的关键之年。为扎实做好%s工作，制定本要点。", y, t.name))
	case disclosure.GenreStatistics:
		m := 1 + g.rng.IntN(int(formed.Month))
		it.Title = fmt.Sprintf("%d年%d月%s%s工作统计数据", y, m, g.place, t.name)
		it.Category = "economy.statistics"
		it.Summary = fmt.Sprintf("%d年%d月%s主要指标完成情况。", y, m, t.name)
		para(fmt.Sprintf("%d年%d月，全县%s工作主要指标如下：", y, m, t.name))
		rows := ""
		for _, label := range []string{"服务人次", "完成率（%）", "同比增长（%）"} {
			rows += fmt.Sprintf("<tr><td>%s</td><td>%d</td><td>%d</td></tr>", label, g.rng.IntN(20000), g.rng.IntN(100))
		}
		body = append(body, "<table><thead><tr><th>指标</th><th>本月</th><th>累计</th></tr></thead><tbody>"+rows+"</tbody></table>")
		it.Keywords = append(it.Keywords, "统计数据")
	case disclosure.GenreLicensing:
		c, p := g.company(), g.pick(g.field.permits)
		it.Title = fmt.Sprintf("关于准予%s%s的行政许可决定", c, p)
		it.DocNumber = g.docNumber("许", y)
		it.Category = "enforcement.licensing"
		it.Summary = fmt.Sprintf("准予%s%s。", c, p)
		para(c + "：")
		para(fmt.Sprintf("你单位提交的%s申请材料齐全、符合法定形式。经审查，符合法定条件、标准，依据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。", p))
		para(fmt.Sprintf("许可证号：%s（%d）第%06d号，有效期至%d年%d月%d日。", g.short, y, g.rng.IntN(1000000), y+5, formed.Month, min(formed.Day, 28)))
		para(name)
		para(formed.Chinese())
		it.Keywords = append(it.Keywords, "行政许可")
	case disclosure.GenrePenalty, disclosure.GenreCoercion:
		c, v := g.company(), g.pick(g.field.violation)
		it.Title = fmt.Sprintf("关于%s%s的行政处罚决定", c, v)
		it.DocNumber = g.docNumber("罚", y)
		it.Category = "enforcement.penalty"
		if genre == disclosure.GenreCoercion {
			it.Title = fmt.Sprintf("关于对%s采取查封扣押措施的决定", c)
			it.DocNumber = g.docNumber("强", y)
			it.Category = "enforcement.coercion"
		}
		amount := (1 + g.rng.IntN(50)) * 1000
		it.Summary = fmt.Sprintf("%s%s，予以警告并处罚款%d元。", c, v, amount)
		para(fmt.Sprintf("当事人：%s。", c))
		para(fmt.Sprintf("经查，当事人%s，违反了%s的有关规定。以上事实有现场笔录、询问笔录、照片等证据为证。", v, g.pick(g.field.laws)))
		para(fmt.Sprintf("依据有关规定，本机关决定给予当事人警告并处罚款人民币%d元的行政处罚。当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。", amount))
		para(name)
		para(formed.Chinese())
		it.Keywords = append(it.Keywords, "行政处罚")
	case disclosure.GenreBudget:
		if formed.Month <= 3 {
			it.Title = fmt.Sprintf("%s%d年部门预算", name, y)
		} else {
			it.Title = fmt.Sprintf("%s%d年度部门决算", name, y-1)
		}
		it.Category = "finance.budget"
		it.Summary = "包括部门职责、收支总表、“三公”经费情况说明和名词解释。"
		para(fmt.Sprintf("一、部门主要职责。二、收支总体情况：收入合计%d.%02d万元，支出合计%d.%02d万元。", 1000+g.rng.IntN(9000), g.rng.IntN(100), 1000+g.rng.IntN(9000), g.rng.IntN(100)))
		para(fmt.Sprintf("三、“三公”经费支出情况：因公出国（境）费0万元，公务用车购置及运行费%d.%02d万元，公务接待费%d.%02d万元。", g.rng.IntN(30), g.rng.IntN(100), g.rng.IntN(10), g.rng.IntN(100)))
		it.Keywords = append(it.Keywords, "预决算", "三公经费")
	case disclosure.GenrePersonnel:
		it.Category = "personnel.recruitment"
		if g.rng.IntN(2) == 0 {
			it.Title = fmt.Sprintf("%d年%s所属事业单位公开招聘工作人员公告", y, name)
			para(fmt.Sprintf("根据工作需要，经研究，%s所属事业单位%d年公开招聘工作人员%d名。现将有关事项公告如下：", name, y, 3+g.rng.IntN(30)))
		} else {
			it.Title = fmt.Sprintf("%s%d年公开招聘拟聘用人员公示", name, y)
			para("经笔试、面试、考察和体检，现将拟聘用人员名单予以公示，公示期为5个工作日。")
		}
		it.Summary = "招聘岗位、报名条件、考试安排和聘用程序。"
		it.Keywords = append(it.Keywords, "招聘")
	case disclosure.GenreEmergency:
		if g.rng.IntN(2) == 0 {
			it.Title = fmt.Sprintf("%s%s突发事件应急预案", g.place, t.name)
		} else {
			it.Title = fmt.Sprintf("关于做好%d年%s%s应急工作的通知", y, g.pick(genSeasons), t.name)
		}
		it.Category = "emergency"
		if strings.HasPrefix(t.category, "health") {
			it.Category = "health.emergency"
		}
		it.Summary = "明确组织体系、监测预警、应急响应和保障措施。"
		standard(fmt.Sprintf("为有效预防和妥善处置%s相关突发事件，最大限度减少危害，制定本预案。", t.name))
		it.Keywords = append(it.Keywords, "应急预案")
	case disclosure.GenreNotice:
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("关于开展%d年%s工作的通知", y, t.name)
		case 1:
			it.Title = fmt.Sprintf("%s关于公布%s服务机构名单的公告", name, t.name)
		default:
			it.Title = fmt.Sprintf("关于做好%s%s工作的通知", g.pick(genSeasons), t.name)
		}
		it.Summary = fmt.Sprintf("部署%s有关工作。", t.name)
		standard(fmt.Sprintf("为做好%d年%s工作，现将有关事项通知如下。", y, t.name))
	case disclosure.GenreNews:
		switch g.rng.IntN(3) {
		case 0:
			it.Title = fmt.Sprintf("%s召开%d年%s工作推进会", name, y, t.name)
		case 1:
			it.Title = fmt.Sprintf("%s开展%s专项检查", name, t.name)
		default:
			it.Title = fmt.Sprintf("%s%s工作取得阶段性成效", g.place, t.name)
		}
		para(fmt.Sprintf("%d月%d日，%s组织召开会议，总结前一阶段%s工作，安排部署下一步重点任务。", formed.Month, formed.Day, name, t.name))
		para(fmt.Sprintf(g.pick(genSentences), t.name))
		para(fmt.Sprintf(g.pick(genSentences), t.name))
	default:
		it.Title = fmt.Sprintf("%s%s工作情况", name, t.name)
		it.Category = "other"
		para(fmt.Sprintf(g.pick(genSentences), t.name))
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
