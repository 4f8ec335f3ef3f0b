package civil

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func TestValidateMarriage(t *testing.T) {
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	m := func(hBorn, wBorn string) *Marriage {
		return &Marriage{Husband: Spouse{FullName: "Nguyễn Văn An", DateOfBirth: hBorn}, Wife: Spouse{FullName: "Trần Thị Bình", DateOfBirth: wBorn}}
	}
	tests := []struct {
		name       string
		m          *Marriage
		registered string
		bad        []string // fields expected in error
	}{
		// Law on Marriage and Family 2014 art. 8.1.a: completed 20 and 18 years.
		{"2014 law: both exactly of age", m("2000-06-01", "2002-06-01"), "2020-06-01", nil},
		{"2014 law: husband a day short of 20", m("2000-06-02", "2002-06-01"), "2020-06-01", []string{"husband.date_of_birth"}},
		{"2014 law: wife a day short of 18", m("2000-06-01", "2002-06-02"), "2020-06-01", []string{"wife.date_of_birth"}},
		// Law of 2000 art. 9.1 with Resolution 02/2000 point 1.a: entering the 20th (18th) year.
		{"2000 law: husband of 19 full years", m("1990-03-01", "1992-01-01"), "2009-03-01", nil},
		{"2000 law: husband of 18 years", m("1991-03-02", "1992-01-01"), "2009-03-01", []string{"husband.date_of_birth"}},
		{"2000 law: wife of 17 full years", m("1980-01-01", "1991-12-31"), "2009-01-01", nil},
		{"the 2014 law applies from 1 January 2015", m("1995-06-01", "1990-01-01"), "2015-01-01", []string{"husband.date_of_birth"}},
		{"names and dates missing", &Marriage{}, "2020-01-01", []string{"husband.full_name", "wife.full_name", "husband.date_of_birth", "wife.date_of_birth"}},
		{"registered in the future", m("1990-01-01", "1990-01-01"), "2027-01-01", []string{"registered_on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateMarriage(tt.m, tt.registered, today)
			e, _ := fault.As(err)
			if len(tt.bad) == 0 && err != nil {
				t.Fatalf("want valid, got %v", e.Fields)
			}
			for _, f := range tt.bad {
				if e == nil || e.Fields[f] == "" {
					t.Errorf("want a problem with %s, got %v", f, err)
				}
			}
		})
	}
}
