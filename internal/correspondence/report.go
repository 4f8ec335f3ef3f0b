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
	// Outgoing are the letters numbered in the period per drafting unit: how many were signed
	// digitally and published, the share the department reports (95%).
	Outgoing      []OutgoingFigures `json:"outgoing"`
	OutgoingTotal OutgoingFigures   `json:"outgoing_total"`
}

// OutgoingFigures are a unit's outgoing letters of a period.
type OutgoingFigures struct {
	Unit      string  `json:"unit"`
	Numbered  int     `json:"numbered"`
	Published int     `json:"published"` // signed with the department's key and sent
	Waiting   int     `json:"waiting"`   // numbered, not yet signed
	Revoked   int     `json:"revoked"`   // signed, then revoked
	Rate      float64 `json:"published_rate"`
}

// Report counts the documents received from..to (days, inclusive), for the leaders; confidential
// ones are counted, never named.
func (s *Service) Report(ctx context.Context, p auth.Principal, from, to string) (Report, error) {
	if err := p.Allow(auth.RouteCorrespondence, ""); err != nil {
		return Report{}, err
	}
	return s.report(ctx, from, to)
}

// Figures are a period's correspondence as the leaders' dashboard shows it: documents received,
// letters numbered and of those signed digitally and published. Counts only.
type Figures struct {
	Received  int `json:"received"`
	Numbered  int `json:"letters_numbered"`
	Published int `json:"letters_published"`
}

// Figures counts from..to (days, inclusive) for whoever reads the dashboard.
func (s *Service) Figures(ctx context.Context, p auth.Principal, from, to string) (Figures, error) {
	if err := p.Allow(auth.ViewDashboard, ""); err != nil {
		return Figures{}, err
	}
	rep, err := s.report(ctx, from, to)
	return Figures{Received: rep.Received, Numbered: rep.OutgoingTotal.Numbered, Published: rep.OutgoingTotal.Published}, err
}

func (s *Service) report(ctx context.Context, from, to string) (Report, error) {
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
	return rep, s.outgoingFigures(ctx, &rep)
}

// outgoingFigures counts the letters numbered from..to per drafting unit.
func (s *Service) outgoingFigures(ctx context.Context, rep *Report) error {
	rows, err := s.st.Query(ctx, `SELECT unit, status, document_id FROM outgoing_documents WHERE number IS NOT NULL AND issued_on >= $1 AND issued_on <= $2`, rep.From, rep.To)
	if err != nil {
		return s.st.Fail(fmt.Errorf("correspondence: outgoing report: %w", err))
	}
	defer rows.Close()
	units := map[string]*OutgoingFigures{}
	for rows.Next() {
		var unit, status, doc string
		if err := rows.Scan(&unit, &status, &doc); err != nil {
			return s.st.Fail(err)
		}
		u := units[unit]
		if u == nil {
			u = &OutgoingFigures{Unit: unit}
			units[unit] = u
		}
		u.Numbered++
		switch status {
		case Published, Archived:
			u.Published++
		case Revoked:
			u.Revoked++
		default:
			u.Waiting++
		}
	}
	if err := rows.Err(); err != nil {
		return s.st.Fail(err)
	}
	t := &rep.OutgoingTotal
	for _, u := range units {
		t.Numbered, t.Published, t.Waiting, t.Revoked = t.Numbered+u.Numbered, t.Published+u.Published, t.Waiting+u.Waiting, t.Revoked+u.Revoked
		u.Rate = float64(u.Published) / float64(u.Numbered)
		rep.Outgoing = append(rep.Outgoing, *u)
	}
	if t.Numbered > 0 {
		t.Rate = float64(t.Published) / float64(t.Numbered)
	}
	slices.SortFunc(rep.Outgoing, func(a, b OutgoingFigures) int { return strings.Compare(a.Unit, b.Unit) })
	return nil
}

func finish(u *UnitFigures) {
	if u.Done > 0 {
		u.AvgDays = float64(u.daysSum) / float64(u.Done)
		u.OnTimeOf = float64(u.OnTime) / float64(u.Done)
	}
}
