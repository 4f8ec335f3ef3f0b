package civil

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/vntext"
)

// Query is what one search box asks for, taken apart: a name, a personal ID number, a date of
// birth, a register number, in any mix ("nguyen thi dao 01/02/2026").
type Query struct {
	Name       string // folded
	PersonalID string
	DOB        string // YYYY-MM-DD
	Number     int    // register number (số)
	Kind       Kind
	Office     string
	From, To   string // registration dates, inclusive
	Limit      int
	Offset     int
}

var (
	dmyRE = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	pidRE = regexp.MustCompile(`^\d{12}$`)
	numRE = regexp.MustCompile(`^\d{1,7}$`)
)

// ParseQuery reads the search box.
func ParseQuery(q string) Query {
	var out Query
	var name []string
	for _, w := range strings.Fields(q) {
		switch {
		case pidRE.MatchString(w):
			out.PersonalID = w
		case dmyRE.MatchString(w):
			m := dmyRE.FindStringSubmatch(w)
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d && int(t.Month()) == mo {
				out.DOB = t.Format(DateFormat)
			}
		case len(w) == 10 && w[4] == '-':
			if _, ok := ParseDate(w); ok {
				out.DOB = w
			}
		case numRE.MatchString(w):
			out.Number, _ = strconv.Atoi(w)
		default:
			name = append(name, w)
		}
	}
	out.Name = vntext.Fold(strings.Join(name, " "))
	return out
}

// Empty reports whether the query asks for nothing in particular (a plain listing).
func (q Query) Empty() bool {
	return q.Name == "" && q.PersonalID == "" && q.DOB == "" && q.Number == 0
}
