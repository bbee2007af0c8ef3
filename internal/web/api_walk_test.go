package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/workday"
)

// walkBlock is one ```http block of docs/api.md: a request line, headers and a body.
type walkBlock struct {
	method, path string
	header       http.Header
	body         string
}

var (
	reHTTPBlock   = regexp.MustCompile("(?s)```http\n(.*?)```")
	rePlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)
)

// readWalk parses the http blocks of docs/api.md in order.
func readWalk(t *testing.T) []walkBlock {
	t.Helper()
	raw, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []walkBlock
	for _, m := range reHTTPBlock.FindAllStringSubmatch(string(raw), -1) {
		head, body, _ := strings.Cut(m[1], "\n\n")
		lines := strings.Split(strings.TrimSpace(head), "\n")
		method, path, ok := strings.Cut(lines[0], " ")
		if !ok {
			t.Fatalf("docs/api.md: request line %q", lines[0])
		}
		b := walkBlock{method: method, path: path, header: http.Header{}, body: strings.TrimSpace(body)}
		for _, l := range lines[1:] {
			k, v, _ := strings.Cut(l, ": ")
			b.header.Set(k, v)
		}
		out = append(out, b)
	}
	return out
}

// TestAPIWalkInDocs runs docs/api.md: every http block in order, with the tokens, the case's id and its version
// filled in, and checks that the walk ends where the page says — the application counted in section 三 under 新收
// and 予以公开, in the column of natural persons.
func TestAPIWalkInDocs(t *testing.T) {
	f := newFixture(t)
	blocks := readWalk(t)
	if len(blocks) < 7 {
		t.Fatalf("docs/api.md has %d http blocks", len(blocks))
	}
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	vars := map[string]string{
		"{officer}": f.tokenFor(t, "officer", auth.ScopeCasesRead, auth.ScopeCasesWrite), "{approver}": f.tokenFor(t, "approver", auth.ScopeCasesRead, auth.ScopeCasesWrite),
		"{agency}": strconv.FormatInt(f.health.ID, 10), "{today}": today.String(), "{year}": strconv.Itoa(today.Year),
		"{id_number}": residentID("37012419800101001"),
	}
	fill := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, k, v)
		}
		return s
	}
	var last map[string]any
	for i, b := range blocks {
		req, _ := http.NewRequest(b.method, f.srv.URL+fill(b.path), bytes.NewReader([]byte(fill(b.body))))
		for k, vs := range b.header {
			req.Header.Set(k, fill(vs[0]))
		}
		if rePlaceholder.MatchString(fill(b.path + b.body + req.Header.Get("If-Match") + req.Header.Get("Authorization"))) {
			t.Fatalf("block %d (%s %s): a placeholder the walk has not filled", i+1, b.method, b.path)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("block %d (%s %s): %d %s", i+1, b.method, b.path, resp.StatusCode, raw)
		}
		last = map[string]any{}
		if err := json.Unmarshal(raw, &last); err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
		if c, ok := last["case"].(map[string]any); ok {
			vars["{id}"] = strconv.FormatInt(int64(c["id"].(float64)), 10)
		}
		if etag := resp.Header.Get("ETag"); etag != "" {
			vars["{etag}"] = etag
		}
	}
	cell := func(row string) float64 {
		t.Helper()
		rep, _ := last["report"].(map[string]any)
		tables, _ := rep["tables"].(map[string]any)
		s3, _ := tables["s3"].(map[string]any)
		r, _ := s3[row].(map[string]any)
		v, _ := r["natural_person"].(float64)
		return v
	}
	if cell("new") != 1 || cell("disclosed") != 1 {
		t.Errorf("the walk's application is not where docs/api.md says: new %v, disclosed %v in %v", cell("new"), cell("disclosed"), last)
	}
}
