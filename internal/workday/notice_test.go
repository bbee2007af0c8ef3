package workday_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gongkai/gongkai/internal/workday"
)

const notice2026 = `国务院办公厅关于2026年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

　　经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。

　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。

　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。

　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。

　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。

　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。

　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。

　　鼓励单位和个人结合落实带薪年休假等制度，实际形成较长假期，推动错峰出行。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2025年11月4日
`

const notice2025 = `国务院办公厅关于2025年
部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

　　经党中央、国务院批准，根据2024年11月修订的《全国年节及纪念日放假办法》，自2025年1月1日起，全体公民放假的假日增加2天，其中春节、劳动节各增加1天。据此对放假调休原则作进一步优化完善，除个别特殊情形外，春节自农历除夕起放假调休8天，国庆节自10月1日起放假调休7天，劳动节放假调休5天，元旦、清明节、端午节、中秋节分别放假调休或连休3天（如逢周三则只在当日放假），国庆节放假如逢中秋节则合并放假8天。

　　按照上述原则，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

　　一、元旦：1月1日（周三）放假1天，不调休。

　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。

　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。

　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。

　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。

　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
`

// notice2024 uses "与周末连休" and "星期" and has a date in parentheses that is not a make-up day (除夕).
const notice2024 = `国务院办公厅关于2024年部分节假日安排的通知
国办发明电〔2023〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2023年10月25日`

// notice2023 starts 元旦 in December of the year before, with explicit years, all on one line as some web pages
// give it.
const notice2023 = `国务院办公厅关于2023年部分节假日安排的通知 国办发明电〔2022〕16号 各省、自治区、直辖市人民政府，国务院各部委、各直属机构：经国务院批准，现将2023年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。三、清明节：4月5日放假，共1天。四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。`

func embeddedYear(t *testing.T, year int) workday.Year {
	t.Helper()
	for _, y := range workday.Default().Years() {
		if y.Year == year {
			return y
		}
	}
	t.Fatalf("no embedded %d", year)
	return workday.Year{}
}

func TestParseNoticeEqualsEmbedded(t *testing.T) {
	tests := []struct {
		year int
		text string
	}{
		{2026, notice2026},
		{2025, notice2025},
		{2024, notice2024},
		{2023, notice2023},
	}
	for _, tt := range tests {
		t.Run(itoa(tt.year), func(t *testing.T) {
			got, err := workday.ParseNotice(tt.year, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			want := embeddedYear(t, tt.year)
			want.Amendments = nil
			if tt.year == 2023 {
				want.Issued = workday.Date{} // the one-line text has no date line to take it from
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseNotice(%d) (-embedded +parsed):\n%s", tt.year, diff)
			}
		})
	}
}

func TestParseNoticeVariants(t *testing.T) {
	tests := []struct {
		name     string
		year     int
		text     string
		holidays []workday.Holiday
		workdays []string
	}{
		{"new year into the next year", 2027, "一、元旦：12月31日（周四）至1月2日（周六）放假调休，共3天。",
			[]workday.Holiday{{Name: "元旦", From: d("2026-12-31"), To: d("2027-01-02")}}, nil},
		{"december make-up day of a new year begun in december", 2019,
			"一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。12月29日（星期六）上班。",
			[]workday.Holiday{{Name: "元旦", From: d("2018-12-30"), To: d("2019-01-01"), Makeup: []workday.Date{d("2018-12-29")}}}, []string{"2018-12-29"}},
		{"cross-month range", 2026, "七、国庆节、中秋节：9月25日至10月1日放假调休，共7天。",
			[]workday.Holiday{{Name: "国庆节、中秋节", From: d("2026-09-25"), To: d("2026-10-01")}}, nil},
		{"single day", 2019, "四、劳动节：5月1日放假。",
			[]workday.Holiday{{Name: "劳动节", From: d("2019-05-01"), To: d("2019-05-01")}}, nil},
		{"joined to the weekend before", 2024, "五、端午节：6月10日放假，与周末连休。",
			[]workday.Holiday{{Name: "端午节", From: d("2024-06-08"), To: d("2024-06-10")}}, nil},
		{"joined to the weekend after", 2019, "三、清明节：4月5日放假，与周末连休。",
			[]workday.Holiday{{Name: "清明节", From: d("2019-04-05"), To: d("2019-04-07")}}, nil},
		{"a substitute day off", 2030, "三、清明节：4月5日（周五）放假，4月8日（星期一）补休。",
			[]workday.Holiday{{Name: "清明节", From: d("2030-04-05"), To: d("2030-04-05")}, {Name: "清明节", From: d("2030-04-08"), To: d("2030-04-08")}}, nil},
		{"without numbering, ascii punctuation and full-width digits", 2026, "元旦:１月１日(周四)至３日(周六)放假调休,共3天。1月4日(周日)上班",
			[]workday.Holiday{{Name: "元旦", From: d("2026-01-01"), To: d("2026-01-03"), Makeup: []workday.Date{d("2026-01-04")}}}, []string{"2026-01-04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, err := workday.ParseNotice(tt.year, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.holidays, y.Holidays, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("holidays (-want +got):\n%s", diff)
			}
			var ws []string
			for _, w := range y.Workdays {
				ws = append(ws, w.String())
			}
			if !cmp.Equal(ws, tt.workdays, cmpopts.EquateEmpty()) {
				t.Errorf("workdays = %v, want %v", ws, tt.workdays)
			}
		})
	}
}

func TestParseNoticeMetadata(t *testing.T) {
	y, err := workday.ParseNotice(2025, notice2025)
	if err != nil {
		t.Fatal(err)
	}
	if y.Notice != "国务院办公厅关于2025年部分节假日安排的通知" || y.Number != "国办发明电〔2024〕12号" || y.Issued != d("2024-11-12") {
		t.Errorf("metadata = %q %q %v", y.Notice, y.Number, y.Issued)
	}
	// The parsed year can be added to a calendar directly.
	c, err := workday.New(y)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Due(d("2025-01-20"), 20, nil).Due, d("2025-02-21"); got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
}

func TestParseNoticeErrors(t *testing.T) {
	tests := []struct {
		name string
		year int
		text string
		want string
	}{
		{"empty text", 2026, "", "通知文本为空"},
		{"blank text", 2026, " \n\t　\n", "通知文本为空"},
		{"no items", 2026, "国务院办公厅关于2026年部分节假日安排的通知\n各省、自治区、直辖市人民政府：\n经国务院批准，现将……通知如下。", "没有找到节假日安排"},
		{"bad weekday in a range", 2026, strings.Replace(notice2026, "1月1日（周四）", "1月1日（周五）", 1),
			"“元旦”一项写的是1月1日（周五），但2026年1月1日是周四"},
		{"bad weekday of a make-up day", 2026, strings.Replace(notice2026, "2月28日（周六）", "2月27日（周六）", 1),
			"“春节”一项写的是2月27日（周六），但2026年2月27日是周五"},
		{"bad weekday with 星期", 2024, strings.Replace(notice2024, "4月7日（星期日）", "4月7日（星期六）", 1), "2024年4月7日是周日"},
		{"unparseable item", 2026, "一、元旦：一月一日至三日放假调休，共3天。", "无法识别“元旦”一项的放假日期"},
		{"unparseable numbered item without a holiday", 2026, "三、清明节：4月4日（周六）至6日（周一）休息，共3天。", "无法识别“清明节”一项的放假日期"},
		{"days do not add up", 2026, strings.Replace(notice2026, "共9天", "共8天", 1), "“春节”一项写明共8天，但2026年2月15日至2026年2月23日是9天"},
		{"range without 至", 2026, "一、元旦：1月1日、3日放假。", "起止日期之间应写“至”"},
		{"too many dates", 2026, "一、元旦：1月1日至3日至5日放假。", "无法识别“元旦”一项的放假日期"},
		{"end before start", 2026, "一、元旦：1月3日至1日放假。", "早于开始日"},
		{"date that does not exist", 2026, "二、春节：2月29日至30日放假。", "不存在"},
		{"no month", 2026, "一、元旦：3日放假。", "没有写月份"},
		{"weekend join without a weekend", 2025, "一、元旦：1月1日放假，与周末连休。", "前后都不是周末"},
		{"the notice of another year", 2027, notice2026, "粘贴的是2026年的通知，但要录入的是2027年"},
		{"year out of range", 1999, notice2026, "超出范围"},
		{"make-up day on a weekday", 2026, "一、元旦：1月1日至3日放假。1月5日上班。", "不是周六或周日"},
		{"overlapping items", 2026, "一、元旦：1月1日至3日放假。二、春节：1月3日至5日放假。", "重叠"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := workday.ParseNotice(tt.year, tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// FuzzParseNotice feeds hostile text: ParseNotice must return a year or an error, never panic, and what it
// returns must be valid.
func FuzzParseNotice(f *testing.F) {
	for _, s := range []string{notice2026, notice2025, notice2024, notice2023, "一、元旦：12月31日至1月2日放假", "元旦：1月1日（周", "一、：放假"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		y, err := workday.ParseNotice(2026, text)
		if err == nil {
			if verr := y.Validate(); verr != nil {
				t.Fatalf("returned an invalid year: %v", verr)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-02-10", "2026年2月10日", "20260230", "２０２６/２/１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := workday.ParseDate(s)
		if err != nil {
			return
		}
		back, err := workday.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%q → %v → %v, %v", s, d, back, err)
		}
	})
}
