package catalogue

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// docNumberForm is a 文号 as official documents write it (GB/T 9704-2012 7.2.4: 发文机关代字、年份和发文顺序号; the year
// in 六角括号 〔〕, the number without leading zeros and without 第): 平卫健发〔2026〕12号.
var docNumberForm = regexp.MustCompile(`^(\p{Han}{2,6})(发|许|罚|强)〔(\d{4})〕([1-9]\d*)号$`)

// repeatedWord returns the first run of two to four characters written twice in a row ("管理管理", "通知通知"), or
// "" when there is none; runs of digits are figures, not words.
func repeatedWord(s string) string {
	rs := []rune(s)
	for n := 2; n <= 4; n++ {
		for i := 0; i+2*n <= len(rs); i++ {
			a := string(rs[i : i+n])
			if a != string(rs[i+n:i+2*n]) {
				continue
			}
			if _, err := strconv.Atoi(a); err == nil {
				continue
			}
			return a + a
		}
	}
	return ""
}

func TestRepeatedWord(t *testing.T) {
	for s, want := range map[string]string{
		"平阴县居民健康档案管理管理办法": "管理管理", "关于开展工作的通知通知": "通知通知", "关于印发办法办法的通知": "办法办法",
		"平阴县居民健康档案管理办法": "", "2026年11月": "", "常常": "",
	} {
		if got := repeatedWord(s); got != want {
			t.Errorf("repeatedWord(%q) = %q, want %q", s, got, want)
		}
	}
}

// demoAgencies are agencies of every kind the demo has: a government, departments of each field, a hospital and
// a centre under a department.
func demoAgencies() []*disclosure.Agency {
	return []*disclosure.Agency{
		{ID: 1, Kind: disclosure.RegionGovernment, Name: "公开示范县人民政府"},
		{ID: 2, Kind: disclosure.Department, Name: "平阴县卫生健康局"},
		{ID: 3, Kind: disclosure.Department, Name: "公开示范县民政局"},
		{ID: 4, Kind: disclosure.Department, Name: "公开示范县教育和体育局"},
		{ID: 5, Kind: disclosure.Department, Name: "镇海区卫生计生局"},
		{ID: 6, Kind: disclosure.SubordinateUnit, Name: "平阴县人民医院"},
		{ID: 7, Kind: disclosure.SubordinateUnit, Name: "平阴县疾病预防控制中心"},
		{ID: 8, Kind: disclosure.Department, Name: "平阴县财政局"},
	}
}

// TestGeneratedItemsReadAsARealCounty: no hospital or government issues 行政处罚, no title repeats a word, every 文号
// has the official form with the issuing agency's abbreviation and runs from 1 per agency, kind and year in the
// order the documents were made, and bodies are several paragraphs dated in the item's year.
func TestGeneratedItemsReadAsARealCounty(t *testing.T) {
	today := day("2026-11-20")
	abbrev := map[string]string{"公开示范县人民政府": "示政", "平阴县卫生健康局": "平卫健", "公开示范县民政局": "示民", "公开示范县教育和体育局": "示教体",
		"镇海区卫生计生局": "镇卫计", "平阴县人民医院": "平人医", "平阴县疾病预防控制中心": "平疾控", "平阴县财政局": "平财"}
	dated := regexp.MustCompile(`(\d{4})年\d{1,2}月\d{1,2}日|(\d{1,2})月(\d{1,2})日`)
	for _, a := range demoAgencies() {
		genres := map[disclosure.Genre]int{}
		for _, year := range []int{2025, 2026} {
			numbers := &DocNumbers{}
			// Two batches, as `gongkai items` writes them: the second goes on numbering.
			items := append(GenerateMoreItems(uint64(a.ID), a, year, 300, today, numbers), GenerateMoreItems(uint64(a.ID)+100, a, year, 200, today, numbers)...)
			type series struct{ kind string }
			seen := map[string]bool{}
			serials := map[series][]int{}
			for _, it := range items {
				genres[it.Genre]++
				where := fmt.Sprintf("%s %q", a.Name, it.Title)
				switch it.Genre {
				case disclosure.GenreLicensing, disclosure.GenrePenalty, disclosure.GenreCoercion:
					if a.Kind != disclosure.Department {
						t.Errorf("%s: a %s issues a %s decision", where, disclosure.AgencyKindNames[a.Kind], it.Genre)
					}
				case disclosure.GenreNormative, disclosure.GenreInterpretation:
					if a.Kind == disclosure.SubordinateUnit {
						t.Errorf("%s: a public institution issues a normative document", where)
					}
				case disclosure.GenreRules:
					t.Errorf("%s: a county makes no 规章", where)
				}
				for _, s := range []string{it.Title, it.Summary} {
					if w := repeatedWord(s); w != "" {
						t.Errorf("%s: %q repeats a word (%s)", where, s, w)
					}
				}
				if strings.Contains(it.Title+it.Summary+it.Body, "%!") {
					t.Errorf("%s: a formatting error in the text", where)
				}
				if n := strings.Count(it.Body, "<p>"); n < 2 {
					t.Errorf("%s: the body has %d paragraphs", where, n)
				}
				for _, m := range dated.FindAllStringSubmatch(it.Body, -1) {
					if m[1] != "" {
						if y, _ := strconv.Atoi(m[1]); y < year-1 || y > year+5 {
							t.Errorf("%s: the body is dated %s", where, m[0])
						}
					}
				}
				if it.DocNumber == "" {
					if it.Genre == disclosure.GenreLicensing || it.Genre == disclosure.GenrePenalty || it.Genre == disclosure.GenreNormative {
						t.Errorf("%s: a %s without 文号", where, it.Genre)
					}
					continue
				}
				m := docNumberForm.FindStringSubmatch(it.DocNumber)
				if m == nil {
					t.Errorf("%s: 文号 %q is not of the form 平卫健发〔2026〕12号", where, it.DocNumber)
					continue
				}
				if m[1] != abbrev[a.Name] {
					t.Errorf("%s: 文号 %q does not start with the agency's abbreviation %s", where, it.DocNumber, abbrev[a.Name])
				}
				if m[3] != strconv.Itoa(it.FormedOn.Year) {
					t.Errorf("%s: 文号 %q is not of the year it was made (%d)", where, it.DocNumber, it.FormedOn.Year)
				}
				if seen[it.DocNumber] {
					t.Errorf("%s: 文号 %q given twice", where, it.DocNumber)
				}
				seen[it.DocNumber] = true
				n, _ := strconv.Atoi(m[4])
				serials[series{m[2]}] = append(serials[series{m[2]}], n)
				if it.Genre == disclosure.GenrePenalty && !strings.Contains(it.Body, "依据《") {
					t.Errorf("%s: a penalty decision that cites no article", where)
				}
			}
			for k, ns := range serials {
				slices.Sort(ns)
				for i, n := range ns {
					if n != i+1 {
						t.Errorf("%s %d %s: numbers %v do not run from 1 without gaps", a.Name, year, k.kind, ns[:min(len(ns), 20)])
						break
					}
				}
			}
		}
		// The departments of health, civil affairs and education decide on licences and penalties of their field; a
		// department whose powers the generator does not know (财政局) is given none.
		enforces := a.Kind == disclosure.Department && a.Name != "平阴县财政局"
		if decisions := genres[disclosure.GenrePenalty] + genres[disclosure.GenreLicensing]; enforces && (genres[disclosure.GenrePenalty] == 0 || genres[disclosure.GenreLicensing] == 0) || !enforces && decisions > 0 {
			t.Errorf("%s: %d penalty and %d licensing decisions", a.Name, genres[disclosure.GenrePenalty], genres[disclosure.GenreLicensing])
		}
		if a.Kind == disclosure.SubordinateUnit && genres[disclosure.GenreNews] == 0 {
			t.Errorf("%s: a public institution with no news (%v)", a.Name, genres)
		}
	}
}

// Within one batch the numbers follow the order the documents were made in.
func TestDocNumbersFollowTheDates(t *testing.T) {
	a := &disclosure.Agency{ID: 2, Kind: disclosure.Department, Name: "平阴县卫生健康局"}
	items := GenerateItems(3, a, 2025, 600, workday.NewDate(2026, 6, 1))
	last := map[string]int{}
	lastDay := map[string]workday.Date{}
	slices.SortStableFunc(items, func(x, y *disclosure.Item) int { return x.FormedOn.Compare(y.FormedOn) })
	for _, it := range items {
		m := docNumberForm.FindStringSubmatch(it.DocNumber)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[4])
		if n < last[m[2]] && it.FormedOn.After(lastDay[m[2]]) {
			t.Errorf("%s made %s comes after number %d of %s", it.DocNumber, it.FormedOn, last[m[2]], lastDay[m[2]])
		}
		last[m[2]], lastDay[m[2]] = n, it.FormedOn
	}
	if len(last) < 3 {
		t.Errorf("only %d kinds of 文号: %v", len(last), last)
	}
}
