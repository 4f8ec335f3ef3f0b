package grassroots

import (
	"strings"
	"testing"
)

// all scores every indicator of the default standard at n points, capped at its points.
func all(n int) map[string]int {
	out := map[string]int{}
	for _, c := range DefaultStandard.Criteria {
		for _, in := range c.Indicators {
			out[in.Code] = min(n, in.Max)
		}
	}
	return out
}

// Meeting the standard takes the least total and the least share of every criterion (Decision
// 25/2021/QĐ-TTg as the shipped data gives them: 80 of 100, half of each criterion).
func TestStandardScore(t *testing.T) {
	s := DefaultStandard
	for _, c := range []struct {
		name   string
		points map[string]int
		total  int
		met    bool
		short  string
	}{
		{"full marks", all(10), 100, true, ""},
		{"8 everywhere: 80, the least total", all(8), 80, true, ""},
		{"7 everywhere: 70, under the total", all(7), 70, false, ""},
		{"criterion 4 at nothing, 90 in all", func() map[string]int { p := all(10); p["4.1"] = 0; return p }(), 90, false, "4"},
		{"criterion 4 at half exactly", func() map[string]int { p := all(10); p["4.1"] = 5; return p }(), 95, true, ""},
		{"points above the indicator's count as its points", func() map[string]int { p := all(10); p["1.1"] = 50; return p }(), 100, true, ""},
	} {
		o := s.Score(c.points)
		if o.Total != c.total || o.Met != c.met || strings.Join(o.Short, ",") != c.short {
			t.Errorf("%s: %+v", c.name, o)
		}
	}
}

// A self-assessment scores every indicator within its points, with the evidence of each point.
func TestStandardValidate(t *testing.T) {
	s := DefaultStandard
	sc := Scores{Points: all(10), Evidence: map[string]string{}}
	for code := range sc.Points {
		sc.Evidence[code] = "Biên bản kiểm tra số 12/BB-UBND"
	}
	if err := s.Validate(sc, true); err != nil {
		t.Fatal(err)
	}
	sc.Points["2.1"], sc.Points["9.9"] = 11, 1
	delete(sc.Points, "3.1")
	delete(sc.Evidence, "1.1")
	fields := fieldsOf(s.Validate(sc, true))
	for _, f := range []string{"points.2.1", "points.9.9", "points.3.1", "evidence.1.1"} {
		if fields[f] == "" {
			t.Errorf("%s not refused: %v", f, fields)
		}
	}
	if fieldsOf(s.Validate(sc, false))["evidence.1.1"] != "" {
		t.Error("the department's scores asked for evidence")
	}
}

// A standard file is checked when it is loaded: unique codes, points, thresholds within them.
func TestParseStandard(t *testing.T) {
	if DefaultStandard.Verified || !strings.Contains(DefaultStandard.Source, "25/2021/QĐ-TTg") {
		t.Errorf("the shipped standard claims to be verified, or lacks its source: %+v", DefaultStandard)
	}
	for _, bad := range []string{
		`{"version": "x", "min_total": 5, "criteria": []}`,
		`{"version": "x", "min_total": 50, "criteria": [{"code": "1", "name": "A", "indicators": [{"code": "1.1", "name": "a", "max": 10}]}]}`,
		`{"version": "x", "min_total": 5, "criteria": [{"code": "1", "name": "A", "indicators": [{"code": "1.1", "name": "a", "max": 10}, {"code": "1.1", "name": "b", "max": 10}]}]}`,
		`{"version": "x", "min_total": 5, "min_criterion_share": 2, "criteria": [{"code": "1", "name": "A", "indicators": [{"code": "1.1", "name": "a", "max": 10}]}]}`,
		`{"version": "", "min_total": 5, "criteria": [{"code": "1", "name": "A", "indicators": [{"code": "1.1", "name": "a", "max": 10}]}]}`,
	} {
		if _, err := ParseStandard([]byte(bad)); err == nil {
			t.Errorf("accepted: %s", bad)
		}
	}
}
