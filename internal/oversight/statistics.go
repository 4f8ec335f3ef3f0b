package oversight

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// The sector's statistical reports: forms that are data (their columns, each counted from the
// dashboard's figures, one row per unit), generated for a reporting period and a unit, kept as
// generated; a leader reviews and locks one, and from then its figures never change: what
// later corrections would make of a cell shows beside it as a difference.

// StatColumn is a column of a form: its heading (under a group heading when it has one) and
// the figure it counts.
type StatColumn struct {
	Code   string `json:"code"`
	Group  string `json:"group,omitempty"`
	Label  string `json:"label"`
	Source string `json:"source"`
}

// StatForm is a form.
type StatForm struct {
	Code    string       `json:"code"`
	Number  string       `json:"number"` // "Biểu số …", as printed
	Title   string       `json:"title"`
	Unit    string       `json:"unit"` // the unit of count
	Columns []StatColumn `json:"columns"`
}

// StatPeriod is a reporting period: its first and last day in the year ("MM-DD"); a first day
// after the last starts in the year before (1 October to 30 September).
type StatPeriod struct {
	Code string `json:"code"`
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Days are the period's first and last day of a year.
func (p StatPeriod) Days(year int) (from, to time.Time) {
	f, _ := time.Parse("2006-01-02", fmt.Sprintf("%04d-%s", year, p.From))
	t, _ := time.Parse("2006-01-02", fmt.Sprintf("%04d-%s", year, p.To))
	if f.After(t) {
		f = f.AddDate(-1, 0, 0)
	}
	return f, t
}

// StatTemplates are the forms and periods in force.
type StatTemplates struct {
	Version     string       `json:"version"`
	Verified    bool         `json:"verified"`
	Source      string       `json:"source"`
	ReportingTo string       `json:"reporting_to"`
	Periods     []StatPeriod `json:"periods"`
	Forms       []StatForm   `json:"forms"`
}

// Form finds a form by its code.
func (t StatTemplates) Form(code string) (StatForm, bool) {
	i := slices.IndexFunc(t.Forms, func(f StatForm) bool { return f.Code == code })
	if i < 0 {
		return StatForm{}, false
	}
	return t.Forms[i], true
}

// Period finds a period by its code.
func (t StatTemplates) Period(code string) (StatPeriod, bool) {
	i := slices.IndexFunc(t.Periods, func(p StatPeriod) bool { return p.Code == code })
	if i < 0 {
		return StatPeriod{}, false
	}
	return t.Periods[i], true
}

// Cell is the figure a source names: "registrations:<kind>", "late:<kind>", or one of the
// dashboard's counts.
func Cell(source string, f Figures) (int, bool) {
	if kind, ok := strings.CutPrefix(source, "registrations:"); ok && slices.Contains(civil.Kinds, civil.Kind(kind)) {
		return f.ByKind[kind], true
	}
	if kind, ok := strings.CutPrefix(source, "late:"); ok && slices.Contains(civil.Kinds, civil.Kind(kind)) {
		return f.LateByKind[kind], true
	}
	n, ok := map[string]int{
		"registrations": f.Registrations, "dossiers_settled": f.Settled, "dossiers_on_time": f.OnTime, "dossiers_late": f.Settled - f.OnTime,
		"dossiers_overdue": f.Overdue, "documents_issued": f.Issued, "documents_signed": f.Signed, "mediation_cases": f.Mediations,
		"mediation_successful": f.Mediated, "dissemination_events": f.Events, "legal_aid_requests": f.LegalAid,
		"inspection_findings": f.Findings, "findings_remedied": f.Remedied,
	}[source]
	return n, ok
}

// Snapshot are the sources counted as they stand when a report is generated, not as of its
// period (dossiers open past their day, findings accepted so far): a locked report's later
// figures for them are not differences.
var Snapshot = map[string]bool{"dossiers_overdue": true, "findings_remedied": true}

// departmentReader reads the figures for the reports: the department's view of the province.
var departmentReader = auth.Principal{Username: "statistics", Role: auth.Specialist, Office: auth.DepartmentOffice}

//go:embed statistics.json
var statisticsJSON []byte

// ParseTemplates reads and checks templates: periods with valid days, forms with unique codes
// and columns whose sources are known.
func ParseTemplates(data []byte) (StatTemplates, error) {
	var t StatTemplates
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("statistical templates: %w", err)
	}
	if len(t.Periods) == 0 || len(t.Forms) == 0 {
		return t, fmt.Errorf("statistical templates: no periods or no forms")
	}
	for _, p := range t.Periods {
		_, e1 := time.Parse("2006-01-02", "2024-"+p.From) // a leap year: 29 February is a day
		_, e2 := time.Parse("2006-01-02", "2024-"+p.To)
		if p.Code == "" || e1 != nil || e2 != nil {
			return t, fmt.Errorf("statistical templates: period %q: days %q–%q are not MM-DD", p.Code, p.From, p.To)
		}
	}
	seen := map[string]bool{}
	for _, f := range t.Forms {
		if f.Code == "" || seen[f.Code] || len(f.Columns) == 0 {
			return t, fmt.Errorf("statistical templates: form %q: code empty or repeated, or no columns", f.Code)
		}
		seen[f.Code] = true
		cols := map[string]bool{}
		for _, c := range f.Columns {
			if _, ok := Cell(c.Source, Figures{}); !ok || c.Code == "" || cols[c.Code] || c.Label == "" {
				return t, fmt.Errorf("statistical templates: form %s: column %q: source %q unknown, or code or label missing", f.Code, c.Code, c.Source)
			}
			cols[c.Code] = true
		}
	}
	return t, nil
}

// DefaultTemplates are the templates shipped, a sample marked unverified.
var DefaultTemplates = func() StatTemplates {
	t, err := ParseTemplates(statisticsJSON)
	if err != nil {
		panic(err)
	}
	return t
}()

// Province is the unit of the province's reports.
const Province = "province"

// StatRow is a unit's line of a report.
type StatRow struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Cells []int  `json:"cells"`
}

// Difference is a locked cell and what the figures say now.
type Difference struct {
	Row    string `json:"row"`
	Name   string `json:"name"`
	Column string `json:"column"`
	Locked int    `json:"locked"`
	Now    int    `json:"now"`
}

// StatReport is a generated report.
type StatReport struct {
	ID          string       `json:"id"`
	Form        StatForm     `json:"form"`
	Period      StatPeriod   `json:"period"`
	Year        int          `json:"year"`
	Unit        string       `json:"unit"`
	UnitName    string       `json:"unit_name"`
	From        string       `json:"from"`
	To          string       `json:"to"`
	Templates   string       `json:"templates"`
	Status      string       `json:"status"` // draft, locked
	Rows        []StatRow    `json:"rows"`
	Total       StatRow      `json:"total"`
	GeneratedBy string       `json:"generated_by"`
	GeneratedAt time.Time    `json:"generated_at"`
	LockedBy    string       `json:"locked_by,omitempty"`
	LockedAt    time.Time    `json:"locked_at,omitzero"`
	Note        string       `json:"note,omitempty"`
	Differences []Difference `json:"differences,omitempty"` // a locked report's cells that later corrections changed
}

// Statistics generates, locks and reads the reports.
type Statistics struct {
	St        *store.Store
	Dashboard *Service
	Templates StatTemplates
}

// unitOf checks the unit p may report on: a commune's staff their commune, the department any
// commune of today or the province.
func (s *Statistics) unitOf(p auth.Principal, a auth.Action, unit string) error {
	if err := p.Allow(a, ""); err != nil {
		return err
	}
	if p.Role.AtCommune() && unit != p.Office {
		return fault.New(fault.NotFound, "statistics.not_found")
	}
	if unit == Province {
		return nil
	}
	if _, err := s.Dashboard.Units.Lookup(units.Commune, unit, s.St.Now()); err != nil {
		var v fault.Validation
		v.Add("unit", "emulation.commune_unknown")
		return v.Err()
	}
	return nil
}

// compute counts a form's rows for a unit and period: the province's communes of today (the
// rows of former communes in their successors) and the department's own line, or a commune.
//
// The figures are the department's, whoever asks (each caller's right to the unit is checked
// before): a report's cells must not depend on who generated or reads it.
func (s *Statistics) compute(ctx context.Context, form StatForm, unit string, from, to time.Time) ([]StatRow, StatRow, error) {
	d, err := s.Dashboard.Dashboard(ctx, departmentReader, from, to)
	if err != nil {
		return nil, StatRow{}, err
	}
	line := func(code, name string, f Figures) StatRow {
		r := StatRow{Code: code, Name: name}
		for _, c := range form.Columns {
			n, _ := Cell(c.Source, f)
			r.Cells = append(r.Cells, n)
		}
		return r
	}
	var rows []StatRow
	for _, c := range d.Communes {
		if unit == Province || c.Code == unit {
			rows = append(rows, line(c.Code, c.Name, c.Figures))
		}
	}
	if unit == Province {
		rows = append(rows, line(auth.DepartmentOffice, "Sở Tư pháp", d.Department))
	}
	total := StatRow{Code: "total", Name: "Tổng số", Cells: make([]int, len(form.Columns))}
	for _, r := range rows {
		for i, n := range r.Cells {
			total.Cells[i] += n
		}
	}
	return rows, total, nil
}

// Generate counts a form for a period of a year and a unit, and keeps it as a draft: a draft
// generated again is replaced; a locked report is not.
func (s *Statistics) Generate(ctx context.Context, p auth.Principal, by audit.Actor, form, period string, year int, unit string) (StatReport, error) {
	if err := s.unitOf(p, auth.ReportStatistics, unit); err != nil {
		return StatReport{}, err
	}
	var v fault.Validation
	f, ok := s.Templates.Form(form)
	v.Check(ok, "form", "statistics.form_unknown")
	pd, ok := s.Templates.Period(period)
	v.Check(ok, "period", "statistics.period_unknown")
	from, to := pd.Days(year)
	v.Check(year >= 2000 && !from.After(s.St.Now()), "year", "statistics.year_bad") // a period that has begun
	if err := v.Err(); err != nil {
		return StatReport{}, err
	}
	rows, total, err := s.compute(ctx, f, unit, from, to)
	if err != nil {
		return StatReport{}, err
	}
	data, err := json.Marshal(map[string]any{"rows": rows, "total": total, "form": f, "period": pd})
	if err != nil {
		return StatReport{}, err
	}
	id, written := store.NewID(), ""
	err = s.St.Write(ctx, func(tx *store.Tx) error {
		rid := id // a draft's own id when there is one; afresh on each run
		var status, old string
		err := tx.QueryRow(`SELECT id, status FROM statistical_reports WHERE form = $1 AND period = $2 AND year = $3 AND unit = $4`, form, period, year, unit).Scan(&old, &status)
		switch {
		case err == nil && status == "locked":
			return fault.New(fault.Conflict, "statistics.locked")
		case err == nil:
			rid = old
			_, err = tx.Exec(`UPDATE statistical_reports SET data = $2, templates = $3, generated_by = $4, generated_at = $5, from_on = $6, to_on = $7
				WHERE id = $1 AND status = 'draft'`, rid, string(data), s.Templates.Version, by.Username, store.Time(tx.Now()),
				from.Format(civil.DateFormat), to.Format(civil.DateFormat))
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.Exec(`INSERT INTO statistical_reports (id, form, period, year, unit, from_on, to_on, templates, status, data, generated_by, generated_at,
				locked_by, locked_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, '', NULL, '')`,
				rid, form, period, year, unit, from.Format(civil.DateFormat), to.Format(civil.DateFormat), s.Templates.Version, string(data), by.Username, store.Time(tx.Now()))
		}
		if err != nil {
			return fmt.Errorf("statistics: generate: %w", err)
		}
		written = rid
		return tx.Audit(by.Entry("statistics.generate", "statistics:"+rid, fmt.Sprintf("%s %s %d %s", form, period, year, unit)))
	})
	if err != nil {
		return StatReport{}, err
	}
	id = written
	return s.Report(ctx, p, id)
}

// Lock reviews and locks a draft (a leader; a commune's chairperson its commune's), with a note:
// the figures generated at seen, those the leader read (zero: whatever is there), so that a
// draft generated again meanwhile is not locked unread.
func (s *Statistics) Lock(ctx context.Context, p auth.Principal, by audit.Actor, id, note string, seen time.Time) (StatReport, error) {
	r, err := s.Report(ctx, p, id)
	if err != nil {
		return r, err
	}
	if err := s.unitOf(p, auth.LockStatistics, r.Unit); err != nil {
		return r, err
	}
	err = s.St.Write(ctx, func(tx *store.Tx) error {
		var status, generated string
		if err := tx.QueryRow(`SELECT status, generated_at FROM statistical_reports WHERE id = $1`, id).Scan(&status, &generated); err != nil {
			return fmt.Errorf("statistics: lock: %w", err)
		}
		switch {
		case status != "draft":
			return fault.New(fault.Conflict, "statistics.locked")
		case !seen.IsZero() && generated != store.Time(seen):
			return fault.New(fault.Conflict, "statistics.changed")
		}
		if _, err := tx.Exec(`UPDATE statistical_reports SET status = 'locked', locked_by = $2, locked_at = $3, note = $4 WHERE id = $1`,
			id, by.Username, store.Time(tx.Now()), tidy(note)); err != nil {
			return fmt.Errorf("statistics: lock: %w", err)
		}
		return tx.Audit(by.Entry("statistics.lock", "statistics:"+id, tidy(note)))
	})
	if err != nil {
		return r, err
	}
	return s.Report(ctx, p, id)
}

const statCols = `id, period, year, unit, from_on, to_on, templates, status, data, generated_by, generated_at, locked_by, locked_at, note`

func (s *Statistics) scan(row store.Scanner) (StatReport, error) {
	var r StatReport
	var data string
	if err := row.Scan(&r.ID, new(string), &r.Year, &r.Unit, &r.From, &r.To, &r.Templates, &r.Status, &data, &r.GeneratedBy, store.ScanTime(&r.GeneratedAt),
		&r.LockedBy, store.ScanTime(&r.LockedAt), &r.Note); err != nil {
		return r, err
	}
	// The form and period as they were when generated: a later template changes no report.
	var kept struct {
		Rows   []StatRow  `json:"rows"`
		Total  StatRow    `json:"total"`
		Form   StatForm   `json:"form"`
		Period StatPeriod `json:"period"`
	}
	if err := json.Unmarshal([]byte(data), &kept); err != nil {
		return r, fmt.Errorf("statistics: report %s: %w", r.ID, err)
	}
	r.Rows, r.Total, r.Form, r.Period = kept.Rows, kept.Total, kept.Form, kept.Period
	r.UnitName = "Tỉnh Quảng Ngãi"
	if r.Unit != Province {
		if u, err := s.Dashboard.Units.Lookup(units.Commune, r.Unit, s.St.Now()); err == nil {
			r.UnitName = u.Name
		}
	}
	return r, nil
}

// Report reads a report; a locked one with the differences later corrections have made.
func (s *Statistics) Report(ctx context.Context, p auth.Principal, id string) (StatReport, error) {
	r, err := s.scan(s.St.QueryRow(ctx, `SELECT `+statCols+` FROM statistical_reports WHERE id = $1`, id))
	if err != nil {
		return r, s.St.Fail(store.NotFound(err, "statistics.not_found"))
	}
	if err := s.mayRead(p, r.Unit); err != nil {
		return StatReport{}, err
	}
	if r.Status != "locked" {
		return r, nil
	}
	from, _ := civil.ParseDate(r.From)
	to, _ := civil.ParseDate(r.To)
	rows, total, err := s.compute(ctx, r.Form, r.Unit, from, to)
	if err != nil {
		return r, err
	}
	now := map[string]StatRow{"total": total}
	for _, row := range rows {
		now[row.Code] = row
	}
	for _, row := range append(slices.Clone(r.Rows), r.Total) {
		for i, n := range row.Cells {
			if Snapshot[r.Form.Columns[i].Source] {
				continue // what stood on the day generated: no later correction to show
			}
			if m := cellAt(now[row.Code], i); m != n {
				r.Differences = append(r.Differences, Difference{Row: row.Code, Name: row.Name, Column: r.Form.Columns[i].Code, Locked: n, Now: m})
			}
		}
	}
	return r, nil
}

func cellAt(r StatRow, i int) int {
	if i < len(r.Cells) {
		return r.Cells[i]
	}
	return 0
}

// mayRead: the department's readers read every report, a commune's staff their commune's.
func (s *Statistics) mayRead(p auth.Principal, unit string) error {
	switch {
	case p.Role.AtCommune() && p.Can(auth.ViewRecords):
		if unit != p.Office {
			return fault.New(fault.NotFound, "statistics.not_found")
		}
	case !p.Can(auth.ViewDashboard):
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	return nil
}

// List is a year's reports p may read, by form, period and unit.
func (s *Statistics) List(ctx context.Context, p auth.Principal, year int) ([]StatReport, error) {
	if err := s.mayRead(p, p.Office); err != nil {
		return nil, err
	}
	var w store.Where
	w.Cond("year = " + w.Args.Add(year))
	if p.Role.AtCommune() {
		w.Eq("unit", p.Office)
	}
	return store.Collect(ctx, s.St, s.scan, "statistical reports", `SELECT `+statCols+` FROM statistical_reports WHERE `+w.String()+
		` ORDER BY form, period, unit LIMIT 1000`, w.Args...)
}
