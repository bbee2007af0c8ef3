package disclosure

import (
	"encoding/json"
	"time"
)

// AnnualReport is an agency's 政府信息公开工作年度报告 for one year as stored: its identity and the report itself in
// the JSON interchange form of internal/report (kept opaque here, so the domain core does not depend on it).
type AnnualReport struct {
	ID       int64  `json:"id"`
	AgencyID int64  `json:"agency_id"`
	Year     int    `json:"year"`
	Era      string `json:"era"`
	Source   string `json:"source,omitempty"` // where it came from: an imported file's name, or "console"
	// Status is "published" (its figures are locked: changes are corrections with a reason), "in_review" or
	// "draft" (see AnnualDraft and the workflow in annual_workflow.go).
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"report,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	// Version is the number of the current version (every save makes one); an update must carry the version it
	// was read at.
	Version int `json:"version"`
	// Entered lists the tables (and the fee item) the officer entered by hand, which refreshing leaves alone.
	Entered []string `json:"entered,omitempty"`
	// UpdatedAt is when the current version was saved; PublishedAt when the report was first published (nil before).
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// SubmittedBy is the account that submitted the version under review, which may not approve it.
	SubmittedBy *int64 `json:"submitted_by,omitempty"`
}
