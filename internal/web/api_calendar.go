package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

type calendarInput struct {
	Body struct {
		Year   int    `json:"year" minimum:"2019" maximum:"2100" doc:"年份" example:"2027"`
		Text   string `json:"text" maxLength:"20000" doc:"国务院办公厅关于该年部分节假日安排的通知正文（粘贴全文）" example:"一、元旦：1月1日（周五）放假，与周末连休。二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月5日（周五）、2月20日（周六）上班。"`
		Notice string `json:"notice,omitempty" maxLength:"200" doc:"通知标题（可选）" example:"国务院办公厅关于2027年部分节假日安排的通知"`
		DryRun bool   `json:"dry_run,omitempty" doc:"只解析并返回识别出的安排，不保存" example:"true"`
	}
}

type calendarOutput struct {
	Body struct {
		Year       workday.Year `json:"year" doc:"识别出的放假和调休上班日期"`
		Saved      bool         `json:"saved"`
		Recomputed int          `json:"recomputed" doc:"重新计算了答复期限的在办申请数"`
		Message    string       `json:"message"`
	}
}

// registerCalendarAPI registers entering a year's holiday arrangement from the State Council's notice, as the
// console's 节假日安排 page does (the same parser, the same SaveCalendarYear that recomputes open cases' deadlines).
func (s *Server) registerCalendarAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "add-calendar-year", Method: http.MethodPost, Path: "/api/v1/calendar",
		Summary:     "录入一年的节假日安排",
		Description: "粘贴国务院办公厅节假日安排通知的正文，识别放假和调休上班日期；保存后按新的日历重新计算全部在办申请的答复期限。dry_run 为 true 时只返回识别结果。",
		Security:    security,
	}, func(ctx context.Context, in *calendarInput) (*calendarOutput, error) {
		r, _ := ctx.Value(apiRequestKey{}).(*http.Request)
		u, _ := ctx.Value(apiUserKey{}).(*disclosure.User)
		y, err := workday.ParseNotice(in.Body.Year, in.Body.Text)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity(err.Error())
		}
		if in.Body.Notice != "" {
			y.Notice = in.Body.Notice
		}
		out := &calendarOutput{}
		out.Body.Year = y
		if in.Body.DryRun {
			out.Body.Message = fmt.Sprintf("识别出%d年的节假日安排（未保存）", in.Body.Year)
			return out, nil
		}
		n, err := SaveCalendarYear(ctx, s.db, actorOf(u, r), y, s.today())
		if err != nil {
			return nil, s.apiError(err)
		}
		out.Body.Saved, out.Body.Recomputed = true, n
		out.Body.Message = fmt.Sprintf("已录入%d年节假日安排，重新计算了 %d 件在办申请的答复期限。", in.Body.Year, n)
		return out, nil
	})
}
