// Package judicial keeps the judicial-record database (lý lịch tư pháp): persons, the
// judgments courts send, what prisons, courts and enforcement agencies report of them, and
// whether a conviction is expunged on a given day. This file holds the types and the rules of
// the Penal Code 2015 (amended 2017) as pure functions: no SQL, no HTTP.
package judicial

import (
	"strconv"
	"strings"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
)

// Category is a crime's class by its danger (Penal Code 2015 art. 9).
type Category string

const (
	LessSerious       Category = "less_serious"       // ít nghiêm trọng
	Serious           Category = "serious"            // nghiêm trọng
	VerySerious       Category = "very_serious"       // rất nghiêm trọng
	EspeciallySerious Category = "especially_serious" // đặc biệt nghiêm trọng
)

// Crime is one crime a judgment convicts of: the article and clause of the Penal Code 2015, its
// class, and whether intentional (art. 10–11).
type Crime struct {
	Article     int      `json:"article"`
	Clause      string   `json:"clause,omitempty"`
	Category    Category `json:"category"`
	Intentional bool     `json:"intentional"`
	Chapter     string   `json:"chapter,omitempty"` // set from the article (Chapter)
}

// chapters are the chapters of the Penal Code 2015's special part, by their first article: a
// crime's chapter follows from its article. Articles before 108 are the general part.
var chapters = []struct {
	From int
	Name string
}{{108, "XIII"}, {123, "XIV"}, {157, "XV"}, {168, "XVI"}, {181, "XVII"}, {188, "XVIII"}, {235, "XIX"}, {247, "XX"},
	{260, "XXI"}, {330, "XXII"}, {352, "XXIII"}, {367, "XXIV"}, {392, "XXV"}, {421, "XXVI"}}

// lastArticle is the Penal Code 2015's last article of crimes (art. 425, chapter XXVI).
const lastArticle = 425

// Chapter is the chapter of the special part an article is in; false for an article that
// defines no crime (the general part, or past the last article).
func Chapter(article int) (string, bool) {
	if article < chapters[0].From || article > lastArticle {
		return "", false
	}
	name := ""
	for _, c := range chapters {
		if article >= c.From {
			name = c.Name
		}
	}
	return name, true
}

// PenaltyType is a main penalty (Penal Code 2015 art. 32.1), a suspended prison sentence (án
// treo, art. 65) counted as its own kind since its expungement runs from the probation's end.
type PenaltyType string

const (
	Warning      PenaltyType = "warning"              // cảnh cáo, art. 34
	Fine         PenaltyType = "fine"                 // phạt tiền, art. 35
	NonCustodial PenaltyType = "non_custodial_reform" // cải tạo không giam giữ, art. 36
	Suspended    PenaltyType = "suspended"            // tù cho hưởng án treo, art. 65
	Prison       PenaltyType = "prison"               // tù có thời hạn, art. 38
	Life         PenaltyType = "life"                 // tù chung thân, art. 39
	Death        PenaltyType = "death"                // tử hình, art. 40
)

// MainPenalty is the judgment's main penalty: months of prison (also the suspended term),
// months of non-custodial reform, probation months of a suspended sentence, a fine in đồng.
type MainPenalty struct {
	Type            PenaltyType `json:"type"`
	Months          int         `json:"months,omitempty"`
	ProbationMonths int         `json:"probation_months,omitempty"`
	Amount          int64       `json:"amount,omitempty"`
}

// AdditionalType is an additional penalty (Penal Code 2015 art. 32.3).
type AdditionalType string

const (
	BanOffice     AdditionalType = "ban_office"     // cấm đảm nhiệm chức vụ, art. 41
	BanProfession AdditionalType = "ban_profession" // cấm hành nghề hoặc làm công việc nhất định, art. 41
	BanEnterprise AdditionalType = "ban_enterprise" // cấm thành lập, quản lý doanh nghiệp (art. 41; shown on request, Law on Judicial Records 2009 art. 41–42)
	ResidenceBan  AdditionalType = "residence_ban"  // cấm cư trú, art. 42
	Supervision   AdditionalType = "probation"      // quản chế, art. 43
	RightsDenied  AdditionalType = "rights_denied"  // tước một số quyền công dân, art. 44
	Confiscation  AdditionalType = "confiscation"   // tịch thu tài sản, art. 45
	AdditionalFee AdditionalType = "fine"           // phạt tiền as an additional penalty, art. 35
	Expulsion     AdditionalType = "expulsion"      // trục xuất, art. 37
)

// additionalMonths are the durations the Code allows the additional penalties that last, in
// months: 1 to 5 years (art. 41.1, 42, 43, 44.2).
var additionalMonths = map[AdditionalType][2]int{BanOffice: {12, 60}, BanProfession: {12, 60}, BanEnterprise: {12, 60},
	ResidenceBan: {12, 60}, Supervision: {12, 60}, RightsDenied: {12, 60}}

// Additional is an additional penalty: months for those that last, an amount for a fine.
type Additional struct {
	Type   AdditionalType `json:"type"`
	Months int            `json:"months,omitempty"`
	Amount int64          `json:"amount,omitempty"`
}

// Judgment is a court's judgment as the judicial-record office receives it (Law on Judicial
// Records 2009): the court, its number and dates, the crimes, the penalties, and whether
// the person was under 18 when they offended.
type Judgment struct {
	Court         string       `json:"court"`
	Number        string       `json:"number"`
	Date          string       `json:"date"`           // pronounced
	EffectiveDate string       `json:"effective_date"` // took legal effect
	OffenseDate   string       `json:"offense_date"`
	Crimes        []Crime      `json:"crimes"`
	Main          MainPenalty  `json:"main_penalty"`
	Additional    []Additional `json:"additional_penalties,omitempty"`
	// AgeAtOffense is the person's age in completed years when they offended, from their
	// date of birth (-1 when unknown): under 18, art. 107 applies.
	AgeAtOffense int `json:"age_at_offense"`
}

// EventType is what an agency (a prison, a court, civil-judgment enforcement) reports of a
// judgment's enforcement (Law on Judicial Records 2009).
type EventType string

const (
	MainServed      EventType = "main_served"      // the main penalty served (a prison's certificate)
	ProbationEnded  EventType = "probation_ended"  // a suspended sentence's probation ended (shortened, say)
	AdditionalEnded EventType = "additional_ended" // an additional penalty served (penalty_index)
	FinePaid        EventType = "fine_paid"        // a fine paid: the main one, or an additional one (penalty_index)
	Amnesty         EventType = "amnesty"          // đặc xá: released, counted as served (art. 73.4)
	Commuted        EventType = "commuted"         // life or death commuted to a term (art. 63)
	CourtExpunged   EventType = "court_expunged"   // a court's decision to expunge (art. 71, 72)
	// Serving: the prison or court answered that the sentence is still being served on the
	// report's day; its end, and so the expungement, lies later.
	Serving EventType = "serving"
)

// Event is one report, with its day and, for an additional penalty, which one (its index in
// the judgment's list).
type Event struct {
	Type         EventType `json:"type"`
	Date         string    `json:"date"`
	PenaltyIndex *int      `json:"penalty_index,omitempty"`
	Source       string    `json:"source,omitempty"` // the agency and its paper
}

// Normalize tidies what was typed: each crime's chapter set from its article.
func (j *Judgment) Normalize() {
	j.Court, j.Number = strings.Join(strings.Fields(j.Court), " "), strings.TrimSpace(j.Number)
	for i := range j.Crimes {
		j.Crimes[i].Chapter, _ = Chapter(j.Crimes[i].Article)
		j.Crimes[i].Clause = strings.TrimSpace(j.Crimes[i].Clause)
	}
}

// Validate reports every problem of a judgment at once, each citing the article: a crime of
// an article that exists and a known class; a main penalty within what the Code allows (art.
// 35–40, 65); additional penalties of a known kind and allowed length (art. 41–45); dates in
// order, none in the future.
func (j *Judgment) Validate(today time.Time) error {
	var v fault.Validation
	v.Check(j.Court != "", "court", "civil.required")
	v.Check(j.Number != "", "number", "civil.required")
	date := dateField(&v, "date", j.Date, today)
	effective := dateField(&v, "effective_date", j.EffectiveDate, today)
	offense := dateField(&v, "offense_date", j.OffenseDate, today)
	if !date.IsZero() && !effective.IsZero() && effective.Before(date) {
		v.Add("effective_date", "judicial.effective_before")
	}
	if !date.IsZero() && !offense.IsZero() && date.Before(offense) {
		v.Add("offense_date", "judicial.offense_after")
	}
	if len(j.Crimes) == 0 {
		v.Add("crimes", "judicial.crime_needed")
	}
	for i, c := range j.Crimes {
		f := "crimes." + strconv.Itoa(i) + "."
		if _, ok := Chapter(c.Article); !ok {
			v.Add(f+"article", "judicial.article_unknown")
		}
		switch c.Category {
		case LessSerious, Serious, VerySerious, EspeciallySerious:
		default:
			v.Add(f+"category", "judicial.category_unknown")
		}
	}
	m := j.Main
	switch m.Type {
	case Warning, Life, Death:
	case Fine:
		v.Check(m.Amount >= 1_000_000, "main_penalty.amount", "judicial.fine_amount") // art. 35.2: from 1,000,000 đồng
	case NonCustodial:
		v.Check(m.Months >= 6 && m.Months <= 36, "main_penalty.months", "judicial.non_custodial_months") // art. 36.1
	case Suspended:
		v.Check(m.Months >= 1 && m.Months <= 36, "main_penalty.months", "judicial.suspended_months") // art. 65.1: prison of 3 years or less
		v.Check(m.ProbationMonths >= 12 && m.ProbationMonths <= 60, "main_penalty.probation_months", "judicial.probation_months")
	case Prison:
		v.Check(m.Months >= 3 && m.Months <= 360, "main_penalty.months", "judicial.prison_months") // art. 38.1; up to 30 years for several crimes (art. 55.1.b)
	default:
		v.Add("main_penalty.type", "judicial.penalty_unknown")
	}
	if m.Type != Suspended && m.ProbationMonths != 0 {
		v.Add("main_penalty.probation_months", "judicial.probation_not_suspended")
	}
	for i, a := range j.Additional {
		f := "additional_penalties." + strconv.Itoa(i) + "."
		switch bounds, lasts := additionalMonths[a.Type]; {
		case lasts:
			v.Check(a.Months >= bounds[0] && a.Months <= bounds[1], f+"months", "judicial.additional_months")
		case a.Type == AdditionalFee:
			v.Check(a.Amount > 0, f+"amount", "judicial.fine_amount")
		case a.Type == Confiscation || a.Type == Expulsion:
		default:
			v.Add(f+"type", "judicial.additional_unknown")
		}
	}
	return v.Err()
}

// ValidateEvent checks a report against its judgment: a known type that fits the penalty, a
// day not before the judgment nor in the future, and the additional penalty it names.
func (j *Judgment) ValidateEvent(e Event, today time.Time) error {
	var v fault.Validation
	on := dateField(&v, "date", e.Date, today)
	if d, ok := civil.ParseDate(j.Date); ok && !on.IsZero() && on.Before(d) {
		v.Add("date", "judicial.event_before_judgment")
	}
	index := func() {
		if e.PenaltyIndex == nil || *e.PenaltyIndex < 0 || *e.PenaltyIndex >= len(j.Additional) {
			v.Add("penalty_index", "judicial.penalty_index")
		}
	}
	switch e.Type {
	case MainServed, Amnesty, Serving:
		v.Check(j.Main.Type != Warning, "type", "judicial.event_not_for_penalty") // a warning is served when pronounced
	case ProbationEnded:
		v.Check(j.Main.Type == Suspended, "type", "judicial.event_not_for_penalty")
	case Commuted:
		v.Check(j.Main.Type == Life || j.Main.Type == Death, "type", "judicial.event_not_for_penalty")
	case AdditionalEnded:
		index()
	case FinePaid:
		if e.PenaltyIndex != nil {
			index()
			if v.Err() == nil && j.Additional[*e.PenaltyIndex].Type != AdditionalFee {
				v.Add("penalty_index", "judicial.event_not_for_penalty")
			}
		} else {
			v.Check(j.Main.Type == Fine, "type", "judicial.event_not_for_penalty")
		}
	case CourtExpunged:
	default:
		v.Add("type", "judicial.event_unknown")
	}
	return v.Err()
}

// dateField reads a required day, not in the future.
func dateField(v *fault.Validation, field, s string, today time.Time) time.Time {
	d, ok := civil.ParseDate(s)
	switch {
	case s == "":
		v.Add(field, "civil.required")
	case !ok:
		v.Add(field, "civil.date_format")
	case d.After(today):
		v.Add(field, "civil.date_future")
	default:
		return d
	}
	return time.Time{}
}
