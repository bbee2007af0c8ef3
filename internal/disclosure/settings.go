package disclosure

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AgencySettings are an agency's policy choices. Where the law is silent or the spec marks a rule UNVERIFIED, the
// choice is a setting with a documented default (shared/spec/disclosure-rules.md §4.1, §5, §6.1, §7).
type AgencySettings struct {
	// IndexFormat builds the 索引号 of published items: {uscc}, {division}, {year}, {serial} or {serial:05d}
	// (zero-padded). Default "{uscc}/{year}-{serial:05d}", the pattern of the unified platforms.
	IndexFormat string `json:"index_format"`
	// ReplyWorkingDays is the reply deadline for applications (R2019 Art 33: at most 20 working days; local rules
	// may set fewer).
	ReplyWorkingDays int `json:"reply_working_days"`
	// ExtensionWorkingDays is the longest extension (Art 33: at most 20 working days).
	ExtensionWorkingDays int `json:"extension_working_days"`
	// FeeNoticePausesDeadline says whether the reply clock stops between a fee notice and payment (F109 is silent;
	// default false).
	FeeNoticePausesDeadline bool `json:"fee_notice_pauses_deadline"`
	// ReceiptOnNonWorkingDay says how an application received on a non-working day counts. "as_received" (the
	// default, and the law as written): the receipt day is the day of Art 31 — handed in, signed for, or confirmed
	// by both sides online — and counting starts the next day, skipping non-working days, so nothing is added.
	// "next_working_day" treats it as received on the next working day (one working day more); an agency may choose
	// it only with ReceiptPolicyReason, which every deadline explanation then shows.
	ReceiptOnNonWorkingDay string `json:"receipt_on_non_working_day"`
	// ReceiptPolicyReason is the agency's ground for "next_working_day" (a local rule and its 文号).
	ReceiptPolicyReason string `json:"receipt_policy_reason,omitempty"`
	// ElectronicDelivery says when a notice sent through the portal or by e-mail counts as received by the
	// applicant, which starts the periods that run from receipt (payment of a fee, a correction): "on_send" (the
	// default: the day it was sent) or "on_confirm" (only on the day recorded as delivered).
	ElectronicDelivery string `json:"electronic_delivery,omitempty"`
	// ReasonsWorkingDays is the period the applicant is given to explain a clearly unreasonable number or frequency
	// of applications (Art 35 sets none; default 15 working days, a setting).
	ReasonsWorkingDays int `json:"reasons_working_days,omitempty"`
	// SkipReplyApproval lets officers send replies without the approver's sign-off. By default a reply is approved
	// by the head of the disclosure office before it goes out, as most agencies' own rules require.
	SkipReplyApproval bool `json:"skip_reply_approval,omitempty"`
	// CorrectionWorkingDays is the "reasonable period" for a correction (补正) the notice gives (Art 30 leaves it to
	// the agency; default 15 working days).
	CorrectionWorkingDays int `json:"correction_working_days,omitempty"`
	// NoticeNumberFormat numbers the agency's notices (告知书): {short} (the short name, or the name), {year},
	// {serial}. Default "{short}依申请公开〔{year}〕{serial}号".
	NoticeNumberFormat string `json:"notice_number_format,omitempty"`
	// ReviewBody and Court are named in every reply's notice of rights: the 行政复议 organ and the court. By default
	// the organ follows 《行政复议法》 (2023) Art 24 from the hierarchy (casework.ReconsiderationBody): the people's
	// government of the same level for its departments, the government above for a people's government. Set it for a
	// vertically managed body (海关、税务、国家安全 …), whose organ is its higher authority.
	ReviewBody string `json:"review_body,omitempty"`
	Court      string `json:"court,omitempty"`
	// FeePayment tells applicants how to pay a 信息处理费 (account, non-tax payment code …), printed on the fee notice.
	FeePayment string `json:"fee_payment,omitempty"`
	// ItemApproval requires the approver's sign-off after the secrecy review before an item is published (by
	// default the reviewer's pass is enough).
	ItemApproval bool `json:"item_approval,omitempty"`
	// ReviewMonths overrides, by genre, how many months after publication an item is due for periodic review
	// (动态调整); 0 turns review off for the genre. Genres not named keep the defaults of disclosure.Genres.
	ReviewMonths map[string]int `json:"review_months,omitempty"`
	// Checklist replaces the default secrecy-review checklist (ReviewChecklist).
	Checklist []string `json:"checklist,omitempty"`
	// Extra holds policies added later, before they earn a field of their own: stored and audited with the rest, so
	// adding one needs no schema change. Keys are lower-case identifiers; the code that reads a key owns its meaning
	// and its default.
	Extra map[string]string `json:"extra,omitempty"`
}

var reSettingKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// DefaultSettings are the settings of a new agency.
func DefaultSettings() AgencySettings {
	return AgencySettings{IndexFormat: "{uscc}/{year}-{serial:05d}", ReplyWorkingDays: 20, ExtensionWorkingDays: 20, ReceiptOnNonWorkingDay: "as_received",
		ElectronicDelivery: "on_send", ReasonsWorkingDays: 15, CorrectionWorkingDays: 15, NoticeNumberFormat: "{short}依申请公开〔{year}〕{serial}号"}
}

// WithDefaults fills unset fields with the defaults.
func (s AgencySettings) WithDefaults() AgencySettings {
	d := DefaultSettings()
	if s.IndexFormat == "" {
		s.IndexFormat = d.IndexFormat
	}
	if s.ReplyWorkingDays == 0 {
		s.ReplyWorkingDays = d.ReplyWorkingDays
	}
	if s.ExtensionWorkingDays == 0 {
		s.ExtensionWorkingDays = d.ExtensionWorkingDays
	}
	if s.ReceiptOnNonWorkingDay == "" {
		s.ReceiptOnNonWorkingDay = d.ReceiptOnNonWorkingDay
	}
	if s.CorrectionWorkingDays == 0 {
		s.CorrectionWorkingDays = d.CorrectionWorkingDays
	}
	if s.ElectronicDelivery == "" {
		s.ElectronicDelivery = d.ElectronicDelivery
	}
	if s.ReasonsWorkingDays == 0 {
		s.ReasonsWorkingDays = d.ReasonsWorkingDays
	}
	if s.NoticeNumberFormat == "" {
		s.NoticeNumberFormat = d.NoticeNumberFormat
	}
	return s
}

// Validate checks the settings against the Regulation's limits.
func (s AgencySettings) Validate() error {
	switch {
	case !strings.Contains(s.IndexFormat, "{serial"):
		return Errorf(EInvalid, "索引号格式须包含序号 {serial} 或 {serial:05d}，否则索引号不唯一")
	case s.ReplyWorkingDays < 1 || s.ReplyWorkingDays > 20:
		return Errorf(EInvalid, "答复期限应为 1—20 个工作日（《条例》第三十三条）")
	case s.ExtensionWorkingDays < 0 || s.ExtensionWorkingDays > 20:
		return Errorf(EInvalid, "延期最长不超过 20 个工作日（《条例》第三十三条）")
	case s.ReceiptOnNonWorkingDay != "next_working_day" && s.ReceiptOnNonWorkingDay != "as_received" && s.ReceiptOnNonWorkingDay != "":
		return Errorf(EInvalid, "非工作日收到申请的计算方式应为 as_received（按《条例》第三十一条的收到之日，次日起算）或 next_working_day")
	case s.ReceiptOnNonWorkingDay == "next_working_day" && strings.TrimSpace(s.ReceiptPolicyReason) == "":
		return Errorf(EInvalid, "按下一工作日视为收到会使期限多出一个工作日，《条例》第三十一条没有这样的规定：如本地另有规定，请填写其依据（文件名称和文号），它将写入每个期限的说明")
	case s.ElectronicDelivery != "" && s.ElectronicDelivery != "on_send" && s.ElectronicDelivery != "on_confirm":
		return Errorf(EInvalid, "电子送达的认定方式应为 on_send（发送之日）或 on_confirm（登记的送达之日）")
	case s.ReasonsWorkingDays < 0 || s.ReasonsWorkingDays > 60:
		return Errorf(EInvalid, "说明理由的期限应为 1—60 个工作日")
	}
	if _, err := FormatIndex(s.IndexFormat, "X", "000000", 2026, 1); err != nil {
		return err
	}
	if s.CorrectionWorkingDays < 1 || s.CorrectionWorkingDays > 60 {
		return Errorf(EInvalid, "补正期限应为 1—60 个工作日")
	}
	if _, err := FormatNoticeNumber(s.NoticeNumberFormat, "示范", 2026, 1); err != nil {
		return err
	}
	for g, m := range s.ReviewMonths {
		if _, ok := Genre(g).Spec(); !ok || m < 0 || m > 120 {
			return Errorf(EInvalid, "定期评估周期设置有误：体裁“%s”、%d 个月（体裁须为已有体裁，周期 0—120 个月）", g, m)
		}
	}
	if len(s.Checklist) > 30 {
		return Errorf(EInvalid, "保密审查清单最多 30 项")
	}
	for _, c := range s.Checklist {
		if c = strings.TrimSpace(c); c == "" || utf8.RuneCountInString(c) > 200 {
			return Errorf(EInvalid, "保密审查清单的每一项应为 1—200 个字")
		}
	}
	for _, f := range []struct{ v, name string }{{s.ReviewBody, "行政复议机关"}, {s.Court, "人民法院"}, {s.FeePayment, "缴费方式"}, {s.ReceiptPolicyReason, "非工作日收到申请的计算依据"}} {
		if utf8.RuneCountInString(f.v) > 500 {
			return Errorf(EInvalid, "%s过长（最多 500 个字）", f.name)
		}
	}
	if len(s.Extra) > 100 {
		return Errorf(EInvalid, "其他设置项过多（最多 100 项）")
	}
	for k, v := range s.Extra {
		switch {
		case !reSettingKey.MatchString(k):
			return Errorf(EInvalid, "设置项名称“%s”应为小写字母开头的字母、数字或下划线（最多 63 位）", k)
		case utf8.RuneCountInString(v) > 1000:
			return Errorf(EInvalid, "设置项“%s”的值过长（最多 1000 个字）", k)
		}
	}
	return nil
}

// FormatIndex builds a 索引号 from the format, the agency's codes, the year and the serial number.
func FormatIndex(format, uscc, division string, year, serial int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); {
		if format[i] != '{' {
			b.WriteByte(format[i])
			i++
			continue
		}
		end := strings.IndexByte(format[i:], '}')
		if end < 0 {
			return "", Errorf(EInvalid, "索引号格式中的“{”没有对应的“}”")
		}
		name, spec, _ := strings.Cut(format[i+1:i+end], ":")
		switch name {
		case "uscc":
			b.WriteString(uscc)
		case "division":
			b.WriteString(division)
		case "year":
			b.WriteString(strconv.Itoa(year))
		case "serial":
			if spec == "" {
				b.WriteString(strconv.Itoa(serial))
				break
			}
			var width int
			if _, err := fmt.Sscanf(spec, "0%dd", &width); err != nil || width < 1 || width > 12 {
				return "", Errorf(EInvalid, "序号宽度“%s”应写成如 05d", spec)
			}
			fmt.Fprintf(&b, "%0*d", width, serial)
		default:
			return "", Errorf(EInvalid, "索引号格式中有未知的项“{%s}”（可用 {uscc}、{division}、{year}、{serial}）", name)
		}
		i += end + 1
	}
	return b.String(), nil
}

// FormatNoticeNumber builds a notice's 文号 from the agency's format: {short}, {year} and {serial} (required).
func FormatNoticeNumber(format, short string, year, serial int) (string, error) {
	if !strings.Contains(format, "{serial}") {
		return "", Errorf(EInvalid, "告知书文号格式须包含序号 {serial}")
	}
	var b strings.Builder
	for i := 0; i < len(format); {
		if format[i] != '{' {
			b.WriteByte(format[i])
			i++
			continue
		}
		end := strings.IndexByte(format[i:], '}')
		if end < 0 {
			return "", Errorf(EInvalid, "告知书文号格式中的“{”没有对应的“}”")
		}
		switch name := format[i+1 : i+end]; name {
		case "short":
			b.WriteString(short)
		case "year":
			b.WriteString(strconv.Itoa(year))
		case "serial":
			b.WriteString(strconv.Itoa(serial))
		default:
			return "", Errorf(EInvalid, "告知书文号格式中有未知的项“{%s}”（可用 {short}、{year}、{serial}）", name)
		}
		i += end + 1
	}
	return b.String(), nil
}

// ReviewPeriod returns the months after publication at which an item of the genre is due for review (0: none).
func (s AgencySettings) ReviewPeriod(g Genre) int {
	if m, ok := s.ReviewMonths[string(g)]; ok {
		return m
	}
	spec, _ := g.Spec()
	return spec.ReviewMonths
}

// ReviewList returns the agency's secrecy-review checklist.
func (s AgencySettings) ReviewList() []string {
	if len(s.Checklist) > 0 {
		return s.Checklist
	}
	return ReviewChecklist
}
