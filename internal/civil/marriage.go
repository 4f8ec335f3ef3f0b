package civil

import (
	"slices"
	"strings"
	"time"

	"tuphap/internal/fault"
	"tuphap/internal/nationality"
	"tuphap/internal/vntext"
)

// Spouse is one party of a marriage as the register records them.
type Spouse struct {
	FullName    string `json:"full_name"`
	DateOfBirth string `json:"date_of_birth"`
	Ethnicity   string `json:"ethnicity,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Residence   string `json:"residence,omitempty"`
	PersonalID  string `json:"personal_id,omitempty"`
	// Papers is the identity paper shown when there is no personal ID: a passport's kind and
	// number for a foreigner (Decree 123/2015 art. 2.1).
	Papers string `json:"papers,omitempty"`
	// MaritalProof is a foreign party's proof of being unmarried, issued by their country's
	// authority (Law 60/2014 art. 38.1; Decree 123/2015 art. 30.1): its name, number and day.
	MaritalProof string `json:"marital_proof,omitempty"`
}

// Marriage is a marriage registration (đăng ký kết hôn, Law 60/2014 art. 17–18). The register
// has a husband's side and a wife's side: the Law on Marriage and Family 52/2014 art. 8.2 does
// not recognise a marriage between persons of the same sex.
type Marriage struct {
	Husband Spouse `json:"husband"`
	Wife    Spouse `json:"wife"`
	// Divorce, once recorded against the entry, ended the marriage.
	Divorce *Divorce `json:"divorce,omitempty"`
	// Reregistered: registered again, the register and the original lost; the marriage dates
	// from its first registration (Decree 123/2015 art. 27.3).
	Reregistered *Reregistration `json:"reregistered,omitempty"`
	// RegisteredAbroad: registered by a foreign authority, written into the register here; the marriage
	// dates from that registration.
	RegisteredAbroad *ForeignRecord `json:"registered_abroad,omitempty"`
}

// Divorce is a court's judgment or decision that ended a marriage, recorded in the register
// against the marriage entry (Law 60/2014 art. 3.2.đ). The marriage ends the day it takes legal
// effect (Law on Marriage and Family 2014 art. 57.1); the parties may then marry again.
type Divorce struct {
	Court       string `json:"court"`        // "Tòa án nhân dân khu vực 1 - Quảng Ngãi"
	Decision    string `json:"decision"`     // the judgment's or decision's number, "25/2026/QĐST-HNGĐ"
	EffectiveOn string `json:"effective_on"` // the day it took legal effect
	// Country is where a foreign court or authority decided it, written into the register
	// here (ghi chú ly hôn, Law 60/2014 art. 48; Decree 123/2015 art. 37); "" for a court of
	// Việt Nam.
	Country string `json:"country,omitempty"`
}

// DivorceBasis is what a divorce's record in the register rests on.
const DivorceBasis = "Luật Hộ tịch 2014, Điều 3.2.đ; Luật HN&GĐ 2014, Điều 57.1"

// MarriageAge is the minimum age to marry under the law in force on a day. Kept as data, with
// the article each line comes from, because legacy registers span three laws.
type MarriageAge struct {
	From           time.Time // in force from this day
	Husband, Wife  int       // years
	EnteringTheAge bool      // "từ 20 tuổi": entering the year is enough, not completing it
	Basis          string
}

// MarriageAges, newest first.
var MarriageAges = []MarriageAge{
	// Law on Marriage and Family 52/2014/QH13 art. 8.1.a, in force 1 January 2015: "nam từ đủ
	// 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên": completed years.
	{From: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), Husband: 20, Wife: 18, Basis: "Luật HN&GĐ 2014, Điều 8.1.a"},
	// Law 22/2000/QH10 art. 9.1, like the Laws of 1959 (art. 6, in force 13 January 1960) and
	// 1986 (art. 5) before it: "nam từ hai mươi tuổi trở lên, nữ từ mười tám tuổi trở lên", which
	// Resolution 02/2000/NQ-HĐTP point 1.a reads as entering that year of age (a man who has
	// completed 19 years may marry).
	{From: time.Date(1960, 1, 13, 0, 0, 0, 0, time.UTC), Husband: 20, Wife: 18, EnteringTheAge: true, Basis: "Luật HN&GĐ 2000, Điều 9.1 (1959: Điều 6; 1986: Điều 5); NQ 02/2000/NQ-HĐTP"},
}

// MarriageAgeOn is the rule in force on day (the oldest one for days before every rule).
func MarriageAgeOn(day time.Time) MarriageAge {
	for _, a := range MarriageAges {
		if !day.Before(a.From) {
			return a
		}
	}
	return MarriageAges[len(MarriageAges)-1]
}

// OldEnough reports whether someone born on born had the age min on day, under rule a.
func (a MarriageAge) OldEnough(born, day time.Time, min int) bool {
	if a.EnteringTheAge {
		min--
	}
	return !Anniversary(born, min).After(day)
}

// Anniversary is the day someone born on born completes years. Born on 29 February, it is 28
// February in a common year: a period of years ends on the matching day of its last year, and
// where that month has no such day, on the month's last day (Civil Code 2015 art. 148.3–4).
// Go's AddDate would carry it to 1 March.
func Anniversary(born time.Time, years int) time.Time {
	y := born.Year() + years
	d := time.Date(y, born.Month(), born.Day(), 0, 0, 0, 0, time.UTC)
	if d.Month() != born.Month() {
		d = time.Date(y, born.Month()+1, 0, 0, 0, 0, 0, time.UTC) // the month's last day
	}
	return d
}

// Normalize tidies a marriage as typed.
func (m *Marriage) Normalize() {
	for _, s := range []*Spouse{&m.Husband, &m.Wife} {
		s.FullName = vntext.Clean(s.FullName)
		s.PersonalID = strings.TrimSpace(s.PersonalID)
		s.Papers = strings.Join(strings.Fields(s.Papers), " ")
		listed(&s.Ethnicity, &s.Nationality)
	}
	if d := m.Divorce; d != nil {
		d.Court, d.Decision, d.Country = strings.Join(strings.Fields(d.Court), " "), strings.TrimSpace(d.Decision), strings.TrimSpace(d.Country)
		if c, ok := nationality.Find(d.Country); ok {
			d.Country = c.Name
		}
	}
	m.Reregistered.normalize()
	m.RegisteredAbroad.normalize()
}

// ValidateMarriage checks a marriage registered on registeredOn: both sides named and born, each
// of marriageable age on that day under the law then in force; a marriage registered again, on
// the day of its first registration.
func ValidateMarriage(m *Marriage, registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	reg := c.date("registered_on", registeredOn, true)
	if r := m.Reregistered; r != nil {
		r.check(c, time.Time{})
		if first, ok := ParseDate(r.OriginalDate); ok {
			reg = first
		}
	}
	// Registered abroad: the law's conditions are judged on that day (Decree 123/2015 art. 35).
	if abroad := m.RegisteredAbroad.check(c, time.Time{}); !abroad.IsZero() {
		reg = abroad
	}
	rule := MarriageAgeOn(reg)
	// Art. 8.2: both personal IDs saying one sex is a marriage the law does not recognise; said
	// first, so that the side whose ID does not fit reads this rather than a wrong ID.
	if hs, ws := sexOfID(m.Husband.PersonalID), sexOfID(m.Wife.PersonalID); hs != "" && hs == ws {
		side := "wife."
		if hs == Female {
			side = "husband."
		}
		v.Add(side+"personal_id", "civil.same_sex_marriage")
	}
	for _, side := range []struct {
		prefix string
		s      Spouse
		sex    string
		min    int
	}{{"husband.", m.Husband, Male, rule.Husband}, {"wife.", m.Wife, Female, rule.Wife}} {
		c.name(side.prefix+"full_name", side.s.FullName)
		born := c.date(side.prefix+"date_of_birth", side.s.DateOfBirth, true)
		if !born.IsZero() && !reg.IsZero() && !rule.OldEnough(born, reg, side.min) {
			v.Add(side.prefix+"date_of_birth", "civil.under_marriage_age")
		}
		c.personalID(side.prefix+"personal_id", side.s.PersonalID, born, side.sex)
		c.ethnicity(side.prefix+"ethnicity", side.s.Ethnicity, false)
		c.nationality(side.prefix+"nationality", side.s.Nationality, false)
		c.optional(side.prefix+"residence", side.s.Residence)
		c.optional(side.prefix+"papers", side.s.Papers)
		c.optional(side.prefix+"marital_proof", side.s.MaritalProof)
	}
	if d := m.Divorce; d != nil {
		c.required("divorce.court", d.Court)
		c.required("divorce.decision", d.Decision)
		if d.Country != "" {
			c.nationality("divorce.country", d.Country, true)
			c.v.Check(d.Country != "Việt Nam", "divorce.country", "foreign.not_abroad")
		}
		// Not before the marriage it ends, nor in the future.
		if ended := c.date("divorce.effective_on", d.EffectiveOn, true); !ended.IsZero() && !reg.IsZero() && ended.Before(reg) {
			v.Add("divorce.effective_on", "civil.divorce_before_marriage")
		}
	}
	return v.Err()
}

// Foreign says whether a party is not a Vietnamese citizen: the marriage then has a foreign
// element (Law 60/2014 art. 37–38; registered by the commune since Decree 120/2025).
func (m *Marriage) Foreign() bool {
	for _, s := range []Spouse{m.Husband, m.Wife} {
		if s.Nationality != "" && s.Nationality != "Việt Nam" {
			return true
		}
	}
	return false
}

// IdentityProblems are the parties of a marriage registered at the desk who show no identity
// (of the roles given, or both): each presents a personal ID or an identity paper (Decree
// 123/2015 art. 2.1; Law 60/2014 art. 18.1: both parties come in person), and a foreign party
// the proof of their marital status from their country (Law 60/2014 art. 38.1; Decree 123/2015
// art. 30.1) unless the marriage is written in from abroad or registered again. Legacy
// registers, which may hold none of them, are not held to it.
func (m *Marriage) IdentityProblems(roles ...string) error {
	var v fault.Validation
	for _, p := range []struct {
		role string
		s    Spouse
	}{{HusbandRole, m.Husband}, {WifeRole, m.Wife}} {
		if len(roles) == 0 || slices.Contains(roles, p.role) {
			v.Check(p.s.PersonalID != "" || strings.TrimSpace(p.s.Papers) != "", p.role+".personal_id", "civil.identity_required")
			foreign := p.s.Nationality != "" && p.s.Nationality != "Việt Nam" && m.RegisteredAbroad == nil && m.Reregistered == nil
			v.Check(!foreign || strings.TrimSpace(p.s.MaritalProof) != "", p.role+".marital_proof", "marriage.foreign_proof")
		}
	}
	return v.Err()
}
