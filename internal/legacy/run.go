package legacy

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
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
func Open(name string, r io.Reader, m Mapping, reg *units.Registry, today time.Time) (*Reader, error) {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return NewXLSXReader(r, m, reg, today)
	}
	return NewReader(r, m, reg, today)
}

// Run imports every row: valid entries in batches through the bulk loader, rejected rows to the
// report (CSV: line, reason). progress is called after each batch and at the end.
func Run(ctx context.Context, st *store.Store, rd *Reader, source string, batch int, by audit.Actor, report io.Writer, progress func(Progress)) (Progress, error) {
	p := Progress{Started: time.Now()}
	w := csv.NewWriter(report)
	w.Write([]string{"line", "reason"})
	var rows []civil.Record
	flush := func() error {
		res, err := st.BulkInsert(ctx, rows, by, source)
		if err != nil {
			return err
		}
		p.Inserted, p.Skipped, rows = p.Inserted+res.Inserted, p.Skipped+res.Skipped, rows[:0]
		if progress != nil {
			progress(p)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return p, err // an interrupted import resumes: the rows already in are skipped next time
		}
		rec, rej, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p, err
		}
		p.Read++
		if rej != nil {
			p.Rejected++
			w.Write([]string{strconv.Itoa(rej.Line), rej.Reason})
			continue
		}
		rows = append(rows, rec)
		if len(rows) >= batch {
			if err := flush(); err != nil {
				return p, err
			}
		}
	}
	if err := flush(); err != nil {
		return p, err
	}
	w.Flush()
	p.Done = true
	if progress != nil {
		progress(p)
	}
	return p, w.Error()
}
