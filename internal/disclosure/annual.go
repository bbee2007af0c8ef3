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
	// Status is "published" (its figures are locked: changes are corrections with a reason) or "draft".
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"report,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}
