// Package issuing issues documents (extracts, receipt slips, later certificates): it renders
// them with a QR code of their verification address, has them signed by the signer of the
// issuing office with that office's key, revokes them, and answers anyone who checks one.
package issuing

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/registration"
	"tuphap/internal/signing"
	"tuphap/internal/store"
	"tuphap/internal/units"
	"tuphap/internal/vntext"
)

// Service issues and signs documents.
type Service struct {
	store    *store.Store
	docs     repo
	registry *registration.Service
	people   *account.Service
	units    *units.Registry
	master   []byte // seals the private keys at rest
	// publicURL is the site's public address, printed on paper and in QR codes. It comes from
	// configuration, never from a request: a forged Host header must not put another site's
	// address on a signed certificate.
	publicURL string
	// verifying holds the one place where an uploaded PDF is parsed (bounded.go).
	verifying chan struct{}
	// Layouts lay out the documents other domains own, by kind (set at wiring).
	Layouts map[string]Layout
	// Signed run in a signature's transaction, by kind: what it brings about in the document's
	// domain (an outgoing letter published to its recipients), all or nothing with it.
	Signed map[string]func(*store.Tx, Document) error
	// Revoked run in a revocation's transaction, by kind (a published letter withdrawn).
	Revoked map[string]func(*store.Tx, Document) error
	// SelfSign lists the offices where a signer may sign a document they issued themself (a
	// one-person office). Elsewhere the roles keep issuing and signing apart, and this check
	// still holds for a user whose role changed after issuing. Set before serving.
	SelfSign map[string]bool
}

// New returns the service; master is the 32-byte key that seals signing keys, publicURL the
// address citizens reach ("https://tuphap.quangngai.gov.vn"), or "" when none is configured, in
// which case nothing that prints an address can be issued.
func New(st *store.Store, reg *registration.Service, u *units.Registry, master []byte, publicURL string) *Service {
	// Documents issued from earlier versions of an entry no longer show it as it is.
	reg.OnNewVersion(replaceOlder)
	return &Service{store: st, docs: repo{st}, registry: reg, people: account.New(st), units: u, master: master,
		publicURL: strings.TrimRight(publicURL, "/"), verifying: make(chan struct{}, 1), Layouts: map[string]Layout{},
		Signed: map[string]func(*store.Tx, Document) error{}, Revoked: map[string]func(*store.Tx, Document) error{}}
}

// newCode is a document's public code: 100 random bits, unguessable, in base32 without the
// letters that are easily confused.
func newCode() string {
	b := make([]byte, 13)
	rand.Read(b)
	return strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// VerifyURL is the public address of a document's check.
func VerifyURL(base, code string) string { return strings.TrimRight(base, "/") + "/verify/" + code }

// TrackURL is the public address where a citizen follows a dossier.
func TrackURL(base, code string) string { return strings.TrimRight(base, "/") + "/track/" + code }

// public is the configured public address, or the error that says it is missing.
func (s *Service) public() (string, error) {
	if s.publicURL == "" {
		return "", fault.New(fault.Conflict, "document.no_public_url")
	}
	return s.publicURL, nil
}

// Kind says which document of an entry: its extract, or the original certificate of a kind
// that has one (a birth's giấy khai sinh, a marriage's giấy chứng nhận kết hôn).
func kindOf(rec civil.Record, certificate bool) (document.Template, error) {
	kind := document.ExtractKind(rec.Kind)
	if certificate {
		kind = document.CertificateKind(rec.Kind)
		if _, err := document.Lookup(kind); err != nil {
			return document.Template{}, fault.New(fault.Invalid, "document.no_certificate")
		}
		// A marriage ended by a divorce has no certificate any more: an extract says both.
		if rec.Marriage != nil && rec.Marriage.Divorce != nil {
			return document.Template{}, fault.New(fault.Conflict, "document.marriage_ended")
		}
		// A certificate for marrying that served its marriage serves no other.
		if rec.MaritalStatus != nil && rec.MaritalStatus.UsedFor != "" {
			return document.Template{}, fault.New(fault.Conflict, "document.marital_used")
		}
	}
	t, err := document.Lookup(kind)
	if err != nil {
		return t, &fault.Error{Kind: fault.Invalid, Code: "document.kind_unsupported", Err: err}
	}
	return t, nil
}

// Preview lays out an entry's extract (or its certificate) as it would be issued, marked
// as a preview across the page, without a code or QR code: it issues and stores nothing.
func (s *Service) Preview(ctx context.Context, p auth.Principal, by audit.Actor, recordID string, certificate bool) ([]byte, error) {
	rec, err := s.registry.Get(ctx, p, by, recordID)
	if err != nil {
		return nil, err
	}
	tmpl, err := kindOf(rec, certificate)
	if err != nil {
		return nil, err
	}
	return s.render(ctx, Document{Kind: tmpl.Kind, Office: rec.Office}, rec, s.store.Now(), "", document.Preview)
}

// CopyRequest is who asked for a copy of an extract, and the dossier received for it if one
// was (Law 60/2014 art. 63–64; procedure BSTL).
type CopyRequest struct {
	Applicant string `json:"applicant,omitempty"` // the entry's person when not given
	Dossier   string `json:"dossier,omitempty"`
}

// IssueExtract issues an extract of an entry's current version, unsigned until a signer signs
// it. An extract issued by its office on the day the entry was made goes with the registration;
// any other is a copy asked for later (bản sao trích lục), whose dossier BSTL, received before
// (req.Dossier) or opened now, is settled with the issue, so the on-time report counts copies.
func (s *Service) IssueExtract(ctx context.Context, p auth.Principal, by audit.Actor, recordID string, req CopyRequest) (Document, error) {
	return s.issueFromRecord(ctx, p, by, recordID, false, &req)
}

// IssueCertificate issues the original certificate of an entry: a birth's giấy khai sinh, a
// marriage's giấy chứng nhận kết hôn.
func (s *Service) IssueCertificate(ctx context.Context, p auth.Principal, by audit.Actor, recordID string) (Document, error) {
	return s.issueFromRecord(ctx, p, by, recordID, true, nil)
}

// vnDay is a moment's day in Vietnam.
func vnDay(t time.Time) string { return t.In(calendar.Vietnam).Format(civil.DateFormat) }

// copyProcedure is the procedure of a copy of an extract.
const copyProcedure = "BSTL"

func (s *Service) issueFromRecord(ctx context.Context, p auth.Principal, by audit.Actor, recordID string, certificate bool, copyReq *CopyRequest) (Document, error) {
	base, err := s.public()
	if err != nil {
		return Document{}, err
	}
	rec, err := s.registry.Get(ctx, p, by, recordID)
	if err != nil {
		return Document{}, err
	}
	tmpl, err := kindOf(rec, certificate)
	if err != nil {
		return Document{}, err
	}
	if certificate {
		// The original certificate is issued by the registering office, once the entry is made.
		if err := p.Allow(auth.WriteRecords, rec.Office); err != nil {
			return Document{}, err
		}
	}
	code := newCode()
	d := Document{Code: code, Kind: tmpl.Kind, Title: tmpl.Title, Office: rec.Office, RecordID: rec.ID, RecordVersion: rec.Version,
		Subject: rec.Subject().FullName, RegisterRef: fmt.Sprintf("Số %d, quyển %s/%d", rec.Register.Number, rec.Register.Book, rec.Register.Year),
		VerifyURL: VerifyURL(base, code)}
	pdf, err := s.render(ctx, d, rec, s.store.Now(), "", document.Unsigned)
	if err != nil {
		return Document{}, err
	}
	d.PDF, d.SHA256 = pdf, sum(pdf)
	var then func(*store.Tx, *Document) error
	if copyReq != nil && (copyReq.Dossier != "" || vnDay(rec.CreatedAt) != vnDay(s.store.Now())) {
		applicant := strings.TrimSpace(copyReq.Applicant)
		if applicant == "" {
			applicant = rec.Subject().FullName
		}
		settle, err := s.registry.Settling(ctx, strings.TrimSpace(copyReq.Dossier), copyProcedure, rec.Office, rec.ID, applicant, by)
		if err != nil {
			return Document{}, err
		}
		then = func(tx *store.Tx, d *Document) error { // the copy's dossier, settled with it
			dd, err := settle(tx, d.RecordID)
			d.DossierID = dd.ID
			return err
		}
	}
	// The document is the issued copy: counting extracts counts these (repo.extractCount).
	return d, s.docs.issue(ctx, &d, by, then)
}

// Layout lays out a document that another domain owns (a judicial-record certificate) for its
// signer ("" before signing) and with its mark; the domain registers one per kind in Layouts.
type Layout func(ctx context.Context, d Document, signer string, mark document.Mark) ([]byte, error)

// privatePrefix starts the kinds of documents that carry sensitive personal data (judicial
// records, Law 91/2025): only their domain's role and the signers see them.
const privatePrefix = "judicial_"

// Private says whether a kind of document carries sensitive personal data of a domain other
// than civil status (no entry of the register behind it).
func Private(kind string) bool { return strings.HasPrefix(kind, privatePrefix) }

// seesPrivate: the judicial-record officers, and the signers who sign their certificates.
func seesPrivate(p auth.Principal) bool {
	return p.Can(auth.JudicialRecords) || p.Can(auth.SignDocuments)
}

// Issue issues a document of another domain: it gets its code and QR code here, is laid out
// unsigned by draft (its domain's rows are written only with it), waits for its office's
// signer like any other, who signs it as the kind's registered Layout lays it out; then runs
// in the issue's transaction (the domain's own rows, a dossier settled). The caller has
// checked the rights of its domain.
func (s *Service) Issue(ctx context.Context, by audit.Actor, d Document, draft func(Document) ([]byte, error), then func(*store.Tx, *Document) error) (Document, error) {
	base, err := s.public()
	if err != nil {
		return Document{}, err
	}
	if _, ok := s.Layouts[d.Kind]; !ok {
		return Document{}, &fault.Error{Kind: fault.Invalid, Code: "document.kind_unsupported", Err: fmt.Errorf("no layout for %s", d.Kind)}
	}
	d.Code = newCode()
	d.VerifyURL, d.IssuedAt = VerifyURL(base, d.Code), s.store.Now()
	if d.PDF, err = draft(d); err != nil {
		return Document{}, err
	}
	d.SHA256 = sum(d.PDF)
	return d, s.docs.issue(ctx, &d, by, then)
}

// render lays out a document of an entry; signer is "" until it is signed. The officers of the
// marginal notes are named by their full names and titles.
func (s *Service) render(ctx context.Context, d Document, rec civil.Record, issued time.Time, signer string, mark document.Mark) ([]byte, error) {
	hist, err := s.registry.Versions(ctx, rec)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, v := range hist {
		names = append(names, v.Officer)
	}
	people, err := s.people.People(ctx, names...)
	if err != nil {
		return nil, err
	}
	for i := range hist {
		hist[i].Officer = people[hist[i].Officer].String()
	}
	office, err := s.people.Office(ctx, rec.Office)
	if err != nil {
		return nil, err
	}
	return document.Render(d.Kind, document.Data{Record: rec, History: hist, Office: office.Name, Province: "tỉnh " + s.units.Province().Name,
		IssuedAt: issued.In(calendar.Vietnam), VerifyURL: d.VerifyURL, Signer: signer, Mark: mark})
}

// ReceiptSlip lays out the receipt slip of a dossier received by the named officer; its QR code
// and link lead to the dossier's public status page.
func (s *Service) ReceiptSlip(ctx context.Context, d dossier.Dossier, receivedBy string) ([]byte, error) {
	base, err := s.public()
	if err != nil {
		return nil, err
	}
	proc, err := dossier.ProcedureByCode(d.Procedure)
	if err != nil {
		return nil, err
	}
	office, err := s.people.Office(ctx, d.Office)
	if err != nil {
		return nil, err
	}
	people, err := s.people.People(ctx, receivedBy)
	if err != nil {
		return nil, err
	}
	track := TrackURL(base, d.Code)
	return document.ReceiptSlip(document.ReceiptData{Dossier: d, Procedure: proc, Office: office.Name, Province: "tỉnh " + s.units.Province().Name,
		Officer: people[receivedBy].FullName, TrackURL: track, VerifyURL: track})
}

// Get returns a document the caller may see.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Document, error) {
	d, err := s.docs.byID(ctx, id)
	if err != nil {
		return d, err
	}
	if Private(d.Kind) && !seesPrivate(p) {
		return Document{}, fault.New(fault.NotFound, "document.not_found")
	}
	return d, p.Allow(auth.ViewRecords, d.Office)
}

// Delivered reads a document another domain has delivered to its reader, the reader's right
// checked by that domain (a letter published to a commune).
func (s *Service) Delivered(ctx context.Context, id string) (Document, error) {
	return s.docs.byID(ctx, id)
}

// File is the PDF as delivered: signed when signed.
func File(d Document) []byte {
	if len(d.SignedPDF) > 0 {
		return d.SignedPDF
	}
	return d.PDF
}

// ListLimit is how many documents a list holds at most.
const ListLimit = 200

// List lists documents in the caller's jurisdiction, at most ListLimit.
func (s *Service) List(ctx context.Context, p auth.Principal, status, recordID string) ([]Document, error) {
	ds, _, err := s.Find(ctx, p, Query{Status: status, RecordID: recordID, Limit: ListLimit})
	return ds, err
}

// Query selects documents for a list a clerk works with: by office, status, kind, record and
// the period they were issued in, newest or oldest first, a page at a time.
type Query struct {
	Office, Status, Kind, RecordID string
	From, To                       time.Time // issued at or after From, before To; zero: open
	Oldest                         bool
	Offset, Limit                  int
	public                         bool // leave out the private kinds (set for who may not see them)
}

// MaxPage is the most documents one call returns (an export asks for it).
const MaxPage = 5000

// Find lists the documents q selects within the caller's jurisdiction, and whether there are
// more after them.
func (s *Service) Find(ctx context.Context, p auth.Principal, q Query) ([]Document, bool, error) {
	if err := p.Allow(auth.ViewRecords, q.Office); err != nil {
		return nil, false, err
	}
	if scope := p.Scope(); scope != "" {
		q.Office = scope
	}
	if q.Limit <= 0 || q.Limit > MaxPage {
		q.Limit = ListLimit
	}
	q.Offset = max(q.Offset, 0)
	q.public = !seesPrivate(p)
	ds, err := s.docs.find(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(ds) > q.Limit {
		return ds[:q.Limit], true, nil
	}
	return ds, false, nil
}

// Count counts the caller's documents of a status, up to limit (a home page shows "200+").
func (s *Service) Count(ctx context.Context, p auth.Principal, status string, limit int) (int, error) {
	if err := p.Allow(auth.ViewRecords, ""); err != nil {
		return 0, err
	}
	return s.docs.count(ctx, Query{Office: p.Scope(), Status: status, Limit: limit, public: !seesPrivate(p)})
}

// Export lists up to MaxPage documents q selects for a spreadsheet, and whether there were
// more; it audits the export: the list leaves tuphap with the names of the people the
// documents are about.
func (s *Service) Export(ctx context.Context, p auth.Principal, by audit.Actor, q Query) ([]Document, bool, error) {
	q.Offset, q.Limit = 0, MaxPage
	ds, more, err := s.Find(ctx, p, q)
	if err != nil {
		return nil, false, err
	}
	if scope := p.Scope(); scope != "" {
		q.Office = scope // as Find read it
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(calendar.Vietnam).Format(time.RFC3339)
	}
	detail := fmt.Sprintf("office=%s status=%s kind=%s issued_from=%s issued_before=%s rows=%d more=%v", q.Office, q.Status, q.Kind,
		at(q.From), at(q.To), len(ds), more)
	return ds, more, s.store.Audit(ctx, by.Entry("document.export", "documents", detail))
}

// Sign signs an issued document with its office's active key. Only the signer of that office
// may, having reviewed it; the signature is audited.
func (s *Service) Sign(ctx context.Context, p auth.Principal, by audit.Actor, id string) (Document, error) {
	d, err := s.docs.byID(ctx, id)
	if err != nil {
		return d, err
	}
	if err := MayEndorse(p, d); err != nil {
		return d, err
	}
	if d.Status != StatusIssued {
		return d, fault.New(fault.Conflict, "document.not_signable")
	}
	if d.IssuedBy == p.Username && !s.SelfSign[d.Office] {
		return d, fault.New(fault.Forbidden, "document.self_sign")
	}
	k, err := s.docs.activeKey(ctx, d.Office)
	if fault.Is(err, fault.NotFound) {
		return d, fault.New(fault.Conflict, "key.none")
	}
	if err != nil {
		return d, err
	}
	signer, err := s.open(k)
	if err != nil {
		return d, err
	}
	// The signed paper carries the signer's name under the title, as the reviewed draft could
	// not: it is laid out again from the same entry version (or by its domain), then signed.
	var final []byte
	if layout, ok := s.Layouts[d.Kind]; ok {
		final, err = layout(ctx, d, p.FullName, document.Final)
	} else {
		var rec civil.Record
		if rec, err = s.registry.Entry(ctx, d.RecordID); err != nil {
			return d, err
		}
		if rec.Version != d.RecordVersion {
			return d, fault.New(fault.Conflict, "document.not_signable")
		}
		final, err = s.render(ctx, d, rec, d.IssuedAt, p.FullName, document.Final)
	}
	if err != nil {
		return d, err
	}
	signed, err := signing.SignPDF(final, signer, signing.Info{Name: p.FullName, Location: s.units.Province().Name,
		Reason: "Ký " + strings.ToLower(d.Title), Time: s.store.Now()})
	if err != nil {
		return d, err
	}
	return d, s.docs.sign(ctx, &d, signed, sum(signed), k.ID, by, s.Signed[d.Kind])
}

// MayEndorse: the signer of the document's office signs or revokes it; a department's signer
// (its leader) the department's documents only.
func MayEndorse(p auth.Principal, d Document) error {
	if err := p.Allow(auth.SignDocuments, d.Office); err != nil {
		return err
	}
	if !p.Role.AtCommune() && d.Office != p.Office {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	return nil
}

func (s *Service) open(k SigningKey) (signing.Signer, error) {
	der, err := signing.Open(s.master, k.KeySealed)
	if err != nil {
		return nil, err
	}
	key, err := signing.ParseKey(der)
	if err != nil {
		return nil, err
	}
	certs, err := signing.ParseCertsPEM([]byte(k.CertPEM + k.ChainPEM))
	if err != nil || len(certs) == 0 {
		return nil, fmt.Errorf("issuing: key %s: bad certificate: %v", k.ID, err)
	}
	return signing.NewSoftware(key, certs[0], certs[1:])
}

// Revoke withdraws a document (a signer of its office), with the reason.
func (s *Service) Revoke(ctx context.Context, p auth.Principal, by audit.Actor, id, reason string) (Document, error) {
	d, err := s.docs.byID(ctx, id)
	if err != nil {
		return d, err
	}
	if err := MayEndorse(p, d); err != nil {
		return d, err
	}
	if problem := reasonProblem(reason); problem != "" {
		return d, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": problem}}
	}
	if d.Status != StatusSigned {
		// An unsigned copy never had value: it is cancelled (Cancel), which also keeps it out
		// of the count of documents issued.
		return d, fault.New(fault.Conflict, "document.not_revocable")
	}
	return d, s.docs.revoke(ctx, &d, strings.TrimSpace(reason), by, s.Revoked[d.Kind])
}

// maxReason bounds a free-text reason: a reason is a sentence or two on paper and in the log.
const maxReason = 500

func reasonProblem(reason string) string {
	switch r := strings.TrimSpace(reason); {
	case r == "":
		return "civil.required"
	case len([]rune(r)) > maxReason:
		return "document.reason_too_long"
	}
	return ""
}

// Cancel withdraws a document issued but not yet signed (the officers and the signer of its
// office), with the reason: a copy issued by mistake never reaches the signer's queue again.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, by audit.Actor, id, reason string) (Document, error) {
	d, err := s.Get(ctx, p, id) // another commune's document, or a private one, is not found
	if err != nil {
		return d, err
	}
	if !mayCancel(p, d) {
		return d, fault.New(fault.Forbidden, "error.forbidden")
	}
	if problem := reasonProblem(reason); problem != "" {
		return d, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"reason": problem}}
	}
	if d.Status != StatusIssued {
		return d, fault.New(fault.Conflict, "document.not_cancellable")
	}
	return d, s.docs.cancel(ctx, &d, strings.TrimSpace(reason), by)
}

// mayCancel says whether p may cancel an unsigned document: its office's officers and its
// signer, not the department's specialists; a private one, nobody.
func mayCancel(p auth.Principal, d Document) bool {
	if Private(d.Kind) {
		// Its domain's request would stay issued with no certificate: a certificate drawn up
		// by mistake is revoked once signed, and a new request made.
		return false
	}
	return p.Office == d.Office && (p.Can(auth.WriteRecords) || p.Can(auth.SignDocuments))
}

// MayCancel is mayCancel for pages that offer the action.
func MayCancel(p auth.Principal, d Document) bool {
	return d.Status == StatusIssued && mayCancel(p, d)
}

// Outcome is what became of one document of a batch.
type Outcome struct {
	ID       string   `json:"id"`
	Code     string   `json:"code,omitempty"`
	Title    string   `json:"title,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	Signed   bool     `json:"signed"`
	Error    error    `json:"-"`
	Document Document `json:"-"`
}

// SignMany signs the documents the signer reviewed and chose from the queue, one by one: one
// that cannot be signed (replaced meanwhile, another office's) is reported and the others go on.
func (s *Service) SignMany(ctx context.Context, p auth.Principal, by audit.Actor, ids []string) ([]Outcome, error) {
	if err := p.Allow(auth.SignDocuments, p.Office); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"ids": "document.none_chosen"}}
	}
	if len(ids) > 100 {
		return nil, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"ids": "document.too_many_chosen"}}
	}
	out := make([]Outcome, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d, err := s.Sign(ctx, p, by, id)
		if err != nil && fault.KindOf(err) == fault.Internal {
			return out, err
		}
		out = append(out, Outcome{ID: id, Code: d.Code, Title: d.Title, Subject: d.Subject, Signed: err == nil, Error: err, Document: d})
	}
	return out, nil
}

// Check is what the public learns about a document: whether it is genuine and current, and the
// least personal data that lets them recognise it.
type Check struct {
	Code        string    `json:"code"`
	Status      string    `json:"status"` // signed (genuine and current), issued (not signed yet), revoked, replaced
	Genuine     bool      `json:"genuine"`
	Title       string    `json:"title"`
	Office      string    `json:"office"`
	RegisterRef string    `json:"register"`
	Subject     string    `json:"subject"` // masked: "Nguyễn T. Đ."
	IssuedAt    time.Time `json:"issued_at"`
	SignedAt    time.Time `json:"signed_at,omitzero"`
	SignedBy    string    `json:"signed_by,omitempty"` // the certificate's subject
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
	Reason      string    `json:"reason,omitempty"`
}

// Mask keeps a name recognisable without disclosing it: the family name and initials.
func Mask(name string) string { return vntext.Mask(name) }

// Verify answers the public page /verify/{code}; the check is audited as a view.
func (s *Service) Verify(ctx context.Context, code string) (Check, error) {
	d, err := s.docs.byID(ctx, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil || d.Code != strings.ToUpper(strings.TrimSpace(code)) {
		return Check{}, fault.New(fault.NotFound, "document.not_found")
	}
	return s.check(ctx, d)
}

func (s *Service) check(ctx context.Context, d Document) (Check, error) {
	office, _ := s.people.Office(ctx, d.Office)
	c := Check{Code: d.Code, Status: d.Status, Genuine: d.Status == StatusSigned, Title: d.Title, Office: office.Name,
		RegisterRef: d.RegisterRef, Subject: Mask(d.Subject), IssuedAt: d.IssuedAt, SignedAt: d.SignedAt, RevokedAt: d.RevokedAt}
	// The public learns that a document was withdrawn, never the office's words about why.
	switch d.Status {
	case StatusRevoked:
		c.Reason = "Văn bản đã bị cơ quan cấp thu hồi."
	case StatusCancelled:
		c.Reason = "Văn bản đã bị hủy trước khi ký."
	}
	if d.KeyID != "" {
		if keys, err := s.docs.keys(ctx, d.Office); err == nil {
			for _, k := range keys {
				if k.ID == d.KeyID {
					c.SignedBy = k.Subject
				}
			}
		}
	}
	return c, nil
}

// Upload is the result of checking an uploaded PDF.
type Upload struct {
	SignatureValid bool   `json:"signature_valid"`
	Signed         bool   `json:"signed"`
	Issued         bool   `json:"issued"` // byte for byte the document tuphap delivered
	Document       *Check `json:"document,omitempty"`
	Signer         string `json:"signer,omitempty"`
}

// VerifyUpload checks an uploaded PDF: its signature, and that it is exactly a document that
// was issued (a valid signature of someone else's certificate, or a changed byte, is not).
func (s *Service) VerifyUpload(ctx context.Context, pdf []byte) (Upload, error) {
	r, err := bounded(ctx, s.verifying, verifyWait, verifyTime, func() (signing.Result, error) { return signing.VerifyPDF(pdf) })
	if errors.Is(err, signing.ErrNotPDF) {
		return Upload{}, &fault.Error{Kind: fault.Invalid, Code: "verify.not_pdf", Fields: map[string]string{"file": "verify.not_pdf"}, Err: err}
	}
	if err != nil {
		return Upload{}, err
	}
	u := Upload{SignatureValid: r.Valid, Signed: r.Signed}
	if r.Certificate != nil {
		u.Signer = r.Certificate.Subject.CommonName
	}
	d, err := s.docs.bySHA(ctx, sum(pdf))
	if fault.Is(err, fault.NotFound) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	c, err := s.check(ctx, d)
	if err != nil {
		return u, err
	}
	u.Issued, u.Document = true, &c
	return u, nil
}

// ImportKey installs an office's key from a PKCS#12 file (administrators).
func (s *Service) ImportKey(ctx context.Context, p auth.Principal, by audit.Actor, office string, p12 []byte, password string) (SigningKey, error) {
	if err := p.Allow(auth.ManageSettings, ""); err != nil {
		return SigningKey{}, err
	}
	kp, err := signing.ImportPKCS12(p12, password)
	if err != nil {
		return SigningKey{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"file": "key.bad_p12"}, Err: err}
	}
	return s.install(ctx, by, office, kp, false)
}

// DemoKey gives an office a key issued by a demo CA that says it is a demo.
func (s *Service) DemoKey(ctx context.Context, p auth.Principal, by audit.Actor, office string) (SigningKey, error) {
	if err := p.Allow(auth.ManageSettings, ""); err != nil {
		return SigningKey{}, err
	}
	return s.demoKey(ctx, by, office)
}

func (s *Service) demoKey(ctx context.Context, by audit.Actor, office string) (SigningKey, error) {
	o, err := s.people.Office(ctx, office)
	if err != nil {
		return SigningKey{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"office": "office.not_found"}}
	}
	now := s.store.Now()
	ca, err := signing.NewDemoCA(now)
	if err != nil {
		return SigningKey{}, err
	}
	// The head who signs: a commune's chairperson, the department's director.
	head := "Chủ tịch "
	if office == auth.DepartmentOffice {
		head = "Giám đốc "
	}
	kp, err := ca.Issue(o.Name, head+o.Name, now)
	if err != nil {
		return SigningKey{}, err
	}
	return s.install(ctx, by, office, kp, true)
}

// EnsureDemoKeys gives every listed office without a key a demo key (the demo province).
func (s *Service) EnsureDemoKeys(ctx context.Context, offices []string) error {
	for _, o := range offices {
		if _, err := s.docs.activeKey(ctx, o); err == nil {
			continue
		}
		if _, err := s.demoKey(ctx, audit.System, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) install(ctx context.Context, by audit.Actor, office string, kp signing.KeyPair, demo bool) (SigningKey, error) {
	if _, err := s.people.Office(ctx, office); err != nil {
		return SigningKey{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"office": "office.not_found"}}
	}
	der, err := signing.MarshalKey(kp.Key)
	if err != nil {
		return SigningKey{}, err
	}
	sealed, err := signing.Seal(s.master, der)
	if err != nil {
		return SigningKey{}, err
	}
	fp := sha256.Sum256(kp.Cert.Raw)
	k := SigningKey{Office: office, Subject: kp.Cert.Subject.CommonName, Issuer: kp.Cert.Issuer.CommonName, Fingerprint: hex.EncodeToString(fp[:]),
		CertPEM: string(signing.CertsPEM(kp.Cert)), ChainPEM: string(signing.CertsPEM(kp.Chain...)), KeySealed: sealed,
		NotBefore: kp.Cert.NotBefore, NotAfter: kp.Cert.NotAfter, Demo: demo}
	return k, s.docs.addKey(ctx, &k, by)
}

// ExtractCount says how many extracts of an entry were issued (cancelled copies are not).
func (s *Service) ExtractCount(ctx context.Context, p auth.Principal, recordID string) (int, error) {
	if !p.Can(auth.ViewRecords) {
		return 0, fault.New(fault.Forbidden, "error.forbidden")
	}
	return s.docs.extractCount(ctx, recordID)
}

// Keys lists the signing keys of every office (administrators).
func (s *Service) Keys(ctx context.Context, p auth.Principal) ([]SigningKey, error) {
	if err := p.Allow(auth.ManageSettings, ""); err != nil {
		return nil, err
	}
	return s.docs.keys(ctx, "")
}

// HasKey says whether an office has an active signing key.
func (s *Service) HasKey(ctx context.Context, office string) (bool, error) {
	_, err := s.docs.activeKey(ctx, office)
	if fault.Is(err, fault.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Share is the share of documents signed, as the department reports it.
type Share struct {
	From     string                `json:"from"`
	To       string                `json:"to"`
	Issued   int                   `json:"issued"`
	Signed   int                   `json:"signed"`
	Rate     float64               `json:"rate"`
	ByOffice map[string]OfficeRate `json:"by_office"`
}

// OfficeRate is one office's figures.
type OfficeRate struct {
	Issued int     `json:"issued"`
	Signed int     `json:"signed"`
	Rate   float64 `json:"rate"`
}

func rate(signed, issued int) float64 {
	if issued == 0 {
		return 0
	}
	return float64(signed) / float64(issued)
}

// SignedShare reports the share of issued documents that are digitally signed, per office, for
// documents issued between from and to (dates, inclusive).
func (s *Service) SignedShare(ctx context.Context, p auth.Principal, from, to time.Time, office string) (Share, error) {
	if err := p.Allow(auth.ViewRecords, office); err != nil {
		return Share{}, err
	}
	if scope := p.Scope(); scope != "" {
		office = scope
	}
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, calendar.Vietnam)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, calendar.Vietnam).AddDate(0, 0, 1)
	rows, err := s.docs.signedCounts(ctx, start, end, office)
	if err != nil {
		return Share{}, err
	}
	sh := Share{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), ByOffice: map[string]OfficeRate{}}
	for _, r := range rows {
		sh.Issued += r.Issued
		sh.Signed += r.Signed
		sh.ByOffice[r.Office] = OfficeRate{r.Issued, r.Signed, rate(r.Signed, r.Issued)}
	}
	sh.Rate = rate(sh.Signed, sh.Issued)
	return sh, nil
}
