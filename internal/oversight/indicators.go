package oversight

// Indicator is a figure the communes are coloured by on the dashboard.
type Indicator struct {
	Key string
	// Target is the share the department aims at (a rate), 0 for a count, which is coloured by
	// its place between none and the most of any commune.
	Target float64
	Value  func(Figures) float64
	// Fewer: none is good and any is bad (overdue dossiers, inspection findings).
	Fewer bool
}

// Indicators, the department's targets among them: 98% of dossiers settled on time and 95% of
// documents signed digitally (its yearly report); 80% of mediation cases settled is its own aim.
var Indicators = []Indicator{
	{Key: "on_time", Target: 0.98, Value: func(f Figures) float64 { return f.OnTimeRate }},
	{Key: "signed", Target: 0.95, Value: func(f Figures) float64 { return f.SignedRate }},
	{Key: "registrations", Value: func(f Figures) float64 { return float64(f.Registrations) }},
	{Key: "overdue", Fewer: true, Value: func(f Figures) float64 { return float64(f.Overdue) }},
	{Key: "mediation", Target: 0.8, Value: func(f Figures) float64 { return f.MediateRate }},
	{Key: "events", Value: func(f Figures) float64 { return float64(f.Events) }},
	{Key: "legal_aid", Value: func(f Figures) float64 { return float64(f.LegalAid) }},
	{Key: "findings", Fewer: true, Value: func(f Figures) float64 { return float64(f.Findings - f.Remedied) }},
}

// IndicatorByKey finds an indicator, the first when key is unknown.
func IndicatorByKey(key string) Indicator {
	for _, i := range Indicators {
		if i.Key == key {
			return i
		}
	}
	return Indicators[0]
}

// Level is how a commune's value reads: for a rate "good" at or above the target, "watch"
// within 10 points below it, "bad" further, "none" with nothing to rate; for a count its
// quarter between none and the most of any commune, "q0" (none) to "q4". Overdue dossiers and
// findings not remedied read the other way round: none is good.
func (i Indicator) Level(v, most float64) string {
	switch {
	case i.Target > 0 && v < 0:
		return "none"
	case i.Target > 0 && v >= i.Target:
		return "good"
	case i.Target > 0 && v >= i.Target-0.1:
		return "watch"
	case i.Target > 0:
		return "bad"
	case i.Fewer && v == 0:
		return "good"
	case i.Fewer:
		return "bad"
	case v <= 0 || most <= 0:
		return "q0"
	}
	return []string{"q1", "q2", "q3", "q4"}[min(3, int(4*v/most-1e-9))]
}
