package legalaid

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// Report is the centre's report of a period: requests received and decided, cases by field,
// form, category, commune, assignee and outcome, quality results, outreach, and the year's
// cases against the plan.
type Report struct {
	From, To     string         `json:"-"`
	Requests     int            `json:"requests"`
	Decisions    map[string]int `json:"decisions"`
	ByField      map[string]int `json:"by_field"`
	ByForm       map[string]int `json:"by_form"`
	ByCategory   map[string]int `json:"by_category"`
	ByCommune    map[string]int `json:"by_commune"`
	ByAssignee   map[string]int `json:"by_assignee"`
	Closed       int            `json:"closed"`
	Transferred  int            `json:"transferred"` // handed to another legal-aid body in the period
	ByOutcome    map[string]int `json:"by_outcome"`
	Quality      map[string]int `json:"quality"`
	Sessions     int            `json:"sessions"`
	Attendees    int            `json:"attendees"`
	YearCases    int            `json:"year_cases"` // cases accepted in the period's year so far
	Plan         int            `json:"plan"`       // the year's plan (Service.Plan)
	PlanFraction float64        `json:"plan_fraction"`
}

// Report counts from day from to day to (inclusive, in Vietnam): the requests received in the
// period by what they are, the cases closed in it by outcome, the assessments and sessions in it.
func (s *Service) Report(ctx context.Context, p auth.Principal, from, to time.Time) (Report, error) {
	// Counts, naming nobody assisted: the centre's staff, and the leaders on their dashboard.
	if p.Allow(auth.LegalAidCases, "") != nil && p.Allow(auth.ViewDashboard, "") != nil {
		return Report{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, calendar.Vietnam)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, calendar.Vietnam).AddDate(0, 0, 1)
	rep := Report{From: from.Format(civil.DateFormat), To: to.Format(civil.DateFormat), Decisions: map[string]int{}, ByField: map[string]int{},
		ByForm: map[string]int{}, ByCategory: map[string]int{}, ByCommune: map[string]int{}, ByAssignee: map[string]int{}, ByOutcome: map[string]int{},
		Quality: map[string]int{}, Plan: s.Plan}
	rows, err := s.st.Query(ctx, `SELECT r.data, r.decision, COALESCE(c.assignee_name, '') FROM legal_aid_requests r
		LEFT JOIN legal_aid_cases c ON c.request_id = r.id WHERE r.received_at >= $1 AND r.received_at < $2`, store.Time(start), store.Time(end))
	if err != nil {
		return rep, s.st.Fail(fmt.Errorf("legalaid: report: %w", err))
	}
	for rows.Next() {
		var data, decision, assignee string
		if err := rows.Scan(&data, &decision, &assignee); err != nil {
			rows.Close()
			return rep, s.st.Fail(err)
		}
		var req Request
		if err := json.Unmarshal([]byte(data), &req); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Requests++
		if decision != "" {
			rep.Decisions[decision]++
		}
		rep.ByField[string(req.Field)]++
		rep.ByForm[string(req.Form)]++
		rep.ByCategory[req.Category]++
		if req.Applicant.Commune != "" {
			rep.ByCommune[req.Applicant.Commune]++
		}
		if assignee != "" {
			rep.ByAssignee[assignee]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, s.st.Fail(err)
	}
	count := func(q string, args []any, scan func(*sql.Rows) error) error {
		rs, err := s.st.Query(ctx, q, args...)
		if err != nil {
			return s.st.Fail(err)
		}
		defer rs.Close()
		for rs.Next() {
			if err := scan(rs); err != nil {
				return s.st.Fail(err)
			}
		}
		return s.st.Fail(rs.Err())
	}
	period := []any{store.Time(start), store.Time(end)}
	if err := count(`SELECT outcome, COUNT(*) FROM legal_aid_cases WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2 GROUP BY outcome`, period,
		func(r *sql.Rows) error {
			var o string
			var n int
			err := r.Scan(&o, &n)
			rep.ByOutcome[o], rep.Closed = n, rep.Closed+n
			return err
		}); err != nil {
		return rep, err
	}
	if err := s.st.QueryRow(ctx, `SELECT COUNT(*) FROM legal_aid_cases WHERE status = $1 AND closed_at >= $2 AND closed_at < $3`,
		StatusTransferred, period[0], period[1]).Scan(&rep.Transferred); err != nil {
		return rep, s.st.Fail(err)
	}
	if err := count(`SELECT result, COUNT(*) FROM legal_aid_assessments WHERE assessed_at >= $1 AND assessed_at < $2 GROUP BY result`, period,
		func(r *sql.Rows) error {
			var res string
			var n int
			err := r.Scan(&res, &n)
			rep.Quality[res] = n
			return err
		}); err != nil {
		return rep, err
	}
	if err := s.st.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(attendees), 0) FROM legal_aid_outreach WHERE day >= $1 AND day <= $2`,
		rep.From, rep.To).Scan(&rep.Sessions, &rep.Attendees); err != nil {
		return rep, s.st.Fail(err)
	}
	yearStart := time.Date(to.Year(), 1, 1, 0, 0, 0, 0, calendar.Vietnam)
	if err := s.st.QueryRow(ctx, `SELECT COUNT(*) FROM legal_aid_cases WHERE opened_at >= $1 AND opened_at < $2`, store.Time(yearStart), store.Time(end)).
		Scan(&rep.YearCases); err != nil {
		return rep, s.st.Fail(err)
	}
	if rep.Plan > 0 {
		rep.PlanFraction = float64(rep.YearCases) / float64(rep.Plan)
	}
	return rep, nil
}
