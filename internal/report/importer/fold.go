package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tradToSimp maps the traditional characters that occur in report headings, table labels and the figures'
// sentences to their simplified forms. Reports copied through Hong Kong or Taiwan mirrors arrive in traditional
// characters; matching needs only these.
var tradToSimp = map[rune]rune{
	'開': '开', '處': '处', '與': '与', '數': '数', '報': '报', '請': '请', '結': '结', '轉': '转', '總': '总',
	'計': '计', '護': '护', '權': '权', '屬': '属', '國': '国', '類': '类', '內': '内', '務': '务', '過': '过',
	'執': '执', '檢': '检', '詢': '询', '項': '项', '關': '关', '無': '无', '應': '应', '複': '复', '議': '议',
	'訟': '讼', '決': '决', '維': '维', '糾': '纠', '審': '审', '經': '经', '規': '规', '範': '范', '發': '发',
	'廢': '废', '現': '现', '許': '许', '強': '强', '製': '制', '費': '费', '額': '额', '萬': '万', '單': '单',
	'資': '资', '訊': '讯', '機': '机', '構': '构', '義': '义', '個': '个', '為': '为', '時': '时', '間': '间',
	'當': '当', '會': '会', '對': '对', '於': '于', '業': '业', '學': '学', '團': '团', '體': '体', '礙': '碍',
	'穩': '稳', '險': '险', '衛': '卫', '縣': '县', '區': '区', '東': '东', '寫': '写', '實': '实', '際': '际',
	'況': '况', '問': '问', '題': '题', '進': '进', '歸': '归', '檔': '档', '錄': '录', '號': '号', '頁': '页',
	'點': '点', '擊': '击', '見': '见', '網': '网', '佈': '布', '稱': '称', '門': '门', '戶': '户', '據': '据',
	'說': '说', '辦': '办', '驗': '验', '證': '证', '條': '条', '認': '认', '納': '纳', '補': '补', '僅': '仅',
	'級': '级', '層': '层', '變': '变', '動': '动', '態': '态', '調': '调', '統': '统', '狀': '状', '續': '续',
	'繼': '继', '舉': '举', '訪': '访', '達': '达', '邊': '边', '歷': '历', '並': '并', '準': '准', '則': '则',
	'測': '测', '產': '产', '礎': '础', '設': '设', '備': '备', '專': '专', '傳': '传', '導': '导', '領': '领',
	'長': '长', '書': '书', '記': '记', '員': '员', '鄉': '乡', '鎮': '镇', '財': '财', '預': '预', '購': '购',
	'採': '采', '醫': '医', '藥': '药', '療': '疗', '環': '环', '聯': '联', '繫': '系', '電': '电', '話': '话',
	'郵': '邮', '後': '后', '樣': '样', '麼': '么', '們': '们', '來': '来', '這': '这', '從': '从', '還': '还',
	'將': '将', '獲': '获', '復': '复', '訴': '诉', '盡': '尽', '營': '营', '興': '兴', '屆': '届', '紀': '纪',
	'陽': '阳', '積': '积', '氣': '气', '雲': '云', '龍': '龙', '廣': '广', '莊': '庄', '臺': '台', '灣': '湾',
	'黃': '黄', '陳': '陈', '劉': '刘', '張': '张', '楊': '杨', '趙': '赵', '訂': '订', '討': '讨', '論': '论',
	'簽': '签', '標': '标', '識': '识', '輯': '辑', '編': '编', '週': '周', '觀': '观', '視': '视', '頻': '频',
	'輿': '舆', '參': '参', '優': '优', '勢': '势', '質': '质',
}

// tradBMP maps a Basic Multilingual Plane rune to its simplified form, 0 when it has none: an array lookup is
// several times faster than the map on the hot path (every character of every imported file).
var tradBMP = func() *[0x10000]rune {
	var t [0x10000]rune
	for k, v := range tradToSimp {
		t[k] = v
	}
	return &t
}()

func toSimp(r rune) (rune, bool) {
	if r < 0x10000 {
		if m := tradBMP[r]; m != 0 {
			return m, true
		}
	}
	return r, false
}

// simplify converts the traditional characters of tradToSimp; the string is returned as is when none occur.
func simplify(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { _, ok := toSimp(r); return ok })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		r, _ = toSimp(r)
		b.WriteRune(r)
	}
	return b.String()
}

// normLine folds one line for parsing: traditional → simplified, full-width ASCII → ASCII, the ideographic space,
// no-break and zero-width spaces → a plain space or nothing, and half-width parentheses and colons → full-width (the
// printed forms of the official labels).
func normLine(s string) string {
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '(' || c == ')' || c == ':' || c == '\r' {
				clean = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0xFF01 && r <= 0xFF5E && r != '（' && r != '）' && r != '：' && r != '，' && r != '；' || r == 0x3000 || r == 0xA0 || r == 0x200B || r == 0xFEFF || r == utf8.RuneError {
			clean = false
			break
		}
		if _, ok := toSimp(r); ok {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '(':
			r = '（'
		case r == ')':
			r = '）'
		case r == ':':
			r = '：'
		case r == '\r' || r == 0x200B || r == 0xFEFF || r == utf8.RuneError:
			continue
		case r == 0x3000 || r == 0xA0:
			r = ' '
		case r >= 0xFF01 && r <= 0xFF5E && r != '（' && r != '）' && r != '：' && r != '，' && r != '；':
			r -= 0xFEE0
		}
		r, _ = toSimp(r)
		b.WriteRune(r)
	}
	return b.String()
}

// key reduces a label to what matching compares: no spaces, no punctuation or symbols.
func key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if dropInKey(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dropInKey reports whether r is a space, punctuation or a symbol; the CJK ideograph range, by far the most
// common, is answered without the Unicode tables.
func dropInKey(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return false
	case r < 0x80:
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF0F, r >= 0xFF1A && r <= 0xFF20, r >= 0xFF3B && r <= 0xFF40, r >= 0xFF5B && r <= 0xFF65, r >= 0x2000 && r <= 0x206F:
		return true
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}
