package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"tuphap/internal/legacy"
	"tuphap/internal/registration"
)

// importCmd imports a CSV or XLSX file of legacy register entries. Rejected rows go to
// FILE.rejected.csv with their line and reason; nothing is dropped or changed silently. Running
// it again (or after an interruption) stores nothing twice: the register numbers identify the
// entries.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("import", stderr)
	mapping := fs.String("mapping", "", "JSON file mapping the file's headings to tuphap's fields")
	encoding := fs.String("encoding", "", "encoding of a CSV file: "+strings.Join(legacy.Encodings, ", ")+" (default: found from the file)")
	batch := fs.Int("batch", 2000, "rows per transaction")
	fast := fs.Bool("fast", false, "initial load while nobody works: drop the search indexes, build them once at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("import takes one FILE (CSV or XLSX): %w", errUsage)
	}
	// Ctrl-C or SIGTERM stops at a row boundary: what was read is written, the report is
	// complete, and running the same command again goes on from there.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// On the first signal only (the deferred call below takes it back when the import ends).
	defer context.AfterFunc(ctx, func() {
		stop() // a second Ctrl-C quits at once, as it would anywhere else
		fmt.Fprintln(stderr, "\nimport: stopping after the rows already read (Ctrl-C again to quit at once)…")
	})()
	path := fs.Arg(0)
	var m legacy.Mapping
	if *mapping != "" {
		var err error
		if m, err = legacy.LoadMapping(*mapping); err != nil {
			return err
		}
	}
	if *encoding != "" {
		m.Encoding = *encoding
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, _ := f.Stat()
	st, reg, err := openStore(ctx, *db, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	rd, err := legacy.Open(path, f, m, reg, time.Now())
	if err != nil {
		return err
	}
	if rd.Encoding != "" {
		fmt.Fprintf(stderr, "đọc theo bảng mã %s, phân cách %q\n", rd.Encoding, rd.Separator)
	}
	reportPath := path + ".rejected.csv"
	rf, err := os.Create(reportPath)
	if err != nil {
		return err
	}
	defer rf.Close()
	tty := false
	if fd, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(fd.Fd()))
	}
	show := func(p legacy.Progress) {
		pos, _ := f.Seek(0, io.SeekCurrent)
		frac := 0.0
		if info != nil && info.Size() > 0 {
			frac = min(1, float64(pos)/float64(info.Size()))
		}
		if p.Done {
			frac = 1
		}
		eta := "?"
		if frac > 0 {
			eta = (time.Duration(float64(time.Since(p.Started)) * (1 - frac) / frac)).Round(time.Second).String()
		}
		if tty {
			bar := strings.Repeat("█", int(frac*30)) + strings.Repeat("░", 30-int(frac*30))
			fmt.Fprintf(stderr, "\r%s %3.0f%%  %d rows  %.0f/s  ETA %s   ", bar, frac*100, p.Read, p.Rate(), eta)
			if p.Done {
				fmt.Fprintln(stderr)
			}
			return
		}
		fmt.Fprintf(stderr, "import: %d rows read, %.0f%%, %.0f rows/s, ETA %s\n", p.Read, frac*100, p.Rate(), eta)
	}
	// The import is on the imports page too, as one started there would be.
	journal := legacy.NewJournal(st)
	imp := legacy.Import{File: filepath.Base(path), By: cli().Username, Total: rd.Rows}
	if rd.Encoding != "" {
		imp.Encoding, imp.Separator = rd.Encoding, legacy.SeparatorName(rd.Separator)
	}
	if imp, err = journal.Begin(ctx, imp); err != nil {
		return err
	}
	// The journal's outcome comes after the indexes are built again (minutes at ten million
	// entries), so that the list says "done" once the entries can be found.
	p, err := journal.Track(ctx, imp.ID, func(report io.Writer, progress func(legacy.Progress)) (legacy.Progress, error) {
		var p legacy.Progress
		load := func() error {
			var err error
			p, err = legacy.Run(ctx, registration.New(st), rd, path, *batch, cli(), io.MultiWriter(rf, report), func(p legacy.Progress) {
				progress(p)
				show(p)
			})
			return err
		}
		if !*fast {
			err := load()
			return p, err
		}
		// The indexes are built again even when the import is stopped.
		err := st.WithoutIndexes(context.WithoutCancel(ctx), registration.LoadTables, func() error {
			err := load()
			fmt.Fprintln(stderr, "import: building the search indexes and writing them into the database file…")
			return err
		})
		return p, err
	})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stdout, "%s: stopped after %d rows: %d imported, %d already there, %d rejected (see %s)\n", path, p.Read, p.Inserted, p.Skipped, p.Rejected, reportPath)
		return fmt.Errorf("import stopped; run the same command again to go on (the entries already in are skipped)")
	}
	if err != nil {
		return fmt.Errorf("after %d rows: %w", p.Read, err)
	}
	fmt.Fprintf(stdout, "%s: %d rows, %d imported, %d already there, %d rejected (see %s), %.0f rows/s\n",
		path, p.Read, p.Inserted, p.Skipped, p.Rejected, reportPath, p.Rate())
	return nil
}
