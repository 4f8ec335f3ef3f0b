package calendar

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Tết as Vietnam celebrated it, and where China (UTC+8) differs.
func TestTet(t *testing.T) {
	tests := []struct {
		year          int
		vietnam, utc8 string
	}{
		{2024, "2024-02-10", "2024-02-10"},
		{2025, "2025-01-29", "2025-01-29"},
		{2026, "2026-02-17", "2026-02-17"},
		{2027, "2027-02-06", "2027-02-06"},
		{2030, "2030-02-02", "2030-02-03"},
		{1985, "1985-01-21", "1985-02-20"},
		{2007, "2007-02-17", "2007-02-18"},
	}
	for _, tt := range tests {
		if got := Tet(tt.year).Format("2006-01-02"); got != tt.vietnam {
			t.Errorf("Tết %d in Vietnam = %s, want %s", tt.year, got, tt.vietnam)
		}
		cn, _ := FromLunar(Lunar{Day: 1, Month: 1, Year: tt.year}, 8)
		if got := cn.Format("2006-01-02"); got != tt.utc8 {
			t.Errorf("Tết %d at UTC+8 = %s, want %s", tt.year, got, tt.utc8)
		}
	}
}

func TestToLunar(t *testing.T) {
	tests := []struct {
		solar string
		want  Lunar
	}{
		{"2026-02-17", Lunar{1, 1, 2026, false}},
		{"2026-02-16", Lunar{29, 12, 2025, false}}, // the last day of Ất Tỵ
		{"2025-04-07", Lunar{10, 3, 2025, false}},  // Hùng Kings' day 2025
		{"2025-06-25", Lunar{1, 6, 2025, false}},
		{"2025-07-25", Lunar{1, 6, 2025, true}}, // 2025 has a leap sixth month
		{"2025-08-23", Lunar{1, 7, 2025, false}},
		{"2025-09-06", Lunar{15, 7, 2025, false}}, // Vu Lan
		{"2023-03-22", Lunar{1, 2, 2023, true}},   // 2023: leap second month
		{"2020-05-23", Lunar{1, 4, 2020, true}},   // 2020: leap fourth month
		{"2024-12-31", Lunar{1, 12, 2024, false}},
	}
	for _, tt := range tests {
		if got := ToLunar(day(tt.solar), VietnamOffset); got != tt.want {
			t.Errorf("ToLunar(%s) = %v, want %v", tt.solar, got, tt.want)
		}
	}
}

// Every day from 1900 to 2100 converts to lunar and back to itself.
func TestRoundTrip(t *testing.T) {
	for d := day("1900-02-01"); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		l := ToLunar(d, VietnamOffset)
		back, ok := FromLunar(l, VietnamOffset)
		if !ok || !back.Equal(d) {
			t.Fatalf("%s → %v → %s (%v)", d.Format("2006-01-02"), l, back.Format("2006-01-02"), ok)
		}
		if l.Day < 1 || l.Day > 30 || l.Month < 1 || l.Month > 12 {
			t.Fatalf("%s → impossible %v", d.Format("2006-01-02"), l)
		}
	}
}

func TestFromLunarRejectsFalseLeap(t *testing.T) {
	if _, ok := FromLunar(Lunar{Day: 1, Month: 5, Year: 2025, Leap: true}, VietnamOffset); ok {
		t.Fatal("2025 has no leap fifth month")
	}
	if _, ok := FromLunar(Lunar{Day: 1, Month: 6, Year: 2025, Leap: true}, VietnamOffset); !ok {
		t.Fatal("2025 has a leap sixth month")
	}
	if _, ok := FromLunar(Lunar{Day: 1, Month: 6, Year: 2026, Leap: true}, VietnamOffset); ok {
		t.Fatal("2026 has no leap month")
	}
}
