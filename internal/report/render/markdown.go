package render

import (
	"bufio"
	"io"
	"strings"

	"github.com/gongkai/gongkai/internal/report"
)

// Markdown writes the report as GitHub-flavoured Markdown. Pipe tables cannot span cells, so each table is
// flattened: the header row names each column by its label path ("行政诉讼/复议后起诉/总计") and each data row starts
// with its row label path ("（三）不予公开/1.属于国家秘密").
func Markdown(w io.Writer, r *report.Report) error {
	blocks, err := Outline(r)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, b := range blocks {
		switch b.Kind {
		case Title:
			bw.WriteString("# " + mdText(b.Text) + "\n\n")
		case Heading:
			bw.WriteString("## " + mdText(b.Text) + "\n\n")
		case Paragraph:
			bw.WriteString(mdText(b.Text) + "\n\n")
		case Signature:
			for _, s := range []string{b.Text, b.Date} {
				if s != "" {
					bw.WriteString(mdText(s) + "  \n")
				}
			}
			bw.WriteString("\n")
		case Table:
			mdTable(bw, r, b.Grid)
		}
	}
	return bw.Flush()
}

func mdTable(bw *bufio.Writer, r *report.Report, g *Grid) {
	spec := g.Spec
	bw.WriteString("**" + mdText(g.Title) + "**\n\n")
	head := []string{}
	if g.LabelCols > 0 {
		head = append(head, mdCell(spec.Corner))
	}
	for _, c := range spec.Columns {
		head = append(head, mdCell(mdColumn(spec, c)))
	}
	bw.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if i == 0 && g.LabelCols > 0 {
			bw.WriteString(" --- |")
		} else {
			bw.WriteString(" ---: |")
		}
	}
	bw.WriteString("\n")
	vals := r.Tables[spec.ID]
	for _, row := range spec.Rows {
		if row.Header {
			// A group heading ("（三）不予公开") gets a row of its own, as in the printed table.
			bw.WriteString("| " + mdCell(spec.RowPath(row)) + strings.Repeat(" | ", len(spec.Columns)) + " |\n")
			continue
		}
		cells := []string{}
		if g.LabelCols > 0 {
			cells = append(cells, mdCell(spec.RowPath(row)))
		}
		for _, c := range spec.Columns {
			if v, ok := vals[row.ID][c.ID]; ok {
				cells = append(cells, report.FormatNumber(v))
			} else {
				cells = append(cells, "")
			}
		}
		bw.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	bw.WriteString("\n")
}

// mdColumn names a column by its header path, under the header spanning all columns when there is one.
func mdColumn(spec *report.TableSpec, c report.Column) string {
	if spec.ColumnsHeader != "" {
		return spec.ColumnsHeader + "/" + c.Path()
	}
	return c.Path()
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "#", `\#`)

func mdText(s string) string {
	return mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
}

func mdCell(s string) string {
	return strings.ReplaceAll(mdText(s), "|", `\|`)
}
