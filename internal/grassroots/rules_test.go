package grassroots

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

var today = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// fieldsOf is the fields err names, "" for none.
func fieldsOf(err error) map[string]string {
	e, ok := fault.As(err)
	if !ok {
		return nil
	}
	return e.Fields
}

// A mediation team (Law on Grassroots Mediation 2013 art. 12): a leader and at least three
// mediators, a woman among them.
func TestTeamRules(t *testing.T) {
	m := func(name, sex string, leader bool) Member { return Member{FullName: name, Sex: sex, Leader: leader} }
	for _, c := range []struct {
		name    string
		members []Member
		problem string // the message on "members", "" for none
	}{
		{"three, a woman, a leader (art. 12.1)", []Member{m("Lê Văn A", "male", true), m("Trần Thị B", "female", false), m("Phạm Văn C", "male", false)}, ""},
		{"two mediators (art. 12.1: from three)", []Member{m("Lê Văn A", "male", true), m("Trần Thị B", "female", false)}, "grassroots.team_size"},
		{"no woman (art. 12.1)", []Member{m("Lê Văn A", "male", true), m("Trần Văn B", "male", false), m("Phạm Văn C", "male", false)}, "grassroots.team_woman"},
		{"no leader (art. 12.1: a tổ trưởng)", []Member{m("Lê Văn A", "male", false), m("Trần Thị B", "female", false), m("Phạm Văn C", "male", false)}, "grassroots.team_leader"},
		{"two leaders", []Member{m("Lê Văn A", "male", true), m("Trần Thị B", "female", true), m("Phạm Văn C", "male", false)}, "grassroots.team_leader"},
		{"empty rows of the form dropped", []Member{m("Lê Văn A", "male", true), m(" ", "", false), m("Trần Thị B", "female", false), m("Phạm Văn C", "male", false)}, ""},
	} {
		tm := Team{Commune: "21025", Village: " Tổ dân phố  5 ", Members: c.members, FormedOn: "2024-03-01"}
		tm.Normalize()
		if got := fieldsOf(tm.Validate(today))["members"]; got != c.problem {
			t.Errorf("%s: %q, want %q", c.name, got, c.problem)
		}
		if tm.Village != "Tổ dân phố 5" {
			t.Errorf("village %q", tm.Village)
		}
	}
}

// A mediation case: ended with a result on a day not before its receipt; only an unsuccessful
// mediation is referred on (Law on Grassroots Mediation 2013 art. 21, 23).
func TestCaseRules(t *testing.T) {
	base := Case{Commune: "21025", TeamID: "t", Parties: "Ông Lê Văn A và ông Trần Văn B", Dispute: Land, ReceivedOn: "2026-10-01"}
	for _, c := range []struct {
		name  string
		edit  func(*Case)
		field string // the field refused, "" for none
	}{
		{"open", func(*Case) {}, ""},
		{"successful", func(c *Case) { c.Result, c.EndedOn = Successful, "2026-10-05" }, ""},
		{"unsuccessful, to the court (art. 23)", func(c *Case) { c.Result, c.EndedOn, c.ToCourt = Unsuccessful, "2026-10-05", true }, ""},
		{"successful, to the court", func(c *Case) { c.Result, c.EndedOn, c.ToCourt = Successful, "2026-10-05", true }, "referred_to_court"},
		{"ended before received", func(c *Case) { c.Result, c.EndedOn = Withdrawn, "2026-09-30" }, "ended_on"},
		{"a result without its day", func(c *Case) { c.Result = Successful }, "ended_on"},
		{"a day without its result", func(c *Case) { c.EndedOn = "2026-10-05" }, "result"},
		{"received tomorrow", func(c *Case) { c.ReceivedOn = "2026-12-01" }, "received_on"},
		{"no parties", func(c *Case) { c.Parties = "" }, "parties"},
		{"an unknown dispute", func(c *Case) { c.Dispute = "business" }, "dispute"},
	} {
		k := base
		c.edit(&k)
		fields := fieldsOf(k.Validate(today))
		if c.field == "" && len(fields) > 0 || c.field != "" && fields[c.field] == "" {
			t.Errorf("%s: %v", c.name, fields)
		}
	}
}

// The success rate leaves out what was withdrawn; a plan's completion is 0 without a plan.
func TestRates(t *testing.T) {
	if r := SuccessRate(8, 2); r != 0.8 {
		t.Errorf("8 of 10: %v", r)
	}
	if r := SuccessRate(0, 0); r != 0 {
		t.Errorf("none ended: %v", r)
	}
	if c := Completion(12, 10); c != 1.2 {
		t.Errorf("past the plan: %v", c)
	}
	if c := Completion(3, 0); c != 0 {
		t.Errorf("no plan: %v", c)
	}
}

// A dissemination event: every problem at once.
func TestEventRules(t *testing.T) {
	e := Event{Commune: "21025", Day: "2026-12-01", Form: "radio", Audience: -1}
	e.Normalize()
	fields := fieldsOf(e.Validate(today))
	for _, f := range []string{"day", "topic", "law", "form", "audience"} {
		if fields[f] == "" {
			t.Errorf("%s not refused: %v", f, fields)
		}
	}
	ok := Event{Commune: "21025", Day: "2026-11-20", Topic: "Phòng chống bạo lực gia đình", Law: "Luật Phòng, chống bạo lực gia đình 2022", Form: Meeting, Audience: 80}
	if err := ok.Validate(today); err != nil {
		t.Error(err)
	}
}

// Enforcement figures: checked alone, and against the previous period's where a figure jumps
// (an extra zero typed is likelier than a tenfold change): then an explanation is needed.
func TestEnforcementRules(t *testing.T) {
	prev := &EnforcementFigures{Inspections: 4, Violations: 12, Sanctioned: 10, Fines: 15_000_000}
	base := EnforcementFigures{Commune: "21025", Year: 2026, Half: 2, Field: "land", Inspections: 5, Violations: 14, Sanctioned: 11, Fines: 20_000_000}
	for _, c := range []struct {
		name  string
		edit  func(*EnforcementFigures)
		prev  *EnforcementFigures
		field string
	}{
		{"in line with the last half", func(*EnforcementFigures) {}, prev, ""},
		{"the first period: nothing to compare", func(f *EnforcementFigures) { f.Fines = 900_000_000 }, nil, ""},
		{"more sanctions than violations", func(f *EnforcementFigures) { f.Sanctioned = 15 }, prev, "sanctioned"},
		{"fines without a sanction", func(f *EnforcementFigures) { f.Sanctioned = 0 }, nil, "fines"},
		{"a negative count", func(f *EnforcementFigures) { f.Inspections = -1 }, nil, "inspections"},
		{"fines ten times the last half's", func(f *EnforcementFigures) { f.Fines = 150_000_000 }, prev, "fines"},
		{"explained", func(f *EnforcementFigures) {
			f.Fines, f.Explanation = 150_000_000, "Xử phạt 3 vụ khai thác cát trái phép"
		}, prev, ""},
		{"violations down to none from twelve", func(f *EnforcementFigures) { f.Violations, f.Sanctioned, f.Fines = 0, 0, 0 }, prev, "violations"},
		{"an unknown field", func(f *EnforcementFigures) { f.Field = "tax" }, nil, "field"},
		{"a third half", func(f *EnforcementFigures) { f.Half = 3 }, nil, "half"},
	} {
		f := base
		c.edit(&f)
		fields := fieldsOf(f.Validate(c.prev))
		if c.field == "" && len(fields) > 0 || c.field != "" && fields[c.field] == "" {
			t.Errorf("%s: %v", c.name, fields)
		}
	}
}
