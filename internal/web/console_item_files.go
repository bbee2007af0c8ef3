package web

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // items may carry GIF images as well as JPEG and PNG
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report/importer/textract"
)

// maxItemUpload is the largest attachment of an item.
const maxItemUpload = 20 << 20

// maxAttachmentText bounds the text kept of one attachment; the store indexes the first 30,000 characters of an
// item anyway, and the rest only costs space.
const maxAttachmentText = 200_000

// The content types of the attachments an item may have.
const (
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typeTXT  = "text/plain; charset=utf-8"
)

// itemFileRow is an attachment as the console lists it: the file and where it stands.
type itemFileRow struct {
	disclosure.ItemAttachment
	State string
}

// StateName says whether the public sees the file.
func (f itemFileRow) StateName() string {
	switch f.State {
	case "draft":
		return "未公开（随发布公开）"
	case "removing":
		return "公开中（更正发布后删除）"
	}
	return "已公开"
}

// SizeText is the file's size for people.
func (f itemFileRow) SizeText() string {
	switch {
	case f.Size >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(f.Size)/(1<<20))
	case f.Size >= 1<<10:
		return fmt.Sprintf("%d KB", f.Size>>10)
	}
	return fmt.Sprintf("%d 字节", f.Size)
}

func (s *Server) itemFileRows(r *http.Request, itemID int64) ([]itemFileRow, error) {
	files, states, err := s.db.ItemAttachments(r.Context(), itemID, false)
	if err != nil {
		return nil, err
	}
	out := make([]itemFileRow, len(files))
	for i := range files {
		out[i] = itemFileRow{files[i], states[i]}
	}
	return out, nil
}

// itemUploadedFile reads an item's attachment and checks it is what it claims — a PDF with its header and trailer,
// a Word (DOCX) or Excel (XLSX) workbook, a JPEG, PNG or GIF image that decodes, or UTF-8 text — at most 20 MB. The
// type is taken from the bytes, never from the name. The text of documents is extracted for search; a file whose
// text cannot be read is kept with a warning (a scanned PDF is still worth publishing).
func itemUploadedFile(r *http.Request) (*disclosure.ItemAttachment, string, error) {
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "请选择要上传的文件")
	}
	if err != nil {
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "无法读取上传的文件，请重新选择")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxItemUpload+1))
	switch {
	case err != nil:
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "无法读取上传的文件，请重新选择")
	case len(data) == 0:
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "上传的文件是空的，请重新选择")
	case len(data) > maxItemUpload:
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "附件不能超过 20 MB，请压缩或拆分后上传")
	}
	name := cleanFileName(h.Filename)
	a := &disclosure.ItemAttachment{Name: name, Data: data}
	warn := ""
	extract := func() {
		t, err := textract.Extract(r.Context(), name, data)
		if err != nil {
			warn = fmt.Sprintf("附件“%s”已保存，但未能提取其中的文字（%s），检索时只能按标题和正文找到本信息。", name, err.Error())
			return
		}
		a.Text = t.Body
	}
	switch ct := http.DetectContentType(data); {
	case ct == "application/pdf":
		if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
			return nil, "", disclosure.Errorf(disclosure.EInvalid, "上传的 PDF 文件不完整，请重新导出后上传")
		}
		a.ContentType = ct
		extract()
	case ct == "application/zip":
		kind := officeKind(data)
		switch kind {
		case typeDOCX:
			t, err := textract.Extract(r.Context(), name, data)
			if err != nil {
				return nil, "", disclosure.Errorf(disclosure.EInvalid, "Word 文件无法读取（%s），请用 Word 重新保存为 DOCX 后上传", err.Error())
			}
			a.Text = t.Body
		case typeXLSX:
			text, err := workbookText(data)
			if err != nil {
				return nil, "", disclosure.Errorf(disclosure.EInvalid, "Excel 文件无法读取，请用 Excel 或 WPS 重新保存为 XLSX 后上传")
			}
			a.Text = text
		default:
			return nil, "", disclosure.Errorf(disclosure.EInvalid, "压缩包不能作为附件上传，只能上传 PDF、Word（DOCX）、Excel（XLSX）、图片或文本文件")
		}
		a.ContentType = kind
	case ct == "image/jpeg" || ct == "image/png" || ct == "image/gif":
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			return nil, "", disclosure.Errorf(disclosure.EInvalid, "上传的图片已损坏或格式不正确，请重新导出后上传")
		}
		a.ContentType = ct
	case strings.HasPrefix(ct, "text/plain") && strings.HasSuffix(strings.ToLower(name), ".txt"):
		a.ContentType = typeTXT
		extract()
	case ct == "application/msword" || bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "这是旧版 Office 文件（.doc/.xls），请另存为 DOCX 或 XLSX 后上传")
	default:
		return nil, "", disclosure.Errorf(disclosure.EInvalid, "只能上传 PDF、Word（DOCX）、Excel（XLSX）、JPG、PNG、GIF 图片或 TXT 文本（所选文件不是这几种格式）")
	}
	if utf8.RuneCountInString(a.Text) > maxAttachmentText {
		a.Text = string([]rune(a.Text)[:maxAttachmentText])
	}
	return a, warn, nil
}

// officeKind tells a Word document from an Excel workbook by the parts the ZIP archive holds ("" for neither).
func officeKind(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return typeDOCX
		case "xl/workbook.xml":
			return typeXLSX
		}
	}
	return ""
}

// workbookText is the text of every sheet of a workbook: a sheet's name, then its rows with the cells joined by
// TABs. Unzipping is bounded against hostile files, and reading stops at maxAttachmentText.
func workbookText(data []byte) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("web: read workbook: %v", p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 50 << 20})
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			return "", err
		}
		b.WriteString(sheet)
		b.WriteByte('\n')
		for rows.Next() && b.Len() < 4*maxAttachmentText {
			cols, err := rows.Columns()
			if err != nil {
				rows.Close()
				return "", err
			}
			if line := strings.TrimSpace(strings.Join(cols, "\t")); line != "" {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
		rows.Close()
	}
	return b.String(), nil
}

// itemUpload adds an attachment to a draft or to a correction being prepared.
func (s *Server) itemUpload(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	if who&catalogue.ByOfficer == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	fail := func(status int, err error) { s.itemFailure(w, r, it, a, who, status, err) }
	r.Body = http.MaxBytesReader(w, r.Body, maxItemUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(http.StatusRequestEntityTooLarge, disclosure.Errorf(disclosure.EInvalid, "附件不能超过 20 MB，请压缩或拆分后上传"))
		return
	}
	file, warn, err := itemUploadedFile(r)
	if err == nil {
		file.ItemID = it.ID
		// The store refuses new files of a published item outside a correction, with a message that says so.
		err = s.db.AddItemAttachment(r.Context(), actorOf(s.currentUser(r), r), file)
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		fail(errorStatus(err), err)
		return
	}
	if warn != "" {
		s.sessions.Put(r.Context(), "item_warnings", warn)
	}
	http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit#attachments", it.ID), http.StatusSeeOther)
}

// itemRemoveAttachment removes a file: at once if it is not public yet, with the correction if it is.
func (s *Server) itemRemoveAttachment(w http.ResponseWriter, r *http.Request) {
	it, a, who, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	if who&catalogue.ByOfficer == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	id, ok := parseID(r.PathValue("att"))
	att, _, err := s.db.GetItemAttachment(r.Context(), id)
	if !ok || err != nil || att.ItemID != it.ID {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.db.RemoveItemAttachment(r.Context(), actorOf(s.currentUser(r), r), id); err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		s.itemFailure(w, r, it, a, who, errorStatus(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/items/%d/edit#attachments", it.ID), http.StatusSeeOther)
}

// itemAttachment sends a file of an item to staff, published or not.
func (s *Server) itemAttachment(w http.ResponseWriter, r *http.Request) {
	it, _, _, ok := s.loadConsoleItem(w, r)
	if !ok {
		return
	}
	id, ok := parseID(r.PathValue("att"))
	att, _, err := s.db.GetItemAttachment(r.Context(), id)
	if !ok || err != nil || att.ItemID != it.ID {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	sendUpload(w, att.Name, att.ContentType, privateFile, att.Data)
}
