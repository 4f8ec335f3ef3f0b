package store

import (
	"context"
	"database/sql"
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
// durable as before. A mover takes what is queued into the chain about once a second, in one
// grouped transaction that also records, in audit_head, the last queued entry it took; only
// after that commit is durable does it delete them from the queue. A crash in between leaves
// entries in the queue that the chain already holds, and the next move skips and deletes them:
// nothing is lost and nothing is chained twice, across restarts and across processes sharing
// the file (each move reads the queue inside the database's write transaction).
//
// What changes for a reader of the log: a queued entry keeps the time of its event but takes
// its place in the chain when moved, so ordered by sequence it may follow changes made during
// the second after it. Listing, verifying and backing up the log move the queue first.
//
// PostgreSQL keeps one shared cache that a commit does not empty; there Audit commits as before.

// moveEvery is how often the mover looks at the queue; moveBatch bounds what one move takes, so
// that registrations never wait long behind it.
const (
	moveEvery = time.Second
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

func auditQueuePath(dsn string) string { return sqlitePath(dsn) + "-audit-queue" }

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
		`INSERT INTO queue_meta (id, queue) VALUES (1, '` + uuid.NewString() + `') ON CONFLICT (id) DO NOTHING`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return fmt.Errorf("store: prepare the audit queue: %w", err)
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT queue FROM queue_meta WHERE id = 1`).Scan(&q.id); err != nil {
		db.Close()
		return fmt.Errorf("store: the audit queue: %w", err)
	}
	q.waiting.Store(1) // entries left by an earlier run are moved at once
	s.queue = q
	go s.queueWriter()
	go s.mover()
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
	fill:
		for len(batch) < maxGroup {
			select {
			case t := <-q.in:
				batch = append(batch, t)
			default:
				break fill
			}
		}
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
func (s *Store) moveQueue(ctx context.Context) error {
	q := s.queue
	q.moverMu.Lock()
	defer q.moverMu.Unlock()
	for {
		q.waiting.Store(0)
		var queued int
		if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM queued LIMIT 1)`).Scan(&queued); err != nil {
			q.waiting.Add(1)
			return fmt.Errorf("store: audit queue: %w", err)
		}
		if queued == 0 { // nothing to move: no commit, which would empty the readers' caches
			return nil
		}
		var upto int64
		var n int
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			upto, n, err = s.moveQueued(ctx, tx)
			return err
		})
		if err != nil {
			q.waiting.Add(1) // try again at the next tick
			return err
		}
		s.AuditMoved.Add(int64(n))
		// The chain holds them, durably: they may go.
		if _, err := q.db.ExecContext(ctx, `DELETE FROM queued WHERE id <= ?`, upto); err != nil {
			return fmt.Errorf("store: audit queue: %w", err)
		}
		if n < moveBatch {
			return nil
		}
	}
}

// moveQueued, a member of a group, appends up to moveBatch queued entries to the chain after
// the last one moved, and records the last it took.
func (s *Store) moveQueued(ctx context.Context, tx *sql.Tx) (upto int64, n int, err error) {
	q := s.queue
	var queue string
	if err := s.queryRow(ctx, tx, `SELECT queue, queue_moved FROM audit_head WHERE id = 1`).Scan(&queue, &upto); err != nil {
		return 0, 0, fmt.Errorf("store: audit head: %w", err)
	}
	if queue != q.id {
		upto = 0 // a queue this log has not seen: all of it is new
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, at, user_id, username, office, action, object, detail, ip FROM queued WHERE id > ? ORDER BY id LIMIT ?`, upto, moveBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("store: audit queue: %w", err)
	}
	var es []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&upto, scanTime(&e.At), &e.UserID, &e.Username, &e.Office, &e.Action, &e.Object, &e.Detail, &e.IP); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("store: audit queue: %w", err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("store: audit queue: %w", err)
	}
	for _, e := range es {
		if err := s.appendAudit(ctx, tx, e); err != nil {
			return 0, 0, err
		}
	}
	if len(es) > 0 || queue != q.id {
		if _, err := s.exec(ctx, tx, `UPDATE audit_head SET queue = $1, queue_moved = $2 WHERE id = 1`, q.id, upto); err != nil {
			return 0, 0, fmt.Errorf("store: audit head: %w", err)
		}
	}
	return upto, len(es), nil
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
