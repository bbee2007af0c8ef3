package web

import (
	"fmt"
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

// TestApplyKeepsEverythingWhenTheFileIsTooLarge: the application form is read as a stream; a photo over the limit
// is named with its size and the limit, and every field before it is shown again — also when the body goes past
// what is read at all. An iPhone's HEIC picture is told apart from other formats.
func TestApplyKeepsEverythingWhenTheFileIsTooLarge(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	for _, tc := range []struct {
		name   string
		size   int
		data   []byte
		status int
		want   []string
	}{
		{"11.5 MB", 11_500_000 + 16, nil, 413, []string{"“证件.png”过大（11.0 MB），上限为 10 MB"}},
		{"60 MB: past what is read", 60 << 20, nil, 413, []string{"“证件.png”过大（60.0 MB），上限为 10 MB"}},
		{"HEIC", 0, append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 64)...), 422, []string{"HEIC 格式", "导出或分享为 JPG"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = make([]byte, tc.size)
				copy(data, pngBytes())
			}
			c := f.client(t)
			v := applyValues()
			v.Set("address", "平阴县榆山街道府前街1号")
			resp, doc := postMultipart(t, f, c, path, withFormToken(t, f, c, path, v), "id_proof", data)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			msgs := wiredProblems(t, doc, "id_proof")
			for _, w := range tc.want {
				if !strings.Contains(msgs["id_proof"], w) {
					t.Errorf("message %q, want %q", msgs["id_proof"], w)
				}
			}
			for id, want := range map[string]string{"name": "王小明", "phone": "13800000000", "address": "平阴县榆山街道府前街1号"} {
				if got, _ := doc.Find("#" + id).Attr("value"); got != want {
					t.Errorf("#%s: %q, want %q kept", id, got, want)
				}
			}
			if got := doc.Find("#description").Text(); got != v.Get("description") {
				t.Errorf("description %q not kept", got)
			}
			if doc.Find("input[name=delivery][value=电子邮件][checked]").Length() != 1 {
				t.Error("the way of delivery is not kept")
			}
		})
	}
	if n := countCases(t, f.db); n != 0 {
		t.Errorf("%d cases stored", n)
	}
}
