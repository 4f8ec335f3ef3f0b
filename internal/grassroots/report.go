package grassroots

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"tuphap/internal/auth"
	"tuphap/internal/store"
)

// Query selects a list's rows: a commune ("" for every one the caller sees) and days From..To
// (stored days, inclusive; "" for open).
type Query struct {
	Commune  string
	From, To string
	Limit    int // 500 when 0
}

// where is q's condition on a table with a commune and a day column, limited to what p sees.
func (q Query) where(p auth.Principal, day string) (store.Where, error) {
	var w store.Where
	commune := q.Commune
	if scope := p.Scope(); scope != "" {
		if commune != "" && commune != scope {
			return w, p.Allow(auth.GrassrootsView, commune) // another commune's: not found
		}
		commune = scope
	}
	w.Eq("commune", commune)
	if q.From != "" {
		w.Cond(day + " >= " + w.Args.Add(q.From))
	}
	if q.To != "" {
		w.Cond(day + " <= " + w.Args.Add(q.To))
	}
	return w, nil
}

func limit(n int) int {
	if n <= 0 || n > 5000 {
		return 500
	}
	return n
}

// Events lists the dissemination events q selects, the latest day first.
func (s *Service) Events(ctx context.Context, p auth.Principal, q Query) ([]Event, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return nil, err
	}
	w, err := q.where(p, "day")
	if err != nil {
		return nil, err
	}
	return store.Collect(ctx, s.st, func(row store.Scanner) (Event, error) {
		var e Event
		var form string
		err := row.Scan(&e.ID, &e.Commune, &e.Day, &e.Topic, &e.Law, &form, &e.Audience)
		e.Form = Form(form)
		return e, err
	}, "dissemination events", `SELECT id, commune, day, topic, law, form, audience FROM grassroots_events WHERE `+w.String()+
		fmt.Sprintf(" ORDER BY day DESC, id DESC LIMIT %d", limit(q.Limit)), w.Args...)
}

// Teams lists the mediation teams of a commune (every commune's for the department), by village.
func (s *Service) Teams(ctx context.Context, p auth.Principal, commune string) ([]Team, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return nil, err
	}
	w, err := Query{Commune: commune}.where(p, "")
	if err != nil {
		return nil, err
	}
	return store.Collect(ctx, s.st, func(row store.Scanner) (Team, error) {
		var t Team
		var members string
		if err := row.Scan(&t.ID, &t.Commune, &t.Village, &members, &t.FormedOn, &t.DissolvedOn); err != nil {
			return t, err
		}
		return t, json.Unmarshal([]byte(members), &t.Members)
	}, "mediation teams", `SELECT id, commune, village, members, formed_on, dissolved_on FROM mediation_teams WHERE `+w.String()+
		` ORDER BY commune, village_folded, formed_on LIMIT 5000`, w.Args...)
}

// Cases lists the mediation cases q selects by the day received, the latest first.
func (s *Service) Cases(ctx context.Context, p auth.Principal, q Query) ([]Case, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return nil, err
	}
	w, err := q.where(p, "received_on")
	if err != nil {
		return nil, err
	}
	return store.Collect(ctx, s.st, func(row store.Scanner) (Case, error) {
		var c Case
		var dispute, result string
		err := row.Scan(&c.ID, &c.Commune, &c.TeamID, &c.Parties, &dispute, &c.Summary, &c.ReceivedOn, &result, &c.EndedOn, &c.ToCourt)
		c.Dispute, c.Result = Dispute(dispute), Result(result)
		return c, err
	}, "mediation cases", `SELECT id, commune, team_id, parties, dispute, summary, received_on, result, ended_on, to_court FROM mediation_cases WHERE `+
		w.String()+fmt.Sprintf(" ORDER BY received_on DESC, id DESC LIMIT %d", limit(q.Limit)), w.Args...)
}

// Figures are one commune's grassroots figures of a period (or the province's, summed).
type Figures struct {
	Commune      string         `json:"commune,omitempty"`
	Events       int            `json:"events"`
	Audience     int            `json:"audience"`
	ByForm       map[string]int `json:"by_form"`
	PlanEvents   int            `json:"plan_events"` // the plans of the period's years
	Completion   float64        `json:"plan_completion"`
	Teams        int            `json:"teams"`
	Mediators    int            `json:"mediators"`
	Cases        int            `json:"cases"` // received in the period
	Successful   int            `json:"successful"`
	Unsuccessful int            `json:"unsuccessful"`
	Withdrawn    int            `json:"withdrawn"`
	Pending      int            `json:"pending"`
	ToCourt      int            `json:"referred_to_court"`
	ByDispute    map[string]int `json:"by_dispute"`
	// Law enforcement: the halves of a year within the period.
	Inspections int            `json:"inspections"`
	Violations  int            `json:"violations"`
	Sanctioned  int            `json:"sanctioned"`
	Fines       int64          `json:"fines"`
	ByField     map[string]int `json:"violations_by_field"`
	SuccessRate float64        `json:"success_rate"`
	Review      ReviewStatus   `json:"review,omitempty"` // of the period's last year
}

// Report is the grassroots report of a period: per commune of today (rows entered under a
// commune of before 1 July 2025 counted in its successor), and the province's total.
type Report struct {
	From, To  string    `json:"-"`
	Year      int       `json:"year"` // the plans' and reviews' year: the period's last
	Communes  []Figures `json:"communes"`
	Province  Figures   `json:"province"`
	Submitted int       `json:"submitted"` // communes whose year is submitted or accepted
	Accepted  int       `json:"accepted"`
}

// Report counts the period from..to (stored days, inclusive) for what p sees: a commune its
// own, the department every commune.
func (s *Service) Report(ctx context.Context, p auth.Principal, from, to string) (Report, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return Report{}, err
	}
	year := YearOf(to)
	rep := Report{From: from, To: to, Year: year}
	by := map[string]*Figures{}
	fig := func(code string) *Figures {
		code = s.Units.CommuneToday(code, s.st.Now())
		f := by[code]
		if f == nil {
			f = &Figures{Commune: code, ByForm: map[string]int{}, ByDispute: map[string]int{}, ByField: map[string]int{}, Review: Draft}
			by[code] = f
		}
		return f
	}
	if scope := p.Scope(); scope != "" {
		fig(scope)
	} else {
		for _, u := range s.Units.CurrentCommunes(s.st.Now()) {
			fig(u.Code)
		}
	}
	w, err := Query{From: from, To: to}.where(p, "day")
	if err != nil {
		return rep, err
	}
	if err := s.each(ctx, `SELECT commune, form, COUNT(*), COALESCE(SUM(audience), 0) FROM grassroots_events WHERE `+w.String()+` GROUP BY commune, form`,
		w.Args, func(scan func(...any) error) error {
			var commune, form string
			var n, audience int
			if err := scan(&commune, &form, &n, &audience); err != nil {
				return err
			}
			f := fig(commune)
			f.Events, f.Audience, f.ByForm[form] = f.Events+n, f.Audience+audience, f.ByForm[form]+n
			return nil
		}); err != nil {
		return rep, err
	}
	w, _ = Query{From: from, To: to}.where(p, "received_on")
	if err := s.each(ctx, `SELECT commune, dispute, result, to_court, COUNT(*) FROM mediation_cases WHERE `+w.String()+` GROUP BY commune, dispute, result, to_court`,
		w.Args, func(scan func(...any) error) error {
			var commune, dispute, result string
			var court bool
			var n int
			if err := scan(&commune, &dispute, &result, &court, &n); err != nil {
				return err
			}
			f := fig(commune)
			f.Cases, f.ByDispute[dispute] = f.Cases+n, f.ByDispute[dispute]+n
			switch Result(result) {
			case Successful:
				f.Successful += n
			case Unsuccessful:
				f.Unsuccessful += n
			case Withdrawn:
				f.Withdrawn += n
			default:
				f.Pending += n
			}
			if court {
				f.ToCourt += n
			}
			return nil
		}); err != nil {
		return rep, err
	}
	// The teams working on the period's last day.
	w, _ = Query{}.where(p, "")
	w.Cond("formed_on <= " + w.Args.Add(to))
	w.Cond("(dissolved_on = '' OR dissolved_on > " + w.Args.Add(to) + ")")
	if err := s.each(ctx, `SELECT commune, COUNT(*), COALESCE(SUM(mediators), 0) FROM mediation_teams WHERE `+w.String()+` GROUP BY commune`, w.Args,
		func(scan func(...any) error) error {
			var commune string
			var n, mediators int
			if err := scan(&commune, &n, &mediators); err != nil {
				return err
			}
			f := fig(commune)
			f.Teams, f.Mediators = f.Teams+n, f.Mediators+mediators
			return nil
		}); err != nil {
		return rep, err
	}
	// The plans of every year the period touches: a period of two years counts two plans.
	w, _ = Query{}.where(p, "")
	w.Cond("year >= " + w.Args.Add(max(YearOf(from), 2000)))
	w.Cond("year <= " + w.Args.Add(year))
	if err := s.each(ctx, `SELECT commune, events FROM grassroots_plans WHERE `+w.String(), w.Args, func(scan func(...any) error) error {
		var commune string
		var n int
		if err := scan(&commune, &n); err != nil {
			return err
		}
		fig(commune).PlanEvents += n
		return nil
	}); err != nil {
		return rep, err
	}
	w, _ = Query{}.where(p, "")
	w.Cond("year = " + w.Args.Add(year))
	if err := s.each(ctx, `SELECT commune, status FROM grassroots_reviews WHERE `+w.String(), w.Args, func(scan func(...any) error) error {
		var commune, status string
		if err := scan(&commune, &status); err != nil {
			return err
		}
		fig(commune).Review = ReviewStatus(status)
		return nil
	}); err != nil {
		return rep, err
	}
	// The halves that overlap the period (half 1: January–June; 2: July–December): the year so
	// far holds the half under way.
	w, _ = Query{}.where(p, "")
	w.Cond(`(CAST(year AS TEXT) || CASE WHEN half = 1 THEN '-06-30' ELSE '-12-31' END) >= ` + w.Args.Add(from))
	w.Cond(`(CAST(year AS TEXT) || CASE WHEN half = 1 THEN '-01-01' ELSE '-07-01' END) <= ` + w.Args.Add(to))
	if err := s.each(ctx, `SELECT commune, field, SUM(inspections), SUM(violations), SUM(sanctioned), SUM(fines) FROM enforcement_figures WHERE `+w.String()+
		` GROUP BY commune, field`, w.Args, func(scan func(...any) error) error {
		var commune, field string
		var inspections, violations, sanctioned int
		var fines int64
		if err := scan(&commune, &field, &inspections, &violations, &sanctioned, &fines); err != nil {
			return err
		}
		f := fig(commune)
		f.Inspections, f.Violations, f.Sanctioned, f.Fines = f.Inspections+inspections, f.Violations+violations, f.Sanctioned+sanctioned, f.Fines+fines
		f.ByField[field] += violations
		return nil
	}); err != nil {
		return rep, err
	}
	total := Figures{ByForm: map[string]int{}, ByDispute: map[string]int{}, ByField: map[string]int{}}
	for _, f := range by {
		f.Completion, f.SuccessRate = Completion(f.Events, f.PlanEvents), SuccessRate(f.Successful, f.Unsuccessful)
		rep.Communes = append(rep.Communes, *f)
		total.Events, total.Audience, total.PlanEvents = total.Events+f.Events, total.Audience+f.Audience, total.PlanEvents+f.PlanEvents
		total.Teams, total.Mediators, total.Cases = total.Teams+f.Teams, total.Mediators+f.Mediators, total.Cases+f.Cases
		total.Successful, total.Unsuccessful, total.Withdrawn = total.Successful+f.Successful, total.Unsuccessful+f.Unsuccessful, total.Withdrawn+f.Withdrawn
		total.Pending, total.ToCourt = total.Pending+f.Pending, total.ToCourt+f.ToCourt
		for k, n := range f.ByForm {
			total.ByForm[k] += n
		}
		for k, n := range f.ByDispute {
			total.ByDispute[k] += n
		}
		for k, n := range f.ByField {
			total.ByField[k] += n
		}
		total.Inspections, total.Violations, total.Sanctioned, total.Fines = total.Inspections+f.Inspections, total.Violations+f.Violations,
			total.Sanctioned+f.Sanctioned, total.Fines+f.Fines
		switch f.Review {
		case Accepted:
			rep.Accepted++
			rep.Submitted++
		case Submitted:
			rep.Submitted++
		}
	}
	total.Completion, total.SuccessRate = Completion(total.Events, total.PlanEvents), SuccessRate(total.Successful, total.Unsuccessful)
	rep.Province = total
	slices.SortFunc(rep.Communes, func(a, b Figures) int { return compare(a.Commune, b.Commune) })
	return rep, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// each runs a grouped query and hands each row to fn.
func (s *Service) each(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.st.Query(ctx, q, args...)
	if err != nil {
		return s.st.Fail(fmt.Errorf("grassroots: report: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return s.st.Fail(err)
		}
	}
	return s.st.Fail(rows.Err())
}
