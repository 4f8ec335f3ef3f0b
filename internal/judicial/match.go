package judicial

import (
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/vntext"
)

// PersonRules score a person the database holds against one a judgment or a request names,
// with the civil-status register's folding and rules (civil.Score): the same personal ID
// settles it; otherwise the given name must match, and the day of birth, the family name, the
// place of birth and the sex add to it. A score is shown to the officer, who decides.
var PersonRules = civil.RuleSet{Require: []string{"name"}, Rules: []civil.Rule{
	{Reason: "dup.same_personal_id", Group: "pid", Points: 100, Match: func(a, b civil.Facts, _ civil.Params) bool {
		return a.PersonalID != "" && a.PersonalID == b.PersonalID
	}},
	{Reason: "dup.same_name", Group: "name", Points: 35, Match: func(a, b civil.Facts, _ civil.Params) bool { return a.Given != "" && a.Given == b.Given }},
	{Reason: "dup.similar_name", Group: "name", Points: 25, Match: func(a, b civil.Facts, p civil.Params) bool {
		return a.Given != "" && b.Given != "" && vntext.Within(a.Given, b.Given, p.MaxNameDistance)
	}},
	{Reason: "dup.same_family", Group: "family", Points: 10, Match: func(a, b civil.Facts, _ civil.Params) bool { return a.Family != "" && a.Family == b.Family }},
	{Reason: "dup.same_dob", Group: "dob", Points: 30, Match: func(a, b civil.Facts, _ civil.Params) bool { return !a.DOB.IsZero() && a.DOB.Equal(b.DOB) }},
	{Reason: "dup.near_dob", Group: "dob", Points: 10, Match: func(a, b civil.Facts, p civil.Params) bool {
		return !a.DOB.IsZero() && !b.DOB.IsZero() && absDays(a.DOB.Sub(b.DOB)) <= p.DOBWindowDays
	}},
	{Reason: "judicial.same_place", Group: "place", Points: 15, Match: func(a, b civil.Facts, _ civil.Params) bool { return a.Link != "" && a.Link == b.Link }},
	{Reason: "dup.other_sex", Group: "sex", Points: -30, Match: func(a, b civil.Facts, _ civil.Params) bool {
		return a.Sex != "" && b.Sex != "" && a.Sex != b.Sex
	}},
}}

func absDays(d time.Duration) int {
	if d < 0 {
		d = -d
	}
	return int(d.Hours() / 24)
}

// facts are a person as PersonRules compare them (the place of birth, folded, in Link).
func facts(p Person) civil.Facts {
	n := vntext.Split(p.FullName)
	given := n.Given
	if n.Middle != "" {
		given = n.Middle + " " + n.Given
	}
	dob, _ := civil.ParseDate(p.DateOfBirth)
	return civil.Facts{Family: vntext.Fold(n.Family), Given: vntext.Fold(given), DOB: dob, Sex: p.Sex, PersonalID: p.PersonalID,
		Link: vntext.Fold(p.PlaceOfBirth)}
}

// Candidate is a person of the database who may be the one named, with the score and reasons.
type Candidate struct {
	Person  Person   `json:"person"`
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// candidateThreshold is the least score shown: the same name with a day of birth within days,
// or a similar name born the same day; a name alone, shared by hundreds, is not enough.
const candidateThreshold = 50

// rank scores the persons against p and keeps those worth showing, best first.
func rank(p Person, persons []Person) []Candidate {
	f := facts(p)
	var out []Candidate
	for _, q := range persons {
		score, reasons := civil.Score(PersonRules, f, facts(q), civil.DefaultParams)
		if score >= candidateThreshold {
			out = append(out, Candidate{Person: q, Score: score, Reasons: reasons})
		}
	}
	for i := 1; i < len(out); i++ { // few candidates: insertion sort, stable
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
