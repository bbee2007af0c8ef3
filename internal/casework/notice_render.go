package casework

import (
	"bytes"
	"time"

	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/workday"
)

// RenderNotice writes a numbered notice as DOCX and PDF in the layout of an official document: the title, the 文号
// under it, the addressee, the paragraphs, and the agency's name and the date as the signature. The same notice
// always gives the same bytes.
func RenderNotice(n NoticeText, number, agency string, on workday.Date) (docx, pdf []byte, err error) {
	blocks := []document.Block{{Kind: document.Title, Text: n.Title}, {Kind: document.DocNumber, Text: number}}
	if n.Addressee != "" {
		blocks = append(blocks, document.Block{Kind: document.Addressee, Text: n.Addressee})
	}
	for _, p := range n.Paras {
		blocks = append(blocks, document.Block{Kind: document.Paragraph, Text: p})
	}
	blocks = append(blocks, document.Block{Kind: document.Signature, Text: agency, Date: on.Chinese()})
	d := &document.Doc{Title: n.Title, Blocks: blocks, Subject: NoticeKindNames[n.Kind], Author: agency, Created: on.In(time.UTC)}
	var a, b bytes.Buffer
	if err := document.DOCX(&a, d); err != nil {
		return nil, nil, err
	}
	if err := document.PDF(&b, d); err != nil {
		return nil, nil, err
	}
	return a.Bytes(), b.Bytes(), nil
}
