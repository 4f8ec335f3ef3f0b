package civil

import (
	"slices"
	"sort"
	"time"

	"tuphap/internal/vntext"
)

// Facts are what the duplicate rules compare, folded for matching.
type Facts struct {
	Kind       Kind
	Family     string // folded family name: never enough to match on its own
	Given      string // folded middle + given name ("thi dao")
	DOB        time.Time
	Sex        string
	PersonalID string
	Mother     string // folded full names of the parents
	MotherID   string
	Father     string
	Link       string // the birth record a death is linked to
}

func givenPart(n vntext.Name) string {
	if n.Middle == "" {
		return n.Given
	}
	return n.Middle + " " + n.Given
}

// FactsOfBirth extracts the facts of a birth.
func FactsOfBirth(b *Birth) Facts {
	var mother, motherID, father string
	if b.Mother != nil {
		mother, motherID = b.Mother.FullName, b.Mother.PersonalID
	}
	if b.Father != nil {
		father = b.Father.FullName
	}
	c := b.Child
	return FactsOfIndex(BirthKind, c.FullName, c.Sex, c.DateOfBirth, c.PersonalID, mother, motherID, father, "")
}

// FactsOfDeath extracts the facts of a death.
func FactsOfDeath(d *Death) Facts {
	p := d.Deceased
	return FactsOfIndex(DeathKind, p.FullName, p.Sex, p.DateOfBirth, p.PersonalID, "", "", "", d.BirthRecord)
}

// FactsOfIndex makes the facts from an entry's plain fields, or from the searchable copy a
// store keeps of them (names already folded), so that candidates can be scored without reading
// entries whole. Parents count for births only, the linked birth for deaths only.
func FactsOfIndex(kind Kind, fullName, sex, dob, personalID, mother, motherID, father, link string) Facts {
	n := vntext.Split(fullName)
	f := Facts{Kind: kind, Family: n.Family, Given: givenPart(n), Sex: sex, PersonalID: personalID}
	f.DOB, _ = ParseDate(dob)
	if kind == DeathKind {
		f.Link = link
	} else {
		f.Mother, f.MotherID, f.Father = vntext.Fold(mother), motherID, vntext.Fold(father)
	}
	return f
}

// Rule is one piece of evidence that two entries are the same. Rules of one Group do not add
// up: the strongest that matches counts (equal mother IDs and equal mother names are one fact).
type Rule struct {
	Reason string // message key shown to the officer
	Group  string
	Points int
	Match  func(a, b Facts, p Params) bool
}

// Params are the tunable numbers of the rules.
type Params struct {
	Threshold       int // a candidate scoring this much is a likely duplicate
	DOBWindowDays   int // births: dates of birth at most this far apart can be the same child
	MaxNameDistance int // edit distance still "similar" for a middle+given name
	MaxParentDist   int // edit distance still "similar" for a parent's full name
}

// DefaultParams are the values in use. They are deliberately cautious: a false alarm costs an
// officer a click, a missed duplicate costs a citizen two birth certificates.
var DefaultParams = Params{Threshold: 70, DOBWindowDays: 3, MaxNameDistance: 1, MaxParentDist: 2}

func both(a, b string) bool { return a != "" && b != "" }

func withinDays(a, b time.Time, days int) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d <= time.Duration(days)*24*time.Hour
}

// RuleSet is the rules for one kind of entry and the groups that must match for a candidate to
// count at all.
type RuleSet struct {
	Rules   []Rule
	Require []string
}

// BirthRules score a new birth against a registered one. The family name appears in no rule:
// with Nguyễn, Trần and Lê shared by half the province it says nothing. The child's name must
// match: twins share parents and birthday and differ only there.
var BirthRules = RuleSet{Require: []string{"name"}, Rules: []Rule{
	{"dup.same_personal_id", "pid", 100, func(a, b Facts, _ Params) bool {
		return both(a.PersonalID, b.PersonalID) && a.PersonalID == b.PersonalID
	}},
	{"dup.same_mother_id", "mother", 45, func(a, b Facts, _ Params) bool { return both(a.MotherID, b.MotherID) && a.MotherID == b.MotherID }},
	{"dup.same_mother", "mother", 40, func(a, b Facts, _ Params) bool { return both(a.Mother, b.Mother) && a.Mother == b.Mother }},
	{"dup.similar_mother", "mother", 30, func(a, b Facts, p Params) bool {
		return both(a.Mother, b.Mother) && vntext.Within(a.Mother, b.Mother, p.MaxParentDist)
	}},
	{"dup.same_father", "father", 20, func(a, b Facts, p Params) bool {
		return both(a.Father, b.Father) && vntext.Within(a.Father, b.Father, p.MaxParentDist)
	}},
	{"dup.same_name", "name", 35, func(a, b Facts, _ Params) bool { return both(a.Given, b.Given) && a.Given == b.Given }},
	{"dup.similar_name", "name", 25, func(a, b Facts, p Params) bool {
		return both(a.Given, b.Given) && vntext.Within(a.Given, b.Given, p.MaxNameDistance)
	}},
	{"dup.same_dob", "dob", 15, func(a, b Facts, _ Params) bool { return !a.DOB.IsZero() && a.DOB.Equal(b.DOB) }},
	{"dup.near_dob", "dob", 10, func(a, b Facts, p Params) bool { return withinDays(a.DOB, b.DOB, p.DOBWindowDays) }},
	{"dup.same_sex", "sex", 5, func(a, b Facts, _ Params) bool { return a.Sex == b.Sex }},
	{"dup.other_sex", "sex", -30, func(a, b Facts, _ Params) bool { return both(a.Sex, b.Sex) && a.Sex != b.Sex }},
}}

// DeathRules score a new death against a registered death: the same person dying twice.
var DeathRules = RuleSet{Rules: []Rule{
	{"dup.same_personal_id", "pid", 100, func(a, b Facts, _ Params) bool {
		return both(a.PersonalID, b.PersonalID) && a.PersonalID == b.PersonalID
	}},
	{"dup.same_birth_record", "link", 100, func(a, b Facts, _ Params) bool { return both(a.Link, b.Link) && a.Link == b.Link }},
	{"dup.same_name", "name", 35, func(a, b Facts, _ Params) bool { return both(a.Given, b.Given) && a.Given == b.Given }},
	{"dup.similar_name", "name", 25, func(a, b Facts, p Params) bool {
		return both(a.Given, b.Given) && vntext.Within(a.Given, b.Given, p.MaxNameDistance)
	}},
	{"dup.same_family", "family", 10, func(a, b Facts, _ Params) bool { return both(a.Family, b.Family) && a.Family == b.Family }},
	{"dup.same_dob", "dob", 30, func(a, b Facts, _ Params) bool { return !a.DOB.IsZero() && a.DOB.Equal(b.DOB) }},
	{"dup.other_sex", "sex", -30, func(a, b Facts, _ Params) bool { return both(a.Sex, b.Sex) && a.Sex != b.Sex }},
}}

// Score applies a rule set and returns the score and the reasons that counted; a candidate
// missing a required group scores 0.
func Score(set RuleSet, a, b Facts, p Params) (int, []string) {
	best := map[string]Rule{}
	for _, r := range set.Rules {
		if !r.Match(a, b, p) {
			continue
		}
		if cur, ok := best[r.Group]; !ok || r.Points > cur.Points {
			best[r.Group] = r
		}
	}
	for _, g := range set.Require {
		if best[g].Points <= 0 {
			return 0, nil
		}
	}
	total := 0
	var reasons []string
	for _, r := range set.Rules { // in table order, for a stable display
		if best[r.Group].Reason == r.Reason {
			total += r.Points
			reasons = append(reasons, r.Reason)
		}
	}
	return total, reasons
}

// Candidate is a registered entry that looks like the new one.
type Candidate struct {
	Record  Record   `json:"record"`
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// judge scores a registered entry's facts g against the new facts f; ok says it is a likely
// duplicate. For births the dates of birth must lie within the window.
func judge(f, g Facts, p Params) (score int, reasons []string, ok bool) {
	var rules RuleSet
	switch {
	case f.Kind == BirthKind && g.Kind == BirthKind:
		if !withinDays(f.DOB, g.DOB, p.DOBWindowDays) {
			return 0, nil, false
		}
		rules = BirthRules
	case f.Kind == DeathKind && g.Kind == DeathKind:
		rules = DeathRules
	default:
		return 0, nil, false
	}
	score, reasons = Score(rules, f, g, p)
	return score, reasons, score >= p.Threshold
}

// NameMayMatch reports whether a registered birth of the child named name (folded or not) can
// be a likely duplicate of the new birth f at all, whatever else they share: BirthRules require
// the name group, which looks at the given name alone. The store uses it to drop the children
// of a same-named mother or father before reading their entries.
func NameMayMatch(f Facts, name string, p Params) bool {
	if !slices.Contains(BirthRules.Require, "name") {
		return true
	}
	g := Facts{Kind: BirthKind, Given: givenPart(vntext.Split(name))}
	for _, r := range BirthRules.Rules {
		if r.Group == "name" && r.Points > 0 && r.Match(f, g, p) {
			return true
		}
	}
	return false
}

// Likely reports whether a registered entry with facts g is a likely duplicate of f: what
// FindDuplicates would keep. Stores use it to read in full only the entries that matter.
func Likely(f, g Facts, p Params) bool {
	_, _, ok := judge(f, g, p)
	return ok
}

// FindDuplicates scores the registered entries against the new facts and returns those at or
// above the threshold, best first.
func FindDuplicates(f Facts, registered []Record, p Params) []Candidate {
	var out []Candidate
	for _, r := range registered {
		e := r.Entry()
		if e == nil {
			continue
		}
		g, ok := e.Facts()
		if !ok {
			continue
		}
		if s, reasons, ok := judge(f, g, p); ok {
			out = append(out, Candidate{Record: r, Score: s, Reasons: reasons})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}
