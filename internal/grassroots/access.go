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
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// Assessment is a commune's year against the access-to-law standard: its self-assessment, the
// department's review and the result.
type Assessment struct {
	Commune       string       `json:"commune"`
	Year          int          `json:"year"`
	Standard      string       `json:"standard"` // the version scored on
	Self          Scores       `json:"self"`
	SelfTotal     int          `json:"self_total"`
	Status        ReviewStatus `json:"status"`
	Note          string       `json:"note,omitempty"`
	Reviewed      *Scores      `json:"reviewed,omitempty"` // the department's scores, once accepted
	ReviewedTotal int          `json:"reviewed_total,omitempty"`
	Outcome       *Outcome     `json:"outcome,omitempty"` // from the reviewed scores, once accepted
	ReviewedAt    time.Time    `json:"reviewed_at,omitzero"`
	met           bool         // as stored when accepted
}

// SaveAssessment records (or replaces) a commune's self-assessment of a year, while the year's
// assessment is a draft or returned: every indicator scored, the evidence for each point.
func (s *Service) SaveAssessment(ctx context.Context, p auth.Principal, by audit.Actor, commune string, year int, sc Scores) (Assessment, error) {
	if err := s.enter(p, commune); err != nil {
		return Assessment{}, err
	}
	var v fault.Validation
	v.Check(year >= 2000 && year <= s.today().Year(), "year", "grassroots.year_bad")
	if err := v.Include(s.Standard.Validate(sc, true)); err != nil {
		return Assessment{}, err
	}
	if err := v.Err(); err != nil {
		return Assessment{}, err
	}
	data, err := json.Marshal(sc)
	if err != nil {
		return Assessment{}, err
	}
	total := s.Standard.Score(sc.Points).Total
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		status, err := assessmentStatus(tx, commune, year)
		if err != nil {
			return err
		}
		if !status.Editable() {
			return fault.New(fault.Conflict, "grassroots.assessment_locked", strconv.Itoa(year))
		}
		now := store.Time(s.st.Now())
		if status == "" {
			_, err = tx.Exec(`INSERT INTO access_assessments (commune, year, standard, data, self_total, status, note, reviewed, reviewed_total, met,
				updated_at, updated_by, reviewed_at, reviewed_by) VALUES ($1, $2, $3, $4, $5, $6, '', '', 0, FALSE, $7, $8, NULL, '')`,
				commune, year, s.Standard.Version, string(data), total, string(Draft), now, by.Username)
		} else {
			var res sql.Result
			res, err = tx.Exec(`UPDATE access_assessments SET standard = $3, data = $4, self_total = $5, updated_at = $6, updated_by = $7
				WHERE commune = $1 AND year = $2 AND status IN ($8, $9)`, commune, year, s.Standard.Version, string(data), total, now, by.Username,
				string(Draft), string(Returned))
			if n, _ := res.RowsAffected(); err == nil && n == 0 { // submitted meanwhile
				return fault.New(fault.Conflict, "grassroots.assessment_locked", strconv.Itoa(year))
			}
		}
		if store.IsUniqueViolation(err) { // two first saves at once
			return fault.New(fault.Conflict, "grassroots.assessment_changed")
		}
		if err != nil {
			return fmt.Errorf("grassroots: save assessment: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.assessment", "access_assessment:"+commune, fmt.Sprintf("%d: %d", year, total)))
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.assessment(ctx, commune, year)
}

// SubmitAssessment sends a commune's self-assessment to the department.
func (s *Service) SubmitAssessment(ctx context.Context, p auth.Principal, by audit.Actor, commune string, year int) (Assessment, error) {
	if err := s.enter(p, commune); err != nil {
		return Assessment{}, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		// Scored on the standard in force only: one scored on another is scored again first.
		res, err := tx.Exec(`UPDATE access_assessments SET status = $3, updated_at = $4, updated_by = $5 WHERE commune = $1 AND year = $2 AND status IN ($6, $7)
			AND standard = $8`, commune, year, string(Submitted), store.Time(s.st.Now()), by.Username, string(Draft), string(Returned), s.Standard.Version)
		if err != nil {
			return fmt.Errorf("grassroots: submit assessment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "grassroots.assessment_not_draft")
		}
		return tx.Audit(by.Entry("grassroots.assessment_submit", "access_assessment:"+commune, strconv.Itoa(year)))
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.assessment(ctx, commune, year)
}

// ReviewAssessment is the department's review of a submitted self-assessment: returned with a
// note, or accepted with the department's own scores (the commune's where it gives none), from
// which the result follows.
func (s *Service) ReviewAssessment(ctx context.Context, p auth.Principal, by audit.Actor, commune string, year int, to ReviewStatus, points map[string]int, note string) (Assessment, error) {
	if err := p.Allow(auth.GrassrootsReview, ""); err != nil {
		return Assessment{}, err
	}
	note = spaces(note)
	var v fault.Validation
	v.Check(to == Accepted || to == Returned, "status", "grassroots.review_bad")
	v.Check(to != Returned || note != "", "note", "civil.required")
	if err := v.Err(); err != nil {
		return Assessment{}, err
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		// What is reviewed is read with the write: a year returned and resubmitted meanwhile is
		// reviewed as it now stands.
		a, err := scanAssessment(tx.QueryRow(`SELECT `+assessmentCols+` FROM access_assessments WHERE commune = $1 AND year = $2`, commune, year))
		if errors.Is(err, sql.ErrNoRows) || err == nil && a.Status != Submitted {
			return fault.New(fault.Conflict, "grassroots.assessment_not_submitted")
		}
		if err != nil {
			return fmt.Errorf("grassroots: review assessment: %w", err)
		}
		if to == Returned { // whatever standard it was scored on: the commune scores it again
			_, err := tx.Exec(`UPDATE access_assessments SET status = $3, note = $4, reviewed_at = $5, reviewed_by = $6 WHERE commune = $1 AND year = $2`,
				commune, year, string(to), note, store.Time(s.st.Now()), by.Username)
			if err != nil {
				return fmt.Errorf("grassroots: review assessment: %w", err)
			}
			return tx.Audit(by.Entry("grassroots.assessment_review", "access_assessment:"+commune, fmt.Sprintf("%d returned %s", year, note)))
		}
		if a.Standard != s.Standard.Version {
			return fault.New(fault.Conflict, "grassroots.assessment_old_standard", a.Standard)
		}
		reviewed := Scores{Points: map[string]int{}}
		for code, n := range a.Self.Points {
			reviewed.Points[code] = n
		}
		for code, n := range points { // the department's corrections
			reviewed.Points[code] = n
		}
		if err := s.Standard.Validate(reviewed, false); err != nil {
			return err
		}
		o := s.Standard.Score(reviewed.Points)
		data, err := json.Marshal(reviewed)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE access_assessments SET status = $3, note = $4, reviewed = $5, reviewed_total = $6, met = $7, reviewed_at = $8, reviewed_by = $9
			WHERE commune = $1 AND year = $2`, commune, year, string(to), note, string(data), o.Total, o.Met, store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("grassroots: review assessment: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.assessment_review", "access_assessment:"+commune, fmt.Sprintf("%d accepted %d %s", year, o.Total, note)))
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.assessment(ctx, commune, year)
}

// GetAssessment reads a commune's assessment of a year (a draft with no scores when none).
func (s *Service) GetAssessment(ctx context.Context, p auth.Principal, commune string, year int) (Assessment, error) {
	if err := p.Allow(auth.GrassrootsView, commune); err != nil {
		return Assessment{}, err
	}
	a, err := s.assessment(ctx, commune, year)
	if fault.Is(err, fault.NotFound) {
		return Assessment{Commune: commune, Year: year, Standard: s.Standard.Version, Status: Draft}, nil
	}
	return a, err
}

// Assessments lists a year's assessments the caller sees, by commune.
func (s *Service) Assessments(ctx context.Context, p auth.Principal, year int) ([]Assessment, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return nil, err
	}
	w, _ := Query{}.where(p, "")
	w.Cond("year = " + w.Args.Add(year))
	list, err := store.Collect(ctx, s.st, scanAssessment, "access assessments", `SELECT `+assessmentCols+` FROM access_assessments WHERE `+w.String()+` ORDER BY commune`, w.Args...)
	for i := range list {
		s.outcome(&list[i])
	}
	return list, err
}

// outcome sets a reviewed assessment's result, from the department's scores on the standard in
// force (one scored on an older standard keeps only its total).
func (s *Service) outcome(a *Assessment) {
	switch {
	case a.Reviewed != nil && a.Standard == s.Standard.Version:
		o := s.Standard.Score(a.Reviewed.Points)
		a.Outcome = &o
	case a.Reviewed != nil: // as recognised then, on its own standard
		a.Outcome = &Outcome{Total: a.ReviewedTotal, Met: a.met}
	}
}

const assessmentCols = `commune, year, standard, data, self_total, status, note, reviewed, reviewed_total, met, reviewed_at`

func scanAssessment(row store.Scanner) (Assessment, error) {
	var a Assessment
	var data, status, reviewed string
	if err := row.Scan(&a.Commune, &a.Year, &a.Standard, &data, &a.SelfTotal, &status, &a.Note, &reviewed, &a.ReviewedTotal, &a.met, store.ScanTime(&a.ReviewedAt)); err != nil {
		return a, err
	}
	a.Status = ReviewStatus(status)
	if err := json.Unmarshal([]byte(data), &a.Self); err != nil {
		return a, err
	}
	if a.Status == Accepted && reviewed != "" {
		a.Reviewed = &Scores{}
		if err := json.Unmarshal([]byte(reviewed), a.Reviewed); err != nil {
			return a, err
		}
	}
	return a, nil
}

func (s *Service) assessment(ctx context.Context, commune string, year int) (Assessment, error) {
	a, err := scanAssessment(s.st.QueryRow(ctx, `SELECT `+assessmentCols+` FROM access_assessments WHERE commune = $1 AND year = $2`, commune, year))
	if err != nil {
		return a, s.st.Fail(store.NotFound(err, "grassroots.assessment_none"))
	}
	s.outcome(&a)
	return a, nil
}

// assessmentStatus reads in tx where a commune's assessment of a year stands ("" for none).
func assessmentStatus(tx *store.Tx, commune string, year int) (ReviewStatus, error) {
	var status string
	err := tx.QueryRow(`SELECT status FROM access_assessments WHERE commune = $1 AND year = $2`, commune, year).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return ReviewStatus(status), err
}
