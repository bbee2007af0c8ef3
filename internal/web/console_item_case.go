package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// similarThreshold is how alike two requests' texts must be (casework.Similar) to count as asking for the same
// information. It is lower than the 0.6 casework uses for one applicant's resubmissions, because different people
// word the same request differently.
const similarThreshold = 0.5

// maxSimilarScan bounds how many of the agency's most recent applications a page compares.
const maxSimilarScan = 1000

// similarCase is another application that asked for much the same information.
type similarCase struct {
	ID         int64        `json:"id" doc:"申请的内部编号"`
	Number     string       `json:"number"`
	ReceivedOn workday.Date `json:"received_on"`
	Summary    string       `json:"summary"`
	Closed     bool         `json:"closed" doc:"是否已办结"`
}

// requestText is what an application asks for, as casework compares it.
func requestText(a *disclosure.Application) string {
	return a.Request.Title + a.Request.DocNumber + a.Request.Description
}

// similarCases returns the agency's applications, among its most recent, whose requests are like text, newest
// first, leaving out the application except.
func (s *Server) similarCases(ctx context.Context, agencyID int64, text string, except int64) ([]similarCase, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	list, _, err := s.db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{agencyID}, Limit: maxSimilarScan})
	if err != nil {
		return nil, err
	}
	var out []similarCase
	for i := range list {
		c := &list[i]
		if c.ID == except || casework.Similar(text, requestText(c)) < similarThreshold {
			continue
		}
		out = append(out, similarCase{ID: c.ID, Number: c.Number, ReceivedOn: c.ReceivedOn, Summary: summary(c.Request), Closed: c.State.Closed()})
	}
	return out, nil
}

// art44Info is what a case page shows of the Art 44 loop: whether the information can be published proactively
// from here, the items already made from the case, and the other applications for the same information.
type art44Info struct {
	CanPublish bool
	Items      []disclosure.Item
	Similar    []similarCase
}

// StateName names an item state.
func (a art44Info) StateName(s disclosure.ItemState) string { return disclosure.ItemStateNames[s] }

// disclosedCase reports whether a case was answered 予以公开 and the answer has gone out.
func disclosedCase(c *disclosure.Case) bool {
	return c.Outcome == disclosure.Disclosed && slices.Contains([]disclosure.State{disclosure.Replied, disclosure.Delivered, disclosure.Archived}, c.State)
}

// art44 gathers the case page's Art 44 block. Failures only leave the block out: they are logged, and the case
// page, which has its own work, still shows.
func (s *Server) art44(r *http.Request, c *disclosure.Case, a *disclosure.Agency) art44Info {
	var info art44Info
	ctx := r.Context()
	who, _ := s.itemRoles(ctx, s.currentUser(r), a)
	var err error
	if info.Similar, err = s.similarCases(ctx, a.ID, requestText(&c.Application), c.ID); err != nil {
		s.log.Error("similar applications", "case", c.ID, "err", err)
	}
	if !disclosedCase(c) {
		return info
	}
	if info.Items, err = s.db.ItemsFromCase(ctx, c.ID); err != nil {
		s.log.Error("items from case", "case", c.ID, "err", err)
	}
	info.CanPublish = who&catalogue.ByOfficer != 0
	return info
}

// caseToItem makes, from a case answered 予以公开, a draft item of the same information (Art 44: information that
// several applicants ask for, or that the public may reasonably need, is then published proactively) and opens it.
// A case already published from opens its item instead.
func (s *Server) caseToItem(w http.ResponseWriter, r *http.Request) {
	c, a, _, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	it, made, err := s.itemFromAnsweredCase(r, s.currentUser(r), c, a, nil)
	switch {
	case disclosure.ErrorCode(err) == disclosure.EForbidden:
		s.errorPage(w, r, http.StatusForbidden)
	case err != nil:
		s.userError(w, r, err)
	case !made:
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d", it.ID), http.StatusSeeOther)
	default:
		http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit", it.ID), http.StatusSeeOther)
	}
}

// itemFromAnsweredCase makes the draft item of a case answered 予以公开 (Art 44) for an officer of its agency, stored
// with create as createItem stores it; when an item was made from the case before, it returns that one (made
// false). The case page's action and the API's.
func (s *Server) itemFromAnsweredCase(r *http.Request, u *disclosure.User, c *disclosure.Case, a *disclosure.Agency, create func(*disclosure.Item) error) (it *disclosure.Item, made bool, err error) {
	if who, _ := s.itemRoles(r.Context(), u, a); who&catalogue.ByOfficer == 0 {
		return nil, false, disclosure.Errorf(disclosure.EForbidden, "您不是该单位的公开专员，不能据此主动公开")
	}
	if !disclosedCase(c) {
		return nil, false, disclosure.Errorf(disclosure.EConflict, "只有答复“予以公开”并已发出答复的申请，才能据此主动公开")
	}
	existing, err := s.db.ItemsFromCase(r.Context(), c.ID)
	if err != nil {
		return nil, false, err
	}
	if len(existing) > 0 {
		return &existing[0], false, nil
	}
	it, err = s.createItem(r, u, a, itemFromCase(c), create)
	return it, err == nil, err
}

// itemFromCase is the draft an answered request suggests: its title (or the start of its description), the
// description as the summary, the 文号 asked for, and the case it came from. The body and files are the officer's
// to add: what was provided to the applicant may hold what the public should not see.
func itemFromCase(c *disclosure.Case) disclosure.Item {
	title := strings.Join(strings.Fields(c.Request.Title), " ")
	desc := strings.TrimSpace(c.Request.Description)
	if title == "" {
		title = strings.Join(strings.Fields(desc), " ")
	}
	title = itemClipRunes(title, 100)
	summary := itemClipRunes(strings.Join(strings.Fields(desc), " "), 1000)
	id := c.ID
	return disclosure.Item{Title: title, Summary: summary, DocNumber: itemClipRunes(strings.TrimSpace(c.Request.DocNumber), 100), Genre: disclosure.GenreOther,
		SourceCaseID: &id}
}

// itemClipRunes cuts s to n characters, without a mark.
func itemClipRunes(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n])
	}
	return s
}
