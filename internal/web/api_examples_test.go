package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIHasExamples walks the served OpenAPI document: every path, query and header parameter of every
// operation carries an example, and every request body, whatever its content type, carries one — on the media
// type, on the schema or on at least one of the schema's properties.
func TestOpenAPIHasExamples(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc openAPIDoc
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	var missing []string
	operations := 0
	for path, methods := range doc.Paths {
		for method, op := range methods {
			operations++
			name := strings.ToUpper(method) + " " + path
			for _, p := range op.Parameters {
				if p.Example == nil && len(p.Examples) == 0 && !doc.schemaHasExample(p.Schema) {
					missing = append(missing, name+": "+p.In+" parameter "+p.Name+" has no example")
				}
			}
			if op.RequestBody == nil {
				continue
			}
			if len(op.RequestBody.Content) == 0 {
				missing = append(missing, name+": request body has no content")
			}
			for ct, media := range op.RequestBody.Content {
				if media.Example != nil || len(media.Examples) > 0 {
					continue
				}
				if doc.schemaHasExample(media.Schema) || doc.anyPropertyHasExample(media.Schema) {
					continue
				}
				missing = append(missing, name+": request body "+ct+" has no example")
			}
		}
	}
	if operations < len(APIOperations) {
		t.Fatalf("the document has %d operations, the API declares %d", operations, len(APIOperations))
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
}

type openAPIDoc struct {
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas map[string]*openAPISchema `json:"schemas"`
	} `json:"components"`
}

type openAPIOperation struct {
	Parameters []struct {
		Name     string          `json:"name"`
		In       string          `json:"in"`
		Example  json.RawMessage `json:"example"`
		Examples map[string]any  `json:"examples"`
		Schema   *openAPISchema  `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema   *openAPISchema  `json:"schema"`
			Example  json.RawMessage `json:"example"`
			Examples map[string]any  `json:"examples"`
		} `json:"content"`
	} `json:"requestBody"`
}

type openAPISchema struct {
	Ref        string                    `json:"$ref"`
	Example    json.RawMessage           `json:"example"`
	Examples   []json.RawMessage         `json:"examples"`
	Properties map[string]*openAPISchema `json:"properties"`
}

// resolve follows a reference into the document's components.
func (d *openAPIDoc) resolve(s *openAPISchema) *openAPISchema {
	for i := 0; s != nil && s.Ref != "" && i < 10; i++ {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// schemaHasExample tells whether the schema itself (behind its reference) carries an example.
func (d *openAPIDoc) schemaHasExample(s *openAPISchema) bool {
	s = d.resolve(s)
	return s != nil && (s.Example != nil || len(s.Examples) > 0)
}

// anyPropertyHasExample tells whether at least one property of the schema carries an example.
func (d *openAPIDoc) anyPropertyHasExample(s *openAPISchema) bool {
	s = d.resolve(s)
	if s == nil {
		return false
	}
	for _, p := range s.Properties {
		if d.schemaHasExample(p) {
			return true
		}
	}
	return false
}

// TestOpenAPIReportExamplesAreValid sends the documented request examples of the report checks: the report of
// POST /api/v1/reports/check passes validation and the check answers with findings (the example leaves cells out);
// the edited annual report of POST /api/v1/annual-reports/{agency}/{year}/check (the fixture's 平阴县卫生健康局,
// agency 2, as in the path's example) is accepted as an edit of that agency's report.
func TestOpenAPIReportExamplesAreValid(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Example json.RawMessage `json:"example"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, send, scope string }{
		{"/api/v1/reports/check", "/api/v1/reports/check", "reports:check"},
		{"/api/v1/annual-reports/{agency}/{year}/check", "/api/v1/annual-reports/2/2025/check", "reports:read"},
	} {
		example := doc.Paths[c.path]["post"].RequestBody.Content["application/json"].Example
		if len(example) == 0 {
			t.Errorf("POST %s has no request example", c.path)
			continue
		}
		status, body := f.api(t, "POST", c.send, f.tokenFor(t, "officer", c.scope), example)
		findings, _ := body["findings"].([]any)
		if status != 200 || len(findings) == 0 {
			t.Errorf("POST %s, the documented example: %d %v", c.send, status, body)
		}
	}
}
