package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// wiredProblems checks that every field message of the page is named by its field's aria-describedby, that the
// field is aria-invalid, and that the summary links to the fields in order; it returns the messages by field id.
func wiredProblems(t *testing.T, doc *goquery.Document, wantLinks ...string) map[string]string {
	t.Helper()
	msgs := map[string]string{}
	doc.Find(".field-error").Each(func(_ int, m *goquery.Selection) {
		id, _ := m.Attr("id")
		field := strings.TrimSuffix(id, "-error")
		msgs[field] = strings.TrimPrefix(strings.TrimSpace(m.Text()), "错误：")
		el := doc.Find("#" + field)
		desc, _ := el.Attr("aria-describedby")
		if inv, _ := el.Attr("aria-invalid"); inv != "true" || !slices.Contains(strings.Fields(desc), id) {
			t.Errorf("#%s: aria-invalid %q, aria-describedby %q; want true and naming %s", field, inv, desc, id)
		}
	})
	var links []string
	doc.Find(".error-summary[role=alert] a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links = append(links, strings.TrimPrefix(href, "#"))
	})
	if !slices.Equal(links, wantLinks) {
		t.Errorf("summary links %v, want %v", links, wantLinks)
	}
	return msgs
}

// TestSubscribeAndTrackShowEveryProblemAtItsField: the subscription and the status lookup, like the application,
// show all problems of a submission at once, each next to its field, and keep what was typed.
func TestSubscribeAndTrackShowEveryProblemAtItsField(t *testing.T) {
	f := newFixture(t)
	cl := f.client(t)
	form := url.Values{"email": {"wang.example.com"}, "category": {"nope"}, "keyword": {"疫苗 接种"}}
	resp, doc := postForm(t, f, cl, "/subscribe", withFormToken(t, f, cl, "/subscribe", form))
	if resp.StatusCode != 422 {
		t.Errorf("subscribe: %d, want 422", resp.StatusCode)
	}
	msgs := wiredProblems(t, doc, "email", "category", "keyword")
	for field, want := range map[string]string{"email": "缺少“@”", "category": "所选主题分类不存在", "keyword": "关键词应为"} {
		if !strings.Contains(msgs[field], want) {
			t.Errorf("subscribe %s: %q, want %q", field, msgs[field], want)
		}
	}
	if desc, _ := doc.Find("#keyword").Attr("aria-describedby"); desc != "keyword-error keyword-hint" {
		t.Errorf("the keyword's hint is lost: %q", desc)
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "wang.example.com" {
		t.Errorf("the address is not kept: %q", v)
	}
	if v, _ := doc.Find("#keyword").Attr("value"); v != "疫苗 接种" {
		t.Errorf("the keyword is not kept: %q", v)
	}

	resp, doc = postForm(t, f, cl, "/track", url.Values{"code": {""}, "secret": {""}})
	if resp.StatusCode != 422 {
		t.Errorf("track: %d, want 422", resp.StatusCode)
	}
	if msgs := wiredProblems(t, doc, "code", "secret"); !strings.Contains(msgs["code"], "请填写查询码") || !strings.Contains(msgs["secret"], "请填写查询密码") {
		t.Errorf("track: %v", msgs)
	}
	_, doc = postForm(t, f, cl, "/track", url.Values{"code": {"abcd-efgh-jkmn"}, "secret": {""}})
	wiredProblems(t, doc, "secret")
	if v, _ := doc.Find("#code").Attr("value"); v != "ABCDEFGHJKMN" {
		t.Errorf("the code is not kept: %q", v)
	}
}
