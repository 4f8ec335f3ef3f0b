package store

import (
	"errors"
	"fmt"
	"os"
)

// Pipelined sync (SQLite). The writer commits with synchronous=OFF: its commit only writes the
// group's pages to the log. A second goroutine then syncs the log file and only then tells the
// group's callers that their writes are done, while the committer already runs the next group.
// The sync no longer holds up the single writer once per group, and one sync may cover several
// groups (registration p99 at 1 M entries: 77–95 ms before, 41–50 after). One group is
// committed beside each sync; what arrives after it is gathered and committed as one group
// when the sync ends (gatherWhileSyncing).
//
// What stays as with synchronous=FULL: a caller hears "done" only when its writes are on disk.
// What differs: for the millisecond or so between the commit and the sync, other connections
// can read a group's writes before they are durable, as with PostgreSQL's synchronous_commit
// off. A power cut in that window loses them, and their callers were never told they were done;
// the log's checksums run on from frame to frame, so a later group never survives an earlier
// one. Anything that acts on a write through a transaction of its own (the outbox claims its
// messages so) commits in a later group, after that group's sync.
//
// The writer never checkpoints (wal_autocheckpoint=0): a checkpoint from a connection that
// does not sync could copy pages into the database file and let the log be overwritten before
// the file reaches the disk. The checkpointer's own connection (checkpoint.go) syncs.

// syncBatch is a committed group whose callers wait for the sync.
type syncBatch []*groupTx

// errBroken is what every write gets once a sync has failed: after a failed fsync the kernel
// may have dropped the pages it could not write, so no later sync can vouch for them.
var errBroken = errors.New("store: the log could not be synced; restart tuphap after checking the disk")

func (s *Store) startSyncer() {
	s.syncq = make(chan syncBatch, 64)
	s.synced = make(chan struct{}, 1)
	s.syncDone = make(chan struct{})
	go s.syncer()
}

// syncer syncs the log once for every committed group waiting, then answers their callers.
func (s *Store) syncer() {
	defer close(s.syncDone)
	for b := range s.syncq {
		pending := []syncBatch{b}
	more:
		for {
			select {
			case next, ok := <-s.syncq:
				if !ok {
					break more
				}
				pending = append(pending, next)
			default:
				break more
			}
		}
		s.syncEpoch.Add(1)
		s.syncing.Store(true)
		err := s.syncLog()
		s.syncing.Store(false)
		select { // wake the committer if it gathers (gatherWhileSyncing); a stale signal only makes it look again
		case s.synced <- struct{}{}:
		default:
		}
		for _, b := range pending {
			for _, t := range b {
				t.done <- err
			}
		}
	}
}

// syncLog makes every write to the log so far durable: fsync on any descriptor of the file
// flushes the file. The committer and the store's own paths outside it call it.
func (s *Store) syncLog() error {
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.walBroken.Load() {
		return errBroken
	}
	if s.wal == nil {
		f, err := os.Open(s.walPath)
		if err != nil {
			s.walBroken.Store(true)
			s.log.Error("store: cannot open the log to sync it; writes are refused until restart", "err", err)
			return fmt.Errorf("%w: %w", errBroken, err)
		}
		s.wal = f
	}
	s.LogSyncs.Add(1)
	if err := s.wal.Sync(); err != nil {
		s.walBroken.Store(true)
		s.log.Error("store: sync of the log failed; writes are refused until restart", "err", err)
		return fmt.Errorf("%w: %w", errBroken, err)
	}
	return nil
}

// stopSyncer ends the syncer once the committer has handed over its last group.
func (s *Store) stopSyncer() {
	if s.syncq == nil {
		return
	}
	close(s.syncq)
	<-s.syncDone
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.wal != nil {
		s.wal.Close()
		s.wal = nil
	}
}
