package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/auth"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/issuing"
)

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
	DossierID   string    `json:"dossier_id,omitempty"` // a copy's dossier BSTL
}

func (s *Server) toDocJSON(r *http.Request, d issuing.Document) documentJSON {
	return documentJSON{d.ID, d.Code, d.Kind, d.Title, d.Office, d.RecordID, d.RecordVersion, d.Status, d.IssuedBy, d.IssuedAt,
		d.SignedBy, d.SignedAt, d.VerifyURL, d.RevokedAt, d.RevokeReason, d.RegisterRef, d.DossierID}
}

func writePDF(w http.ResponseWriter, name string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pdf)
}

// previewPDF shows the extract of the entry's current version (with kind=certificate, a birth's
// certificate) as it would be issued, marked as a preview. A GET issues nothing: issuing is a
// POST (…/extracts), so that a link followed from another site cannot make an officer issue.
func (s *Server) previewPDF(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	certificate := r.URL.Query().Get("kind") == "certificate"
	pdf, err := s.issuer.Preview(r.Context(), p, actorOf(r), r.PathValue("id"), certificate)
	if err != nil {
		return err
	}
	writePDF(w, "ban-xem-truoc-"+r.PathValue("id"), pdf)
	return nil
}

func (s *Server) apiIssueExtract(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	var req issuing.CopyRequest // a body is for a copy asked for later: who asked, the dossier
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	d, err := s.issuer.IssueExtract(r.Context(), p, actorOf(r), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toDocJSON(r, d))
	return nil
}

func (s *Server) apiIssueCertificate(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.issuer.IssueCertificate(r.Context(), p, actorOf(r), r.PathValue("id"))
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

func (s *Server) apiCancelDocument(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	d, err := s.issuer.Cancel(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toDocJSON(r, d))
	return nil
}

// apiSignDocuments signs several documents of the queue: {"ids": [...]}; each one's outcome is
// reported, with the reason of those that could not be signed.
func (s *Server) apiSignDocuments(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	res, err := s.issuer.SignMany(r.Context(), p, actorOf(r), in.IDs)
	if err != nil {
		return err
	}
	type outcome struct {
		ID       string        `json:"id"`
		Signed   bool          `json:"signed"`
		Document *documentJSON `json:"document,omitempty"`
		Error    string        `json:"error,omitempty"`
	}
	items := []outcome{}
	signed := 0
	for _, o := range res {
		item := outcome{ID: o.ID, Signed: o.Signed}
		if o.Signed {
			signed++
			dj := s.toDocJSON(r, o.Document)
			item.Document = &dj
		} else {
			_, _, item.Error, _ = s.describe(r, o.Error)
		}
		items = append(items, item)
	}
	writeJSON(w, http.StatusOK, map[string]any{"signed": signed, "failed": len(items) - signed, "items": items})
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
	from, to, err := s.reportPeriod(r)
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
	return s.renderDocuments(w, r, http.StatusOK, nil, nil)
}

// documentPeople names who issued and who signed the documents.
func (s *Server) documentPeople(r *http.Request, ds []issuing.Document) (map[string]account.Person, error) {
	var users []string
	for _, d := range ds {
		users = append(users, d.IssuedBy, d.SignedBy)
	}
	return s.accounts.People(r.Context(), users...)
}

// renderDocuments lists documents; a signer starts with what awaits signature, and may tick
// several of them (having opened each) and sign them at once. results is the outcome of that.
func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, code int, results []issuing.Outcome, problem map[string]string) error {
	p, _ := principalOf(r)
	q, err := documentQuery(r)
	if err != nil {
		return err
	}
	status := q.Status
	page := pageOf(r)
	q.Offset, q.Limit = (page-1)*listPageSize, listPageSize
	ds, more, err := s.issuer.Find(r.Context(), p, q)
	if err != nil {
		return err
	}
	people, err := s.documentPeople(r, ds)
	if err != nil {
		return err
	}
	var failed []map[string]string
	signed := 0
	for _, res := range results {
		if res.Signed {
			signed++
			continue
		}
		_, _, msg, _ := s.describe(r, res.Error)
		failed = append(failed, map[string]string{"Title": res.Title, "Subject": res.Subject, "Code": res.Code, "Error": msg})
	}
	s.render(w, r, code, "documents.html", map[string]any{"Docs": ds, "Status": status, "People": people, "OfficeName": s.officeName,
		"Q": q, "From": r.URL.Query().Get("from"), "To": r.URL.Query().Get("to"), "Pager": newPager(r, "/documents", page, more),
		"Offices": s.communes(), "Scoped": p.Scope() != "", "Kinds": documentKinds(),
		"ExportXLSX": exportURL(r, "/export/documents", "xlsx"), "ExportCSV": exportURL(r, "/export/documents", "csv"),
		"Statuses":    []string{issuing.StatusIssued, issuing.StatusSigned, issuing.StatusRevoked, issuing.StatusReplaced, issuing.StatusCancelled},
		"CanSignMany": status == issuing.StatusIssued && slices.ContainsFunc(ds, func(d issuing.Document) bool { return issuing.MayEndorse(p, d) == nil }),
		"Results":     results != nil, "SignedCount": signed, "Failed": failed, "Problem": problem})
	return nil
}

// signDocuments signs the documents ticked in the signer's queue.
func (s *Server) signDocuments(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	res, err := s.issuer.SignMany(r.Context(), p, actorOf(r), r.PostForm["id"])
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderDocuments(w, r, http.StatusBadRequest, nil, fields)
	}
	if err != nil {
		return err
	}
	return s.renderDocuments(w, r, http.StatusOK, res, nil)
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocument(w, r, http.StatusOK, nil)
}

// replacedBy lists the changes to the entry after a document was issued: why it no longer
// shows the entry as it is.
type change struct {
	Version int
	Change  string
	Fields  []string
	Reason  string
	By      string
	At      time.Time
}

func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	p, _ := principalOf(r)
	d, err := s.issuer.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var changes []change
	users := []string{d.IssuedBy, d.SignedBy, d.RevokedBy}
	if d.Status == issuing.StatusReplaced {
		rec, err := s.registry.Get(r.Context(), p, actorOf(r), d.RecordID)
		if err != nil {
			return err
		}
		hist, err := s.registry.History(r.Context(), p, rec)
		if err != nil {
			return err
		}
		for _, v := range hist {
			if v.Number > d.RecordVersion {
				var fields []string
				for _, f := range v.Fields {
					fields = append(fields, fieldName(langOf(r), f))
				}
				changes = append(changes, change{v.Number, string(v.Change), fields, v.Reason, v.Officer, v.At})
				users = append(users, v.Officer)
			}
		}
	}
	people, err := s.accounts.People(r.Context(), users...)
	if err != nil {
		return err
	}
	hasKey, err := s.issuer.HasKey(r.Context(), d.Office)
	if err != nil {
		return err
	}
	s.render(w, r, status, "document.html", map[string]any{"D": d, "People": people, "OfficeName": s.officeName[d.Office], "Changes": changes,
		"Certificate": document.IsCertificate(d.Kind),
		"CanSign":     issuing.MayEndorse(p, d) == nil && d.Status == issuing.StatusIssued, "HasKey": hasKey, "Civil": !issuing.Private(d.Kind),
		"CanRevoke": issuing.MayEndorse(p, d) == nil && d.Status == issuing.StatusSigned, "CanCancel": issuing.MayCancel(p, d),
		"CanReissue": d.Status == issuing.StatusReplaced && (!document.IsCertificate(d.Kind) || p.Allow(auth.WriteRecords, d.Office) == nil), "Errors": errs})
	return nil
}

// cancelDocument withdraws an issued, unsigned document with the reason.
func (s *Server) cancelDocument(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	_, err := s.issuer.Cancel(r.Context(), p, actorOf(r), r.PathValue("id"), r.PostForm.Get("reason"))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderDocument(w, r, http.StatusBadRequest, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+r.PathValue("id"), http.StatusSeeOther)
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
	if fields := fieldErrors(r, err); fields != nil {
		s.render(w, r, http.StatusBadRequest, "verify.html", map[string]any{"Problem": fields["file"]})
		return nil
	}
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
	p, _ := principalOf(r)
	keys, err := s.issuer.Keys(r.Context(), p)
	if err != nil {
		return err
	}
	s.render(w, r, status, "keys.html", map[string]any{"Keys": keys, "Offices": s.offices, "Problem": problem})
	return nil
}

func (s *Server) addKey(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	if err := parseMultipart(r, 1<<20); err != nil {
		if fields := fieldErrors(r, err); fields != nil {
			return s.renderKeys(w, r, http.StatusBadRequest, fields["file"])
		}
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
	var d issuing.Document
	var err error
	if r.FormValue("kind") == "certificate" {
		d, err = s.issuer.IssueCertificate(r.Context(), p, actorOf(r), r.PathValue("id"))
	} else {
		d, err = s.issuer.IssueExtract(r.Context(), p, actorOf(r), r.PathValue("id"),
			issuing.CopyRequest{Applicant: r.FormValue("applicant"), Dossier: r.FormValue("dossier")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+d.ID, http.StatusSeeOther)
	return nil
}
