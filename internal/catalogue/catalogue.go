// Package catalogue is the workflow of proactively disclosed information (主动公开): an item goes from draft through
// the secrecy review (保密审查) and, where the agency requires it, approval, to publication now or at a set time; a
// published item is corrected through the same review on a revision while the public keeps seeing the published
// version, or withdrawn with a reason; its validity (有效 / 失效 / 废止) and periodic review (动态调整) are kept, and
// Art 26's 20 working days are counted from the day it was formed or changed. Like casework it is pure: the store
// applies a decision in one transaction with the audit row.
package catalogue

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// Action is a step an item can take.
type Action string

// The actions.
const (
	Save       Action = "save"     // change the draft (or the revision)
	Submit     Action = "submit"   // send to the secrecy review
	Pass       Action = "pass"     // the reviewer passes it
	Return     Action = "return"   // the reviewer or approver sends it back, with a comment
	Approve    Action = "approve"  // the approver signs it off (agencies that require it)
	Publish    Action = "publish"  // publish now
	Schedule   Action = "schedule" // publish at a set time
	Release    Action = "release"  // the scheduled moment came (the system)
	Unschedule Action = "unschedule"
	Correct    Action = "correct"  // start a revision of a published item
	Discard    Action = "discard"  // drop the revision
	Withdraw   Action = "withdraw" // take a published item off, with a reason shown on its page
	Validity   Action = "validity" // 失效 / 废止 (or back to 有效), with the date
	Reviewed   Action = "reviewed" // periodic review done: next review date set, validity confirmed
	Channels   Action = "channels" // record the other channels the item went out on
)

// Who is a set of the kinds of actor.
type Who uint8

// The kinds of actor.
const (
	ByOfficer Who = 1 << iota
	ByReviewer
	ByApprover
	BySystem
)

// Transition is one row of the workflow table.
type Transition struct {
	Action Action
	Name   string
	By     Who
	// From are the states of the edition the action works on: the item itself, or its revision when it has one
	// (Revision is true).
	From     []disclosure.ItemState
	Revision bool
	To       disclosure.ItemState
}

var (
	draft     = []disclosure.ItemState{disclosure.ItemDraft}
	published = []disclosure.ItemState{disclosure.ItemPublished}
)

// Transitions is the workflow.
var Transitions = []Transition{
	{Save, "保存", ByOfficer, draft, false, ""},
	{Submit, "提交保密审查", ByOfficer, draft, false, disclosure.ItemInReview},
	{Pass, "保密审查通过", ByReviewer, []disclosure.ItemState{disclosure.ItemInReview}, false, ""},
	{Return, "退回修改", ByReviewer | ByApprover, []disclosure.ItemState{disclosure.ItemInReview, disclosure.ItemApproval}, false, disclosure.ItemDraft},
	{Approve, "审批通过", ByApprover, []disclosure.ItemState{disclosure.ItemApproval}, false, disclosure.ItemReady},
	{Publish, "发布", ByOfficer, []disclosure.ItemState{disclosure.ItemReady}, false, disclosure.ItemPublished},
	{Schedule, "定时发布", ByOfficer, []disclosure.ItemState{disclosure.ItemReady}, false, disclosure.ItemScheduled},
	{Unschedule, "取消定时发布", ByOfficer, []disclosure.ItemState{disclosure.ItemScheduled}, false, disclosure.ItemReady},
	{Release, "到时发布", BySystem, []disclosure.ItemState{disclosure.ItemScheduled}, false, disclosure.ItemPublished},
	{Correct, "更正", ByOfficer, published, false, ""},
	{Withdraw, "撤回", ByOfficer, published, false, disclosure.ItemWithdrawn},
	{Validity, "变更有效性", ByOfficer, published, false, ""},
	{Reviewed, "完成定期评估", ByOfficer, published, false, ""},
	{Channels, "登记发布渠道", ByOfficer, published, false, ""},
	// A revision of a published item goes through the same review.
	{Save, "保存更正稿", ByOfficer, draft, true, ""},
	{Submit, "提交更正稿保密审查", ByOfficer, draft, true, disclosure.ItemInReview},
	{Pass, "更正稿保密审查通过", ByReviewer, []disclosure.ItemState{disclosure.ItemInReview}, true, ""},
	{Return, "退回更正稿", ByReviewer | ByApprover, []disclosure.ItemState{disclosure.ItemInReview, disclosure.ItemApproval}, true, disclosure.ItemDraft},
	{Approve, "更正稿审批通过", ByApprover, []disclosure.ItemState{disclosure.ItemApproval}, true, disclosure.ItemReady},
	{Publish, "发布更正", ByOfficer, []disclosure.ItemState{disclosure.ItemReady}, true, disclosure.ItemPublished},
	{Discard, "放弃更正", ByOfficer, []disclosure.ItemState{disclosure.ItemDraft, disclosure.ItemReady}, true, ""},
}

// edition returns the record an item's actions work on: its revision if it has one, else the item itself.
func edition(it *disclosure.Item) (*disclosure.Item, bool) {
	if it.Revision != nil {
		return it.Revision, true
	}
	return it, false
}

// TransitionOf returns the row of an action for an item as it is (on its revision or on itself).
func TransitionOf(it *disclosure.Item, a Action) (Transition, bool) {
	ed, rev := edition(it)
	for _, t := range Transitions {
		if t.Action != a {
			continue
		}
		// Actions on a published item itself (correct, withdraw, validity…) stay possible while no revision is open,
		// and validity/channels/reviewed even while one is.
		if t.Revision == rev && slices.Contains(t.From, ed.State) {
			return t, true
		}
		if rev && !t.Revision && slices.Contains(t.From, it.State) && (a == Validity || a == Channels || a == Reviewed || a == Withdraw) {
			return t, true
		}
	}
	return Transition{}, false
}

// Allowed returns the actions the kinds of actor may take on the item now.
func Allowed(it *disclosure.Item, who Who) []Transition {
	var out []Transition
	seen := map[Action]bool{}
	for _, t := range Transitions {
		if seen[t.Action] || t.By&who == 0 {
			continue
		}
		if got, ok := TransitionOf(it, t.Action); ok && got.By&who != 0 {
			if t.Action == Correct && it.Revision != nil {
				continue
			}
			out = append(out, got)
			seen[t.Action] = true
		}
	}
	return out
}

// Actor is who takes a step.
type Actor struct {
	Who    Who
	UserID *int64
	Name   string
}

// Command is one step asked for.
type Command struct {
	Action Action
	Actor  Actor
	Now    time.Time
	Today  workday.Date
	// Version, when not 0, must be the item's version.
	Version int
	// Content is the edited item (Save), Note the comment or reason, At a scheduled moment.
	Content *disclosure.Item
	Note    string
	At      time.Time
	// Answers are the reviewer's checklist answers (Pass).
	Answers map[string]bool
	// Validity and Date change an item's 有效性 (Validity), or set the next review date (Reviewed).
	Validity disclosure.Validity
	Date     workday.Date
	// Channels are the other channels (Channels).
	Channels []disclosure.ItemChannel
}

// Env is what a decision needs to know: the agency (settings, for approval, checklist and review periods) and the
// calendar (Art 26).
type Env struct {
	Agency   *disclosure.Agency
	Calendar *workday.Calendar
}

// Decision is the outcome of a step: the changed item, what the store must do besides saving it (assign the
// 索引号, reindex, keep the replaced version, record channels), the event, and warnings for the officer.
type Decision = disclosure.ItemChange

func errf(code, format string, args ...any) error { return disclosure.Errorf(code, format, args...) }

// Decide applies one step to an item.
func Decide(it *disclosure.Item, cmd Command, env Env) (*Decision, error) {
	t, ok := TransitionOf(it, cmd.Action)
	if !ok {
		ed, _ := edition(it)
		return nil, errf(disclosure.EConflict, "信息当前状态为“%s”，不能执行该操作", disclosure.ItemStateNames[ed.State])
	}
	if t.By&cmd.Actor.Who == 0 {
		return nil, errf(disclosure.EForbidden, "您没有权限执行“%s”", t.Name)
	}
	if cmd.Version != 0 && cmd.Version != it.Version {
		return nil, errf(disclosure.EConflict, "该信息已被他人更新，请刷新页面后再操作")
	}
	cmd.Note = strings.TrimSpace(cmd.Note)
	if utf8.RuneCountInString(cmd.Note) > 2000 {
		return nil, errf(disclosure.EInvalid, "说明过长（最多 2000 个字）")
	}
	s := env.Agency.Settings.WithDefaults()
	next := clone(it)
	ed := next
	if t.Revision {
		ed = next.Revision
	}
	d := &Decision{}
	from := ed.State
	switch cmd.Action {
	case Save:
		if cmd.Content == nil {
			return nil, errf(disclosure.EInvalid, "没有要保存的内容")
		}
		c := *cmd.Content
		if err := c.Validate(); err != nil {
			return nil, err
		}
		keepEditable(ed, &c)
	case Submit:
		if err := ed.Validate(); err != nil {
			return nil, err
		}
		ed.Review = &disclosure.ItemReview{SubmittedBy: cmd.Actor.Name, SubmittedByID: cmd.Actor.UserID}
	case Pass:
		r := ed.Review
		if r == nil {
			r = &disclosure.ItemReview{}
		}
		if sameUser(r.SubmittedByID, cmd.Actor.UserID) {
			return nil, errf(disclosure.EForbidden, "保密审查须由提交人以外的人员进行")
		}
		for _, q := range s.ReviewList() {
			if !cmd.Answers[q] {
				return nil, errf(disclosure.EInvalid, "保密审查清单未全部确认：“%s”。如有问题，请退回修改并写明意见", q)
			}
		}
		rv := *r
		rv.Answers, rv.Comment, rv.Passed, rv.Reviewer, rv.ReviewerID, rv.At = cmd.Answers, cmd.Note, true, cmd.Actor.Name, cmd.Actor.UserID, cmd.Now
		ed.Review = &rv
		ed.State = disclosure.ItemReady
		if s.ItemApproval {
			ed.State = disclosure.ItemApproval
		}
	case Return:
		if cmd.Note == "" {
			return nil, errf(disclosure.EInvalid, "请写明退回修改的意见")
		}
		if ed.Review != nil {
			rv := *ed.Review
			rv.Passed, rv.Comment = false, cmd.Note
			ed.Review = &rv
		}
	case Approve:
		if ed.Review != nil && (sameUser(ed.Review.SubmittedByID, cmd.Actor.UserID) || sameUser(ed.Review.ReviewerID, cmd.Actor.UserID)) {
			return nil, errf(disclosure.EForbidden, "审批须由提交人和审查人以外的人员进行")
		}
		if ed.Review != nil {
			rv := *ed.Review
			rv.ApprovedBy = cmd.Actor.Name
			ed.Review = &rv
		}
	case Publish, Release:
		if t.Revision {
			// The revision replaces the published content; the old one goes to the history.
			old := *it
			old.Revision = nil
			d.Snapshot = &old
			rev := *next.Revision
			keep := *next
			keepEditable(&keep, &rev)
			keep.Revision = nil
			keep.State = disclosure.ItemPublished
			keep.Review = rev.Review
			next = &keep
			ed = next
		} else {
			next.PublishedOn = cmd.Today
			next.PublishAt = nil
			d.AssignIndex = next.IndexNumber == ""
			if months := s.ReviewPeriod(next.Genre); months > 0 {
				next.ReviewOn = addMonths(cmd.Today, months)
			}
			if w := LateWarning(env.Calendar, next.FormedOn, cmd.Today); w != "" {
				d.Warnings = append(d.Warnings, w)
			}
		}
		d.Reindex = true
	case Schedule:
		if !cmd.At.After(cmd.Now) {
			return nil, errf(disclosure.EInvalid, "定时发布的时间应晚于现在")
		}
		if cmd.At.After(cmd.Now.AddDate(1, 0, 0)) {
			return nil, errf(disclosure.EInvalid, "定时发布的时间最多在一年之内")
		}
		at := cmd.At
		next.PublishAt = &at
	case Unschedule:
		next.PublishAt = nil
	case Correct:
		rev := *next
		rev.Revision, rev.Review, rev.State = nil, nil, disclosure.ItemDraft
		next.Revision = &rev
		ed = next.Revision
	case Discard:
		next.Revision = nil
		ed = next
	case Withdraw:
		if cmd.Note == "" {
			return nil, errf(disclosure.EInvalid, "请写明撤回的原因（将在信息页面上公开说明）")
		}
		next.WithdrawnReason = cmd.Note
		next.Revision = nil
		d.Reindex = true
	case Validity:
		spec, _ := next.Genre.Spec()
		if !spec.Validity {
			return nil, errf(disclosure.EInvalid, "“%s”类信息没有有效性", spec.Name)
		}
		switch cmd.Validity {
		case disclosure.InForce:
			next.Validity, next.EndedOn = disclosure.InForce, workday.Date{}
		case disclosure.Expired, disclosure.Repealed:
			if cmd.Date.IsZero() {
				return nil, errf(disclosure.EInvalid, "请填写失效或废止的日期")
			}
			if cmd.Date.After(cmd.Today.AddDays(366)) {
				return nil, errf(disclosure.EInvalid, "失效或废止日期不能超过一年以后")
			}
			next.Validity, next.EndedOn = cmd.Validity, cmd.Date
			next.ReviewOn = workday.Date{}
		default:
			return nil, errf(disclosure.EInvalid, "有效性应为有效、失效或废止")
		}
	case Reviewed:
		if !cmd.Date.IsZero() && !cmd.Date.After(cmd.Today) {
			return nil, errf(disclosure.EInvalid, "下次评估日期应晚于今天")
		}
		next.ReviewOn = cmd.Date
	case Channels:
		if len(cmd.Channels) == 0 {
			return nil, errf(disclosure.EInvalid, "请至少填写一个发布渠道")
		}
		for _, c := range cmd.Channels {
			c.Channel = strings.TrimSpace(c.Channel)
			switch {
			case c.Channel == "" || utf8.RuneCountInString(c.Channel) > 30:
				return nil, errf(disclosure.EInvalid, "发布渠道名称应为 1—30 个字")
			case c.Count < 1 || c.Count > 10000:
				return nil, errf(disclosure.EInvalid, "“%s”的发布次数应为 1—10000", c.Channel)
			case c.On.IsZero() || c.On.After(cmd.Today):
				return nil, errf(disclosure.EInvalid, "“%s”的发布日期应为今天或之前", c.Channel)
			}
			c.ItemID = it.ID
			d.Channels = append(d.Channels, c)
		}
	}
	if t.To != "" {
		ed.State = t.To
	}
	next.Version = it.Version + 1
	next.UpdatedAt = cmd.Now
	d.Item = *next
	d.Event = disclosure.ItemEvent{ItemID: it.ID, At: cmd.Now, Action: string(cmd.Action), FromState: from, ToState: ed.State, ActorID: cmd.Actor.UserID, ActorName: cmd.Actor.Name, Note: cmd.Note}
	if t.Revision {
		d.Event.Action = "revision." + d.Event.Action
	}
	return d, nil
}

// keepEditable copies the editable content of src onto dst, leaving what the workflow owns (identity, state,
// 索引号, publication, review, hits) as it is.
func keepEditable(dst, src *disclosure.Item) {
	dst.Title, dst.Summary, dst.DocNumber, dst.WrittenOn, dst.FormedOn = src.Title, src.Summary, src.DocNumber, src.WrittenOn, src.FormedOn
	dst.Publisher, dst.Category, dst.Genre, dst.Art20, dst.Keywords, dst.Body = src.Publisher, src.Category, src.Genre, src.Art20, src.Keywords, src.Body
	dst.Validity, dst.EffectiveOn, dst.EndedOn = src.Validity, src.EffectiveOn, src.EndedOn
}

// NewItem is a fresh draft of an agency with the given content.
func NewItem(content disclosure.Item, agency *disclosure.Agency, now time.Time) (*disclosure.Item, error) {
	it := content
	if err := it.Validate(); err != nil {
		return nil, err
	}
	it.ID, it.AgencyID, it.IndexNumber, it.Serial = 0, agency.ID, "", 0
	it.State, it.PublishedOn, it.PublishAt, it.Review, it.Revision, it.Hits = disclosure.ItemDraft, workday.Date{}, nil, nil, nil, 0
	if it.Publisher == "" {
		it.Publisher = agency.Name
	}
	it.CreatedAt, it.UpdatedAt, it.Version = now, now, 1
	return &it, nil
}

// Art26Days is the period of Art 26: information is published within 20 working days of being formed or changed.
const Art26Days = 20

// PublishBy returns the last day to publish information formed or changed on the day (Art 26).
func PublishBy(cal *workday.Calendar, formed workday.Date) workday.Date {
	return cal.Due(formed, Art26Days, nil).Due
}

// LateWarning says, when publishing on the day, whether Art 26's 20 working days have passed.
func LateWarning(cal *workday.Calendar, formed, on workday.Date) string {
	if formed.IsZero() {
		return ""
	}
	by := PublishBy(cal, formed)
	if !on.After(by) {
		return ""
	}
	return "该信息形成或变更于" + formed.Chinese() + "，按《条例》第二十六条应于" + by.Chinese() + "前公开，本次发布已逾期"
}

func addMonths(d workday.Date, m int) workday.Date {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0)
	return workday.DateOf(t)
}

func sameUser(a, b *int64) bool { return a != nil && b != nil && *a == *b }

func clone(it *disclosure.Item) *disclosure.Item {
	n := *it
	n.Keywords = slices.Clone(it.Keywords)
	if it.Review != nil {
		r := *it.Review
		n.Review = &r
	}
	if it.Revision != nil {
		n.Revision = clone(it.Revision)
	}
	return &n
}
