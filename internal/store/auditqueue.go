package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"tuphap/internal/audit"
)

// The audit queue (SQLite only). Every search, view and refused login is audited, and each
// entry used to be a commit of the database: after any commit SQLite drops the whole page cache
// of every reader connection (a reader cannot tell which pages changed), so under a stream of
// searches the readers read the same index pages again and again from the operating system. In
// an experiment that left the searches' entries out, name searches ran 1.8 times and personal-ID
// lookups 2.9 times as fast at a million entries in one commune.
//
// So Audit, for events that change nothing else, writes the entry to a small SQLite file of its
// own beside the database (FILE-audit-queue), synced before Audit returns: the entry is as
// durable as before. A mover takes what is queued into the chain every ten seconds, in
// grouped transactions (a thousand entries each) that also record, in audit_queues, the last entry it took from that
// queue (each queue file has an identity of its own); only after that commit is durable does it
// delete them from the queue. A crash in between leaves entries in the queue that the chain
// already holds, and the next move skips and deletes them: nothing is lost and nothing is
// chained twice, across restarts and across processes sharing the files (the move checks,
// inside the database's write transaction, what the log has taken from the queue).
//
// What changes for a reader of the log: a queued entry keeps the time of its event but takes
// its place in the chain when moved, so ordered by sequence it may follow changes made during
// the ten seconds after it. Listing, verifying and backing up the log move the queue first.
//
// PostgreSQL keeps one shared cache that a commit does not empty; there Audit commits as before.

// moveEvery is how often the mover looks at the queue: every move is a commit that empties the
// readers' caches. Moving every second instead of every ten cost a third of the name searches
// under load (docs/performance.md); nobody waits for it, since listings move the queue first.
// moveBatch bounds what one transaction of a move takes, so that registrations never wait long
// behind it.
const (
	moveEvery = 10 * time.Second
	moveBatch = 1000
)

type auditQueue struct {
	db      *sql.DB
	id      string // the queue's identity: a new file is a new queue, whatever its entry numbers
	in      chan *queuedEntry
	quit    chan struct{}
	done    chan struct{} // the writer has ended
	moved   chan struct{} // the mover has ended
	stop    sync.Once
	waiting atomic.Int64 // entries queued since the last move began (a hint: others may move them)
	moveNow chan chan error
	moverMu sync.Mutex // one move at a time within the process
}

type queuedEntry struct {
	e    audit.Entry
	done chan error
}

// auditQueuePath is the queue's file beside the database's real path: through a symbolic link
// the same database would otherwise have two queues.
func auditQueuePath(dsn string) string { return sqliteRealPath(dsn) + "-audit-queue" }

// openAuditQueue opens (or creates) the queue file and starts its writer and the mover.
func (s *Store) openAuditQueue(ctx context.Context, dsn string) error {
	// synchronous=FULL: a commit of the queue syncs its log, so Audit returns only once the
	// entry is on disk. Autocheckpoints stay on: this connection syncs, and the file stays small.
	db, err := sql.Open("sqlite", fmt.Sprintf("file:%s?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate&_pragma=synchronous(FULL)", auditQueuePath(dsn)))
	if err != nil {
		return fmt.Errorf("store: open the audit queue: %w", err)
	}
	db.SetMaxOpenConns(2) // the writer, and the mover's reads and deletes
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(0)
	q := &auditQueue{db: db, in: make(chan *queuedEntry), quit: make(chan struct{}), done: make(chan struct{}), moved: make(chan struct{}), moveNow: make(chan chan error)}
	// AUTOINCREMENT: numbers never go back, even once every entry has been moved and deleted.
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS queue_meta (id INTEGER PRIMARY KEY CHECK (id = 1), queue TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS queued (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user_id TEXT NOT NULL,
			username TEXT NOT NULL, office TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT NOT NULL, ip TEXT NOT NULL)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return fmt.Errorf("store: prepare the audit queue: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO queue_meta (id, queue) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, uuid.NewString()); err != nil {
		db.Close()
		return fmt.Errorf("store: prepare the audit queue: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT queue FROM queue_meta WHERE id = 1`).Scan(&q.id); err != nil {
		db.Close()
		return fmt.Errorf("store: the audit queue: %w", err)
	}
	if err := s.catchUpQueue(ctx, q); err != nil {
		db.Close()
		return err
	}
	q.waiting.Store(1) // entries left by an earlier run are moved at once
	s.queue = q
	go s.queueWriter()
	go s.mover()
	return nil
}

// catchUpQueue makes the queue number its entries after the last the log took from it. A queue
// file older than the database (copied before it, restored from an earlier copy) would otherwise
// number new entries as already moved, and the mover would delete them unchained.
func (s *Store) catchUpQueue(ctx context.Context, q *auditQueue) error {
	var moved int64
	err := s.readRow(ctx, `SELECT moved FROM audit_queues WHERE queue = $1`, q.id).Scan(&moved)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	var next int64
	if err := q.db.QueryRowContext(ctx, `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'queued'), 0)`).Scan(&next); err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	if next >= moved {
		return nil
	}
	s.log.Warn("store: the audit queue is older than the log; numbering its entries after the last moved", "queue", next, "moved", moved)
	// In one write transaction, and never lowering it: another process may be starting on the
	// same file. sqlite_sequence has a row for the table once it has held an entry; otherwise
	// one is added.
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = MAX(seq, $1) WHERE name = 'queued'`, moved); err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT 'queued', $1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'queued')`, moved); err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	return nil
}

// enqueueAudit writes e to the queue and returns once it is durable.
func (s *Store) enqueueAudit(ctx context.Context, e audit.Entry) error {
	q := s.queue
	if e.At.IsZero() {
		e.At = s.Now()
	}
	t := &queuedEntry{e: e, done: make(chan error, 1)}
	select {
	case q.in <- t:
	case <-ctx.Done():
		return ctx.Err()
	case <-q.quit:
		return errClosed
	}
	return <-t.done // once handed over, the caller learns whether it was stored
}

// queueWriter commits every entry waiting at that moment as one transaction of the queue, so
// that one sync covers them all, as the database's committer does for its groups.
func (s *Store) queueWriter() {
	q := s.queue
	defer close(q.done)
	batch := make([]*queuedEntry, 0, maxGroup)
	for {
		select {
		case first := <-q.in:
			batch = append(batch[:0], first)
		case <-q.quit:
			return
		}
		batch = drain(batch, q.in)
		err := q.insert(batch)
		if err == nil {
			q.waiting.Add(int64(len(batch)))
			s.AuditQueued.Add(int64(len(batch)))
		}
		for _, t := range batch {
			t.done <- s.fail(err)
		}
	}
}

// queueBatch bounds one insert statement of the queue (9 parameters a row).
const queueBatch = 64

func (q *auditQueue) insert(batch []*queuedEntry) error {
	tx, err := q.db.Begin()
	if err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	for rest := batch; len(rest) > 0; {
		n := min(len(rest), queueBatch)
		var b strings.Builder
		b.WriteString(`INSERT INTO queued (at, user_id, username, office, action, object, detail, ip) VALUES `)
		args := make([]any, 0, n*8)
		for i, t := range rest[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			e := t.e
			args = append(args, ts(e.At), e.UserID, e.Username, e.Office, e.Action, e.Object, e.Detail, e.IP)
		}
		if _, err := tx.Exec(b.String(), args...); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: audit queue: %w", err)
		}
		rest = rest[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: audit queue: %w", err)
	}
	return nil
}

// mover moves the queue into the chain every moveEvery while entries wait, and at once when
// asked (FlushAudit).
func (s *Store) mover() {
	q := s.queue
	defer close(q.moved)
	t := time.NewTicker(moveEvery)
	defer t.Stop()
	for {
		select {
		case <-q.quit:
			return
		case reply := <-q.moveNow:
			reply <- s.moveQueue(context.Background())
		case <-t.C:
			if q.waiting.Load() > 0 {
				if err := s.moveQueue(context.Background()); err != nil {
					s.log.Warn("store: moving queued audit entries into the log", "err", err)
				}
			}
		}
	}
}

// FlushAudit moves every queued entry into the chain now: listing, verifying and backing up the
// log call it, and so do tests that read audit_log themselves. Without a queue it does nothing.
func (s *Store) FlushAudit(ctx context.Context) error {
	q := s.queue
	if q == nil {
		return nil
	}
	reply := make(chan error, 1)
	select {
	case q.moveNow <- reply:
	case <-q.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-reply
}

// moveQueue takes queued entries into the chain, moveBatch at a time, until the queue is empty.
// It reads a batch before handing the move to the committer, so that the database's write lock
// is never held while the queue's file is read (another process may be recovering it). Entries
// a crash left behind in the queue, already chained, go with the next move that commits: only
// after a commit of its own (synced) does it delete anything.
func (s *Store) moveQueue(ctx context.Context) (err error) {
	q := s.queue
	q.moverMu.Lock()
	defer q.moverMu.Unlock()
	defer func() {
		if err != nil {
			q.waiting.Add(1) // try again at the next tick
		}
	}()
	for {
		q.waiting.Store(0)
		var moved int64 // what the log had taken (a hint: the move reads it again)
		if err := s.readRow(ctx, `SELECT COALESCE((SELECT moved FROM audit_queues WHERE queue = $1), 0)`, q.id).Scan(&moved); err != nil {
			return fmt.Errorf("store: audit head: %w", err)
		}
		batch, err := q.read(ctx, moved)
		if err != nil || len(batch) == 0 { // nothing to move: no commit, which would empty the readers' caches
			return err
		}
		var upto int64
		var n int
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			upto, n, err = s.moveQueued(ctx, tx, batch)
			return err
		}); err != nil {
			return err
		}
		s.AuditMoved.Add(int64(n))
		// The chain holds them, durably: they may go (with any a crash left behind).
		if _, err := q.db.ExecContext(ctx, `DELETE FROM queued WHERE id <= ?`, upto); err != nil {
			return fmt.Errorf("store: audit queue: %w", err)
		}
		if len(batch) < moveBatch {
			return nil
		}
	}
}

// queuedRow is an entry read from the queue, with its number there.
type queuedRow struct {
	id int64
	e  audit.Entry
}

// read returns up to moveBatch queued entries numbered after moved.
func (q *auditQueue) read(ctx context.Context, moved int64) ([]queuedRow, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, at, user_id, username, office, action, object, detail, ip FROM queued WHERE id > ? ORDER BY id LIMIT ?`, moved, moveBatch)
	if err != nil {
		return nil, fmt.Errorf("store: audit queue: %w", err)
	}
	defer rows.Close()
	var out []queuedRow
	for rows.Next() {
		var r queuedRow
		e := &r.e
		if err := rows.Scan(&r.id, scanTime(&e.At), &e.UserID, &e.Username, &e.Office, &e.Action, &e.Object, &e.Detail, &e.IP); err != nil {
			return nil, fmt.Errorf("store: audit queue: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit queue: %w", err)
	}
	return out, nil
}

// moveQueued, a member of a group, appends the batch's entries that the log has not taken yet
// (another process may have moved some meanwhile) and records the last it took. It returns that
// number and how many it appended.
func (s *Store) moveQueued(ctx context.Context, tx *sql.Tx, batch []queuedRow) (upto int64, n int, err error) {
	q := s.queue
	err = s.queryRow(ctx, tx, `SELECT moved FROM audit_queues WHERE queue = $1`, q.id).Scan(&upto)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("store: audit head: %w", err)
	}
	for _, r := range batch {
		if r.id <= upto {
			continue
		}
		if err := s.appendAudit(ctx, tx, r.e); err != nil {
			return 0, 0, err
		}
		upto = r.id
		n++
	}
	if n > 0 {
		if _, err := s.exec(ctx, tx, `INSERT INTO audit_queues (queue, moved) VALUES ($1, $2) ON CONFLICT (queue) DO UPDATE SET moved = excluded.moved`, q.id, upto); err != nil {
			return 0, 0, fmt.Errorf("store: audit head: %w", err)
		}
	}
	return upto, n, nil
}

// closeAuditQueue stops taking entries, moves what is queued into the chain (the committer
// still runs) and closes the file.
func (s *Store) closeAuditQueue() {
	q := s.queue
	if q == nil {
		return
	}
	q.stop.Do(func() { close(q.quit) })
	<-q.done
	<-q.moved
	if err := s.moveQueue(context.Background()); err != nil {
		s.log.Warn("store: queued audit entries left for the next start", "err", err)
	}
	q.db.Close()
}
