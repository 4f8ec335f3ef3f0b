package civil

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

// The rules of Law on Adoption 52/2010 on the parties themselves, each with its article; the
// registration day is 10 March 2026 throughout.
func TestAdoptionRules(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	base := func() *Adoption {
		return &Adoption{Child: Person{FullName: "Lê Thị Na", Sex: Female, DateOfBirth: "2020-06-01"},
			Father:  &Parent{FullName: "Trần Văn Bình", DateOfBirth: "1980-02-02", PersonalID: "051080009999"},
			Mother:  &Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07"},
			Consent: "Lê Văn Tâm và Lê Thị Hoa (cha mẹ đẻ)", ConsentedOn: "2026-02-01"}
	}
	tests := []struct {
		name  string
		edit  func(*Adoption)
		field string
		want  string
	}{
		{"a couple adopts a child of five", func(*Adoption) {}, "", ""},
		{"one person alone (art. 8.3)", func(a *Adoption) { a.Father = nil }, "", ""},
		{"nobody adopts", func(a *Adoption) { a.Father, a.Mother = nil, nil }, "father", "adoption.adopter_needed"},
		// Art. 8.1: a child under 16; art. 8.2: 16 to under 18 by a step-parent, aunt or uncle.
		{"a child of 16 by strangers", func(a *Adoption) { a.Child.DateOfBirth, a.ChildConsent = "2010-03-10", true }, "child.date_of_birth", "adoption.child_over_16"},
		{"16 tomorrow", func(a *Adoption) { a.Child.DateOfBirth, a.ChildConsent = "2010-03-11", true }, "", ""},
		{"a child of 16 by a step-father", func(a *Adoption) {
			a.Child.DateOfBirth, a.ChildConsent, a.Relation, a.Mother = "2010-01-01", true, StepParent, nil
		}, "", ""},
		{"18 even by an uncle", func(a *Adoption) { a.Child.DateOfBirth, a.ChildConsent, a.Relation = "2008-03-10", true, Relative }, "child.date_of_birth", "adoption.child_adult"},
		{"a relation the law does not name", func(a *Adoption) { a.Relation = "neighbour" }, "relation", "adoption.relation"},
		// Art. 14.1.b: at least 20 years older, to the day; art. 14.3 lifts it for kin.
		{"19 years older", func(a *Adoption) { a.Father.DateOfBirth, a.Father.PersonalID = "2000-06-02", "" }, "father.date_of_birth", "adoption.age_gap"},
		{"20 years older to the day", func(a *Adoption) { a.Father.DateOfBirth, a.Father.PersonalID = "2000-06-01", "" }, "", ""},
		{"born 29 February, a child born 20 years later to the day", func(a *Adoption) {
			a.Child.DateOfBirth, a.Mother.DateOfBirth, a.Father = "2020-02-29", "2000-02-29", nil
		}, "", ""},
		{"born 29 February, a child born the day before", func(a *Adoption) {
			a.Child.DateOfBirth, a.Mother.DateOfBirth, a.Father = "2020-02-28", "2000-02-29", nil
		}, "mother.date_of_birth", "adoption.age_gap"},
		{"an aunt 15 years older", func(a *Adoption) { a.Father, a.Mother.DateOfBirth, a.Relation = nil, "2005-01-01", Relative }, "", ""},
		// Art. 14.1.a: full civil capacity: an adult (Civil Code 2015 art. 20), kin or not.
		{"an uncle of 17", func(a *Adoption) {
			a.Mother, a.Father.DateOfBirth, a.Father.PersonalID, a.Relation = nil, "2009-01-01", "", Relative
		},
			"father.date_of_birth", "adoption.adopter_minor"},
		{"the adopter's year only", func(a *Adoption) { a.Mother.DateOfBirth = "1982" }, "mother.date_of_birth", "adoption.adopter_born"},
		// Art. 21.1: the birth parents' (or guardian's) consent; art. 21.4: not before 15 days old.
		{"no consent", func(a *Adoption) { a.Consent = "" }, "consent", "civil.required"},
		{"consent at 14 days", func(a *Adoption) { a.Child.DateOfBirth, a.ConsentedOn = "2026-01-20", "2026-02-02" }, "consented_on", "adoption.consent_too_early"},
		{"consent at 15 days", func(a *Adoption) { a.Child.DateOfBirth, a.ConsentedOn = "2026-01-20", "2026-02-04" }, "", ""},
		{"consent after the registration", func(a *Adoption) { a.ConsentedOn = "2026-03-11" }, "consented_on", "civil.date_future"},
		// Art. 21.1: a child from 9 years old consents too.
		{"a child of 9 not asked", func(a *Adoption) { a.Child.DateOfBirth = "2017-03-10" }, "child_consent", "adoption.child_consent"},
		{"a child of 9 consents", func(a *Adoption) { a.Child.DateOfBirth, a.ChildConsent = "2017-03-10", true }, "", ""},
		{"a child of 8 need not", func(a *Adoption) { a.Child.DateOfBirth = "2017-03-11" }, "", ""},
	}
	// Registered on 1 March (a paper entered later) with a consent of 5 March: after it.
	late := base()
	late.ConsentedOn = "2026-03-05"
	if e, _ := fault.As(late.Validate("2026-03-01", today)); e == nil || e.Fields["consented_on"] != "adoption.consent_after" {
		t.Errorf("a consent after the registration: %v", e)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			tt.edit(a)
			a.Normalize()
			err := a.Validate("2026-03-10", today)
			wantField(t, err, tt.field, tt.want)
		})
	}
}

// Adoptions of a legacy register are judged by the law in force on their day (AdoptionRuleOn):
// before 1 January 2011 the Law on Marriage and Family 2000 art. 68–71, which lifts the age gap
// for nobody, sets no day for the consent and allows older children in cases a register does
// not show; from that day the Law on Adoption 2010.
func TestAdoptionRulesOfTheirDay(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	stepFather := func(registered string) *Adoption {
		return &Adoption{Child: Person{FullName: "Lê Thị Na", Sex: Female, DateOfBirth: "2005-06-01"},
			Father: &Parent{FullName: "Trần Văn Bình", DateOfBirth: "1990-02-02"}, Relation: StepParent,
			Consent: "Lê Thị Hoa (mẹ đẻ)"}
	}
	tests := []struct {
		name, on string
		edit     func(*Adoption)
		field    string
		want     string
	}{
		// LMF 2000 art. 69.2: 20 years older, step-fathers too.
		{"a step-father 15 years older in 2010", "2010-12-31", func(*Adoption) {}, "father.date_of_birth", "adoption.age_gap_2000"},
		// Law on Adoption 2010 art. 14.3, in force 1 January 2011: step-parents exempt; art.
		// 21.4: the consent's day is asked.
		{"the same on 1 January 2011", "2011-01-01", func(*Adoption) {}, "consented_on", "civil.required"},
		{"the same in 2011 with the consent's day", "2011-01-01", func(a *Adoption) { a.ConsentedOn = "2010-12-01" }, "", ""},
		// LMF 2000 art. 68.2: older than 15 in cases the register does not show.
		{"a girl of 17 by a couple in 2009", "2009-01-01", func(a *Adoption) {
			a.Child.DateOfBirth, a.ChildConsent, a.Relation, a.Father.DateOfBirth = "1991-06-01", true, "", "1960-01-01"
		}, "", ""},
		// LMF 2000 art. 71: a child from 9 years old consents.
		{"a child of 9 not asked in 2008", "2008-01-01", func(a *Adoption) {
			a.Child.DateOfBirth, a.Relation, a.Father.DateOfBirth = "1998-06-01", "", "1960-01-01"
		}, "child_consent", "adoption.child_consent_2000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := stepFather(tt.on)
			tt.edit(a)
			a.Normalize()
			wantField(t, a.Validate(tt.on, today), tt.field, tt.want)
		})
	}
}

// The adoptive parents join the child's birth entry, whose birth parents stay; a child adopted
// already is refused (art. 8.3), and a correction of the birth keeps them.
func TestAdopt(t *testing.T) {
	a := &Adoption{Mother: &Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07"}}
	b := &Birth{Child: Person{FullName: "Lê Thị Na"}, Mother: &Parent{FullName: "Lê Thị Hoa"}}
	out, err := a.Adopt(b, "2026-03-10")
	if err != nil || out.Adoptive == nil || out.Adoptive.Mother.FullName != "Phạm Thị Lan" || out.Adoptive.Father != nil ||
		out.Mother.FullName != "Lê Thị Hoa" || b.Adoptive != nil {
		t.Fatalf("adopted: %v %+v (the entry given must stay as it was: %+v)", err, out, b.Adoptive)
	}
	if _, err := a.Adopt(out, "2026-03-11"); !fault.Is(err, fault.Conflict) {
		t.Fatalf("adopted twice: %v", err)
	}
	corrected := &Birth{Child: Person{FullName: "Lê Thị Nga"}}
	corrected.Keep(out)
	if corrected.Adoptive == nil || corrected.Adoptive.Mother.FullName != "Phạm Thị Lan" {
		t.Fatalf("a correction dropped the adoptive parents: %+v", corrected.Adoptive)
	}
}
