package casexlsx

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// goodRows are three good rows: a person's open case, an organisation's closed case, and a correction request
// typed with full-width digits.
func goodRows() []row {
	return []row{
		{"收到日期": date(2026, 2, 10), "申请方式": "当面提交（含口头申请代为填写）", "申请人类型": "公民（自然人）",
			"申请人姓名或名称": "张三", "证件号码或统一社会信用代码": "11010519491231002x", "联系电话": "13800138000",
			"电子邮箱": "ZhangSan@Example.com", "联系地址": "北京市东城区某某路 1 号", "信息名称": "2024年老旧小区改造资金安排",
			"所需信息描述": "请公开本区 2024 年老旧小区改造项目的资金安排文件。", "载体形式": "纸质文本，电子文档",
			"获取方式": "电子邮件、当场阅读、抄录"},
		{"收到日期": "2025/12/1", "申请方式": "letter", "申请人类型": "商业企业", "申请人姓名或名称": "北京某某科技有限公司",
			"证件号码或统一社会信用代码": "91110105ma00000012", "联系人": "王五", "联系电话": "010-12345678",
			"文号": "东政发〔2025〕3号", "所需信息描述": "请公开该文件的附件。", "办理结果": "1.本机关不掌握相关政府信息",
			"办理依据": "不属于本机关负责公开（告知或转送有权机关）", "答复日期": "2025年12月20日", "备注": "已告知向市局申请"},
		{"收到日期": "２０２６年１月５日", "申请方式": "电子邮件", "申请类型": "更正申请", "申请人类型": "自然人",
			"申请人姓名或名称": "赵六", "证件类型": "护照", "证件号码或统一社会信用代码": "Ｅ１２３４５６７８",
			"联系电话": "１３９ ００１３ ９０００", "所需信息描述": "我的行政许可记录中的出生日期有误，应为1990年3月7日。",
			"办理结果": "予以更正", "答复日期": date(2026, 1, 20)},
	}
}

func TestParseGoodRows(t *testing.T) {
	got, problems, err := parse(t, fillTemplate(t, goodRows()...))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []Imported{
		{Row: 3, App: disclosure.Application{
			Kind: disclosure.DisclosureRequest, Channel: disclosure.InPerson, ReceivedOn: workday.NewDate(2026, 2, 10),
			Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "张三", IDType: "resident_id",
				IDNumber: "11010519491231002X", Phone: "13800138000", Email: "zhangsan@example.com", Address: "北京市东城区某某路 1 号"},
			Request: disclosure.Request{Title: "2024年老旧小区改造资金安排", Description: "请公开本区 2024 年老旧小区改造项目的资金安排文件。",
				Forms: []string{"纸质文本", "电子文档"}, Delivery: []string{"电子邮件", "当场阅读、抄录"}},
		}},
		{Row: 4, App: disclosure.Application{
			Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: workday.NewDate(2025, 12, 1),
			Applicant: disclosure.Applicant{Type: disclosure.Commercial, Name: "北京某某科技有限公司", IDType: disclosure.USCCDocType,
				IDNumber: "91110105MA00000012", Contact: "王五", Phone: "010-12345678"},
			Request: disclosure.Request{DocNumber: "东政发〔2025〕3号", Description: "请公开该文件的附件。",
				Forms: []string{"纸质文本"}, Delivery: []string{"邮寄"}},
		}, Outcome: disclosure.UnableNotHeld, Basis: "not_ours", ClosedOn: workday.NewDate(2025, 12, 20), Note: "已告知向市局申请"},
		{Row: 5, App: disclosure.Application{
			Kind: disclosure.CorrectionRequest, Channel: disclosure.Email, ReceivedOn: workday.NewDate(2026, 1, 5),
			Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "赵六", IDType: "passport",
				IDNumber: "E12345678", Phone: "139 0013 9000"},
			Request: disclosure.Request{Description: "我的行政许可记录中的出生日期有误，应为1990年3月7日。",
				Forms: []string{"纸质文本"}, Delivery: []string{"邮寄"}},
		}, Outcome: disclosure.CorrectionMade, Basis: "art41", ClosedOn: workday.NewDate(2026, 1, 20)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
}

// TestParseExampleOverwritten shows that the example row, once changed, is data like any other.
func TestParseExampleOverwritten(t *testing.T) {
	f := open(t, templateBytes(t))
	writeRows(t, f, SheetName, 2, row{"申请人姓名或名称": "李四"})
	got, problems, err := parse(t, save(t, f))
	if err != nil || len(problems) > 0 {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	if len(got) != 1 || got[0].Row != 2 || got[0].App.Applicant.Name != "李四" || got[0].Outcome != disclosure.Disclosed ||
		got[0].Basis != "provided" || got[0].ClosedOn != workday.NewDate(2025, 3, 20) {
		t.Errorf("got %+v, want the example with 李四 as applicant", got)
	}
}

// base is a good row that each problem row changes.
var base = row{"收到日期": date(2026, 2, 10), "申请方式": "邮寄", "申请人类型": "公民", "申请人姓名或名称": "张三",
	"证件号码或统一社会信用代码": "11010519491231002X", "联系电话": "13800138000", "所需信息描述": "某文件"}

// with returns base changed by header/value pairs; a nil value removes the column's value.
func with(kv ...any) row {
	r := row{}
	for k, v := range base {
		r[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(r, kv[i].(string))
			continue
		}
		r[kv[i].(string)] = kv[i+1]
	}
	return r
}

var org = []any{"申请人类型", "商业企业", "申请人姓名或名称", "某公司", "证件号码或统一社会信用代码", "91110000000000000E", "联系人", "王五"}

func TestParseProblems(t *testing.T) {
	channels := "互联网在线申请、邮寄（需签收）、平常信函（无需签收）、当面提交（含口头申请代为填写）、传真、电子邮件、其他机关转送"
	types := "公民（自然人）、商业企业、科研机构、社会公益组织、法律服务机构、其他组织"
	tests := []struct {
		name string
		row  row
		want []Problem // without Row: the test numbers them
	}{
		{"no receipt date", with("收到日期", nil), []Problem{{Column: "收到日期", Message: "请填写收到申请的日期，如 2026-03-02"}}},
		{"date that does not exist", with("收到日期", "2026-02-30"), []Problem{{Column: "收到日期", Message: "日期“2026-02-30”不存在：2026年2月只有28天"}}},
		{"date not a date", with("收到日期", "上周三"), []Problem{{Column: "收到日期",
			Message: "无法识别日期“上周三”：请按“2026-02-10”“2026/2/10”或“2026年2月10日”的格式填写"}}},
		{"date in the future", with("收到日期", date(2026, 3, 3)), []Problem{{Column: "收到日期", Message: "收到日期（2026-03-03）晚于今天（2026-03-02）：请核对"}}},
		{"date before the Regulation", with("收到日期", "2008-04-30"), []Problem{{Column: "收到日期",
			Message: "收到日期（2008-04-30）早于2008年5月1日（政府信息公开条例施行之日）：请核对"}}},
		{"unknown channel", with("申请方式", "飞鸽传书"), []Problem{{Column: "申请方式", Message: "无法识别申请方式“飞鸽传书”：请从下拉列表中选择（" + channels + "）"}}},
		{"unknown kind", with("申请类型", "投诉"), []Problem{{Column: "申请类型", Message: "无法识别申请类型“投诉”：请填写“政府信息公开申请”或“更正申请”"}}},
		{"unknown applicant type", with("申请人类型", "外星人"), []Problem{{Column: "申请人类型", Message: "无法识别申请人类型“外星人”：请从下拉列表中选择（" + types + "）"}}},
		{"unknown ID type", with("证件类型", "驾驶证"), []Problem{{Column: "证件类型",
			Message: "无法识别证件类型“驾驶证”：请从下拉列表中选择（居民身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证、外国人永久居留身份证、港澳台居民居住证、其他）"}}},
		{"person with a credit code", with("证件类型", "统一社会信用代码"), []Problem{{Column: "证件类型",
			Message: "公民不使用统一社会信用代码：请选择身份证件类型；如果申请人是企业或其他组织，请改正申请人类型"}}},
		{"ID number refused by checkID", with("证件号码或统一社会信用代码", "110105194912310021"), []Problem{{Column: "证件号码或统一社会信用代码",
			Message: "居民身份证号码校验位不正确，请核对"}}},
		{"ID number stored as a number", with("证件号码或统一社会信用代码", 110105194912310021.0), []Problem{{Column: "证件号码或统一社会信用代码",
			Message: "这一格被 Excel 存成了数字（110105194912310000），超过 15 位的数字末尾已变成 0：请先把这一列设为“文本”格式，再重新输入完整的号码"}}},
		{"organisation with a wrong credit code", with(append(org, "证件号码或统一社会信用代码", "91110000000000000A")...), []Problem{{Column: "证件号码或统一社会信用代码",
			Message: "统一社会信用代码校验位不正确：按前 17 位计算应为“E”，请核对是否抄错"}}},
		{"organisation without contact", with(append(org, "联系人", nil)...), []Problem{{Column: "联系人", Message: "请填写联系人姓名"}}},
		{"organisation contact too long", with(append(org, "联系人", strings.Repeat("王", 101))...), []Problem{{Column: "联系人",
			Message: "法定代表人或联系人姓名过长（最多 100 个字）"}}},
		{"three problems in one row", with("申请方式", "飞鸽", "联系电话", "abc", "电子邮箱", "not-an-email"), []Problem{
			{Column: "申请方式", Message: "无法识别申请方式“飞鸽”：请从下拉列表中选择（" + channels + "）"},
			{Column: "联系电话", Message: "联系电话只能包含数字、空格、加号、横线和括号（5—30 位）"},
			{Column: "电子邮箱", Message: "电子邮箱格式不正确，例如 zhangsan@example.com"},
		}},
		{"forms and delivery not offered", with("载体形式", "录像带", "获取方式", "电子文档、飞鸽"), []Problem{
			{Column: "载体形式", Message: "“录像带”不在可选范围内：可选纸质文本、电子文档、光盘、U盘等移动存储介质，多项之间用逗号分隔"},
			{Column: "获取方式", Message: "“电子文档”不在可选范围内：可选邮寄、电子邮件、网上获取、自行领取、当场阅读、抄录、传真，多项之间用逗号分隔"},
		}},
		{"unknown outcome", with("办理结果", "大概公开了", "答复日期", date(2026, 2, 20)), []Problem{{Column: "办理结果",
			Message: "无法识别办理结果“大概公开了”：请从下拉列表中选择，或填写年度报告中的行名称（如“1.属于国家秘密”）"}}},
		{"outcome does not fit a correction", with("申请类型", "更正申请", "办理结果", "予以公开", "答复日期", date(2026, 2, 20)), []Problem{{Column: "办理结果",
			Message: "办理结果“予以公开”不适用于更正申请：更正申请的办理结果为“予以更正”、“不属于本机关职能范围”、“不予更正”、“申请人撤回更正申请”；如果这是政府信息公开申请，请改正申请类型"}}},
		{"correction outcome on a request for disclosure", with("办理结果", "不予更正", "答复日期", date(2026, 2, 20)), []Problem{{Column: "办理结果",
			Message: "办理结果“不予更正”不适用于政府信息公开申请：政府信息公开申请的办理结果是年度报告第三部分的各行（予以公开、部分公开、不予公开……）；如果这是更正申请，请把申请类型改为“更正申请”"}}},
		{"basis not of the outcome", with("办理结果", "予以公开", "办理依据", "经检索没有所申请公开的信息", "答复日期", date(2026, 2, 20)), []Problem{{Column: "办理依据",
			Message: "办理结果“予以公开”没有依据“经检索没有所申请公开的信息”：可选“可以公开，予以提供”、“已主动公开，告知获取途径”，或不填使用默认依据"}}},
		{"basis without outcome", with("办理依据", "已主动公开，告知获取途径"), []Problem{{Column: "办理依据",
			Message: "填写了办理依据，但没有填写办理结果：请填写办理结果，或清空办理依据"}}},
		{"outcome without reply date", with("办理结果", "予以公开"), []Problem{{Column: "答复日期",
			Message: "填写了办理结果，就必须填写答复（办结）日期：请补上答复日期；如果仍在办理，请清空办理结果"}}},
		{"reply date without outcome", with("答复日期", date(2026, 2, 20)), []Problem{{Column: "办理结果",
			Message: "填写了答复日期，但没有填写办理结果：已办结的请填写办理结果，仍在办理的请清空答复日期"}}},
		{"replied before received", with("办理结果", "予以公开", "答复日期", "2026-02-01"), []Problem{{Column: "答复日期",
			Message: "答复日期（2026-02-01）早于收到日期（2026-02-10）：请核对"}}},
		{"name too long", with("申请人姓名或名称", strings.Repeat("张", 101)), []Problem{{Column: "申请人姓名或名称",
			Message: "申请人姓名或名称过长（最多 100 个字）"}}},
		{"address too long", with("联系地址", strings.Repeat("路", 201)), []Problem{{Column: "联系地址", Message: "联系地址过长（最多 200 个字）"}}},
		{"title too long", with("信息名称", strings.Repeat("文", 201)), []Problem{{Column: "信息名称", Message: "信息名称过长（最多 200 字）：请删减"}}},
		{"cell too long", with("所需信息描述", strings.Repeat("长", 4001)), []Problem{{Column: "所需信息描述", Message: "内容超过 4000 字：请删减"}}},
		{"formula without a saved result", with("联系电话", formula(`"138"&"00138000"`)), []Problem{{Column: "联系电话",
			Message: "公式没有保存计算结果：请在 Excel 或 WPS 中打开文件并保存一次，或把公式改为实际内容"}}},
		{"formula error", with("申请人姓名或名称", "#N/A"), []Problem{{Column: "申请人姓名或名称", Message: "公式出错（#N/A）：请改正公式，或直接填写实际内容"}}},
		{"only a note", row{"备注": "待补录"}, []Problem{
			{Column: "收到日期", Message: "请填写收到申请的日期，如 2026-03-02"},
			{Column: "申请方式", Message: "请填写申请方式：" + channels},
			{Column: "申请人类型", Message: "请填写申请人类型：" + types},
			{Column: "申请人姓名或名称", Message: "请填写申请人姓名；法人或其他组织填写名称"},
			{Column: "证件号码或统一社会信用代码", Message: "请填写证件号码；法人或其他组织填写 18 位统一社会信用代码"},
			{Column: "联系电话", Message: "请填写联系电话"},
			{Column: "所需信息描述", Message: "请描述所需的政府信息（名称、文号或便于查询的其他特征）；更正申请填写需要更正的记录和理由"},
		}},
	}
	// One file holds a good row first, then every problem row: the good row must not be imported either.
	rows := []row{with()}
	var want []Problem
	for i, tt := range tests {
		rows = append(rows, tt.row)
		for _, p := range tt.want {
			p.Row = 4 + i
			want = append(want, p)
		}
	}
	got, problems, err := parse(t, fillTemplate(t, rows...))
	if err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Errorf("imported %d rows from a file with problems, want none", len(got))
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Each case alone gives exactly its problems, so that no case leans on another.
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems, err := parse(t, fillTemplate(t, tt.row))
			if err != nil {
				t.Fatal(err)
			}
			var want []Problem
			for _, p := range tests[i].want {
				p.Row = 3
				want = append(want, p)
			}
			if diff := cmp.Diff(want, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseOptions reads lists of choices, including a cell of hundreds of them, which must not take cubic time.
func TestParseOptions(t *testing.T) {
	tests := []struct {
		forms, delivery string
		wantForms       []string
		wantDelivery    []string
	}{
		{"", "", []string{"纸质文本"}, []string{"邮寄"}},
		{"电子文档；光盘", "当场阅读、抄录、传真", []string{"电子文档", "光盘"}, []string{"当场阅读、抄录", "传真"}},
		{"ｕ盘等移动存储介质", "当场阅读、抄录，当场阅读、抄录", []string{"U盘等移动存储介质"}, []string{"当场阅读、抄录"}},
		{strings.Repeat("纸质文本、", 800), strings.Repeat("当场阅读、抄录、", 500), []string{"纸质文本"}, []string{"当场阅读、抄录"}},
	}
	for _, tt := range tests {
		got, problems, err := parse(t, fillTemplate(t, with("载体形式", tt.forms, "获取方式", tt.delivery)))
		if err != nil || problems != nil {
			t.Fatalf("%q %q: err %v, problems %v", tt.forms, tt.delivery, err, problems)
		}
		if diff := cmp.Diff(tt.wantForms, got[0].App.Request.Forms); diff != "" {
			t.Errorf("forms of %.30q (-want +got):\n%s", tt.forms, diff)
		}
		if diff := cmp.Diff(tt.wantDelivery, got[0].App.Request.Delivery); diff != "" {
			t.Errorf("delivery of %.30q (-want +got):\n%s", tt.delivery, diff)
		}
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Row: 5, Column: "收到日期", Message: "请填写收到申请的日期"}, "第 5 行“收到日期”：请填写收到申请的日期"},
		{Problem{Row: 7, Message: "无法识别"}, "第 7 行：无法识别"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestParseDropsTheFormulaGuard shows that the apostrophe an export puts before formula-like text (sheet.SafeCell)
// is gone when the value is read back.
func TestParseDropsTheFormulaGuard(t *testing.T) {
	rows := goodRows()[:1]
	rows[0]["申请人姓名或名称"] = `'=HYPERLINK("http://x","点击")`
	rows[0]["联系电话"] = "'+86 13800138000"
	got, problems, err := parse(t, fillTemplate(t, rows...))
	if err != nil || len(problems) > 0 {
		t.Fatalf("%v %v", problems, err)
	}
	if a := got[0].App.Applicant; a.Name != `=HYPERLINK("http://x","点击")` || a.Phone != "+86 13800138000" {
		t.Errorf("read back %q %q", a.Name, a.Phone)
	}
}
