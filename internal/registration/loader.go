package registration

import (
	"context"
	"sync"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
)

// BulkLoader feeds a long import to WriteBulk from a goroutine of its own, so that the caller
// reads, checks and encodes the next batch (PrepareBulk) while SQLite writes the previous one:
// on a machine with two cores, the import then uses both.
type BulkLoader struct {
	db     *Records
	by     audit.Actor
	source string
	queue  chan *BulkBatch
	done   chan struct{}
	// written is called from the loader's goroutine after each batch.
	written func(BulkResult)

	mu    sync.Mutex
	total BulkResult
	err   error
}

// NewBulkLoader starts a loader. written, if not nil, hears the outcome of each batch.
func (db *Records) NewBulkLoader(ctx context.Context, by audit.Actor, source string, written func(BulkResult)) *BulkLoader {
	l := &BulkLoader{db: db, by: by, source: source, queue: make(chan *BulkBatch, 1), done: make(chan struct{}), written: written}
	go func() {
		defer close(l.done)
		for b := range l.queue {
			if l.failed() {
				continue // drain: the first error ends the import
			}
			res, err := db.WriteBulk(ctx, b, by, source)
			l.mu.Lock()
			l.total.Inserted += res.Inserted
			l.total.Skipped += res.Skipped
			if err != nil && l.err == nil {
				l.err = err
			}
			l.mu.Unlock()
			if err == nil && l.written != nil {
				l.written(res)
			}
		}
	}()
	return l
}

func (l *BulkLoader) failed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err != nil
}

// Add prepares rs and queues it, waiting while one batch is already queued. It returns the
// first error of an earlier batch, after which the import should stop. rs may be reused.
func (l *BulkLoader) Add(rs []civil.Record) error {
	if len(rs) == 0 {
		return nil
	}
	b, err := l.db.PrepareBulk(rs, l.by)
	if err != nil {
		return err
	}
	l.mu.Lock()
	err = l.err
	l.mu.Unlock()
	if err != nil {
		return err
	}
	l.queue <- b
	return nil
}

// Close waits for the queued batches and returns the totals and the first error.
func (l *BulkLoader) Close() (BulkResult, error) {
	close(l.queue)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, l.err
}
