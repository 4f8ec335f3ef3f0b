package civil

import (
	"strings"
	"time"

	"tuphap/internal/fault"
)

// Recognition is the registration of a parent recognising a child (đăng ký nhận cha, mẹ, con,
// Law 60/2014 art. 24–25): the child, the one parent recognised (a father or a mother) and the
// evidence of their relation. Registered where there is no dispute (Law on Marriage and Family
// 2014 art. 101.1); a dispute is for the court (art. 101.2).
type Recognition struct {
	Child    Person  `json:"child"`
	Father   *Parent `json:"father,omitempty"`
	Mother   *Parent `json:"mother,omitempty"`
	Evidence string  `json:"evidence"`
	// BirthRecord is the child's birth entry, found by the registration, to which the parent is
	// added as a new version.
	BirthRecord string `json:"birth_record,omitempty"`
}

// RecognitionBasis is what the recognition and the birth entry's new version rest on.
const RecognitionBasis = "Luật Hộ tịch 2014, Điều 24–25; Luật HN&GĐ 2014, Điều 101.1"

// Parent is the parent recognised, and the role ("father" or "mother").
func (r *Recognition) Parent() (*Parent, string) {
	if r.Father != nil {
		return r.Father, "father"
	}
	return r.Mother, "mother"
}

func (r *Recognition) Kind() Kind { return RecognitionKind }

func (r *Recognition) Subject() Person { return r.Child }

func (r *Recognition) Normalize() {
	r.Child.normalize()
	for _, p := range []*Parent{r.Father, r.Mother} {
		if p != nil {
			p.normalize()
		}
	}
	r.Evidence = strings.Join(strings.Fields(r.Evidence), " ")
}

// Validate checks the child (named, born), exactly one parent (named, born before the child, an
// ID that fits a father or a mother), and the evidence (Law 60/2014 art. 25.1: the papers or
// things that prove the relation).
func (r *Recognition) Validate(registeredOn string, today time.Time) error {
	var v fault.Validation
	c := checker{v: &v, today: today}
	reg := c.date("registered_on", registeredOn, true)
	c.name("child.full_name", r.Child.FullName)
	c.sex("child.sex", r.Child.Sex)
	born := c.date("child.date_of_birth", r.Child.DateOfBirth, true)
	if !born.IsZero() && !reg.IsZero() && reg.Before(born) {
		v.Add("registered_on", "civil.registered_before_event")
	}
	c.personalID("child.personal_id", r.Child.PersonalID, born, r.Child.Sex)
	switch {
	case r.Father == nil && r.Mother == nil:
		v.Add("father", "civil.recognition_one_parent")
	case r.Father != nil && r.Mother != nil:
		v.Add("mother", "civil.recognition_one_parent")
	}
	if r.Father != nil {
		c.parent("father.", r.Father, born, Male)
	}
	if r.Mother != nil {
		c.parent("mother.", r.Mother, born, Female)
	}
	c.required("evidence", r.Evidence)
	return v.Err()
}

// Late: recognition has no statutory time.
func (r *Recognition) Late(string) bool { return false }

// Facts: the duplicate rules compare births and deaths.
func (r *Recognition) Facts() (Facts, bool) { return Facts{}, false }

// Keep carries over the link to the birth entry, which the registration found.
func (r *Recognition) Keep(before Entry) {
	if b, ok := before.(*Recognition); ok {
		r.BirthRecord = b.BirthRecord
	}
}

func (r *Recognition) Search() Search {
	s := Search{Name: r.Child.FullName, BirthRecord: r.BirthRecord}
	if r.Mother != nil {
		s.Mother, s.MotherID = r.Mother.FullName, r.Mother.PersonalID
	}
	if r.Father != nil {
		s.Father = r.Father.FullName
	}
	return s
}

// Parties: the child is the subject; the parent is found as a birth's parents are.
func (r *Recognition) Parties() []Party { return nil }

// Recognise is the child's birth entry with the recognised parent added. Refused when the
// entry already names a parent in that role: another claim to be its father or mother is a
// dispute, which the court decides (Law on Marriage and Family 2014 art. 101.2).
func (r *Recognition) Recognise(b *Birth) (*Birth, error) {
	parent, role := r.Parent()
	out := Copy(b).(*Birth)
	slot := &out.Father
	if role == "mother" {
		slot = &out.Mother
	}
	if *slot != nil && strings.TrimSpace((*slot).FullName) != "" {
		return nil, &fault.Error{Kind: fault.Conflict, Code: "recognition.parent_named", Fields: map[string]string{role + ".full_name": "recognition.parent_named"}}
	}
	p := *parent
	*slot = &p
	return out, nil
}
