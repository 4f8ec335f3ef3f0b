package grassroots

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// Field is a field of law whose enforcement a commune follows.
type Field string

// Fields in display order (the justice sector's statistics group them so; kept as data here
// because the circular's exact list is not checked).
var Fields = []Field{"land", "environment", "construction", "traffic", "social_order", "food_safety", "other"}

// Figures of a commune for a half of a year and a field: inspections made, administrative
// violations found, decisions sanctioning them, and the fines imposed (đồng).
type EnforcementFigures struct {
	Commune     string `json:"commune"`
	Year        int    `json:"year"`
	Half        int    `json:"half"` // 1: January–June, 2: July–December
	Field       Field  `json:"field"`
	Inspections int    `json:"inspections"`
	Violations  int    `json:"violations"`
	Sanctioned  int    `json:"sanctioned"`
	Fines       int64  `json:"fines"`
	Explanation string `json:"explanation,omitempty"`
}

// jumpFactor is how far a figure may move from the previous period's without a word of
// explanation: a typing slip (an extra zero) shows as a tenfold jump.
const jumpFactor = 3

// Validate checks the figures alone and against the previous period's (prev, nil for none):
// no negatives; no more sanctions than violations found; fines only with a sanction; and a
// figure more than three times the previous period's, or down to nothing from ten or more,
// must be explained (a slip is more likely than such a change).
func (f EnforcementFigures) Validate(prev *EnforcementFigures) error {
	var v fault.Validation
	v.Check(f.Year >= 2000 && f.Year <= 2100, "year", "grassroots.year_bad")
	v.Check(f.Half == 1 || f.Half == 2, "half", "grassroots.half_bad")
	v.Check(slices.Contains(Fields, f.Field), "field", "grassroots.field_bad")
	for name, n := range map[string]int64{"inspections": int64(f.Inspections), "violations": int64(f.Violations), "sanctioned": int64(f.Sanctioned), "fines": f.Fines} {
		v.Check(n >= 0, name, "grassroots.figure_bad")
	}
	v.Check(f.Sanctioned <= f.Violations, "sanctioned", "grassroots.sanctioned_over")
	v.Check(f.Fines == 0 || f.Sanctioned > 0, "fines", "grassroots.fines_unsanctioned")
	if prev != nil && strings.TrimSpace(f.Explanation) == "" {
		for name, pair := range map[string][2]int64{"inspections": {int64(prev.Inspections), int64(f.Inspections)},
			"violations": {int64(prev.Violations), int64(f.Violations)}, "sanctioned": {int64(prev.Sanctioned), int64(f.Sanctioned)}, "fines": {prev.Fines, f.Fines}} {
			was, now := pair[0], pair[1]
			if was > 0 && now > jumpFactor*was || was >= 10 && now == 0 || was == 0 && now >= 10 && name != "fines" {
				v.Add(name, "grassroots.jump")
			}
		}
	}
	return v.Err()
}

// previous is the period before year/half: the other half of the year, or the last of the year before.
func previous(year, half int) (int, int) {
	if half == 2 {
		return year, 1
	}
	return year - 1, 2
}

// SaveEnforcement records (or replaces) a commune's figures of a period and field, while its
// year may change, checked against the previous period's.
func (s *Service) SaveEnforcement(ctx context.Context, p auth.Principal, by audit.Actor, f EnforcementFigures) (EnforcementFigures, error) {
	if err := s.enter(p, f.Commune); err != nil {
		return f, err
	}
	f.Explanation = spaces(f.Explanation)
	if err := s.checkYear(f.Year); err != nil {
		return f, err
	}
	// A half not yet begun has no figures.
	if f.Half == 2 && s.today().Before(time.Date(f.Year, 7, 1, 0, 0, 0, 0, time.UTC)) {
		return f, &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"half": "grassroots.half_future"}}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := editable(tx, f.Commune, f.Year); err != nil {
			return err
		}
		py, ph := previous(f.Year, f.Half)
		prev, err := enforcementIn(tx, f.Commune, py, ph, f.Field)
		if err != nil {
			return err
		}
		if err := f.Validate(prev); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO enforcement_figures (commune, year, half, field, inspections, violations, sanctioned, fines, explanation,
			updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (commune, year, half, field) DO UPDATE SET inspections = excluded.inspections, violations = excluded.violations,
			sanctioned = excluded.sanctioned, fines = excluded.fines, explanation = excluded.explanation, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by`, f.Commune, f.Year, f.Half, string(f.Field), f.Inspections, f.Violations, f.Sanctioned, f.Fines,
			f.Explanation, store.Time(s.st.Now()), by.Username); err != nil {
			return fmt.Errorf("grassroots: enforcement: %w", err)
		}
		return tx.Audit(by.Entry("grassroots.enforcement", "enforcement:"+f.Commune, fmt.Sprintf("%d/%d %s", f.Year, f.Half, f.Field)))
	})
	return f, err
}

func enforcementIn(tx *store.Tx, commune string, year, half int, field Field) (*EnforcementFigures, error) {
	f := EnforcementFigures{Commune: commune, Year: year, Half: half, Field: field}
	err := tx.QueryRow(`SELECT inspections, violations, sanctioned, fines, explanation FROM enforcement_figures WHERE commune = $1 AND year = $2 AND half = $3 AND field = $4`,
		commune, year, half, string(field)).Scan(&f.Inspections, &f.Violations, &f.Sanctioned, &f.Fines, &f.Explanation)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("grassroots: previous figures: %w", err)
	}
	return &f, nil
}

// Enforcement lists the figures of a year the caller sees (a commune its own), by commune,
// half and field.
func (s *Service) Enforcement(ctx context.Context, p auth.Principal, commune string, year int) ([]EnforcementFigures, error) {
	if err := p.Allow(auth.GrassrootsView, ""); err != nil {
		return nil, err
	}
	w, err := Query{Commune: commune}.where(p, "")
	if err != nil {
		return nil, err
	}
	w.Cond("year = " + w.Args.Add(year))
	return store.Collect(ctx, s.st, func(row store.Scanner) (EnforcementFigures, error) {
		var f EnforcementFigures
		var field string
		err := row.Scan(&f.Commune, &f.Year, &f.Half, &field, &f.Inspections, &f.Violations, &f.Sanctioned, &f.Fines, &f.Explanation)
		f.Field = Field(field)
		return f, err
	}, "enforcement figures", `SELECT commune, year, half, field, inspections, violations, sanctioned, fines, explanation FROM enforcement_figures WHERE `+
		w.String()+` ORDER BY commune, half, field`, w.Args...)
}
