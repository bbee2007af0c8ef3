package main

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// demoDocNumber is a 文号 as official documents write it (GB/T 9704-2012 7.2.4): the issuing agency's abbreviation
// and the kind of document, the year in 〔〕, the number from 1 (平卫健发〔2026〕12号).
var demoDocNumber = regexp.MustCompile(`^(\p{Han}{2,6})(发|许|罚|强)〔(\d{4})〕([1-9]\d*)号$`)

// doubledWord returns the first run of two to four non-digit characters written twice in a row in s, or "".
func doubledWord(s string) string {
	rs := []rune(s)
	for n := 2; n <= 4; n++ {
		for i := 0; i+2*n <= len(rs); i++ {
			a := string(rs[i : i+n])
			if _, err := strconv.Atoi(a); err != nil && a == string(rs[i+n:i+2*n]) {
				return a + a
			}
		}
	}
	return ""
}

// checkDemoReadsAsARealCounty reads every item of the seeded demo back from the database and checks what an officer
// would notice first (issue 13, item 11): a hospital or a government issuing 行政处罚 or 行政许可, a title repeating a
// word, a 文号 not in the official form or given twice in an agency's year, a 索引号 that is not the agency's
// 统一社会信用代码, the year and a serial.
func checkDemoReadsAsARealCounty(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	agencies, err := db.ListAgencies(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agencies {
		if err := disclosure.ValidateUSCC(a.USCC); err != nil {
			t.Errorf("%s: 统一社会信用代码 %q: %v", a.Name, a.USCC, err)
		}
		numbers := map[string]bool{}
		serials := map[string][]int{}
		count := 0
		for off := 0; ; off += 500 {
			items, _, err := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{a.ID}, Limit: 500, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				count++
				switch it.Genre {
				case disclosure.GenrePenalty, disclosure.GenreLicensing, disclosure.GenreCoercion:
					if a.Kind != disclosure.Department {
						t.Errorf("%s (%s) issues %q (%s)", a.Name, disclosure.AgencyKindNames[a.Kind], it.Title, it.Genre)
					}
				case disclosure.GenreNormative:
					if a.Kind == disclosure.SubordinateUnit {
						t.Errorf("%s (a public institution) issues the normative document %q", a.Name, it.Title)
					}
				}
				if w := doubledWord(it.Title); w != "" {
					t.Errorf("%s: %q repeats %s", a.Name, it.Title, w)
				}
				if it.DocNumber != "" {
					m := demoDocNumber.FindStringSubmatch(it.DocNumber)
					if m == nil {
						t.Errorf("%s: 文号 %q of %q is not of the form 平卫健发〔2026〕12号", a.Name, it.DocNumber, it.Title)
					} else {
						if numbers[it.DocNumber] {
							t.Errorf("%s: 文号 %q given twice", a.Name, it.DocNumber)
						}
						numbers[it.DocNumber] = true
						n, _ := strconv.Atoi(m[4])
						serials[m[2]+m[3]] = append(serials[m[2]+m[3]], n)
					}
				}
				if it.Public() {
					want := a.USCC + "/" + strconv.Itoa(it.PublishedOn.Year) + "-"
					if !strings.HasPrefix(it.IndexNumber, want) || len(it.IndexNumber) != len(want)+5 {
						t.Errorf("%s: 索引号 %q of an item published %s, want %s and five digits", a.Name, it.IndexNumber, it.PublishedOn, want)
					}
				}
			}
			if len(items) < 500 {
				break
			}
		}
		if count == 0 {
			t.Errorf("%s has no items", a.Name)
		}
		for k, ns := range serials {
			slices.Sort(ns)
			if ns[len(ns)-1] != len(ns) {
				t.Errorf("%s %s: %d documents numbered up to %d", a.Name, k, len(ns), ns[len(ns)-1])
			}
		}
	}
}
