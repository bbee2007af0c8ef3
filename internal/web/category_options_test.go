package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// TestCategorySelectNestsEachCategoryUnderItsParent reads the 主题分类 select of every page that has one and
// rebuilds the tree from the indentation alone: each option's parent must be the nearest option above it one level
// shallower, and that must be its real parent, for the whole tree. The default tree's third level (预防接种…,
// orders 811–822) used to follow 城乡建设 (order 100), and a category added under an early parent with a late
// order number, or a fourth level, fared no better.
func TestCategorySelectNestsEachCategoryUnderItsParent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Sibling order numbers that interleave with other branches, and a fourth level.
	for _, c := range []disclosure.Category{
		{Code: "general.policy.normative", Name: "行政规范性文件", Parent: "general.policy", Order: 5000},
		{Code: "general.policy.normative.cleanup", Name: "规范性文件清理结果", Parent: "general.policy.normative", Order: 1},
		{Code: "other.misc", Name: "杂项", Parent: "other", Order: 2},
	} {
		if err := f.db.SaveCategory(ctx, disclosure.SystemActor, c); err != nil {
			t.Fatal(err)
		}
	}
	cats, err := f.db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parentOf := map[string]string{}
	for _, c := range cats {
		parentOf[c.Code] = c.Parent
	}
	officer := f.signedIn(t, "officer")
	for _, page := range []struct {
		name   string
		client *http.Client
		path   string
	}{
		{"search", f.client(t), "/search?q=卫生"},
		{"subscribe", f.client(t), "/subscribe"},
		{"console items", officer, "/console/items"},
		{"new item", officer, "/console/items/new"},
	} {
		t.Run(page.name, func(t *testing.T) {
			resp, doc := get(t, page.client, f.srv.URL+page.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", page.path, resp.StatusCode)
			}
			opts := doc.Find("select#category option").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.AttrOr("value", "") != "" })
			if opts.Length() == 0 {
				t.Fatalf("%s: no 主题分类 select", page.path)
			}
			if opts.Length() != len(cats) {
				t.Errorf("%s: %d options, want the %d categories", page.path, opts.Length(), len(cats))
			}
			var stack []string // the codes on the path to the current option, by depth
			seen := map[string]bool{}
			opts.Each(func(_ int, s *goquery.Selection) {
				code, label := s.AttrOr("value", ""), s.Text()
				name := strings.TrimLeft(label, "　")
				depth := len([]rune(label)) - len([]rune(name))
				if depth > len(stack) {
					t.Errorf("%s: %s (%s) is indented %d levels below the option above it", page.path, code, name, depth-len(stack))
					return
				}
				stack = append(stack[:depth], code)
				shown := ""
				if depth > 0 {
					shown = stack[depth-1]
				}
				if shown != parentOf[code] {
					t.Errorf("%s: %s (%s) is shown under %q, its parent is %q", page.path, code, name, shown, parentOf[code])
				}
				seen[code] = true
			})
			for code := range parentOf {
				if !seen[code] {
					t.Errorf("%s: %s is not offered", page.path, code)
				}
			}
		})
	}
}

// TestCategoryOptionsKeepsEveryCategory: a category whose parent is missing or which sits in a cycle is still
// offered once, and the rest keep their place.
func TestCategoryOptionsKeepsEveryCategory(t *testing.T) {
	got := disclosure.CategoryOptions([]disclosure.Category{
		{Code: "b", Name: "乙", Order: 2},
		{Code: "a", Name: "甲", Order: 1},
		{Code: "b.x", Name: "乙一", Parent: "b", Order: 1},
		{Code: "orphan", Name: "孤", Parent: "gone", Order: 3},
		{Code: "c1", Name: "环一", Parent: "c2", Order: 4},
		{Code: "c2", Name: "环二", Parent: "c1", Order: 5},
	})
	var labels []string
	for _, o := range got {
		labels = append(labels, o.Label)
	}
	if want := "甲|乙|　乙一|孤|环一|　环二"; strings.Join(labels, "|") != want {
		t.Errorf("options %s, want %s", strings.Join(labels, "|"), want)
	}
}
