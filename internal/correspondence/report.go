package correspondence

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/store"
)

// UnitFigures are the incoming documents of a period routed to one unit: how many, how many
// handled and how many of those by their day, how many still open past it, and the days from
// receipt to completion (calendar days, as the register reads them).
type UnitFigures struct {
	Unit     string  `json:"unit"`
	Routed   int     `json:"routed"`
	Done     int     `json:"done"`
	OnTime   int     `json:"on_time"`
	Overdue  int     `json:"overdue"` // routed, not done, past the day
	AvgDays  float64 `json:"average_days"`
	OnTimeOf float64 `json:"on_time_rate"` // on time ÷ done
	daysSum  int
}

// Report is the incoming register of a period: documents received, signed and still waiting
// to be routed, and per unit how they were handled.
type Report struct {
	From, To   string        `json:"-"`
	Received   int           `json:"received"`
	Signed     int           `json:"signed"` // PDFs whose signature was intact
	Unrouted   int           `json:"unrouted"`
	Units      []UnitFigures `json:"units"`
	Total      UnitFigures   `json:"total"`
	SignedRate float64       `json:"signed_rate"`
}

// Report counts the documents received from..to (days, inclusive), for the leaders; confidential
// ones are counted, never named.
func (s *Service) Report(ctx context.Context, p auth.Principal, from, to string) (Report, error) {
	if err := p.Allow(auth.RouteCorrespondence, ""); err != nil {
		return Report{}, err
	}
	rep := Report{From: from, To: to}
	today := s.today().Format(civil.DateFormat)
	rows, err := s.st.Query(ctx, `SELECT signed, status, unit, due_on, received_on, done_at FROM incoming_documents WHERE received_on >= $1 AND received_on <= $2`, from, to)
	if err != nil {
		return rep, s.st.Fail(fmt.Errorf("correspondence: report: %w", err))
	}
	defer rows.Close()
	units := map[string]*UnitFigures{}
	for rows.Next() {
		var in Incoming
		if err := rows.Scan(&in.Signed, &in.Status, &in.Unit, &in.DueOn, &in.ReceivedOn, store.ScanTime(&in.DoneAt)); err != nil {
			return rep, s.st.Fail(err)
		}
		rep.Received++
		if in.Signed {
			rep.Signed++
		}
		if in.Status == Registered {
			rep.Unrouted++
			continue
		}
		u := units[in.Unit]
		if u == nil {
			u = &UnitFigures{Unit: in.Unit}
			units[in.Unit] = u
		}
		u.Routed++
		switch {
		case in.Status == Done:
			u.Done++
			done := in.DoneAt.In(calendar.Vietnam).Format(civil.DateFormat)
			if done <= in.DueOn {
				u.OnTime++
			}
			if r, ok := civil.ParseDate(in.ReceivedOn); ok {
				d, _ := civil.ParseDate(done)
				u.daysSum += int(d.Sub(r).Hours() / 24)
			}
		case in.DueOn < today:
			u.Overdue++
		}
	}
	if err := rows.Err(); err != nil {
		return rep, s.st.Fail(err)
	}
	total := UnitFigures{}
	for _, u := range units {
		finish(u)
		rep.Units = append(rep.Units, *u)
		total.Routed, total.Done, total.OnTime, total.Overdue, total.daysSum = total.Routed+u.Routed, total.Done+u.Done, total.OnTime+u.OnTime,
			total.Overdue+u.Overdue, total.daysSum+u.daysSum
	}
	finish(&total)
	rep.Total = total
	slices.SortFunc(rep.Units, func(a, b UnitFigures) int { return strings.Compare(a.Unit, b.Unit) })
	if rep.Received > 0 {
		rep.SignedRate = float64(rep.Signed) / float64(rep.Received)
	}
	return rep, nil
}

func finish(u *UnitFigures) {
	if u.Done > 0 {
		u.AvgDays = float64(u.daysSum) / float64(u.Done)
		u.OnTimeOf = float64(u.OnTime) / float64(u.Done)
	}
}
