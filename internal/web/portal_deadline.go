package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/workday"
)

// deadline is the public working-day calculator: the same calendar and counting as the case clock and the
// gongkai deadline command. The receipt day is not counted; working days inside a pause (both ends included) are not
// counted.
func (s *Server) deadline(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := map[string]any{"From": q.Get("from"), "Days": q.Get("days"), "Pauses": q.Get("pauses")}
	if data["Days"] == "" {
		data["Days"] = "20"
	}
	if q.Get("from") == "" {
		s.render(w, r, http.StatusOK, "deadline", "工作日期限计算", data)
		return
	}
	fail := func(msg string) {
		data["Error"] = msg
		s.render(w, r, http.StatusUnprocessableEntity, "deadline", "工作日期限计算", data)
	}
	from, err := workday.ParseDate(q.Get("from"))
	if err != nil {
		fail("起算日期格式不正确，应为 2026-02-10")
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(q.Get("days")))
	if err != nil || days < 1 || days > 200 {
		fail("工作日数应为 1—200 的整数")
		return
	}
	var pauses []workday.Pause
	for _, line := range strings.FieldsFunc(q.Get("pauses"), func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == ';' }) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		a, b, ok := strings.Cut(strings.NewReplacer("至", ":", "—", ":", "～", ":", "~", ":").Replace(line), ":")
		pf, err1 := workday.ParseDate(strings.TrimSpace(a))
		pt, err2 := workday.ParseDate(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil || pt.Before(pf) {
			fail("暂停期间“" + line + "”格式不正确，应写成 2026-03-02:2026-03-06（起止日期都包括在内）")
			return
		}
		pauses = append(pauses, workday.Pause{From: pf, To: pt, Reason: "暂停计算"})
	}
	if len(pauses) > 20 {
		fail("暂停期间最多 20 段")
		return
	}
	res := s.calendar(r.Context()).Due(from, days, pauses)
	data["Result"] = res
	s.render(w, r, http.StatusOK, "deadline", "工作日期限计算", data)
}
