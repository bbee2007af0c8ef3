package report

// This file is the single table of official labels. Every renderer, the importer, the checks and the CSV export read
// section headings, table captions, row labels and column labels from here; no other file spells them.

// ValueKind says what a column holds, which decides how it is checked and printed.
type ValueKind int

const (
	// Count is a non-negative whole number (applications, documents, decisions, cases).
	Count ValueKind = iota
	// Delta is a whole number that may be negative (the trial format's 本年增/减).
	Delta
	// Amount is a non-negative decimal (money, 万元 unless the column's Unit says otherwise).
	Amount
)

// Row is one row of an official table.
type Row struct {
	// ID is the stable English key used in JSON and code.
	ID string
	// Label is the row label exactly as the official format prints it.
	Label string
	// Parent is the ID of the group header row this row sits under, or "".
	Parent string
	// Header marks a row that carries no figures (a group or band heading).
	Header bool
}

// Column is one data column of an official table.
type Column struct {
	// ID is the stable English key used in JSON and code.
	ID string
	// Label is the column label exactly as printed.
	Label string
	// Parents lists the header labels above this column, outermost first.
	Parents []string
	// Kind says what the column holds.
	Kind ValueKind
	// Unit is the unit printed in the label, if any.
	Unit string
}

// TableSpec describes one official table: its place, caption, rows and data columns.
type TableSpec struct {
	// ID is the stable key of the table in JSON (e.g. "s3").
	ID string
	// Section is the report section holding the table, as a Chinese numeral ("二").
	Section string
	// Caption is the caption row of a section 二 table ("第二十条第（一）项"); "" for sections 三 and 四.
	Caption string
	// Corner is the top-left header cell: "信息内容" in section 二, the reconciliation note in section 三.
	Corner string
	// ColumnsHeader is a header spanning all data columns ("申请人情况" in section 三), or "".
	ColumnsHeader string
	// Rows lists every row in printed order, group headers included.
	Rows []Row
	// Columns lists the data columns in printed order.
	Columns []Column
}

// DataRows returns the rows that carry figures, in printed order.
func (t *TableSpec) DataRows() []Row {
	out := make([]Row, 0, len(t.Rows))
	for _, r := range t.Rows {
		if !r.Header {
			out = append(out, r)
		}
	}
	return out
}

// Row returns the row with the given ID.
func (t *TableSpec) Row(id string) (Row, bool) {
	for _, r := range t.Rows {
		if r.ID == id {
			return r, true
		}
	}
	return Row{}, false
}

// Column returns the column with the given ID.
func (t *TableSpec) Column(id string) (Column, bool) {
	for _, c := range t.Columns {
		if c.ID == id {
			return c, true
		}
	}
	return Column{}, false
}

// RowPath returns the row's label prefixed by its group header's label, joined with "/", the way the CSV export and
// findings name a sub-row: "（三）不予公开/1.属于国家秘密". Rows under the band header "三、本年度办理结果" are named
// without the band, as the printed tables do.
func (t *TableSpec) RowPath(r Row) string {
	if r.Parent == "" {
		return r.Label
	}
	p, ok := t.Row(r.Parent)
	if !ok || p.ID == rowResults {
		return r.Label
	}
	return t.RowPath(p) + "/" + r.Label
}

// Path returns the column's label prefixed by its parent header labels, joined with "/":
// "行政诉讼/未经复议直接起诉/结果维持".
func (c Column) Path() string {
	s := ""
	for _, p := range c.Parents {
		s += p + "/"
	}
	return s + c.Label
}

// SectionSpec is one numbered section of a report.
type SectionSpec struct {
	// ID is the section's Chinese numeral ("一" … "六"); pre-2019 reports use their own list.
	ID string
	// Heading is the heading text after "一、".
	Heading string
	// Aliases are other headings seen in published reports for the same section.
	Aliases []string
	// Narrative marks a section that is free text (as opposed to tables).
	Narrative bool
	// Required marks a section the format requires.
	Required bool
}

// ItemSpec is one numbered sub-item of section 六 in the current format.
type ItemSpec struct {
	// ID is the stable English key.
	ID string
	// Number is the printed item number ("（一）").
	Number string
	// Label is the item's official wording.
	Label string
}

// Format is one era's report format: its sections, tables and sub-items.
type Format struct {
	// Era identifies the format.
	Era Era
	// Name is the document that set the format.
	Name string
	// Sections lists the numbered sections in order.
	Sections []SectionSpec
	// Tables lists the fixed tables in printed order.
	Tables []TableSpec
	// OtherItems lists the sub-items of section 六 (current format only).
	OtherItems []ItemSpec
}

// Table returns the table spec with the given ID.
func (f *Format) Table(id string) (*TableSpec, bool) {
	for i := range f.Tables {
		if f.Tables[i].ID == id {
			return &f.Tables[i], true
		}
	}
	return nil, false
}

// Section returns the section spec with the given ID.
func (f *Format) Section(id string) (SectionSpec, bool) {
	for _, s := range f.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return SectionSpec{}, false
}

// Table IDs.
const (
	TableRules     = "s2.1" // 第二十条第（一）项
	TableLicensing = "s2.5" // 第二十条第（五）项
	TablePenalties = "s2.6" // 第二十条第（六）项
	TableFees      = "s2.8" // 第二十条第（八）项
	TableProcure   = "s2.9" // 第二十条第（九）项 (trial format only)
	TableRequests  = "s3"   // 收到和处理政府信息公开申请情况
	TableAppeals   = "s4"   // 政府信息公开行政复议、行政诉讼情况
)

// Row and column IDs used by the checks.
const (
	rowResults = "results"

	RowNew          = "new"
	RowCarriedOver  = "carried_over"
	RowTotal        = "total"
	RowCarryForward = "carry_forward"
	RowCases        = "cases"

	ColTotal = "total"
)

var requestColumns = []Column{
	{ID: "natural_person", Label: "自然人"},
	{ID: "commercial", Label: "商业企业", Parents: []string{"法人或其他组织"}},
	{ID: "research", Label: "科研机构", Parents: []string{"法人或其他组织"}},
	{ID: "public_interest", Label: "社会公益组织", Parents: []string{"法人或其他组织"}},
	{ID: "legal_service", Label: "法律服务机构", Parents: []string{"法人或其他组织"}},
	{ID: "other_org", Label: "其他", Parents: []string{"法人或其他组织"}},
	{ID: ColTotal, Label: "总计"},
}

// RequestsCaption is the note in the top-left cell of the section 三 table.
const RequestsCaption = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

func requestRows(splitOther bool) []Row {
	rows := []Row{
		{ID: RowNew, Label: "一、本年新收政府信息公开申请数量"},
		{ID: RowCarriedOver, Label: "二、上年结转政府信息公开申请数量"},
		{ID: rowResults, Label: "三、本年度办理结果", Header: true},
		{ID: "disclosed", Label: "（一）予以公开", Parent: rowResults},
		{ID: "partial", Label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", Parent: rowResults},
		{ID: "refused", Label: "（三）不予公开", Parent: rowResults, Header: true},
		{ID: "refused.state_secret", Label: "1.属于国家秘密", Parent: "refused"},
		{ID: "refused.law_forbidden", Label: "2.其他法律行政法规禁止公开", Parent: "refused"},
		{ID: "refused.three_safety", Label: "3.危及“三安全一稳定”", Parent: "refused"},
		{ID: "refused.third_party", Label: "4.保护第三方合法权益", Parent: "refused"},
		{ID: "refused.internal_affairs", Label: "5.属于三类内部事务信息", Parent: "refused"},
		{ID: "refused.process_info", Label: "6.属于四类过程性信息", Parent: "refused"},
		{ID: "refused.enforcement_file", Label: "7.属于行政执法案卷", Parent: "refused"},
		{ID: "refused.query_matter", Label: "8.属于行政查询事项", Parent: "refused"},
		{ID: "unable", Label: "（四）无法提供", Parent: rowResults, Header: true},
		{ID: "unable.not_held", Label: "1.本机关不掌握相关政府信息", Parent: "unable"},
		{ID: "unable.needs_creation", Label: "2.没有现成信息需要另行制作", Parent: "unable"},
		{ID: "unable.still_unclear", Label: "3.补正后申请内容仍不明确", Parent: "unable"},
		{ID: "not_processed", Label: "（五）不予处理", Parent: rowResults, Header: true},
		{ID: "not_processed.petition", Label: "1.信访举报投诉类申请", Parent: "not_processed"},
		{ID: "not_processed.repeat", Label: "2.重复申请", Parent: "not_processed"},
		{ID: "not_processed.publication", Label: "3.要求提供公开出版物", Parent: "not_processed"},
		{ID: "not_processed.excessive", Label: "4.无正当理由大量反复申请", Parent: "not_processed"},
		{ID: "not_processed.reconfirm", Label: "5.要求行政机关确认或重新出具已获取信息", Parent: "not_processed"},
	}
	if splitOther {
		rows = append(rows,
			Row{ID: "other", Label: "（六）其他处理", Parent: rowResults, Header: true},
			Row{ID: "other.no_correction", Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Parent: "other"},
			Row{ID: "other.no_fee", Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Parent: "other"},
			Row{ID: "other.other", Label: "3.其他", Parent: "other"},
		)
	} else {
		rows = append(rows, Row{ID: "other", Label: "（六）其他处理", Parent: rowResults})
	}
	return append(rows,
		Row{ID: RowTotal, Label: "（七）总计", Parent: rowResults},
		Row{ID: RowCarryForward, Label: "四、结转下年度继续办理"},
	)
}

// ResultRows returns the data rows of section 三 that count closed applications: （一） to （六）, without （七）总计.
func ResultRows(t *TableSpec) []Row {
	var out []Row
	for _, r := range t.Rows {
		if r.Header || r.ID == RowNew || r.ID == RowCarriedOver || r.ID == RowTotal || r.ID == RowCarryForward {
			continue
		}
		out = append(out, r)
	}
	return out
}

func appealColumns() []Column {
	outcomes := []struct{ id, label string }{
		{"upheld", "结果维持"}, {"corrected", "结果纠正"}, {"other", "其他结果"}, {"pending", "尚未审结"}, {ColTotal, "总计"},
	}
	groups := []struct {
		id      string
		parents []string
	}{
		{"review", []string{"行政复议"}},
		{"suit_direct", []string{"行政诉讼", "未经复议直接起诉"}},
		{"suit_after_review", []string{"行政诉讼", "复议后起诉"}},
	}
	var cols []Column
	for _, g := range groups {
		for _, o := range outcomes {
			cols = append(cols, Column{ID: g.id + "." + o.id, Label: o.label, Parents: g.parents})
		}
	}
	return cols
}

// AppealGroups are the column-ID prefixes of section 四's three groups, each with outcomes and a total.
var AppealGroups = []string{"review", "suit_direct", "suit_after_review"}

// AppealOutcomes are the column-ID suffixes that add up to each group's total.
var AppealOutcomes = []string{"upheld", "corrected", "other", "pending"}

var appealsTable = TableSpec{
	ID:      TableAppeals,
	Section: "四",
	Rows:    []Row{{ID: RowCases, Label: ""}},
	Columns: appealColumns(),
}

func requestsTable(splitOther bool) TableSpec {
	return TableSpec{
		ID:            TableRequests,
		Section:       "三",
		Corner:        RequestsCaption,
		ColumnsHeader: "申请人情况",
		Rows:          requestRows(splitOther),
		Columns:       requestColumns,
	}
}

// tableEraSections are the six sections of both table formats (2019 trial and 2021): 二 to 四 are tables.
var tableEraSections = []SectionSpec{
	{ID: "一", Heading: "总体情况", Narrative: true, Required: true},
	{ID: "二", Heading: "主动公开政府信息情况", Required: true},
	{ID: "三", Heading: "收到和处理政府信息公开申请情况", Required: true},
	{ID: "四", Heading: "政府信息公开行政复议、行政诉讼情况", Required: true},
	{ID: "五", Heading: "存在的主要问题及改进情况", Aliases: []string{"政府信息公开工作中存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况"}, Narrative: true, Required: true},
	{ID: "六", Heading: "其他需要报告的事项", Narrative: true, Required: true},
}

// Format2021 is the current format, 国办公开办函〔2021〕30号, used for report years 2021 on.
var Format2021 = Format{
	Era:      Era2021,
	Name:     "国办公开办函〔2021〕30号",
	Sections: tableEraSections,
	Tables: []TableSpec{
		{
			ID: TableRules, Section: "二", Caption: "第二十条第（一）项", Corner: "信息内容",
			Rows: []Row{{ID: "rules", Label: "规章"}, {ID: "normative", Label: "行政规范性文件"}},
			Columns: []Column{
				{ID: "made", Label: "本年制发件数"},
				{ID: "repealed", Label: "本年废止件数"},
				{ID: "in_force", Label: "现行有效件数"},
			},
		},
		{
			ID: TableLicensing, Section: "二", Caption: "第二十条第（五）项", Corner: "信息内容",
			Rows:    []Row{{ID: "licensing", Label: "行政许可"}},
			Columns: []Column{{ID: "decisions", Label: "本年处理决定数量"}},
		},
		{
			ID: TablePenalties, Section: "二", Caption: "第二十条第（六）项", Corner: "信息内容",
			Rows:    []Row{{ID: "penalty", Label: "行政处罚"}, {ID: "coercion", Label: "行政强制"}},
			Columns: []Column{{ID: "decisions", Label: "本年处理决定数量"}},
		},
		{
			ID: TableFees, Section: "二", Caption: "第二十条第（八）项", Corner: "信息内容",
			Rows:    []Row{{ID: "fees", Label: "行政事业性收费"}},
			Columns: []Column{{ID: "amount", Label: "本年收费金额（单位：万元）", Kind: Amount, Unit: "万元"}},
		},
		requestsTable(true),
		appealsTable,
	},
	OtherItems: []ItemSpec{
		{ID: "fees", Number: "（一）", Label: "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况"},
		{ID: "work_points", Number: "（二）", Label: "本行政机关落实上级年度政务公开工作要点情况"},
		{ID: "proposals", Number: "（三）", Label: "本行政机关人大代表建议和政协提案办理结果公开情况"},
		{ID: "innovation", Number: "（四）", Label: "本行政机关年度政务公开工作创新情况"},
		{ID: "statistics", Number: "（五）", Label: "本行政机关政府信息公开工作年度报告数据统计需要说明的事项"},
		{ID: "other", Number: "（六）", Label: "本行政机关认为需要报告的其他事项"},
	},
}

// Format2019 is the trial format, 国办公开办函〔2019〕60号, used for report years 2019 and 2020.
var Format2019 = Format{
	Era:      Era2019,
	Name:     "国办公开办函〔2019〕60号",
	Sections: tableEraSections,
	Tables: []TableSpec{
		{
			ID: TableRules, Section: "二", Caption: "第二十条第（一）项", Corner: "信息内容",
			Rows: []Row{{ID: "rules", Label: "规章"}, {ID: "normative", Label: "规范性文件"}},
			Columns: []Column{
				{ID: "made", Label: "本年新制作数量"},
				{ID: "published", Label: "本年新公开数量"},
				{ID: "published_total", Label: "对外公开总数量"},
			},
		},
		{
			ID: TableLicensing, Section: "二", Caption: "第二十条第（五）项", Corner: "信息内容",
			Rows: []Row{{ID: "licensing", Label: "行政许可"}, {ID: "other_services", Label: "其他对外管理服务事项"}},
			Columns: []Column{
				{ID: "items_last_year", Label: "上一年项目数量"},
				{ID: "items_change", Label: "本年增/减", Kind: Delta},
				{ID: "decisions", Label: "处理决定数量"},
			},
		},
		{
			ID: TablePenalties, Section: "二", Caption: "第二十条第（六）项", Corner: "信息内容",
			Rows: []Row{{ID: "penalty", Label: "行政处罚"}, {ID: "coercion", Label: "行政强制"}},
			Columns: []Column{
				{ID: "items_last_year", Label: "上一年项目数量"},
				{ID: "items_change", Label: "本年增/减", Kind: Delta},
				{ID: "decisions", Label: "处理决定数量"},
			},
		},
		{
			ID: TableFees, Section: "二", Caption: "第二十条第（八）项", Corner: "信息内容",
			Rows: []Row{{ID: "fees", Label: "行政事业性收费"}},
			Columns: []Column{
				{ID: "items_last_year", Label: "上一年项目数量"},
				{ID: "items_change", Label: "本年增/减", Kind: Delta},
			},
		},
		{
			ID: TableProcure, Section: "二", Caption: "第二十条第（九）项", Corner: "信息内容",
			Rows: []Row{{ID: "procurement", Label: "政府集中采购"}},
			Columns: []Column{
				{ID: "projects", Label: "采购项目数量"},
				{ID: "amount", Label: "采购总金额", Kind: Amount, Unit: "万元"},
			},
		},
		requestsTable(false),
		appealsTable,
	},
}

// FormatPre2019 is the free-text era of the 2007 Regulation (report years 2008–2018): the six contents of its Art 32
// under an opening overview, and no fixed tables.
var FormatPre2019 = Format{
	Era:  EraPre2019,
	Name: "《中华人民共和国政府信息公开条例》（国务院令第492号）第三十二条",
	Sections: []SectionSpec{
		{ID: "概述", Heading: "概述", Aliases: []string{"总体情况", "基本情况"}, Narrative: true},
		{ID: "主动公开", Heading: "主动公开政府信息的情况", Aliases: []string{"主动公开政府信息情况"}, Narrative: true, Required: true},
		{ID: "依申请公开", Heading: "依申请公开政府信息和不予公开政府信息的情况", Aliases: []string{"依申请公开政府信息或不予公开政府信息的情况", "依申请公开政府信息情况", "依申请公开情况"}, Narrative: true, Required: true},
		{ID: "收费", Heading: "政府信息公开的收费及减免情况", Aliases: []string{"政府信息公开收费及减免情况"}, Narrative: true, Required: true},
		{ID: "复议诉讼", Heading: "因政府信息公开申请行政复议、提起行政诉讼的情况", Aliases: []string{"因政府信息公开申请行政复议和提起行政诉讼的情况", "行政复议和行政诉讼情况"}, Narrative: true, Required: true},
		{ID: "问题改进", Heading: "政府信息公开工作存在的主要问题及改进情况", Aliases: []string{"存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进措施"}, Narrative: true, Required: true},
		{ID: "其他", Heading: "其他需要报告的事项", Narrative: true},
	},
}

// FormatOf returns the format of an era.
func FormatOf(e Era) (*Format, bool) {
	switch e {
	case Era2021:
		return &Format2021, true
	case Era2019:
		return &Format2019, true
	case EraPre2019:
		return &FormatPre2019, true
	}
	return nil, false
}
