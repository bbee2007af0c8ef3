package report

// Severity says whether a finding makes a report wrong or only questionable.
type Severity string

const (
	// Error marks a broken rule of the format: the report must be corrected.
	Error Severity = "error"
	// Warning marks something implausible or incomplete that an officer should look at.
	Warning Severity = "warning"
)

// Finding is one result of checking a report.
type Finding struct {
	// Rule is the stable identifier of the rule (see Rules).
	Rule string `json:"rule"`
	// Severity is error or warning.
	Severity Severity `json:"severity"`
	// Section is the report section, as a Chinese numeral ("三"), or "" for the whole report.
	Section string `json:"section,omitempty"`
	// Row is the official row label path (see TableSpec.RowPath), if the finding is about a row.
	Row string `json:"row,omitempty"`
	// Column is the official column label path (see Column.Path), if the finding is about a column.
	Column string `json:"column,omitempty"`
	// Expected is the value the rule requires, when it is a number.
	Expected *float64 `json:"expected,omitempty"`
	// Found is the value the report states, when it is a number.
	Found *float64 `json:"found,omitempty"`
	// Message tells the officer, in Chinese, what is wrong and what to fix.
	Message string `json:"message"`
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}
