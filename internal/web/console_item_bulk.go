package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// maxBulkItems bounds one bulk step: a page of the list.
const maxBulkItems = 200

// itemBulkResult is what a bulk step did to one item: the line the console's list shows. Items that do not exist or
// that the actor may not read are counted together in one result without an ID.
type itemBulkResult struct {
	ItemID  int64  `json:"item_id,omitempty" doc:"信息编号；不存在或无权处理的信息合计为一条，没有编号"`
	Done    bool   `json:"done" doc:"是否已处理"`
	Message string `json:"message" doc:"处理结果，与管理后台列表上显示的相同" example:"《关于印发某办法的通知》：已标注为失效（2026年3月2日）"`
}

// itemsBulk applies one step to each selected item in turn — 失效 or 废止 on a date (or back to 有效), or "periodic
// review done" with the next review date — and reports on the list what happened to each (bulkItems).
func (s *Server) itemsBulk(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	r.ParseForm()
	back := safeBack(r.PostFormValue("back"))
	if !strings.HasPrefix(back, "/console/items") {
		back = "/console/items"
	}
	report := func(lines []string) {
		s.sessions.Put(r.Context(), "items_bulk", strings.Join(lines, "\n"))
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
	raw := r.PostForm["id"]
	if len(raw) > maxBulkItems {
		report([]string{fmt.Sprintf("一次最多处理 %d 条信息，请分批勾选", maxBulkItems)})
		return
	}
	// nil when nothing is selected; unreadable values are left out.
	var ids []int64
	if len(raw) > 0 {
		ids = make([]int64, 0, len(raw))
	}
	for _, x := range raw {
		if id, ok := parseID(x); ok {
			ids = append(ids, id)
		}
	}
	results, err := s.bulkItems(r, u, ids, r.PostFormValue("bulk_action"), r.PostFormValue("date"))
	switch {
	case disclosure.ErrorCode(err) == disclosure.EInternal:
		s.serverError(w, r, err)
		return
	case err != nil:
		report([]string{disclosure.ErrorMessage(err)})
		return
	}
	lines := make([]string, len(results))
	for i, x := range results {
		lines[i] = x.Message
	}
	report(lines)
}

// bulkItems applies one step (action: "expired", "repealed" or "in_force" on the date, or "reviewed" with the next
// review date, the genre's period when none is given) to each item in turn, and says what happened to each. Each
// item is its own transaction: one that cannot take the step (not published, no 有效性, another agency's) is
// reported and the others go on. A refusal names only what the actor may read: items that do not exist and items
// of agencies outside the actor's grants are counted together in one line, with neither titles nor IDs, so that a
// bulk step cannot be used to read the titles of other agencies' unpublished items or to learn which IDs exist.
// ids nil is nothing selected (refused); an error is the whole request's (EInvalid), or internal.
func (s *Server) bulkItems(r *http.Request, u *disclosure.User, ids []int64, action, date string) ([]itemBulkResult, error) {
	ctx := r.Context()
	if ids == nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "请先勾选要处理的信息")
	}
	if len(ids) > maxBulkItems {
		return nil, disclosure.Errorf(disclosure.EInvalid, "一次最多处理 %d 条信息，请分批勾选", maxBulkItems)
	}
	cmd := catalogue.Command{Now: s.now(), Today: s.today()}
	switch action {
	case "expired", "repealed", "in_force":
		cmd.Action, cmd.Validity = catalogue.Validity, disclosure.Validity(action)
	case "reviewed":
		cmd.Action = catalogue.Reviewed
	default:
		return nil, disclosure.Errorf(disclosure.EInvalid, "请选择要执行的操作：标注失效、标注废止、恢复有效或完成定期评估")
	}
	if d := strings.TrimSpace(date); d != "" {
		date, err := workday.ParseDate(d)
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "日期“%s”格式不正确，应为 2026-03-02", itemClip(d, 20))
		}
		cmd.Date = date
	}
	if cmd.Action == catalogue.Validity && cmd.Validity != disclosure.InForce && cmd.Date.IsZero() {
		return nil, disclosure.Errorf(disclosure.EInvalid, "标注失效或废止须填写失效（废止）日期")
	}
	agencies := map[int64]*disclosure.Agency{}
	whos := map[int64]catalogue.Who{}
	readable := map[int64]bool{}
	out := []itemBulkResult{}
	hidden := 0 // items that do not exist or that the actor may not read
	for _, id := range ids {
		it, err := s.db.GetItem(ctx, id)
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			return nil, err
		}
		if err != nil {
			hidden++
			continue
		}
		a := agencies[it.AgencyID]
		if a == nil {
			if a, err = s.db.GetAgency(ctx, it.AgencyID); err != nil {
				return nil, err
			}
			agencies[a.ID] = a
			who, read := s.itemRoles(ctx, u, a)
			whos[a.ID], readable[a.ID] = who, read
		}
		if !readable[a.ID] {
			hidden++
			continue
		}
		name := "《" + itemClip(it.Title, 40) + "》"
		res := itemBulkResult{ItemID: it.ID}
		if whos[a.ID]&catalogue.ByOfficer == 0 {
			res.Message = name + "：您不是该单位的公开专员，未处理"
			out = append(out, res)
			continue
		}
		c := cmd
		if c.Action == catalogue.Reviewed && c.Date.IsZero() {
			if m := a.Settings.WithDefaults().ReviewPeriod(it.Genre); m > 0 {
				c.Date = workday.DateOf(c.Today.In(time.UTC).AddDate(0, m, 0))
			}
		}
		ch, err := s.stepItem(r, u, it, a, whos[a.ID], c)
		res.Done = err == nil
		switch {
		case disclosure.ErrorCode(err) == disclosure.EInternal:
			return nil, err
		case err != nil:
			res.Message = name + "：未处理，" + disclosure.ErrorMessage(err)
		case c.Action == catalogue.Reviewed && ch.Item.ReviewOn.IsZero():
			res.Message = name + "：已完成定期评估，不再安排评估"
		case c.Action == catalogue.Reviewed:
			res.Message = name + "：已完成定期评估，下次评估日期 " + ch.Item.ReviewOn.Chinese()
		case c.Validity == disclosure.InForce:
			res.Message = name + "：已恢复为有效"
		default:
			res.Message = fmt.Sprintf("%s：已标注为%s（%s）", name, disclosure.ValidityNames[c.Validity], ch.Item.EndedOn.Chinese())
		}
		out = append(out, res)
	}
	if hidden > 0 {
		out = append(out, itemBulkResult{Message: fmt.Sprintf("%d 条信息不存在或您无权处理", hidden)})
	}
	return out, nil
}
