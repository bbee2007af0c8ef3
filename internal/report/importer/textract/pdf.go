package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// pdfTimeout caps one pdftotext run, whatever the caller's context allows.
const pdfTimeout = 60 * time.Second

// maxPDFStderr bounds how much of pdftotext's complaints are kept for the error.
const maxPDFStderr = 4 << 10

// pdfText runs Debian's pdftotext (poppler-utils) as "pdftotext -layout -enc UTF-8 - -", the file on its standard
// input and the text on its standard output. In layout mode a table row comes out as one line with its cells
// separated by runs of spaces, so each line is trimmed and every run of two or more spaces between text becomes a
// TAB, making rows look like those of HTML and DOCX sources (a blank cell simply leaves a wider gap, so it is not
// kept as an empty field). Page breaks (form feeds) become line breaks and blank lines are removed. A PDF with no
// text at all (a scanned image) is an ErrPDF error.
func pdfText(ctx context.Context, data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", fail(ErrNoPDFTool, "", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	stderr := &capped{max: maxPDFStderr}
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		cause := fmt.Errorf("textract: pdftotext: %w: %s", err, strings.TrimSpace(stderr.b.String()))
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return "", fail(ErrPDF, fmt.Sprintf("读取超时（超过 %d 秒）", int(pdfTimeout/time.Second)), cause)
		case ctx.Err() != nil:
			return "", fmt.Errorf("textract: pdftotext: %w", ctx.Err())
		case strings.Contains(stderr.b.String(), "assword"):
			return "", fail(ErrPDF, "文件设有打开密码", cause)
		}
		return "", fail(ErrPDF, "文件已损坏或不是 PDF", cause)
	}
	var b strings.Builder
	b.Grow(out.Len())
	for line := range strings.Lines(normalizeNewlines(strings.ToValidUTF8(out.String(), "\uFFFD"))) {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString(columns(line))
			b.WriteByte('\n')
		}
	}
	if b.Len() == 0 {
		return "", fail(ErrPDF, "其中没有可提取的文字，可能是扫描图片，需要先做文字识别（OCR）", nil)
	}
	return b.String(), nil
}

// columns turns each run of two or more spaces in a trimmed line into one TAB.
func columns(line string) string {
	if !strings.Contains(line, "  ") {
		return line
	}
	var b strings.Builder
	b.Grow(len(line))
	for i := 0; i < len(line); {
		if line[i] != ' ' {
			b.WriteByte(line[i])
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] == ' ' {
			j++
		}
		if j-i >= 2 {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		i = j
	}
	return b.String()
}

// capped is a writer that keeps the first max bytes written to it and discards the rest.
type capped struct {
	b   bytes.Buffer
	max int
}

// Write keeps what fits and reports everything as written, so the program writing never blocks or fails.
func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
