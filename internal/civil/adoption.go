package civil

import (
	"strings"
	"time"

	"tuphap/internal/fault"
)

// Adoption is the registration of an adoption within the country, by the commune (đăng ký việc
// nuôi con nuôi trong nước, Law on Adoption 52/2010/QH12 art. 9, 22): the child, the adoptive
// father, mother or both, how they are related when that lifts an age rule, and the consents
// the law asks for (art. 21).
type Adoption struct {
	Child Person `json:"child"`
	// One person alone, or husband and wife together (art. 8.3).
	Father *Parent `json:"father,omitempty"`
	Mother *Parent `json:"mother,omitempty"`
	// Relation is how the adopters are related to the child when it lifts an age rule
	// (StepParent, Relative); "" otherwise.
	Relation string `json:"relation,omitempty"`
	// Consent says who consented: the birth parents, the one left, or the guardian (art. 21.1);
	// ConsentedOn is when (art. 21.4: not before the child is 15 days old).
	Consent     string `json:"consent"`
	ConsentedOn string `json:"consented_on"`
	// ChildConsent: the child, from 9 years old, consented too (art. 21.1).
	ChildConsent bool `json:"child_consent,omitempty"`
	// BirthRecord is the child's birth entry, found by the registration, which gains the
	// adoptive parents as a new version.
	BirthRecord string `json:"birth_record,omitempty"`
	// RegisteredAbroad: decided by a foreign authority, written into the register here (Law
	// 60/2014 art. 48.1); the adoption dates from that decision, and the consents are the
	// foreign authority's to have taken.
	RegisteredAbroad *ForeignRecord `json:"registered_abroad,omitempty"`
}

// Relations of adopter and child that lift an age rule (Law on Adoption 2010 art. 8.2, 14.3).
const (
	StepParent = "step_parent" // cha dượng, mẹ kế: a spouse's child
	Relative   = "relative"    // cô, cậu, dì, chú, bác ruột: a niece or nephew
)

// Adoptive are the adoptive parents a birth entry shows once an adoption is registered (Law
// on Adoption 2010 art. 24.1: from then they have a parent's rights and duties).
type Adoptive struct {
	Father *Parent `json:"father,omitempty"`
	Mother *Parent `json:"mother,omitempty"`
	Since  string  `json:"since,omitempty"` // the adoption's registration day
}

// Roles of an adoption's adopters in record_parties.
const (
	AdoptiveFatherRole = "adoptive_father"
	AdoptiveMotherRole = "adoptive_mother"
)

// AdoptionBasis is what the adoption and the birth entry's new version rest on.
const AdoptionBasis = "Luật Nuôi con nuôi 2010, Điều 22, 24"

// The ages both laws share, in completed years.
const (
	adopterOlderBy   = 20 // Law on Adoption 2010 art. 14.1.b; Law on Marriage and Family 2000 art. 69.2
	adopterAdult     = 18 // full civil capacity: art. 14.1.a (2010), art. 69.1 (2000)
	childConsentFrom = 9  // art. 21.1 (2010), art. 71 (2000)
)

// AdoptionRule is what the law in force on an adoption's day asks of it, kept as data because
// legacy registers hold adoptions from before the Law on Adoption 2010.
type AdoptionRule struct {
	From time.Time // in force from this day
	// Under and KinUnder: the child is younger, in completed years; by a step-parent or an
	// aunt or uncle (KinUnder). 0: no bound the register can check.
	Under, KinUnder int
	// KinExempt: a step-parent, aunt or uncle need not be 20 years older.
	KinExempt bool
	// ConsentAfterBirth: the birth parents consent once the child is that many days old (0:
	// no such rule).
	ConsentAfterBirth int
	// Law is the suffix of the messages that cite this law's articles ("" for 2010).
	Law string
}

// AdoptionRules, newest first.
var AdoptionRules = []AdoptionRule{
	// Law on Adoption 52/2010/QH12, in force 1 January 2011: art. 8.1–2, 14.3, 21.4.
	{From: time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), Under: 16, KinUnder: 18, KinExempt: true, ConsentAfterBirth: 15},
	// Law on Marriage and Family 22/2000/QH10 art. 68–71 (and, a default for older registers,
	// the Law of 1986 art. 35–37, unverified): a child of 15 or under, or older when disabled,
	// incapacitated, or adopted by a lonely old person or the one who raised them (art. 68.2),
	// which a register does not show; the 20 years without exemption; no day set for consent.
	{Law: "_2000"},
}

// AdoptionRuleOn is the rule in force on day.
func AdoptionRuleOn(day time.Time) AdoptionRule {
	for _, r := range AdoptionRules {
		if !day.Before(r.From) {
			return r
		}
	}
	return AdoptionRules[len(AdoptionRules)-1]
}

func (a *Adoption) Kind() Kind      { return AdoptionKind }
func (a *Adoption) Subject() Person { return a.Child }

func (a *Adoption) Normalize() {
	a.Child.normalize()
	for _, p := range []*Parent{a.Father, a.Mother} {
		if p != nil {
			p.normalize()
		}
	}
	a.Consent = strings.Join(strings.Fields(a.Consent), " ")
	a.Relation = strings.TrimSpace(a.Relation)
	a.RegisteredAbroad.normalize()
}

// Validate checks the adoption against Law on Adoption 2010, every problem at once: the child
// under 16, or under 18 adopted by a step-parent or an aunt or uncle (art. 8.1–2); one adopter,
// or a father and a mother (art. 8.3); each adopter an adult (art. 14.1.a) at least 20 years
// older than the child unless a step-parent, aunt or uncle (art. 14.1.b, 14.3); the consent of
// the birth parents or guardian, given once the child was 15 days old (art. 21.1, 21.4), and
// the child's own from 9 years old (art. 21.1). An adoption decided abroad is judged on its
// day there, its consents the foreign authority's to have taken; one registered before 2011
// (a legacy register) by the Law on Marriage and Family 2000 (AdoptionRuleOn).
func (a *Adoption) Validate(registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	reg := c.date("registered_on", registeredOn, true)
	c.name("child.full_name", a.Child.FullName)
	c.sex("child.sex", a.Child.Sex)
	born := c.date("child.date_of_birth", a.Child.DateOfBirth, true)
	if !born.IsZero() && !reg.IsZero() && reg.Before(born) {
		v.Add("registered_on", "civil.registered_before_event")
	}
	// Decided abroad: the law's conditions are judged on that day.
	if abroad := a.RegisteredAbroad.check(c, born); !abroad.IsZero() {
		reg = abroad
	}
	c.personalID("child.personal_id", a.Child.PersonalID, born, a.Child.Sex)
	kin := a.Relation == StepParent || a.Relation == Relative
	if a.Relation != "" && !kin {
		v.Add("relation", "adoption.relation")
	}
	rule := AdoptionRuleOn(reg)
	if !born.IsZero() && !reg.IsZero() {
		switch age := completedYears(born, reg); {
		case rule.KinUnder > 0 && age >= rule.KinUnder:
			v.Add("child.date_of_birth", "adoption.child_adult")
		case rule.Under > 0 && age >= rule.Under && !kin:
			v.Add("child.date_of_birth", "adoption.child_over_16")
		case age >= childConsentFrom && !a.ChildConsent && a.RegisteredAbroad == nil:
			v.Add("child_consent", "adoption.child_consent"+rule.Law)
		}
	}
	if a.Father == nil && a.Mother == nil {
		v.Add("father", "adoption.adopter_needed")
	}
	for _, s := range []struct {
		prefix string
		p      *Parent
		sex    string
	}{{"father.", a.Father, Male}, {"mother.", a.Mother, Female}} {
		if s.p == nil {
			continue
		}
		c.parent(s.prefix, s.p, born, s.sex)
		adopter, ok := ParseDate(s.p.DateOfBirth)
		if !ok {
			if _, yearOnly := YearOnly(s.p.DateOfBirth); yearOnly || s.p.DateOfBirth == "" {
				v.Add(s.prefix+"date_of_birth", "adoption.adopter_born") // the age gap needs the day
			}
			continue
		}
		switch {
		case !reg.IsZero() && completedYears(adopter, reg) < adopterAdult:
			v.Add(s.prefix+"date_of_birth", "adoption.adopter_minor")
		case !born.IsZero() && !(kin && rule.KinExempt) && Anniversary(adopter, adopterOlderBy).After(born):
			v.Add(s.prefix+"date_of_birth", "adoption.age_gap"+rule.Law)
		}
	}
	if a.RegisteredAbroad != nil {
		c.optional("consent", a.Consent)
	} else if c.required("consent", a.Consent) {
		consented := c.date("consented_on", a.ConsentedOn, rule.ConsentAfterBirth > 0) // old books kept no day
		switch {
		case consented.IsZero():
		case !born.IsZero() && rule.ConsentAfterBirth > 0 && consented.Before(born.AddDate(0, 0, rule.ConsentAfterBirth)):
			v.Add("consented_on", "adoption.consent_too_early")
		case !reg.IsZero() && consented.After(reg):
			v.Add("consented_on", "adoption.consent_after")
		}
	}
	return v.Err()
}

// CompletedYears is someone's age in completed years on day (29 February as Anniversary has it).
func CompletedYears(born, day time.Time) int { return completedYears(born, day) }

func completedYears(born, day time.Time) int {
	n := day.Year() - born.Year()
	if Anniversary(born, n).After(day) {
		n--
	}
	return n
}

// Late: an adoption has no time within which it must be registered.
func (a *Adoption) Late(string) bool { return false }

// Facts: the duplicate rules compare births and deaths.
func (a *Adoption) Facts() (Facts, bool) { return Facts{}, false }

// Keep carries over the link to the birth entry, which the registration found.
func (a *Adoption) Keep(before Entry) {
	if b, ok := before.(*Adoption); ok {
		a.BirthRecord = b.BirthRecord
	}
}

// Search finds an adoption by the child, and by the adopters as a birth is found by its parents.
func (a *Adoption) Search() Search {
	s := Search{Name: a.Child.FullName, BirthRecord: a.BirthRecord}
	if a.Mother != nil {
		s.Mother, s.MotherID = a.Mother.FullName, a.Mother.PersonalID
	}
	if a.Father != nil {
		s.Father = a.Father.FullName
	}
	return s
}

// Parties are the adopters, found by the checks of other entries: an adoptive parent and the
// adopted child may never marry (Law on Marriage and Family 2014 art. 5.2.d).
func (a *Adoption) Parties() []Party {
	var out []Party
	for _, s := range []struct {
		role string
		p    *Parent
	}{{AdoptiveFatherRole, a.Father}, {AdoptiveMotherRole, a.Mother}} {
		if s.p != nil {
			out = append(out, Party{Role: s.role, FullName: s.p.FullName, DateOfBirth: s.p.DateOfBirth, PersonalID: s.p.PersonalID})
		}
	}
	return out
}

// Adopt is the child's birth entry with the adoptive parents added, adopted on the day on. A
// child adopted already is refused: one may be the adopted child of one person alone or of one
// couple (Law on Adoption 2010 art. 8.3); a new adoption needs the first one ended.
func (a *Adoption) Adopt(b *Birth, on string) (*Birth, error) {
	if b.Adoptive != nil {
		return nil, &fault.Error{Kind: fault.Conflict, Code: "adoption.adopted_already",
			Fields: map[string]string{"child.full_name": "adoption.adopted_already"}}
	}
	return a.Readopt(b, on), nil
}

// Readopt is the child's birth entry with the adoptive parents as the adoption (corrected,
// say) names them, adopted on the day on.
func (a *Adoption) Readopt(b *Birth, on string) *Birth {
	out := Copy(b).(*Birth)
	out.Adoptive = &Adoptive{Since: on}
	if a.Father != nil {
		f := *a.Father
		out.Adoptive.Father = &f
	}
	if a.Mother != nil {
		m := *a.Mother
		out.Adoptive.Mother = &m
	}
	return out
}
