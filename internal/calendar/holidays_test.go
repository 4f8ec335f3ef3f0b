package calendar

import (
	"testing"
	"time"
)

// Labour Code 2019 art. 112 with art. 111.3 (compensation for a holiday on a weekend).
func TestDefaultSchedule2026(t *testing.T) {
	s := DefaultSchedule(2026)
	got := map[string]bool{}
	for _, d := range s.Days {
		got[d.DateString()] = true
	}
	for _, want := range []string{
		"2026-01-01",                                                         // Thursday
		"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", // 30 Tết to mùng 4
		"2026-04-26", "2026-04-27", // Hùng Kings' day is Sunday 26 April → Monday 27 off
		"2026-04-30", "2026-05-01", // Thursday, Friday
		"2026-09-02", "2026-09-01", // Wednesday, with Tuesday 1st
	} {
		if !got[want] {
			t.Errorf("2026 default lacks %s", want)
		}
	}
	if len(s.Days) != 12 {
		t.Errorf("2026 default has %d days: %v", len(s.Days), s.Days)
	}
}

func TestWorkingDays(t *testing.T) {
	c := New([]Schedule{{Year: 2025, Official: true, Days: []Day{
		// The 2025 Tết schedule: 25 Jan – 2 Feb off, Monday 27 Jan swapped with Saturday 8 Feb.
		{Date: day("2025-01-27"), Kind: Holiday}, {Date: day("2025-01-28"), Kind: Holiday}, {Date: day("2025-01-29"), Kind: Holiday},
		{Date: day("2025-01-30"), Kind: Holiday}, {Date: day("2025-01-31"), Kind: Holiday}, {Date: day("2025-02-08"), Kind: Workday},
	}}})
	tests := []struct {
		day  string
		want bool
	}{
		{"2025-01-24", true}, {"2025-01-27", false}, {"2025-01-31", false}, {"2025-02-03", true},
		{"2025-02-08", true}, // a Saturday worked
		{"2025-02-09", false},
		{"2025-04-30", true}, // 2025 has an official schedule without 30 April in this test: it overrides the default
		{"2026-04-30", false}, {"2026-05-02", false}, {"2026-05-04", true},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(day(tt.day)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDue(t *testing.T) {
	// An official schedule replaces the default for its year, so it lists every day off.
	c := New([]Schedule{{Year: 2027, Official: true, Days: []Day{
		{Date: day("2027-01-01"), Kind: Holiday}, {Date: day("2027-02-05"), Kind: Holiday}, {Date: day("2027-02-08"), Kind: Holiday}, {Date: day("2027-02-09"), Kind: Holiday},
		{Date: day("2027-02-10"), Kind: Holiday}, {Date: day("2027-02-11"), Kind: Holiday}, {Date: day("2027-02-12"), Kind: Holiday},
		{Date: day("2027-02-20"), Kind: Workday}, // a swapped Saturday
	}}})
	same := Timing{SameDay: true}
	three := Timing{WorkingDays: 3}
	ten := Timing{WorkingDays: 10}
	thirty := Timing{Days: 30} // Law on Adoption 2010: days, not working days
	tests := []struct {
		name     string
		received string
		t        Timing
		want     string
	}{
		{"same day before 15:00", "2026-03-10 14:59", same, "2026-03-10 17:00"},
		{"same day at 15:00 goes to the next day", "2026-03-10 15:00", same, "2026-03-11 17:00"},
		{"same day on Friday evening goes to Monday", "2026-03-13 16:00", same, "2026-03-16 17:00"},
		{"same day received on Saturday (online)", "2026-03-14 09:00", same, "2026-03-16 17:00"},
		{"3 days over a weekend", "2026-03-12 09:00", three, "2026-03-17 17:00"},
		{"3 days over Tết 2026 (16–20 Feb)", "2026-02-13 10:00", three, "2026-02-25 17:00"},
		{"3 days over 30/4–1/5 2026", "2026-04-29 10:00", three, "2026-05-06 17:00"},
		{"3 days over 2/9 2026 (1–2 Sep)", "2026-08-31 10:00", three, "2026-09-07 17:00"},
		{"3 days over the year end", "2026-12-30 10:00", three, "2027-01-05 17:00"},
		{"10 days across Tết 2027 with a swapped Saturday", "2027-02-03 09:00", ten, "2027-02-24 17:00"},
		{"received on a holiday", "2026-05-01 09:00", three, "2026-05-06 17:00"},
		{"UTC input is read in Vietnam's time", "2026-03-10 14:30", same, "2026-03-10 17:00"},
		{"30 days, weekends counted", "2026-03-02 09:00", thirty, "2026-04-01 17:00"},
		{"30 days ending on a Sunday end on Monday (Civil Code art. 148.5)", "2026-03-06 09:00", thirty, "2026-04-06 17:00"},
		{"30 days ending in the 30/4–1/5 holidays", "2026-03-31 16:30", thirty, "2026-05-04 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Due(at(tt.received), tt.t)
			if w := at(tt.want); !got.Equal(w) {
				t.Fatalf("Due(%s) = %s, want %s", tt.received, got.Format("2006-01-02 15:04"), tt.want)
			}
		})
	}
	// The same instant given in UTC: 07:59 UTC is 14:59 in Vietnam.
	if got := c.Due(time.Date(2026, 3, 10, 7, 59, 0, 0, time.UTC), same); !got.Equal(at("2026-03-10 17:00")) {
		t.Fatalf("UTC input: %s", got)
	}
	if got := c.Due(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), same); !got.Equal(at("2026-03-11 17:00")) {
		t.Fatalf("UTC input after cutoff: %s", got)
	}
}

func TestExtendAndResume(t *testing.T) {
	c := New(nil)
	due := at("2026-03-13 17:00") // Friday
	if got := c.Extend(due, 3); !got.Equal(at("2026-03-18 17:00")) {
		t.Errorf("Extend = %s", got)
	}
	// Paused on Wednesday with 2 working days left (Thu, Fri); back the next Tuesday → Thursday.
	if got := c.Resume(due, at("2026-03-11 10:00"), at("2026-03-17 09:00"), Timing{WorkingDays: 3}); !got.Equal(at("2026-03-19 17:00")) {
		t.Errorf("Resume = %s", got)
	}
	// Paused on the due day itself: due the day it comes back, if before 15:00.
	if got := c.Resume(due, at("2026-03-13 10:00"), at("2026-03-20 09:00"), Timing{WorkingDays: 3}); !got.Equal(at("2026-03-20 17:00")) {
		t.Errorf("Resume on due day = %s", got)
	}
	// 30 calendar days (Law on Adoption 2010): received 2 March, due 1 April; paused on 11 March
	// with 21 days left, back on 20 March: due 10 April, a Friday.
	thirty := Timing{Days: 30}
	if got := c.Resume(at("2026-04-01 17:00"), at("2026-03-11 10:00"), at("2026-03-20 09:00"), thirty); !got.Equal(at("2026-04-10 17:00")) {
		t.Errorf("Resume of calendar days = %s", got)
	}
	// Back on 26 March, the 21 days end on Thursday 16 April.
	if got := c.Resume(at("2026-04-01 17:00"), at("2026-03-11 10:00"), at("2026-03-26 09:00"), thirty); !got.Equal(at("2026-04-16 17:00")) {
		t.Errorf("Resume of calendar days = %s", got)
	}
	// Back on 28 March, they would end on Saturday 18 April: Monday 20 April.
	if got := c.Resume(at("2026-04-01 17:00"), at("2026-03-11 10:00"), at("2026-03-28 09:00"), thirty); !got.Equal(at("2026-04-20 17:00")) {
		t.Errorf("Resume of calendar days ending on a Saturday = %s", got)
	}
}

// An urgent request of a prosecuting body for a judicial-record certificate is due 24 hours
// after receipt, nights and days off included (Law on Judicial Records 2009 art. 48.2); a
// pause gives back the hours that were left.
func TestDueInHours(t *testing.T) {
	c := New(nil)
	urgent := Timing{Hours: 24}
	if got := c.Due(at("2026-03-13 16:30"), urgent); !got.Equal(at("2026-03-14 16:30")) { // Friday to Saturday
		t.Errorf("Due = %s", got)
	}
	if got := c.Resume(at("2026-03-14 16:30"), at("2026-03-14 06:30"), at("2026-03-16 08:00"), urgent); !got.Equal(at("2026-03-16 18:00")) {
		t.Errorf("Resume = %s", got)
	}
}
