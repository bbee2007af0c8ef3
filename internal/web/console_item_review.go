package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemActionForm is one workflow action offered on an item's page, with the inputs it needs.
type itemActionForm struct {
	catalogue.Transition
	Inputs []string
}

// itemActionInputs are the form inputs of each action; actions not named need only the button.
var itemActionInputs = map[catalogue.Action][]string{
	catalogue.Pass:     {"checklist", "comment"},
	catalogue.Return:   {"reason"},
	catalogue.Approve:  {"comment"},
	catalogue.Schedule: {"at"},
	catalogue.Withdraw: {"withdraw"},
	catalogue.Validity: {"validity"},
	catalogue.Reviewed: {"review"},
	catalogue.Channels: {"channels"},
}

// itemEventRow is a step of an item's history as the page shows it.
type itemEventRow struct {
	disclosure.ItemEvent
}

// Name is the step's name in Chinese, from the workflow table.
func (e itemEventRow) Name() string {
	a, rev := strings.CutPrefix(e.Action, "revision.")
	switch a {
	case "create":
		return "新建"
	case "import":
		return "导入"
	}
	for _, t := range catalogue.Transitions {
		if string(t.Action) == a && t.Revision == rev {
			return t.Name
		}
	}
	return e.Action
}

// StateName is the state the step led to.
func (e itemEventRow) StateName() string { return disclosure.ItemStateNames[e.ToState] }

// itemVersionRow is a published version a correction replaced.
type itemVersionRow struct {
	Version int              `json:"version" doc:"被替换的版本号"`
	At      time.Time        `json:"at" doc:"被替换的时间"`
	Actor   string           `json:"actor" doc:"发布更正的人员"`
	Item    *disclosure.Item `json:"item" doc:"当时公开的内容"`
}

// itemPage is an item's page in the console: the item as published and the correction being prepared, side by
// side; where it stands (Art 26, periodic review); files, channels, history and replaced versions; the actions the
// account may take now; and other applications that asked for the same information.
type itemPage struct {
	Item     *disclosure.Item
	Agency   *disclosure.Agency
	Edition  *disclosure.Item
	CanEdit  bool
	Actions  []itemActionForm
	Check    []string
	Files    []itemFileRow
	Channels []disclosure.ItemChannel
	Names    []string
	Events   []itemEventRow
	Versions []itemVersionRow
	Late     string
	LateNow  bool
	Similar  []similarCase
	Source   *disclosure.Case
	Error    string
	Warnings []string
	Loc      *time.Location
	Today    workday.Date
	cats     map[string]string
}

// CategoryName names a 主题分类 code.
func (p itemPage) CategoryName(code string) string {
	if n := p.cats[code]; n != "" {
		return n
	}
	if code == "" {
		return "未分类"
	}
	return code
}

// ChannelRows numbers the rows of the channels form.
func (p itemPage) ChannelRows() []int {
	rows := make([]int, maxChannelRows)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// StateName names an item state.
func (p itemPage) StateName(s disclosure.ItemState) string { return disclosure.ItemStateNames[s] }

// ValidityName names a validity.
func (p itemPage) ValidityName(v disclosure.Validity) string { return disclosure.ValidityNames[v] }

// Body is an item's stored body, sanitised when it was saved.
func (p itemPage) Body(it *disclosure.Item) template.HTML { return itemBodyHTML(it.Body) }

// Art20Name names the 法定主动公开内容 item.
func (p itemPage) Art20Name(n int) string {
	if n < 1 || n >= len(disclosure.Art20Items) {
		return ""
	}
	return fmt.Sprintf("第二十条第（%s）项：%s", art20Numeral(n), disclosure.Art20Items[n])
}

// consoleItem is an item's page.
func (s *Server) consoleItem(w http.ResponseWriter, r *http.Request) {
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	s.renderConsoleItem(w, r, it, a, who, http.StatusOK, "", s.popItemWarnings(r))
}

func (s *Server) renderConsoleItem(w http.ResponseWriter, r *http.Request, it *disclosure.Item, a *disclosure.Agency, who catalogue.Who, status int, msg string, warnings []string) {
	p, err := s.itemPageOf(r.Context(), it, a, who)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Error, p.Warnings = msg, warnings
	title := it.Title
	if title == "" {
		title = "主动公开信息"
	}
	s.render(w, r, status, "item_view", title, p)
}

// itemPageOf gathers what an item's page shows the account (who it is for the agency): the edition being worked
// on, the actions it may take now, the checklist, files, channels, history, replaced versions, Art 26, the source
// application and similar ones. The console's page and the API's item are both made from it.
func (s *Server) itemPageOf(ctx context.Context, it *disclosure.Item, a *disclosure.Agency, who catalogue.Who) (itemPage, error) {
	p := itemPage{Item: it, Agency: a, Edition: it, Check: a.Settings.WithDefaults().ReviewList(), Names: disclosure.ItemChannels,
		Loc: s.cfg.Location, Today: s.today()}
	if it.Revision != nil {
		p.Edition = it.Revision
	}
	_, _, p.CanEdit = itemEditable(it, who)
	spec, _ := it.Genre.Spec()
	for _, t := range catalogue.Allowed(it, who) {
		// Editing has its own page; 有效性 is offered only for the genres that have one.
		if t.Action != catalogue.Save && (t.Action != catalogue.Validity || spec.Validity) {
			p.Actions = append(p.Actions, itemActionForm{t, itemActionInputs[t.Action]})
		}
	}
	var err error
	cats, err := s.db.Categories(ctx)
	if err != nil {
		return p, err
	}
	p.cats = itemCategoryNames(cats)
	if p.Files, err = s.itemFileRows(ctx, it.ID); err != nil {
		return p, err
	}
	if p.Channels, err = s.db.ItemChannelsOf(ctx, it.ID); err != nil {
		return p, err
	}
	events, err := s.db.ItemEvents(ctx, it.ID)
	if err != nil {
		return p, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		p.Events = append(p.Events, itemEventRow{events[i]})
	}
	versions, err := s.db.ItemVersions(ctx, it.ID)
	if err != nil {
		return p, err
	}
	for _, v := range versions {
		p.Versions = append(p.Versions, itemVersionRow{Version: v.Version, At: v.At, Actor: v.Actor, Item: &v.Item})
	}
	if !it.Public() {
		if l, ok := catalogue.LatenessOf(s.calendar(ctx), it.FormedOn, p.Today); ok {
			p.Late, p.LateNow = l.String(), l.Late
		}
	}
	text := it.Title + it.Summary
	if it.SourceCaseID != nil {
		if c, err := s.db.GetCase(ctx, *it.SourceCaseID); err == nil {
			p.Source = c
			text = requestText(&c.Application)
		}
	}
	var except int64
	if p.Source != nil {
		except = p.Source.ID
	}
	if p.Similar, err = s.similarCases(ctx, a.ID, text, except); err != nil {
		return p, err
	}
	return p, nil
}

// itemFailure shows an error of a step on the page it came from: the edit page while the item can be edited, its
// page otherwise.
func (s *Server) itemFailure(w http.ResponseWriter, r *http.Request, it *disclosure.Item, a *disclosure.Agency, who catalogue.Who, status int, err error) {
	fresh, gerr := s.db.GetItem(r.Context(), it.ID)
	if gerr != nil {
		s.serverError(w, r, gerr)
		return
	}
	if ed, rev, ok := itemEditable(fresh, who); ok {
		s.renderItemEdit(w, r, fresh, a, *ed, rev, strings.Join(ed.Keywords, "，"), status, disclosure.ErrorMessage(err), nil)
		return
	}
	s.renderConsoleItem(w, r, fresh, a, who, status, disclosure.ErrorMessage(err), nil)
}

// itemStep applies the action of a form of the item's page: submit, the secrecy review with the checklist, return,
// approve, publish now or at a set time, correct, discard, withdraw, 有效性, periodic review, channels.
func (s *Server) itemStep(w http.ResponseWriter, r *http.Request) {
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	if who == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	u := s.currentUser(r)
	cmd, err := s.itemCommandFromForm(r, a, it)
	var ch *disclosure.ItemChange
	if err == nil {
		ch, err = s.stepItem(r, u, it, a, who, cmd)
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		fresh, gerr := s.db.GetItem(r.Context(), it.ID)
		if gerr != nil {
			s.serverError(w, r, gerr)
			return
		}
		s.renderConsoleItem(w, r, fresh, a, who, errorStatus(err), disclosure.ErrorMessage(err), nil)
		return
	}
	// Warnings (a publication late under Art 26) are shown once, on the next page.
	if len(ch.Warnings) > 0 {
		s.sessions.Put(r.Context(), "item_warnings", strings.Join(ch.Warnings, "\n"))
	}
	if cmd.Action == catalogue.Correct {
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit", it.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/items/%d#top", it.ID), http.StatusSeeOther)
}

// maxChannelRows is how many channel rows the form offers at once.
const maxChannelRows = 4

// itemCommandFromForm reads an item action's form.
func (s *Server) itemCommandFromForm(r *http.Request, a *disclosure.Agency, it *disclosure.Item) (catalogue.Command, error) {
	r.ParseForm()
	return s.itemCommandFromValues(r.PostForm, a, it)
}

// itemCommandFromValues reads an item action's fields, named as the item page's forms name them.
func (s *Server) itemCommandFromValues(form url.Values, a *disclosure.Agency, it *disclosure.Item) (catalogue.Command, error) {
	v := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	cmd := catalogue.Command{Action: catalogue.Action(v("action")), Note: form.Get("note"), Version: atoiOr(v("version"), 0),
		Validity: disclosure.Validity(v("validity"))}
	if d := v("date"); d != "" {
		date, err := workday.ParseDate(d)
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "日期“%s”格式不正确，应为 2026-03-02", itemClip(d, 20))
		}
		cmd.Date = date
	}
	switch cmd.Action {
	case catalogue.Pass:
		// The checklist's answers are its questions' texts, so a list changed meanwhile cannot pass on old ticks.
		cmd.Answers = map[string]bool{}
		for _, q := range form["answer"] {
			cmd.Answers[q] = true
		}
	case catalogue.Schedule:
		at, err := time.ParseInLocation("2006-01-02T15:04", v("at"), s.cfg.Location)
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "请填写定时发布的日期和时间，如 2026-03-02 09:00")
		}
		cmd.At = at
	case catalogue.Reviewed:
		if cmd.Date.IsZero() {
			// No date: the genre's period from today, as at publication.
			if m := a.Settings.WithDefaults().ReviewPeriod(it.Genre); m > 0 {
				cmd.Date = workday.DateOf(s.today().In(time.UTC).AddDate(0, m, 0))
			}
		}
	case catalogue.Channels:
		for i := range maxChannelRows {
			k := strconv.Itoa(i)
			// A channel of the list, or one the agency names itself.
			name := v("channel_other_" + k)
			if name == "" {
				name = v("channel_" + k)
			}
			if name == "" {
				continue
			}
			c := disclosure.ItemChannel{Channel: name, Count: 1}
			if n := v("count_" + k); n != "" {
				x, err := strconv.Atoi(n)
				if err != nil {
					return cmd, disclosure.Errorf(disclosure.EInvalid, "“%s”的发布次数应为整数", itemClip(name, 30))
				}
				c.Count = x
			}
			if d := v("on_" + k); d != "" {
				date, err := workday.ParseDate(d)
				if err != nil {
					return cmd, disclosure.Errorf(disclosure.EInvalid, "“%s”的发布日期格式不正确，应为 2026-03-02", itemClip(name, 30))
				}
				c.On = date
			}
			cmd.Channels = append(cmd.Channels, c)
		}
	}
	return cmd, nil
}
