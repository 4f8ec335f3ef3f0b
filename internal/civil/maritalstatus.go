package civil

import (
	"strings"
	"time"

	"tuphap/internal/fault"
	"tuphap/internal/vntext"
)

// MaritalStatus is a certificate of marital status (giấy xác nhận tình trạng hôn nhân, Decree
// 123/2015 art. 21–23): what the register shows of a person's marriages on the day it is
// issued, for a purpose. One issued for marrying names the intended spouse.
type MaritalStatus struct {
	Person         Spouse  `json:"person"`
	Purpose        string  `json:"purpose"`
	IntendedSpouse *Spouse `json:"intended_spouse,omitempty"`
	// What the register showed, set by the registration, not typed.
	Status string `json:"status,omitempty"` // NeverMarried, Married, DivorcedNow, Widowed
	Spouse string `json:"spouse,omitempty"` // the spouse's name, when Married
	// Basis is the entry the status rests on, as the certificate cites it (the marriage's
	// register number, the court's divorce decision, the day of the spouse's death).
	Basis      string `json:"basis,omitempty"`
	ValidUntil string `json:"valid_until,omitempty"`
	// UsedFor is the marriage registered with it, once one was: a certificate for marrying
	// serves that marriage only.
	UsedFor string `json:"used_for,omitempty"`
}

// StatusUsed: a certificate for marrying served the marriage it names.
const StatusUsed Change = "used"

// ServesMarriage says whether the certificate, issued for marrying, serves the marriage of its
// person to spouse registered on day: the intended spouse, still valid, not used before.
func (s *MaritalStatus) ServesMarriage(spouse Party, day string) bool {
	i := s.IntendedSpouse
	return i != nil && s.UsedFor == "" && s.ValidUntil >= day &&
		SamePerson(Party{FullName: i.FullName, DateOfBirth: i.DateOfBirth, PersonalID: i.PersonalID}, spouse)
}

// Marital statuses, as a certificate states them.
const (
	NeverMarried = "never_married" // chưa đăng ký kết hôn với ai
	Married      = "married"       // đang có vợ/chồng
	DivorcedNow  = "divorced"      // đã ly hôn, chưa kết hôn lại
	Widowed      = "widowed"       // vợ/chồng đã chết, chưa kết hôn lại
)

// StatusValidity is how long a certificate of marital status serves, counted from the day after
// its issue (Decree 123/2015 art. 23: 6 months; Civil Code 2015 art. 147–148).
const StatusValidity = 6

// ValidUntil is the last day a certificate issued on issued serves: the matching day six months
// on, or the month's last day where it has none (31 August → 28 or 29 February).
func ValidUntil(issued time.Time) time.Time {
	y, m, d := AddMonths(issued, StatusValidity).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddMonths counts a period of months as the Civil Code 2015 does (art. 148): it ends on the
// same day of its last month, or on that month's last day when it has no such day (31 August
// and six months: 28 February; 29 February and a year: 28 February).
func AddMonths(t time.Time, months int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(t.Day(), last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// StatusOf is what the register shows of p on the day on: married (and to whom) while one of
// their marriages has not ended by then; else divorced or widowed by how the latest ended; else
// never married. unions are those that name p; by is the union the status rests on (nil for
// never married), whose references the certificate cites.
func StatusOf(p Party, unions []Union, on string) (status, spouse string, by *Union) {
	for i, u := range unions {
		other, ok := u.Wife, SamePerson(p, u.Husband)
		if !ok {
			other, ok = u.Husband, SamePerson(p, u.Wife)
		}
		if !ok {
			continue
		}
		if u.EndedOn == "" || u.EndedOn > on {
			return Married, other.FullName, &unions[i]
		}
		if by == nil || u.EndedOn > by.EndedOn {
			by = &unions[i]
		}
	}
	switch {
	case by == nil:
		return NeverMarried, "", nil
	case by.DivorcedOn != "" && by.DivorcedOn == by.EndedOn:
		return DivorcedNow, "", by
	}
	return Widowed, "", by
}

// ForMarriage says whether the certificate is asked for marrying: it then names the intended
// spouse (Circular 04/2020/TT-BTP art. 12.3).
func (s *MaritalStatus) ForMarriage() bool {
	return s.IntendedSpouse != nil || strings.Contains(vntext.Fold(s.Purpose), "ket hon")
}

func (s *MaritalStatus) Kind() Kind { return MaritalStatusKind }

func (s *MaritalStatus) Subject() Person {
	return Person{FullName: s.Person.FullName, DateOfBirth: s.Person.DateOfBirth, PersonalID: s.Person.PersonalID,
		Nationality: s.Person.Nationality, Residence: s.Person.Residence}
}

func (s *MaritalStatus) Normalize() {
	for _, p := range []*Spouse{&s.Person, s.IntendedSpouse} {
		if p == nil {
			continue
		}
		p.FullName, p.PersonalID = vntext.Clean(p.FullName), strings.TrimSpace(p.PersonalID)
		p.Papers = strings.Join(strings.Fields(p.Papers), " ")
		listed(&p.Ethnicity, &p.Nationality)
	}
	s.Purpose = strings.Join(strings.Fields(s.Purpose), " ")
}

// Validate checks the person asking (named, born, identified), the purpose, and for marrying
// the intended spouse named and born.
func (s *MaritalStatus) Validate(registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	c.date("registered_on", registeredOn, true)
	c.name("person.full_name", s.Person.FullName)
	born := c.date("person.date_of_birth", s.Person.DateOfBirth, true)
	c.personalID("person.personal_id", s.Person.PersonalID, born, "")
	c.ethnicity("person.ethnicity", s.Person.Ethnicity, false)
	c.nationality("person.nationality", s.Person.Nationality, false)
	c.optional("person.residence", s.Person.Residence)
	c.optional("person.papers", s.Person.Papers)
	c.required("purpose", s.Purpose)
	if s.ForMarriage() {
		if s.IntendedSpouse == nil {
			v.Add("intended_spouse", "civil.intended_spouse_required")
		} else {
			c.name("intended_spouse.full_name", s.IntendedSpouse.FullName)
			c.date("intended_spouse.date_of_birth", s.IntendedSpouse.DateOfBirth, true)
			c.nationality("intended_spouse.nationality", s.IntendedSpouse.Nationality, false)
			c.optional("intended_spouse.residence", s.IntendedSpouse.Residence)
		}
	}
	return v.Err()
}

// Late: a certificate has no statutory time.
func (s *MaritalStatus) Late(string) bool { return false }

// Facts: the duplicate rules do not apply: a person may ask for several certificates.
func (s *MaritalStatus) Facts() (Facts, bool) { return Facts{}, false }

// Keep carries over what the registration found, which a correction of what was typed does
// not change.
func (s *MaritalStatus) Keep(before Entry) {
	if b, ok := before.(*MaritalStatus); ok {
		s.Status, s.Spouse, s.Basis, s.ValidUntil, s.UsedFor = b.Status, b.Spouse, b.Basis, b.ValidUntil, b.UsedFor
	}
}

func (s *MaritalStatus) Search() Search { return Search{Name: s.Person.FullName} }

// Parties: the person is the entry's subject, indexed with it.
func (s *MaritalStatus) Parties() []Party { return nil }

// IdentityProblems: the person shows a personal ID or an identity paper (Decree 123/2015 art. 2.1).
func (s *MaritalStatus) IdentityProblems() error {
	var v fault.Validation
	v.Check(s.Person.PersonalID != "" || s.Person.Papers != "", "person.personal_id", "civil.identity_required")
	return v.Err()
}
