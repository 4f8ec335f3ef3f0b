package oversight_test

import (
	"bytes"
	"strings"
	"testing"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/grassroots"
	"tuphap/internal/issuing"
	"tuphap/internal/oversight"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

// The computed criteria: a share against its target gives max × share ÷ target, at most max;
// nothing to rate gives the full points; each says why.
func TestComputedPoints(t *testing.T) {
	c := oversight.DefaultCriteria
	for _, tc := range []struct {
		name string
		f    oversight.Figures
		want map[string]float64
		why  string
	}{
		{"targets met", oversight.Figures{OnTime: 99, Settled: 100, OnTimeRate: 0.99, Signed: 95, Issued: 100, SignedRate: 0.95, Mediated: 9, Mediations: 10, MediateRate: 0.9},
			map[string]float64{"on_time": 30, "signed": 20, "mediation": 10}, "99/100 hồ sơ đúng hạn (99,0%), chỉ tiêu 98,0%: 30/30 điểm"},
		{"below", oversight.Figures{OnTime: 49, Settled: 100, OnTimeRate: 0.49, Signed: 0, Issued: 10, SignedRate: 0, Mediated: 2, Mediations: 5, MediateRate: 0.4},
			map[string]float64{"on_time": 15, "signed": 0, "mediation": 5}, "49/100 hồ sơ đúng hạn (49,0%), chỉ tiêu 98,0%: 15/30 điểm"},
		{"nothing to rate", oversight.Figures{OnTimeRate: -1, SignedRate: -1, MediateRate: -1},
			map[string]float64{"on_time": 30, "signed": 20, "mediation": 10, "discipline": 15}, "Không phát sinh trong năm: đủ điểm"},
		// Inspection findings: 2 points each, 3 more each while not remedied; not below 0.
		{"two findings, one remedied", oversight.Figures{OnTimeRate: -1, SignedRate: -1, MediateRate: -1, Findings: 2, Remedied: 1},
			map[string]float64{"discipline": 8}, "Không phát sinh trong năm: đủ điểm"},
		{"many findings", oversight.Figures{OnTimeRate: -1, SignedRate: -1, MediateRate: -1, Findings: 5},
			map[string]float64{"discipline": 0}, "Không phát sinh trong năm: đủ điểm"},
	} {
		got := map[string]float64{}
		var why string
		for _, p := range c.Computed(tc.f, oversight.Access{}) {
			got[p.Code] = p.Points
			if p.Code == "on_time" {
				why = p.Why
			}
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s %v, want %v", tc.name, k, got[k], v)
			}
		}
		if why != tc.why {
			t.Errorf("%s: why %q, want %q", tc.name, why, tc.why)
		}
	}
	// The access-to-law standard: all or nothing once reviewed, missing before.
	for _, tc := range []struct {
		a       oversight.Access
		points  float64
		missing bool
	}{{oversight.Access{Reviewed: true, Met: true, Total: 92}, 15, false}, {oversight.Access{Reviewed: true, Total: 60}, 0, false}, {oversight.Access{}, 0, true}} {
		seen := false
		for _, p := range c.Computed(oversight.Figures{}, tc.a) {
			if p.Code == "access" {
				seen = true
				if p.Points != tc.points || p.Missing != tc.missing || p.Why == "" {
					t.Errorf("access %+v: %+v", tc.a, p)
				}
			}
		}
		if !seen {
			t.Error("no access point")
		}
	}
	for _, tc := range []struct {
		total float64
		want  string
	}{{100, "A"}, {90, "A"}, {89.9, "B"}, {75, "B"}, {50, "C"}, {49.9, "D"}, {0, "D"}} {
		if g := c.GradeOf(tc.total); g != tc.want {
			t.Errorf("grade of %v: %s, want %s", tc.total, g, tc.want)
		}
	}
}

// Criteria as data are checked when read.
func TestParseCriteria(t *testing.T) {
	ok := `{"grades":[{"grade":"A","min":80},{"grade":"B","min":0}],"criteria":[{"code":"x","name":"X","max":10,"source":"entered"}]}`
	if _, err := oversight.ParseCriteria([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"repeated code":        `{"grades":[{"grade":"A","min":0}],"criteria":[{"code":"x","max":1,"source":"entered"},{"code":"x","max":1,"source":"entered"}]}`,
		"no points":            `{"grades":[{"grade":"A","min":0}],"criteria":[{"code":"x","max":0,"source":"entered"}]}`,
		"computed, no target":  `{"grades":[{"grade":"A","min":0}],"criteria":[{"code":"x","max":5,"source":"on_time"}]}`,
		"unknown source":       `{"grades":[{"grade":"A","min":0}],"criteria":[{"code":"x","max":5,"source":"weather","target":0.5}]}`,
		"grades not down to 0": `{"grades":[{"grade":"A","min":50}],"criteria":[]}`,
		"grades upside down":   `{"grades":[{"grade":"A","min":10},{"grade":"B","min":20},{"grade":"C","min":0}],"criteria":[]}`,
		"inspection, no cost":  `{"grades":[{"grade":"A","min":0}],"criteria":[{"code":"x","max":5,"source":"inspection"}]}`,
	} {
		if _, err := oversight.ParseCriteria([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if oversight.DefaultCriteria.Verified {
		t.Error("the sample criteria claim to be issued")
	}
	// Sets by their first year: a year is scored on the last set that starts by it, so next
	// year's criteria change no past year's score.
	sets, err := oversight.ParseCriteriaSets([]byte(`[{"from_year":2027,"version":"2027","grades":[{"grade":"A","min":0}],"criteria":[]},
		{"version":"trước","grades":[{"grade":"B","min":0}],"criteria":[]}]`))
	if err != nil {
		t.Fatal(err)
	}
	e := &oversight.Emulation{Sets: sets}
	for year, want := range map[int]string{2020: "trước", 2026: "trước", 2027: "2027", 2030: "2027"} {
		if got := e.For(year).Version; got != want {
			t.Errorf("the criteria of %d: %s, want %s", year, got, want)
		}
	}
	if one, err := oversight.ParseCriteriaSets([]byte(ok)); err != nil || len(one) != 1 {
		t.Errorf("a single set: %v %v", one, err)
	}
	if _, err := oversight.ParseCriteriaSets([]byte(`[{"from_year":2027,"grades":[{"grade":"A","min":0}]},{"from_year":2027,"grades":[{"grade":"A","min":0}]}]`)); err == nil {
		t.Error("two sets from one year accepted")
	}
}

// Entered points with their evidence, replaced by a later entry; the year's ranking with the
// entered points added; a commune sees its own score and rank among all.
func TestEmulationScores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		setup(t, st)
		dash := dashboard(t, st)
		e := &oversight.Emulation{St: st, Dashboard: dash, Sets: []oversight.Criteria{oversight.DefaultCriteria}}
		enter := func(p auth.Principal, commune, criterion string, points float64, evidence string) error {
			_, err := e.Enter(ctx, p, audit.Actor{Username: p.Username}, oversight.Entry{Commune: commune, Year: 2026, Criterion: criterion, Points: points, Evidence: evidence})
			return err
		}
		if err := enter(lead, "21025", "on_time", 5, "x"); !hasField(err, "criterion", "emulation.criterion_unknown") {
			t.Fatalf("a computed criterion entered: %v", err)
		}
		if err := enter(lead, "21025", "reporting", 11, ""); !hasField(err, "points", "emulation.points_range") || !hasField(err, "evidence", "civil.required") {
			t.Fatalf("points past the maximum, no evidence: %v", err)
		}
		if err := enter(lead, "21025", "access", 5, "x"); !hasField(err, "criterion", "emulation.criterion_unknown") {
			t.Fatalf("the access standard, computed from its review, entered: %v", err)
		}
		if err := enter(lead, "99999", "reporting", 5, "x"); !hasField(err, "commune", "emulation.commune_unknown") {
			t.Fatalf("an unknown commune: %v", err)
		}
		if err := enter(officer, "21025", "reporting", 10, "x"); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("a commune scores itself: %v", err)
		}
		for _, x := range []struct {
			commune, criterion string
			points             float64
		}{{"21025", "reporting", 4}, {"21025", "reporting", 10}, {"21028", "reporting", 5}} {
			if err := enter(lead, x.commune, x.criterion, x.points, "Biên bản kiểm tra ngày 10/11/2026"); err != nil {
				t.Fatal(err)
			}
		}
		scores, err := e.Scores(ctx, leader, 2026)
		if err != nil {
			t.Fatal(err)
		}
		// Nothing happened in either: the computed shares give their full points (60) and so
		// does the discipline without findings (15); the access standard is not reviewed yet.
		if len(scores) < 90 || scores[0].Code != "21025" || scores[0].Total != 85 || scores[0].Grade != "B" || scores[0].Complete || scores[0].Rank != 1 {
			t.Fatalf("the first: %+v", scores[0])
		}
		var second oversight.Score
		for _, s := range scores {
			if s.Code == "21028" {
				second = s
			}
		}
		if second.Total != 80 || second.Grade != "B" || second.Complete || second.Rank != 2 {
			t.Fatalf("21028: %+v", second)
		}
		if !strings.Contains(scores[0].Points[4].Why, "Sở chấm 10/10 điểm: Biên bản kiểm tra") || !scores[0].Points[3].Missing {
			t.Fatalf("the reasons: %+v", scores[0].Points)
		}
		mine, err := e.Scores(ctx, auth.Principal{Username: "canbo2", Role: auth.Officer, Office: "21028"}, 2026)
		if err != nil || len(mine) != 1 || mine[0].Code != "21028" || mine[0].Rank != 2 {
			t.Fatalf("a commune's own score: %v %+v", err, mine)
		}
	})
}

// dashboard is the dashboard's service over the store, its domains' services real.
func dashboard(t *testing.T, st *store.Store) *oversight.Service {
	t.Helper()
	reg := units.MustLoad()
	rs := registration.New(st)
	desk, err := reception.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return &oversight.Service{Registration: rs, Reception: desk, Issuing: issuing.New(st, rs, reg, bytes.Repeat([]byte{1}, 32), "https://tuphap.example"),
		Grassroots: grassroots.New(st, reg), Units: reg, Now: st.Now}
}
