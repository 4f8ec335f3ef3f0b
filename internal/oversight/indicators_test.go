package oversight

import "testing"

// The colours of the dashboard's table: the department's targets (98% on time, 95% signed),
// ten points of grace before a rate is "bad", counts in quarters of the most.
func TestLevel(t *testing.T) {
	for _, c := range []struct {
		key     string
		v, most float64
		want    string
	}{
		{"on_time", 0.98, 0, "good"},
		{"on_time", 0.979, 0, "watch"},
		{"on_time", 0.88, 0, "watch"},
		{"on_time", 0.87, 0, "bad"},
		{"on_time", -1, 0, "none"}, // nothing settled
		{"signed", 0.95, 0, "good"},
		{"signed", 0.9, 0, "watch"},
		{"registrations", 0, 100, "q0"},
		{"registrations", 1, 100, "q1"},
		{"registrations", 25, 100, "q1"},
		{"registrations", 26, 100, "q2"},
		{"registrations", 100, 100, "q4"},
		{"overdue", 0, 5, "good"},
		{"overdue", 1, 5, "bad"},
		{"findings", 0, 3, "good"}, // every finding remedied
		{"findings", 1, 3, "bad"},
		{"legal_aid", 3, 3, "q4"},
	} {
		if got := IndicatorByKey(c.key).Level(c.v, c.most); got != c.want {
			t.Errorf("%s %v of %v: %s, want %s", c.key, c.v, c.most, got, c.want)
		}
	}
	if v := IndicatorByKey("findings").Value(Figures{Findings: 3, Remedied: 2}); v != 1 {
		t.Errorf("findings not remedied: %v", v)
	}
	if IndicatorByKey("nonsense").Key != "on_time" {
		t.Error("an unknown indicator is not the first")
	}
}
