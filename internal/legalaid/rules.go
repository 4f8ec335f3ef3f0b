// Package legalaid is the provincial State Legal Aid Centre's case management (Law on Legal
// Aid 11/2017): requests, eligibility, cases, their assignment and closure. This file holds the
// rules as data and pure functions: no SQL, no HTTP.
package legalaid

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/vntext"
)

// Field is the field of law a request concerns. Legal aid covers every field but business and
// commerce (Law on Legal Aid 2017 art. 27.1).
type Field string

const (
	Criminal       Field = "criminal"        // hình sự
	Civil          Field = "civil"           // dân sự
	MarriageFamily Field = "marriage_family" // hôn nhân và gia đình
	Land           Field = "land"            // đất đai
	Administrative Field = "administrative"  // hành chính
	Labour         Field = "labour"          // lao động
	Social         Field = "social"          // chính sách, an sinh xã hội
	Other          Field = "other"
	Business       Field = "business" // kinh doanh, thương mại: refused
)

// Fields are the fields a request may name, in display order.
var Fields = []Field{Criminal, Civil, MarriageFamily, Land, Administrative, Labour, Social, Other}

// Form is how legal aid is given (art. 27.2 of the Law as the domain notes cite it).
type Form string

const (
	Proceedings    Form = "proceedings"    // tham gia tố tụng
	Advice         Form = "advice"         // tư vấn pháp luật
	Representation Form = "representation" // đại diện ngoài tố tụng
)

// Forms in display order.
var Forms = []Form{Proceedings, Advice, Representation}

// Channel is how a request came.
type Channel string

const (
	InPerson Channel = "in_person"
	Phone    Channel = "phone"
	Referral Channel = "referral" // sent by a court, the police or the procuracy
	Outreach Channel = "outreach" // taken at an outreach session in a commune
)

// Channels in display order.
var Channels = []Channel{InPerson, Phone, Referral, Outreach}

// Category is a group of people the Law entitles to legal aid (art. 7), with the papers that
// prove one belongs to it, the ages it covers, and whether financial difficulty must be shown
// too (art. 7.7; Decree 144/2017 art. 2).
type Category struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	NameEn    string   `json:"name_en"`
	Clause    string   `json:"clause"` // of art. 7
	Evidence  []string `json:"evidence"`
	Also      []string `json:"also,omitempty"` // a second paper also needed (accused and near-poor)
	From      int      `json:"from,omitempty"` // completed years, at least
	Under     int      `json:"under,omitempty"`
	Financial bool     `json:"financial,omitempty"`
}

// Eligibility is the data: the categories, the proof of financial difficulty, and the names of
// the papers. The law and decrees change them, so they are data (categories.json).
type Eligibility struct {
	Basis      string     `json:"basis"`
	Categories []Category `json:"categories"`
	Financial  struct {
		Text     string   `json:"text"`
		Evidence []string `json:"evidence"`
	} `json:"financial_difficulty"`
	Evidence map[string]string `json:"evidence"`
}

//go:embed categories.json
var categoriesJSON []byte

// Rules is the eligibility in force (categories.json).
var Rules = func() Eligibility {
	var e Eligibility
	if err := json.Unmarshal(categoriesJSON, &e); err != nil {
		panic("legalaid: categories.json: " + err.Error())
	}
	return e
}()

// Category finds a category by its code.
func (e Eligibility) Category(code string) (Category, bool) {
	i := slices.IndexFunc(e.Categories, func(c Category) bool { return c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return e.Categories[i], true
}

// Applicant is the person who asks for legal aid.
type Applicant struct {
	FullName    string `json:"full_name"`
	DateOfBirth string `json:"date_of_birth"`
	Sex         string `json:"sex"`
	PersonalID  string `json:"personal_id,omitempty"`
	Residence   string `json:"residence,omitempty"`
	Commune     string `json:"commune,omitempty"` // the commune code where they live, for the reports
	Phone       string `json:"phone,omitempty"`
}

// Party is the other side of the matter, for the conflict-of-interest check.
type Party struct {
	FullName    string `json:"full_name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	PersonalID  string `json:"personal_id,omitempty"`
}

// Request is a request for legal aid: who asks and for what, how it came, the category that
// entitles them and the papers shown.
type Request struct {
	Applicant  Applicant `json:"applicant"`
	Field      Field     `json:"field"`
	Form       Form      `json:"form"`
	Channel    Channel   `json:"channel"`
	ReferredBy string    `json:"referred_by,omitempty"` // the court, police or procuracy
	Matter     string    `json:"matter"`                // what the matter is about
	OtherParty *Party    `json:"other_party,omitempty"`
	Category   string    `json:"category"`
	Evidence   []string  `json:"evidence"` // the papers shown, as codes of Rules.Evidence
}

// Normalize tidies what was typed.
func (r *Request) Normalize() {
	a := &r.Applicant
	a.FullName, a.PersonalID = vntext.Clean(a.FullName), strings.TrimSpace(a.PersonalID)
	for _, s := range []*string{&a.Residence, &a.Phone, &r.ReferredBy, &r.Matter} {
		*s = strings.Join(strings.Fields(*s), " ")
	}
	if r.OtherParty != nil {
		r.OtherParty.FullName = vntext.Clean(r.OtherParty.FullName)
		if r.OtherParty.FullName == "" {
			r.OtherParty = nil
		}
	}
	slices.Sort(r.Evidence)
	r.Evidence = slices.Compact(r.Evidence)
}

// Validate reports every problem at once, each citing the law: a field legal aid covers (not
// business or commerce, art. 27.1), a form and channel, a category of art. 7 whose ages the
// applicant has on the day and whose papers were shown, with the proof of financial difficulty
// where the category asks it (art. 7.7; Decree 144/2017 art. 2).
func (r *Request) Validate(e Eligibility, today time.Time) error {
	var v fault.Validation
	a := r.Applicant
	v.Check(a.FullName != "", "applicant.full_name", "civil.required")
	born, ok := civil.ParseDate(a.DateOfBirth)
	switch {
	case a.DateOfBirth == "":
		v.Add("applicant.date_of_birth", "civil.required")
	case !ok:
		v.Add("applicant.date_of_birth", "civil.date_format")
	case born.After(today):
		v.Add("applicant.date_of_birth", "civil.date_future")
	}
	v.Check(a.Sex == civil.Male || a.Sex == civil.Female, "applicant.sex", "civil.sex")
	if a.PersonalID != "" {
		if p := civil.PersonalIDProblem(a.PersonalID, born, a.Sex); p != "" {
			v.Add("applicant.personal_id", p)
		}
	}
	switch {
	case r.Field == Business:
		v.Add("field", "legalaid.business")
	case !slices.Contains(Fields, r.Field):
		v.Add("field", "legalaid.field_bad")
	}
	v.Check(slices.Contains(Forms, r.Form), "form", "legalaid.form_bad")
	v.Check(slices.Contains(Channels, r.Channel), "channel", "legalaid.channel_bad")
	v.Check(r.Channel != Referral || r.ReferredBy != "", "referred_by", "civil.required")
	v.Check(r.Matter != "", "matter", "civil.required")
	for _, code := range r.Evidence {
		if _, known := e.Evidence[code]; !known {
			v.Add("evidence", "legalaid.evidence_unknown")
		}
	}
	c, known := e.Category(r.Category)
	if !known {
		v.Add("category", "legalaid.category_bad")
		return v.Err()
	}
	if ok && !born.After(today) {
		age := civil.CompletedYears(born, today)
		v.Check(c.From == 0 || age >= c.From, "applicant.date_of_birth", "legalaid.too_young")
		v.Check(c.Under == 0 || age < c.Under, "applicant.date_of_birth", "legalaid.too_old")
	}
	shown := func(any []string) bool {
		return slices.ContainsFunc(any, func(p string) bool { return slices.Contains(r.Evidence, p) })
	}
	v.Check(shown(c.Evidence), "evidence", "legalaid.evidence_missing")
	v.Check(len(c.Also) == 0 || shown(c.Also), "evidence", "legalaid.evidence_missing")
	v.Check(!c.Financial || shown(e.Financial.Evidence), "evidence", "legalaid.financial_missing")
	return v.Err()
}

// Decision is what the centre decided on a request.
type Decision string

const (
	Accepted Decision = "accepted" // thụ lý
	Refused  Decision = "refused"  // từ chối, with the reason
	Referred Decision = "referred" // chuyển đến nơi có thẩm quyền, named
)

// Assignee is who gives the legal aid in a case.
type AssigneeKind string

const (
	Officer      AssigneeKind = "officer"      // trợ giúp viên pháp lý of the centre
	Lawyer       AssigneeKind = "lawyer"       // a lawyer under contract
	Organisation AssigneeKind = "organisation" // an organisation under contract
	Collaborator AssigneeKind = "collaborator" // cộng tác viên
)

// AssigneeKinds in display order.
var AssigneeKinds = []AssigneeKind{Officer, Lawyer, Organisation, Collaborator}

// Assignee is the person or organisation a case is assigned to.
type Assignee struct {
	Kind AssigneeKind `json:"kind"`
	Name string       `json:"name"`
	// RelatedToOtherParty: the assignee declared being a relative of the other party.
	RelatedToOtherParty bool `json:"related_to_other_party,omitempty"`
}

// Conflict says why an assignee may not take a case (a conflict of interest): they declared
// being related to the other party, or they assisted the other party in another case. "" for
// none. assistedBy lists who assisted the other party before.
func Conflict(a Assignee, assistedBy []string) string {
	switch {
	case a.RelatedToOtherParty:
		return "legalaid.conflict_relative"
	case slices.ContainsFunc(assistedBy, func(n string) bool { return vntext.Fold(n) == vntext.Fold(a.Name) }):
		return "legalaid.conflict_other_party"
	}
	return ""
}

// Outcome is how a closed case ended.
type Outcome string

const (
	Won       Outcome = "favourable" // the assisted person's rights protected
	Partly    Outcome = "partly"     // partly
	Lost      Outcome = "unfavourable"
	Advised   Outcome = "advised"   // advice given (a case of the advice form)
	Withdrawn Outcome = "withdrawn" // the person withdrew the request
	Stopped   Outcome = "stopped"   // ended for a reason of the law (no longer eligible…)
)

// Outcomes in display order.
var Outcomes = []Outcome{Won, Partly, Lost, Advised, Withdrawn, Stopped}
