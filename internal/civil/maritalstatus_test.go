package civil

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

// Decree 123/2015 art. 23: six months from the issue; Civil Code 2015 art. 148.3: a period in
// months ends on the matching day, or the month's last day where there is none.
func TestValidUntil(t *testing.T) {
	for _, tt := range []struct{ issued, want string }{
		{"2026-03-10", "2026-09-10"},
		{"2026-08-31", "2027-02-28"},
		{"2027-08-31", "2028-02-29"}, // a leap year
		{"2026-12-31", "2027-06-30"},
	} {
		issued, _ := ParseDate(tt.issued)
		if got := ValidUntil(issued).Format(DateFormat); got != tt.want {
			t.Errorf("issued %s: valid until %s, want %s", tt.issued, got, tt.want)
		}
	}
}

func TestStatusOf(t *testing.T) {
	an := Party{FullName: "Nguyễn Văn An", DateOfBirth: "1990-01-01", PersonalID: "051090001234"}
	binh := Party{FullName: "Trần Thị Bình", DateOfBirth: "1992-02-02"}
	chi := Party{FullName: "Lê Thị Chi", DateOfBirth: "1993-03-03"}
	tests := []struct {
		name   string
		unions []Union
		status string
		spouse string
	}{
		{"no marriage in the register", nil, NeverMarried, ""},
		{"married", []Union{{Husband: an, Wife: binh}}, Married, "Trần Thị Bình"},
		// Law on Marriage and Family 2014 art. 57.1: ended the day the divorce took effect.
		{"divorced", []Union{{Husband: an, Wife: binh, EndedOn: "2025-05-05", DivorcedOn: "2025-05-05"}}, DivorcedNow, ""},
		// Art. 65: ended by the spouse's death.
		{"widowed", []Union{{Husband: an, Wife: binh, EndedOn: "2025-05-05"}}, Widowed, ""},
		{"divorced, then married again", []Union{{Husband: an, Wife: binh, EndedOn: "2020-01-01", DivorcedOn: "2020-01-01"}, {Husband: an, Wife: chi}}, Married, "Lê Thị Chi"},
		{"widowed after a divorce: the latest end says", []Union{{Husband: an, Wife: binh, EndedOn: "2020-01-01", DivorcedOn: "2020-01-01"}, {Husband: an, Wife: chi, EndedOn: "2024-04-04"}}, Widowed, ""},
		{"a divorce taking effect after the day asked", []Union{{Husband: an, Wife: binh, EndedOn: "2026-04-01", DivorcedOn: "2026-04-01"}}, Married, "Trần Thị Bình"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, spouse, _ := StatusOf(an, tt.unions, "2026-03-10")
			if status != tt.status || spouse != tt.spouse {
				t.Errorf("StatusOf = %s %q, want %s %q", status, spouse, tt.status, tt.spouse)
			}
		})
	}
}

// Circular 04/2020/TT-BTP art. 12.3: a certificate for marrying names the intended spouse.
func TestMaritalStatusValidate(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	s := &MaritalStatus{Person: Spouse{FullName: "Nguyễn Văn An", DateOfBirth: "1990-01-01"}, Purpose: "Kết hôn"}
	e, _ := fault.As(s.Validate("2026-03-10", today))
	if e == nil || e.Fields["intended_spouse"] != "civil.intended_spouse_required" {
		t.Fatalf("for marrying without an intended spouse: %v", e)
	}
	s.IntendedSpouse = &Spouse{FullName: "Trần Thị Bình", DateOfBirth: "1992-02-02"}
	if err := s.Validate("2026-03-10", today); err != nil {
		t.Fatalf("for marrying: %v", err)
	}
	other := &MaritalStatus{Person: Spouse{FullName: "Nguyễn Văn An", DateOfBirth: "1990-01-01"}, Purpose: "Bổ sung hồ sơ vay vốn"}
	if err := other.Validate("2026-03-10", today); err != nil {
		t.Fatalf("for another purpose: %v", err)
	}
}

// Periods of months and years end on the same day of the last month, or its last day when it
// has none (Civil Code 2015 art. 148).
func TestAddMonths(t *testing.T) {
	for _, tt := range []struct {
		from   string
		months int
		want   string
	}{{"2020-08-31", 6, "2021-02-28"}, {"2020-02-29", 12, "2021-02-28"}, {"2020-02-29", 48, "2024-02-29"}, {"2021-01-31", 1, "2021-02-28"},
		{"2021-03-10", 24, "2023-03-10"}, {"2019-12-31", 2, "2020-02-29"}} {
		if got := AddMonths(mustDay(tt.from), tt.months).Format("2006-01-02"); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.months, got, tt.want)
		}
	}
}

func mustDay(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}
