package render

import (
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/report"
)

// BlockKind says what a Block of the outline is. It is the document package's Kind, so an outline needs no
// translation to be written; a report uses only the kinds below.
type BlockKind = document.Kind

// The kinds of block a report outline holds.
const (
	// Title is the report's title (one per document, first).
	Title = document.Title
	// Heading is a numbered section heading ("一、总体情况").
	Heading = document.Heading
	// Paragraph is one paragraph of narrative text.
	Paragraph = document.Paragraph
	// Table is one official table.
	Table = document.Table
	// Signature is the closing block: the agency's name and the date, right-aligned in print.
	Signature = document.Signature
)

// Block is one element of a report document in reading order.
type Block struct {
	// Kind says what the block is.
	Kind BlockKind
	// Text is the text of a title, heading or paragraph; for a signature, the agency name.
	Text string
	// Date is the signature's date, written the way official documents write it ("2025年1月15日").
	Date string
	// Grid is the table of a Table block.
	Grid *Grid
}

// Numerals are the Chinese numerals used to number sections.
var Numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// DocumentTitle returns the report's title, or the conventional title made from its agency and year.
func DocumentTitle(r *report.Report) string {
	if t := strings.TrimSpace(r.Title); t != "" {
		return t
	}
	year := ""
	if r.Year > 0 {
		year = fmt.Sprintf("%d年", r.Year)
	}
	return r.Agency + year + "政府信息公开工作年度报告"
}

// Outline lays the report out in reading order: title, preamble, each section of its format with its heading, its
// text or its tables, the items of section 六, and the signature. Every renderer draws this same sequence.
func Outline(r *report.Report) ([]Block, error) {
	f, err := r.Format()
	if err != nil {
		return nil, err
	}
	grids, err := Tables(r)
	if err != nil {
		return nil, err
	}
	blocks := []Block{{Kind: Title, Text: DocumentTitle(r)}}
	blocks = appendParagraphs(blocks, r.Preamble)

	n := 0
	for _, spec := range f.Sections {
		sec, has := r.Section(spec.ID)
		var tables []*Grid
		for _, g := range grids {
			if g.Spec.Section == spec.ID {
				tables = append(tables, g)
			}
		}
		// Pre-2019 reports had no fixed structure: print only the sections the report has.
		if f.Era == report.EraPre2019 && !has {
			continue
		}
		heading := spec.Heading
		if has && strings.TrimSpace(sec.Heading) != "" {
			heading = strings.TrimSpace(sec.Heading)
		}
		blocks = append(blocks, Block{Kind: Heading, Text: Numerals[n%len(Numerals)] + "、" + heading})
		n++
		if has {
			blocks = appendParagraphs(blocks, sec.Text)
			for _, it := range sec.Items {
				label := it.ID
				for _, is := range f.OtherItems {
					if is.ID == it.ID {
						label = is.Number + is.Label
					}
				}
				blocks = append(blocks, Block{Kind: Paragraph, Text: label + "：" + strings.TrimSpace(it.Text)})
			}
		}
		for _, g := range tables {
			blocks = append(blocks, Block{Kind: Table, Grid: g})
		}
	}
	if r.Agency != "" || r.Signed != "" {
		blocks = append(blocks, Block{Kind: Signature, Text: r.Agency, Date: ChineseDate(r.Signed)})
	}
	return blocks, nil
}

func appendParagraphs(blocks []Block, text string) []Block {
	for _, p := range strings.Split(text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			blocks = append(blocks, Block{Kind: Paragraph, Text: p})
		}
	}
	return blocks
}

// ChineseDate writes YYYY-MM-DD as 2025年1月15日; anything else is returned unchanged.
func ChineseDate(iso string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(iso, "%4d-%2d-%2d", &y, &m, &d); err != nil || len(iso) != 10 {
		return iso
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}
