package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/synth"
	"tuphap/internal/vntext"
)

// benchLoad tops the store up to f.n synthetic entries through the bulk loader (as `tuphap
// import` does) and picks the names and personal IDs that the queries will look for.
func benchLoad(ctx context.Context, st *store.Store, f *benchFlags, res *benchResult, stderr io.Writer) error {
	g := synth.New(f.seed, f.communes)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	// A store loaded on another day drew its entries' dates from that day: the samples must too.
	var first time.Time
	if err := st.QueryRow(ctx, `SELECT created_at FROM records WHERE created_by = 'bench' ORDER BY id LIMIT 1`).Scan(store.ScanTime(&first)); err == nil && !first.IsZero() {
		today = first.UTC().Truncate(24 * time.Hour)
	}
	from := today.AddDate(-40, 0, 0)
	reg := registration.New(st)
	have, err := reg.Count(ctx)
	if err != nil {
		return err
	}
	res.Records = max(have, f.n)
	// The i-th synthetic entry: every tenth a death, every tenth a marriage.
	entry := func(g *synth.Generator, i int) synth.Entry {
		switch i % 10 {
		case 9:
			return g.Death(today.AddDate(-5, 0, 0), today.AddDate(0, 0, -1), today)
		case 4:
			return g.Marriage(from, today.AddDate(0, 0, -1), today)
		}
		return g.Birth(from, today.AddDate(0, 0, -1), today)
	}
	// Queries look for the first entries loaded: the same generator, called in the same order,
	// gives them again, and the same numbering their register numbers.
	sample, sampleNumbers := synth.New(f.seed, f.communes), registerNumbers{}
	for i := 0; i < f.n && (len(f.names) < 500 || len(f.officerNames) < 500 || !f.kinds.full()); i++ {
		e := entry(sample, i)
		r := e.Record()
		number := sampleNumbers.next(r)
		f.kinds.add(e, number, e.Office == f.communes[0])
		if e.Birth == nil {
			continue
		}
		name, pid := vntext.Fold(e.Birth.Child.FullName), e.Birth.Child.PersonalID
		if len(f.names) < 500 {
			f.names, f.pids = append(f.names, name), append(f.pids, pid)
		}
		if e.Office == f.communes[0] && len(f.officerNames) < 500 {
			f.officerNames, f.officerPIDs = append(f.officerNames, name), append(f.officerPIDs, pid)
		}
	}
	if have >= f.n {
		return nil
	}
	fmt.Fprintf(stderr, "loading %d synthetic records into %s…\n", f.n-have, st.Dialect())
	stop, err := cpuProfile(f.loadProf)
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	loaded := 0
	load := func() error {
		// Generating and encoding the next batch overlaps with writing this one.
		l := reg.NewBulkLoader(ctx, audit.Actor{Username: "bench"}, "synthetic", func(r registration.BulkResult) {
			loaded += r.Inserted + r.Skipped
			if loaded%500000 == 0 {
				fmt.Fprintf(stderr, "  %d records, %.0f/s\n", loaded, float64(loaded)/time.Since(start).Seconds())
			}
		})
		numbers := registerNumbers{}
		batch := make([]civil.Record, 0, 5000)
		for i := have; i < f.n; i++ {
			e := entry(g, i)
			r := e.Record()
			// Loaded books are named apart from live ones, so that live numbering is untouched.
			r.Register = civil.Register{Number: numbers.next(r), Book: "B" + strconv.FormatUint(f.seed, 10), Year: yearOf(r.RegisteredOn)}
			batch = append(batch, r)
			if len(batch) == cap(batch) {
				if err := l.Add(batch); err != nil {
					l.Close()
					return err
				}
				batch = batch[:0]
			}
		}
		if err := l.Add(batch); err != nil {
			l.Close()
			return err
		}
		_, err := l.Close()
		return err
	}
	// An initial load builds the search indexes once at the end (see docs/performance.md).
	if f.fast {
		err = st.WithoutIndexes(ctx, registration.LoadTables, func() error {
			err := load()
			fmt.Fprintf(stderr, "  %d records in %s; building the search indexes…\n", loaded, time.Since(start).Round(time.Second))
			return err
		})
	} else {
		err = load()
	}
	if err != nil {
		return err
	}
	res.ImportPerSec = float64(loaded) / time.Since(start).Seconds()
	return nil
}

// registerNumbers numbers loaded entries in their office's book of their kind and year.
type registerNumbers map[string]int

func (n registerNumbers) next(r civil.Record) int {
	k := fmt.Sprintf("%s/%s/%s", r.Office, r.Kind, r.RegisteredOn[:4])
	n[k]++
	return n[k]
}

// yearOf is the year of an ISO date.
func yearOf(iso string) int {
	y, _ := strconv.Atoi(iso[:4])
	return y
}
