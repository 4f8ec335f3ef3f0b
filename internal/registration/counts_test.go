package registration

import (
	"testing"
)

// A period is read as the days of a partial first month, the days of a partial last month and
// the whole months between; a part with nothing in it is shown "-".
func TestSpanArgs(t *testing.T) {
	for _, tc := range []struct {
		from, to         string
		head, tail, full string
	}{
		{"2026-01-01", "2026-12-31", "-", "-", "2026-01..2026-12"},                      // a whole year
		{"2026-01-01", "2026-12-01", "-", "2026-12-01..2026-12-01", "2026-01..2026-11"}, // this year so far
		{"2026-01-15", "2026-03-31", "2026-01-15..2026-01-31", "-", "2026-02..2026-03"}, // a partial first month
		{"2026-01-01", "2026-01-31", "-", "-", "2026-01..2026-01"},                      // one whole month
		{"2026-01-10", "2026-01-20", "2026-01-10..2026-01-20", "-", "-"},                // within a month
		{"2026-01-20", "2026-02-10", "2026-01-20..2026-02-10", "-", "-"},                // two partial months
		{"2025-12-15", "2026-01-31", "2025-12-15..2025-12-31", "-", "2026-01..2026-01"}, // across the new year
		{"2025-12-01", "2026-01-10", "-", "2026-01-01..2026-01-10", "2025-12..2025-12"}, // December whole, January partial
		{"2024-02-01", "2024-02-28", "2024-02-01..2024-02-28", "-", "-"},                // February of a leap year, not whole
		{"2024-02-01", "2024-02-29", "-", "-", "2024-02..2024-02"},                      // whole
		{"2026-03-10", "2026-03-01", "-", "-", "-"},                                     // backwards
		{"1/3/2026", "2026-03-31", "-", "-", "-"},                                       // not a day
	} {
		a := spanArgs(tc.from, tc.to, "21025")
		part := func(lo, hi any) string {
			if lo.(string) > hi.(string) {
				return "-"
			}
			return lo.(string) + ".." + hi.(string)
		}
		if h, tl, f := part(a[0], a[1]), part(a[2], a[3]), part(a[4], a[5]); h != tc.head || tl != tc.tail || f != tc.full || a[6] != "21025" {
			t.Errorf("%s–%s: head %s, tail %s, months %s; want %s, %s, %s", tc.from, tc.to, h, tl, f, tc.head, tc.tail, tc.full)
		}
	}
}
