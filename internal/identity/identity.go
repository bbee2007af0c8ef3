// Package identity validates the identity documents applicants give in a government information disclosure
// application (政府信息公开申请): the document type and its number, normalised so that the same document always
// has the same text, and masked for display in staff lists and e-mails. It depends on the standard library only and
// returns plain errors whose Chinese messages say exactly what is wrong with the number.
package identity

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DocType is the type of an identity document, stored as its stable English code.
type DocType string

// The document types an applicant can choose, in the order of the application form.
const (
	ResidentID       DocType = "resident_id"       // 居民身份证
	Passport         DocType = "passport"          // 护照
	HKMacauPermit    DocType = "hk_macau_permit"   // 港澳居民来往内地通行证
	TaiwanPermit     DocType = "taiwan_permit"     // 台湾居民来往大陆通行证
	ForeignPermanent DocType = "foreign_permanent" // 外国人永久居留身份证
	ResidencePermit  DocType = "hmt_residence"     // 港澳台居民居住证
	Other            DocType = "other"             // 其他
)

// DocTypes returns every document type in the order of the application form. It returns a new slice each time, so
// callers may change it.
func DocTypes() []DocType {
	return []DocType{ResidentID, Passport, HKMacauPermit, TaiwanPermit, ForeignPermanent, ResidencePermit, Other}
}

// Name returns the Chinese name of the document type, or "" for an unknown one.
func (t DocType) Name() string {
	switch t {
	case ResidentID:
		return "居民身份证"
	case Passport:
		return "护照"
	case HKMacauPermit:
		return "港澳居民来往内地通行证"
	case TaiwanPermit:
		return "台湾居民来往大陆通行证"
	case ForeignPermanent:
		return "外国人永久居留身份证"
	case ResidencePermit:
		return "港澳台居民居住证"
	case Other:
		return "其他证件"
	}
	return ""
}

// Valid reports whether t is one of DocTypes.
func (t DocType) Valid() bool { return t.Name() != "" }

// ParseDocType returns the document type with the code s (as submitted by a form), or an error.
func ParseDocType(s string) (DocType, error) {
	t := DocType(strings.TrimSpace(s))
	if !t.Valid() {
		return "", fmt.Errorf("证件类型“%s”无效，请从列表中选择", strings.ToValidUTF8(strings.Map(visible, string(t)), "?"))
	}
	return t, nil
}

// MaxOtherRunes is the longest number accepted for Other.
const MaxOtherRunes = 40

// china is the time zone in which "today" is judged for birth dates; a fixed offset, so that no tzdata is needed.
var china = time.FixedZone("CST", 8*3600)

// Validate checks number as a number of a document of type t and returns it normalised: surrounding and inner
// spaces removed (except for Other), full-width letters and digits folded to ASCII, letters upper-cased. The error
// message, in Chinese, names the document and says exactly what to correct.
//
// What is accepted:
//   - 居民身份证: 18 characters under GB 11643-1999 — 17 digits and a check character (a digit or X, computed with
//     ISO 7064 MOD 11-2), a valid province code in the first two digits, a real birth date in positions 7–14 from
//     1900 to today (China time). The retired 15-digit numbers are refused with a message saying so.
//   - 港澳台居民居住证: the same rule, with the first six digits 810000 (Hong Kong), 820000 (Macau) or 830000 (Taiwan).
//   - 港澳居民来往内地通行证: H (Hong Kong) or M (Macau) followed by 8 or 10 digits.
//   - 台湾居民来往大陆通行证: 8 digits (the card since 2015) or 10 digits (older booklets); the older forms' issue letter
//     in parentheses after the digits, such as "1234567890(B)", is accepted and removed, since it changes with every
//     reissue and is not part of the holder's number.
//   - 护照: 5 to 17 letters and digits.
//   - 外国人永久居留身份证: 15 characters (the 2017 card: 3 letters and 12 digits) or 18 (the card since 2023: a 9 and
//     16 more digits and a MOD 11-2 check character, the same scheme as 居民身份证).
//   - 其他证件: 1 to 40 characters, no control characters.
func Validate(t DocType, number string) (string, error) {
	return validate(t, number, time.Now().In(china))
}

func validate(t DocType, number string, now time.Time) (string, error) {
	if !t.Valid() {
		_, err := ParseDocType(string(t))
		return "", err
	}
	name := t.Name()
	if !utf8.ValidString(number) || strings.ContainsFunc(number, unicode.IsControl) {
		return "", fmt.Errorf("%s号码含有换行、控制字符或无法识别的字符，请重新填写", name)
	}
	s := strings.TrimSpace(foldWidth(number))
	if t == Other {
		if s == "" {
			return "", fmt.Errorf("请填写%s号码", name)
		}
		if n := utf8.RuneCountInString(s); n > MaxOtherRunes {
			return "", fmt.Errorf("%s号码最多%d个字符，现在是%d个", name, MaxOtherRunes, n)
		}
		return s, nil
	}
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if s == "" {
		return "", fmt.Errorf("请填写%s号码", name)
	}

	var err error
	switch t {
	case ResidentID:
		err = checkCitizenNumber(name, s, now, false)
	case ResidencePermit:
		err = checkCitizenNumber(name, s, now, true)
	case HKMacauPermit:
		err = checkHKMacau(name, s)
	case TaiwanPermit:
		s, err = checkTaiwan(name, s)
	case Passport:
		err = checkPassport(name, s)
	default: // ForeignPermanent
		err = checkForeignPermanent(name, s)
	}
	if err != nil {
		return "", err
	}
	return s, nil
}

// provinces holds the province-level codes of GB/T 2260 that begin a citizen identity number: 11–15, 21–23,
// 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81 (Hong Kong), 82 (Macau), 83 (Taiwan residents' residence permits)
// and 91 (abroad).
var provinces = func() [100]bool {
	var p [100]bool
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 83}, {91, 91}} {
		for c := r[0]; c <= r[1]; c++ {
			p[c] = true
		}
	}
	return p
}()

// checkCitizenNumber checks an 18-character number under GB 11643-1999; permit restricts the address code to
// those of 港澳台居民居住证.
func checkCitizenNumber(name, s string, now time.Time, permit bool) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		if n == 15 && allDigits(s) {
			return fmt.Errorf("%s号码应为18位；这是15位的第一代身份证号码，已停止使用，请填写18位号码", name)
		}
		return fmt.Errorf("%s号码应为18位，现在是%d位", name, n)
	}
	if err := checkDigitsAndCheckChar(name, s); err != nil {
		return err
	}
	if permit {
		if p := s[:6]; p != "810000" && p != "820000" && p != "830000" {
			return fmt.Errorf("%s号码前6位应为810000（香港）、820000（澳门）或830000（台湾），现在是“%s”", name, p)
		}
	} else if code := int(s[0]-'0')*10 + int(s[1]-'0'); !provinces[code] {
		return fmt.Errorf("%s号码前两位“%s”不是有效的省级行政区划代码，请核对", name, s[:2])
	}
	if err := checkBirthDate(name, s[6:14], now); err != nil {
		return err
	}
	return checkCheckChar(name, s)
}

// checkDigitsAndCheckChar checks that the 18 characters of s are digits in positions 1–17 and a digit or X in
// position 18, naming the first bad position.
func checkDigitsAndCheckChar(name, s string) error {
	for i, r := range []rune(s) {
		switch {
		case i < 17 && !isDigit(r):
			return fmt.Errorf("%s号码第%d位“%c”不是数字", name, i+1, r)
		case i == 17 && !isDigit(r) && r != 'X':
			return fmt.Errorf("%s号码第18位（校验位）“%c”应为数字或X", name, r)
		}
	}
	return nil
}

// checkCheckChar verifies the MOD 11-2 check character of an 18-character number whose characters are known good.
func checkCheckChar(name, s string) error {
	if want := checkChar(s[:17]); s[17] != want {
		return fmt.Errorf("%s号码校验位不正确，按前17位计算应为%c，请核对是否抄错", name, want)
	}
	return nil
}

// ResidentIDCheck returns the check character of the 17 digits of a citizen identity number (0 when they are not
// 17 digits), for tools that make sample numbers (scenarios, demos): numbers that pass the check without being
// anyone's.
func ResidentIDCheck(first17 string) byte { return checkChar(first17) }

// checkChar returns the ISO 7064 MOD 11-2 check character of the 17 digits of a citizen identity number (GB
// 11643-1999): the sum of the digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, modulo 11, indexes "10X98765432".
// It returns 0 unless first17 is exactly 17 ASCII digits.
func checkChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		return 0
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// checkBirthDate checks the YYYYMMDD birth date of a citizen identity number.
func checkBirthDate(name, ymd string, now time.Time) error {
	d, err := time.ParseInLocation("20060102", ymd, china)
	if err != nil || d.Format("20060102") != ymd {
		return fmt.Errorf("%s号码第7至14位的出生日期“%s”不是有效日期，请核对", name, ymd)
	}
	if d.Year() < 1900 {
		return fmt.Errorf("%s号码第7至14位的出生日期“%s”早于1900年，请核对", name, ymd)
	}
	today := now.In(china).Format("20060102")
	if ymd > today {
		return fmt.Errorf("%s号码第7至14位的出生日期“%s”晚于今天，请核对", name, ymd)
	}
	return nil
}

func checkHKMacau(name, s string) error {
	rs := []rune(s)
	if rs[0] != 'H' && rs[0] != 'M' {
		return fmt.Errorf("%s号码应以H（香港）或M（澳门）开头，后接8位或10位数字", name)
	}
	for i, r := range rs[1:] {
		if !isDigit(r) {
			return fmt.Errorf("%s号码第%d位“%c”不是数字；号码应为H或M后接8位或10位数字", name, i+2, r)
		}
	}
	if n := len(rs) - 1; n != 8 && n != 10 {
		return fmt.Errorf("%s号码在%c之后应为8位或10位数字，现在是%d位", name, rs[0], n)
	}
	return nil
}

// checkTaiwan returns the number without the issue letter of the older forms.
func checkTaiwan(name, s string) (string, error) {
	digits := s
	if strings.HasSuffix(s, ")") {
		open := strings.LastIndexByte(s, '(')
		if open < 0 {
			return "", fmt.Errorf("%s号码末尾的括号不完整，应形如 1234567890(B)", name)
		}
		if inner := s[open+1 : len(s)-1]; len(inner) != 1 || inner[0] < 'A' || inner[0] > 'Z' {
			return "", fmt.Errorf("%s号码括号中应为一个字母（换证次数），现在是“%s”", name, inner)
		}
		digits = s[:open]
	}
	for i, r := range []rune(digits) {
		if !isDigit(r) {
			return "", fmt.Errorf("%s号码第%d位“%c”不是数字；号码应为8位数字（旧版10位，可带括号中的字母）", name, i+1, r)
		}
	}
	if n := len(digits); n != 8 && n != 10 {
		return "", fmt.Errorf("%s号码应为8位数字（旧版为10位），现在是%d位", name, n)
	}
	if len(digits) == 8 && digits != s {
		return "", fmt.Errorf("%s号码为8位时不带括号中的字母，请去掉括号", name)
	}
	return digits, nil
}

func checkPassport(name, s string) error {
	rs := []rune(s)
	for i, r := range rs {
		if !isDigit(r) && (r < 'A' || r > 'Z') {
			return fmt.Errorf("%s号码第%d位“%c”不是字母或数字", name, i+1, r)
		}
	}
	if n := len(rs); n < 5 || n > 17 {
		return fmt.Errorf("%s号码应为5至17位字母或数字，现在是%d位", name, n)
	}
	return nil
}

func checkForeignPermanent(name, s string) error {
	rs := []rune(s)
	switch {
	case len(rs) == 15 && !isDigit(rs[0]):
		for i, r := range rs {
			switch {
			case i < 3 && (r < 'A' || r > 'Z'):
				return fmt.Errorf("%s号码（15位旧版）第%d位“%c”应为字母；旧版号码为3位字母加12位数字", name, i+1, r)
			case i >= 3 && !isDigit(r):
				return fmt.Errorf("%s号码（15位旧版）第%d位“%c”应为数字；旧版号码为3位字母加12位数字", name, i+1, r)
			}
		}
		return nil
	case len(rs) == 18:
		if rs[0] != '9' {
			return fmt.Errorf("%s号码（18位新版）应以9开头", name)
		}
		if err := checkDigitsAndCheckChar(name, s); err != nil {
			return err
		}
		return checkCheckChar(name, s)
	case len(rs) == 15:
		return fmt.Errorf("%s号码（15位旧版）应为3位字母加12位数字，以字母开头", name)
	}
	return fmt.Errorf("%s号码应为15位（旧版：3位字母加12位数字）或18位（新版：以9开头），现在是%d位", name, len(rs))
}

// MaskNumber returns number for display in staff lists and e-mails with its middle replaced by '*', one per
// character so the length shows: the first 6 and last 4 characters stay for 18-character identity-card numbers
// (居民身份证, 港澳台居民居住证, the new 外国人永久居留身份证), as in "110105********1234", and the first 2 and last 2
// for everything else. At least a third of the characters are always hidden, so short numbers show less. An
// invalid number is masked as typed (trimmed and width-folded); the empty string stays empty.
func MaskNumber(t DocType, number string) string {
	s, err := Validate(t, number)
	if err != nil {
		s = strings.TrimSpace(foldWidth(strings.ToValidUTF8(number, "")))
	}
	rs := []rune(s)
	n := len(rs)
	if n == 0 {
		return ""
	}
	first, last := 2, 2
	if n == 18 && (t == ResidentID || t == ResidencePermit || t == ForeignPermanent) {
		first, last = 6, 4
	}
	hidden := max((n+2)/3, 1)
	for first+last > n-hidden {
		if last >= first && last > 0 {
			last--
		} else {
			first--
		}
	}
	out := make([]rune, 0, n)
	out = append(out, rs[:first]...)
	for range n - first - last {
		out = append(out, '*')
	}
	out = append(out, rs[n-last:]...)
	return string(out)
}

// foldWidth folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII, because Chinese input
// methods often produce them in numbers that are otherwise right.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + '!'
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// visible replaces control characters, so an error message quoting input stays on one line.
func visible(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}
