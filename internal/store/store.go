// Package store keeps tuphap's data in SQLite (embedded, the default) or PostgreSQL, through one
// database/sql code path. SQL here is portable; what must differ lives in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Store is the database. Writes go through w; reads through r (the same pool on PostgreSQL, a
// separate read pool on SQLite, whose single writer connection must not wait behind readers).
type Store struct {
	w, r *sql.DB
	// search reads the register's searches (SearchQuery): PostgreSQL's generic-plan pool; nil
	// on SQLite, whose readers serve them.
	search  *sql.DB
	dialect dialect
	// Now is the clock; tests set it.
	Now func() time.Time
	// Errors counts failed store operations for /metrics.
	Errors atomic.Int64
	log    *slog.Logger
	// stmts caches the writer's prepared statements: parsing the same SQL again for every
	// registration cost a quarter of the server's CPU.
	stmts sync.Map
	// readStmts is the same for the readers' pool.
	readStmts sync.Map
	// bulkText keeps the text of the audit log's multi-row inserts by size.
	bulkText  sync.Map
	readCount atomic.Int64
	// group feeds the committer (group.go) and pause lets the checkpointer hold it between
	// groups, head is the audit head while a group runs (audit.go), ckpt* run SQLite's
	// checkpoints (checkpoint.go); the counters are for /metrics.
	group     chan *groupTx
	pause     chan chan struct{}
	groupQuit chan struct{}
	groupStop sync.Once
	groupDone chan struct{}
	head      groupHead
	ckptQuit  chan struct{}
	ckptDone  chan struct{}
	ckptStop  sync.Once
	// SQLite only: the log file and the syncer that makes groups durable (logsync.go).
	walPath      string
	walMu        sync.Mutex
	wal          *os.File
	walBroken    atomic.Bool
	syncq        chan syncBatch
	syncDone     chan struct{}
	syncing      atomic.Bool   // a sync of the log is running
	syncEpoch    atomic.Int64  // syncs begun
	committedIn  int64         // the committer's: syncEpoch at its last commit
	synced       chan struct{} // a sync has ended (one signal held at most)
	GroupCommits atomic.Int64
	GroupedTxs   atomic.Int64
	// Deadlocks counts statements of grouped transactions that PostgreSQL failed as a deadlock
	// or a serialisation failure (their members run again): servers sharing one database keep
	// it at zero (see runGroup), since each costs a second of deadlock_timeout.
	Deadlocks atomic.Int64
	// GroupBusy is the committer's time running groups, GroupCommitting the part of it spent
	// committing (on SQLite writing the log, whose sync is the syncer's), in nanoseconds: how
	// near the single writer is to saturation, and on what.
	GroupBusy       atomic.Int64
	GroupCommitting atomic.Int64
	// LogSyncs counts the syncs of SQLite's log; one may cover several groups.
	LogSyncs atomic.Int64
	// AuditQueued counts entries written to the audit queue, AuditMoved those moved into the log.
	AuditQueued, AuditMoved atomic.Int64
	// queue holds audit entries of events that change nothing else until they are chained
	// (auditqueue.go); nil on PostgreSQL.
	queue *auditQueue
}

// Open connects to dsn: a postgres:// URL, or else a SQLite file path, and runs migrations.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := dialectFor(dsn)
	w, r, err := d.open(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", d.name(), err)
	}
	s := &Store{w: w, r: r, dialect: d, Now: time.Now, log: log}
	if d.name() == "sqlite" {
		s.walPath = sqliteLogPath(dsn)
	} else if s.search, err = (postgres{}).searchPool(dsn); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open the search readers: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.startGroupCommit()
	if d.name() == "sqlite" {
		if err := s.startCheckpointer(dsn); err != nil {
			s.Close()
			return nil, err
		}
		if err := s.openAuditQueue(ctx, dsn); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close releases the connections.
func (s *Store) Close() error {
	s.closeAuditQueue() // first: its last move needs the committer
	s.stopGroupCommit()
	s.stopCheckpointer()
	if s.walPath != "" {
		// The last connection to close checkpoints: from the writer, that must sync too.
		_, _ = s.w.Exec(`PRAGMA synchronous = FULL`)
	}
	for _, m := range []*sync.Map{&s.stmts, &s.readStmts} {
		m.Range(func(_, v any) bool {
			if st, ok := v.(*sql.Stmt); ok && st != nil {
				st.Close()
			}
			return true
		})
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	if s.search != nil {
		err = errors.Join(err, s.search.Close())
	}
	return err
}

// Dialect names the engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name() }

// Ready checks that the store answers and its schema is current.
func (s *Store) Ready(ctx context.Context) error {
	var v int
	if err := s.readRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return s.fail(fmt.Errorf("store: ready: %w", err))
	}
	if want := len(migrationFiles()); v != want {
		return fmt.Errorf("store: schema at version %d, want %d", v, want)
	}
	return nil
}

// cached returns the writer's prepared statement for q if there is one. Otherwise it has q
// prepared in the background, once the writer's connection is free (on SQLite it is the only
// one, held by the caller's transaction: preparing now would wait for ever), and the caller runs
// q unprepared this time. Long generated statements (bulk inserts) are never cached.
func (s *Store) cached(q string) *sql.Stmt {
	if len(q) > maxCachedStatement {
		return nil
	}
	return s.prepared(q)
}

// prepared is cached without the length check, for the few long statements that repeat.
func (s *Store) prepared(q string) *sql.Stmt {
	if st, ok := s.stmts.Load(q); ok {
		if st == nil {
			return nil // being prepared
		}
		return st.(*sql.Stmt)
	}
	if _, loaded := s.stmts.LoadOrStore(q, nil); !loaded {
		go func() {
			st, err := s.w.Prepare(q)
			if err != nil {
				s.stmts.Delete(q) // try again next time
				return
			}
			s.stmts.Store(q, st)
		}()
	}
	return nil
}

const maxCachedStatement = 2048

// exec runs a statement inside tx, prepared when the cache has it.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	ctx = inTx(ctx)
	if st := s.cached(q); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// queryRow runs a one-row query inside tx, prepared when the cache has it.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	ctx = inTx(ctx)
	if st := s.cached(q); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// read runs a query on the readers, prepared once per connection on SQLite (pgx keeps its own
// per-connection statement cache on PostgreSQL).
func (s *Store) read(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

// readRow is read for one row.
func (s *Store) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}

// maxReadStatements bounds the readers' cache: queries built from filters come in a few dozen
// shapes, but nothing must let it grow without end.
const maxReadStatements = 512

func (s *Store) readStmt(ctx context.Context, q string) *sql.Stmt {
	if s.dialect.name() != "sqlite" || len(q) > maxCachedStatement {
		return nil
	}
	if st, ok := s.readStmts.Load(q); ok {
		return st.(*sql.Stmt)
	}
	if s.readCount.Load() >= maxReadStatements {
		return nil
	}
	st, err := s.r.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	if old, loaded := s.readStmts.LoadOrStore(q, st); loaded {
		st.Close()
		return old.(*sql.Stmt)
	}
	s.readCount.Add(1)
	return st
}

// tx runs fn in a write transaction, committing when it returns nil: through group commit once
// the store is open (group.go), on its own before (migrations).
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.group != nil {
		return s.fail(s.groupedTx(ctx, fn))
	}
	return s.fail(s.soloTx(ctx, fn))
}

// soloTx runs fn in a transaction of its own.
func (s *Store) soloTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.soloTxHead(ctx, fn, false)
}

// soloTxHead is soloTx, taking the audit head first when head is set and the engine is
// PostgreSQL: a group's member run again alone (group.go) keeps the order a group gives its
// members, so that what it reads before its first audit entry (a marriage's check of the
// register) cannot race another server's writes.
func (s *Store) soloTxHead(ctx context.Context, fn func(*sql.Tx) error, head bool) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if head && s.dialect.name() == "postgres" {
		if _, err := s.exec(ctx, tx, `UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: audit head: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if s.walPath != "" {
		return s.syncLog()
	}
	return nil
}

// fail counts unexpected errors (not the expected not-found or conflict) and passes err on.
func (s *Store) fail(err error) error {
	if err != nil && isInternal(err) {
		s.Errors.Add(1)
	}
	return err
}

// newID returns a time-ordered unique id (UUIDv7): unique across nodes without a sequence.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

const timeFormat = "2006-01-02T15:04:05.000000Z"

// ts formats a time for storage; the zero time is stored as NULL.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

// nullTime scans a stored time (NULL → zero time).
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.t = time.Time{}
		return nil
	case string:
		t, err := time.Parse(timeFormat, x)
		*n.t = t
		return err
	case []byte:
		t, err := time.Parse(timeFormat, string(x))
		*n.t = t
		return err
	}
	return fmt.Errorf("store: cannot scan %T as time", v)
}

func scanTime(t *time.Time) nullTime { return nullTime{t} }

// isUniqueViolation recognises a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// collect runs a query on the read pool and scans every row with scan.
func collect[T any](ctx context.Context, s *Store, scan func(interface{ Scan(...any) error }) (T, error), what, query string, args ...any) ([]T, error) {
	rows, err := s.read(ctx, query, args...)
	if err != nil {
		return nil, s.fail(fmt.Errorf("store: %s: %w", what, err))
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, s.fail(err)
		}
		out = append(out, x)
	}
	return out, s.fail(rows.Err())
}
