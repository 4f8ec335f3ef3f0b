package oversight

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/units"
)

// Emulation (thi đua): the department scores each commune's justice work of a year against
// criteria that are data: some computed from what the other domains recorded (the on-time
// share, the signed share, mediation settled), each against its target; the others entered by
// the department with their evidence. The total gives the grade by thresholds that are data
// too, and the ranking; every point is explained.

// Criterion is one criterion: its maximum points and where its points come from.
type Criterion struct {
	Code string  `json:"code"`
	Name string  `json:"name"`
	Max  float64 `json:"max"`
	// Source: on_time, signed, mediation (a share against Target); inspection (points off per
	// finding of the year's inspections, and more per finding not remedied); access (the
	// access-to-law standard as the department recognised it); entered.
	Source string  `json:"source"`
	Target float64 `json:"target,omitempty"`
	// PerFinding and PerOpen: the points an inspection finding costs, and what one not
	// accepted as remedied costs on top.
	PerFinding float64 `json:"per_finding,omitempty"`
	PerOpen    float64 `json:"per_open,omitempty"`
}

// Access is a commune's year against the access-to-law standard, as the department reviewed it.
type Access struct {
	Reviewed bool
	Met      bool
	Total    int
}

// Grade is a grade and the least total that earns it.
type Grade struct {
	Grade string  `json:"grade"`
	Min   float64 `json:"min"`
}

// Criteria are a year's criteria and grades: they apply from FromYear (0: any year) until a
// later set's first year, so that changing next year's criteria changes no past year's score.
type Criteria struct {
	FromYear int         `json:"from_year,omitempty"`
	Version  string      `json:"version"`
	Verified bool        `json:"verified"`
	Source   string      `json:"source"`
	Grades   []Grade     `json:"grades"`
	Criteria []Criterion `json:"criteria"`
}

//go:embed emulation.json
var criteriaJSON []byte

// ParseCriteria reads and checks criteria: codes unique, maxima positive, computed ones with a
// target, grades from the highest threshold down to 0.
func ParseCriteria(data []byte) (Criteria, error) {
	var c Criteria
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("emulation criteria: %w", err)
	}
	seen := map[string]bool{}
	for _, k := range c.Criteria {
		switch {
		case k.Code == "" || seen[k.Code]:
			return c, fmt.Errorf("emulation criteria: code %q empty or repeated", k.Code)
		case k.Max <= 0:
			return c, fmt.Errorf("emulation criteria: %s has no points", k.Code)
		case k.Source == "entered" || k.Source == "access":
		case k.Source == "inspection":
			if k.PerFinding < 0 || k.PerOpen < 0 || k.PerFinding+k.PerOpen == 0 {
				return c, fmt.Errorf("emulation criteria: %s: an inspection criterion needs the points a finding costs", k.Code)
			}
		case k.Target <= 0 || k.Target > 1 || !slices.Contains([]string{"on_time", "signed", "mediation"}, k.Source):
			return c, fmt.Errorf("emulation criteria: %s: source %q needs a target share in (0, 1]", k.Code, k.Source)
		}
		seen[k.Code] = true
	}
	if len(c.Grades) == 0 || c.Grades[len(c.Grades)-1].Min != 0 {
		return c, fmt.Errorf("emulation criteria: the last grade must start at 0")
	}
	for i := 1; i < len(c.Grades); i++ {
		if c.Grades[i].Min >= c.Grades[i-1].Min {
			return c, fmt.Errorf("emulation criteria: grades from the highest threshold down")
		}
	}
	return c, nil
}

// DefaultCriteria are the criteria shipped, a sample marked unverified.
var DefaultCriteria = func() Criteria {
	c, err := ParseCriteria(criteriaJSON)
	if err != nil {
		panic(err)
	}
	return c
}()

// Point is one criterion's points for a commune, and why.
type Point struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Max      float64 `json:"max"`
	Points   float64 `json:"points"`
	Why      string  `json:"why"`
	Entered  bool    `json:"entered,omitempty"`
	Missing  bool    `json:"missing,omitempty"` // entered criterion not scored yet
	Evidence string  `json:"evidence,omitempty"`
	By       string  `json:"by,omitempty"`
}

// Score is a commune's year.
type Score struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Total    float64 `json:"total"`
	Grade    string  `json:"grade"`
	Rank     int     `json:"rank"`
	Complete bool    `json:"complete"` // every entered criterion scored
	Points   []Point `json:"points"`
}

// Computed are a commune's points of the computed criteria: a share against its target gives
// max × share ÷ target, at most max; nothing to rate (no dossier settled, no document issued,
// no case received) gives the full points, said so. Inspection findings take points off, down
// to 0; the access-to-law standard gives all or nothing once the department has reviewed the
// year, and is missing before.
func (c Criteria) Computed(f Figures, a Access) []Point {
	var out []Point
	for _, k := range c.Criteria {
		var share float64
		var of string
		switch k.Source {
		case "entered":
			continue
		case "inspection":
			p := Point{Code: k.Code, Name: k.Name, Max: k.Max}
			open := f.Findings - f.Remedied
			p.Points = round(math.Max(0, k.Max-k.PerFinding*float64(f.Findings)-k.PerOpen*float64(open)))
			p.Why = "Không có sai sót qua kiểm tra trong năm: đủ điểm"
			if f.Findings > 0 {
				p.Why = fmt.Sprintf("%d sai sót qua kiểm tra (trừ %s điểm mỗi sai sót), %d chưa khắc phục xong (trừ thêm %s điểm mỗi sai sót): %s/%s điểm",
					f.Findings, num(k.PerFinding), open, num(k.PerOpen), num(p.Points), num(k.Max))
			}
			out = append(out, p)
			continue
		case "access":
			p := Point{Code: k.Code, Name: k.Name, Max: k.Max}
			switch {
			case !a.Reviewed:
				p.Missing, p.Why = true, "Chưa có kết quả đánh giá chuẩn tiếp cận pháp luật được Sở công nhận"
			case a.Met:
				p.Points, p.Why = k.Max, fmt.Sprintf("Đạt chuẩn tiếp cận pháp luật (%d điểm): %s/%s điểm", a.Total, num(k.Max), num(k.Max))
			default:
				p.Why = fmt.Sprintf("Chưa đạt chuẩn tiếp cận pháp luật (%d điểm): 0/%s điểm", a.Total, num(k.Max))
			}
			out = append(out, p)
			continue
		case "on_time":
			share, of = f.OnTimeRate, fmt.Sprintf("%d/%d hồ sơ đúng hạn", f.OnTime, f.Settled)
		case "signed":
			share, of = f.SignedRate, fmt.Sprintf("%d/%d văn bản ký số", f.Signed, f.Issued)
		case "mediation":
			share, of = f.MediateRate, fmt.Sprintf("%d/%d vụ việc hòa giải thành", f.Mediated, f.Mediations)
		}
		p := Point{Code: k.Code, Name: k.Name, Max: k.Max}
		if share < 0 {
			p.Points, p.Why = k.Max, "Không phát sinh trong năm: đủ điểm"
		} else {
			p.Points = round(math.Min(k.Max, k.Max*share/k.Target))
			p.Why = fmt.Sprintf("%s (%s), chỉ tiêu %s: %s/%s điểm", of, pctVN(share), pctVN(k.Target), num(p.Points), num(k.Max))
		}
		out = append(out, p)
	}
	return out
}

func round(x float64) float64 { return math.Round(x*10) / 10 }

func pctVN(x float64) string { return strings.Replace(fmt.Sprintf("%.1f%%", x*100), ".", ",", 1) }

func num(x float64) string {
	return strings.Replace(strings.TrimSuffix(fmt.Sprintf("%.1f", x), ".0"), ".", ",", 1)
}

// GradeOf is the grade a total earns.
func (c Criteria) GradeOf(total float64) string {
	for _, g := range c.Grades {
		if total >= g.Min {
			return g.Grade
		}
	}
	return ""
}

// ParseCriteriaSets reads one set of criteria, or a list of sets each from its first year
// (different years, one of them for any year or the earliest), each checked as ParseCriteria.
func ParseCriteriaSets(data []byte) ([]Criteria, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		raw = []json.RawMessage{data} // a single set
	}
	var sets []Criteria
	seen := map[int]bool{}
	for _, r := range raw {
		c, err := ParseCriteria(r)
		if err != nil {
			return nil, err
		}
		if seen[c.FromYear] {
			return nil, fmt.Errorf("emulation criteria: two sets from year %d", c.FromYear)
		}
		seen[c.FromYear] = true
		sets = append(sets, c)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("emulation criteria: no set")
	}
	slices.SortFunc(sets, func(a, b Criteria) int { return a.FromYear - b.FromYear })
	return sets, nil
}

// Emulation scores the communes: their figures from the dashboard, their entered points from
// its table, on the criteria of the year scored.
type Emulation struct {
	St        *store.Store
	Dashboard *Service
	Sets      []Criteria // by first year
}

// For is the set of criteria a year is scored on: the last that starts by it (the earliest
// when every set starts later).
func (e *Emulation) For(year int) Criteria {
	c := e.Sets[0]
	for _, s := range e.Sets {
		if s.FromYear <= year {
			c = s
		}
	}
	return c
}

// Entry is an entered criterion's points for a commune's year, with the evidence.
type Entry struct {
	Commune   string
	Year      int
	Criterion string
	Points    float64
	Evidence  string
	By        string
	At        time.Time
}

// Enter records the department's points of an entered criterion, with the evidence (the
// department's specialists and leaders); a new entry replaces the one before, and both stay in
// the audit log.
func (e *Emulation) Enter(ctx context.Context, p auth.Principal, by audit.Actor, x Entry) (Entry, error) {
	if err := p.Allow(auth.ScoreEmulation, ""); err != nil {
		return x, err
	}
	x.Evidence = tidy(x.Evidence)
	var v fault.Validation
	set := e.For(x.Year)
	i := slices.IndexFunc(set.Criteria, func(k Criterion) bool { return k.Code == x.Criterion && k.Source == "entered" })
	v.Check(i >= 0, "criterion", "emulation.criterion_unknown")
	v.Check(i < 0 || (x.Points >= 0 && x.Points <= set.Criteria[i].Max), "points", "emulation.points_range")
	v.Check(x.Evidence != "", "evidence", "civil.required")
	if _, err := e.Dashboard.Units.Lookup(units.Commune, x.Commune, e.St.Now()); err != nil {
		v.Add("commune", "emulation.commune_unknown")
	}
	v.Check(x.Year >= 2000 && x.Year <= e.St.Now().Year(), "year", "emulation.year_bad")
	if err := v.Err(); err != nil {
		return x, err
	}
	x.Points, x.By, x.At = round(x.Points), by.Username, e.St.Now()
	err := e.St.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO emulation_points (commune, year, criterion, points, evidence, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (commune, year, criterion) DO UPDATE SET points = excluded.points, evidence = excluded.evidence, entered_by = excluded.entered_by,
			entered_at = excluded.entered_at`, x.Commune, x.Year, x.Criterion, x.Points, x.Evidence, x.By, store.Time(x.At)); err != nil {
			return fmt.Errorf("emulation: enter: %w", err)
		}
		return tx.Audit(by.Entry("emulation.enter", "commune:"+x.Commune, fmt.Sprintf("%d %s %s: %s", x.Year, x.Criterion, num(x.Points), x.Evidence)))
	})
	return x, err
}

// Scores are a year's scores of the communes p may see, ranked (equal totals share a rank).
func (e *Emulation) Scores(ctx context.Context, p auth.Principal, year int) ([]Score, error) {
	if !p.Can(auth.ScoreEmulation) && !p.Role.AtCommune() {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	set := e.For(year)
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	// A commune is ranked among all: the province's figures are read for the ranking, and only
	// its own score is handed back.
	reader := p
	if p.Role.AtCommune() {
		reader = departmentReader
	}
	d, err := e.Dashboard.Dashboard(ctx, reader, from, to)
	if err != nil {
		return nil, err
	}
	entered := map[string]map[string]Entry{}
	rows, err := store.Collect(ctx, e.St, func(row store.Scanner) (Entry, error) {
		var x Entry
		return x, row.Scan(&x.Commune, &x.Criterion, &x.Points, &x.Evidence, &x.By)
	}, "emulation points", `SELECT commune, criterion, points, evidence, entered_by FROM emulation_points WHERE year = $1`, year)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		if entered[x.Commune] == nil {
			entered[x.Commune] = map[string]Entry{}
		}
		entered[x.Commune][x.Criterion] = x
	}
	access := map[string]Access{}
	if e.Dashboard.Grassroots != nil {
		list, err := e.Dashboard.Grassroots.Assessments(ctx, reader, year)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.Outcome != nil {
				access[a.Commune] = Access{Reviewed: true, Met: a.Outcome.Met, Total: a.Outcome.Total}
			}
		}
	}
	var out []Score
	for _, c := range d.Communes {
		s := Score{Code: c.Code, Name: c.Name, Complete: true}
		computed := set.Computed(c.Figures, access[c.Code])
		for _, k := range set.Criteria {
			if k.Source != "entered" {
				i := slices.IndexFunc(computed, func(p Point) bool { return p.Code == k.Code })
				s.Points = append(s.Points, computed[i])
				s.Complete = s.Complete && !computed[i].Missing
				continue
			}
			pt := Point{Code: k.Code, Name: k.Name, Max: k.Max, Entered: true}
			if x, ok := entered[c.Code][k.Code]; ok {
				pt.Points, pt.Evidence, pt.By = x.Points, x.Evidence, x.By
				pt.Why = fmt.Sprintf("Sở chấm %s/%s điểm: %s", num(x.Points), num(k.Max), x.Evidence)
			} else {
				pt.Missing, pt.Why, s.Complete = true, "Chưa chấm", false
			}
			s.Points = append(s.Points, pt)
		}
		for _, pt := range s.Points {
			s.Total += pt.Points
		}
		s.Total = round(s.Total)
		s.Grade = set.GradeOf(s.Total)
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Score) int {
		if a.Total != b.Total {
			return map[bool]int{true: -1, false: 1}[a.Total > b.Total]
		}
		return strings.Compare(a.Code, b.Code)
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Total == out[i-1].Total {
			out[i].Rank = out[i-1].Rank
		}
	}
	if p.Role.AtCommune() {
		return slices.DeleteFunc(out, func(s Score) bool { return s.Code != p.Office }), nil
	}
	return out, nil
}
