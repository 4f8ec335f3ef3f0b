package store

import (
	"database/sql"
	"time"
)

// Checkpoints. In WAL mode SQLite copies committed pages from the log back into the database
// file (a checkpoint) by default inside whichever commit pushes the log past a threshold; that
// commit then waits for thousands of scattered writes and a sync of a file of many gigabytes,
// and every registration queued behind it waits too. So a goroutine with its own connection
// runs a passive checkpoint twice a second, beside the writer and without blocking it, and the
// writer checkpoints itself only if the log still grows past writerCheckpointPages. Once a
// checkpoint has caught up and no reader still needs the log, the next commit starts the log
// again from its beginning and cuts its file down to 64 MiB (journal_size_limit). Checkpointing
// after every commit instead kept the log smaller but, at ten million entries, cost a third of
// the registrations: each checkpoint syncs the whole database file.

const (
	checkpointEvery = 500 * time.Millisecond
	// writerCheckpointPages (256 MiB of log) is the writer's own threshold, a safety net.
	writerCheckpointPages = 65536
)

func (s *Store) startCheckpointer(dsn string) error {
	db, err := sql.Open("sqlite", sqliteBase(dsn))
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
