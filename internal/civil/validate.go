package civil

import (
	"strings"
	"time"
	"unicode"

	"tuphap/internal/ethnic"
	"tuphap/internal/fault"
	"tuphap/internal/nationality"
	"tuphap/internal/vntext"
)

// MaxText is the longest free text accepted in one field.
const MaxText = 200

// checker collects problems under a field prefix such as "child.".
type checker struct {
	v     *fault.Validation
	today time.Time
}

func (c checker) required(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		c.v.Add(field, "civil.required")
		return false
	}
	if len([]rune(value)) > MaxText {
		c.v.Add(field, "civil.too_long")
		return false
	}
	return true
}

func (c checker) optional(field, value string) {
	if len([]rune(value)) > MaxText {
		c.v.Add(field, "civil.too_long")
	}
}

// ethnicity checks an ethnic group against the 54 of the official list (Decision
// 121-TCTK/PPCĐ); Normalize has already written a recognised spelling the list's way.
func (c checker) ethnicity(field, value string, need bool) {
	_, known := ethnic.Find(value)
	c.listed(field, value, need, known, "civil.ethnicity_unknown")
}

// nationality checks a country (ISO 3166-1, by its Vietnamese name once normalised).
func (c checker) nationality(field, value string, need bool) {
	_, known := nationality.Find(value)
	c.listed(field, value, need, known, "civil.nationality_unknown")
}

// listed reports a value of an official list: missing when needed, or not on the list.
func (c checker) listed(field, value string, need, known bool, unknown string) {
	switch {
	case value == "":
		c.v.Check(!need, field, "civil.required")
	case !known:
		c.v.Add(field, unknown)
	}
}

// listed writes a recognised ethnic group and country the way the official lists do ("Mông"
// → "Hmông", "Viet Nam" → "Việt Nam"); anything else stays as typed, for validation to report.
func listed(ethnicity, country *string) {
	*ethnicity, *country = strings.TrimSpace(*ethnicity), strings.TrimSpace(*country)
	if g, ok := ethnic.Find(*ethnicity); ok {
		*ethnicity = g.Name
	}
	if c, ok := nationality.Find(*country); ok {
		*country = c.Name
	}
}

// name checks a person's name: letters, spaces, apostrophes and hyphens (ethnic-minority names
// such as "Ksor H'Bia" or "Y-Moan" use them).
func (c checker) name(field, value string) {
	if !c.required(field, value) {
		return
	}
	for _, r := range value {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != ' ' && r != '\'' && r != '-' {
			c.v.Add(field, "civil.name_chars")
			return
		}
	}
}

// date checks a date that must not lie in the future; it returns the zero time when absent or bad.
func (c checker) date(field, value string, need bool) time.Time {
	if value == "" {
		if need {
			c.v.Add(field, "civil.required")
		}
		return time.Time{}
	}
	t, ok := ParseDate(value)
	if !ok {
		c.v.Add(field, "civil.date_format")
		return time.Time{}
	}
	if t.After(c.today) {
		c.v.Add(field, "civil.date_future")
	}
	if t.Year() < 1850 {
		c.v.Add(field, "civil.date_too_old")
	}
	return t
}

func (c checker) sex(field, value string) {
	if value != Male && value != Female {
		c.v.Add(field, "civil.sex")
	}
}

func (c checker) personalID(field, id string, born time.Time, sex string) {
	if id == "" {
		return
	}
	if p := PersonalIDProblem(id, born, sex); p != "" {
		c.v.Add(field, p)
	}
}

// parent checks a mother or father, who must be born before the child. A parent's birth may be
// known by its year alone ("1975"): the birth certificate records the parents' year of birth
// (Thông tư 04/2020/TT-BTP, mẫu Giấy khai sinh: "Năm sinh"), and old registers hold no more.
func (c checker) parent(prefix string, p *Parent, childBorn time.Time, sex string) {
	c.name(prefix+"full_name", p.FullName)
	var born time.Time
	if y, ok := YearOnly(p.DateOfBirth); ok {
		switch {
		case y > c.today.Year():
			c.v.Add(prefix+"date_of_birth", "civil.date_future")
		case y < 1850:
			c.v.Add(prefix+"date_of_birth", "civil.date_too_old")
		case !childBorn.IsZero() && y > childBorn.Year():
			c.v.Add(prefix+"date_of_birth", "civil.parent_after_child")
		}
		born = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		born = c.date(prefix+"date_of_birth", p.DateOfBirth, false)
		if !born.IsZero() && !childBorn.IsZero() && !born.Before(childBorn) {
			c.v.Add(prefix+"date_of_birth", "civil.parent_after_child")
		}
	}
	c.personalID(prefix+"personal_id", p.PersonalID, born, sex)
	c.ethnicity(prefix+"ethnicity", p.Ethnicity, false)
	c.nationality(prefix+"nationality", p.Nationality, false)
	c.optional(prefix+"residence", p.Residence)
}

func (c checker) requester(r Requester) {
	c.name("requester.full_name", r.FullName)
	c.required("requester.relation", r.Relation)
	c.personalID("requester.personal_id", r.PersonalID, time.Time{}, "")
}

// registered checks the registration date: not in the future, not before the event.
func (c checker) registered(value string, event time.Time) time.Time {
	t := c.date("registered_on", value, true)
	if !t.IsZero() && !event.IsZero() && t.Before(event) {
		c.v.Add("registered_on", "civil.registered_before_event")
	}
	return t
}

// Normalize tidies what people type: names in NFC with capitals, spaces trimmed. Nothing is
// dropped.
func (b *Birth) Normalize() {
	b.Child.normalize()
	for _, p := range []*Parent{b.Mother, b.Father} {
		if p != nil {
			p.normalize()
		}
	}
	if b.Abroad != nil {
		var none string
		listed(&none, &b.Abroad.Country)
	}
	b.Requester.FullName = vntext.Clean(b.Requester.FullName)
	b.Reregistered.normalize()
	b.RegisteredAbroad.normalize()
}

func (p *Parent) normalize() {
	p.FullName = vntext.Clean(p.FullName)
	p.PersonalID = strings.TrimSpace(p.PersonalID)
	listed(&p.Ethnicity, &p.Nationality)
}

func (p *Person) normalize() {
	p.FullName = vntext.Clean(p.FullName)
	p.PersonalID = strings.TrimSpace(p.PersonalID)
	p.Sex = strings.ToLower(strings.TrimSpace(p.Sex))
	listed(&p.Ethnicity, &p.Nationality)
}

// ValidateBirth checks a birth registered on registeredOn (YYYY-MM-DD) and returns every problem
// at once, keyed by field ("child.date_of_birth"). today is the office's current date.
func ValidateBirth(b *Birth, registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	ch := b.Child
	c.name("child.full_name", ch.FullName)
	c.sex("child.sex", ch.Sex)
	born := c.date("child.date_of_birth", ch.DateOfBirth, true)
	c.required("child.place_of_birth", ch.PlaceOfBirth)
	c.ethnicity("child.ethnicity", ch.Ethnicity, true)
	c.nationality("child.nationality", ch.Nationality, true)
	c.optional("child.hometown", ch.Hometown)
	c.optional("child.residence", ch.Residence)
	c.personalID("child.personal_id", ch.PersonalID, born, ch.Sex)
	c.registered(registeredOn, born)
	if b.Mother != nil {
		c.parent("mother.", b.Mother, born, Female)
	}
	if b.Father != nil {
		c.parent("father.", b.Father, born, Male)
	}
	// Law 60/2014 art. 16, Decree 123/2015 art. 14: a child with neither parent known is
	// registered as an abandoned child, with the record of its finding.
	if b.Mother == nil && b.Father == nil && b.Abandoned == nil {
		v.Add("mother", "civil.parent_required")
	}
	if b.Abandoned != nil {
		found := c.date("abandoned.found_on", b.Abandoned.FoundOn, true)
		if !found.IsZero() && !born.IsZero() && found.Before(born) {
			v.Add("abandoned.found_on", "civil.found_before_birth")
		}
		c.required("abandoned.found_at", b.Abandoned.FoundAt)
		c.optional("abandoned.finder", b.Abandoned.Finder)
	}
	if b.Abroad != nil {
		c.nationality("abroad.country", b.Abroad.Country, true)
	}
	b.Reregistered.check(c, born)
	b.RegisteredAbroad.check(c, born)
	c.requester(b.Requester)
	return v.Err()
}

// Normalize tidies a death as typed.
func (d *Death) Normalize() {
	d.Deceased.normalize()
	d.Requester.FullName = vntext.Clean(d.Requester.FullName)
	d.Reregistered.normalize()
}

// ValidateDeath checks a death; a person cannot die before being born.
func ValidateDeath(d *Death, registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	p := d.Deceased
	c.name("deceased.full_name", p.FullName)
	c.sex("deceased.sex", p.Sex)
	born := c.date("deceased.date_of_birth", p.DateOfBirth, true)
	c.personalID("deceased.personal_id", p.PersonalID, born, p.Sex)
	c.ethnicity("deceased.ethnicity", p.Ethnicity, false)
	c.nationality("deceased.nationality", p.Nationality, false)
	c.optional("deceased.residence", p.Residence)
	died := c.date("date_of_death", d.DateOfDeath, true)
	if !died.IsZero() && !born.IsZero() && died.Before(born) {
		v.Add("date_of_death", "civil.death_before_birth")
	}
	c.required("place_of_death", d.PlaceOfDeath)
	c.required("cause", d.Cause)
	c.registered(registeredOn, died)
	d.Reregistered.check(c, died)
	c.requester(d.Requester)
	return v.Err()
}
