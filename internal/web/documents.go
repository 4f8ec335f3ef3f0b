package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
	"tuphap/internal/store"
)

// DemoKeys gives the demo offices demo signing keys (serve --demo).
func (s *Server) DemoKeys(ctx context.Context, offices []string) error {
	return s.issuer.EnsureDemoKeys(ctx, offices)
}

type documentJSON struct {
	ID          string    `json:"id"`
	Code        string    `json:"code"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Office      string    `json:"office"`
	RecordID    string    `json:"record_id"`
	Version     int       `json:"record_version"`
	Status      string    `json:"status"`
	IssuedBy    string    `json:"issued_by"`
	IssuedAt    time.Time `json:"issued_at"`
	SignedBy    string    `json:"signed_by,omitempty"`
	SignedAt    time.Time `json:"signed_at,omitzero"`
	VerifyURL   string    `json:"verify_url"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
	Reason      string    `json:"revoke_reason,omitempty"`
	RegisterRef string    `json:"register"`
}

func (s *Server) toDocJSON(r *http.Request, d store.Document) documentJSON {
	return documentJSON{d.ID, d.Code, d.Kind, d.Title, d.Office, d.RecordID, d.RecordVersion, d.Status, d.IssuedBy, d.IssuedAt,
		d.SignedBy, d.SignedAt, issuing.VerifyURL(s.baseURL(r), d.Code), d.RevokedAt, d.RevokeReason, d.RegisterRef}
}

func writePDF(w http.ResponseWriter, name string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pdf)
}

// extractPDF issues an extract of the entry's current version, with its verification QR code,
// and serves it unsigned; the signer of the office signs it from the documents page.
func (s *Server) extractPDF(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.IssueExtract(r.Context(), p, actorOf(r), r.PathValue("id"), s.baseURL(r))
	if err != nil {
		return err
	}
	writePDF(w, "trich-luc-"+d.Code, d.PDF)
	return nil
}

func (s *Server) apiIssueExtract(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.IssueExtract(r.Context(), p, actorOf(r), r.PathValue("id"), s.baseURL(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toDocJSON(r, d))
	return nil
}

func (s *Server) apiIssueCertificate(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.IssueBirthCertificate(r.Context(), p, actorOf(r), r.PathValue("id"), s.baseURL(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toDocJSON(r, d))
	return nil
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ds, err := s.issuer.List(r.Context(), p, r.URL.Query().Get("status"), r.URL.Query().Get("record"))
	if err != nil {
		return err
	}
	items := []documentJSON{}
	for _, d := range ds {
		items = append(items, s.toDocJSON(r, d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(items)})
	return nil
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDocJSON(r, d))
	return nil
}

func (s *Server) documentFile(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writePDF(w, d.Kind+"-"+d.Code, issuing.File(d))
	return nil
}

func (s *Server) apiSignDocument(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.Sign(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDocJSON(r, d))
	return nil
}

func (s *Server) apiRevokeDocument(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	d, err := s.issuer.Revoke(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDocJSON(r, d))
	return nil
}

// readPDF takes an uploaded PDF: a multipart "file" field, or the raw body.
// maxVerifyBody is the largest PDF anyone may upload to be checked: the documents tuphap issues
// are well under 200 KB, and the check is open to all.
const maxVerifyBody = 1 << 20

func readPDF(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyBody)
	var body io.Reader = r.Body
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f, _, err := r.FormFile("file")
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		if err != nil {
			return nil, invalidFields(map[string]string{"file": "verify.no_file"})
		}
		defer f.Close()
		body = f
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, invalidFields(map[string]string{"file": "verify.no_file"})
	}
	return b, nil
}

func (s *Server) apiVerifyUpload(w http.ResponseWriter, r *http.Request) error {
	pdf, err := readPDF(w, r)
	if err != nil {
		return err
	}
	u, err := s.issuer.VerifyUpload(r.Context(), pdf)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiVerifyCode(w http.ResponseWriter, r *http.Request) error {
	c, err := s.issuer.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiSignedShare(w http.ResponseWriter, r *http.Request) error {
	from, to, err := s.period(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	sh, err := s.issuer.SignedShare(r.Context(), p, from, to, r.URL.Query().Get("office"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sh)
	return nil
}

// Pages.

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	status := r.URL.Query().Get("status")
	if status == "" && p.Can(auth.SignDocuments) {
		status = store.DocIssued // a signer starts with what awaits signature
	}
	ds, err := s.issuer.List(r.Context(), p, status, "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "documents.html", map[string]any{"Docs": ds, "Status": status,
		"Statuses": []string{store.DocIssued, store.DocSigned, store.DocRevoked, store.DocReplaced}})
	return nil
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocument(w, r, http.StatusOK, nil)
}

func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	p, _ := principalOf(r)
	d, err := s.issuer.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	_, hasKey := s.store.ActiveKey(r.Context(), d.Office)
	s.render(w, r, status, "document.html", map[string]any{"D": d, "VerifyURL": issuing.VerifyURL(s.baseURL(r), d.Code),
		"CanSign": p.Allow(auth.SignDocuments, d.Office) == nil && d.Status == store.DocIssued, "HasKey": hasKey == nil,
		"CanRevoke": p.Allow(auth.SignDocuments, d.Office) == nil && (d.Status == store.DocIssued || d.Status == store.DocSigned), "Errors": errs})
	return nil
}

func (s *Server) signDocument(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	if _, err := s.issuer.Sign(r.Context(), p, actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+r.PathValue("id")+"?signed=1", http.StatusSeeOther)
	return nil
}

func (s *Server) revokeDocument(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	_, err := s.issuer.Revoke(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("reason"))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderDocument(w, r, http.StatusBadRequest, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// verifyPage is public: anyone who scans the QR code lands here.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{}
	status := http.StatusOK
	if code := r.PathValue("code"); code != "" {
		c, err := s.issuer.Verify(r.Context(), code)
		if err != nil {
			status, _, data["Problem"], _ = s.describe(r, err)
		} else {
			data["C"] = c
		}
	}
	s.render(w, r, status, "verify.html", data)
	return nil
}

func (s *Server) verifyUploadPage(w http.ResponseWriter, r *http.Request) error {
	pdf, err := readPDF(w, r)
	if err != nil {
		if fields := fieldErrors(r, err); fields != nil {
			s.render(w, r, http.StatusBadRequest, "verify.html", map[string]any{"Problem": fields["file"]})
			return nil
		}
		return err
	}
	u, err := s.issuer.VerifyUpload(r.Context(), pdf)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "verify.html", map[string]any{"U": u})
	return nil
}

func (s *Server) keysPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderKeys(w, r, http.StatusOK, "")
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	keys, err := s.store.SigningKeys(r.Context(), "")
	if err != nil {
		return err
	}
	s.render(w, r, status, "keys.html", map[string]any{"Keys": keys, "Offices": s.offices, "Problem": problem})
	return nil
}

func (s *Server) addKey(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return err
	}
	office := r.FormValue("office")
	var err error
	if r.FormValue("action") == "demo" {
		_, err = s.issuer.DemoKey(r.Context(), p, actorOf(r), office)
	} else {
		f, _, ferr := r.FormFile("file")
		if ferr != nil {
			return s.renderKeys(w, r, http.StatusBadRequest, s.message(r, fault.New(fault.Invalid, "verify.no_file")))
		}
		defer f.Close()
		data, rerr := io.ReadAll(f)
		if rerr != nil {
			return rerr
		}
		_, err = s.issuer.ImportKey(r.Context(), p, actorOf(r), office, data, r.FormValue("password"))
	}
	if fields := fieldErrors(r, err); fields != nil {
		var msgs []string
		for _, m := range fields {
			msgs = append(msgs, m)
		}
		return s.renderKeys(w, r, http.StatusBadRequest, strings.Join(msgs, " "))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
	return nil
}

// issueExtractPage issues an extract (or, with kind=certificate, a birth certificate) from the
// entry's page and opens the document for review.
func (s *Server) issueExtractPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	issue := s.issuer.IssueExtract
	if r.FormValue("kind") == "certificate" {
		issue = s.issuer.IssueBirthCertificate
	}
	d, err := issue(r.Context(), p, actorOf(r), r.PathValue("id"), s.baseURL(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+d.ID, http.StatusSeeOther)
	return nil
}
