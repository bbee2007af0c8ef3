package workday

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseNotice reads the pasted text of the State Council's yearly notice (《国务院办公厅关于YYYY年部分节假日安排的
// 通知》) into a Year, so an administrator can paste next year's notice instead of typing dates. It understands the
// wording used since 2019:
//
//	一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
//	二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
//	三、清明节：4月5日放假，与周末连休。
//	一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
//
// Ranges may cross months ("9月29日至10月6日") and, for 元旦, start in December of the year before ("12月31日至
// 1月2日"). "与周末连休" joins the adjacent weekend to the holiday, as the embedded data does. Every weekday given
// in parentheses and every "共N天" is checked against the dates, so a typo in the text is reported rather than
// entered. The result is validated; errors are in Chinese and name the item to fix.
func ParseNotice(year int, text string) (Year, error) {
	if year < MinYear || year > MaxYear {
		return Year{}, fmt.Errorf("年份%d超出范围：请填写%d至%d年之间的年份", year, MinYear, MaxYear)
	}
	if strings.TrimSpace(text) == "" {
		return Year{}, errors.New("通知文本为空：请粘贴国务院办公厅节假日安排通知的全文")
	}
	text = normaliseNotice(text)
	if m := reTitleYear.FindStringSubmatch(text); m != nil {
		if y, _ := strconv.Atoi(m[1]); y != year {
			return Year{}, fmt.Errorf("粘贴的是%d年的通知，但要录入的是%d年：请核对年份或通知", y, year)
		}
	}
	y := Year{Year: year, Notice: fmt.Sprintf("国务院办公厅关于%d年部分节假日安排的通知", year)}
	if m := reNumber.FindStringSubmatch(text); m != nil {
		y.Number = "国办发明电〔" + m[1] + "〕" + m[2] + "号"
	}
	for _, m := range reIssued.FindAllStringSubmatch(text, -1) {
		iy, _ := strconv.Atoi(m[1])
		im, _ := strconv.Atoi(m[2])
		id, _ := strconv.Atoi(m[3])
		if d := NewDate(iy, time.Month(im), id); (iy == year || iy == year-1) && d.isNormal() && d.Day == id {
			y.Issued = d
		}
	}

	text = reItemStart.ReplaceAllString(text, "$1\n$2")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		numbered := false
		if loc := reItemNumber.FindStringIndex(line); loc != nil {
			line, numbered = line[loc[1]:], true
		}
		name, rest, ok := strings.Cut(line, "：")
		name = strings.TrimSpace(name)
		if !ok || name == "" || utf8.RuneCountInString(name) > 12 || strings.ContainsAny(name, "，。") {
			continue
		}
		if !numbered && !strings.Contains(rest, "放假") {
			continue // a preamble line such as "各省、自治区…：" or a heading
		}
		hs, ws, err := parseItem(year, name, rest)
		if err != nil {
			return Year{}, err
		}
		y.Holidays = append(y.Holidays, hs...)
		y.Workdays = append(y.Workdays, ws...)
	}
	if len(y.Holidays) == 0 {
		return Year{}, errors.New("通知文本中没有找到节假日安排：请粘贴通知正文，其中应有“一、元旦：1月1日……放假……”这样的各项")
	}
	slices.SortFunc(y.Workdays, Date.Compare)
	if err := y.Validate(); err != nil {
		return Year{}, fmt.Errorf("通知内容有误：%w", err)
	}
	return y, nil
}

var (
	reTitleYear  = regexp.MustCompile(`关于(?:调整|延长)?(\d{4})年`)
	reNumber     = regexp.MustCompile(`国办发明电[〔\[［【（](\d{4})[〕\]］】）](\d+)号`)
	reIssued     = regexp.MustCompile(`(?m)^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$`)
	reItemStart  = regexp.MustCompile(`(^|[。；\n])\s*([一二三四五六七八九十]{1,3}[、．.])`)
	reItemNumber = regexp.MustCompile(`^[一二三四五六七八九十]{1,3}[、．.]\s*`)
	reDate       = regexp.MustCompile(`(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^）]*)）)?`)
	reWeekday    = regexp.MustCompile(`(?:周|星期|礼拜)([一二三四五六日天])`)
	reDays       = regexp.MustCompile(`(?:共|放假)(\d+)天`)
	reRangeSep   = regexp.MustCompile(`^\s*(?:至|到|-|～|~)\s*$`)
)

// normaliseNotice folds the variants that copying from web pages and word processors produces.
func normaliseNotice(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(
		"\r", "\n", ":", "：", "(", "（", ")", "）", ",", "，", ";", "；",
		"\u00a0", " ", "\u3000", " ",
	).Replace(normaliseDigits(s))
}

// noticeDate is one date written in an item, with what the text said about it.
type noticeDate struct {
	date       Date
	explicit   bool // the year was written
	weekday    int  // the weekday in parentheses, -1 if none
	start, end int  // byte offsets of the date in its clause
}

// parseItem reads one item ("春节：…") into its holiday periods and make-up workdays.
func parseItem(year int, name, rest string) ([]Holiday, []Date, error) {
	label := "“" + name + "”一项"
	unreadable := func() error {
		return fmt.Errorf("无法识别%s的放假日期：“%s”；应写成“1月1日（周四）至3日（周六）放假调休，共3天”这样", label, strings.TrimSpace(rest))
	}
	var holidays []Holiday
	var workdays []Date
	main := -1              // index in holidays of the item's main period
	decemberBefore := false // the holiday starts in December of the year before (元旦)
	// dates finds the dates of a clause, filling in the year and month the text leaves out. Weekdays are checked
	// by the caller once the year is settled.
	dates := func(clause string) ([]noticeDate, error) {
		var out []noticeDate
		for _, m := range reDate.FindAllStringSubmatchIndex(clause, -1) {
			nd := noticeDate{start: m[0], end: m[1], weekday: -1}
			y, mo := year, 0
			if m[2] >= 0 {
				y, _ = strconv.Atoi(clause[m[2]:m[3]])
				nd.explicit = true
			}
			var prev *noticeDate
			if len(out) > 0 {
				prev = &out[len(out)-1]
			}
			switch {
			case m[4] >= 0:
				mo, _ = strconv.Atoi(clause[m[4]:m[5]])
				if !nd.explicit && prev != nil {
					// "12月31日至1月2日": a later date in the clause runs on from the one before.
					y = prev.date.Year
					if mo < int(prev.date.Month) {
						y++
					}
				} else if !nd.explicit && mo == 12 && decemberBefore {
					y = year - 1
				}
			case prev != nil:
				mo = int(prev.date.Month) // "1月1日至3日"
				if !nd.explicit {
					y = prev.date.Year
				}
			default:
				return nil, fmt.Errorf("%s的日期“%s”没有写月份：请按通知原文粘贴", label, clause[m[0]:m[1]])
			}
			d, _ := strconv.Atoi(clause[m[6]:m[7]])
			if mo < 1 || mo > 12 || d < 1 || d > 31 {
				return nil, fmt.Errorf("%s的日期“%s”不存在：请核对通知原文", label, clause[m[0]:m[1]])
			}
			nd.date = Date{y, time.Month(mo), d}
			if m[8] >= 0 {
				if w := reWeekday.FindStringSubmatch(clause[m[8]:m[9]]); w != nil {
					nd.weekday = weekdayNumber[w[1]]
				}
			}
			out = append(out, nd)
		}
		return out, nil
	}
	check := func(ds []noticeDate) error {
		for _, nd := range ds {
			if !nd.date.isNormal() {
				return fmt.Errorf("%s的日期%d年%d月%d日不存在：请核对通知原文", label, nd.date.Year, nd.date.Month, nd.date.Day)
			}
			if got := nd.date.Weekday(); nd.weekday >= 0 && nd.weekday != int(got) {
				return fmt.Errorf("%s写的是%d月%d日（%s），但%s是%s：请核对通知原文",
					label, nd.date.Month, nd.date.Day, weekdayName(time.Weekday(nd.weekday)), nd.date.Chinese(), weekdayName(got))
			}
		}
		return nil
	}

	for _, clause := range strings.FieldsFunc(rest, func(r rune) bool { return r == '，' || r == '。' || r == '；' }) {
		clause = strings.TrimSpace(clause)
		off := strings.Index(clause, "放假")
		switch {
		case off >= 0 && reDate.MatchString(clause[:off]):
			head := clause[:off]
			ds, err := dates(head)
			if err != nil {
				return nil, nil, err
			}
			switch len(ds) {
			case 1:
			case 2:
				if !reRangeSep.MatchString(head[ds[0].end:ds[1].start]) {
					return nil, nil, fmt.Errorf("无法识别%s的放假日期“%s”：起止日期之间应写“至”", label, head)
				}
				if !ds[0].explicit && !ds[1].explicit && ds[1].date.Year > year {
					// "12月31日至1月2日" in the notice for the January: the holiday starts the year before.
					ds[0].date.Year--
					ds[1].date.Year--
				}
			default:
				return nil, nil, fmt.Errorf("无法识别%s的放假日期“%s”：应写成“1月1日至3日放假”或“1月1日放假”", label, head)
			}
			if err := check(ds); err != nil {
				return nil, nil, err
			}
			h := Holiday{Name: name, From: ds[0].date, To: ds[len(ds)-1].date}
			if h.To.Before(h.From) {
				return nil, nil, fmt.Errorf("%s的放假结束日%s早于开始日%s：请核对通知原文", label, h.To.Chinese(), h.From.Chinese())
			}
			decemberBefore = h.From.Year == year-1
			holidays = append(holidays, h)
			if main < 0 {
				main = len(holidays) - 1
			}
			if err := checkDays(label, clause, holidays[len(holidays)-1]); err != nil {
				return nil, nil, err
			}
		case strings.Contains(clause, "共") && reDays.MatchString(clause):
			if main < 0 {
				return nil, nil, unreadable()
			}
			if err := checkDays(label, clause, holidays[main]); err != nil {
				return nil, nil, err
			}
		case strings.Contains(clause, "连休") && !reDate.MatchString(clause):
			if main < 0 {
				return nil, nil, unreadable()
			}
			h := &holidays[main]
			from, to := h.From.days(), h.To.days()
			for isWeekend(from - 1) {
				from--
			}
			for isWeekend(to + 1) {
				to++
			}
			if from == h.From.days() && to == h.To.days() {
				return nil, nil, fmt.Errorf("%s写明与周末连休，但%s前后都不是周末：请核对通知原文", label, h.From.Chinese())
			}
			h.From, h.To = fromDays(from), fromDays(to)
		case strings.Contains(clause, "补休") && reDate.MatchString(clause):
			ds, err := dates(clause)
			if err == nil {
				err = check(ds)
			}
			if err != nil {
				return nil, nil, err
			}
			for _, d := range ds {
				holidays = append(holidays, Holiday{Name: name, From: d.date, To: d.date})
			}
		case strings.Contains(clause, "上班") && reDate.MatchString(clause):
			ds, err := dates(clause)
			if err == nil {
				err = check(ds)
			}
			if err != nil {
				return nil, nil, err
			}
			for _, d := range ds {
				workdays = append(workdays, d.date)
			}
		}
	}
	if main < 0 {
		return nil, nil, unreadable()
	}
	holidays[main].Makeup = workdays
	return holidays, workdays, nil
}

var weekdayNumber = map[string]int{"日": 0, "天": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}

// checkDays compares a "共N天" or "放假N天" in clause with the holiday's length.
func checkDays(label, clause string, h Holiday) error {
	m := reDays.FindStringSubmatch(clause)
	if m == nil {
		return nil
	}
	n, _ := strconv.Atoi(m[1])
	if got := h.To.days() - h.From.days() + 1; got != n {
		return fmt.Errorf("%s写明共%d天，但%s至%s是%d天：请核对通知原文", label, n, h.From.Chinese(), h.To.Chinese(), got)
	}
	return nil
}
