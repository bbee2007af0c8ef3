package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// formCheck is what the page says about its form after a submission with problems.
type formCheck struct {
	// Messages maps each field message's element id to its text.
	Messages map[string]string `json:"messages"`
	// Unwired lists messages no element with aria-invalid="true" (itself or a choice in it) names in its
	// aria-describedby.
	Unwired []string `json:"unwired"`
	// Links are the error summary's link targets; Dangling those that name no element.
	Links    []string `json:"links"`
	Dangling []string `json:"dangling"`
	// SummaryFocusable: the summary is role=alert with a heading and can take the focus.
	SummaryFocusable bool `json:"summaryFocusable"`
	// Overflow: the page is wider than the window.
	Overflow bool `json:"overflow"`
}

const checkFormJS = `(() => {
	const out = {messages: {}, unwired: [], links: [], dangling: []};
	for (const m of document.querySelectorAll(".field-error")) {
		out.messages[m.id] = m.textContent.replace("错误：", "").trim();
		const owners = [...document.querySelectorAll("[aria-describedby]")].filter(e => e.getAttribute("aria-describedby").split(/\s+/).includes(m.id));
		const invalid = owners.some(e => e.getAttribute("aria-invalid") === "true" || e.querySelector('[aria-invalid="true"]'));
		if (!invalid) out.unwired.push(m.id);
	}
	const s = document.querySelector(".error-summary");
	for (const a of (s ? s.querySelectorAll("a[href^='#']") : [])) {
		const id = a.getAttribute("href").slice(1);
		out.links.push(id);
		if (!document.getElementById(id)) out.dangling.push(id);
	}
	out.summaryFocusable = !!s && s.getAttribute("role") === "alert" && !!s.querySelector("h2") && s.tabIndex === -1;
	out.overflow = document.documentElement.scrollWidth > window.innerWidth;
	return out;
})()`

// fillApplyJS fills the application form as a person would (typing is slow in a test; the values are the same).
func fillApplyJS(fields map[string]string, choices ...string) string {
	var b strings.Builder
	b.WriteString("(() => {")
	for id, v := range fields {
		fmt.Fprintf(&b, "document.getElementById(%q).value = %q;", id, v)
	}
	for _, sel := range choices {
		fmt.Fprintf(&b, "document.querySelector(%q).checked = true;", sel)
	}
	b.WriteString("})()")
	return b.String()
}

// photoWithEXIF is a photo-like w×h JPEG (4000×3000 is a phone's, some 8 MB) with an EXIF block: orientation 6
// (taken upright, stored turned) and a GPS position.
func photoWithEXIF(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := mrand.New(mrand.NewPCG(3, 4))
	for y := range h {
		for x := range w {
			n := uint8(r.IntN(64))
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*255/w)^n, uint8(y*255/h)+n, n*3, 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	// TIFF (big-endian): IFD0 with Orientation=6 and a GPS IFD pointer; the GPS IFD with GPSLatitudeRef "N".
	var tiff bytes.Buffer
	for _, v := range []any{[]byte("MM"), uint16(42), uint32(8), uint16(2),
		uint16(0x0112), uint16(3), uint32(1), uint16(6), uint16(0),
		uint16(0x8825), uint16(4), uint32(1), uint32(38), uint32(0),
		uint16(1), uint16(0x0001), uint16(2), uint32(2), []byte("N\x00\x00\x00"), uint32(0)} {
		binary.Write(&tiff, binary.BigEndian, v)
	}
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	jpg := buf.Bytes()
	return slices.Concat(jpg[:2], app1, payload, jpg[2:])
}

// TestBrowserApplyFormForgives walks the online application form as a citizen on a desktop and on a 390 px phone:
// several mistakes are all shown at once, each next to its field and linked from a summary, with everything typed
// kept; a photo that is too large is named with the limit, and nothing else is lost; a phone's 8 MB photo is taken,
// stored upright, scaled down and without its EXIF (GPS location). axe-core finds nothing serious on the form with
// its errors.
func TestBrowserApplyFormForgives(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	big := make([]byte, 12_900_000) // 12.3 MB
	copy(big, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	rand.Read(big[4:])
	bigPath := filepath.Join(dir, "IMG_2041.jpg")
	if err := os.WriteFile(bigPath, big, 0o600); err != nil {
		t.Fatal(err)
	}
	// The phone's own 8 MB photo on the phone; on the desktop, a scan-sized one (keeps the test quick). Under the
	// race detector, which decodes pictures some 20 times slower, the phone's is 2400×1800 (scaled down all the
	// same).
	phoneSize := [2]int{4000, 3000}
	if raceEnabled {
		phoneSize = [2]int{2400, 1800}
	}
	photos := map[string]string{}
	for vp, size := range map[string][2]int{"desktop": {1200, 900}, "phone 390px": phoneSize} {
		data := photoWithEXIF(t, size[0], size[1])
		if size[0] == 4000 && (len(data) < 6<<20 || len(data) > maxProofUpload) {
			t.Fatalf("the phone photo has %d bytes, want 6–10 MB", len(data))
		}
		photos[vp] = filepath.Join(dir, vp, "身份证正面.jpg")
		os.Mkdir(filepath.Dir(photos[vp]), 0o700)
		if err := os.WriteFile(photos[vp], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The browser's time starts now.
	ctx := newBrowser(t)
	path := fmt.Sprintf("%s/agencies/%d/apply", f.srv.URL, f.health.ID)
	submit := func(t *testing.T) int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(css("form.apply button[type=submit]")))
		if err != nil {
			t.Fatal(err)
		}
		run(t, ctx, chromedp.WaitVisible(css("main h1")))
		return resp.Status
	}
	value := func(t *testing.T, id string) string {
		t.Helper()
		return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).value`, id)))
	}
	goodID := residentID("37012419800101001")
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone 390px", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			run(t, ctx, chromedp.EmulateViewport(vp.w, vp.h))
			run(t, ctx, chromedp.Navigate(path))
			run(t, ctx, chromedp.WaitVisible(css("form.apply")))
			// What the form says before anything is typed: required fields are marked, the two choices are
			// radio groups of one answer each.
			marks := run(t, ctx, chromedp.Evaluate[[]string](`[
				document.querySelector("#phone").required + "",
				document.querySelector("#description").required + "",
				document.querySelector("#name").getAttribute("aria-required"),
				document.querySelector("label[for=phone]").textContent,
				[...document.querySelectorAll("input[name=forms]")].map(i => i.type).join(","),
				[...document.querySelectorAll("input[name=delivery]")].map(i => i.type).join(","),
				[...document.querySelectorAll("legend")].map(l => l.textContent).join("|")]`))
			if marks[0] != "true" || marks[1] != "true" || marks[2] != "true" || !strings.Contains(marks[3], "必填") ||
				strings.Contains(marks[4], "checkbox") || strings.Contains(marks[5], "checkbox") || strings.Contains(marks[6], "可多选") ||
				!strings.Contains(marks[6], "载体形式（必填，选择一项）") {
				t.Errorf("required marks and choices: %q", marks)
			}

			// Four mistakes at once: a wrong check digit, a phone number with letters, a broken e-mail address,
			// no description, and no way of delivery chosen.
			run(t, ctx, chromedp.Evaluate[chromedp.Void](fillApplyJS(map[string]string{
				"name": "王小明", "id_number": "370124198001010010", "phone": "138abc", "email": "wang@", "address": "平阴县榆山街道府前街1号",
				"postcode": "250400", "title": "疫苗接种点名单", "purpose": "了解就近接种点",
			}, `#applicant_type`, `input[name=forms][value="电子文档"]`)))
			if status := submit(t); status != 422 {
				t.Errorf("status %d, want 422", status)
			}
			got := run(t, ctx, chromedp.Evaluate[formCheck](checkFormJS))
			want := map[string]string{"id_number-error": "校验位", "phone-error": "联系电话", "email-error": "电子邮箱", "description-error": "请描述所需的政府信息", "delivery-error": "获取信息的方式"}
			for id, w := range want {
				if !strings.Contains(got.Messages[id], w) {
					t.Errorf("%s: %q, want a message with %q", id, got.Messages[id], w)
				}
			}
			if len(got.Messages) != len(want) || len(got.Unwired) > 0 {
				t.Errorf("messages %v; not wired to an invalid field: %v", got.Messages, got.Unwired)
			}
			if !slices.Equal(got.Links, []string{"id_number", "phone", "email", "description", "delivery"}) || len(got.Dangling) > 0 || !got.SummaryFocusable {
				t.Errorf("summary links %v (dangling %v), focusable alert %v", got.Links, got.Dangling, got.SummaryFocusable)
			}
			if got.Overflow {
				t.Error("the page is wider than the window")
			}
			for id, want := range map[string]string{"name": "王小明", "id_number": "370124198001010010", "phone": "138abc", "email": "wang@",
				"address": "平阴县榆山街道府前街1号", "postcode": "250400", "title": "疫苗接种点名单", "purpose": "了解就近接种点"} {
				if v := value(t, id); v != want {
					t.Errorf("#%s: %q after the error, want %q kept", id, v, want)
				}
			}
			if kept := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=forms][value="电子文档"]').checked && document.querySelector("#applicant_type").checked`)); !kept {
				t.Error("the choices were not kept")
			}
			if title := run(t, ctx, chromedp.Evaluate[string](`document.title`)); !strings.HasPrefix(title, "错误：") {
				t.Errorf("title %q, want it to start with 错误：", title)
			}
			axeCheck(t, ctx, "申请表单（有错误）")

			// Everything corrected, but a 12.3 MB photo: the file is named with the limit, nothing typed is lost.
			run(t, ctx, chromedp.Evaluate[chromedp.Void](fillApplyJS(map[string]string{
				"id_number": goodID, "phone": "13800000000", "email": "wang@example.com", "description": "2026年本县疫苗接种点名单及开放时间",
			}, `input[name=delivery][value="电子邮件"]`)))
			run(t, ctx, chromedp.SetUploadFiles(css("#id_proof"), []string{bigPath}))
			before := countCases(t, f.db)
			if status := submit(t); status != 413 {
				t.Errorf("status %d, want 413", status)
			}
			got = run(t, ctx, chromedp.Evaluate[formCheck](checkFormJS))
			msg := got.Messages["id_proof-error"]
			if !strings.Contains(msg, "IMG_2041.jpg") || !strings.Contains(msg, "12.3 MB") || !strings.Contains(msg, "上限为 10 MB") || len(got.Unwired) > 0 || !slices.Equal(got.Links, []string{"id_proof"}) {
				t.Errorf("too large: messages %v, links %v, unwired %v", got.Messages, got.Links, got.Unwired)
			}
			for id, want := range map[string]string{"name": "王小明", "id_number": goodID, "address": "平阴县榆山街道府前街1号", "description": "2026年本县疫苗接种点名单及开放时间", "purpose": "了解就近接种点"} {
				if v := value(t, id); v != want {
					t.Errorf("#%s: %q after the too-large file, want %q kept", id, v, want)
				}
			}
			if countCases(t, f.db) != before {
				t.Error("a case was stored with the too-large file")
			}

			// The phone's own 8 MB photo is taken.
			run(t, ctx, chromedp.SetUploadFiles(css("#id_proof"), []string{photos[vp.name]}))
			if status := submit(t); status != 200 {
				t.Fatalf("status %d with the phone photo: %s", status, run(t, ctx, chromedp.Evaluate[string](`(document.querySelector(".error-summary, p.error")||{}).textContent||""`)))
			}
			code := run(t, ctx, chromedp.Text(css("#query-code")))
			if note := run(t, ctx, chromedp.Text(css("#proof-note"))); !strings.Contains(note, "身份证正面.jpg") || !strings.Contains(note, "去除了照片中的拍摄地点") {
				t.Errorf("receipt's note on the photo: %q", note)
			}
			c, err := f.db.GetCaseByCode(context.Background(), code)
			if err != nil {
				t.Fatal(err)
			}
			files, err := f.db.CaseFiles(context.Background(), c.ID)
			if err != nil || len(files) != 1 {
				t.Fatalf("files %v, err %v", files, err)
			}
			stored, err := f.db.GetCaseFile(context.Background(), files[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored.Data))
			wantW, wantH := 900, 1200 // turned upright
			if vp.name != "desktop" {
				wantW, wantH = 1500, 2000 // and scaled down
			}
			if err != nil || cfg.Width != wantW || cfg.Height != wantH || stored.ContentType != "image/jpeg" || stored.Name != "身份证正面.jpg" {
				t.Errorf("stored %s %q %dx%d (%v), want image/jpeg %dx%d", stored.Name, stored.ContentType, cfg.Width, cfg.Height, err, wantW, wantH)
			}
			if len(stored.Data) > 2<<20 || bytes.Contains(stored.Data, []byte("Exif")) {
				t.Errorf("stored %d bytes, EXIF kept: %v", len(stored.Data), bytes.Contains(stored.Data, []byte("Exif")))
			}
			// The subscription and the status lookup show their problems the same way.
			run(t, ctx, chromedp.Navigate(f.srv.URL+"/subscribe"))
			run(t, ctx, chromedp.WaitVisible(css("form.subscribe")))
			run(t, ctx, chromedp.Evaluate[chromedp.Void](fillApplyJS(map[string]string{"email": "wang.example.com", "keyword": "疫苗 接种"})))
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("form.subscribe button[type=submit]"))); err != nil {
				t.Fatal(err)
			}
			got = run(t, ctx, chromedp.Evaluate[formCheck](checkFormJS))
			if len(got.Messages) != 2 || len(got.Unwired) > 0 || !slices.Equal(got.Links, []string{"email", "keyword"}) || got.Overflow || value(t, "keyword") != "疫苗 接种" {
				t.Errorf("subscribe: %+v", got)
			}
			axeCheck(t, ctx, "订阅表单（有错误）")
			run(t, ctx, chromedp.Navigate(f.srv.URL+"/track"))
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("main form button[type=submit]"))); err != nil {
				t.Fatal(err)
			}
			got = run(t, ctx, chromedp.Evaluate[formCheck](checkFormJS))
			if len(got.Messages) != 2 || len(got.Unwired) > 0 || !slices.Equal(got.Links, []string{"code", "secret"}) || got.Overflow {
				t.Errorf("track: %+v", got)
			}
			axeCheck(t, ctx, "查询表单（有错误）")
			if c.Applicant.Name != "王小明" || c.Request.Delivery[0] != "电子邮件" || c.Applicant.Address != "平阴县榆山街道府前街1号" {
				t.Errorf("case %+v", c.Application)
			}
		})
	}
}
