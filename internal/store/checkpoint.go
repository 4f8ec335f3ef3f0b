package store

import (
	"database/sql"
	"os"
	"time"
)

// Checkpoints. In WAL mode SQLite copies committed pages from the log back into the database
// file (a checkpoint) by default inside whichever commit pushes the log past a threshold; that
// commit then waits for thousands of scattered writes and a sync of a file of many gigabytes,
// and every registration queued behind it waits too. So a goroutine with its own connection
// runs a passive checkpoint twice a second, beside the writer and without blocking it; the writer
// never checkpoints, since it does not sync (logsync.go). Once a checkpoint has caught up and no
// reader still needs the log, the next commit starts the log again from its beginning and cuts
// its file down to 64 MiB (journal_size_limit). Checkpointing
// after every commit instead kept the log smaller but, at ten million entries, cost a third of
// the registrations: each checkpoint syncs the whole database file.

const (
	checkpointEvery = 500 * time.Millisecond
	// restartLogAt is the log size past which the checkpointer makes the log start again. Under
	// a steady stream of commits a passive checkpoint never quite catches up (new pages arrive
	// while it copies), so the log is never restarted and grows without bound; a checkpoint in
	// RESTART mode holds new commits back for the short while it needs to copy what the last
	// passive one left, then lets the next commit write from the log's beginning.
	restartLogAt = 256 << 20
)

func (s *Store) startCheckpointer(dsn string) error {
	db, err := sql.Open("sqlite", sqliteBase(dsn)+syncFull)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	s.ckptQuit = make(chan struct{})
	s.ckptDone = make(chan struct{})
	go func() {
		defer close(s.ckptDone)
		defer db.Close()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-s.ckptQuit:
				// Leave a short log behind: the next start reads less of it.
				db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
				return
			case <-t.C:
				if _, err := db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
					s.log.Warn("store: checkpoint", "err", err)
					continue
				}
				if fi, err := os.Stat(s.walPath); err == nil && fi.Size() > restartLogAt {
					if _, err := db.Exec(`PRAGMA wal_checkpoint(RESTART)`); err != nil {
						s.log.Warn("store: checkpoint to restart the log", "err", err)
					}
				}
			}
		}
	}()
	return nil
}

func (s *Store) stopCheckpointer() {
	if s.ckptQuit != nil {
		s.ckptStop.Do(func() { close(s.ckptQuit) })
		<-s.ckptDone
	}
}
