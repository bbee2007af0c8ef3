package render

import (
	"bufio"
	"embed"
	"html/template"
	"io"

	"github.com/gongkai/gongkai/internal/report"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// htmlTemplates are parsed once; a broken template stops the program at start, not at the first request.
var htmlTemplates = template.Must(template.ParseFS(templateFS, "templates/report.html.tmpl"))

// htmlBlock is an outline block prepared for the template.
type htmlBlock struct {
	Kind  string
	Text  string
	Date  string
	Table *htmlTable
}

// htmlTable is a grid split into header and body rows, without covered cells.
type htmlTable struct {
	Title string
	Wide  bool
	Head  [][]Cell
	Body  [][]Cell
}

type htmlPage struct {
	Title  string
	Blocks []htmlBlock
}

func htmlModel(r *report.Report) (*htmlPage, error) {
	blocks, err := Outline(r)
	if err != nil {
		return nil, err
	}
	page := &htmlPage{Title: DocumentTitle(r)}
	kinds := map[BlockKind]string{Title: "title", Heading: "heading", Paragraph: "paragraph", Table: "table", Signature: "signature"}
	for _, b := range blocks {
		hb := htmlBlock{Kind: kinds[b.Kind], Text: b.Text, Date: b.Date}
		if b.Kind == Table {
			t := &htmlTable{Title: b.Grid.Title, Wide: b.Grid.Cols() > 6}
			for i, row := range b.Grid.Cells {
				var cells []Cell
				for _, c := range row {
					if !c.Covered {
						cells = append(cells, c)
					}
				}
				if i < b.Grid.HeaderRows {
					t.Head = append(t.Head, cells)
				} else {
					t.Body = append(t.Body, cells)
				}
			}
			hb.Table = t
		}
		page.Blocks = append(page.Blocks, hb)
	}
	return page, nil
}

// HTML writes the report as a standalone, printable HTML5 document with accessible tables: a caption for each
// table, th with scope for every header and row label, spans as in the official layout, and no external assets.
func HTML(w io.Writer, r *report.Report) error {
	return execHTML(w, r, "page")
}

// HTMLFragment writes the same report as an <article class="annual-report"> for embedding in a portal page, which
// must include the stylesheet (HTMLStyle).
func HTMLFragment(w io.Writer, r *report.Report) error {
	return execHTML(w, r, "article")
}

// HTMLStyle writes the stylesheet the fragment expects.
func HTMLStyle(w io.Writer) error {
	return htmlTemplates.ExecuteTemplate(w, "css", nil)
}

func execHTML(w io.Writer, r *report.Report, name string) error {
	page, err := htmlModel(r)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := htmlTemplates.ExecuteTemplate(bw, name, page); err != nil {
		return err
	}
	return bw.Flush()
}
