package store

import (
	"database/sql"
	"os"
	"strings"
	"time"
)

// Checkpoints. In WAL mode SQLite copies committed pages from the log back into the database
// file (a checkpoint) by default inside whichever commit pushes the log past a threshold; that
// commit then waits for thousands of scattered writes and a sync of a file of many gigabytes,
// and every registration queued behind it waits too. So a goroutine with its own connection
// runs a passive checkpoint twice a second, beside the writer and without blocking it; the writer
// never checkpoints, since it does not sync (logsync.go). Once a checkpoint has caught up and no
// reader still needs the log, the next commit starts the log again from its beginning and cuts
// its file down to 64 MiB (journal_size_limit). Checkpointing after every commit instead kept
// the log smaller but, at ten million entries, cost a third of the registrations: each
// checkpoint syncs the whole database file.

const (
	checkpointEvery = 500 * time.Millisecond
	// restartLogAt is the log size past which the checkpointer makes the log start again. Under
	// a steady stream of commits a passive checkpoint never quite catches up (new pages arrive
	// while it copies), so the log is never restarted and grows without bound. Passive
	// checkpoints first bring what is left down to restartBehind pages; then the committer
	// pauses between two groups while a checkpoint in RESTART mode copies the rest and waits
	// (20 ms at most) for the readers still on the log, and the next commit writes from the
	// log's beginning.
	// Left to take the writers' lock by itself, the checkpoint kept retrying while groups
	// followed one another and held the committer back for 100 ms at a time.
	restartLogAt  = 256 << 20
	restartBehind = 2048
)

func (s *Store) startCheckpointer(dsn string) error {
	// A checkpoint that restarts the log holds commits back while it waits for readers, so it
	// waits briefly and tries again at the next tick rather than stall registrations behind a
	// long report.
	db, err := sql.Open("sqlite", sqliteBase(dsn, 20*time.Millisecond)+syncFull)
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
				if err := s.checkpoint(db, restartLogAt); err != nil {
					s.log.Warn("store: checkpoint", "err", err)
				}
			}
		}
	}()
	return nil
}

// checkpoint copies what it can of the log into the database file, and restarts a log grown
// past restartAt bytes.
func (s *Store) checkpoint(db *sql.DB, restartAt int64) error {
	behind, err := passiveCheckpoint(db)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(s.walPath); err != nil || fi.Size() <= restartAt {
		return nil
	}
	for range 4 {
		if behind <= restartBehind {
			break
		}
		if behind, err = passiveCheckpoint(db); err != nil {
			return err
		}
	}
	// The checkpoint that restarts the log syncs the database file while the committer waits:
	// syncing it first, while groups still run, leaves that sync little to do (it took 100 ms).
	if err := syncFile(strings.TrimSuffix(s.walPath, "-wal")); err != nil {
		return err
	}
	resume := make(chan struct{})
	defer close(resume)
	select {
	case s.pause <- resume:
	case <-s.groupDone:
		return nil
	}
	_, err = db.Exec(`PRAGMA wal_checkpoint(RESTART)`)
	return err
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// passiveCheckpoint copies what no reader still needs and returns how many pages of the log
// are left to copy.
func passiveCheckpoint(db *sql.DB) (int, error) {
	var busy, log, done int
	err := db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done)
	return log - done, err
}

func (s *Store) stopCheckpointer() {
	if s.ckptQuit != nil {
		s.ckptStop.Do(func() { close(s.ckptQuit) })
		<-s.ckptDone
	}
}
