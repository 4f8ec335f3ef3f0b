package civil

import (
	"strings"
	"time"

	"tuphap/internal/fault"
)

// Guardianship is the registration of a guardian for a ward (đăng ký giám hộ, Law 60/2014 art.
// 20–21; Civil Code 2015 art. 46–63): appointed by the commune's choice (giám hộ cử) or holding
// by law (giám hộ đương nhiên, a grandparent or an elder sibling: art. 52–53), and its end
// recorded against it (art. 22–23).
type Guardianship struct {
	Ward Person `json:"ward"`
	// Incapacity is the court's decision on an adult ward: without civil capacity, or with
	// difficulty in understanding and controlling their acts (Civil Code art. 47.1.c–d); "" for
	// a minor ward (art. 47.1.a–b).
	Incapacity string `json:"incapacity,omitempty"`
	Guardian   Parent `json:"guardian"`
	// CoGuardian is the second of two guardians, who may only be the ward's parents together or
	// grandparents together (art. 47.2): Joint says which.
	CoGuardian *Parent `json:"co_guardian,omitempty"`
	Joint      string  `json:"joint,omitempty"`
	// ByLaw: a guardianship by law (art. 52–53), registered on the guardian's request (Law
	// 60/2014 art. 21); otherwise appointed, by the document named in Appointment (art. 54; Law
	// 60/2014 art. 20.1).
	ByLaw       bool   `json:"by_law,omitempty"`
	Appointment string `json:"appointment,omitempty"`
	// WardHeard: a minor from 6 years old was heard on the appointment (art. 54.1).
	WardHeard bool `json:"ward_heard,omitempty"`
	// Supervisor is who supervises the guardianship (art. 51), if anyone was chosen.
	Supervisor string `json:"supervisor,omitempty"`
	// End is the end recorded against the entry (Law 60/2014 art. 22–23).
	End *GuardianshipEnd `json:"end,omitempty"`
	// BirthRecord is the ward's birth entry, found by the registration: the entry shows the
	// guardian.
	BirthRecord string `json:"birth_record,omitempty"`
}

// GuardianshipEnd is how and when a guardianship ended (Civil Code 2015 art. 62.1), on what
// papers (Law 60/2014 art. 22.1).
type GuardianshipEnd struct {
	On     string `json:"on"`
	Reason string `json:"reason"`
	Basis  string `json:"basis"`
}

// Ways two people guard one ward together (Civil Code 2015 art. 47.2).
const (
	JointParents      = "parents"
	JointGrandparents = "grandparents"
)

// Reasons a guardianship ends (Civil Code 2015 art. 62.1).
var GuardianshipEndReasons = []string{
	"full_capacity",  // a: the ward has full civil capacity (of age, or capacity restored)
	"ward_died",      // b: the ward died
	"parents_resume", // c: the parents can exercise their rights and duties again
	"adopted",        // d: the ward was adopted
}

// Roles of a guardianship's guardians in record_parties.
const (
	GuardianRole   = "guardian"
	CoGuardianRole = "co_guardian"
)

// GuardianshipBasis and GuardianshipEndBasis are what the registration and its end rest on.
const (
	GuardianshipBasis    = "Luật Hộ tịch 2014, Điều 20–21; Bộ luật Dân sự 2015, Điều 46–63"
	GuardianshipEndBasis = "Luật Hộ tịch 2014, Điều 22–23; Bộ luật Dân sự 2015, Điều 62"
)

const (
	adultAge     = 18 // Civil Code 2015 art. 20, 21
	wardHeardAge = 6  // art. 54.1
)

// wardHeardFrom: the Civil Code 2015 took effect; the Code of 2005 (art. 58–73), under which a
// legacy register's older guardianships were appointed, did not ask for the ward's view.
var wardHeardFrom = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *Guardianship) Kind() Kind      { return GuardianshipKind }
func (g *Guardianship) Subject() Person { return g.Ward }

func (g *Guardianship) Normalize() {
	g.Ward.normalize()
	g.Guardian.normalize()
	if g.CoGuardian != nil {
		g.CoGuardian.normalize()
	}
	for _, s := range []*string{&g.Incapacity, &g.Joint, &g.Appointment, &g.Supervisor} {
		*s = strings.Join(strings.Fields(*s), " ")
	}
	if e := g.End; e != nil {
		e.Basis = strings.Join(strings.Fields(e.Basis), " ")
	}
}

// Validate checks the guardianship against the Civil Code 2015, every problem at once: a ward
// under 18, or an adult of a court's decision (art. 47.1); one guardian, or two who are the
// ward's grandparents together, or the parents of an adult ward (art. 47.2, 53); each guardian
// an adult (art. 49.1); an appointment's document (Law 60/2014 art. 20.1) and, for a minor
// from 6, the ward heard (art. 54.1); an end recorded with its day, reason (art. 62.1) and
// papers.
func (g *Guardianship) Validate(registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	reg := c.date("registered_on", registeredOn, true)
	c.name("ward.full_name", g.Ward.FullName)
	c.sex("ward.sex", g.Ward.Sex)
	born := c.date("ward.date_of_birth", g.Ward.DateOfBirth, true)
	if !born.IsZero() && !reg.IsZero() && reg.Before(born) {
		v.Add("registered_on", "civil.registered_before_event")
	}
	c.personalID("ward.personal_id", g.Ward.PersonalID, born, g.Ward.Sex)
	c.optional("ward.residence", g.Ward.Residence)
	c.optional("incapacity", g.Incapacity)
	minor := !born.IsZero() && !reg.IsZero() && completedYears(born, reg) < adultAge
	if !born.IsZero() && !reg.IsZero() && !minor && g.Incapacity == "" {
		v.Add("ward.date_of_birth", "guardianship.ward_adult")
	}
	for _, s := range []struct {
		prefix string
		p      *Parent
	}{{"guardian.", &g.Guardian}, {"co_guardian.", g.CoGuardian}} {
		if s.p == nil {
			continue
		}
		c.parent(s.prefix, s.p, time.Time{}, "")
		switch at, ok := ParseDate(s.p.DateOfBirth); {
		case !ok:
			if _, yearOnly := YearOnly(s.p.DateOfBirth); yearOnly || s.p.DateOfBirth == "" {
				v.Add(s.prefix+"date_of_birth", "guardianship.guardian_born") // adulthood needs the day
			}
		case !reg.IsZero() && completedYears(at, reg) < adultAge:
			v.Add(s.prefix+"date_of_birth", "guardianship.guardian_minor")
		}
	}
	switch {
	case g.CoGuardian != nil && g.Joint != JointParents && g.Joint != JointGrandparents:
		v.Add("joint", "guardianship.one_guardian")
	case g.CoGuardian == nil && g.Joint != "":
		v.Add("co_guardian", "guardianship.co_guardian_missing")
	case g.Joint == JointParents && (minor || g.Incapacity == ""):
		// Parents guard together a child of theirs who is an adult in need (art. 53); a minor
		// has parents, not guardians.
		v.Add("joint", "guardianship.parents_of_adult")
	}
	if !g.ByLaw {
		c.required("appointment", g.Appointment)
		if minor && !reg.Before(wardHeardFrom) && completedYears(born, reg) >= wardHeardAge && !g.WardHeard {
			v.Add("ward_heard", "guardianship.ward_heard")
		}
	}
	c.optional("supervisor", g.Supervisor)
	if e := g.End; e != nil {
		if on := c.date("end.on", e.On, true); !on.IsZero() && !reg.IsZero() && on.Before(reg) {
			v.Add("end.on", "guardianship.end_before")
		}
		known := false
		for _, r := range GuardianshipEndReasons {
			known = known || e.Reason == r
		}
		v.Check(known, "end.reason", "guardianship.end_reason")
		c.required("end.basis", e.Basis)
	}
	return v.Err()
}

// WardEvents are what the register shows of a ward that ends a guardianship by law, recorded
// or not (Civil Code 2015 art. 62.1.b, d): the day the ward died, the day the ward was adopted;
// "" for none.
type WardEvents struct{ Died, Adopted string }

// HeldOn says whether the guardianship, registered on since, holds on day (YYYY-MM-DD): not
// ended by a recorded end; for a minor ward, not past the day the ward came of age (art.
// 62.1.a); not after the ward's death, nor after an adoption since it began (art. 62.1.b, d).
func (g *Guardianship) HeldOn(day, since string, w WardEvents) bool {
	switch {
	case g.End != nil && g.End.On <= day,
		w.Died != "" && w.Died <= day,
		w.Adopted != "" && w.Adopted >= since && w.Adopted <= day:
		return false
	}
	if born, ok := ParseDate(g.Ward.DateOfBirth); ok && g.Incapacity == "" {
		return Anniversary(born, adultAge).Format(DateFormat) > day
	}
	return true
}

// Late: a guardianship has no time within which it must be registered.
func (g *Guardianship) Late(string) bool { return false }

// Facts: the duplicate rules compare births and deaths.
func (g *Guardianship) Facts() (Facts, bool) { return Facts{}, false }

// Keep carries over the link to the birth entry, and the end: only its own procedure records
// it (a correction may correct it, never add or remove it).
func (g *Guardianship) Keep(before Entry) {
	b, ok := before.(*Guardianship)
	if !ok {
		return
	}
	g.BirthRecord = b.BirthRecord
	switch {
	case b.End == nil:
		g.End = nil
	case g.End == nil:
		g.End = b.End
	}
}

// Search finds a guardianship by the ward, and by the guardian as an entry is by a father.
func (g *Guardianship) Search() Search {
	return Search{Name: g.Ward.FullName, Father: g.Guardian.FullName, BirthRecord: g.BirthRecord}
}

// Parties are the guardians, with the day the guardianship ended.
func (g *Guardianship) Parties() []Party {
	var ended string
	if g.End != nil {
		ended = g.End.On
	}
	out := []Party{{Role: GuardianRole, FullName: g.Guardian.FullName, DateOfBirth: g.Guardian.DateOfBirth, PersonalID: g.Guardian.PersonalID, Ended: ended}}
	if p := g.CoGuardian; p != nil {
		out = append(out, Party{Role: CoGuardianRole, FullName: p.FullName, DateOfBirth: p.DateOfBirth, PersonalID: p.PersonalID, Ended: ended})
	}
	return out
}
