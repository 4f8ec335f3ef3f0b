package civil

import (
	"regexp"
	"strconv"
	"strings"

	"tuphap/internal/vntext"
)

// Query is what one search box asks for, taken apart: a name, a personal ID number, a date of
// birth, a register number, in any mix ("nguyen thi dao 01/02/2026").
type Query struct {
	Name       string // folded
	PersonalID string
	DOB        string // YYYY-MM-DD
	Number     int    // register number (số)
	Year       int    // register year (năm of "quyển số 01/2026")
	Book       string // register book (quyển)
	Mother     string // folded prefix of the mother's name ("mẹ: trần thị lan")
	Father     string // folded prefix of the father's name ("cha: lê văn")
	Kind       Kind
	Office     string
	From, To   string // registration dates, inclusive
	// Oldest lists entries first registered first; a listing is newest first otherwise (a
	// search by name is in the name's order, by a parent's in the parent's).
	Oldest bool
	Limit  int
	Offset int
}

var (
	pidRE = regexp.MustCompile(`^\d{12}$`)
	numRE = regexp.MustCompile(`^\d{1,7}$`)
	// refRE is a register reference as officers write it: "17/2026" (number and year), or after
	// "quyển", "01/2026" (book and year; an old commune's book "21019/01/2010").
	refRE = regexp.MustCompile(`^(\d{1,7}|\d{5}/\d{1,3})/(\d{4})$`)
)

// ParseQuery reads the search box.
func ParseQuery(q string) Query {
	var out Query
	var name, mother, father []string
	into := &name // where name words go: "mẹ:" and "cha:" send the following ones to a parent
	words := strings.Fields(q)
	for i := 0; i < len(words); i++ {
		w := words[i]
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch fw := vntext.Fold(w); {
		case fw == "me:":
			into = &mother
		case fw == "cha:":
			into = &father
		case (fw == "so" || fw == "so:") && numRE.MatchString(next): // "số 17"
			out.Number, _ = strconv.Atoi(next)
			i++
		case (fw == "quyen" || fw == "quyen:") && refRE.MatchString(next): // "quyển 01/2026"
			m := refRE.FindStringSubmatch(next)
			out.Book, out.Year = m[1], atoi(m[2])
			i++
		case refRE.MatchString(w) && !strings.Contains(refRE.FindStringSubmatch(w)[1], "/"): // "17/2026"
			m := refRE.FindStringSubmatch(w)
			out.Number, out.Year = atoi(m[1]), atoi(m[2])
		case pidRE.MatchString(w):
			out.PersonalID = w
		case dayFirst.MatchString(w):
			out.DOB, _ = ParseDayFirst(w) // no such day: ignored, not a name
		case len(w) == 10 && w[4] == '-':
			if _, ok := ParseDate(w); ok {
				out.DOB = w
			}
		case numRE.MatchString(w):
			out.Number, _ = strconv.Atoi(w)
		default:
			*into = append(*into, w)
		}
	}
	out.Name = vntext.Fold(strings.Join(name, " "))
	out.Mother = vntext.Fold(strings.Join(mother, " "))
	out.Father = vntext.Fold(strings.Join(father, " "))
	return out
}

// Empty reports whether the query asks for nothing in particular (a plain listing).
func (q Query) Empty() bool {
	return q.Name == "" && q.PersonalID == "" && q.DOB == "" && q.Number == 0 && q.Year == 0 && q.Book == "" && q.Mother == "" && q.Father == ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
