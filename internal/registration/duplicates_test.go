package registration

import (
	"context"
	"strings"
	"testing"

	"tuphap/internal/civil"
	"tuphap/internal/store/storetest"
)

// On SQLite the first step of a birth's duplicate check reads the parents' indexes only: the
// child's name is in them, so no entry is read until its name leaves a duplicate possible.
func TestChildrenOfParentsReadsIndexesOnly(t *testing.T) {
	s := NewRecords(storetest.SQLite(t))
	q, args := s.parentsSQL(civil.Facts{Mother: "tran thi lan", Father: "nguyen van hung"}, "2026-01-29", "2026-02-04")
	plan, err := s.st.QueryPlan(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"USING COVERING INDEX records_mother", "USING COVERING INDEX records_father"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
}

// The same-name step reads the name list's index alone, which carries what the rules look at.
func TestSameNameBirthsReadIndexOnly(t *testing.T) {
	s := NewRecords(storetest.SQLite(t))
	plan, err := s.st.QueryPlan(context.Background(), sameNameBirths, "nguyen thi dao", "2026-01-29", "2026-02-04")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING COVERING INDEX records_name_list") {
		t.Errorf("plan:\n%s", plan)
	}
}
