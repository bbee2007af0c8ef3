package casework

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// Generated applications have plausible shares: mostly citizens, mostly answered, a few still open at the end of
// the year. The figures are made up; they exercise the report, the lists and the benchmarks.
var (
	genTypes    = []disclosure.ApplicantType{disclosure.NaturalPerson, disclosure.NaturalPerson, disclosure.NaturalPerson, disclosure.NaturalPerson, disclosure.Commercial, disclosure.Research, disclosure.PublicInterest, disclosure.LegalService, disclosure.OtherOrg}
	genRequests = []string{"本县2025年度疫苗接种点名单", "县人民医院2024年财务决算", "某小区周边餐饮单位卫生许可情况", "2025年度基本公共卫生服务项目资金使用情况",
		"本人父亲在县医院的住院病历复印件", "县卫生健康局2025年度行政处罚决定书", "乡镇卫生院招聘公告及录用结果", "县120急救站点分布和车辆配置情况"}
	genNames = []string{"王小明", "李华", "张伟", "刘芳", "陈静", "杨洋", "赵磊", "黄敏"}
)

// GenerateCases makes n synthetic applications to the agency received in the year (deterministic for a seed), as
// changes ready for the store's ImportCases: about 90% answered with an outcome drawn from every row of section
// 三, the rest still open; receipt dates on working days. today bounds every date.
func GenerateCases(seed uint64, env Env, year, n int, today workday.Date) ([]*disclosure.CaseChange, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(year)))
	outcomes := disclosure.Outcomes()
	cal := env.Calendar
	first, last := workday.NewDate(year, 1, 1), workday.NewDate(year, 12, 31)
	if last.After(today) {
		last = today
	}
	days := 0
	for d := first; !d.After(last); d = d.AddDays(1) {
		days++
	}
	out := make([]*disclosure.CaseChange, 0, n)
	for i := 0; i < n; i++ {
		received := first.AddDays(rng.IntN(days))
		for !cal.IsWorkday(received) {
			received = received.AddDays(1)
		}
		if received.After(today) {
			received = today
		}
		t := genTypes[rng.IntN(len(genTypes))]
		app := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: []disclosure.Channel{disclosure.Online, disclosure.Online, disclosure.Letter, disclosure.InPerson, disclosure.Email}[rng.IntN(5)],
			ReceivedOn: received, SecretHash: fmt.Sprintf("%064x", rng.Uint64()),
			Applicant: disclosure.Applicant{Type: t, Name: genNames[rng.IntN(len(genNames))], Phone: fmt.Sprintf("138%08d", rng.IntN(100000000))},
			Request:   disclosure.Request{Description: genRequests[rng.IntN(len(genRequests))], Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
		if t.IsOrganization() {
			app.Applicant.Name, app.Applicant.IDNumber, app.Applicant.Contact = "示范"+t.Name()+fmt.Sprint(rng.IntN(50)), syntheticUSCC(rng), "联系人"
		} else {
			app.Applicant.IDNumber = syntheticID(rng, received.Year)
		}
		in := Intake{App: app, Actor: Actor{Who: BySystem, Name: "示范数据"}, Today: today, Now: received.In(time.UTC)}
		var outcome disclosure.Outcome
		var basis string
		var closed workday.Date
		if rng.IntN(10) > 0 {
			o := outcomes[rng.IntN(len(outcomes))]
			if o.ID == disclosure.UnableStillUnclear || o.ID == disclosure.OtherNoCorrection || o.ID == disclosure.OtherNoFee {
				o = outcomes[0]
			}
			outcome, basis = o.ID, o.Bases[rng.IntN(len(o.Bases))].Key
			closed = cal.Due(received, 1+rng.IntN(25), nil).Due
			if closed.After(today) {
				outcome, basis, closed = "", "", workday.Date{}
			}
		}
		c, ev, err := ImportedCase(in, env, outcome, basis, closed, "")
		if err != nil {
			return nil, fmt.Errorf("generate case %d: %w", i+1, err)
		}
		ev.Action, ev.Note = "register", "示范数据"
		out = append(out, &disclosure.CaseChange{Case: *c, Event: ev})
	}
	return out, nil
}

// syntheticID makes a resident ID number with a valid check digit and a birth date between 1950 and 2000, in the
// 370124 (平阴县) division: well formed, and no real person's by construction only as far as chance allows.
func syntheticID(rng *rand.Rand, year int) string {
	birth := workday.NewDate(1950+rng.IntN(50), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
	body := fmt.Sprintf("370124%04d%02d%02d%03d", birth.Year, birth.Month, birth.Day, rng.IntN(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// syntheticUSCC makes a well-formed 统一社会信用代码 of an enterprise (9 …) registered in 370124.
func syntheticUSCC(rng *rand.Rand) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91370124")
	for range 9 {
		b = append(b, chars[rng.IntN(len(chars))])
	}
	return string(b) + string(disclosure.USCCCheck(string(b)))
}
