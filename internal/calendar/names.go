package calendar

import (
	"fmt"
	"strings"
)

// englishNames are the holidays' names as DefaultSchedule writes them, in English.
var englishNames = map[string]string{
	"Tết Dương lịch":                         "New Year's Day",
	"Tết Nguyên đán (ngày cuối năm âm lịch)": "Lunar New Year (the last day of the lunar year)",
	"Giỗ Tổ Hùng Vương (10/3 âm lịch)":       "Hùng Kings' Commemoration (10th day of the 3rd lunar month)",
	"Ngày Chiến thắng":                       "Reunification Day",
	"Ngày Quốc tế Lao động":                  "International Labour Day",
	"Quốc khánh":                             "National Day",
	"Quốc khánh (ngày liền kề)":              "National Day (the adjacent day)",
}

// EnglishName names a holiday of DefaultSchedule in English. A name an administrator typed
// into an official schedule is returned as typed: there is no translation of it.
func EnglishName(name string) string {
	if en, ok := englishNames[name]; ok {
		return en
	}
	var day int
	if _, err := fmt.Sscanf(name, "Tết Nguyên đán (mùng %d)", &day); err == nil {
		return fmt.Sprintf("Lunar New Year (day %d)", day)
	}
	if rest, ok := strings.CutPrefix(name, "Nghỉ bù "); ok {
		if en := EnglishName(rest); en != rest {
			return "Day off in lieu of " + en
		}
	}
	return name
}
