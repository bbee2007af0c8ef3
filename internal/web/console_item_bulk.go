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

// itemsBulk applies one step to each selected item in turn — 失效 or 废止 on a date (or back to 有效), or "periodic
// review done" with the next review date — and reports on the list what happened to each. Each item is its own
// transaction: one that cannot take the step (not published, no 有效性, another agency's) is reported and the
// others go on. A refusal names only what the actor may read: items that do not exist and items of agencies
// outside the actor's grants are counted together in one line, with neither titles nor IDs, so that a bulk step
// cannot be used to read the titles of other agencies' unpublished items or to learn which IDs exist.
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
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		report([]string{"请先勾选要处理的信息"})
		return
	}
	if len(ids) > maxBulkItems {
		report([]string{fmt.Sprintf("一次最多处理 %d 条信息，请分批勾选", maxBulkItems)})
		return
	}
	cmd := catalogue.Command{Now: s.now(), Today: s.today()}
	switch action := r.PostFormValue("bulk_action"); action {
	case "expired", "repealed", "in_force":
		cmd.Action, cmd.Validity = catalogue.Validity, disclosure.Validity(action)
	case "reviewed":
		cmd.Action = catalogue.Reviewed
	default:
		report([]string{"请选择要执行的操作：标注失效、标注废止、恢复有效或完成定期评估"})
		return
	}
	if d := strings.TrimSpace(r.PostFormValue("date")); d != "" {
		date, err := workday.ParseDate(d)
		if err != nil {
			report([]string{fmt.Sprintf("日期“%s”格式不正确，应为 2026-03-02", itemClip(d, 20))})
			return
		}
		cmd.Date = date
	}
	if cmd.Action == catalogue.Validity && cmd.Validity != disclosure.InForce && cmd.Date.IsZero() {
		report([]string{"标注失效或废止须填写失效（废止）日期"})
		return
	}
	agencies := map[int64]*disclosure.Agency{}
	whos := map[int64]catalogue.Who{}
	readable := map[int64]bool{}
	var lines []string
	hidden := 0 // items that do not exist or that the actor may not read
	for _, raw := range ids {
		id, ok := parseID(raw)
		if !ok {
			continue
		}
		it, err := s.db.GetItem(r.Context(), id)
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		if err != nil {
			hidden++
			continue
		}
		a := agencies[it.AgencyID]
		if a == nil {
			if a, err = s.db.GetAgency(r.Context(), it.AgencyID); err != nil {
				s.serverError(w, r, err)
				return
			}
			agencies[a.ID] = a
			who, read := s.itemRoles(r.Context(), u, a)
			whos[a.ID], readable[a.ID] = who, read
		}
		if !readable[a.ID] {
			hidden++
			continue
		}
		name := "《" + itemClip(it.Title, 40) + "》"
		if whos[a.ID]&catalogue.ByOfficer == 0 {
			lines = append(lines, name+"：您不是该单位的公开专员，未处理")
			continue
		}
		c := cmd
		c.Actor = itemActor(u, whos[a.ID])
		if c.Action == catalogue.Reviewed && c.Date.IsZero() {
			if m := a.Settings.WithDefaults().ReviewPeriod(it.Genre); m > 0 {
				c.Date = workday.DateOf(c.Today.In(time.UTC).AddDate(0, m, 0))
			}
		}
		ch, err := s.db.UpdateItem(r.Context(), actorOf(u, r), it.ID, s.itemStepFunc(c, a))
		switch {
		case disclosure.ErrorCode(err) == disclosure.EInternal:
			s.serverError(w, r, err)
			return
		case err != nil:
			lines = append(lines, name+"：未处理，"+disclosure.ErrorMessage(err))
		case c.Action == catalogue.Reviewed && ch.Item.ReviewOn.IsZero():
			lines = append(lines, name+"：已完成定期评估，不再安排评估")
		case c.Action == catalogue.Reviewed:
			lines = append(lines, name+"：已完成定期评估，下次评估日期 "+ch.Item.ReviewOn.Chinese())
		case c.Validity == disclosure.InForce:
			lines = append(lines, name+"：已恢复为有效")
		default:
			lines = append(lines, fmt.Sprintf("%s：已标注为%s（%s）", name, disclosure.ValidityNames[c.Validity], ch.Item.EndedOn.Chinese()))
		}
	}
	if hidden > 0 {
		lines = append(lines, fmt.Sprintf("%d 条信息不存在或您无权处理", hidden))
	}
	report(lines)
}
