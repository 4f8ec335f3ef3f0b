package grassroots

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"tuphap/internal/fault"
)

// Standard is the access-to-law standard a commune is assessed against: its criteria, each
// with indicators scored up to their points, and what meeting it takes. It is data (Decision
// 25/2021/QĐ-TTg and the ministry's guidance as of its Version); a successor text replaces the
// file, and every assessment keeps the version it was scored on.
type Standard struct {
	Version  string `json:"version"`
	Source   string `json:"source"`
	Verified bool   `json:"verified"` // checked against the official text
	// MinTotal is the least total a commune meeting the standard scores; MinCriterionShare the
	// least share of each criterion's points.
	MinTotal          int         `json:"min_total"`
	MinCriterionShare float64     `json:"min_criterion_share"`
	Criteria          []Criterion `json:"criteria"`
}

// Criterion is a criterion of the standard and its indicators.
type Criterion struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Indicators []Indicator `json:"indicators"`
}

// Indicator is scored from 0 to Max.
type Indicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Max  int    `json:"max"`
}

// Max is the criterion's points.
func (c Criterion) Max() int {
	n := 0
	for _, in := range c.Indicators {
		n += in.Max
	}
	return n
}

//go:embed standard.json
var standardJSON []byte

// DefaultStandard is the standard shipped (standard.json): its points and thresholds are
// marked unverified until checked against the official text.
var DefaultStandard = MustStandard(standardJSON)

// ParseStandard reads a standard and checks it: criteria and indicators with unique codes,
// points above zero, thresholds within the points.
func ParseStandard(b []byte) (Standard, error) {
	var s Standard
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("access standard: %w", err)
	}
	seen, total := map[string]bool{}, 0
	for _, c := range s.Criteria {
		if c.Code == "" || strings.TrimSpace(c.Name) == "" || len(c.Indicators) == 0 || seen["c"+c.Code] {
			return s, fmt.Errorf("access standard %q: criterion %q without a unique code, a name or indicators", s.Version, c.Code)
		}
		seen["c"+c.Code] = true
		for _, in := range c.Indicators {
			if in.Code == "" || in.Max <= 0 || seen[in.Code] {
				return s, fmt.Errorf("access standard %q: indicator %q without a unique code or points", s.Version, in.Code)
			}
			seen[in.Code] = true
			total += in.Max
		}
	}
	if s.Version == "" || len(s.Criteria) == 0 || s.MinTotal <= 0 || s.MinTotal > total || s.MinCriterionShare < 0 || s.MinCriterionShare > 1 {
		return s, fmt.Errorf("access standard %q: a version, criteria and thresholds within the %d points are needed", s.Version, total)
	}
	return s, nil
}

// MustStandard is ParseStandard for the embedded file.
func MustStandard(b []byte) Standard {
	s, err := ParseStandard(b)
	if err != nil {
		panic(err)
	}
	return s
}

// Scores are a commune's points per indicator code, with the evidence for each.
type Scores struct {
	Points   map[string]int    `json:"points"`
	Evidence map[string]string `json:"evidence,omitempty"`
}

// Validate reports every problem at once: every indicator scored within its points, and the
// evidence for every point claimed (a self-assessment states what proves it).
func (s Standard) Validate(sc Scores, needEvidence bool) error {
	var v fault.Validation
	known := map[string]bool{}
	for _, c := range s.Criteria {
		for _, in := range c.Indicators {
			known[in.Code] = true
			p, ok := sc.Points[in.Code]
			v.Check(ok && p >= 0 && p <= in.Max, "points."+in.Code, "grassroots.points_bad")
			if needEvidence && p > 0 {
				v.Check(strings.TrimSpace(sc.Evidence[in.Code]) != "", "evidence."+in.Code, "grassroots.evidence_missing")
			}
		}
	}
	for code := range sc.Points {
		v.Check(known[code], "points."+code, "grassroots.indicator_unknown")
	}
	return v.Err()
}

// Outcome is what the scores come to.
type Outcome struct {
	Total       int            `json:"total"`
	ByCriterion map[string]int `json:"by_criterion"`
	Met         bool           `json:"met"`
	// Short lists the criteria under their least share.
	Short []string `json:"short,omitempty"`
}

// Score adds the points up: the standard is met with at least MinTotal in all and at least
// MinCriterionShare of each criterion's points.
func (s Standard) Score(points map[string]int) Outcome {
	o := Outcome{ByCriterion: map[string]int{}}
	for _, c := range s.Criteria {
		n := 0
		for _, in := range c.Indicators {
			n += min(max(points[in.Code], 0), in.Max)
		}
		o.ByCriterion[c.Code], o.Total = n, o.Total+n
		// In thousandths, whole numbers: 0.55 × 100 must not read as 55.000000000000007.
		if int64(n)*1000 < int64(math.Round(s.MinCriterionShare*1000))*int64(c.Max()) {
			o.Short = append(o.Short, c.Code)
		}
	}
	o.Met = o.Total >= s.MinTotal && len(o.Short) == 0
	return o
}
