package grassroots

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/units"
	"tuphap/internal/vntext"
)

// Service is the communes' grassroots registries and the department's review of them. A
// commune's officers enter their own commune's rows; the department's specialists review each
// commune's year; once accepted, the year's rows no longer change.
type Service struct {
	st *store.Store
	// Units checks the communes named and rolls former communes up into today's for the reports.
	Units *units.Registry
	// Standard is the access-to-law standard in force (DefaultStandard unless configured).
	Standard Standard
}

// New returns the service over the store and the units.
func New(st *store.Store, reg *units.Registry) *Service {
	return &Service{st: st, Units: reg, Standard: DefaultStandard}
}

// today is the day in Vietnam, as the forms' days are.
func (s *Service) today() time.Time {
	v := s.st.Now().In(calendar.Vietnam)
	return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
}

// enter checks that p may enter rows for commune, a commune of the province today.
func (s *Service) enter(p auth.Principal, commune string) error {
	if err := p.Allow(auth.GrassrootsEnter, commune); err != nil {
		return err
	}
	if _, err := s.Units.Lookup(units.Commune, commune, s.st.Now()); err != nil {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"commune": "grassroots.commune_bad"}}
	}
	return nil
}

// checkYear refuses a year the registries cannot hold: before 2000 or after this one.
func (s *Service) checkYear(year int) error {
	if year < 2000 || year > s.today().Year() {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"year": "grassroots.year_bad"}}
	}
	return nil
}

// editable checks in tx that a commune's year may still change: not submitted, nor accepted.
func editable(tx *store.Tx, commune string, year int) error {
	var status string
	err := tx.QueryRow(`SELECT status FROM grassroots_reviews WHERE commune = $1 AND year = $2`, commune, year).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("grassroots: review of %s %d: %w", commune, year, err)
	}
	if !ReviewStatus(status).Editable() {
		return fault.New(fault.Conflict, "grassroots.year_locked", strconv.Itoa(year))
	}
	return nil
}

// AddEvent records a dissemination event of a commune.
func (s *Service) AddEvent(ctx context.Context, p auth.Principal, by audit.Actor, e Event) (Event, error) {
	if err := s.enter(p, e.Commune); err != nil {
		return e, err
	}
	e.Normalize()
	if err := e.Validate(s.today()); err != nil {
		return e, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := editable(tx, e.Commune, YearOf(e.Day)); err != nil {
			return err
		}
		e.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO grassroots_events (id, commune, day, topic, law, form, audience, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.Commune, e.Day, e.Topic, e.Law, string(e.Form), e.Audience,
			store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("grassroots: add event: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.event", "grassroots_event:"+e.ID, e.Commune+" "+e.Day))
	})
	return e, err
}

// SetPlan sets a commune's dissemination plan for a year.
func (s *Service) SetPlan(ctx context.Context, p auth.Principal, by audit.Actor, pl Plan) (Plan, error) {
	if err := s.enter(p, pl.Commune); err != nil {
		return pl, err
	}
	if err := pl.Validate(); err != nil {
		return pl, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := editable(tx, pl.Commune, pl.Year); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE grassroots_plans SET events = $3, updated_at = $4, updated_by = $5 WHERE commune = $1 AND year = $2`,
			pl.Commune, pl.Year, pl.Events, store.Time(s.st.Now()), by.Username)
		if err != nil {
			return fmt.Errorf("grassroots: plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(`INSERT INTO grassroots_plans (commune, year, events, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)`,
				pl.Commune, pl.Year, pl.Events, store.Time(s.st.Now()), by.Username); err != nil {
				return fmt.Errorf("grassroots: plan: %w", err)
			}
		}
		return tx.Audit(by.Entry("grassroots.plan", "grassroots_plan:"+pl.Commune, fmt.Sprintf("%d: %d", pl.Year, pl.Events)))
	})
	return pl, err
}

// AddTeam records a commune's mediation team, one per village or residential group.
func (s *Service) AddTeam(ctx context.Context, p auth.Principal, by audit.Actor, t Team) (Team, error) {
	if err := s.enter(p, t.Commune); err != nil {
		return t, err
	}
	t.Normalize()
	if t.FormedOn == "" {
		t.FormedOn = s.today().Format("2006-01-02")
	}
	t.DissolvedOn = ""
	if err := t.Validate(s.today()); err != nil {
		return t, err
	}
	members, err := json.Marshal(t.Members)
	if err != nil {
		return t, err
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// A team formed in a year already submitted would change its figures.
		if err := editable(tx, t.Commune, YearOf(t.FormedOn)); err != nil {
			return err
		}
		t.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO mediation_teams (id, commune, village, village_folded, members, mediators, formed_on, dissolved_on, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9)`, t.ID, t.Commune, t.Village, vntext.Fold(t.Village), string(members), len(t.Members),
			t.FormedOn, store.Time(s.st.Now()), by.Username); err != nil {
			if store.IsUniqueViolation(err) {
				return &fault.Error{Kind: fault.Conflict, Code: "grassroots.team_exists", Fields: map[string]string{"village": "grassroots.team_exists"}}
			}
			return fmt.Errorf("grassroots: add team: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.team", "mediation_team:"+t.ID, t.Commune+" "+t.Village))
	})
	return t, err
}

// DissolveTeam records the day a team stopped working (merged, its village reorganised): from
// then on it takes no cases and a new team may be formed for its village.
func (s *Service) DissolveTeam(ctx context.Context, p auth.Principal, by audit.Actor, id, day string) error {
	if err := p.Allow(auth.GrassrootsEnter, ""); err != nil {
		return err
	}
	var v fault.Validation
	checkDay(&v, "dissolved_on", day, s.today())
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.Write(ctx, func(tx *store.Tx) error {
		var commune, formed, dissolved string
		err := tx.QueryRow(`SELECT commune, formed_on, dissolved_on FROM mediation_teams WHERE id = $1`, id).Scan(&commune, &formed, &dissolved)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("grassroots: team %s: %w", id, err)
		}
		if err != nil || p.Allow(auth.GrassrootsEnter, commune) != nil {
			return fault.New(fault.NotFound, "grassroots.team_not_found")
		}
		if dissolved != "" {
			return fault.New(fault.Conflict, "grassroots.team_dissolved")
		}
		if day < formed {
			return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"dissolved_on": "grassroots.dissolved_before"}}
		}
		if err := editable(tx, commune, YearOf(day)); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE mediation_teams SET dissolved_on = $2 WHERE id = $1 AND dissolved_on = ''`, id, day); err != nil {
			return fmt.Errorf("grassroots: dissolve team: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.team_dissolved", "mediation_team:"+id, day))
	})
}

// AddCase records a mediation case of one of the commune's teams, ended or not.
func (s *Service) AddCase(ctx context.Context, p auth.Principal, by audit.Actor, c Case) (Case, error) {
	if err := s.enter(p, c.Commune); err != nil {
		return c, err
	}
	c.Normalize()
	if err := c.Validate(s.today()); err != nil {
		return c, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		var commune, dissolved string
		err := tx.QueryRow(`SELECT commune, dissolved_on FROM mediation_teams WHERE id = $1`, c.TeamID).Scan(&commune, &dissolved)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("grassroots: team %s: %w", c.TeamID, err)
		}
		if commune != c.Commune {
			return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"team_id": "grassroots.team_unknown"}}
		}
		if dissolved != "" && dissolved <= c.ReceivedOn {
			return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"team_id": "grassroots.team_dissolved"}}
		}
		if err := editable(tx, c.Commune, YearOf(c.ReceivedOn)); err != nil {
			return err
		}
		c.ID = store.NewID()
		if _, err := tx.Exec(`INSERT INTO mediation_cases (id, commune, team_id, parties, dispute, summary, received_on, result, ended_on, to_court,
			created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, c.ID, c.Commune, c.TeamID, c.Parties, string(c.Dispute),
			c.Summary, c.ReceivedOn, string(c.Result), c.EndedOn, c.ToCourt, store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("grassroots: add case: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.case", "mediation_case:"+c.ID, c.Commune+" "+string(c.Dispute)+" "+string(c.Result)))
	})
	return c, err
}

// EndCase records how a mediation case still open ended.
func (s *Service) EndCase(ctx context.Context, p auth.Principal, by audit.Actor, id string, r Result, endedOn string, toCourt bool) (Case, error) {
	if err := p.Allow(auth.GrassrootsEnter, ""); err != nil {
		return Case{}, err
	}
	c, err := s.caseByID(ctx, id)
	if err != nil {
		return c, err
	}
	if err := p.Allow(auth.GrassrootsEnter, c.Commune); err != nil {
		if fault.Is(err, fault.NotFound) { // another commune's: as if there were none
			return Case{}, fault.New(fault.NotFound, "grassroots.not_found")
		}
		return c, err
	}
	if c.Result != "" {
		return c, fault.New(fault.Conflict, "grassroots.case_ended")
	}
	c.Result, c.EndedOn, c.ToCourt = r, endedOn, toCourt
	var v fault.Validation
	v.Check(r != "", "result", "grassroots.result_bad")
	if err := v.Include(c.Validate(s.today())); err != nil {
		return c, err
	}
	if err := v.Err(); err != nil {
		return c, err
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if err := editable(tx, c.Commune, YearOf(c.ReceivedOn)); err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE mediation_cases SET result = $2, ended_on = $3, to_court = $4 WHERE id = $1 AND result = ''`,
			id, string(r), endedOn, toCourt)
		if err != nil {
			return fmt.Errorf("grassroots: end case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "grassroots.case_ended")
		}
		return tx.Audit(by.Entry("grassroots.case_end", "mediation_case:"+id, string(r)))
	})
	return c, err
}

// Submit sends a commune's year to the department for review: its rows no longer change unless
// the department returns it.
func (s *Service) Submit(ctx context.Context, p auth.Principal, by audit.Actor, commune string, year int) (Review, error) {
	if err := s.enter(p, commune); err != nil {
		return Review{}, err
	}
	if err := s.checkYear(year); err != nil {
		return Review{}, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := editable(tx, commune, year); err != nil {
			return err
		}
		// A case still being mediated would stay open for good in a year that no longer changes.
		var pending int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM mediation_cases WHERE commune = $1 AND received_on >= $2 AND received_on <= $3 AND result = ''`,
			commune, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)).Scan(&pending); err != nil {
			return fmt.Errorf("grassroots: pending cases: %w", err)
		}
		if pending > 0 {
			return fault.New(fault.Conflict, "grassroots.cases_pending", pending)
		}
		now := store.Time(s.st.Now())
		res, err := tx.Exec(`UPDATE grassroots_reviews SET status = $3, note = '', submitted_at = $4, submitted_by = $5 WHERE commune = $1 AND year = $2`,
			commune, year, string(Submitted), now, by.Username)
		if err != nil {
			return fmt.Errorf("grassroots: submit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(`INSERT INTO grassroots_reviews (commune, year, status, note, submitted_at, submitted_by, reviewed_at, reviewed_by)
				VALUES ($1, $2, $3, '', $4, $5, NULL, '')`, commune, year, string(Submitted), now, by.Username); err != nil {
				return fmt.Errorf("grassroots: submit: %w", err)
			}
		}
		return tx.Audit(by.Entry("grassroots.submit", "grassroots_year:"+commune, strconv.Itoa(year)))
	})
	if err != nil {
		return Review{}, err
	}
	return s.review(ctx, commune, year)
}

// Decide is the department's review of a submitted year: accepted (final), or returned to the
// commune with a note saying what to correct.
func (s *Service) Decide(ctx context.Context, p auth.Principal, by audit.Actor, commune string, year int, to ReviewStatus, note string) (Review, error) {
	if err := p.Allow(auth.GrassrootsReview, ""); err != nil {
		return Review{}, err
	}
	if err := s.checkYear(year); err != nil {
		return Review{}, err
	}
	note = spaces(note)
	var v fault.Validation
	v.Check(to == Accepted || to == Returned, "status", "grassroots.review_bad")
	v.Check(to != Returned || note != "", "note", "civil.required")
	if err := v.Err(); err != nil {
		return Review{}, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE grassroots_reviews SET status = $3, note = $4, reviewed_at = $5, reviewed_by = $6
			WHERE commune = $1 AND year = $2 AND status = $7`, commune, year, string(to), note, store.Time(s.st.Now()), by.Username, string(Submitted))
		if err != nil {
			return fmt.Errorf("grassroots: review: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "grassroots.not_submitted")
		}
		return tx.Audit(by.Entry("grassroots.review", "grassroots_year:"+commune, fmt.Sprintf("%d %s %s", year, to, note)))
	})
	if err != nil {
		return Review{}, err
	}
	return s.review(ctx, commune, year)
}

// Review is where a commune's year stands.
type Review struct {
	Commune     string       `json:"commune"`
	Year        int          `json:"year"`
	Status      ReviewStatus `json:"status"`
	Note        string       `json:"note,omitempty"`
	SubmittedAt time.Time    `json:"submitted_at,omitzero"`
	ReviewedAt  time.Time    `json:"reviewed_at,omitzero"`
}

// YearReview reads where a commune's year stands (draft when never submitted).
func (s *Service) YearReview(ctx context.Context, p auth.Principal, commune string, year int) (Review, error) {
	if err := p.Allow(auth.GrassrootsView, commune); err != nil {
		return Review{}, err
	}
	if year < 2000 || year > s.today().Year()+1 {
		return Review{}, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"year": "grassroots.year_bad"}}
	}
	return s.review(ctx, commune, year)
}

func (s *Service) review(ctx context.Context, commune string, year int) (Review, error) {
	r := Review{Commune: commune, Year: year, Status: Draft}
	var status string
	err := s.st.QueryRow(ctx, `SELECT status, note, submitted_at, reviewed_at FROM grassroots_reviews WHERE commune = $1 AND year = $2`, commune, year).
		Scan(&status, &r.Note, store.ScanTime(&r.SubmittedAt), store.ScanTime(&r.ReviewedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, s.st.Fail(err)
	}
	r.Status = ReviewStatus(status)
	return r, nil
}

func (s *Service) caseByID(ctx context.Context, id string) (Case, error) {
	var c Case
	var dispute, result string
	err := s.st.QueryRow(ctx, `SELECT id, commune, team_id, parties, dispute, summary, received_on, result, ended_on, to_court FROM mediation_cases
		WHERE id = $1`, id).Scan(&c.ID, &c.Commune, &c.TeamID, &c.Parties, &dispute, &c.Summary, &c.ReceivedOn, &result, &c.EndedOn, &c.ToCourt)
	c.Dispute, c.Result = Dispute(dispute), Result(result)
	return c, s.st.Fail(store.NotFound(err, "grassroots.not_found"))
}

// Waiting counts the years that wait on p, and gives the earliest: for the department, the
// communes' years submitted and not yet reviewed; for a commune, its years returned.
func (s *Service) Waiting(ctx context.Context, p auth.Principal) (n, year int, err error) {
	var status ReviewStatus
	switch {
	case p.Can(auth.GrassrootsReview):
		status = Submitted
	case p.Can(auth.GrassrootsEnter):
		status = Returned
	default:
		return 0, 0, nil
	}
	var w store.Where
	w.Eq("commune", p.Scope())
	w.Cond("status = " + w.Args.Add(string(status)))
	err = s.st.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MIN(year), 0) FROM grassroots_reviews WHERE `+w.String(), w.Args...).Scan(&n, &year)
	return n, year, s.st.Fail(err)
}
