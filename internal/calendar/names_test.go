package calendar

import "testing"

// Every holiday DefaultSchedule names has an English name (Labour Code 2019 art. 112), the days
// off in lieu included; a name typed by an administrator stays as typed.
func TestEnglishNames(t *testing.T) {
	for year := 2024; year <= 2035; year++ {
		for _, d := range DefaultSchedule(year).Days {
			if en := EnglishName(d.Name); en == d.Name {
				t.Errorf("%d: %q has no English name", year, d.Name)
			}
		}
	}
	for vi, en := range map[string]string{
		"Tết Nguyên đán (mùng 3)":   "Lunar New Year (day 3)",
		"Nghỉ bù Quốc khánh":        "Day off in lieu of National Day",
		"Nghỉ bù Tết Dương lịch":    "Day off in lieu of New Year's Day",
		"Nghỉ bù theo Thông báo 12": "Nghỉ bù theo Thông báo 12",
		"Ngày nghỉ theo quyết định": "Ngày nghỉ theo quyết định",
	} {
		if got := EnglishName(vi); got != en {
			t.Errorf("EnglishName(%q) = %q, want %q", vi, got, en)
		}
	}
}
