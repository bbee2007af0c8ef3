package disclosure

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// PersonalField is one piece of an applicant's personal data that the masking policy governs. The applicant's
// name, type and the request itself are not among them: every reader of a case needs them to know which case it is.
type PersonalField int

// The personal fields of an applicant.
const (
	FieldIDNumber PersonalField = iota // 证件号码 (for an organisation its 统一社会信用代码)
	FieldPhone                         // 联系电话, and the fax number
	FieldEmail                         // 电子邮箱
	FieldAddress                       // 联系地址, and the postcode
	numPersonalFields
)

// PersonalFields lists the personal fields in the order of the constants.
var PersonalFields = []PersonalField{FieldIDNumber, FieldPhone, FieldEmail, FieldAddress}

// Exposure is how much of a personal field a reader sees.
type Exposure int8

// Exposures, from nothing to everything. The zero value shows nothing, so a reader nobody thought of sees nothing.
const (
	Hidden Exposure = iota // left out: the column is dropped or the value is empty
	Masked                 // the ends only: 110105********002X, 138****8000, z***@example.com, 北京市东城区***
	Full                   // as the applicant gave it
)

// PersonalView is how much of each personal field one reader sees: one Exposure per PersonalField.
type PersonalView [numPersonalFields]Exposure

// personalPolicy is the whole masking policy, in one place, by role. A role that is not here sees nothing.
//
//   - 公开专员 handles the case: writes to the applicant, checks the identity, so sees everything.
//   - 审批领导 signs the replies and extensions: needs to reach the applicant (phone, e-mail, address) but not the
//     whole identity number.
//   - 监督员 reads the agency's work for statistics and supervision: never an applicant's contact data.
//   - 审计管理员 sees that a record changed and who changed it: the applicant's data only masked.
var personalPolicy = map[Role]PersonalView{
	Officer:    {FieldIDNumber: Full, FieldPhone: Full, FieldEmail: Full, FieldAddress: Full},
	Approver:   {FieldIDNumber: Masked, FieldPhone: Full, FieldEmail: Full, FieldAddress: Full},
	Supervisor: {FieldIDNumber: Hidden, FieldPhone: Hidden, FieldEmail: Hidden, FieldAddress: Hidden},
	Auditor:    {FieldIDNumber: Masked, FieldPhone: Masked, FieldEmail: Masked, FieldAddress: Masked},
}

// ViewFor returns the view of a reader holding roles for the data's agency (or an agency above it): for each field
// the most that any of the roles sees. With no role it shows nothing.
func ViewFor(roles ...Role) PersonalView {
	var v PersonalView
	for _, r := range roles {
		p := personalPolicy[r]
		for f := range v {
			v[f] = max(v[f], p[f])
		}
	}
	return v
}

// Sees reports whether the view shows anything of the field.
func (v PersonalView) Sees(f PersonalField) bool { return v[f] != Hidden }

// Show returns value as the view exposes the field: whole, masked or "".
func (v PersonalView) Show(f PersonalField, value string) string {
	switch v[f] {
	case Full:
		return value
	case Masked:
		return MaskPersonal(f, value)
	}
	return ""
}

// Applicant returns a copy of a with every personal field as the view shows it.
func (v PersonalView) Applicant(a Applicant) Applicant {
	a.IDNumber = v.Show(FieldIDNumber, a.IDNumber)
	a.Phone = v.Show(FieldPhone, a.Phone)
	a.Fax = v.Show(FieldPhone, a.Fax)
	a.Email = v.Show(FieldEmail, a.Email)
	a.Address = v.Show(FieldAddress, a.Address)
	a.Postcode = v.Show(FieldAddress, a.Postcode)
	return a
}

// MaskPersonal returns value with most of it replaced by '*'. Masking is idempotent (a masked value masks to
// itself), so data masked when it was written can safely be masked again when it is read.
//
// An 18-character identity number keeps its first 6 and last 4 characters (110105********002X), as do other
// numbers of 15 or more; a phone number of 11 or more characters keeps its first 3 and last 4 (138****8000); an
// e-mail address keeps the first character of its local part and its domain (z***@example.com); an address keeps
// its first 6 characters, usually the province, city and district (北京市东城区***). Anything shorter keeps at most
// its first and last 2 characters, and four characters or fewer are hidden whole.
func MaskPersonal(f PersonalField, value string) string {
	value = strings.ToValidUTF8(strings.TrimSpace(value), "")
	if value == "" {
		return ""
	}
	rs := []rune(value)
	n := len(rs)
	switch f {
	case FieldIDNumber:
		if n >= 15 {
			return keepEnds(rs, 6, 4)
		}
	case FieldPhone:
		if n >= 11 {
			return keepEnds(rs, 3, 4)
		}
	case FieldEmail:
		if at := strings.LastIndexByte(value, '@'); at > 0 {
			first, _ := utf8.DecodeRuneInString(value)
			return string(first) + "***" + value[at:]
		}
	case FieldAddress:
		if n > 6 {
			return string(rs[:6]) + "***"
		}
		return "***"
	}
	if n > 4 {
		return keepEnds(rs, 2, 2)
	}
	return strings.Repeat("*", n)
}

func keepEnds(rs []rune, first, last int) string {
	return string(rs[:first]) + strings.Repeat("*", len(rs)-first-last) + string(rs[len(rs)-last:])
}

// applicantJSONFields are the JSON keys of an Applicant's personal fields.
var applicantJSONFields = map[string]PersonalField{
	"id_number": FieldIDNumber, "phone": FieldPhone, "fax": FieldPhone, "email": FieldEmail,
	"address": FieldAddress, "postcode": FieldAddress,
}

// ApplicantJSON returns the JSON document data with every applicant in it (an object under the key "applicant",
// at any depth, as in a case written to the audit trail) shown as the view allows. Data without an applicant to
// change is returned as it is, byte for byte, so that its hash still matches; data that is not JSON is returned
// as it is too.
func (v PersonalView) ApplicantJSON(data []byte) []byte {
	if len(data) == 0 || !strings.Contains(string(data), `"applicant"`) {
		return data
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return data
	}
	if !v.maskApplicants(doc, false) {
		return data
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return data
	}
	return out
}

// maskApplicants changes the applicants within node in place and reports whether anything changed; inApplicant
// says node is an applicant object.
func (v PersonalView) maskApplicants(node any, inApplicant bool) bool {
	changed := false
	switch n := node.(type) {
	case map[string]any:
		for k, val := range n {
			if f, ok := applicantJSONFields[k]; ok && inApplicant {
				if s, ok := val.(string); ok {
					if shown := v.Show(f, s); shown != s {
						n[k] = shown
						changed = true
					}
				}
				continue
			}
			if v.maskApplicants(val, k == "applicant") {
				changed = true
			}
		}
	case []any:
		for _, val := range n {
			if v.maskApplicants(val, false) {
				changed = true
			}
		}
	}
	return changed
}
