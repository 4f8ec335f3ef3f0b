package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"tuphap/internal/calendar"
	"tuphap/internal/reception"
)

// calendarCmd prints a year's holidays and swapped working days (official where entered), or
// with "lunar DATE" the lunar date of a day.
func calendarCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "lunar" {
		if len(args) != 2 {
			return fmt.Errorf("calendar lunar takes one date YYYY-MM-DD: %w", errUsage)
		}
		d, err := time.Parse("2006-01-02", args[1])
		if err != nil {
			return fmt.Errorf("%q is not a date YYYY-MM-DD", args[1])
		}
		l := calendar.ToLunar(d, calendar.VietnamOffset)
		leap := "no"
		if l.Leap {
			leap = "yes"
		}
		fmt.Fprintf(stdout, "%s: lunar %d/%d/%d, leap month: %s\n", args[1], l.Day, l.Month, l.Year, leap)
		return nil
	}
	fs, db := newFlags("calendar", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("calendar takes a YEAR, or lunar YYYY-MM-DD: %w", errUsage)
	}
	year, err := strconv.Atoi(fs.Arg(0))
	if err != nil || year < 1900 || year >= 2200 {
		return fmt.Errorf("%q is not a year between 1900 and 2199", fs.Arg(0))
	}
	st, _, err := openStore(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	desk, err := reception.New(ctx, st)
	if err != nil {
		return err
	}
	sc := desk.Calendar().Schedule(year)
	source := "default (Labour Code 2019 art. 111-112; not yet announced or entered)"
	if sc.Official {
		source = "official (entered by an administrator)"
	}
	fmt.Fprintf(stdout, "%d: %s; Tết %s\n", year, source, calendar.Tet(year).Format("2006-01-02"))
	for _, d := range sc.Days {
		l := calendar.ToLunar(d.Date, calendar.VietnamOffset)
		fmt.Fprintf(stdout, "%s  %-9s %-8s  lunar %-14s %s\n", d.DateString(), d.Date.Weekday(), d.Kind, l.String(), d.Name)
	}
	return nil
}
