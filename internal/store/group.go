package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Group commit. Every write goes through the audit chain, whose head is one row: writers queue
// on it on every engine, and on SQLite there is one writer anyway. With synchronous=FULL (or
// PostgreSQL's fsync), committing each registration alone would cap durable throughput at one
// sync each. Instead one goroutine takes every transaction waiting at that moment, runs them one
// after another inside a single database transaction (so that a failure undoes only its own
// writes, see commitGroup), commits and syncs once, and only then tells each caller how it
// ended. A caller therefore hears "done" only when its writes are on disk. On SQLite the sync
// runs beside the next group (logsync.go).
//
// Several servers sharing one PostgreSQL each have a committer; their groups take the audit head
// first (runGroup), so that they queue there rather than deadlock on rows locked in different
// orders. Should a statement still fail as a deadlock (a write outside a group), its member is
// run again on its own after the group.

// maxGroup bounds one commit: enough to amortise the sync, small enough that the first caller
// of a batch does not wait long behind the others.
const maxGroup = 256

var errClosed = errors.New("store: closed")

type groupTx struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

// startGroupCommit starts the committer; stopGroupCommit (from Close) ends it.
func (s *Store) startGroupCommit() {
	s.group = make(chan *groupTx)
	s.pause = make(chan chan struct{})
	s.groupQuit = make(chan struct{})
	s.groupDone = make(chan struct{})
	if s.walPath != "" {
		s.startSyncer()
	}
	go s.committer()
}

func (s *Store) stopGroupCommit() {
	if s.group != nil {
		s.groupStop.Do(func() { close(s.groupQuit) })
		<-s.groupDone
	}
}

// groupedTx hands fn to the committer and waits for the outcome. Once handed over it waits
// even if ctx ends: fn is then either undone or committed, and the caller must know which.
func (s *Store) groupedTx(ctx context.Context, fn func(*sql.Tx) error) error {
	t := &groupTx{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.group <- t:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.groupQuit:
		return errClosed
	}
	return <-t.done
}

func (s *Store) committer() {
	defer close(s.groupDone)
	defer s.stopSyncer() // after the last group is handed over
	batch := make([]*groupTx, 0, maxGroup)
	errs := make([]error, 0, maxGroup)
	for {
		select {
		case first := <-s.group:
			batch = append(batch[:0], first)
		case resume := <-s.pause: // the checkpointer restarts the log (checkpoint.go)
			<-resume
			continue
		case <-s.groupQuit:
			return
		}
		batch = s.gatherWhileSyncing(drain(batch, s.group))
		began := time.Now()
		errs = s.commitGroup(batch, errs[:0])
		s.GroupBusy.Add(int64(time.Since(began)))
		var durable syncBatch
		for i, t := range batch {
			if s.dialect.retryable(errs[i]) && t.ctx.Err() == nil {
				errs[i] = s.soloTxHead(t.ctx, t.fn, true)
			}
			if errs[i] == nil && s.syncq != nil {
				durable = append(durable, t) // answered once the log is synced
				continue
			}
			t.done <- errs[i]
		}
		if len(durable) > 0 {
			s.syncq <- durable
		}
		s.GroupCommits.Add(1)
		s.GroupedTxs.Add(int64(len(batch)))
	}
}

// drain adds to batch whatever waits on ch at this moment, up to maxGroup in all: the committer's
// group, the audit queue writer's batch.
func drain[T any](batch []T, ch <-chan T) []T {
	for len(batch) < maxGroup {
		select {
		case t := <-ch:
			batch = append(batch, t)
		default:
			return batch
		}
	}
	return batch
}

// gatherWhileSyncing keeps adding members while the log is being synced (SQLite) once one
// group has been committed during that sync: whatever is committed after it waits for the next
// sync anyway, so it might as well be one larger commit when this sync ends. The first group of
// each sync is committed at once, beside the sync, as before. Each commit costs the writer a
// write of every page it touched, and every reader its page cache (SQLite drops a connection's
// cache whenever the file has changed): searches committed their audit entries two at a time,
// three or four commits a sync.
func (s *Store) gatherWhileSyncing(batch []*groupTx) []*groupTx {
	for len(batch) < maxGroup && s.syncing.Load() && s.syncEpoch.Load() == s.committedIn {
		select {
		case t := <-s.group:
			batch = append(batch, t)
		case <-s.synced:
		case <-s.groupQuit:
			return batch
		}
	}
	s.committedIn = s.syncEpoch.Load()
	return batch
}

// commitGroup runs the batch in one transaction and returns each member's outcome. It first
// runs the members one after another with nothing between them. Should one fail, it undoes the
// whole transaction and runs the batch again with each member in a savepoint, so that the
// failure undoes only its own writes. Failures are rare, and a savepoint is not free: SQLite
// copies every page a member first touches into the savepoint's journal (a tenth of the
// committer's time), and each costs two more statements.
func (s *Store) commitGroup(batch []*groupTx, errs []error) []error {
	if errs, done := s.runGroup(batch, errs, false); done {
		return errs
	}
	errs, _ = s.runGroup(batch, errs[:0], true)
	return errs
}

// runGroup runs the batch in one transaction, each member in a savepoint when isolate is set.
// Without it, a member's failure undoes everything and runGroup reports that it is not done.
func (s *Store) runGroup(batch []*groupTx, errs []error, isolate bool) ([]error, bool) {
	for range batch {
		errs = append(errs, nil)
	}
	fail := func(err error) ([]error, bool) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs, true
	}
	if s.walBroken.Load() { // read without walMu, which the syncer holds while it syncs
		return fail(errBroken)
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	for try := 0; err != nil && safeToRetry(err) && try < 3; try++ {
		// A pooled connection that the server closed (a restart, a failover) fails before it
		// sends anything: take another.
		tx, err = s.w.BeginTx(context.Background(), nil)
	}
	if err != nil {
		return fail(fmt.Errorf("store: begin: %w", err))
	}
	s.head = groupHead{active: true, deferred: !isolate, pending: s.head.pending[:0]}
	defer func() { s.head = groupHead{pending: s.head.pending[:0]} }()
	if s.dialect.name() == "postgres" {
		// Several servers' groups: each takes the audit head first, before any row a member
		// locks. Taken at a member's first audit entry instead, one group would hold a register
		// row and wait for the head while another held the head and waited for that row: a
		// deadlock that PostgreSQL breaks only after deadlock_timeout (a second of no writes).
		if err := s.loadHead(context.Background(), tx); err != nil {
			_ = tx.Rollback()
			return fail(err)
		}
	}
	ok := 0
	for i, t := range batch {
		if err := t.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if !isolate {
			if err := s.runMember(t, tx); err != nil {
				s.countDeadlock(err)
				_ = tx.Rollback()
				return errs, false
			}
			ok++
			continue
		}
		head := s.head // what a member that fails must give back
		if _, err := s.exec(context.Background(), tx, `SAVEPOINT member`); err != nil {
			_ = tx.Rollback()
			return fail(fmt.Errorf("store: savepoint: %w", err))
		}
		if err := s.runMember(t, tx); err != nil {
			s.countDeadlock(err)
			errs[i] = err
			s.head = head
			if _, rerr := s.exec(context.Background(), tx, `ROLLBACK TO member`); rerr != nil {
				_ = tx.Rollback()
				return fail(fmt.Errorf("store: undo one of a group: %w", rerr))
			}
		} else {
			ok++
		}
		if _, err := s.exec(context.Background(), tx, `RELEASE member`); err != nil {
			_ = tx.Rollback()
			return fail(fmt.Errorf("store: release savepoint: %w", err))
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		return errs, true
	}
	if err := s.flushHead(tx); err != nil {
		_ = tx.Rollback()
		if !isolate { // an entry that the database refuses: find its member with savepoints
			return errs, false
		}
		return fail(err)
	}
	began := time.Now()
	err = tx.Commit()
	s.GroupCommitting.Add(int64(time.Since(began)))
	if err != nil {
		return fail(fmt.Errorf("store: commit: %w", err))
	}
	return errs, true
}

func (s *Store) countDeadlock(err error) {
	if s.dialect.retryable(err) {
		s.Deadlocks.Add(1)
	}
}

// inTx is the context of a statement inside a write transaction. A member of a group shares
// the transaction with the others, so its caller's cancellation must not interrupt one of its
// statements (on PostgreSQL that would abort the whole transaction); the committer checks it
// before the member runs. Without a Done channel, modernc's driver also spares a watcher
// goroutine per statement, which the committer paid for a dozen times a registration.
func inTx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// runMember runs one member's function; a panic in it becomes its error rather than ending the
// committer, which every writer depends on.
func (s *Store) runMember(t *groupTx, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("store: panic in a grouped transaction", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("store: panic in transaction: %v", p)
		}
	}()
	return t.fn(tx)
}
