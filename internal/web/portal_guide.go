package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/fee"
)

// The 政府信息公开指南 (R2019 Art 12: "政府信息公开指南包括政府信息的分类、编排体系、获取方式和政府信息公开工作机构的
// 名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式等内容"), the agency's 政府信息公开制度 in its column, the
// application form to download, and the website's footer particulars.

// contactRow is one line of the guide's 工作机构 list.
type contactRow struct{ Label, Value, Flag string }

// contactRows lists the agency's contacts in the guide's order, each with its label and the `gongkai agency set`
// flag that fills it.
func contactRows(c disclosure.Contacts) []contactRow {
	return []contactRow{
		{"机构名称", c.Office, "--office"}, {"办公地址", c.Address, "--address"}, {"办公时间", c.OfficeHours, "--hours"},
		{"联系电话", c.Phone, "--phone"}, {"传真", c.Fax, "--fax"}, {"电子邮箱", c.Email, "--email"}, {"邮政编码", c.Postcode, "--postcode"},
	}
}

// filledContacts are the rows with a value: the public guide shows what the agency has given and nothing else.
func filledContacts(c disclosure.Contacts) []contactRow {
	var out []contactRow
	for _, r := range contactRows(c) {
		if r.Value != "" {
			out = append(out, r)
		}
	}
	return out
}

// missingContacts are the rows without a value, for the officer's view.
func missingContacts(c disclosure.Contacts) []contactRow {
	var out []contactRow
	for _, r := range contactRows(c) {
		if r.Value == "" {
			out = append(out, r)
		}
	}
	return out
}

// feeBand is one band of a fee method, as the guide prints it.
type feeBand struct{ Range, Rate string }

// feeMethod is one method of 国办函〔2020〕109号 with its bands.
type feeMethod struct {
	Name, Scope string
	Bands       []feeBand
	Note        string
}

// feeMethods returns the two methods' bands as internal/fee computes them, so that the guide and the fee notices
// can never disagree. 109号: "按件计收 … 同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；累计申请11—30件
// （含30件）的部分，收费标准为100元/件；累计申请30件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件";
// "按量计收 … 30页以下（含30页）的，不收费；31—100页（含100页）的部分，收费标准为10元/页；101—200页（含200页）的部分，
// 收费标准为20元/页；200页以上的部分，收费标准为40元/页".
func feeMethods() []feeMethod {
	band := func(l fee.Line, unit string, last bool) feeBand {
		r := strconv.Itoa(l.From) + "—" + strconv.Itoa(l.To) + unit
		if l.From == 1 {
			r = strconv.Itoa(l.To) + unit + "以下（含" + strconv.Itoa(l.To) + unit + "）"
		}
		if last {
			r = strconv.Itoa(l.From-1) + unit + "以上"
		}
		rate := "不收费"
		if l.Rate > 0 {
			rate = fee.Yuan(l.Rate) + "元/" + unit
		}
		return feeBand{r, rate}
	}
	// Enough units to show each band of the 办法's table once: 50 件 reach the first two bands of ten beyond 30.
	perCase, _ := fee.PerCaseQuote(0, 50)
	var caseBands []feeBand
	for _, l := range perCase.Lines {
		caseBands = append(caseBands, band(l, "件", false))
	}
	caseBands = append(caseBands, feeBand{"50件以上", "以10件为一档，每增加一档，每件提高100元"})
	perPage, _ := fee.PerPageQuote(201)
	var pageBands []feeBand
	for i, l := range perPage.Lines {
		pageBands = append(pageBands, band(l, "页", i == len(perPage.Lines)-1))
	}
	return []feeMethod{
		{Name: fee.PerCase.Name(), Scope: "按同一申请人一个自然月内累计申请的件数计算；一个申请包含多项内容的，可以按照“一事一申请”原则，以合理的最小单位拆分计算件数。",
			Bands: caseBands, Note: "超额累进：每档的标准只适用于该档内的件数。"},
		{Name: fee.PerPage.Name(), Scope: "按同一申请中提供的纸质复制件、电子邮件或复制电子数据的页数计算。",
			Bands: pageBands, Note: "超额累进：每档的标准只适用于该档内的页数。"},
	}
}

// guideFee is the fee section of an agency's guide: the methods it applies and how to pay.
type guideFee struct {
	Methods []feeMethod
	// Chosen is the method the agency has fixed (setting "fee_method"), or "" when it chooses per application.
	Chosen  string
	Payment string
}

func agencyFee(a *disclosure.Agency) guideFee {
	g := guideFee{Methods: feeMethods(), Payment: a.Settings.FeePayment}
	if m := fee.Method(a.Settings.Extra["fee_method"]); m.Valid() {
		g.Chosen = m.Name()
		for _, fm := range g.Methods {
			if fm.Name == g.Chosen {
				g.Methods = []feeMethod{fm}
			}
		}
	}
	return g
}

// rulesShown is how many of the agency's 政府信息公开制度 its column lists before linking to the catalogue.
const rulesShown = 10

// disclosureRules returns the agency's own published 政府信息公开制度, newest first.
func (s *Server) disclosureRules(ctx context.Context, agencyID int64) ([]disclosure.Item, error) {
	key := "rules:" + strconv.FormatInt(agencyID, 10)
	return memoized(s, ctx, key, time.Minute, followWrites, func(ctx context.Context) ([]disclosure.Item, error) {
		return s.db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{agencyID}, Genre: disclosure.GenreDisclosureRules, Limit: rulesShown + 1})
	})
}

// addRules gives the column page the agency's 政府信息公开制度.
func (s *Server) addRules(r *http.Request, data map[string]any, a *disclosure.Agency) {
	rules, err := s.disclosureRules(r.Context(), a.ID)
	if err != nil {
		s.log.Error("agency rules", "err", err)
		return
	}
	data["RulesMore"] = len(rules) > rulesShown
	data["Rules"] = rules[:min(len(rules), rulesShown)]
	data["RulesGenre"] = disclosure.GenreDisclosureRules
}

func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	rules, err := s.disclosureRules(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "guide", a.Name+"政府信息公开指南", map[string]any{"Agency": a, "Contacts": filledContacts(a.Contacts),
		"Fee": agencyFee(a), "HasRules": len(rules) > 0, "RulesGenre": disclosure.GenreDisclosureRules})
}

// applicationForm builds the agency's 政府信息公开申请表 with the fields of the portal's online form (Art 29: the
// applicant, the information sought, the form and way of obtaining it), to print and send by letter or hand in.
func applicationForm(a *disclosure.Agency, onlineURL string) *document.Doc {
	label := func(t string) []document.Cell { return []document.Cell{{Text: t, Header: true}} }
	val := func(t string) []document.Cell { return []document.Cell{{Text: t}} }
	// wide spans a cell over n columns.
	wide := func(c []document.Cell, n int) []document.Cell {
		c[0].ColSpan = n
		for range n - 1 {
			c = append(c, document.Cell{Covered: true})
		}
		return c
	}
	row := func(parts ...[]document.Cell) []document.Cell { return slices.Concat(parts...) }
	boxes := func(opts []string) string { return "□" + strings.Join(opts, "　□") }
	// Four columns (label, value, label, value), the blocks of the online form as full-width heading rows.
	cells := [][]document.Cell{
		row(label("申请人类型"), wide(val("□公民　□法人或者其他组织"), 3)),
		wide(label("公民填写"), 4),
		row(label("姓名"), val(""), label("证件类型"), val("□居民身份证　□其他：")),
		row(label("证件号码"), wide(val(""), 3)),
		wide(label("法人或者其他组织填写"), 4),
		row(label("名称"), val(""), label("统一社会信用代码"), val("")),
		row(label("法定代表人"), val(""), label("联系人"), val("")),
		wide(label("联系方式"), 4),
		row(label("联系电话"), val(""), label("电子邮箱"), val("")),
		row(label("联系地址"), val(""), label("邮政编码"), val("")),
		row(label("传真"), wide(val(""), 3)),
		wide(label("所需信息情况"), 4),
		row(label("信息名称"), val(""), label("文号"), val("")),
		row(label("内容描述"), wide(val("（请写明信息的名称、文号、发布时间或者其他便于查询的特征性描述。每份申请表只申请一项政府信息。）"), 3)),
		row(label("用途（选填）"), wide(val(""), 3)),
		row(label("载体形式"), wide(val(boxes(disclosure.RequestForms)), 3)),
		row(label("获取方式"), wide(val(boxes(disclosure.RequestDelivery)), 3)),
		wide(val("□若本机关无法按照指定的形式提供，也可接受其他形式"), 4),
		row(label("签名或者盖章"), val(""), label("申请日期"), val("　　年　　月　　日")),
	}
	blocks := []document.Block{
		{Kind: document.Title, Text: "政府信息公开申请表"},
		{Kind: document.Addressee, Text: "受理机关：" + a.Name},
		{Kind: document.Table, Table: &document.Grid{Cells: cells}},
		{Kind: document.Note, Text: "填表说明：1. 申请人为公民的填写“公民”一栏，为法人或者其他组织的填写“法人或者其他组织”一栏；联系电话必填。2. 请附身份证明（公民的身份证件、法人或者其他组织的营业执照等）复印件。3. 信访、投诉、举报等事项不作为政府信息公开申请处理。"},
	}
	c := a.Contacts
	var how []string
	if c.Address != "" {
		addr := "邮寄或者当面递交至" + c.Address
		if c.Office != "" {
			addr += c.Office
		}
		if c.Postcode != "" {
			addr += "（邮政编码 " + c.Postcode + "）"
		}
		how = append(how, addr+"，信封左下角请注明“政府信息公开申请”")
	}
	if c.Fax != "" {
		how = append(how, "传真至 "+c.Fax)
	}
	how = append(how, "在线申请："+onlineURL)
	blocks = append(blocks, document.Block{Kind: document.Note, Text: "递交方式：" + strings.Join(how, "；") + "。"})
	var reach []string
	if c.Phone != "" {
		reach = append(reach, "咨询电话 "+c.Phone)
	}
	if c.OfficeHours != "" {
		reach = append(reach, "办公时间 "+c.OfficeHours)
	}
	if len(reach) > 0 {
		blocks = append(blocks, document.Block{Kind: document.Note, Text: strings.Join(reach, "；") + "。"})
	}
	return &document.Doc{Title: "政府信息公开申请表", Subject: "政府信息公开申请表", Author: a.Name, Blocks: blocks}
}

// applicationFormFile sends the agency's application form as DOCX or PDF (the path's suffix says which).
func (s *Server) applicationFormFile(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agencyFromPath(w, r)
	if !ok {
		return
	}
	format, ct := "docx", typeDOCX
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		format, ct = "pdf", "application/pdf"
	}
	// The address of the online form only from the configured BaseURL: one taken from the request's Host header
	// would let a visitor put an address of their choosing into the file that everybody is then served.
	online := "本网站政府信息公开专栏“依申请公开”栏目"
	if s.cfg.BaseURL != "" {
		online = strings.TrimRight(s.cfg.BaseURL, "/") + "/agencies/" + strconv.FormatInt(a.ID, 10) + "/apply"
	}
	// Rendering a PDF embeds a font subset: the file is kept until the agency changes.
	key := "form:" + format + ":" + strconv.FormatInt(a.ID, 10) + ":" + strconv.FormatInt(a.UpdatedAt.UnixMicro(), 10)
	data, err := memoized(s, r.Context(), key, time.Hour, byTime, func(context.Context) ([]byte, error) {
		var b bytes.Buffer
		d := applicationForm(a, online)
		if format == "pdf" {
			err := document.PDF(&b, d)
			return b.Bytes(), err
		}
		err := document.DOCX(&b, d)
		return b.Bytes(), err
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, a.Name+"政府信息公开申请表."+format, ct, publicFile, data)
}

// siteSettings returns the footer particulars, re-read after any write (they change rarely and the query is one
// small table); on an error the footer is left empty rather than the page failing.
func (s *Server) siteSettings(ctx context.Context) disclosure.SiteSettings {
	v, err := memoized(s, ctx, "site", time.Minute, followWrites, func(ctx context.Context) (disclosure.SiteSettings, error) {
		return s.db.SiteSettings(ctx)
	})
	if err != nil {
		s.log.Error("site settings", "err", err)
	}
	return v
}

// siteForm is the settings page's form of the footer particulars.
type siteForm struct {
	Fields     []siteFormField
	Error      string
	Saved, Can bool
}

type siteFormField struct {
	Key, Label, Example, Value, Error string
}

func newSiteForm(v disclosure.SiteSettings, fieldErr *disclosure.SiteFieldError) siteForm {
	var f siteForm
	for _, sf := range disclosure.SiteFields {
		ff := siteFormField{Key: sf.Key, Label: sf.Label, Example: sf.Example, Value: *sf.Get(&v)}
		if fieldErr != nil && fieldErr.Key == sf.Key {
			ff.Error = disclosure.ErrorMessage(fieldErr.Err)
		}
		f.Fields = append(f.Fields, ff)
	}
	return f
}

// siteSave stores the footer particulars from the settings page (the system administrator's). A refused value
// comes back in the form with the message next to its field, and nothing typed is lost.
func (s *Server) siteSave(w http.ResponseWriter, r *http.Request) {
	var v disclosure.SiteSettings
	for _, f := range disclosure.SiteFields {
		*f.Get(&v) = r.PostFormValue(f.Key)
	}
	err := s.db.SetSiteSettings(r.Context(), actorOf(s.currentUser(r), r), v)
	var fe *disclosure.SiteFieldError
	switch {
	case errors.As(err, &fe):
		form := newSiteForm(v, fe)
		form.Error, form.Can = disclosure.ErrorMessage(fe.Err), true
		s.settingsPage(w, r, http.StatusUnprocessableEntity, form)
	case err != nil:
		s.serverError(w, r, err)
	default:
		http.Redirect(w, r, "/console/settings?saved=1#site", http.StatusSeeOther)
	}
}

// guideCheck is what the officer's view says about one agency's 指南 and 制度.
type guideCheck struct {
	Agency  *disclosure.Agency
	Missing []contactRow
	Rules   int
	More    bool
}

// consoleGuide shows the officer, for each agency they work for, what the public guide leaves out (contacts not
// given) and whether the column's 政府信息公开制度 has anything in it, with what to do about each.
func (s *Server) consoleGuide(w http.ResponseWriter, r *http.Request) {
	visible, _, err := s.visibleAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []guideCheck
	for _, a := range visible {
		rules, err := s.db.PublishedItems(r.Context(), disclosure.ItemFilter{AgencyIDs: []int64{a.ID}, Genre: disclosure.GenreDisclosureRules, Limit: rulesShown + 1})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		rows = append(rows, guideCheck{Agency: a, Missing: missingContacts(a.Contacts), Rules: min(len(rules), rulesShown), More: len(rules) > rulesShown})
	}
	s.render(w, r, http.StatusOK, "console_guide", "公开指南和制度", map[string]any{"Rows": rows, "Genre": disclosure.GenreDisclosureRules,
		"CanEdit": allowed(s.currentUser(r), EditItems)})
}
