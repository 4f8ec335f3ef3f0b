package civil

import (
	"fmt"
	"strconv"
	"time"
)

// Province codes in personal identification numbers (Decree 137/2015/NĐ-CP art. 7, Circular
// 07/2016/TT-BCA annex): the 63 provinces before the 2025 reform. Numbers already issued keep
// their code, so the old list stays valid.
var provinceCodes = map[string]bool{}

func init() {
	for _, c := range []int{1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
		38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83,
		84, 86, 87, 89, 91, 92, 93, 94, 95, 96} {
		provinceCodes[fmt.Sprintf("%03d", c)] = true
	}
}

// CenturySexDigit is digit 4 of a personal ID (Law on Identity 2023 art. 12; Decree 137/2015
// art. 7): 0/1 for men/women born in the 1900s, 2/3 in the 2000s, 4/5 in the 2100s, and so on.
func CenturySexDigit(year int, sex string) int {
	d := (year/100 - 19) * 2
	if sex == Female {
		d++
	}
	return d
}

// PersonalIDProblem returns "" when id is a well-formed personal identification number that
// agrees with the date of birth and sex (either may be unknown: zero time, ""), or else the
// message key of the first problem.
func PersonalIDProblem(id string, born time.Time, sex string) string {
	if len(id) != 12 {
		return "pid.length"
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "pid.digits"
	}
	if !provinceCodes[id[:3]] {
		return "pid.province"
	}
	digit := int(id[3] - '0')
	if !born.IsZero() {
		if digit/2 != (born.Year()/100-19) || id[4:6] != fmt.Sprintf("%02d", born.Year()%100) {
			return "pid.birth_year"
		}
	}
	if sex != "" && digit%2 != CenturySexDigit(2000, sex)%2 {
		return "pid.sex"
	}
	return ""
}
