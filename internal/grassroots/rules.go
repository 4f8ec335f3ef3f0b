// Package grassroots holds the justice work the communes report to the department: legal
// dissemination and education, and grassroots mediation (Law on Grassroots Mediation 2013).
// Communes enter their year; the department reviews it; the figures feed the reports.
package grassroots

import (
	"slices"
	"strings"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/vntext"
)

// Form is how the law was disseminated.
type Form string

const (
	Meeting     Form = "meeting"     // hội nghị, buổi nói chuyện
	Loudspeaker Form = "loudspeaker" // loa truyền thanh cơ sở
	Online      Form = "online"      // trang thông tin điện tử, mạng xã hội
	Leaflets    Form = "leaflets"    // tờ gấp, tài liệu phát
	Contest     Form = "contest"     // cuộc thi tìm hiểu pháp luật
	Other       Form = "other"
)

// Forms in display order.
var Forms = []Form{Meeting, Loudspeaker, Online, Leaflets, Contest, Other}

// Event is a dissemination event held by a commune: its day, topic and the law it explained,
// its form and how many people it reached (for leaflets, copies handed out).
type Event struct {
	ID       string `json:"id,omitempty"`
	Commune  string `json:"commune"`
	Day      string `json:"day"`
	Topic    string `json:"topic"`
	Law      string `json:"law"`
	Form     Form   `json:"form"`
	Audience int    `json:"audience"`
}

// Normalize tidies what was typed.
func (e *Event) Normalize() {
	e.Topic, e.Law = spaces(e.Topic), spaces(e.Law)
}

// Validate reports every problem at once: a day not in the future, a topic, the law, a form,
// an audience not negative.
func (e Event) Validate(today time.Time) error {
	var v fault.Validation
	checkDay(&v, "day", e.Day, today)
	v.Check(e.Topic != "", "topic", "civil.required")
	v.Check(e.Law != "", "law", "civil.required")
	v.Check(slices.Contains(Forms, e.Form), "form", "grassroots.form_bad")
	v.Check(e.Audience >= 0 && e.Audience <= 1_000_000, "audience", "grassroots.count_bad")
	return v.Err()
}

// Plan is a commune's yearly dissemination plan: how many events it means to hold.
type Plan struct {
	Commune string `json:"commune"`
	Year    int    `json:"year"`
	Events  int    `json:"events"`
}

// Validate: a year the system can hold and a target of at least one event.
func (p Plan) Validate() error {
	var v fault.Validation
	v.Check(p.Year >= 2000 && p.Year <= 2100, "year", "grassroots.year_bad")
	v.Check(p.Events >= 1 && p.Events <= 10_000, "events", "grassroots.count_bad")
	return v.Err()
}

// Completion is the share of the plan held: events held over the target, 0 without a plan.
func Completion(held, target int) float64 {
	if target <= 0 {
		return 0
	}
	return float64(held) / float64(target)
}

// Member is a mediator of a team.
type Member struct {
	FullName string `json:"full_name"`
	Sex      string `json:"sex"`
	Leader   bool   `json:"leader,omitempty"` // tổ trưởng
}

// Team is the mediation team of a village or residential group (thôn, tổ dân phố).
type Team struct {
	ID      string   `json:"id,omitempty"`
	Commune string   `json:"commune"`
	Village string   `json:"village"`
	Members []Member `json:"members"`
	// FormedOn is the day the team was formed (today when not given); DissolvedOn the day it
	// ended, "" while it works. A report counts the teams working on its last day.
	FormedOn    string `json:"formed_on,omitempty"`
	DissolvedOn string `json:"dissolved_on,omitempty"`
}

// Normalize tidies what was typed; members without a name are dropped (a form's empty rows).
func (t *Team) Normalize() {
	t.Village = spaces(t.Village)
	t.Members = slices.DeleteFunc(t.Members, func(m Member) bool { return strings.TrimSpace(m.FullName) == "" })
	for i := range t.Members {
		t.Members[i].FullName = vntext.Clean(t.Members[i].FullName)
	}
}

// Validate reports every problem at once. A team has a leader and at least three mediators,
// among them a woman (Law on Grassroots Mediation 2013 art. 12.1–12.2).
func (t Team) Validate(today time.Time) error {
	var v fault.Validation
	v.Check(t.Village != "", "village", "civil.required")
	checkDay(&v, "formed_on", t.FormedOn, today)
	v.Check(len(t.Members) >= 3, "members", "grassroots.team_size")
	women, leaders := 0, 0
	for _, m := range t.Members {
		if m.Sex != civil.Male && m.Sex != civil.Female {
			v.Add("members", "civil.sex")
		}
		if m.Sex == civil.Female {
			women++
		}
		if m.Leader {
			leaders++
		}
	}
	v.Check(women > 0, "members", "grassroots.team_woman")
	v.Check(leaders == 1, "members", "grassroots.team_leader")
	return v.Err()
}

// Dispute is what a mediation case is about.
type Dispute string

const (
	Land       Dispute = "land"
	Family     Dispute = "marriage_family"
	Neighbours Dispute = "neighbours" // mâu thuẫn giữa hàng xóm, trong sinh hoạt cộng đồng
	Civil      Dispute = "civil"      // vay mượn, hợp đồng, tài sản
	Petty      Dispute = "petty_offence"
	OtherKind  Dispute = "other"
)

// Disputes in display order.
var Disputes = []Dispute{Land, Family, Neighbours, Civil, Petty, OtherKind}

// Result is how a mediation ended.
type Result string

const (
	Successful   Result = "successful"   // hòa giải thành
	Unsuccessful Result = "unsuccessful" // hòa giải không thành
	Withdrawn    Result = "withdrawn"    // a party asked to end it (art. 21), not mediated to its end
)

// Results in display order.
var Results = []Result{Successful, Unsuccessful, Withdrawn}

// Case is a mediation case of a team: the parties, the dispute, the day it was received and,
// once ended, the result and the day; an unsuccessful one may have gone to court.
type Case struct {
	ID         string  `json:"id,omitempty"`
	Commune    string  `json:"commune"`
	TeamID     string  `json:"team_id"`
	Parties    string  `json:"parties"` // the parties' names as the team wrote them
	Dispute    Dispute `json:"dispute"`
	Summary    string  `json:"summary,omitempty"`
	ReceivedOn string  `json:"received_on"`
	Result     Result  `json:"result,omitempty"`
	EndedOn    string  `json:"ended_on,omitempty"`
	ToCourt    bool    `json:"referred_to_court,omitempty"`
}

// Normalize tidies what was typed.
func (c *Case) Normalize() {
	c.Parties, c.Summary = spaces(c.Parties), spaces(c.Summary)
}

// Validate reports every problem at once: the parties and the dispute, a day received not in
// the future; an end only with its result and a day neither before the receipt nor in the
// future; referral to the competent body only after an unsuccessful mediation (Law on
// Grassroots Mediation 2013 art. 21: how a mediation ends; art. 23: unsuccessful, the parties
// are guided to the competent body).
func (c Case) Validate(today time.Time) error {
	var v fault.Validation
	v.Check(c.TeamID != "", "team_id", "civil.required")
	v.Check(c.Parties != "", "parties", "civil.required")
	v.Check(slices.Contains(Disputes, c.Dispute), "dispute", "grassroots.dispute_bad")
	received, ok := checkDay(&v, "received_on", c.ReceivedOn, today)
	if c.Result != "" || c.EndedOn != "" {
		v.Check(slices.Contains(Results, c.Result), "result", "grassroots.result_bad")
		if ended, okEnd := checkDay(&v, "ended_on", c.EndedOn, today); okEnd && ok && ended.Before(received) {
			v.Add("ended_on", "grassroots.ended_before")
		}
	}
	v.Check(!c.ToCourt || c.Result == Unsuccessful, "referred_to_court", "grassroots.court_unsuccessful")
	return v.Err()
}

// SuccessRate is the share of the ended mediations that succeeded: successful over successful
// and unsuccessful (a withdrawn case was not mediated to its end), 0 when none ended so.
func SuccessRate(successful, unsuccessful int) float64 {
	if successful+unsuccessful == 0 {
		return 0
	}
	return float64(successful) / float64(successful+unsuccessful)
}

// Review states of a commune's year.
type ReviewStatus string

const (
	Draft     ReviewStatus = "draft"     // the commune is entering it
	Submitted ReviewStatus = "submitted" // sent to the department
	Accepted  ReviewStatus = "accepted"  // reviewed: the year's figures are final
	Returned  ReviewStatus = "returned"  // sent back with a note to correct
)

// Editable says whether a commune may still change a year in that state.
func (s ReviewStatus) Editable() bool { return s == Draft || s == Returned || s == "" }

// checkDay checks a day field: required, a date, not after today, not before 2000 (the
// registries begin then).
func checkDay(v *fault.Validation, field, s string, today time.Time) (time.Time, bool) {
	d, ok := civil.ParseDate(s)
	switch {
	case s == "":
		v.Add(field, "civil.required")
	case !ok:
		v.Add(field, "civil.date_format")
	case d.After(today):
		v.Add(field, "civil.date_future")
	case d.Year() < 2000:
		v.Add(field, "grassroots.day_old")
	default:
		return d, true
	}
	return d, false
}

func spaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// YearOf is the year of a stored day ("2026-11-20"), 0 when it is not one.
func YearOf(day string) int {
	d, ok := civil.ParseDate(day)
	if !ok {
		return 0
	}
	return d.Year()
}
