package casexlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	spreadsheet "github.com/gongkai/gongkai/internal/sheet"
	"github.com/gongkai/gongkai/internal/workday"
)

// Imported is one row of a filled-in template, ready for the workflow.
type Imported struct {
	// Row is the row number as Excel shows it.
	Row int
	// App has Kind, Channel, ReceivedOn, Applicant and Request filled in, and has passed Validate with the checkID
	// given to Parse (so it is normalised: an organisation's IDType is "uscc", its code upper case …).
	App disclosure.Application
	// Outcome is how the case ended, or "" while it is still being handled; it fits App.Kind.
	Outcome disclosure.Outcome
	// Basis is the key of the outcome's basis: the one named in the row, else the outcome's default. "" with no
	// outcome.
	Basis string
	// ClosedOn is the reply (closing) date, set exactly when Outcome is; it is not before App.ReceivedOn.
	ClosedOn workday.Date
	// Note is the row's 备注.
	Note string
}

// Problem is one thing to fix in a file, where the officer will find it.
type Problem struct {
	// Row is the row number as Excel shows it.
	Row int
	// Column is the column's header as the template names it ("收到日期"), or "" for the row as a whole.
	Column string
	// Message says in Chinese what is wrong and what to do.
	Message string
}

// String returns the problem as one line: 第 5 行“收到日期”：…
func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("第 %d 行：%s", p.Row, p.Message)
	}
	return fmt.Sprintf("第 %d 行“%s”：%s", p.Row, p.Column, p.Message)
}

// Option changes how Parse reads a file.
type Option func(*options)

type options struct {
	today workday.Date
	lim   limits
}

// WithToday sets the date Parse takes for today, which no date in the file may be after. Without it Parse uses
// the current date in China (UTC+8), whatever the server's time zone.
func WithToday(d workday.Date) Option { return func(o *options) { o.today = d } }

// chinaTime is China Standard Time, fixed so that no time zone database is needed.
var chinaTime = time.FixedZone("CST", 8*3600)

func mustDate(y int, m time.Month, d int) workday.Date { return workday.NewDate(y, m, d) }

// SheetName is the name of the sheet with the applications, in the template and in an export.
const SheetName = "申请"

// Parse reads a filled-in import template (see Template) and returns its rows as applications, or every problem
// found in them. A file with any problem yields no rows, so that a file is imported whole or not at all.
//
// It reads the sheet 申请 (or the first sheet, if none has that name). The header row is the first row of the
// sheet that names at least three of the template's columns, within its first rows with content; columns may be in
// any order, unknown columns are ignored, and a header may carry the template's "*". A header missing a required
// column, or naming one twice, is reported on the header row, and then no row is checked. Rows whose template
// columns are all empty are skipped (and do not count against the row limit), as is the template's example row
// left as it is. A cell merged over several rows gives its value to each of them that has content. Each row's
// application passes app.Validate(checkID); every error it gives is reported on its column, as are those of the
// dates (real Excel dates or text, between 2008-05-01 and today), the lists, the outcome (which must fit the kind
// of application) and the reply date (required exactly when there is an outcome, not before the receipt date).
//
// The error is a *disclosure.Error (EInvalid) when the file as a whole cannot be used — not an XLSX file, damaged,
// over 20 MB, over 10,000 rows, or without data — and any other error only when reading r fails. Problems are
// sorted by row, then by column.
func Parse(r io.Reader, checkID func(docType, number string) (string, error), opts ...Option) ([]Imported, []Problem, error) {
	o := options{lim: defaultLimits}
	for _, opt := range opts {
		opt(&o)
	}
	if o.today.IsZero() {
		o.today = workday.DateOf(time.Now().In(chinaTime))
	}
	if checkID == nil {
		return nil, nil, errors.New("casexlsx: parse: checkID is nil")
	}
	data, err := io.ReadAll(io.LimitReader(r, o.lim.fileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("casexlsx: parse: %w", err)
	}
	if int64(len(data)) > o.lim.fileBytes {
		return nil, nil, disclosure.Errorf(disclosure.EInvalid, "文件超过 %d MB：请分成几个文件分批导入", o.lim.fileBytes>>20)
	}
	p := &parser{o: o, checkID: checkID}
	if err := readSheet(data, SheetName, o.lim, &p.sh, p.onRow); err != nil {
		return nil, nil, err
	}
	return p.finish()
}

// parser turns the rows of a sheet into imported rows or problems.
type parser struct {
	o       options
	sh      sheet
	checkID func(docType, number string) (string, error)
	// header is the header's row number, once found; index the column (0-based) of each template column in it,
	// -1 when absent.
	header int
	index  [numCols]int
	found  bool
	// pending holds the first rows until one of them is seen to be the header.
	pending []sheetRow
	// rows are the rows after the header with content in a template column.
	rows []dataRow
	// over says reading stopped at the row limit.
	over  bool
	probs []Problem
}

// dataRow is a row's values in the template's columns.
type dataRow struct {
	num int
	v   [numCols]cell
}

func (p *parser) problem(row int, c col, format string, args ...any) {
	name := ""
	if c >= 0 && c < numCols {
		name = importColumns[c].Header
	}
	p.probs = append(p.probs, Problem{Row: row, Column: name, Message: fmt.Sprintf(format, args...)})
}

// onRow takes each row with content as the reader finds it. Until the header is known, rows wait; after it, only
// rows with content in a template column are kept, so that a ledger numbered far beyond its last case (a 序号
// column, row styles) counts only its cases against the row limit.
func (p *parser) onRow(r sheetRow) error {
	if !p.found {
		p.pending = append(p.pending, sheetRow{num: r.num, cells: slices.Clone(r.cells)})
		switch {
		case knownHeaders(r.cells) >= 3:
			p.setHeader(len(p.pending) - 1)
		case len(p.pending) == headerSearch:
			p.setHeader(0)
		}
		return nil
	}
	return p.add(r)
}

func (p *parser) add(r sheetRow) error {
	v := p.values(r)
	if blank(v) {
		return nil
	}
	// One row more than the limit is kept, as it may be the template's example.
	if len(p.rows) > p.o.lim.rows {
		p.over = true
		return errStop
	}
	p.rows = append(p.rows, dataRow{num: r.num, v: v})
	return nil
}

// knownHeaders counts the template columns a row names.
func knownHeaders(cells []cell) int {
	var seen [numCols]bool
	n := 0
	for _, c := range cells {
		if len(c.text) > 200 {
			continue
		}
		if k, ok := headerLookup.find(headerKey(c.text)); ok && !seen[k] {
			seen[k] = true
			n++
		}
	}
	return n
}

// setHeader takes the i-th pending row as the header: the first of the leading rows naming at least three template
// columns, else the first row. The pending rows after it are data.
func (p *parser) setHeader(i int) {
	h := p.pending[i]
	p.header, p.found = h.num, true
	for c := range p.index {
		p.index[c] = -1
	}
	var where [numCols][]int
	for j, c := range h.cells {
		if len(c.text) > 200 {
			continue
		}
		if k, ok := headerLookup.find(headerKey(c.text)); ok {
			where[k] = append(where[k], j)
		}
	}
	for c := range numCols {
		if len(where[c]) > 0 {
			p.index[c] = where[c][0]
		}
		if len(where[c]) > 1 {
			var letters []string
			for _, j := range where[c] {
				letters = append(letters, columnLetter(j))
			}
			p.problem(p.header, c, "表头中有 %d 列都是这一列（第 %s 列）：请删除多余的列或改正表头，只保留一列",
				len(where[c]), strings.Join(letters, "、"))
		}
	}
	for _, r := range p.pending[i+1:] {
		_ = p.add(r) // at most headerSearch rows: never over the limit
	}
	p.pending = nil
}

// finish checks the rows once the whole sheet is read.
func (p *parser) finish() ([]Imported, []Problem, error) {
	if !p.found {
		if len(p.pending) == 0 {
			return nil, nil, disclosure.Errorf(disclosure.EInvalid,
				"工作表“%s”是空的：请在第 1 行填写表头，从第 2 行起每行填写一件申请（可以先下载导入模板）", p.sh.name)
		}
		p.setHeader(0)
	}
	if p.over {
		return nil, nil, p.tooMany()
	}
	if !p.checkColumns() {
		return nil, p.sorted(), nil
	}
	p.fillMerged()
	data := p.rows[:0]
	for _, r := range p.rows {
		if !isExample(r.v, p.sh.date1904) {
			data = append(data, r)
		}
	}
	if len(data) > p.o.lim.rows {
		return nil, nil, p.tooMany()
	}
	if len(data) == 0 {
		return nil, nil, disclosure.Errorf(disclosure.EInvalid,
			"工作表“%s”中没有要导入的申请：请从表头（第 %d 行）的下一行起，每行填写一件申请", p.sh.name, p.header)
	}
	out := make([]Imported, 0, len(data))
	for _, r := range data {
		if im, ok := p.row(r.num, r.v); ok {
			out = append(out, im)
		}
	}
	if len(p.probs) > 0 {
		return nil, p.sorted(), nil
	}
	return out, nil, nil
}

func (p *parser) tooMany() error {
	return disclosure.Errorf(disclosure.EInvalid,
		"工作表“%s”中的申请超过 %d 行，超出了一次导入的上限：请分成几个文件分批导入", p.sh.name, p.o.lim.rows)
}

// sorted returns the problems by row, then by the template's column order (the row as a whole first).
func (p *parser) sorted() []Problem {
	order := map[string]int{"": -1}
	for c := range numCols {
		order[importColumns[c].Header] = int(c)
	}
	slices.SortStableFunc(p.probs, func(a, b Problem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return order[a.Column] - order[b.Column]
	})
	return p.probs
}

// checkColumns reports each required column missing from the header; rows are checked only when none is.
func (p *parser) checkColumns() bool {
	for c := range numCols {
		if importColumns[c].Required && p.index[c] < 0 {
			p.problem(p.header, c, "缺少必填列“%s”：请在表头（第 %d 行）加上这一列，列名与导入模板一致", importColumns[c].Header, p.header)
		}
	}
	return len(p.probs) == 0
}

func columnLetter(i int) string {
	s := ""
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		s = string(rune('A'+(n-1)%26)) + s
	}
	return s
}

// fillMerged gives the value of a range merged over several rows to each of its rows that has content. A range
// merged across columns keeps its value in its first column only: a value never belongs to two fields.
func (p *parser) fillMerged() {
	if len(p.sh.merges) == 0 || len(p.rows) == 0 {
		return
	}
	at := map[int]col{} // template column by sheet column (1-based)
	for c := range numCols {
		if p.index[c] >= 0 {
			at[p.index[c]+1] = c
		}
	}
	find := func(num int) int {
		i, _ := slices.BinarySearchFunc(p.rows, num, func(r dataRow, n int) int { return r.num - n })
		return i
	}
	for _, m := range p.sh.merges {
		c, ok := at[m.c1]
		if !ok || m.r2 == m.r1 {
			continue
		}
		a := find(m.r1)
		if a == len(p.rows) || p.rows[a].num != m.r1 {
			continue
		}
		anchor := p.rows[a].v[c]
		// The rows are found by search, so the work is bounded by the rows present, not by the range's size.
		for i := a + 1; i < len(p.rows) && p.rows[i].num <= m.r2; i++ {
			if x := p.rows[i].v[c]; x.text == "" && !x.formula {
				p.rows[i].v[c] = anchor
			}
		}
	}
}

// values picks the template columns out of a row. The apostrophe that a spreadsheet export (gongkai's own, through
// sheet.SafeCell) puts before formula-like text is dropped, so that such a value reads back as it was.
func (p *parser) values(r sheetRow) [numCols]cell {
	var v [numCols]cell
	for c := range numCols {
		if i := p.index[c]; i >= 0 && i < len(r.cells) {
			v[c] = r.cells[i]
			v[c].text = spreadsheet.Unsafe(strings.TrimSpace(v[c].text))
		}
	}
	return v
}

func blank(v [numCols]cell) bool {
	for _, c := range v {
		if c.text != "" || c.formula {
			return false
		}
	}
	return true
}

// isExample reports whether the row is the template's example row, left as it is.
func isExample(v [numCols]cell, date1904 bool) bool {
	for c := range numCols {
		want := importColumns[c].Example
		got := v[c].text
		if importColumns[c].Date && v[c].numeric {
			if d, ok := serialDate(got, date1904); ok {
				got = d.String()
			}
		}
		if got != want {
			return false
		}
	}
	return true
}

// serialDate converts an Excel date serial number to a date. A time of day is dropped.
func serialDate(s string, date1904 bool) (workday.Date, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 2958465 {
		return workday.Date{}, false
	}
	if date1904 {
		return mustDate(1904, 1, 1).AddDays(int(f)), true
	}
	// Day 1 is 1900-01-01 and Excel counts a 1900-02-29 that did not exist, so from March 1900 on the days
	// count from 1899-12-30; earlier dates are long before any case.
	return mustDate(1899, 12, 30).AddDays(int(f)), true
}

// errorValues are what Excel shows in a cell whose formula failed.
var errorValues = map[string]bool{
	"#N/A": true, "#VALUE!": true, "#REF!": true, "#DIV/0!": true, "#NUM!": true, "#NAME?": true, "#NULL!": true,
	"#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true,
}

// reTimeOfDay matches a time written after a date: "2026-03-02 10:30", "2026-03-02T10:30:00Z".
var reTimeOfDay = regexp.MustCompile(`^(.*?\d)[ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`)

// rowFields are one row's values, read and checked column by column.
type rowFields struct {
	num      int
	kind     disclosure.ApplicationKind
	channel  disclosure.Channel
	received workday.Date
	atype    disclosure.ApplicantType
	name     string
	idType   string
	idNumber string
	contact  string
	phone    string
	email    string
	address  string
	title    string
	doc      string
	desc     string
	forms    []string
	delivery []string
	outcome  disclosure.Outcome
	basis    string
	closed   workday.Date
	note     string
	// bad marks the columns found wrong; each has one problem.
	bad [numCols]bool
}

// row checks one data row. It returns the imported row when the row has no problem.
func (p *parser) row(num int, v [numCols]cell) (Imported, bool) {
	before := len(p.probs)
	f := &rowFields{num: num}
	fail := func(c col, format string, args ...any) {
		if !f.bad[c] {
			f.bad[c] = true
			p.problem(num, c, format, args...)
		}
	}
	text := func(c col) string { return v[c].text }

	// Cells that cannot be read as what they say.
	for c := range numCols {
		x := v[c]
		switch {
		case x.formula && x.text == "":
			fail(c, "公式没有保存计算结果：请在 Excel 或 WPS 中打开文件并保存一次，或把公式改为实际内容")
		case x.long:
			fail(c, "内容超过 %d 字：请删减", p.o.lim.cellChars)
		case len(x.text) <= 16 && strings.HasPrefix(x.text, "#") && errorValues[strings.ToUpper(x.text)]:
			fail(c, "公式出错（%s）：请改正公式，或直接填写实际内容", x.text)
		case x.numeric && !importColumns[c].Date && lostDigits(x.text):
			fail(c, "这一格被 Excel 存成了数字（%s），超过 15 位的数字末尾已变成 0：请先把这一列设为“文本”格式，再重新输入完整的号码", x.text)
		}
	}
	// What is wrong is not read further.
	for c := range numCols {
		if f.bad[c] {
			v[c] = cell{}
		}
	}
	// Required columns.
	for c := range numCols {
		if importColumns[c].Required && text(c) == "" && !f.bad[c] {
			fail(c, "%s", requiredMessage(c))
		}
	}

	if s := text(cKind); s != "" && !f.bad[cKind] {
		if k, ok := kindLookup.find(s); ok {
			f.kind = k
		} else {
			fail(cKind, "无法识别申请类型%s：请填写“政府信息公开申请”或“更正申请”", quote(s))
		}
	} else if s == "" && !f.bad[cKind] {
		f.kind = disclosure.DisclosureRequest
	}
	if s := text(cChannel); s != "" && !f.bad[cChannel] {
		if ch, ok := channelLookup.find(s); ok {
			f.channel = ch
		} else {
			fail(cChannel, "无法识别申请方式%s：请从下拉列表中选择（%s）", quote(s), strings.Join(channelNames(), "、"))
		}
	}
	f.received = p.date(v[cReceived], cReceived, "收到日期", fail, f.bad[cReceived])
	if s := text(cApplicantType); s != "" && !f.bad[cApplicantType] {
		if t, ok := applicantTypeLookup.find(s); ok {
			f.atype = t
		} else {
			fail(cApplicantType, "无法识别申请人类型%s：请从下拉列表中选择（%s）", quote(s), strings.Join(applicantTypeNames(), "、"))
		}
	}
	f.name = text(cName)
	f.idNumber = foldWidth(text(cIDNumber))
	if s := text(cIDType); s != "" && !f.bad[cIDType] && !f.atype.IsOrganization() {
		t, ok := idTypeLookup.find(s)
		switch {
		case !ok:
			fail(cIDType, "无法识别证件类型%s：请从下拉列表中选择（%s）", quote(s), strings.Join(idTypeNames(), "、"))
		case t == disclosure.USCCDocType && f.atype == disclosure.NaturalPerson:
			fail(cIDType, "公民不使用统一社会信用代码：请选择身份证件类型；如果申请人是企业或其他组织，请改正申请人类型")
		default:
			f.idType = t
		}
	}
	if f.atype == disclosure.NaturalPerson && f.idType == "" {
		f.idType = "resident_id"
	}
	f.contact = text(cContact)
	f.phone = foldWidth(text(cPhone))
	f.email = foldWidth(text(cEmail))
	f.address = text(cAddress)
	f.title, f.doc = text(cTitle), text(cDocNumber)
	for _, c := range []col{cTitle, cDocNumber} {
		if utf8.RuneCountInString(text(c)) > 200 && !f.bad[c] {
			fail(c, "%s过长（最多 200 字）：请删减", importColumns[c].Header)
		}
	}
	f.desc = text(cDescription)
	f.forms = p.options(v[cForms], cForms, disclosure.RequestForms, "纸质文本", fail, f.bad[cForms])
	f.delivery = p.options(v[cDelivery], cDelivery, disclosure.RequestDelivery, "邮寄", fail, f.bad[cDelivery])
	f.note = text(cNote)

	// The outcome, its basis and the reply date belong together.
	var spec disclosure.OutcomeSpec
	if s := text(cOutcome); s != "" && !f.bad[cOutcome] {
		o, ok := outcomeLookup.find(s)
		switch {
		case !ok:
			fail(cOutcome, "无法识别办理结果%s：请从下拉列表中选择，或填写年度报告中的行名称（如“1.属于国家秘密”）", quote(s))
		case f.kind != "" && !o.Fits(f.kind):
			fail(cOutcome, "办理结果%s不适用于%s：%s", quote(s), kindName(f.kind), fitsHint(f.kind))
		default:
			f.outcome = o
			spec, _ = o.Spec()
		}
	}
	if s := text(cBasis); s != "" && !f.bad[cBasis] {
		switch {
		case f.outcome != "":
			if b, ok := basisOf(spec, s); ok {
				f.basis = b.Key
			} else {
				var names []string
				for _, b := range spec.Bases {
					names = append(names, "“"+b.Name+"”")
				}
				fail(cBasis, "办理结果“%s”没有依据%s：可选%s，或不填使用默认依据", spec.Name, quote(s), strings.Join(names, "、"))
			}
		case text(cOutcome) == "" && !f.bad[cOutcome]:
			fail(cBasis, "填写了办理依据，但没有填写办理结果：请填写办理结果，或清空办理依据")
		}
	}
	if f.outcome != "" && f.basis == "" && !f.bad[cBasis] {
		f.basis = spec.Bases[0].Key
	}
	f.closed = p.date(v[cClosed], cClosed, "答复日期", fail, f.bad[cClosed])
	switch {
	case text(cOutcome) != "" && text(cClosed) == "" && !f.bad[cClosed]:
		fail(cClosed, "填写了办理结果，就必须填写答复（办结）日期：请补上答复日期；如果仍在办理，请清空办理结果")
	case text(cOutcome) == "" && text(cClosed) != "" && !f.bad[cOutcome]:
		fail(cOutcome, "填写了答复日期，但没有填写办理结果：已办结的请填写办理结果，仍在办理的请清空答复日期")
	case !f.received.IsZero() && !f.closed.IsZero() && f.closed.Before(f.received):
		fail(cClosed, "答复日期（%s）早于收到日期（%s）：请核对", f.closed, f.received)
	}

	app, ok := p.validate(f)
	if !ok || len(p.probs) > before {
		return Imported{}, false
	}
	im := Imported{Row: num, App: app, Note: f.note}
	if f.outcome != "" {
		im.Outcome, im.Basis, im.ClosedOn = f.outcome, f.basis, f.closed
	}
	return im, true
}

// tooLong reports whether s has more than n characters, without counting a short text.
func tooLong(s string, n int) bool {
	return len(s) > n && utf8.RuneCountInString(s) > n
}

func requiredMessage(c col) string {
	switch c {
	case cReceived:
		return "请填写收到申请的日期，如 2026-03-02"
	case cChannel:
		return "请填写申请方式：" + strings.Join(channelNames(), "、")
	case cApplicantType:
		return "请填写申请人类型：" + strings.Join(applicantTypeNames(), "、")
	case cName:
		return "请填写申请人姓名；法人或其他组织填写名称"
	case cIDNumber:
		return "请填写证件号码；法人或其他组织填写 18 位统一社会信用代码"
	case cPhone:
		return "请填写联系电话"
	case cDescription:
		return "请描述所需的政府信息（名称、文号或便于查询的其他特征）；更正申请填写需要更正的记录和理由"
	}
	return "请填写" + importColumns[c].Header
}

func fitsHint(k disclosure.ApplicationKind) string {
	if k == disclosure.CorrectionRequest {
		var names []string
		for _, o := range disclosure.CorrectionOutcomes() {
			names = append(names, "“"+o.Name+"”")
		}
		return "更正申请的办理结果为" + strings.Join(names, "、") + "；如果这是政府信息公开申请，请改正申请类型"
	}
	return "政府信息公开申请的办理结果是年度报告第三部分的各行（予以公开、部分公开、不予公开……）；如果这是更正申请，请把申请类型改为“更正申请”"
}

// lostDigits reports whether a number Excel stored has lost digits: written with an exponent, or longer than the
// 15 significant digits Excel keeps.
func lostDigits(s string) bool {
	if strings.ContainsAny(s, "eE") {
		return true
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	return digits > 15
}

// date reads a date cell: an Excel date, or text in any spelling workday.ParseDate accepts. It must lie between
// the first Regulation's effective date and today.
func (p *parser) date(x cell, c col, label string, fail func(col, string, ...any), bad bool) workday.Date {
	if x.text == "" || bad {
		return workday.Date{}
	}
	var d workday.Date
	if x.numeric {
		var ok bool
		if d, ok = serialDate(x.text, p.sh.date1904); !ok {
			fail(c, "%s不是有效的日期：请填写如 2026-03-02 的日期", quote(x.text))
			return workday.Date{}
		}
	} else {
		s := x.text
		if m := reTimeOfDay.FindStringSubmatch(foldWidth(s)); m != nil {
			s = m[1]
		}
		var err error
		if d, err = workday.ParseDate(s); err != nil {
			fail(c, "%s", err.Error())
			return workday.Date{}
		}
	}
	switch {
	case d.After(p.o.today):
		fail(c, "%s（%s）晚于今天（%s）：请核对", label, d, p.o.today)
		return workday.Date{}
	case d.Before(firstDay):
		fail(c, "%s（%s）早于%s（政府信息公开条例施行之日）：请核对", label, d, firstDayText)
		return workday.Date{}
	}
	return d
}

// options reads a list of choices separated by commas (a Chinese enumeration comma is kept inside a choice such
// as "当场阅读、抄录" and separates choices elsewhere). An empty cell gives the default.
func (p *parser) options(x cell, c col, offered []string, def string, fail func(col, string, ...any), bad bool) []string {
	if bad {
		return []string{def}
	}
	s := x.text
	if s == "" {
		return []string{def}
	}
	byKey := map[string]string{}
	pieces := 1 // the most 、-separated pieces a choice has
	for _, o := range offered {
		byKey[key(o)] = o
		pieces = max(pieces, strings.Count(o, "、")+1)
	}
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，;；\n/|", r) }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		if o, ok := byKey[key(part)]; ok {
			out = append(out, o)
			continue
		}
		// Split on 、 and join back the longest runs that name a choice; a run is never longer than the longest
		// choice, which keeps a cell of thousands of 、 linear.
		bits := strings.Split(part, "、")
		for i := 0; i < len(bits); {
			j := min(len(bits), i+pieces)
			for ; j > i; j-- {
				if _, ok := byKey[key(strings.Join(bits[i:j], "、"))]; ok {
					break
				}
			}
			if j == i {
				if key(bits[i]) != "" {
					fail(c, "%s不在可选范围内：可选%s，多项之间用逗号分隔", quote(bits[i]), strings.Join(offered, "、"))
					return []string{def}
				}
				i++
				continue
			}
			out = append(out, byKey[key(strings.Join(bits[i:j], "、"))])
			i = j
		}
	}
	if len(out) == 0 {
		return []string{def}
	}
	return out
}

// Stand-ins for values already found wrong, so that Validate goes on to check the rest of the row and every
// problem is reported at once. Each is valid on its own.
const (
	standInName  = "某"
	standInPhone = "00000"
	standInUSCC  = "91110000000000000E"
)

var standInDate = mustDate(2020, 1, 2)

// validate runs Application.Validate until it passes, turning each error into a problem on its column and putting
// a stand-in in that column to find the next. It returns the validated application when the row had no problem.
func (p *parser) validate(f *rowFields) (disclosure.Application, bool) {
	bad := f.bad
	clean := true
	for _, b := range bad {
		clean = clean && !b
	}
	for range numCols + 1 {
		app := f.application(bad)
		var idErr error
		check := func(docType, number string) (string, error) {
			if bad[cIDNumber] || bad[cIDType] || bad[cApplicantType] {
				return number, nil
			}
			n, err := p.checkID(docType, number)
			idErr = err
			return n, err
		}
		err := app.Validate(check)
		if err == nil {
			return app, clean
		}
		clean = false
		c, ok := columnOf(err, idErr)
		msg := disclosure.ErrorMessage(err)
		if !ok {
			p.probs = append(p.probs, Problem{Row: f.num, Message: msg})
			return disclosure.Application{}, false
		}
		if bad[c] {
			// A stand-in did not satisfy Validate; report what it said on the row rather than loop.
			return disclosure.Application{}, false
		}
		bad[c] = true
		p.problem(f.num, c, "%s", msg)
	}
	return disclosure.Application{}, false
}

// application builds the row's application, with stand-ins in the columns marked bad.
func (f *rowFields) application(bad [numCols]bool) disclosure.Application {
	pick := func(c col, v, standIn string) string {
		if bad[c] {
			return standIn
		}
		return v
	}
	a := disclosure.Application{
		Kind:       f.kind,
		Channel:    f.channel,
		ReceivedOn: f.received,
		Applicant: disclosure.Applicant{
			Type: f.atype, Name: pick(cName, f.name, standInName), IDType: f.idType, IDNumber: f.idNumber,
			Contact: pick(cContact, f.contact, standInName), Phone: pick(cPhone, f.phone, standInPhone),
			Email: pick(cEmail, f.email, ""), Address: pick(cAddress, f.address, ""),
		},
		Request: disclosure.Request{
			Title: pick(cTitle, f.title, ""), DocNumber: pick(cDocNumber, f.doc, ""),
			Description: pick(cDescription, f.desc, standInName),
			Forms:       slices.Clone(f.forms), Delivery: slices.Clone(f.delivery),
		},
	}
	if bad[cKind] {
		a.Kind = disclosure.DisclosureRequest
	}
	if bad[cChannel] {
		a.Channel = disclosure.Letter
	}
	if bad[cReceived] {
		a.ReceivedOn = standInDate
	}
	if bad[cApplicantType] {
		a.Applicant.Type = disclosure.NaturalPerson
	}
	if bad[cIDNumber] {
		a.Applicant.IDNumber = "x"
		if a.Applicant.Type.IsOrganization() {
			a.Applicant.IDNumber = standInUSCC
		}
	}
	if bad[cForms] {
		a.Request.Forms = []string{disclosure.RequestForms[0]}
	}
	if bad[cDelivery] {
		a.Request.Delivery = []string{disclosure.RequestDelivery[0]}
	}
	return a
}

// columnOf finds the column an error of Application.Validate is about. An error of checkID is about the ID
// number; the rest are recognised by what their messages name.
func columnOf(err, idErr error) (col, bool) {
	msg := err.Error()
	if idErr != nil && msg == idErr.Error() {
		return cIDNumber, true
	}
	for _, m := range validateColumns {
		for _, s := range m.says {
			if strings.Contains(msg, s) {
				return m.c, true
			}
		}
	}
	return 0, false
}

// validateColumns maps what Validate's messages name to the column, most specific first ("联系人姓名" before
// "姓名"). The tests exercise every message, so a changed wording shows.
var validateColumns = []struct {
	c    col
	says []string
}{
	{cIDNumber, []string{"统一社会信用代码", "身份证件号码"}},
	{cContact, []string{"联系人"}},
	{cPhone, []string{"联系电话"}},
	{cEmail, []string{"电子邮箱"}},
	{cAddress, []string{"联系地址"}},
	{cApplicantType, []string{"申请人类型"}},
	{cName, []string{"申请人姓名", "组织的名称"}},
	{cTitle, []string{"信息名称或文号"}},
	{cDescription, []string{"描述", "需要更正的信息记录"}},
	{cForms, []string{"载体形式"}},
	{cDelivery, []string{"获取信息的方式"}},
	{cKind, []string{"申请类型"}},
	{cChannel, []string{"申请方式"}},
	{cReceived, []string{"收到申请的日期"}},
}
