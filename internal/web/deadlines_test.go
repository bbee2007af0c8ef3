package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// slowReader hands out its bytes a chunk at a time with a pause between chunks, as a phone on a poor connection
// sends a photo.
type slowReader struct {
	data  []byte
	chunk int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := min(len(p), r.chunk, len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// TestASlowPhoneUploadIsNotCutOff: an application with an ID photo that takes longer to arrive than the server's
// ReadTimeout (here 1 s, standing for serve's 60 s against a five-minute upload on a poor mobile connection) is
// received, while a request without files still has the short timeout.
func TestASlowPhoneUploadIsNotCutOff(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewUnstartedServer(f.server.handler)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = time.Second, time.Second
	srv.Start()
	defer srv.Close()
	g := &fixture{db: f.db, srv: srv, health: f.health, totp: f.totp, lastStep: map[string]int64{}}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	vals := withFormToken(t, g, c, "/agencies/2/apply", applyValues())

	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for x := range 400 {
		for y := range 300 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var photo bytes.Buffer
	jpeg.Encode(&photo, img, &jpeg.Options{Quality: 95})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range vals {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("id_proof", "身份证正面.jpg")
	fw.Write(photo.Bytes())
	mw.Close()
	// About 2.5 s in all: past the 1 s ReadTimeout.
	chunks := 10
	req, _ := http.NewRequest("POST", srv.URL+"/agencies/2/apply", &slowReader{data: body.Bytes(), chunk: body.Len()/chunks + 1, pause: 250 * time.Millisecond})
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", srv.URL)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("the slow upload was cut off after %v: %v", time.Since(start).Round(time.Millisecond), err)
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	if took := time.Since(start); resp.StatusCode != http.StatusOK || took < 2*time.Second || !strings.Contains(doc.Find("main").Text(), "查询码") {
		t.Errorf("slow upload: %d after %v: %s", resp.StatusCode, took.Round(time.Millisecond), strings.TrimSpace(doc.Find("main").Text())[:min(300, len(strings.TrimSpace(doc.Find("main").Text())))])
	}
	// A plain form sent as slowly is still cut off by the server's timeout.
	plain := url.Values{"q": {strings.Repeat("卫生", 200)}}.Encode()
	req, _ = http.NewRequest("POST", srv.URL+"/track", &slowReader{data: []byte(plain), chunk: len(plain)/chunks + 1, pause: 250 * time.Millisecond})
	req.ContentLength = int64(len(plain))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("a slow plain form was served: %d", resp.StatusCode)
		}
	}
}
