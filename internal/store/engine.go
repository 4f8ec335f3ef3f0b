package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/fault"
)

// This file is the engine's surface for the domains (docs/architecture.md): a domain's
// repository writes through Write and a Tx, reads through Query and QueryRow, and scans with the
// helpers below. Group commit, the log syncer, checkpoints, prepared statements and the audit
// chain stay behind it.

// Tx is a write transaction as a service composes it: its statements, its audit entries and the
// clock. A Tx may be one member of a group commit: its statements must not depend on running
// alone, and it must not be kept after its function returns.
type Tx struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context
}

// Exec runs a statement in the transaction (prepared once the cache has it).
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	return t.s.exec(t.ctx, t.tx, q, args...)
}

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(q string, args ...any) *sql.Row { return t.s.queryRow(t.ctx, t.tx, q, args...) }

// Query runs a query in the transaction.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(inTx(t.ctx), q, args...)
}

// ExecOnce runs a statement that is built for this call (a multi-row insert of some length):
// it is not kept among the prepared statements.
func (t *Tx) ExecOnce(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(inTx(t.ctx), q, args...)
}

// ExecRepeated and QueryRepeated run a long generated statement that repeats (a full chunk of
// a bulk insert): it is prepared once and kept, whatever its length.
func (t *Tx) ExecRepeated(q string, args ...any) (sql.Result, error) {
	ctx := inTx(t.ctx)
	if st := t.s.prepared(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// QueryOnce is ExecOnce for a statement that returns rows.
func (t *Tx) QueryOnce(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(inTx(t.ctx), q, args...)
}

// Placeholders is Store.Placeholders.
func (t *Tx) Placeholders(k, n int) string { return t.s.placeholders(k, n) }

// QueryRepeated is ExecRepeated for a statement that returns rows.
func (t *Tx) QueryRepeated(q string, args ...any) (*sql.Rows, error) {
	ctx := inTx(t.ctx)
	if st := t.s.prepared(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// Audit appends an entry to the audit chain, committed with the rest or not at all.
func (t *Tx) Audit(e audit.Entry) error { return t.s.appendAudit(t.ctx, t.tx, e) }

// Now is the store's clock.
func (t *Tx) Now() time.Time { return t.s.Now() }

// Write runs fn in a write transaction and commits when it returns nil; an error undoes
// everything fn did. Unexpected errors are counted for /metrics.
//
// fn may run more than once: a group commit runs its members again, each under a savepoint,
// when one of them fails. fn must therefore change nothing outside the transaction from one run
// to the next; what it reports (an id, a count) it sets afresh in each run.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return fn(&Tx{s: s, tx: tx, ctx: ctx}) })
}

// Query runs a query on the readers.
func (s *Store) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.read(ctx, q, args...)
	return rows, s.fail(err)
}

// QueryRow runs a one-row query on the readers.
func (s *Store) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.readRow(ctx, q, args...)
}

// SearchQuery runs one of the register's searches on the readers: on PostgreSQL on connections
// that plan a statement once for all its values (see searchPool). Only statements that an
// index leads whatever the values belong here.
func (s *Store) SearchQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.search == nil {
		return s.Query(ctx, q, args...)
	}
	rows, err := s.search.QueryContext(ctx, q, args...)
	return rows, s.fail(err)
}

// SearchRow is SearchQuery for one row.
func (s *Store) SearchRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s.search == nil {
		return s.QueryRow(ctx, q, args...)
	}
	return s.search.QueryRowContext(ctx, q, args...)
}

// Param is the i-th positional parameter of a generated statement. SQLite gets "?": it looks
// "$n" names up one by one, which makes a statement with thousands of parameters slow to prepare.
func (s *Store) Param(i int) string { return s.param(i) }

// Placeholders is "(p(k+1), p(k+2), …)" for n parameters after the first k.
func (s *Store) Placeholders(k, n int) string { return s.placeholders(k, n) }

// EntryKey is the column by which rows an index found are read again: SQLite's rowid, which
// every index holds, PostgreSQL's id.
func (s *Store) EntryKey() string { return s.dialect.entryKey() }

// Fail passes err on, counting it for /metrics when it is unexpected (not a not-found, a
// conflict or invalid input).
func (s *Store) Fail(err error) error { return s.fail(err) }

// Collect runs a query on the readers and scans every row with scan; what names the query in
// errors.
func Collect[T any](ctx context.Context, s *Store, scan func(Scanner) (T, error), what, query string, args ...any) ([]T, error) {
	return collect(ctx, s, func(r interface{ Scan(...any) error }) (T, error) { return scan(r) }, what, query, args...)
}

// Scanner is a row: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(...any) error }

// NewID returns a time-ordered unique id (UUIDv7): unique across nodes without a sequence.
func NewID() string { return newID() }

// Time is a time as stored: fixed-width UTC text, NULL for the zero time.
func Time(t time.Time) any { return ts(t) }

// ScanTime scans a stored time into t (NULL is the zero time).
func ScanTime(t *time.Time) sql.Scanner { return scanTime(t) }

func isInternal(err error) bool { return fault.KindOf(err) == fault.Internal }

func notFound(err error, code string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Wrap(fault.NotFound, code, err)
	}
	return err
}

// NotFound turns sql.ErrNoRows into a not-found error with the message code; other errors pass.
func NotFound(err error, code string) error { return notFound(err, code) }

// Unavailable reports that err is the database being out of reach (a server restarting or
// failing over, a connection cut, a standby that does not take writes), not a fault of the
// request: the caller may try again shortly.
func Unavailable(err error) bool { return unavailable(err) }

// IsUniqueViolation recognises a unique-constraint failure on either engine.
func IsUniqueViolation(err error) bool { return isUniqueViolation(err) }

// Args collects a statement's arguments; Add returns the placeholder of the one it adds.
type Args []any

// Add appends v and returns its placeholder ("$3").
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// Where builds a list's WHERE clause from the filters that are set, so that the planner sees
// only the conditions it can use an index for (a "$1 = ” OR col = $1" condition hides them).
type Where struct {
	Args  Args
	conds []string
}

// Eq adds "col = v" when v is not empty.
func (w *Where) Eq(col, v string) {
	if v != "" {
		w.conds = append(w.conds, col+" = "+w.Args.Add(v))
	}
}

// Range adds "col >= from" and "col < to" for the bounds that are set (stored times).
func (w *Where) Range(col string, from, to time.Time) {
	if !from.IsZero() {
		w.conds = append(w.conds, col+" >= "+w.Args.Add(Time(from)))
	}
	if !to.IsZero() {
		w.conds = append(w.conds, col+" < "+w.Args.Add(Time(to)))
	}
}

// Cond adds a condition as written, its values placed with w.Args.Add.
func (w *Where) Cond(cond string) { w.conds = append(w.conds, cond) }

// Chronological is the tail of a list in the order of its time column col, newest first or,
// when oldest, oldest first (ties by id, so that pages neither repeat nor skip a row), cut to
// the page that offset and limit say.
func Chronological(col string, oldest bool, offset, limit int) string {
	order := col + " DESC, id DESC"
	if oldest {
		order = col + ", id"
	}
	return fmt.Sprintf(" ORDER BY %s LIMIT %d OFFSET %d", order, limit, max(offset, 0))
}

// String is the clause without the WHERE keyword ("1 = 1" when nothing is set).
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}
