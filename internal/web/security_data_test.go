package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/casework"
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

// The applicant of the personal-data tests: a valid resident identity number, and what it looks like masked.
const (
	fullID    = "11010519491231002X"
	maskedID  = "110105********002X"
	fullTel   = "13912345678"
	maskedTel = "139****5678"
	fullAddr  = "北京市东城区景山前街4号院"
)

// mustPersonalCase opens a case whose applicant has the given name and the personal data above, and changes it
// once more so that the audit trail holds the applicant before and after.
func (f *fixture) mustPersonalCase(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	today := workday.DateOf(time.Now())
	env := casework.Env{Calendar: workday.Default(), Agency: f.health, BaseURL: f.srv.URL}
	officer := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	app := sampleApp(today)
	app.Applicant.Name, app.Applicant.IDNumber, app.Applicant.Phone, app.Applicant.Address = name, fullID, fullTel, fullAddr
	ch, err := f.db.CreateCase(ctx, disclosure.SystemActor, newCaseBuild(casework.Intake{App: app, Actor: officer, Today: today, Now: time.Now()}, env, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateCase(ctx, disclosure.SystemActor, ch.Case.ID, casework.Step(casework.Command{Action: casework.Accept, Actor: officer, Today: today, Now: time.Now()}, env)); err != nil {
		t.Fatal(err)
	}
	return ch.Case.ID
}

// TestIdentityDocumentCopiesFollowThePolicy: the scan of the applicant's identity card shows the whole number, so
// only the roles that see the number whole may download it; the others see that it exists, not its link.
func TestIdentityDocumentCopiesFollowThePolicy(t *testing.T) {
	f := newFixture(t)
	id := f.mustPersonalCase(t, "王小明")
	proof := &disclosure.CaseFile{ApplicationID: id, Kind: "id_proof", Name: "身份证.png", ContentType: "image/png", Data: pngBytes()}
	if err := f.db.AddCaseFile(context.Background(), disclosure.SystemActor, proof); err != nil {
		t.Fatal(err)
	}
	for role, want := range map[disclosure.Role]int{disclosure.Officer: 200, disclosure.Approver: 403, disclosure.Supervisor: 403} {
		c := f.signedIn(t, string(role))
		if status, _ := fetchText(t, c, fmt.Sprintf("%s/console/cases/%d/files/%d", f.srv.URL, id, proof.ID)); status != want {
			t.Errorf("%s downloads the identity document: %d, want %d", role, status, want)
		}
		_, doc := get(t, c, fmt.Sprintf("%s/console/cases/%d", f.srv.URL, id))
		link := doc.Find(fmt.Sprintf("a[href$='/files/%d']", proof.ID)).Length() > 0
		if link != (want == 200) {
			t.Errorf("%s: link to the identity document shown: %v", role, link)
		}
	}
}

// fetchText returns what a signed-in client reads at path as text: an XLSX workbook's cells joined, anything else
// as sent. A refused request gives "".
func fetchText(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, ""
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		return resp.StatusCode, string(data)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: not a workbook: %v", url, err)
	}
	var b strings.Builder
	for _, sh := range x.GetSheetList() {
		rows, _ := x.GetRows(sh)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return resp.StatusCode, b.String()
}

// TestPersonalDataMatrix attacks the masking policy role by role and output by output: the whole identity number
// 11010519491231002X may appear only where the officer handling the case reads it, the approver reads it masked,
// the supervisor reads no identity number, phone or address at all, and the auditor reads in the audit trail (CSV
// and API) that the case changed, with the applicant's data masked.
func TestPersonalDataMatrix(t *testing.T) {
	f := newFixture(t)
	id := f.mustPersonalCase(t, "王小明")
	bearer := func(user string) *http.Client {
		token := f.tokenFor(t, user, auth.ScopeAuditRead)
		return &http.Client{Transport: bearerTransport(token)}
	}
	type want struct {
		status           int
		id, tel, address string // what must appear; "" for nothing
	}
	outputs := []struct {
		name string
		path string
		api  bool
	}{
		{"page", fmt.Sprintf("/console/cases/%d", id), false},
		{"xlsx", "/console/cases?view=all&format=xlsx", false},
		{"audit csv", "/console/audit?format=csv", false},
		{"api audit", "/api/v1/audit?object_type=application&limit=100", true},
	}
	matrix := map[disclosure.Role][]want{
		disclosure.Officer:    {{200, fullID, fullTel, fullAddr}, {200, fullID, fullTel, ""}, {403, "", "", ""}, {403, "", "", ""}},
		disclosure.Approver:   {{200, maskedID, fullTel, fullAddr}, {200, maskedID, fullTel, ""}, {403, "", "", ""}, {403, "", "", ""}},
		disclosure.Supervisor: {{200, "", "", ""}, {200, "", "", ""}, {403, "", "", ""}, {403, "", "", ""}},
		disclosure.Auditor:    {{403, "", "", ""}, {403, "", "", ""}, {200, maskedID, maskedTel, "北京市东城区***"}, {200, maskedID, maskedTel, "北京市东城区***"}},
	}
	for role, wants := range matrix {
		web := f.signedIn(t, string(role))
		api := bearer(string(role))
		for i, o := range outputs {
			t.Run(string(role)+"/"+o.name, func(t *testing.T) {
				c := web
				if o.api {
					c = api
				}
				status, text := fetchText(t, c, f.srv.URL+o.path)
				w := wants[i]
				if status != w.status {
					t.Fatalf("status %d, want %d", status, w.status)
				}
				if status != 200 {
					return
				}
				if !strings.Contains(text, "王小明") && o.name != "api audit" && o.name != "audit csv" {
					t.Errorf("the case itself is missing")
				}
				if (role == disclosure.Officer) != strings.Contains(text, fullID) {
					t.Errorf("whole identity number shown: %v", strings.Contains(text, fullID))
				}
				if strings.Contains(text, strings.ToLower(fullID)) || strings.Contains(text, fullID[:14]) != (role == disclosure.Officer) {
					t.Errorf("the identity number's middle digits are readable")
				}
				for _, s := range []string{w.id, w.tel, w.address} {
					if s != "" && !strings.Contains(text, s) {
						t.Errorf("%q missing", s)
					}
				}
				if w.tel != fullTel && strings.Contains(text, fullTel) {
					t.Error("the whole phone number is shown")
				}
				if w.address != fullAddr && strings.Contains(text, "景山前街") {
					t.Error("the whole address is shown")
				}
				if role == disclosure.Supervisor && (strings.Contains(text, maskedID) || strings.Contains(text, "0000002X") || strings.Contains(text, "5678")) {
					t.Error("the supervisor reads personal data")
				}
			})
		}
	}
	// The chain still verifies: masking happens when the trail is read.
	if res, err := f.db.VerifyAudit(context.Background()); err != nil || !res.OK {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}

type bearerTransport string

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// TestExportsNeutraliseFormulas sends an applicant named =HYPERLINK(…) through the web's spreadsheet writers
// (cases XLSX, audit CSV) and reads each file back: no cell starts a formula.
func TestExportsNeutraliseFormulas(t *testing.T) {
	f := newFixture(t)
	const evil = `=HYPERLINK("http://x","点击")`
	f.mustPersonalCase(t, evil)
	// An account named like a formula reaches the audit trail's actor column.
	hash, _ := auth.HashPassword(password, cheap)
	if err := f.db.CreateUser(context.Background(), disclosure.SystemActor, &disclosure.User{Username: "evil", DisplayName: "@SUM(1+1)*cmd|' /C calc'!A0",
		PasswordHash: hash, Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &f.health.ID}}}); err != nil {
		t.Fatal(err)
	}
	f.signedIn(t, "evil")

	resp, err := f.signedIn(t, "officer").Get(f.srv.URL + "/console/cases?view=all&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("申请")
	found := false
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fm, _ := x.GetCellFormula("申请", cell); fm != "" || formulaLike(v) {
				t.Errorf("cases xlsx %s: %q formula %q", cell, v, fm)
			}
			found = found || v == "'"+evil
		}
	}
	if !found {
		t.Errorf("the applicant's name is not in the export as text: %q", rows)
	}

	resp, err = f.signedIn(t, "auditor").Get(f.srv.URL + "/console/audit?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, rec := range records {
		for _, v := range rec {
			if formulaLike(v) {
				t.Errorf("audit csv cell %q", v)
			}
			seen = seen || strings.HasPrefix(v, "'@SUM")
		}
	}
	if !seen {
		t.Error("the account's name is not in the audit export")
	}
}

// formulaLike reports whether a spreadsheet program would take the text of a cell for a formula.
func formulaLike(v string) bool {
	v = strings.TrimPrefix(v, "\ufeff")
	if v == "" {
		return false
	}
	switch []rune(v)[0] {
	case '=', '+', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return true
	case '-':
		_, err := fmt.Sscanf(v, "%g", new(float64))
		return err != nil
	}
	return false
}

// TestSupervisionExportNeutralisesFormulas names an agency like a formula and reads the supervision workbook
// back: the name is there as text, and no text cell of any sheet starts a formula.
func TestSupervisionExportNeutralisesFormulas(t *testing.T) {
	f := newFixture(t)
	rg := newRegionOn(t, f)
	const evil = `=HYPERLINK("http://x","点击")`
	f.agency(t, disclosure.Department, rg.gov, evil)
	resp, body := fetch(t, rg.countySup, fmt.Sprintf("%s/console/supervision?year=%d&format=xlsx", f.srv.URL, rg.year))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sh := range x.GetSheetList() {
		rows, _ := x.GetRows(sh)
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, _ := x.GetCellFormula(sh, cell); fm != "" {
					t.Errorf("%s!%s is a formula %q", sh, cell, fm)
				}
				if typ, _ := x.GetCellType(sh, cell); typ != excelize.CellTypeNumber && formulaLike(v) {
					t.Errorf("%s!%s starts a formula: %q", sh, cell, v)
				}
				found = found || v == "'"+evil
			}
		}
	}
	if !found {
		t.Error("the agency is not in the workbook")
	}
}
