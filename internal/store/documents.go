package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/fault"
)

// SigningKey is an office's signing key as stored: the certificate in clear, the private key
// sealed.
type SigningKey struct {
	ID          string
	Office      string
	Subject     string
	Issuer      string
	Fingerprint string
	CertPEM     string
	ChainPEM    string
	KeySealed   []byte
	NotBefore   time.Time
	NotAfter    time.Time
	Demo        bool
	Active      bool
	CreatedBy   string
	CreatedAt   time.Time
}

// AddSigningKey stores a key as the office's active one; earlier keys stay for verification.
func (s *Store) AddSigningKey(ctx context.Context, k *SigningKey, by audit.Actor) error {
	k.ID, k.CreatedAt, k.CreatedBy, k.Active = newID(), s.Now(), by.Username, true
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `UPDATE signing_keys SET active = FALSE WHERE office = $1`, k.Office); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO signing_keys (id, office, subject, issuer, fingerprint, cert_pem, chain_pem, key_sealed,
			not_before, not_after, demo, active, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			k.ID, k.Office, k.Subject, k.Issuer, k.Fingerprint, k.CertPEM, k.ChainPEM, k.KeySealed, ts(k.NotBefore), ts(k.NotAfter),
			k.Demo, k.Active, k.CreatedBy, ts(k.CreatedAt)); err != nil {
			return fmt.Errorf("store: add signing key: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("key.add", "office:"+k.Office, fmt.Sprintf("subject=%q fingerprint=%s demo=%v", k.Subject, k.Fingerprint, k.Demo)))
	})
}

const keyCols = `id, office, subject, issuer, fingerprint, cert_pem, chain_pem, key_sealed, not_before, not_after, demo, active, created_by, created_at`

func scanKey(row interface{ Scan(...any) error }) (SigningKey, error) {
	var k SigningKey
	err := row.Scan(&k.ID, &k.Office, &k.Subject, &k.Issuer, &k.Fingerprint, &k.CertPEM, &k.ChainPEM, &k.KeySealed, scanTime(&k.NotBefore),
		scanTime(&k.NotAfter), &k.Demo, &k.Active, &k.CreatedBy, scanTime(&k.CreatedAt))
	return k, err
}

// ActiveKey returns an office's active signing key.
func (s *Store) ActiveKey(ctx context.Context, office string) (SigningKey, error) {
	k, err := scanKey(s.readRow(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE office = $1 AND active = TRUE`, office))
	if err != nil {
		return k, s.fail(notFound(fmt.Errorf("store: key of %s: %w", office, err), "key.none"))
	}
	return k, nil
}

// SigningKeys lists keys, an office's or all.
func (s *Store) SigningKeys(ctx context.Context, office string) ([]SigningKey, error) {
	return collect(ctx, s, scanKey, "keys", `SELECT `+keyCols+` FROM signing_keys WHERE ($1 = '' OR office = $1) ORDER BY office, created_at DESC`, office)
}

// Document is an issued document.
type Document struct {
	ID            string
	Code          string // in the verification address; unguessable
	Kind          string
	Title         string
	Office        string
	RecordID      string
	RecordVersion int
	DossierID     string
	Subject       string // the person's name, shown masked on the public page
	RegisterRef   string // "Số 15, quyển 01/2026"
	VerifyURL     string // printed in the document as a QR code
	Status        string // issued, signed, revoked, replaced
	PDF           []byte // as issued, unsigned
	SignedPDF     []byte
	SHA256        string // of the bytes delivered: signed when signed
	IssuedBy      string
	IssuedAt      time.Time
	KeyID         string
	SignedBy      string
	SignedAt      time.Time
	RevokedBy     string
	RevokedAt     time.Time
	RevokeReason  string
}

// Document statuses.
const (
	DocIssued    = "issued"
	DocSigned    = "signed"
	DocRevoked   = "revoked"
	DocReplaced  = "replaced"  // the entry was corrected after it was issued
	DocCancelled = "cancelled" // withdrawn before it was signed: it never had any value
)

const docCols = `id, code, kind, title, office, record_id, record_version, dossier_id, subject, register_ref, verify_url, status, sha256, issued_by, issued_at,
	key_id, signed_by, signed_at, revoked_by, revoked_at, revoke_reason`

func scanDoc(row interface{ Scan(...any) error }, withPDF bool) (Document, error) {
	var d Document
	dest := []any{&d.ID, &d.Code, &d.Kind, &d.Title, &d.Office, &d.RecordID, &d.RecordVersion, &d.DossierID, &d.Subject, &d.RegisterRef,
		&d.VerifyURL, &d.Status, &d.SHA256, &d.IssuedBy, scanTime(&d.IssuedAt), &d.KeyID, &d.SignedBy, scanTime(&d.SignedAt), &d.RevokedBy,
		scanTime(&d.RevokedAt), &d.RevokeReason}
	if withPDF {
		dest = append(dest, &d.PDF, &d.SignedPDF)
	}
	return d, row.Scan(dest...)
}

// IssueDocument stores a new document and audits its issue.
func (s *Store) IssueDocument(ctx context.Context, d *Document, by audit.Actor) error {
	d.ID, d.Status, d.IssuedBy, d.IssuedAt = newID(), DocIssued, by.Username, s.Now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `INSERT INTO documents (`+docCols+`, pdf, signed_pdf) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, '', '', NULL, '', NULL, '', $16, NULL)`, d.ID, d.Code, d.Kind, d.Title, d.Office, d.RecordID, d.RecordVersion,
			d.DossierID, d.Subject, d.RegisterRef, d.VerifyURL, d.Status, d.SHA256, d.IssuedBy, ts(d.IssuedAt), d.PDF); err != nil {
			return fmt.Errorf("store: issue document: %w", err)
		}
		return s.appendAudit(ctx, tx, by.Entry("document.issue", "document:"+d.Code, fmt.Sprintf("%s record=%s v%d", d.Kind, d.RecordID, d.RecordVersion)))
	})
}

// DocumentByID returns a document with its PDFs.
func (s *Store) DocumentByID(ctx context.Context, id string) (Document, error) {
	d, err := scanDoc(s.readRow(ctx, `SELECT `+docCols+`, pdf, signed_pdf FROM documents WHERE id = $1 OR code = $1`, id), true)
	if err != nil {
		return d, s.fail(notFound(fmt.Errorf("store: document %s: %w", id, err), "document.not_found"))
	}
	return d, nil
}

// DocumentBySHA finds the document whose delivered bytes have this SHA-256.
func (s *Store) DocumentBySHA(ctx context.Context, sum string) (Document, error) {
	d, err := scanDoc(s.readRow(ctx, `SELECT `+docCols+` FROM documents WHERE sha256 = $1`, sum), false)
	if err != nil {
		return d, s.fail(notFound(fmt.Errorf("store: document by hash: %w", err), "document.not_found"))
	}
	return d, nil
}

// Documents lists documents of an office (all when ""), optionally of one status, newest first.
func (s *Store) Documents(ctx context.Context, office, status, recordID string, limit int) ([]Document, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return collect(ctx, s, func(row interface{ Scan(...any) error }) (Document, error) { return scanDoc(row, false) }, "documents",
		`SELECT `+docCols+` FROM documents WHERE ($1 = '' OR office = $1) AND ($2 = '' OR status = $2)
		AND ($3 = '' OR record_id = $3) ORDER BY issued_at DESC LIMIT `+fmt.Sprint(limit), office, status, recordID)
}

// SignDocument stores the signed PDF of an issued document.
func (s *Store) SignDocument(ctx context.Context, d *Document, signed []byte, sum, keyID string, by audit.Actor) error {
	now := s.Now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE documents SET status = $2, signed_pdf = $3, sha256 = $4, key_id = $5, signed_by = $6, signed_at = $7
			WHERE id = $1 AND status = $8`, d.ID, DocSigned, signed, sum, keyID, by.Username, ts(now), DocIssued)
		if err != nil {
			return fmt.Errorf("store: sign document: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "document.not_signable")
		}
		d.Status, d.SignedPDF, d.SHA256, d.KeyID, d.SignedBy, d.SignedAt = DocSigned, signed, sum, keyID, by.Username, now
		return s.appendAudit(ctx, tx, by.Entry("document.sign", "document:"+d.Code, "key="+keyID+" sha256="+sum))
	})
}

// RevokeDocument marks a document revoked, with the reason.
func (s *Store) RevokeDocument(ctx context.Context, d *Document, reason string, by audit.Actor) error {
	now := s.Now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE documents SET status = $2, revoked_by = $3, revoked_at = $4, revoke_reason = $5
			WHERE id = $1 AND status IN ($6, $7)`, d.ID, DocRevoked, by.Username, ts(now), reason, DocIssued, DocSigned)
		if err != nil {
			return fmt.Errorf("store: revoke document: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "document.not_revocable")
		}
		d.Status, d.RevokedBy, d.RevokedAt, d.RevokeReason = DocRevoked, by.Username, now, reason
		return s.appendAudit(ctx, tx, by.Entry("document.revoke", "document:"+d.Code, reason))
	})
}

// CancelDocument withdraws a document that was issued but not signed, with the reason.
func (s *Store) CancelDocument(ctx context.Context, d *Document, reason string, by audit.Actor) error {
	now := s.Now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE documents SET status = $2, revoked_by = $3, revoked_at = $4, revoke_reason = $5
			WHERE id = $1 AND status = $6`, d.ID, DocCancelled, by.Username, ts(now), reason, DocIssued)
		if err != nil {
			return fmt.Errorf("store: cancel document: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "document.not_cancellable")
		}
		d.Status, d.RevokedBy, d.RevokedAt, d.RevokeReason = DocCancelled, by.Username, now, reason
		return s.appendAudit(ctx, tx, by.Entry("document.cancel", "document:"+d.Code, reason))
	})
}

// SignedCount is the issued and signed documents of one office in a period.
type SignedCount struct {
	Office string
	Issued int
	Signed int
}

// SignedCounts counts documents issued in [from, to) and how many of them were signed.
func (s *Store) SignedCounts(ctx context.Context, from, to time.Time, office string) ([]SignedCount, error) {
	rows, err := s.read(ctx, `SELECT office, COUNT(*), SUM(CASE WHEN signed_at IS NOT NULL THEN 1 ELSE 0 END) FROM documents
		WHERE issued_at >= $1 AND issued_at < $2 AND ($3 = '' OR office = $3) AND status <> $4 GROUP BY office ORDER BY office`,
		ts(from), ts(to), office, DocCancelled)
	if err != nil {
		return nil, s.fail(fmt.Errorf("store: signed counts: %w", err))
	}
	defer rows.Close()
	var out []SignedCount
	for rows.Next() {
		var c SignedCount
		if err := rows.Scan(&c.Office, &c.Issued, &c.Signed); err != nil {
			return nil, s.fail(err)
		}
		out = append(out, c)
	}
	return out, s.fail(rows.Err())
}
