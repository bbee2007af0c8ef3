package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// TestBulkRefusalNamesNoOtherAgencysTitles attacks the bulk step as issue 11 describes: an officer of one agency
// submits the IDs of another agency's unpublished items (and IDs that do not exist) and reads the refusal. The
// answer must name none of the other agency's titles and no ID the attacker did not already know, and tell
// apart neither "does not exist" from "not yours".
func TestBulkRefusalNamesNoOtherAgencysTitles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gov, _ := f.db.GetAgency(ctx, 1)
	civil := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	if err := f.db.CreateAgency(ctx, disclosure.SystemActor, civil); err != nil {
		t.Fatal(err)
	}
	attacker := f.mustUser(t, "civil-officer", disclosure.Grant{Role: disclosure.Officer, AgencyID: &civil.ID})
	titles := []string{"关于调整局领导班子分工的内部请示", "拟撤并乡镇卫生院的初步方案", "拟关停县第三人民医院的内部汇报"}
	form := url.Values{"bulk_action": {"repealed"}, "date": {workday.DateOf(time.Now()).String()}, "back": {"/console/items"}}
	var ids []int64
	for _, title := range titles {
		it, err := catalogue.NewItem(disclosure.Item{Title: title, Genre: disclosure.GenreNormative, WrittenOn: workday.DateOf(time.Now())}, f.health, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
		form.Add("id", fmt.Sprint(it.ID))
	}
	form.Add("id", "987654") // does not exist
	own := publishDirectAt(t, f, civil, disclosure.Item{Title: "民政局自己的规范性文件", Genre: disclosure.GenreNormative, WrittenOn: workday.DateOf(time.Now())})
	form.Add("id", fmt.Sprint(own.ID))

	resp, _ := postForm(t, f, attacker, "/console/items/bulk", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk: %d", resp.StatusCode)
	}
	page, err := attacker.Get(f.srv.URL + resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	text := string(body)
	for _, title := range titles {
		if strings.Contains(text, itemClipRunes(title, 8)) {
			t.Errorf("the refusal names another agency's item: %q", title)
		}
	}
	if strings.Contains(text, "987654") {
		t.Error("the refusal repeats an ID that does not exist, telling it apart from another agency's")
	}
	if !strings.Contains(text, "4 条信息不存在或您无权处理") {
		t.Errorf("the refusal does not count the hidden items: %s", bulkResults(text))
	}
	if !strings.Contains(text, "民政局自己的规范性文件") {
		t.Errorf("the actor's own item is not reported: %s", bulkResults(text))
	}
	for _, id := range ids {
		if it, _ := f.db.GetItem(ctx, id); it.Validity == disclosure.Repealed {
			t.Errorf("item %d of another agency was changed", id)
		}
	}
}

func bulkResults(page string) string {
	if i := strings.Index(page, "bulk-results"); i >= 0 {
		return page[i:min(len(page), i+600)]
	}
	return "(no results)"
}

// publishDirectAt is publishDirect for an item of the agency a.
func publishDirectAt(t *testing.T, f *fixture, a *disclosure.Agency, content disclosure.Item) *disclosure.Item {
	t.Helper()
	saved := f.health
	f.health = a
	defer func() { f.health = saved }()
	return publishDirect(t, f, content, workday.DateOf(time.Now()))
}
