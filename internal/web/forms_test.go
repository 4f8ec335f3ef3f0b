package web

import "testing"

// Dates are typed day first, as Vietnamese write them; ISO passes; what is no date is kept as
// typed for validation to report.
func TestISODate(t *testing.T) {
	for in, want := range map[string]string{
		"01/02/2026":  "2026-02-01",
		"1/2/2026":    "2026-02-01",
		"1.2.2026":    "2026-02-01",
		" 31-12-2025": "2025-12-31",
		"2026-02-01":  "2026-02-01",
		"31/02/2026":  "31/02/2026", // no such day
		"02/31/2026":  "02/31/2026", // month first: no 31st month
		"1985":        "1985",       // a parent's year alone
		"":            "",
	} {
		if got := isoDate(in); got != want {
			t.Errorf("isoDate(%q) = %q, want %q", in, got, want)
		}
	}
}
