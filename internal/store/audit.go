package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
)

// appendAudit adds e to the log inside tx, chained on the current head. Updating the head row
// first takes its row lock, so concurrent appenders queue on every engine.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if s.head.active {
		return s.appendAuditGrouped(ctx, tx, e)
	}
	if _, err := s.exec(ctx, tx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	if err := s.queryRow(ctx, tx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	hash, err := s.insertAudit(ctx, tx, e)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, tx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// insertAudit stamps e (its Seq and PrevHash set), hashes it and stores it; it returns the hash.
func (s *Store) insertAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) (string, error) {
	e = s.stamp(e)
	if err := s.insertAudits(ctx, tx, []audit.Entry{e}); err != nil {
		return "", err
	}
	return e.Hash, nil
}

// stamp sets e's time, unless it has one (an entry from the audit queue keeps the time of its
// event), and its hash (its Seq and PrevHash set). Microsecond precision: that is what is
// stored, and the hash must match what is read back.
func (s *Store) stamp(e audit.Entry) audit.Entry {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = audit.ComputeHash(e)
	return e
}

// auditBatch bounds one multi-row insert: 11 parameters a row stay far below both engines'
// limits, and the statement texts cached (one per size) stay few.
const auditBatch = 64

// insertAudits stores stamped entries, up to auditBatch in one statement.
func (s *Store) insertAudits(ctx context.Context, tx *sql.Tx, es []audit.Entry) error {
	for len(es) > 0 {
		n := min(len(es), auditBatch)
		args := make([]any, 0, n*11)
		for _, e := range es[:n] {
			args = append(args, e.Seq, ts(e.At), e.UserID, e.Username, e.Office, e.Action, e.Object, e.Detail, e.IP, e.PrevHash, e.Hash)
		}
		// Kept prepared whatever its length: one statement per size, 64 at most.
		if _, err := (&Tx{s: s, tx: tx, ctx: ctx}).ExecRepeated(s.auditInsert(n), args...); err != nil {
			return fmt.Errorf("store: audit append: %w", err)
		}
		es = es[n:]
	}
	return nil
}

// auditInsert is the text of an insert of n audit entries, built once per n.
func (s *Store) auditInsert(n int) string {
	if q, ok := s.bulkText.Load(n); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (seq, at, user_id, username, office, action, object, detail, ip, prev_hash, hash) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.placeholders(i*11, 11))
	}
	s.bulkText.Store(n, b.String())
	return b.String()
}

// groupHead is the audit head as a group commit carries it (group.go): read (and locked) once
// when the group first appends, written back once before it commits, so that no other process
// can move the head meanwhile. Only the committer goroutine touches it.
//
// While the group runs without savepoints (group.go), its entries are chained and hashed at once
// but kept in pending, and flushHead stores them in a few multi-row inserts: a search's member
// writes nothing but its entry, and on PostgreSQL an insert each was a round trip each, which
// kept the committer busy. A member that fails then undoes the whole run, pending included, and
// the group runs again with savepoints, where each entry is inserted as it comes.
type groupHead struct {
	active, loaded, dirty bool
	deferred              bool // keep entries in pending until flushHead
	seq                   int64
	hash                  string
	pending               []audit.Entry
}

func (s *Store) appendAuditGrouped(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	h := &s.head
	if !h.loaded {
		if err := s.loadHead(ctx, tx); err != nil {
			return err
		}
	}
	e.Seq, e.PrevHash = h.seq+1, h.hash
	if h.deferred {
		e = s.stamp(e)
		h.pending = append(h.pending, e)
		h.seq, h.hash, h.dirty = e.Seq, e.Hash, true
		return nil
	}
	hash, err := s.insertAudit(ctx, tx, e)
	if err != nil {
		return err
	}
	h.seq, h.hash, h.dirty = e.Seq, hash, true
	return nil
}

// loadHead reads the audit head into the group and holds it. The no-op update takes the head's
// row lock on PostgreSQL (SQLite's write lock is held already), so that another server's group
// cannot read the same head meanwhile.
func (s *Store) loadHead(ctx context.Context, tx *sql.Tx) error {
	if err := s.queryRow(ctx, tx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&s.head.seq, &s.head.hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	s.head.loaded = true
	return nil
}

// flushHead stores the group's pending entries and writes its audit head back, before its commit.
func (s *Store) flushHead(tx *sql.Tx) error {
	if !s.head.dirty {
		return nil
	}
	if err := s.insertAudits(context.Background(), tx, s.head.pending); err != nil {
		return err
	}
	if _, err := s.exec(context.Background(), tx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, s.head.seq, s.head.hash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// Audit appends one entry on its own: for events that change nothing else, such as a view of a
// person's data or a refused login. On SQLite it goes through the audit queue (auditqueue.go).
func (s *Store) Audit(ctx context.Context, e audit.Entry) error {
	if s.queue != nil {
		return s.enqueueAudit(ctx, e)
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return s.appendAudit(ctx, tx, e) })
}

// AuditFilter narrows an audit listing.
type AuditFilter struct {
	Username string
	Action   string // prefix, e.g. "login"
	Object   string
	Office   string
	From, To time.Time // entries at or after From, before To; zero: open
	Before   int64     // entries with seq below this (paging newest first); 0 = newest
	After    int64     // entries with seq above this (paging oldest first); 0 = from the first
	Oldest   bool      // oldest first; newest first otherwise
	Limit    int
}

// MaxAuditPage is the most entries one call returns (an export asks for it).
const MaxAuditPage = 10000

const auditCols = `seq, at, user_id, username, office, action, object, detail, ip, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	err := row.Scan(&e.Seq, scanTime(&e.At), &e.UserID, &e.Username, &e.Office, &e.Action, &e.Object, &e.Detail, &e.IP, &e.PrevHash, &e.Hash)
	return e, err
}

// AuditEntries lists entries newest first, or oldest first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	if err := s.FlushAudit(ctx); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = 100
	}
	// Times are fixed-width UTC text, compared as text; "" leaves a bound open.
	bound := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(timeFormat)
	}
	return collect(ctx, s, scanAudit, "audit list", `SELECT `+auditCols+` FROM audit_log
		WHERE ($1 = '' OR username = $1) AND ($2 = '' OR action LIKE $2 || '%') AND ($3 = '' OR object = $3) AND ($4 = 0 OR seq < $4)
		AND ($6 = '' OR office = $6) AND ($7 = '' OR at >= $7) AND ($8 = '' OR at < $8) AND ($9 = 0 OR seq > $9)
		ORDER BY seq `+map[bool]string{false: "DESC", true: "ASC"}[f.Oldest]+` LIMIT $5`,
		f.Username, f.Action, f.Object, f.Before, f.Limit, f.Office, bound(f.From), bound(f.To), f.After)
}

// VerifyAudit walks the whole log in order and checks the chain and the head, and holds it to
// the checkpoints kept outside the database, if given.
func (s *Store) VerifyAudit(ctx context.Context, checkpoints ...audit.Checkpoint) (int64, error) {
	_, n, err := s.VerifyAuditHead(ctx, checkpoints...)
	return n, err
}

// VerifyAuditHead is VerifyAudit returning the head it verified, for a new checkpoint. The head
// is read first and the walk stops there, so entries written meanwhile by a running server are
// neither taken for tampering nor sealed unchecked. It reads in pages so that a long log does
// not hold one huge read open.
func (s *Store) VerifyAuditHead(ctx context.Context, checkpoints ...audit.Checkpoint) (audit.Checkpoint, int64, error) {
	head := audit.Checkpoint{At: s.Now()}
	if err := s.FlushAudit(ctx); err != nil {
		return head, 0, err
	}
	if err := s.readRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&head.Seq, &head.Hash); err != nil {
		return head, 0, fmt.Errorf("store: audit head: %w", err)
	}
	v := audit.NewVerifier()
	v.Anchor(checkpoints)
	var after int64
	for {
		rows, err := s.read(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 5000`, after, head.Seq)
		if err != nil {
			return head, v.Checked, fmt.Errorf("store: audit verify: %w", err)
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return head, v.Checked, err
			}
			if err := v.Check(e); err != nil {
				rows.Close()
				return head, v.Checked, err
			}
			after = e.Seq
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return head, v.Checked, err
		}
		if n == 0 {
			break
		}
	}
	if seq, hash := v.Head(); seq != head.Seq || hash != head.Hash {
		return head, v.Checked, fmt.Errorf("audit: log ends at entry %d but head says %d: newest entries were removed or altered", seq, head.Seq)
	}
	return head, v.Checked, v.Finish()
}
