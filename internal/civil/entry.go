package civil

import (
	"encoding/json"
	"fmt"
	"time"

	"tuphap/internal/fault"
)

// Entry is the content of a register entry of one kind (*Birth, *Death, *Marriage). Storage,
// validation, amendment, the duplicate check and the search index ask the entry what they need
// instead of switching on its kind: a new kind (issue 17's procedures) implements Entry, adds a
// field to Content and a line to kinds, and the register takes it.
type Entry interface {
	Kind() Kind
	// Subject is the person the entry is about, as lists show them.
	Subject() Person
	// Normalize tidies the entry as typed (spaces, case of names, personal IDs).
	Normalize()
	// Validate checks every field at once (a fault.Validation), citing the law.
	Validate(registeredOn string, today time.Time) error
	// Late reports whether an entry registered on registeredOn came after its statutory time
	// (false for a kind without one, or when a date is missing).
	Late(registeredOn string) bool
	// Facts are what the duplicate rules compare; false for a kind they do not check.
	Facts() (Facts, bool)
	// Search is what finds the entry in the register's search index.
	Search() Search
	// Parties are the people the entry concerns by role besides its subject's index columns
	// (a marriage's husband and wife), indexed for other entries' checks.
	Parties() []Party
	// Keep carries over from the version before an amendment what an amendment cannot change
	// (a death's link to the birth entry).
	Keep(before Entry)
}

// Search is what the register's search index holds of an entry besides its subject's sex, date
// of birth and personal ID.
type Search struct {
	Name        string   // the name it is listed and found under (a marriage: the husband's)
	Others      []string // other names that find it (a marriage: the wife's)
	Mother      string   // a birth's parents, as written
	MotherID    string
	Father      string
	DateOfDeath string // a death's
	BirthRecord string // the birth entry a death is linked to
}

// Content holds an entry's content under its kind's name, as the API and the stored versions
// show it ("birth": {…}). Exactly one field is set.
type Content struct {
	Birth    *Birth    `json:"birth,omitempty"`
	Death    *Death    `json:"death,omitempty"`
	Marriage *Marriage `json:"marriage,omitempty"`
	// A certificate of marital status.
	MaritalStatus *MaritalStatus `json:"marital_status,omitempty"`
	Recognition   *Recognition   `json:"recognition,omitempty"`
	Adoption      *Adoption      `json:"adoption,omitempty"`
	Guardianship  *Guardianship  `json:"guardianship,omitempty"`
}

// Entry is the content that is set, nil when none is.
func (c Content) Entry() Entry {
	switch {
	case c.Birth != nil:
		return c.Birth
	case c.Death != nil:
		return c.Death
	case c.Marriage != nil:
		return c.Marriage
	case c.MaritalStatus != nil:
		return c.MaritalStatus
	case c.Recognition != nil:
		return c.Recognition
	case c.Adoption != nil:
		return c.Adoption
	case c.Guardianship != nil:
		return c.Guardianship
	}
	return nil
}

// Set makes e the content, in the field of its kind.
func (c *Content) Set(e Entry) {
	*c = Content{}
	switch e := e.(type) {
	case *Birth:
		c.Birth = e
	case *Death:
		c.Death = e
	case *Marriage:
		c.Marriage = e
	case *MaritalStatus:
		c.MaritalStatus = e
	case *Recognition:
		c.Recognition = e
	case *Adoption:
		c.Adoption = e
	case *Guardianship:
		c.Guardianship = e
	}
}

// kinds makes an empty entry of each kind: the registry that stored entries are decoded by.
var kinds = map[Kind]func() Entry{
	BirthKind:         func() Entry { return &Birth{} },
	DeathKind:         func() Entry { return &Death{} },
	MarriageKind:      func() Entry { return &Marriage{} },
	MaritalStatusKind: func() Entry { return &MaritalStatus{} },
	RecognitionKind:   func() Entry { return &Recognition{} },
	AdoptionKind:      func() Entry { return &Adoption{} },
	GuardianshipKind:  func() Entry { return &Guardianship{} },
}

// DecodeEntry reads an entry of kind k from its stored JSON.
func DecodeEntry(k Kind, data []byte) (Entry, error) {
	newEntry, ok := kinds[k]
	if !ok {
		return nil, fmt.Errorf("civil: unknown kind %q", k)
	}
	e := newEntry()
	return e, json.Unmarshal(data, e)
}

// Copy is a deep copy of e, for a change that must leave e as it was.
func Copy(e Entry) Entry {
	b, _ := json.Marshal(e)
	c, _ := DecodeEntry(e.Kind(), b)
	return c
}

// ValidateAmended validates an amended entry as Validate does, except that a value the
// official lists do not know (an ethnic group, a country) that the entry held before and still
// holds is not the amendment's fault: entries stored before the lists were checked stay
// correctable.
func ValidateAmended(before, after Entry, registeredOn string, today time.Time) error {
	err := after.Validate(registeredOn, today)
	fe, ok := fault.As(err)
	if !ok || len(fe.Fields) == 0 {
		return err
	}
	b, a := Fields(before), Fields(after)
	var v fault.Validation
	for field, problem := range fe.Fields {
		listed := problem == "civil.ethnicity_unknown" || problem == "civil.nationality_unknown"
		if !listed || text(b[field]) != text(a[field]) {
			v.Add(field, problem)
		}
	}
	return v.Err()
}

// Entry is the record's content.
func (r Record) Entry() Entry { return r.Content.Entry() }

// Subject is the person the record is about.
func (r Record) Subject() Person {
	if e := r.Entry(); e != nil {
		return e.Subject()
	}
	return Person{}
}

// late applies a statutory time limit (LateBirth, LateDeath) to stored dates; false when one
// is missing or unreadable (validation reports it).
func late(event, registeredOn string, rule func(event, registered time.Time) bool) bool {
	e, ok1 := ParseDate(event)
	reg, ok2 := ParseDate(registeredOn)
	return ok1 && ok2 && rule(e, reg)
}

func (b *Birth) Kind() Kind      { return BirthKind }
func (b *Birth) Subject() Person { return b.Child }
func (b *Birth) Validate(registeredOn string, today time.Time) error {
	return ValidateBirth(b, registeredOn, today)
}

// Late: a birth registered after its time; a re-registration is not late (its first was not),
// nor a birth registered abroad and written in here.
func (b *Birth) Late(registeredOn string) bool {
	return b.Reregistered == nil && b.RegisteredAbroad == nil && late(b.Child.DateOfBirth, registeredOn, LateBirth)
}
func (b *Birth) Facts() (Facts, bool) { return FactsOfBirth(b), true }

// Keep carries over the adoptive parents: an adoption's registration sets them, a correction
// of the birth never does.
func (b *Birth) Keep(before Entry) {
	if old, ok := before.(*Birth); ok {
		b.Adoptive = old.Adoptive
	}
}
func (b *Birth) Search() Search {
	s := Search{Name: b.Child.FullName}
	if b.Mother != nil {
		s.Mother, s.MotherID = b.Mother.FullName, b.Mother.PersonalID
	}
	if b.Father != nil {
		s.Father = b.Father.FullName
	}
	return s
}

func (d *Death) Kind() Kind      { return DeathKind }
func (d *Death) Subject() Person { return d.Deceased }
func (d *Death) Validate(registeredOn string, today time.Time) error {
	return ValidateDeath(d, registeredOn, today)
}
func (d *Death) Late(registeredOn string) bool {
	return d.Reregistered == nil && late(d.DateOfDeath, registeredOn, LateDeath)
}
func (d *Death) Facts() (Facts, bool) { return FactsOfDeath(d), true }
func (d *Death) Search() Search {
	return Search{Name: d.Deceased.FullName, DateOfDeath: d.DateOfDeath, BirthRecord: d.BirthRecord}
}

// Keep keeps the link to the birth entry: it is made when the death is registered, from that
// entry, and is not a fact an amendment types.
func (d *Death) Keep(before Entry) {
	if b, ok := before.(*Death); ok {
		d.BirthRecord = b.BirthRecord
	}
}

func (m *Marriage) Kind() Kind { return MarriageKind }

// Subject lists a marriage under both names; it is searched under each (Search).
func (m *Marriage) Subject() Person {
	return Person{FullName: m.Husband.FullName + " – " + m.Wife.FullName, DateOfBirth: m.Husband.DateOfBirth,
		PersonalID: m.Husband.PersonalID, Sex: Male}
}
func (m *Marriage) Validate(registeredOn string, today time.Time) error {
	return ValidateMarriage(m, registeredOn, today)
}

// Late is false: a marriage has no statutory time limit.
func (m *Marriage) Late(string) bool { return false }

// Facts: the duplicate rules compare births and deaths; a marriage's checks are its own
// (issue 17).
func (m *Marriage) Facts() (Facts, bool) { return Facts{}, false }

// Keep: a divorce is recorded from a court's decision (registration.RecordDivorce), never
// added by a correction; a correction that does not show it (the form of the parties) keeps it,
// and one that does may correct its fields.
func (m *Marriage) Keep(before Entry) {
	b, ok := before.(*Marriage)
	switch {
	case !ok:
	case b.Divorce == nil:
		m.Divorce = nil
	case m.Divorce == nil:
		m.Divorce = b.Divorce
	}
}
func (m *Marriage) Search() Search {
	s := Search{Name: m.Husband.FullName}
	if m.Wife.FullName != "" {
		s.Others = []string{m.Wife.FullName}
	}
	return s
}
