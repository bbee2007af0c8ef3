package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// LoadCalendar returns the working-day calendar in force: the years built into gongkai (2019–2026, from the State
// Council's notices) with the years an administrator entered on top, which replace a built-in year of the same
// number.
func LoadCalendar(ctx context.Context, db *store.DB) (*workday.Calendar, error) {
	cal := workday.Default()
	years, err := db.CalendarYears(ctx)
	if err != nil {
		return nil, err
	}
	for _, cy := range years {
		var y workday.Year
		if err := json.Unmarshal(cy.Data, &y); err != nil {
			return nil, fmt.Errorf("calendar year %d: %w", cy.Year, err)
		}
		if cal, err = cal.With(y); err != nil {
			return nil, fmt.Errorf("calendar year %d: %w", cy.Year, err)
		}
	}
	return cal, nil
}

// SaveCalendarYear validates and stores an administrator's year of the calendar, then recomputes the deadline of
// every open case from its ledger with the new calendar. It returns how many deadlines changed.
func SaveCalendarYear(ctx context.Context, db *store.DB, actor disclosure.Actor, y workday.Year, today workday.Date) (int, error) {
	cal, err := LoadCalendar(ctx, db)
	if err != nil {
		return 0, err
	}
	if _, err := cal.With(y); err != nil {
		return 0, disclosure.Errorf(disclosure.EInvalid, "%s", err.Error())
	}
	data, err := json.Marshal(y)
	if err != nil {
		return 0, err
	}
	if err := db.SaveCalendarYear(ctx, actor, y.Year, data); err != nil {
		return 0, err
	}
	return RecomputeDeadlines(ctx, db, actor, today)
}

// RecomputeDeadlines recomputes the stored deadline of every open case from its ledger and the calendar in force.
func RecomputeDeadlines(ctx context.Context, db *store.DB, actor disclosure.Actor, today workday.Date) (int, error) {
	cal, err := LoadCalendar(ctx, db)
	if err != nil {
		return 0, err
	}
	ids, err := db.OpenCaseIDs(ctx)
	if err != nil {
		return 0, err
	}
	agencies := map[int64]*disclosure.Agency{}
	changed := 0
	for _, id := range ids {
		c, err := db.GetCase(ctx, id)
		if err != nil {
			return changed, err
		}
		a, ok := agencies[c.AgencyID]
		if !ok {
			if a, err = db.GetAgency(ctx, c.AgencyID); err != nil {
				return changed, err
			}
			agencies[c.AgencyID] = a
		}
		dl := casework.ComputeDeadline(cal, a.Settings, c.Clock, today)
		stepDue := casework.StepDue(c, cal)
		if dl.Due() != c.Due || stepDue != c.StepDue {
			if err := db.SetDue(ctx, actor, id, dl.Due(), stepDue, dl.Paused); err != nil {
				return changed, err
			}
			changed++
		}
	}
	return changed, nil
}

type calendarYearView struct {
	Y       workday.Year
	Entered bool
}

// consoleCalendar shows the working-day calendar year by year and, for the system administrator, the form to enter
// next year's State Council notice by pasting its text.
func (s *Server) consoleCalendar(w http.ResponseWriter, r *http.Request) {
	s.renderCalendar(w, r, http.StatusOK, "", "", nil, "")
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, status int, yearText, text string, preview *workday.Year, msg string) {
	cal := s.calendar(r.Context())
	entered, err := s.db.CalendarYears(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	own := map[int]bool{}
	for _, e := range entered {
		own[e.Year] = true
	}
	var years []calendarYearView
	ys := cal.Years()
	for i := len(ys) - 1; i >= 0; i-- {
		years = append(years, calendarYearView{ys[i], own[ys[i].Year]})
	}
	next := s.today().Year + 1
	if yearText == "" {
		yearText = strconv.Itoa(next)
	}
	s.render(w, r, status, "calendar", "节假日安排", map[string]any{
		"Years": years, "CanEdit": allowed(s.currentUser(r), EditCalendar), "YearText": yearText, "Text": text, "Preview": preview, "Error": msg,
		"NextMissing": !cal.Has(next), "Next": next, "Message": s.sessions.PopString(r.Context(), "calendar_msg"),
	})
}

// calendarSave parses a pasted notice; with "save" it stores the year and recomputes the open cases' deadlines,
// otherwise it shows what it understood.
func (s *Server) calendarSave(w http.ResponseWriter, r *http.Request) {
	yearText, text := strings.TrimSpace(r.PostFormValue("year")), r.PostFormValue("text")
	year, err := strconv.Atoi(yearText)
	if err != nil || year < 2019 || year > 2100 {
		s.renderCalendar(w, r, http.StatusUnprocessableEntity, yearText, text, nil, "请填写年份（如 2027）")
		return
	}
	y, err := workday.ParseNotice(year, text)
	if err != nil {
		s.renderCalendar(w, r, http.StatusUnprocessableEntity, yearText, text, nil, err.Error())
		return
	}
	if title := strings.TrimSpace(r.PostFormValue("notice")); title != "" {
		y.Notice = title
	}
	if r.PostFormValue("save") == "" {
		s.renderCalendar(w, r, http.StatusOK, yearText, text, &y, "")
		return
	}
	n, err := SaveCalendarYear(r.Context(), s.db, actorOf(s.currentUser(r), r), y, s.today())
	if err != nil {
		s.renderCalendar(w, r, http.StatusUnprocessableEntity, yearText, text, &y, disclosure.ErrorMessage(err))
		return
	}
	s.sessions.Put(r.Context(), "calendar_msg", fmt.Sprintf("已录入%d年节假日安排，重新计算了 %d 件在办申请的答复期限。", year, n))
	http.Redirect(w, r, "/console/calendar", http.StatusSeeOther)
}
