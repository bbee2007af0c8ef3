package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// pdfTimeout caps one pdftotext run.
const pdfTimeout = 60 * time.Second

// gap is a run of two or more spaces inside a trimmed line of pdftotext -layout output: a column boundary.
var gap = regexp.MustCompile(` {2,}`)

// pdfText runs Debian's pdftotext (poppler-utils) in layout mode and turns column gaps into TABs so table rows look
// like the rows of HTML and DOCX sources.
func pdfText(ctx context.Context, data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoPDFTool
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", errors.New("PDF 文件读取超时")
		}
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return "", fmt.Errorf("PDF 文件无法读取（可能已损坏或加密）：%s", msg)
	}
	lines := strings.Split(normalizeNewlines(strings.ToValidUTF8(out.String(), "\uFFFD")), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		lines[i] = gap.ReplaceAllString(l, "\t")
	}
	return strings.Join(lines, "\n"), nil
}
