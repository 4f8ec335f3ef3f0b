package registration

import (
	"context"
	"strings"
	"testing"

	"tuphap/internal/civil"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// A count runs each of its parts once. PostgreSQL pulls a subquery without FROM up into each
// mention of its column: the first part ran once more for every CASE that tests it (four times
// for a name), each with a plan of its own, which EXPLAIN lists as InitPlans.
func TestCountRunsEachPartOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect() != "postgres" {
			t.Skip("SQLite never pulls up a subquery without FROM")
		}
		for _, tt := range []struct {
			q     civil.Query
			plans int // the probe and the first count, or the first count; then the three later parts
		}{
			{civil.Query{Name: "nguyen van an"}, 2 + 3},
			{civil.Query{Name: "nguyen van an", Office: "21025"}, 1 + 3},
		} {
			b := searchSQL(tt.q, true)
			lines, err := store.Collect(context.Background(), st, func(row store.Scanner) (string, error) {
				var line string
				return line, row.Scan(&line)
			}, "explain", "EXPLAIN "+b.countSQL(), b.args...)
			if err != nil {
				t.Fatal(err)
			}
			plan := strings.Join(lines, "\n")
			if n := strings.Count(plan, "InitPlan"); n != tt.plans {
				t.Errorf("%+v: %d plans, want %d:\n%s", tt.q, n, tt.plans, plan)
			}
		}
	})
}
