package disclosure

import (
	"encoding/json"
	"time"
)

// The states of an annual report: an officer writes a draft and submits it; an approver (审批领导) other than the
// submitter publishes it or returns it with a comment. A published report is locked: it changes only by a
// correction (更正) with a recorded reason, which publishes a new version and keeps the earlier one readable.
const (
	AnnualDraft     = "draft"
	AnnualInReview  = "in_review"
	AnnualPublished = "published"
)

// AnnualStatusNames gives each state's Chinese name.
var AnnualStatusNames = map[string]string{AnnualDraft: "草稿", AnnualInReview: "审核中", AnnualPublished: "已发布"}

// AnnualVersion is one saved version of an annual report.
type AnnualVersion struct {
	ReportID int64  `json:"report_id"`
	Version  int    `json:"version"`
	Status   string `json:"status"`
	// Data is the report in the JSON interchange form of internal/report; empty in lists.
	Data    json.RawMessage `json:"report,omitempty"`
	Entered []string        `json:"entered,omitempty"`
	// Correction marks a published version that corrects an earlier one; Reason is the correction's reason (更正说明),
	// or the comment a version was returned with.
	Correction bool      `json:"correction,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	ActorID    *int64    `json:"actor_id,omitempty"`
	ActorName  string    `json:"actor_name"`
	At         time.Time `json:"at"`
}

// AnnualComment is a reviewer's comment on a version of an annual report.
type AnnualComment struct {
	ReportID   int64     `json:"report_id"`
	Version    int       `json:"version"`
	AuthorID   *int64    `json:"author_id,omitempty"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}
