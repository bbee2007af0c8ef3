package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite docs/report.schema.json from the label table")

const schemaPath = "../../docs/report.schema.json"

// tablesSchema describes the tables object of one era: each table's rows and each row's columns by their IDs.
func tablesSchema(f *Format) map[string]any {
	props := map[string]any{}
	for _, t := range f.Tables {
		var rows, cols []string
		for _, r := range t.DataRows() {
			rows = append(rows, r.ID)
		}
		var colDesc []string
		for _, c := range t.Columns {
			cols = append(cols, c.ID)
			colDesc = append(colDesc, c.ID+" = "+c.Path())
		}
		var rowDesc []string
		for _, r := range t.DataRows() {
			rowDesc = append(rowDesc, r.ID+" = "+t.RowPath(r))
		}
		caption := t.Caption
		if caption == "" {
			s, _ := f.Section(t.Section)
			caption = s.Heading
		}
		props[t.ID] = map[string]any{
			"description":   "第" + t.Section + "部分 " + caption + "。行：" + strings.Join(rowDesc, "；") + "。列：" + strings.Join(colDesc, "；"),
			"type":          "object",
			"propertyNames": map[string]any{"enum": rows},
			"additionalProperties": map[string]any{
				"type":                 "object",
				"propertyNames":        map[string]any{"enum": cols},
				"additionalProperties": map[string]any{"type": "number"},
			},
		}
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

// buildSchema writes the JSON Schema of Report from the formats, so the schema cannot drift from the labels.
func buildSchema() map[string]any {
	var sectionIDs, itemIDs, figureIDs []string
	seen := map[string]bool{}
	for _, f := range []*Format{&Format2021, &Format2019, &FormatPre2019} {
		for _, s := range f.Sections {
			if !seen[s.ID] {
				seen[s.ID] = true
				sectionIDs = append(sectionIDs, s.ID)
			}
		}
	}
	for _, it := range Format2021.OtherItems {
		itemIDs = append(itemIDs, it.ID)
	}
	for id := range FigureLabels {
		figureIDs = append(figureIDs, id)
	}
	sort.Strings(figureIDs)
	date := map[string]any{"type": "string", "pattern": `^(\d{4}-\d{2}-\d{2})?$`}
	eraTables := func(e Era) map[string]any {
		f, _ := FormatOf(e)
		return map[string]any{
			"if":   map[string]any{"properties": map[string]any{"era": map[string]any{"const": string(e)}}},
			"then": map[string]any{"properties": map[string]any{"tables": tablesSchema(f)}},
		}
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaID,
		"title":                "政府信息公开工作年度报告（gongkai report v1）",
		"description":          "The interchange form of an annual report on government information disclosure. Generated from internal/report/layout.go by `go test ./internal/report -run Schema -update-schema`; see docs/report-json.md.",
		"type":                 "object",
		"required":             []string{"era", "year", "agency"},
		"additionalProperties": false,
		"properties": map[string]any{
			"$schema":      map[string]any{"type": "string"},
			"era":          map[string]any{"enum": []string{string(Era2021), string(Era2019), string(EraPre2019)}, "description": "2021 = 国办公开办函〔2021〕30号；2019 = 国办公开办函〔2019〕60号（试行）；pre2019 = 2019年以前的自由格式"},
			"year":         map[string]any{"type": "integer", "minimum": 0, "maximum": 2100, "description": "报告年度；0 表示未能确定"},
			"agency":       map[string]any{"type": "string", "description": "报告机关"},
			"title":        map[string]any{"type": "string"},
			"signed":       date,
			"published":    date,
			"index_number": map[string]any{"type": "string", "description": "索引号"},
			"preamble":     map[string]any{"type": "string"},
			"sections": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "required": []string{"id", "text"}, "additionalProperties": false,
				"properties": map[string]any{
					"id":      map[string]any{"enum": sectionIDs},
					"heading": map[string]any{"type": "string"},
					"text":    map[string]any{"type": "string"},
					"items": map[string]any{"type": "array", "items": map[string]any{
						"type": "object", "required": []string{"id", "text"}, "additionalProperties": false,
						"properties": map[string]any{"id": map[string]any{"enum": itemIDs}, "text": map[string]any{"type": "string"}},
					}},
				},
			}},
			"tables": map[string]any{"type": "object"},
			"printed": map[string]any{
				"type":        "object",
				"description": "单元格注明的单位与列的单位不同时（如“本年收费金额（单位：万元）”栏填“251000元”），原文的数字和单位；键为“表/行/列”。tables 中为换算到列单位后的数字",
				"additionalProperties": map[string]any{
					"type": "object", "required": []string{"value", "unit"}, "additionalProperties": false,
					"properties": map[string]any{"value": map[string]any{"type": "number"}, "unit": map[string]any{"type": "string"}},
				},
			},
			"figures": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "required": []string{"id", "value"}, "additionalProperties": false,
				"properties": map[string]any{
					"id":    map[string]any{"enum": figureIDs},
					"value": map[string]any{"type": "number"},
					"unit":  map[string]any{"type": "string"},
					"quote": map[string]any{"type": "string"},
				},
			}},
		},
		"allOf": []any{eraTables(Era2021), eraTables(Era2019), map[string]any{
			"if":   map[string]any{"properties": map[string]any{"era": map[string]any{"const": string(EraPre2019)}}},
			"then": map[string]any{"properties": map[string]any{"tables": map[string]any{"type": "object", "maxProperties": 0}}},
		}},
	}
}

func TestSchemaIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(buildSchema()); err != nil {
		t.Fatal(err)
	}
	if *updateSchema {
		if err := os.WriteFile(schemaPath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -run Schema -update-schema)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Error("docs/report.schema.json is out of date: run go test ./internal/report -run Schema -update-schema")
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func asJSONValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaAcceptsReportsAndRejectsStrangers validates marshalled reports of every era against the schema, and
// checks that the schema and Decode agree on what is wrong.
func TestSchemaAcceptsReportsAndRejectsStrangers(t *testing.T) {
	s := compileSchema(t)
	for _, tc := range []struct {
		era  Era
		year int
	}{{Era2021, 2024}, {Era2019, 2020}, {EraPre2019, 2016}} {
		r := cleanReport(t, tc.era, tc.year)
		r.Schema = SchemaID
		r.Signed = "2025-01-15"
		r.Figures = []Figure{{ID: "proactive_items", Value: 147, Unit: "条"}}
		if tc.era == Era2019 {
			r.Printed = map[string]PrintedFigure{PrintedKey(TableProcure, "procurement", "amount"): {Value: 251000, Unit: "元"}}
		}
		if tc.era == Era2021 {
			r.Sections[len(r.Sections)-1].Items = []Item{{ID: "fees", Text: "未收取信息处理费。"}}
		}
		if err := s.Validate(asJSONValue(t, r)); err != nil {
			t.Errorf("%s: valid report rejected: %v", tc.era, err)
		}
		b, _ := json.Marshal(r)
		if _, err := Decode(b); err != nil {
			t.Errorf("%s: Decode: %v", tc.era, err)
		}
	}
	for name, mutate := range map[string]func(m map[string]any){
		"unknown era":   func(m map[string]any) { m["era"] = "2030" },
		"unknown field": func(m map[string]any) { m["colour"] = "red" },
		"unknown row": func(m map[string]any) {
			m["tables"].(map[string]any)["s3"].(map[string]any)["bogus"] = map[string]any{"total": 1}
		},
		"trial column in current era": func(m map[string]any) {
			m["tables"].(map[string]any)["s2.1"].(map[string]any)["rules"].(map[string]any)["published"] = 1
		},
		"text as a figure": func(m map[string]any) {
			m["tables"].(map[string]any)["s4"].(map[string]any)["cases"].(map[string]any)["review.total"] = "零"
		},
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			b, _ := json.Marshal(cleanReport(t, Era2021, 2024))
			json.Unmarshal(b, &m)
			mutate(m)
			if err := s.Validate(asJSONValue(t, m)); err == nil {
				t.Error("schema accepted it")
			}
			b, _ = json.Marshal(m)
			if _, err := Decode(b); err == nil {
				t.Error("Decode accepted it")
			}
		})
	}
}
