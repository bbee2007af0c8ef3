package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// xlsxType is the media type of Excel workbooks.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Cache policies of downloads: a person's case files never stay in a shared cache; public files may.
const (
	privateFile = "private, no-store"
	publicFile  = "public, max-age=300"
)

// attachmentHeaders sets the headers of a download: its type, its name (UTF-8, RFC 6266), how it may be cached,
// and a sandbox, so that a file opened in the browser is never a page of the site, whatever it contains.
func attachmentHeaders(w http.ResponseWriter, name, contentType, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	if cacheControl != "" {
		h.Set("Cache-Control", cacheControl)
	}
}

// sendFile sends a file as a download (attachmentHeaders) with its length.
func sendFile(w http.ResponseWriter, name, contentType, cacheControl string, data []byte) {
	attachmentHeaders(w, name, contentType, cacheControl)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// sendUpload sends a file someone uploaded: its declared type only when it is one of the accepted kinds.
func sendUpload(w http.ResponseWriter, name, contentType, cacheControl string, data []byte) {
	sendFile(w, name, attachmentType(contentType), cacheControl, data)
}

// serveCaseNotice sends a notice of the case (the {nid} of the path) as PDF or Word ({format}); publicOnly keeps
// to the notices the applicant is shown.
func (s *Server) serveCaseNotice(w http.ResponseWriter, r *http.Request, c *disclosure.Case, publicOnly bool) {
	id, ok := parseID(r.PathValue("nid"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	n, err := s.db.GetNotice(r.Context(), id)
	if err != nil || n.ApplicationID != c.ID || publicOnly && !n.Public {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	var data []byte
	var ct string
	switch r.PathValue("format") {
	case "pdf":
		data, ct = n.PDF, "application/pdf"
	case "docx":
		data, ct = n.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	default:
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	sendFile(w, n.Title+"（"+n.Number+"）."+r.PathValue("format"), ct, privateFile, data)
}

// idProofKind is the kind of a case file that copies the applicant's identity document.
const idProofKind = "id_proof"

// serveCaseFile sends a file of the case (the {fid} of the path); publicOnly keeps to the files provided to the
// applicant, and without idProof a copy of the applicant's identity document is refused (403).
func (s *Server) serveCaseFile(w http.ResponseWriter, r *http.Request, c *disclosure.Case, publicOnly, idProof bool) {
	id, ok := parseID(r.PathValue("fid"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	f, err := s.db.GetCaseFile(r.Context(), id)
	if err != nil || f.ApplicationID != c.ID || publicOnly && !f.Public {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if f.Kind == idProofKind && !idProof {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	sendUpload(w, f.Name, f.ContentType, privateFile, f.Data)
}
