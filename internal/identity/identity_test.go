package identity

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// checkCharOf computes the GB 11643-1999 check character from its definition in ISO 7064 MOD 11-2, independently of
// the package: the weight of position i (1-based, of 18) is 2^(18-i) mod 11, and the check character c satisfies
// (sum of weighted digits + c) ≡ 1 (mod 11), with 10 written as X.
func checkCharOf(t *testing.T, first17 string) byte {
	t.Helper()
	if len(first17) != 17 {
		t.Fatalf("checkCharOf(%q): want 17 digits", first17)
	}
	sum, w := 0, 1
	for i := 16; i >= 0; i-- {
		w = w * 2 % 11 // 2^(17-i) mod 11 for position i+1
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

// makeNumber builds an 18-character number from its parts with the right check character. The numbers are made up
// for the tests and belong to no one.
func makeNumber(t *testing.T, address, birth, seq string) string {
	t.Helper()
	body := address + birth + seq
	return body + string(checkCharOf(t, body))
}

// withCheck returns the first number from address and birth whose check character is want, trying sequence codes.
func withCheck(t *testing.T, address, birth string, want byte) string {
	t.Helper()
	for seq := range 1000 {
		if n := makeNumber(t, address, birth, fmt.Sprintf("%03d", seq)); n[17] == want {
			return n
		}
	}
	t.Fatalf("no sequence code gives check character %c", want)
	return ""
}

// wrongCheck replaces the check character of n with a wrong one.
func wrongCheck(n string) string {
	if n[17] == '0' {
		return n[:17] + "1"
	}
	return n[:17] + "0"
}

// toFullWidth turns ASCII letters and digits into their full-width forms, as a Chinese input method types them.
func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r <= '~' {
			return r - '!' + 0xFF01
		}
		return r
	}, s)
}

func TestCheckCharAgreesWithDefinition(t *testing.T) {
	// The published worked example of GB 11643-1999 is 11010519491231002X.
	if got := checkChar("11010519491231002"); got != 'X' {
		t.Errorf("checkChar(11010519491231002) = %c, want X", got)
	}
	for i := range 2000 {
		body := fmt.Sprintf("%06d%08d%03d", (i*7919)%1000000, 19000101+i*37%1000000, i%1000)
		if got, want := checkChar(body), checkCharOf(t, body); got != want {
			t.Fatalf("checkChar(%s) = %c, want %c", body, got, want)
		}
	}
	for _, bad := range []string{"", "1234567890123456", "123456789012345678", "1234567890123456A"} {
		if got := checkChar(bad); got != 0 {
			t.Errorf("checkChar(%q) = %c, want 0", bad, got)
		}
	}
}

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, china)

func TestValidateAccepts(t *testing.T) {
	id := makeNumber(t, "110105", "19491231", "001")
	idX := withCheck(t, "440305", "19880229", 'X')
	permitHK := makeNumber(t, "810000", "19900101", "123")
	permitMO := makeNumber(t, "820000", "20000229", "004")
	permitTW := withCheck(t, "830000", "19751015", 'X')
	foreign := withCheck(t, "911560", "19800101", '7')
	foreignX := withCheck(t, "911560", "19800101", 'X')

	tests := []struct {
		name   string
		t      DocType
		number string
		want   string
	}{
		{"resident ID", ResidentID, id, id},
		{"resident ID with upper-case X", ResidentID, idX, idX},
		{"resident ID with lower-case x", ResidentID, strings.ToLower(idX), idX},
		{"resident ID in full width", ResidentID, toFullWidth(strings.ToLower(idX)), idX},
		{"resident ID with spaces", ResidentID, "  " + idX[:6] + " " + idX[6:14] + "\u3000" + idX[14:] + " ", idX},
		{"resident ID born on 1900-01-01", ResidentID, makeNumber(t, "310101", "19000101", "005"), makeNumber(t, "310101", "19000101", "005")},
		{"resident ID born today", ResidentID, makeNumber(t, "650102", "20260315", "002"), makeNumber(t, "650102", "20260315", "002")},
		{"resident ID of a Hong Kong resident permit number", ResidentID, permitHK, permitHK},
		{"resident ID with code 91", ResidentID, makeNumber(t, "910000", "19700101", "003"), makeNumber(t, "910000", "19700101", "003")},
		{"residence permit Hong Kong", ResidencePermit, permitHK, permitHK},
		{"residence permit Macau on a leap day", ResidencePermit, permitMO, permitMO},
		{"residence permit Taiwan with x", ResidencePermit, strings.ToLower(permitTW), permitTW},
		{"HK permit with 8 digits", HKMacauPermit, "H12345678", "H12345678"},
		{"Macau permit with 10 digits in lower case", HKMacauPermit, "m1234567890", "M1234567890"},
		{"HK permit in full width", HKMacauPermit, "Ｈ１２３４５６７８", "H12345678"},
		{"Taiwan permit with 8 digits", TaiwanPermit, "12345678", "12345678"},
		{"Taiwan permit with 10 digits", TaiwanPermit, "1234567890", "1234567890"},
		{"Taiwan permit with issue letter", TaiwanPermit, "1234567890(b)", "1234567890"},
		{"Taiwan permit with full-width issue letter", TaiwanPermit, "１２３４５６７８９０（Ｂ）", "1234567890"},
		{"passport", Passport, "E12345678", "E12345678"},
		{"passport of 5 characters in lower case", Passport, "ab123", "AB123"},
		{"passport of 17 characters", Passport, "ABCDEFGH123456789", "ABCDEFGH123456789"},
		{"old foreign permanent residence card", ForeignPermanent, "usa123456789012", "USA123456789012"},
		{"new foreign permanent residence card", ForeignPermanent, foreign, foreign},
		{"new foreign permanent residence card with x", ForeignPermanent, strings.ToLower(foreignX), foreignX},
		{"other keeps inner spaces", Other, "  军字第 0012 号 ", "军字第 0012 号"},
		{"other folds full width", Other, "ＡＢ－１２", "AB-12"},
		{"other of 40 characters", Other, strings.Repeat("证", 40), strings.Repeat("证", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := validate(tt.t, tt.number, now)
			if err != nil || got != tt.want {
				t.Errorf("validate(%s, %q) = %q, %v; want %q", tt.t, tt.number, got, err, tt.want)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	id := makeNumber(t, "110105", "19491231", "001")
	permit := makeNumber(t, "810000", "19900101", "123")
	foreign := makeNumber(t, "911560", "19800101", "001")

	tests := []struct {
		name   string
		t      DocType
		number string
		want   string // the whole message
	}{
		{"unknown document type", DocType("driving_licence"), "123", "证件类型“driving_licence”无效，请从列表中选择"},
		{"empty document type", DocType(""), "123", "证件类型“”无效，请从列表中选择"},
		{"control character", ResidentID, id[:5] + "\n" + id[5:], "居民身份证号码含有换行、控制字符或无法识别的字符，请重新填写"},
		{"invalid UTF-8", Passport, "E1234\xff5678", "护照号码含有换行、控制字符或无法识别的字符，请重新填写"},
		{"empty resident ID", ResidentID, "   ", "请填写居民身份证号码"},
		{"empty passport", Passport, "", "请填写护照号码"},
		{"empty other", Other, "\u3000", "请填写其他证件号码"},
		{"other too long", Other, strings.Repeat("证", 41), "其他证件号码最多40个字符，现在是41个"},

		{"resident ID too short", ResidentID, id[:17], "居民身份证号码应为18位，现在是17位"},
		{"resident ID too long", ResidentID, id + "1", "居民身份证号码应为18位，现在是19位"},
		{"first-generation 15-digit number", ResidentID, "110105491231002", "居民身份证号码应为18位；这是15位的第一代身份证号码，已停止使用，请填写18位号码"},
		{"letter inside", ResidentID, id[:4] + "A" + id[5:], "居民身份证号码第5位“A”不是数字"},
		{"Chinese character inside", ResidentID, id[:9] + "年" + id[10:], "居民身份证号码第10位“年”不是数字"},
		{"bad check position", ResidentID, id[:17] + "Y", "居民身份证号码第18位（校验位）“Y”应为数字或X"},
		{"province code 19", ResidentID, makeNumber(t, "190105", "19491231", "001"), "居民身份证号码前两位“19”不是有效的省级行政区划代码，请核对"},
		{"province code 00", ResidentID, makeNumber(t, "000105", "19491231", "001"), "居民身份证号码前两位“00”不是有效的省级行政区划代码，请核对"},
		{"province code 72", ResidentID, makeNumber(t, "720105", "19491231", "001"), "居民身份证号码前两位“72”不是有效的省级行政区划代码，请核对"},
		{"30 February", ResidentID, makeNumber(t, "110105", "19490230", "001"), "居民身份证号码第7至14位的出生日期“19490230”不是有效日期，请核对"},
		{"29 February of a common year", ResidentID, makeNumber(t, "110105", "19000229", "001"), "居民身份证号码第7至14位的出生日期“19000229”不是有效日期，请核对"},
		{"month 13", ResidentID, makeNumber(t, "110105", "19491301", "001"), "居民身份证号码第7至14位的出生日期“19491301”不是有效日期，请核对"},
		{"day 00", ResidentID, makeNumber(t, "110105", "19491200", "001"), "居民身份证号码第7至14位的出生日期“19491200”不是有效日期，请核对"},
		{"born before 1900", ResidentID, makeNumber(t, "110105", "18991231", "001"), "居民身份证号码第7至14位的出生日期“18991231”早于1900年，请核对"},
		{"born tomorrow", ResidentID, makeNumber(t, "110105", "20260316", "001"), "居民身份证号码第7至14位的出生日期“20260316”晚于今天，请核对"},
		{"wrong check character", ResidentID, wrongCheck(id), fmt.Sprintf("居民身份证号码校验位不正确，按前17位计算应为%c，请核对是否抄错", id[17])},
		{"X where a digit belongs", ResidentID, withCheck(t, "440305", "19880229", '5')[:17] + "X", "居民身份证号码校验位不正确，按前17位计算应为5，请核对是否抄错"},

		{"permit with a mainland address code", ResidencePermit, id, "港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾），现在是“110105”"},
		{"permit with a county code", ResidencePermit, makeNumber(t, "810101", "19900101", "123"), "港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾），现在是“810101”"},
		{"permit with a wrong check character", ResidencePermit, wrongCheck(permit), fmt.Sprintf("港澳台居民居住证号码校验位不正确，按前17位计算应为%c，请核对是否抄错", permit[17])},
		{"permit too short", ResidencePermit, permit[:16], "港澳台居民居住证号码应为18位，现在是16位"},
		{"permit born in the future", ResidencePermit, makeNumber(t, "830000", "20300101", "001"), "港澳台居民居住证号码第7至14位的出生日期“20300101”晚于今天，请核对"},

		{"HK permit with a wrong letter", HKMacauPermit, "T12345678", "港澳居民来往内地通行证号码应以H（香港）或M（澳门）开头，后接8位或10位数字"},
		{"HK permit with digits only", HKMacauPermit, "812345678", "港澳居民来往内地通行证号码应以H（香港）或M（澳门）开头，后接8位或10位数字"},
		{"HK permit with a letter inside", HKMacauPermit, "H1234A678", "港澳居民来往内地通行证号码第6位“A”不是数字；号码应为H或M后接8位或10位数字"},
		{"HK permit with 7 digits", HKMacauPermit, "H1234567", "港澳居民来往内地通行证号码在H之后应为8位或10位数字，现在是7位"},
		{"Macau permit with 9 digits", HKMacauPermit, "M123456789", "港澳居民来往内地通行证号码在M之后应为8位或10位数字，现在是9位"},

		{"Taiwan permit with 7 digits", TaiwanPermit, "1234567", "台湾居民来往大陆通行证号码应为8位数字（旧版为10位），现在是7位"},
		{"Taiwan permit with 9 digits", TaiwanPermit, "123456789", "台湾居民来往大陆通行证号码应为8位数字（旧版为10位），现在是9位"},
		{"Taiwan permit with a letter inside", TaiwanPermit, "1234A678", "台湾居民来往大陆通行证号码第5位“A”不是数字；号码应为8位数字（旧版10位，可带括号中的字母）"},
		{"Taiwan permit with a letter but no parentheses", TaiwanPermit, "1234567890B", "台湾居民来往大陆通行证号码第11位“B”不是数字；号码应为8位数字（旧版10位，可带括号中的字母）"},
		{"Taiwan permit with an unclosed parenthesis", TaiwanPermit, "1234567890(B", "台湾居民来往大陆通行证号码第11位“(”不是数字；号码应为8位数字（旧版10位，可带括号中的字母）"},
		{"Taiwan permit with a closing parenthesis only", TaiwanPermit, "1234567890B)", "台湾居民来往大陆通行证号码末尾的括号不完整，应形如 1234567890(B)"},
		{"Taiwan permit with two letters in parentheses", TaiwanPermit, "1234567890(AB)", "台湾居民来往大陆通行证号码括号中应为一个字母（换证次数），现在是“AB”"},
		{"Taiwan permit with a digit in parentheses", TaiwanPermit, "1234567890(1)", "台湾居民来往大陆通行证号码括号中应为一个字母（换证次数），现在是“1”"},
		{"Taiwan permit with empty parentheses", TaiwanPermit, "1234567890()", "台湾居民来往大陆通行证号码括号中应为一个字母（换证次数），现在是“”"},
		{"8-digit Taiwan permit with a letter", TaiwanPermit, "12345678(B)", "台湾居民来往大陆通行证号码为8位时不带括号中的字母，请去掉括号"},

		{"passport too short", Passport, "E123", "护照号码应为5至17位字母或数字，现在是4位"},
		{"passport too long", Passport, "ABCDEFGHI123456789", "护照号码应为5至17位字母或数字，现在是18位"},
		{"passport with a hyphen", Passport, "E1234-678", "护照号码第6位“-”不是字母或数字"},
		{"passport with a Chinese character", Passport, "护E12345678", "护照号码第1位“护”不是字母或数字"},

		{"old foreign card starting with a digit", ForeignPermanent, "123456789012345", "外国人永久居留身份证号码（15位旧版）应为3位字母加12位数字，以字母开头"},
		{"old foreign card with 2 letters", ForeignPermanent, "US1234567890123", "外国人永久居留身份证号码（15位旧版）第3位“1”应为字母；旧版号码为3位字母加12位数字"},
		{"old foreign card with a letter at the end", ForeignPermanent, "USA12345678901A", "外国人永久居留身份证号码（15位旧版）第15位“A”应为数字；旧版号码为3位字母加12位数字"},
		{"new foreign card not starting with 9", ForeignPermanent, id, "外国人永久居留身份证号码（18位新版）应以9开头"},
		{"new foreign card with a letter inside", ForeignPermanent, foreign[:3] + "U" + foreign[4:], "外国人永久居留身份证号码第4位“U”不是数字"},
		{"new foreign card with a wrong check character", ForeignPermanent, wrongCheck(foreign), fmt.Sprintf("外国人永久居留身份证号码校验位不正确，按前17位计算应为%c，请核对是否抄错", foreign[17])},
		{"foreign card of 16 characters", ForeignPermanent, foreign[:16], "外国人永久居留身份证号码应为15位（旧版：3位字母加12位数字）或18位（新版：以9开头），现在是16位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := validate(tt.t, tt.number, now)
			if err == nil {
				t.Fatalf("validate(%s, %q) = %q, want an error", tt.t, tt.number, got)
			}
			if err.Error() != tt.want {
				t.Errorf("validate(%s, %q) error\n got: %s\nwant: %s", tt.t, tt.number, err, tt.want)
			}
			if got != "" {
				t.Errorf("validate returned %q with an error, want \"\"", got)
			}
		})
	}
}

func TestValidateUsesChinaToday(t *testing.T) {
	// 2026-03-15 16:30 UTC is already 2026-03-16 in China, so a child born on the 16th is valid.
	n := makeNumber(t, "110105", "20260316", "001")
	if _, err := validate(ResidentID, n, time.Date(2026, 3, 15, 16, 30, 0, 0, time.UTC)); err != nil {
		t.Errorf("validate at 00:30 China time on the birth day = %v, want nil", err)
	}
	if _, err := validate(ResidentID, n, time.Date(2026, 3, 15, 15, 30, 0, 0, time.UTC)); err == nil {
		t.Error("validate at 23:30 China time the day before the birth = nil, want an error")
	}
	if _, err := Validate(ResidentID, makeNumber(t, "110105", "29990101", "001")); err == nil {
		t.Error("Validate accepted a birth date in 2999")
	}
	if _, err := Validate(ResidentID, makeNumber(t, "110105", "19491231", "001")); err != nil {
		t.Errorf("Validate = %v, want nil", err)
	}
}

func TestDocTypes(t *testing.T) {
	want := []DocType{ResidentID, Passport, HKMacauPermit, TaiwanPermit, ForeignPermanent, ResidencePermit, Other}
	if diff := cmp.Diff(want, DocTypes()); diff != "" {
		t.Errorf("DocTypes (-want +got):\n%s", diff)
	}
	names := map[DocType]string{
		ResidentID: "居民身份证", Passport: "护照", HKMacauPermit: "港澳居民来往内地通行证",
		TaiwanPermit: "台湾居民来往大陆通行证", ForeignPermanent: "外国人永久居留身份证",
		ResidencePermit: "港澳台居民居住证", Other: "其他证件",
	}
	for _, dt := range DocTypes() {
		if got := dt.Name(); got != names[dt] {
			t.Errorf("%s.Name() = %q, want %q", dt, got, names[dt])
		}
		if got, err := ParseDocType(" " + string(dt) + " "); err != nil || got != dt {
			t.Errorf("ParseDocType(%q) = %q, %v; want %q", dt, got, err, dt)
		}
	}
	if got := DocType("x").Name(); got != "" {
		t.Errorf(`DocType("x").Name() = %q, want ""`, got)
	}
	DocTypes()[0] = "changed"
	if DocTypes()[0] != ResidentID {
		t.Error("changing the slice DocTypes returned changed the next result")
	}
	if _, err := ParseDocType(" 身份\n证 "); err == nil || err.Error() != "证件类型“身份?证”无效，请从列表中选择" {
		t.Errorf("ParseDocType error = %v, want the input quoted on one line", err)
	}
}

func TestMaskNumber(t *testing.T) {
	id := makeNumber(t, "110105", "19491231", "123")
	tests := []struct {
		name   string
		t      DocType
		number string
		want   string
	}{
		{"resident ID keeps 6 and 4", ResidentID, id, "110105********" + id[14:]},
		{"lower-case x is normalised first", ResidentID, strings.ToLower(withCheck(t, "440305", "19880229", 'X')), "440305********" + withCheck(t, "440305", "19880229", 'X')[14:]},
		{"residence permit keeps 6 and 4", ResidencePermit, makeNumber(t, "810000", "19900101", "123"), "810000********" + makeNumber(t, "810000", "19900101", "123")[14:]},
		{"new foreign card keeps 6 and 4", ForeignPermanent, makeNumber(t, "911560", "19800101", "001"), "911560********" + makeNumber(t, "911560", "19800101", "001")[14:]},
		{"old foreign card keeps 2 and 2", ForeignPermanent, "USA123456789012", "US***********12"},
		{"passport keeps 2 and 2", Passport, "e12345678", "E1*****78"},
		{"HK permit keeps 2 and 2", HKMacauPermit, "H12345678", "H1*****78"},
		{"Taiwan permit without its issue letter", TaiwanPermit, "1234567890(B)", "12******90"},
		{"short passport hides a third", Passport, "AB123", "AB**3"},
		{"other of 3 characters", Other, "甲乙丙", "甲*丙"},
		{"other of 2 characters", Other, "甲乙", "甲*"},
		{"other of 1 character", Other, "甲", "*"},
		{"other Chinese text", Other, "军字第0012号", "军字****2号"},
		{"invalid number is masked as typed", ResidentID, " 11010519491231 ", "11**********31"},
		{"full-width invalid number is folded", Passport, "ＡＢ１", "A*1"},
		{"empty", ResidentID, "  ", ""},
		{"invalid UTF-8", Other, "\xff\xfe", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskNumber(tt.t, tt.number); got != tt.want {
				t.Errorf("MaskNumber(%s, %q) = %q, want %q", tt.t, tt.number, got, tt.want)
			}
		})
	}
}

func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "810000199001011234",
		"H12345678", "M1234567890", "1234567890(B)", "12345678", "E12345678", "USA123456789012",
		"911560198001010017", "军字第0012号", "", " ", "\xff", "(", ")", "()", "1234567890（Ｂ）", "x\u3000y",
	} {
		for i := range DocTypes() {
			f.Add(uint8(i), seed)
		}
	}
	types := DocTypes()
	f.Fuzz(func(t *testing.T, which uint8, number string) {
		dt := types[int(which)%len(types)]
		got, err := Validate(dt, number)
		masked := MaskNumber(dt, number)
		if !utf8.ValidString(masked) {
			t.Errorf("MaskNumber(%s, %q) = %q, not valid UTF-8", dt, number, masked)
		}
		if err != nil {
			if got != "" {
				t.Errorf("Validate(%s, %q) = %q with error %v, want \"\"", dt, number, got, err)
			}
			if msg := err.Error(); msg == "" || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("Validate(%s, %q) error %q is not one line of text", dt, number, msg)
			}
			return
		}
		again, err := Validate(dt, got)
		if err != nil || again != got {
			t.Errorf("Validate(%s, %q) = %q, but revalidating gives %q, %v", dt, number, got, again, err)
		}
		if n, m := utf8.RuneCountInString(got), utf8.RuneCountInString(masked); n != m {
			t.Errorf("MaskNumber(%s, %q) = %q has %d characters, the number %d", dt, number, masked, m, n)
		}
		if got != "" && !strings.Contains(masked, "*") {
			t.Errorf("MaskNumber(%s, %q) = %q hides nothing", dt, number, masked)
		}
	})
}

func BenchmarkValidateResidentID(b *testing.B) {
	for b.Loop() {
		if _, err := Validate(ResidentID, "11010519491231002x"); err != nil {
			b.Fatal(err)
		}
	}
}
