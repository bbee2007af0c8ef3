package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/richtext"
	"github.com/gongkai/gongkai/internal/workday"
)

// sanitizeItemBody returns the body safe to store and show: the document's structure as richtext keeps it
// (paragraphs, headings, lists, tables with merged cells, bold; plain text becomes one paragraph a line), links only
// to https and mailto addresses or to this site, images only from this site (no tracking pixels, no data: URIs,
// nothing that loads from elsewhere when the public opens the page, no relative paths that depend on where the page
// is), no scripts, styles or event handlers.
func sanitizeItemBody(s string) string {
	clean := richtext.Body(s)
	z := html.NewTokenizer(strings.NewReader(clean))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return strings.TrimSpace(b.String())
		}
		t := z.Token()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if t.Data == "img" && !slices.ContainsFunc(t.Attr, func(a html.Attribute) bool { return a.Key == "src" && strings.HasPrefix(a.Val, "/") && siteURL(a.Val) }) {
				continue
			}
			t.Attr = slices.DeleteFunc(t.Attr, func(a html.Attribute) bool {
				return (a.Key == "href" || a.Key == "cite") && !siteURL(a.Val) && !httpsURL(a.Val) && !mailtoURL(a.Val)
			})
		}
		b.WriteString(t.String())
	}
}

// siteURL reports whether a URL stays on this site: a path or fragment, without scheme or host.
func siteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(raw, "//") && !strings.Contains(raw, "\\")
}

func mailtoURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "mailto" && u.Opaque != ""
}

func httpsURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// loadConsoleItem reads the item of the path and checks the account may read it; who is what it may do.
func (s *Server) loadConsoleItem(w http.ResponseWriter, r *http.Request) (*disclosure.Item, *disclosure.Agency, catalogue.Who, bool) {
	it, a, ok := loadOwned(s, w, r, "item", s.db.GetItem, func(it *disclosure.Item) int64 { return it.AgencyID })
	if !ok {
		return nil, nil, 0, false
	}
	who, read := s.itemRoles(r.Context(), s.currentUser(r), a)
	if !read {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, nil, 0, false
	}
	return it, a, who, true
}

// itemActor is the catalogue actor of an account for an agency's item.
func itemActor(u *disclosure.User, who catalogue.Who) catalogue.Actor {
	return catalogue.Actor{Who: who, UserID: &u.ID, Name: u.DisplayName}
}

// itemCategoryNames maps codes to names, for lists and pages.
func itemCategoryNames(cats []disclosure.Category) map[string]string {
	m := make(map[string]string, len(cats))
	for _, c := range cats {
		m[c.Code] = c.Name
	}
	return m
}

type itemArt20Option struct {
	N    int
	Name string
}

func itemArt20Options() []itemArt20Option {
	out := []itemArt20Option{{0, "按体裁确定"}}
	for i, name := range disclosure.Art20Items[1:] {
		out = append(out, itemArt20Option{i + 1, fmt.Sprintf("第（%s）项 %s", art20Numeral(i+1), name)})
	}
	return out
}

func art20Numeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	default:
		return "十" + digits[n-10]
	}
}

type itemValidityOption struct {
	Value disclosure.Validity
	Name  string
}

var itemValidityOptions = []itemValidityOption{{disclosure.InForce, "有效"}, {disclosure.Expired, "失效"}, {disclosure.Repealed, "废止"}}

// itemForm is the data of the edit page: the values to show (the draft, the correction, or what was entered), the
// choices, and the files.
type itemForm struct {
	Item        disclosure.Item
	ID, Version int64
	// Agencies are the agencies a new item may be published for; AgencyID the one chosen.
	Agencies   []*disclosure.Agency
	AgencyID   int64
	Agency     *disclosure.Agency
	Categories []disclosure.CategoryOption
	Genres     []disclosure.GenreSpec
	Art20      []itemArt20Option
	Validities []itemValidityOption
	Keywords   string
	Error      string
	Warnings   []string
	// Revision says a correction of a published item is being edited; Published is that item as the public sees it.
	Revision    bool
	Published   *disclosure.Item
	Attachments []itemFileRow
	SourceCase  *disclosure.Case
}

// GenreHasValidity reports whether a genre carries 有效性, for the form's hint.
func (f itemForm) GenreHasValidity(g disclosure.Genre) bool { s, _ := g.Spec(); return s.Validity }

func (s *Server) newItemForm(ctx context.Context) (*itemForm, error) {
	cats, err := s.db.Categories(ctx)
	if err != nil {
		return nil, err
	}
	return &itemForm{Categories: disclosure.CategoryOptions(cats), Genres: disclosure.Genres, Art20: itemArt20Options(), Validities: itemValidityOptions}, nil
}

// itemOfficerAgencies returns the agencies for which the account writes items: where it is an officer.
func (s *Server) itemOfficerAgencies(r *http.Request, u *disclosure.User) ([]*disclosure.Agency, error) {
	ids, err := s.roleAgencies(r, u, disclosure.Officer)
	if err != nil {
		return nil, err
	}
	return s.agenciesByID(r.Context(), ids)
}

// itemNewForm shows the form of a new item.
func (s *Server) itemNewForm(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	f, err := s.newItemForm(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if f.Agencies, err = s.itemOfficerAgencies(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(f.Agencies) == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	f.AgencyID = f.Agencies[0].ID
	f.Item.Genre, f.Item.WrittenOn = disclosure.GenreNotice, s.today()
	// A link may choose the agency and the genre (the guide page's "新建政府信息公开制度").
	if g := disclosure.Genre(r.URL.Query().Get("genre")); g != "" {
		if _, ok := g.Spec(); ok {
			f.Item.Genre = g
		}
	}
	for _, a := range f.Agencies {
		if strconv.FormatInt(a.ID, 10) == r.URL.Query().Get("agency") {
			f.AgencyID = a.ID
		}
	}
	s.render(w, r, http.StatusOK, "item_edit", "新建主动公开信息", f)
}

// itemFromForm reads the item's metadata and body from the edit form; the body is sanitised here.
func itemFromForm(r *http.Request) (disclosure.Item, string, error) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	it := disclosure.Item{Title: v("title"), Summary: r.PostFormValue("summary"), DocNumber: v("doc_number"), Publisher: v("publisher"),
		Category: v("category"), Genre: disclosure.Genre(v("genre")), Validity: disclosure.Validity(v("validity")), Body: sanitizeItemBody(r.PostFormValue("body"))}
	keywords := v("keywords")
	it.Keywords = strings.FieldsFunc(keywords, func(r rune) bool { return strings.ContainsRune(",，;；、 \t\r\n　", r) })
	if a := v("art20"); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil {
			return it, keywords, disclosure.Errorf(disclosure.EInvalid, "法定主动公开内容的项数不正确")
		}
		it.Art20 = n
	}
	for _, d := range []struct {
		key, name string
		dst       *workday.Date
	}{{"written_on", "成文日期", &it.WrittenOn}, {"formed_on", "形成或变更日期", &it.FormedOn}, {"effective_on", "施行日期", &it.EffectiveOn}, {"ended_on", "失效（废止）日期", &it.EndedOn}} {
		if x := v(d.key); x != "" {
			date, err := workday.ParseDate(x)
			if err != nil {
				return it, keywords, disclosure.Errorf(disclosure.EInvalid, "%s“%s”格式不正确，应为 2026-03-02", d.name, itemClip(x, 20))
			}
			*d.dst = date
		}
	}
	if it.Validity == disclosure.InForce {
		it.EndedOn = workday.Date{}
	}
	return it, keywords, nil
}

// maxItemDOCX is the largest Word document whose body may be imported (the size of an attachment).
const maxItemDOCX = maxItemUpload

// maxItemPaste is the most HTML the editor sends to be cleaned at once: Word puts a long document on the clipboard
// as a few MB of markup.
const maxItemPaste = 16 << 20

// parseItemForm reads the edit form: URL-encoded, or multipart when it carries a Word document to import. A form
// too large to read is an error that says what to do; the values read until then stay in the form.
func parseItemForm(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxItemDOCX+maxItemPaste)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return disclosure.Errorf(disclosure.EInvalid, "提交的内容过大，未能保存：导入的 Word 文件不能超过 %d MB，请删去其中的图片或拆分后再导入", maxItemDOCX>>20)
		}
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxItemPaste)
	if err := r.ParseForm(); err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "正文过长（超过 %d MB），未能保存：请把长篇文件作为附件上传", maxItemPaste>>20)
	}
	return nil
}

// itemImportBody replaces the body with the one of the Word document chosen under “导入Word正文”, when there is
// one, and returns what to tell the officer; "" when no document came. Asking to import without a document, or a
// file that is not one, is an error that keeps everything else entered.
func itemImportBody(r *http.Request, it *disclosure.Item) (string, error) {
	var fh *multipart.FileHeader
	if r.MultipartForm != nil {
		if fs := r.MultipartForm.File["body_docx"]; len(fs) > 0 && fs[0].Size > 0 {
			fh = fs[0]
		}
	}
	if fh == nil {
		if r.PostFormValue("then") == "import" {
			return "", disclosure.Errorf(disclosure.EInvalid, "请先选择要导入正文的 Word 文件（.docx）")
		}
		return "", nil
	}
	name := cleanFileName(fh.Filename)
	if fh.Size > maxItemDOCX {
		return "", disclosure.Errorf(disclosure.EInvalid, "Word 文件“%s”超过 %d MB，不能导入正文，请删去其中的图片或拆分后再导入", name, maxItemDOCX>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return "", disclosure.Errorf(disclosure.EInvalid, "无法读取 Word 文件“%s”，请重新选择", name)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxItemDOCX+1))
	if err != nil {
		return "", disclosure.Errorf(disclosure.EInvalid, "无法读取 Word 文件“%s”，请重新选择", name)
	}
	doc, err := richtext.DOCX(data)
	if err != nil {
		if errors.Is(err, richtext.ErrDOCX) {
			return "", disclosure.Errorf(disclosure.EInvalid, "“%s”不能导入正文：%s", name, err.Error())
		}
		return "", err
	}
	body := sanitizeItemBody(doc.HTML)
	if body == "" {
		return "", disclosure.Errorf(disclosure.EInvalid, "Word 文件“%s”中没有文字，正文未改变", name)
	}
	it.Body = body
	msg := fmt.Sprintf("已将 Word 文件“%s”导入为正文，请核对后保存或提交审查。", name)
	if doc.Images > 0 {
		msg += fmt.Sprintf("文件中的 %d 张图片未导入正文，如需公开请另存为图片后作为附件上传。", doc.Images)
	}
	return msg, nil
}

// itemCleanBody cleans what the console's editor pastes — the HTML of a Word, WPS or web clipboard, or plain text —
// with the same rules as saving, so that the editor shows at once what will be stored and published.
func (s *Server) itemCleanBody(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxItemPaste)
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		http.Error(w, fmt.Sprintf("粘贴的内容超过 %d MB，请分段粘贴，或用“导入Word正文”导入文件", maxItemPaste>>20), http.StatusRequestEntityTooLarge)
		return
	}
	body := r.PostFormValue("html")
	if body == "" {
		body = richtext.FromText(r.PostFormValue("text"))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, sanitizeItemBody(body))
}

func itemClip(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

// itemCreate stores a new draft and opens its page.
func (s *Server) itemCreate(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	u := s.currentUser(r)
	perr := parseItemForm(w, r)
	agencies, err := s.itemOfficerAgencies(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	content, keywords, err := itemFromForm(r)
	imported, importErr := itemImportBody(r, &content)
	err = cmp.Or(perr, err, importErr)
	var a *disclosure.Agency
	if id, ok := parseID(r.PostFormValue("agency")); ok {
		if i := slices.IndexFunc(agencies, func(x *disclosure.Agency) bool { return x.ID == id }); i >= 0 {
			a = agencies[i]
		}
	}
	if a == nil {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	var it *disclosure.Item
	if err == nil {
		if it, err = catalogue.NewItem(content, a, s.now()); err == nil {
			err = s.db.CreateItem(r.Context(), actorOf(u, r), it)
		}
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		f, ferr := s.newItemForm(r.Context())
		if ferr != nil {
			s.serverError(w, r, ferr)
			return
		}
		f.Agencies, f.AgencyID, f.Item, f.Keywords, f.Error = agencies, a.ID, content, keywords, disclosure.ErrorMessage(err)
		s.render(w, r, errorStatus(err), "item_edit", "新建主动公开信息", f)
		return
	}
	if imported != "" {
		// The officer checks what the document became before going on.
		s.sessions.Put(r.Context(), "item_warnings", imported)
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit#body-label", it.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/items/%d", it.ID), http.StatusSeeOther)
}

// editable returns the edition an officer may change now — the draft, or the correction being prepared — and
// whether it is the correction.
func itemEditable(it *disclosure.Item, who catalogue.Who) (*disclosure.Item, bool, bool) {
	if who&catalogue.ByOfficer == 0 {
		return nil, false, false
	}
	t, ok := catalogue.TransitionOf(it, catalogue.Save)
	if !ok {
		return nil, false, false
	}
	if t.Revision {
		return it.Revision, true, true
	}
	return it, false, true
}

// itemEditForm shows the edit page of a draft or of a correction being prepared.
func (s *Server) itemEditForm(w http.ResponseWriter, r *http.Request) {
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	ed, rev, ok := itemEditable(it, who)
	if !ok {
		if who&catalogue.ByOfficer == 0 {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		s.userError(w, r, disclosure.Errorf(disclosure.EConflict, "信息当前状态为“%s”，不能修改。已发布的信息请在信息页面点击“更正”", disclosure.ItemStateNames[it.State]))
		return
	}
	shown := *ed
	// A body stored as plain text comes to the editor as the paragraphs the public sees.
	shown.Body = richtext.Render(shown.Body)
	s.renderItemEdit(w, r, it, a, shown, rev, strings.Join(ed.Keywords, "，"), http.StatusOK, "", s.popItemWarnings(r))
}

func (s *Server) renderItemEdit(w http.ResponseWriter, r *http.Request, it *disclosure.Item, a *disclosure.Agency, shown disclosure.Item, rev bool, keywords string, status int, msg string, warnings []string) {
	ctx := r.Context()
	f, err := s.newItemForm(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f.Item, f.ID, f.Version, f.Agency, f.AgencyID, f.Keywords, f.Error, f.Warnings, f.Revision = shown, it.ID, int64(it.Version), a, a.ID, keywords, msg, warnings, rev
	if rev {
		f.Published = it
	}
	if f.Attachments, err = s.itemFileRows(r, it.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if it.SourceCaseID != nil {
		if c, err := s.db.GetCase(ctx, *it.SourceCaseID); err == nil {
			f.SourceCase = c
		}
	}
	title := "修改主动公开信息"
	if rev {
		title = "编辑更正稿"
	}
	s.render(w, r, status, "item_edit", title, f)
}

// itemSave saves the edit form onto the draft or the correction being prepared.
func (s *Server) itemSave(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	if err := parseItemForm(w, r); err != nil {
		// Nothing of the form could be trusted: the stored edition is shown with what to do.
		s.itemFailure(w, r, it, a, who, http.StatusRequestEntityTooLarge, err)
		return
	}
	content, keywords, err := itemFromForm(r)
	if content.Publisher == "" {
		content.Publisher = a.Name
	}
	imported, importErr := itemImportBody(r, &content)
	err = cmp.Or(err, importErr)
	_, rev, _ := itemEditable(it, who)
	if err == nil {
		cmd := catalogue.Command{Action: catalogue.Save, Actor: itemActor(s.currentUser(r), who), Now: s.now(), Today: s.today(), Content: &content,
			Version: atoiOr(r.PostFormValue("version"), 0)}
		_, err = s.db.UpdateItem(r.Context(), actorOf(s.currentUser(r), r), it.ID, s.itemStepFunc(cmd, a))
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		if _, _, ok := itemEditable(it, who); !ok {
			s.itemFailure(w, r, it, a, who, errorStatus(err), err)
			return
		}
		// The entered values are shown again with what to fix.
		s.renderItemEdit(w, r, it, a, content, rev, keywords, errorStatus(err), disclosure.ErrorMessage(err), nil)
		return
	}
	if imported != "" {
		s.sessions.Put(r.Context(), "item_warnings", imported)
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit#body-label", it.ID), http.StatusSeeOther)
		return
	}
	if r.PostFormValue("then") == "view" {
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d#top", it.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit?saved=1", it.ID), http.StatusSeeOther)
}

// itemStepFunc is the store's step of a catalogue command for an agency's item.
func (s *Server) itemStepFunc(cmd catalogue.Command, a *disclosure.Agency) func(context.Context, *disclosure.Item) (*disclosure.ItemChange, error) {
	env := catalogue.Env{Agency: a}
	return func(ctx context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
		env.Calendar = s.calendar(ctx)
		return catalogue.Decide(it, cmd, env)
	}
}

// popItemWarnings returns the warnings of the last step, shown once.
func (s *Server) popItemWarnings(r *http.Request) []string {
	if msg := s.sessions.PopString(r.Context(), "item_warnings"); msg != "" {
		return strings.Split(msg, "\n")
	}
	return nil
}

// itemBodyHTML is an item's stored body as a page shows it: sanitised again on the way out, and a body stored as
// plain text (before bodies were kept as HTML) with its paragraphs.
// A table sits in a box that scrolls sideways, so that a wide table from a Word document does not make the page
// wider than a phone's screen; the box takes the focus, so that it can be scrolled with the keyboard.
func itemBodyHTML(body string) template.HTML {
	// Each top-level table in its own focusable scrolling box (scrollableTables), so that a wide one scrolls by
	// itself on a phone instead of widening the page.
	return template.HTML(scrollableTables(richtext.Render(body)))
}
