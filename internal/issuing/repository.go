package issuing

import (
	"context"
	"fmt"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// repo is the documents' and signing keys' SQL (tables documents and signing_keys).
type repo struct{ st *store.Store }

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

// addKey stores a key as the office's active one; earlier keys stay for verification.
func (r repo) addKey(ctx context.Context, k *SigningKey, by audit.Actor) error {
	k.ID, k.CreatedAt, k.CreatedBy, k.Active = store.NewID(), r.st.Now(), by.Username, true
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`UPDATE signing_keys SET active = FALSE WHERE office = $1`, k.Office); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO signing_keys (id, office, subject, issuer, fingerprint, cert_pem, chain_pem, key_sealed,
			not_before, not_after, demo, active, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			k.ID, k.Office, k.Subject, k.Issuer, k.Fingerprint, k.CertPEM, k.ChainPEM, k.KeySealed, store.Time(k.NotBefore), store.Time(k.NotAfter),
			k.Demo, k.Active, k.CreatedBy, store.Time(k.CreatedAt)); err != nil {
			return fmt.Errorf("issuing: add signing key: %w", err)
		}
		return tx.Audit(by.Entry("key.add", "office:"+k.Office, fmt.Sprintf("subject=%q fingerprint=%s demo=%v", k.Subject, k.Fingerprint, k.Demo)))
	})
}

const keyCols = `id, office, subject, issuer, fingerprint, cert_pem, chain_pem, key_sealed, not_before, not_after, demo, active, created_by, created_at`

func scanKey(row store.Scanner) (SigningKey, error) {
	var k SigningKey
	err := row.Scan(&k.ID, &k.Office, &k.Subject, &k.Issuer, &k.Fingerprint, &k.CertPEM, &k.ChainPEM, &k.KeySealed, store.ScanTime(&k.NotBefore),
		store.ScanTime(&k.NotAfter), &k.Demo, &k.Active, &k.CreatedBy, store.ScanTime(&k.CreatedAt))
	return k, err
}

// activeKey returns an office's active signing key.
func (r repo) activeKey(ctx context.Context, office string) (SigningKey, error) {
	k, err := scanKey(r.st.QueryRow(ctx, `SELECT `+keyCols+` FROM signing_keys WHERE office = $1 AND active = TRUE`, office))
	if err != nil {
		return k, r.st.Fail(store.NotFound(fmt.Errorf("issuing: key of %s: %w", office, err), "key.none"))
	}
	return k, nil
}

// keys lists keys, an office's or all.
func (r repo) keys(ctx context.Context, office string) ([]SigningKey, error) {
	return store.Collect(ctx, r.st, scanKey, "keys", `SELECT `+keyCols+` FROM signing_keys WHERE ($1 = '' OR office = $1) ORDER BY office, created_at DESC`, office)
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
	StatusIssued    = "issued"
	StatusSigned    = "signed"
	StatusRevoked   = "revoked"
	StatusReplaced  = "replaced"  // the entry was corrected after it was issued
	StatusCancelled = "cancelled" // withdrawn before it was signed: it never had any value
)

const docCols = `id, code, kind, title, office, record_id, record_version, dossier_id, subject, register_ref, verify_url, status, sha256, issued_by, issued_at,
	key_id, signed_by, signed_at, revoked_by, revoked_at, revoke_reason`

func scanDoc(row store.Scanner, withPDF bool) (Document, error) {
	var d Document
	dest := []any{&d.ID, &d.Code, &d.Kind, &d.Title, &d.Office, &d.RecordID, &d.RecordVersion, &d.DossierID, &d.Subject, &d.RegisterRef,
		&d.VerifyURL, &d.Status, &d.SHA256, &d.IssuedBy, store.ScanTime(&d.IssuedAt), &d.KeyID, &d.SignedBy, store.ScanTime(&d.SignedAt), &d.RevokedBy,
		store.ScanTime(&d.RevokedAt), &d.RevokeReason}
	if withPDF {
		dest = append(dest, &d.PDF, &d.SignedPDF)
	}
	return d, row.Scan(dest...)
}

// issue stores a new document and audits its issue.
func (r repo) issue(ctx context.Context, d *Document, by audit.Actor, then func(*store.Tx, *Document) error) error {
	d.ID, d.Status, d.IssuedBy = store.NewID(), StatusIssued, by.Username
	if d.IssuedAt.IsZero() {
		d.IssuedAt = r.st.Now()
	}
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if then != nil { // what the issue brings about in its owner's domain (a dossier settled)
			if err := then(tx, d); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO documents (`+docCols+`, pdf, signed_pdf) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, '', '', NULL, '', NULL, '', $16, NULL)`, d.ID, d.Code, d.Kind, d.Title, d.Office, d.RecordID, d.RecordVersion,
			d.DossierID, d.Subject, d.RegisterRef, d.VerifyURL, d.Status, d.SHA256, d.IssuedBy, store.Time(d.IssuedAt), d.PDF); err != nil {
			return fmt.Errorf("issuing: issue document: %w", err)
		}
		return tx.Audit(by.Entry("document.issue", "document:"+d.Code, fmt.Sprintf("%s record=%s v%d", d.Kind, d.RecordID, d.RecordVersion)))
	})
}

// byID returns a document with its PDFs.
func (r repo) byID(ctx context.Context, id string) (Document, error) {
	d, err := scanDoc(r.st.QueryRow(ctx, `SELECT `+docCols+`, pdf, signed_pdf FROM documents WHERE id = $1 OR code = $1`, id), true)
	if err != nil {
		return d, r.st.Fail(store.NotFound(fmt.Errorf("issuing: document %s: %w", id, err), "document.not_found"))
	}
	return d, nil
}

// bySHA finds the document whose delivered bytes have this SHA-256.
func (r repo) bySHA(ctx context.Context, sum string) (Document, error) {
	d, err := scanDoc(r.st.QueryRow(ctx, `SELECT `+docCols+` FROM documents WHERE sha256 = $1`, sum), false)
	if err != nil {
		return d, r.st.Fail(store.NotFound(fmt.Errorf("issuing: document by hash: %w", err), "document.not_found"))
	}
	return d, nil
}

// find lists the documents q selects, one more than q.Limit so that the caller knows whether
// there are more.
func (r repo) find(ctx context.Context, q Query) ([]Document, error) {
	w := q.where()
	return store.Collect(ctx, r.st, func(row store.Scanner) (Document, error) { return scanDoc(row, false) }, "documents",
		`SELECT `+docCols+` FROM documents WHERE `+w.String()+store.Chronological("issued_at", q.Oldest, q.Offset, q.Limit+1), w.Args...)
}

// count counts the documents q selects, up to q.Limit: a home page's count stops there.
func (r repo) count(ctx context.Context, q Query) (int, error) {
	w := q.where()
	var n int
	err := r.st.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM documents WHERE `+w.String()+
		fmt.Sprintf(` LIMIT %d) AS selected`, q.Limit), w.Args...).Scan(&n)
	return n, r.st.Fail(err)
}

func (q Query) where() store.Where {
	var w store.Where
	if q.public {
		w.Cond("substr(kind, 1, " + fmt.Sprint(len(privatePrefix)) + ") <> '" + privatePrefix + "'")
	}
	w.Eq("office", q.Office)
	w.Eq("status", q.Status)
	w.Eq("kind", q.Kind)
	w.Eq("record_id", q.RecordID)
	w.Range("issued_at", q.From, q.To)
	return w
}

// sign stores the signed PDF of an issued document.
func (r repo) sign(ctx context.Context, d *Document, signed []byte, sum, keyID string, by audit.Actor, then func(*store.Tx, Document) error) error {
	now := r.st.Now()
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE documents SET status = $2, signed_pdf = $3, sha256 = $4, key_id = $5, signed_by = $6, signed_at = $7
			WHERE id = $1 AND status = $8`, d.ID, StatusSigned, signed, sum, keyID, by.Username, store.Time(now), StatusIssued)
		if err != nil {
			return fmt.Errorf("issuing: sign document: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "document.not_signable")
		}
		d.Status, d.SignedPDF, d.SHA256, d.KeyID, d.SignedBy, d.SignedAt = StatusSigned, signed, sum, keyID, by.Username, now
		if then != nil { // what the signature brings about in the document's domain (a letter published)
			if err := then(tx, *d); err != nil {
				return err
			}
		}
		return tx.Audit(by.Entry("document.sign", "document:"+d.Code, "key="+keyID+" sha256="+sum))
	})
}

// revoke marks a signed document revoked, with the reason.
func (r repo) revoke(ctx context.Context, d *Document, reason string, by audit.Actor, then func(*store.Tx, Document) error) error {
	return r.withdraw(ctx, d, StatusSigned, StatusRevoked, reason, by, "document.not_revocable", "document.revoke", then)
}

// cancel withdraws a document that was issued but not signed, with the reason.
func (r repo) cancel(ctx context.Context, d *Document, reason string, by audit.Actor) error {
	return r.withdraw(ctx, d, StatusIssued, StatusCancelled, reason, by, "document.not_cancellable", "document.cancel", nil)
}

// withdraw moves a document from status from to status to, if it is still there, recording who,
// when and why; refused is the message when it no longer is, action the audit log's.
func (r repo) withdraw(ctx context.Context, d *Document, from, to, reason string, by audit.Actor, refused, action string, then func(*store.Tx, Document) error) error {
	now := r.st.Now()
	return r.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE documents SET status = $2, revoked_by = $3, revoked_at = $4, revoke_reason = $5
			WHERE id = $1 AND status = $6`, d.ID, to, by.Username, store.Time(now), reason, from)
		if err != nil {
			return fmt.Errorf("issuing: %s: %w", action, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, refused)
		}
		d.Status, d.RevokedBy, d.RevokedAt, d.RevokeReason = to, by.Username, now, reason
		if then != nil {
			if err := then(tx, *d); err != nil {
				return err
			}
		}
		return tx.Audit(by.Entry(action, "document:"+d.Code, reason))
	})
}

// signedCount is the issued and signed documents of one office in a period.
type signedCount struct {
	Office string
	Issued int
	Signed int
}

// signedCounts counts documents issued in [from, to) and how many of them were signed.
func (r repo) signedCounts(ctx context.Context, from, to time.Time, office string) ([]signedCount, error) {
	rows, err := r.st.Query(ctx, `SELECT office, COUNT(*), SUM(CASE WHEN signed_at IS NOT NULL THEN 1 ELSE 0 END) FROM documents
		WHERE issued_at >= $1 AND issued_at < $2 AND ($3 = '' OR office = $3) AND status <> $4 GROUP BY office ORDER BY office`,
		store.Time(from), store.Time(to), office, StatusCancelled)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("issuing: signed counts: %w", err))
	}
	defer rows.Close()
	var out []signedCount
	for rows.Next() {
		var c signedCount
		if err := rows.Scan(&c.Office, &c.Issued, &c.Signed); err != nil {
			return nil, r.st.Fail(err)
		}
		out = append(out, c)
	}
	return out, r.st.Fail(rows.Err())
}

// extractCount says how many extracts of an entry were issued: every issued extract is a
// document, a cancelled one was never handed out.
func (r repo) extractCount(ctx context.Context, recordID string) (int, error) {
	var n int
	err := r.st.QueryRow(ctx, `SELECT COUNT(*) FROM documents WHERE record_id = $1 AND kind LIKE 'extract_%' AND status <> $2`, recordID, StatusCancelled).Scan(&n)
	return n, r.st.Fail(err)
}

// replaceOlder marks the documents issued from versions of an entry before version replaced,
// in the transaction that stores that version.
func replaceOlder(tx *store.Tx, recordID string, version int) error {
	if _, err := tx.Exec(`UPDATE documents SET status = $3 WHERE record_id = $1 AND record_version < $2 AND status IN ($4, $5)`,
		recordID, version, StatusReplaced, StatusIssued, StatusSigned); err != nil {
		return fmt.Errorf("issuing: replace documents: %w", err)
	}
	return nil
}
