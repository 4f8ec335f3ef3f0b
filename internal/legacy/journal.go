package legacy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"tuphap/internal/store"
)

// Import is one import of a legacy register as the imports list shows it.
type Import struct {
	ID   string
	File string
	By   string // the user's name, or "cli"
	// Encoding and Separator are what a CSV file was read with ("" for a workbook).
	Encoding, Separator string
	// Total is the rows the file was found to hold before reading (Reader.Rows), 0 when not
	// known: the end of the page's progress bar.
	Total  int
	Status string
	Progress
	Updated, Finished time.Time
}

// The statuses of an import. A stopped import (Ctrl-C, a server shutting down, a process that
// died) goes on when the same file is imported again.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
	ImportStopped = "stopped"
)

// SeparatorName is how a list names a CSV file's separator.
func SeparatorName(r rune) string {
	return map[rune]string{',': "“,”", ';': "“;”", '\t': "tab"}[r]
}

// ImportStatuses are the statuses a list can be filtered by.
var ImportStatuses = []string{ImportRunning, ImportDone, ImportFailed, ImportStopped}

// StaleAfter is how long a running import may go without writing its progress before it is
// taken for stopped: its process died (kill -9, a node lost) without saying so.
const StaleAfter = 5 * time.Minute

// Journal is the list of imports, in the database so that it outlives a restart and every node
// sees it.
type Journal struct {
	st *store.Store
	// Beat is how often a running import's progress is written (a second when zero).
	Beat time.Duration
}

// NewJournal returns the journal of st.
func NewJournal(st *store.Store) *Journal { return &Journal{st: st} }

// Track runs the import id (begun with Begin): run reads the file, writing the rows it refuses
// to report and calling progress as it goes. Its progress is written every Beat while it runs
// (a heartbeat: an import whose process dies is seen stopped), its outcome and report when it
// ends, even when ctx has ended.
func (j *Journal) Track(ctx context.Context, id string, run func(report io.Writer, progress func(Progress)) (Progress, error)) (Progress, error) {
	beat := j.Beat
	if beat <= 0 {
		beat = time.Second
	}
	var (
		mu     sync.Mutex
		last   Progress
		report bytes.Buffer // written by run only, read once it has returned
		done   = make(chan struct{})
		wg     sync.WaitGroup
	)
	bg := context.WithoutCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(beat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				p := last
				mu.Unlock()
				j.Update(bg, id, p) // a missed beat is made up by the next
			}
		}
	}()
	p, err := run(&report, func(p Progress) {
		mu.Lock()
		last = p
		mu.Unlock()
	})
	close(done)
	wg.Wait()
	if e := j.End(bg, id, p, err, report.Bytes()); e != nil {
		err = errors.Join(err, e)
	}
	return p, err
}

const importCols = `id, file_name, by_user, encoding, separator, total_rows, status, read_rows, inserted, skipped, rejected, error,
	started_at, updated_at, finished_at`

func scanImport(row store.Scanner) (Import, error) {
	var m Import
	err := row.Scan(&m.ID, &m.File, &m.By, &m.Encoding, &m.Separator, &m.Total, &m.Status, &m.Read, &m.Inserted, &m.Skipped, &m.Rejected,
		&m.Error, store.ScanTime(&m.Started), store.ScanTime(&m.Updated), store.ScanTime(&m.Finished))
	if m.Status == ImportRunning && time.Since(m.Updated) > StaleAfter {
		m.Status = ImportStopped
	}
	m.Done = m.Status != ImportRunning
	return m, err
}

// Percent is how far a running import has read, 0–100, when its total is known.
func (m Import) Percent() int {
	if m.Total <= 0 {
		return 0
	}
	return min(100, m.Read*100/m.Total)
}

// Begin records an import that starts now and returns it with its id.
func (j *Journal) Begin(ctx context.Context, m Import) (Import, error) {
	m.ID, m.Status, m.Progress = store.NewID(), ImportRunning, Progress{Started: time.Now()}
	m.Updated = m.Started
	err := j.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO imports (`+importCols+`, report) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 0, '', $8, $8, NULL, '')`,
			m.ID, m.File, m.By, m.Encoding, m.Separator, m.Total, m.Status, store.Time(m.Started))
		return err
	})
	if err != nil {
		return m, fmt.Errorf("imports: begin: %w", err)
	}
	return m, nil
}

// Update writes how far a running import has come.
func (j *Journal) Update(ctx context.Context, id string, p Progress) error {
	return j.write(ctx, "update", `UPDATE imports SET read_rows = $2, inserted = $3, skipped = $4, rejected = $5, updated_at = $6
		WHERE id = $1 AND status = 'running'`, id, p.Read, p.Inserted, p.Skipped, p.Rejected, store.Time(time.Now()))
}

// End writes an import's outcome: done, stopped when runErr is its context ending (it goes on
// when run again), failed otherwise; report is the CSV of the rows refused.
func (j *Journal) End(ctx context.Context, id string, p Progress, runErr error, report []byte) error {
	status, msg := ImportDone, ""
	switch {
	case errors.Is(runErr, context.Canceled), errors.Is(runErr, context.DeadlineExceeded):
		status = ImportStopped
	case runErr != nil:
		status, msg = ImportFailed, runErr.Error()
	}
	now := store.Time(time.Now())
	return j.write(ctx, "end", `UPDATE imports SET status = $2, read_rows = $3, inserted = $4, skipped = $5, rejected = $6,
		error = $7, report = $8, updated_at = $9, finished_at = $9 WHERE id = $1`,
		id, status, p.Read, p.Inserted, p.Skipped, p.Rejected, msg, string(report), now)
}

func (j *Journal) write(ctx context.Context, what, q string, args ...any) error {
	err := j.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(q, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("imports: %s: %w", what, err)
	}
	return nil
}

// ImportQuery selects imports for a list; empty fields select all.
type ImportQuery struct {
	Status, By string
	From, To   time.Time // started at or after From, before To
	Oldest     bool      // first started first; newest first otherwise
	Offset     int
	Limit      int // 50 when 0; at most MaxImports
}

// MaxImports is the most imports one call returns (an export asks for it).
const MaxImports = 10000

// Find lists the imports q selects, newest first unless q.Oldest.
func (j *Journal) Find(ctx context.Context, q ImportQuery) ([]Import, error) {
	if q.Limit <= 0 || q.Limit > MaxImports {
		q.Limit = 50
	}
	var w store.Where
	w.Eq("by_user", q.By)
	w.Range("started_at", q.From, q.To)
	stale := store.Time(time.Now().Add(-StaleAfter))
	switch q.Status {
	case "":
	case ImportRunning:
		w.Cond("status = 'running' AND updated_at >= " + w.Args.Add(stale))
	case ImportStopped:
		w.Cond("(status = 'stopped' OR (status = 'running' AND updated_at < " + w.Args.Add(stale) + "))")
	default:
		w.Eq("status", q.Status)
	}
	return store.Collect(ctx, j.st, scanImport, "imports", `SELECT `+importCols+` FROM imports WHERE `+w.String()+
		store.Chronological("started_at", q.Oldest, q.Offset, q.Limit), w.Args...)
}

// Get returns one import.
func (j *Journal) Get(ctx context.Context, id string) (Import, error) {
	m, err := scanImport(j.st.QueryRow(ctx, `SELECT `+importCols+` FROM imports WHERE id = $1`, id))
	return m, store.NotFound(err, "import.not_found")
}

// Report returns the CSV of the rows an import refused (empty while it runs).
func (j *Journal) Report(ctx context.Context, id string) (Import, []byte, error) {
	m, err := j.Get(ctx, id)
	if err != nil {
		return m, nil, err
	}
	var report string
	if err := j.st.QueryRow(ctx, `SELECT report FROM imports WHERE id = $1`, id).Scan(&report); err != nil {
		return m, nil, j.st.Fail(err)
	}
	return m, []byte(report), nil
}
