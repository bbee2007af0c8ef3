package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// qualityItem is one item of the search quality corpus: what a county health bureau, its finance colleagues and
// the market regulator publish in a year, written as they write it — notices, 规范性文件 with their 文号, 处罚决定,
// a 决算 whose figures are only in its attachment, a page copied from a site in traditional characters, and a
// title typed with full-width digits.
type qualityItem struct {
	key, agency string
	item        disclosure.Item
	attachment  string // text of a PDF attached before publication
	on          string
	withdraw    bool
	draft       bool
}

var qualityCorpus = []qualityItem{
	{key: "school-vaccine", agency: "health", on: "2026-02-20", item: disclosure.Item{Title: "关于做好2026年春季学校入学入托预防接种证查验工作的通知", DocNumber: "平卫发〔2026〕4号",
		Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Body: "<p>各学校、托幼机构：为提高适龄儿童疫苗接种率，请在新生入学入托时查验预防接种证，对漏种儿童及时补种。</p>"}},
	{key: "covid-booster", agency: "health", on: "2026-01-10", item: disclosure.Item{Title: "新冠病毒疫苗加强免疫接种安排", Genre: disclosure.GenreNotice,
		Category: "health.public_health.vaccination", Body: "<p>符合条件的60岁以上老年人可接种新冠疫苗加强针，各接种门诊开放时间见附表。</p>"}},
	{key: "insurance", agency: "health", on: "2025-11-15", item: disclosure.Item{Title: "2026年度城乡居民基本医疗保险缴费标准的通知", Genre: disclosure.GenreNotice,
		Category: "health.policy", Keywords: []string{"医保"}, Body: "<p>2026年度城乡居民医保个人缴费标准为每人每年380元，缴费期至2025年12月31日。</p>"}},
	{key: "normative", agency: "health", on: "2025-06-05", item: disclosure.Item{Title: "平阴县医疗机构依法执业管理办法", DocNumber: "平卫规〔2025〕1号",
		Genre: disclosure.GenreNormative, Category: "health.policy", Body: "<p>第一条 为规范医疗机构执业行为，保障医疗质量和安全，制定本办法。</p>"}},
	{key: "clinic-rules", agency: "health", on: "2019-08-01", item: disclosure.Item{Title: "平阴县村卫生室管理办法（试行）", DocNumber: "平卫规〔2019〕2号",
		Genre: disclosure.GenreNormative, Category: "health.medical", Body: "<p>村卫生室应当在乡镇卫生院的指导下开展基本医疗和基本公共卫生服务。</p>"}},
	{key: "penalty-dental", agency: "health", on: "2026-02-10", item: disclosure.Item{Title: "平阴县某口腔诊所行政处罚决定书", DocNumber: "平卫医罚〔2026〕5号",
		Genre: disclosure.GenrePenalty, Category: "health.enforcement", Body: "<p>当事人未取得《医疗机构执业许可证》擅自执业，依法给予罚款并没收违法所得。</p>"}},
	{key: "penalty-beauty", agency: "health", on: "2026-02-12", item: disclosure.Item{Title: "平阴县某美容院行政处罚决定书", DocNumber: "平卫医罚〔2026〕6号",
		Genre: disclosure.GenrePenalty, Category: "health.enforcement", Body: "<p>当事人在未取得资质的情况下开展医疗美容项目，依法给予行政处罚。</p>"}},
	{key: "final-accounts", agency: "health", on: "2026-01-20", item: disclosure.Item{Title: "平阴县卫生健康局2025年度部门决算", Genre: disclosure.GenreBudget,
		Category: "finance.budget", Body: "<p>详见附件。</p>"},
		attachment: "一般公共预算财政拨款收入支出决算表　“三公”经费支出情况：公务接待费12.5万元，公务用车运行维护费8.3万元。"},
	{key: "budget", agency: "health", on: "2026-02-01", item: disclosure.Item{Title: "平阴县卫生健康局2026年部门预算", Genre: disclosure.GenreBudget,
		Category: "finance.budget", Body: "<p>部门预算收支总表、财政拨款收支总表及预算编制说明。</p>"}},
	{key: "traditional", agency: "health", on: "2025-12-01", item: disclosure.Item{Title: "關於加強醫療機構傳染病防控工作的通知", Genre: disclosure.GenreNotice,
		Category: "health.public_health.epidemic", Body: "<p>各醫療機構要落實預檢分診制度，發現傳染病病例及時報告。</p>"}},
	{key: "fullwidth", agency: "market", on: "2026-03-01", item: disclosure.Item{Title: "关于公布２０２６年第１批医疗器械监督抽检结果的公告", Genre: disclosure.GenreNotice,
		Category: "enforcement.inspection", Body: "<p>本次共抽检ＣＴ设备、血压计等医疗器械４５批次。</p>"}},
	{key: "food-check", agency: "market", on: "2026-03-05", item: disclosure.Item{Title: "2026年第一季度食品安全监督抽检信息公告", Genre: disclosure.GenreNotice,
		Category: "enforcement.inspection", Body: "<p>本季度共抽检食品样品320批次，其中不合格3批次，已依法处置。</p>"}},
	{key: "food-licence", agency: "market", on: "2026-03-06", item: disclosure.Item{Title: "食品经营许可证核发决定（2026年3月）", Genre: disclosure.GenreLicensing,
		Category: "enforcement.licensing", Body: "<p>准予以下食品经营者的食品经营许可申请。</p>"}},
	{key: "emergency-plan", agency: "health", on: "2025-09-01", item: disclosure.Item{Title: "平阴县突发公共卫生事件应急预案", Genre: disclosure.GenreEmergency,
		Category: "health.emergency", Body: "<p>本预案适用于本县行政区域内发生的传染病疫情、群体性不明原因疾病等突发公共卫生事件的应对。</p>"}},
	{key: "plan", agency: "health", on: "2022-03-01", item: disclosure.Item{Title: "平阴县“十四五”卫生健康事业发展规划", Genre: disclosure.GenrePlan,
		Category: "general.plans", Body: "<p>到2025年，全县每千人口执业（助理）医师数达到3.2人。</p>"}},
	{key: "recruitment", agency: "health", on: "2026-03-10", item: disclosure.Item{Title: "2026年平阴县卫生健康系统公开招聘工作人员简章", Genre: disclosure.GenrePersonnel,
		Category: "personnel.recruitment", Body: "<p>县属公立医院公开招聘医护人员45名，报名时间为3月15日至3月20日。</p>"}},
	{key: "statistics", agency: "health", on: "2026-02-28", item: disclosure.Item{Title: "2025年平阴县卫生健康统计公报", Genre: disclosure.GenreStatistics,
		Category: "economy.statistics", Body: "<p>全年全县医疗卫生机构总诊疗人次达到186.5万人次。</p>"}},
	{key: "tb-day", agency: "health", on: "2026-03-24", item: disclosure.Item{Title: "县卫生健康局开展世界防治结核病日宣传活动", Genre: disclosure.GenreNews,
		Category: "health.public_health.tuberculosis", Body: "<p>活动现场向群众发放肺结核防治宣传资料2000余份。</p>"}},
	{key: "elderly-checkup", agency: "health", on: "2026-03-12", item: disclosure.Item{Title: "关于开展65岁及以上老年人免费健康体检的通知", Genre: disclosure.GenreNotice,
		Category: "health.public_health.elderly", Body: "<p>辖区内65岁及以上常住居民可到乡镇卫生院免费体检。</p>"}},
	{key: "interpretation", agency: "health", on: "2025-06-06", item: disclosure.Item{Title: "《平阴县医疗机构依法执业管理办法》政策解读", Genre: disclosure.GenreInterpretation,
		Category: "health.policy", Body: "<p>一、制定背景。二、主要内容。三、适用范围：全县各级各类医疗机构。</p>"}},
	{key: "withdrawn-vaccine", agency: "health", on: "2026-03-02", withdraw: true, item: disclosure.Item{Title: "疫苗接种点临时调整的通知", Genre: disclosure.GenreNotice,
		Category: "health.public_health.vaccination", Body: "<p>疫苗接种点临时调整。</p>"}},
	{key: "draft-vaccine", agency: "health", draft: true, item: disclosure.Item{Title: "疫苗冷链管理规范（征求意见稿）", Genre: disclosure.GenreNotice,
		Category: "health.public_health.vaccination", Body: "<p>疫苗冷链。</p>"}},
}

// qualityQuery is a query with the items that must be in its first ten results (First: as the first one) and those
// that must not be there at all.
type qualityQuery struct {
	q           string
	first       string
	top10, none []string
	filter      func(*disclosure.SearchQuery)
}

var qualityQueries = []qualityQuery{
	{q: "疫苗", top10: []string{"school-vaccine", "covid-booster"}, none: []string{"insurance", "withdrawn-vaccine", "draft-vaccine"}},
	{q: "医保", top10: []string{"insurance"}, none: []string{"school-vaccine", "normative"}},
	{q: "平卫规〔2025〕1号", first: "normative", none: []string{"clinic-rules"}},
	{q: "平卫规[2025]1号", first: "normative"},
	{q: "平卫医罚（2026）6号", first: "penalty-beauty"},
	{q: "决算", first: "final-accounts", none: []string{"recruitment"}},
	// The attachment writes “三公”经费: the quotes split the run, so the words are found apart (三公经费 as one
	// phrase needs the text to write it without them).
	{q: "三公 经费", top10: []string{"final-accounts"}, none: []string{"budget"}},
	{q: "公务接待费", top10: []string{"final-accounts"}},
	{q: "医疗机构", top10: []string{"normative", "traditional", "interpretation", "penalty-dental"}, none: []string{"food-licence"}},
	{q: "传染病", top10: []string{"traditional", "emergency-plan"}},
	{q: "傳染病", top10: []string{"traditional", "emergency-plan"}},
	{q: "2026年第1批", top10: []string{"fullwidth"}, none: []string{"food-check"}},
	{q: "第１批 医疗器械", top10: []string{"fullwidth"}},
	{q: "ct设备", top10: []string{"fullwidth"}},
	{q: "食品安全 抽检", first: "food-check", none: []string{"food-licence", "fullwidth"}},
	{q: "行政处罚决定书", top10: []string{"penalty-dental", "penalty-beauty"}, none: []string{"normative"}},
	{q: "结核", top10: []string{"tb-day"}},
	{q: "老年人 体检", first: "elderly-checkup", none: []string{"covid-booster"}},
	{q: "应急预案", first: "emergency-plan"},
	{q: "十四五", first: "plan"},
	{q: `"加强免疫"`, first: "covid-booster", none: []string{"school-vaccine"}},
	{q: "疫苗 -新冠", top10: []string{"school-vaccine"}, none: []string{"covid-booster"}},
	{q: "招聘", first: "recruitment"},
	{q: "抽检", top10: []string{"food-check", "fullwidth"}, none: []string{"insurance"}, filter: func(q *disclosure.SearchQuery) { q.Genre = disclosure.GenreNotice }},
	{q: "医疗", top10: []string{"penalty-dental", "penalty-beauty", "fullwidth"}, none: []string{"normative", "insurance"}, filter: func(q *disclosure.SearchQuery) { q.Year = 2026 }},
}

func runSearchQuality(t *testing.T, open Opener) {
	t.Run("search quality: realistic queries find the items a reader expects in the first ten results", func(t *testing.T) {
		ctx := context.Background()
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		agencies := map[string]*disclosure.Agency{
			"health": mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局"),
			"market": mustAgency(t, db, disclosure.Department, gov, "平阴县市场监督管理局"),
		}
		ids := map[string]int64{}
		keys := map[int64]string{}
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		for _, c := range qualityCorpus {
			a := agencies[c.agency]
			it, err := catalogue.NewItem(c.item, a, time.Now())
			if err != nil {
				t.Fatalf("%s: %v", c.key, err)
			}
			if err := db.CreateItem(ctx, officer, it); err != nil {
				t.Fatal(err)
			}
			ids[c.key], keys[it.ID] = it.ID, c.key
			if c.attachment != "" {
				if err := db.AddItemAttachment(ctx, officer, &disclosure.ItemAttachment{ItemID: it.ID, Name: "附件.pdf", ContentType: "application/pdf", Data: []byte("%PDF"), Text: c.attachment}); err != nil {
					t.Fatal(err)
				}
			}
			if c.draft {
				continue
			}
			mustItemStep(t, db, a, it.ID, c.on, catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
			mustItemStep(t, db, a, it.ID, c.on, catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
			mustItemStep(t, db, a, it.ID, c.on, catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
			if c.withdraw {
				mustItemStep(t, db, a, it.ID, c.on, catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "有误"})
			}
		}
		for _, qq := range qualityQueries {
			t.Run(qq.q, func(t *testing.T) {
				sq := disclosure.SearchQuery{Q: qq.q, Limit: 10}
				if qq.filter != nil {
					qq.filter(&sq)
				}
				got := qualityKeys(t, db, sq, keys)
				if qq.first != "" && (len(got) == 0 || got[0] != qq.first) {
					t.Errorf("first result %v, want %s first", got, qq.first)
				}
				for _, k := range append(slices.Clone(qq.top10), qq.first) {
					if k != "" && !slices.Contains(got, k) {
						t.Errorf("%s is not in the first ten: %v", k, got)
					}
				}
				for _, k := range qq.none {
					if slices.Contains(got, k) {
						t.Errorf("%s must not be found: %v", k, got)
					}
				}
			})
		}
		t.Run("an agency's search leaves the other agency out", func(t *testing.T) {
			got := qualityKeys(t, db, disclosure.SearchQuery{Q: "医疗器械", AgencyIDs: []int64{agencies["health"].ID}}, keys)
			if len(got) != 0 {
				t.Errorf("the health bureau's search finds %v", got)
			}
		})
	})
}

func qualityKeys(t *testing.T, db *store.DB, sq disclosure.SearchQuery, keys map[int64]string) []string {
	t.Helper()
	hits, _, err := db.SearchItems(context.Background(), sq)
	if err != nil {
		t.Fatalf("search %q: %v", sq.Q, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, keys[h.Item.ID])
	}
	return out
}
