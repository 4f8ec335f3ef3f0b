package legacy

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Progress is how far an import has come.
type Progress struct {
	Read     int       `json:"read"`
	Inserted int       `json:"inserted"`
	Skipped  int       `json:"skipped"` // already imported earlier
	Rejected int       `json:"rejected"`
	Started  time.Time `json:"started"`
	Done     bool      `json:"done"`
	Error    string    `json:"error,omitempty"`
}

// Rate is rows per second so far.
func (p Progress) Rate() float64 {
	if d := time.Since(p.Started).Seconds(); d > 0 {
		return float64(p.Read) / d
	}
	return 0
}

// Open picks the reader by the file's name: .xlsx (first sheet) or CSV.
// A CSV file that can be read twice (a file on disk) has its lines counted first, for Rows.
func Open(name string, r io.Reader, m Mapping, reg *units.Registry, today time.Time) (*Reader, error) {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return NewXLSXReader(r, m, reg, today)
	}
	lines := -1
	if f, ok := r.(io.ReadSeeker); ok {
		n, err := countLines(f)
		if err != nil {
			return nil, err
		}
		lines = n
	}
	rd, err := NewReader(r, m, reg, today)
	if err == nil && lines > 0 {
		rd.Rows = lines - 1 // the heading; a cell holding a line break makes this an estimate
	}
	return rd, err
}

// countLines counts the lines of f (a last line without its break included) and goes back to
// where f was; -1 when f cannot go back: a pipe (`tuphap import /dev/stdin`) is an *os.File
// that cannot seek, and is read as it comes.
func countLines(f io.ReadSeeker) (int, error) {
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1, nil
	}
	buf := make([]byte, 64<<10)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	_, err = f.Seek(start, io.SeekStart)
	return n, err
}

// Run imports every row: valid entries in batches through a bulk loader (which writes one batch
// while the next is read), rejected rows to the report (CSV: line, reason). progress is called
// after each batch is written and at the end.
//
// When ctx ends (Ctrl-C, SIGTERM, a server shutting down) it stops at a row boundary: the rows
// read are written, the report is complete, and it returns ctx's error with every row read
// accounted for. Running it again on the same file goes on: the entries already in are skipped.
func Run(ctx context.Context, reg *registration.Service, rd *Reader, source string, batch int, by audit.Actor, report io.Writer, progress func(Progress)) (Progress, error) {
	var mu sync.Mutex // p is read here and updated by the loader's goroutine
	p := Progress{Started: time.Now()}
	snapshot := func() Progress {
		mu.Lock()
		defer mu.Unlock()
		return p
	}
	w := csv.NewWriter(report) // written by the reader and by the loader's goroutine, under mu
	lines := map[string]int{}  // row id → line, for the rows the store refuses
	// The rows already read are written even once ctx has ended: that is the row boundary.
	l := reg.NewBulkLoader(context.WithoutCancel(ctx), by, source, func(res registration.BulkResult) {
		mu.Lock()
		p.Inserted += res.Inserted
		p.Skipped += res.Skipped
		p.Rejected += len(res.Conflicts)
		for _, c := range res.Conflicts {
			w.Write([]string{strconv.Itoa(lines[c.ID]), c.Reason})
		}
		cur := p
		mu.Unlock()
		if progress != nil {
			progress(cur)
		}
	})
	mu.Lock()
	w.Write([]string{"line", "reason"})
	mu.Unlock()
	rows := make([]civil.Record, 0, batch)
	read := func() error {
		for {
			if err := ctx.Err(); err != nil {
				return errors.Join(err, l.Add(rows)) // an interrupted import resumes: the rows already in are skipped next time
			}
			rec, rej, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return l.Add(rows)
			}
			if err != nil {
				return err
			}
			mu.Lock()
			p.Read++
			if rej != nil {
				p.Rejected++
				w.Write([]string{strconv.Itoa(rej.Line), rej.Reason})
			} else {
				rec.ID = store.NewID()
				lines[rec.ID] = rd.Line()
			}
			mu.Unlock()
			if rej != nil {
				continue
			}
			rows = append(rows, rec)
			if len(rows) >= batch {
				if err := l.Add(rows); err != nil {
					return err
				}
				rows = rows[:0]
			}
		}
	}
	rerr := read()
	_, lerr := l.Close()
	mu.Lock()
	w.Flush()
	mu.Unlock()
	if err := errors.Join(rerr, lerr); err != nil {
		return snapshot(), err
	}
	mu.Lock()
	p.Done = true
	mu.Unlock()
	if progress != nil {
		progress(snapshot())
	}
	return snapshot(), w.Error()
}
