package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"tuphap/internal/civil"
	"tuphap/internal/legacy"
)

// importCmd imports a CSV of legacy register entries. Rejected rows go to FILE.rejected.csv with
// their line and reason; nothing is dropped or changed silently. Running it again (or after an
// interruption) stores nothing twice: the register numbers identify the entries.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("import", stderr)
	mapping := fs.String("mapping", "", "JSON file mapping the file's headings to tuphap's fields")
	batch := fs.Int("batch", 2000, "rows per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("import takes one FILE (CSV): %w", errUsage)
	}
	path := fs.Arg(0)
	if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return errors.New("XLSX files are not read yet: save the sheet as CSV (UTF-8)")
	}
	var m legacy.Mapping
	if *mapping != "" {
		var err error
		if m, err = legacy.LoadMapping(*mapping); err != nil {
			return err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, _ := f.Stat()
	st, reg, err := openStore(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	rd, err := legacy.NewReader(f, m, reg, time.Now())
	if err != nil {
		return err
	}
	reportPath := path + ".rejected.csv"
	rf, err := os.Create(reportPath)
	if err != nil {
		return err
	}
	defer rf.Close()
	report := csv.NewWriter(rf)
	report.Write([]string{"line", "reason"})

	by := cli()
	tty := false
	if fd, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(fd.Fd()))
	}
	start := time.Now()
	var rows []civil.Record
	var inserted, skipped, rejected, read int
	progress := func(final bool) {
		rate := float64(read) / time.Since(start).Seconds()
		pos, _ := f.Seek(0, io.SeekCurrent)
		frac := 0.0
		if info != nil && info.Size() > 0 {
			frac = float64(pos) / float64(info.Size())
		}
		eta := "?"
		if frac > 0 {
			eta = (time.Duration(float64(time.Since(start)) * (1 - frac) / frac)).Round(time.Second).String()
		}
		if tty {
			bar := strings.Repeat("█", int(frac*30)) + strings.Repeat("░", 30-int(frac*30))
			fmt.Fprintf(stderr, "\r%s %3.0f%%  %d rows  %.0f/s  ETA %s   ", bar, frac*100, read, rate, eta)
			if final {
				fmt.Fprintln(stderr)
			}
		} else if final || read%20000 == 0 {
			fmt.Fprintf(stderr, "import: %d rows read, %.0f%%, %.0f rows/s, ETA %s\n", read, frac*100, rate, eta)
		}
	}
	flush := func() error {
		res, err := st.BulkInsert(ctx, rows, by, path)
		if err != nil {
			return err
		}
		inserted, skipped, rows = inserted+res.Inserted, skipped+res.Skipped, rows[:0]
		return nil
	}
	for {
		rec, rej, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", rd.Line(), err)
		}
		read++
		if rej != nil {
			rejected++
			report.Write([]string{strconv.Itoa(rej.Line), rej.Reason})
		} else {
			rows = append(rows, rec)
			if len(rows) >= *batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if read%1000 == 0 {
			progress(false)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	report.Flush()
	progress(true)
	fmt.Fprintf(stdout, "%s: %d rows, %d imported, %d already there, %d rejected (see %s), %.0f rows/s\n",
		path, read, inserted, skipped, rejected, reportPath, float64(read)/time.Since(start).Seconds())
	return report.Error()
}
