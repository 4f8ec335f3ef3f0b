package civil

import (
	"time"

	"tuphap/internal/fault"
)

// Changes of a birth entry that are not corrections of a mistake but a person's civil-status
// rights exercised (Law 60/2014 art. 26–28; Civil Code 2015 art. 27–29): a new name, a new
// surname, another ethnic group.
const (
	NameChange      Change = "name_change" // thay đổi họ (Civil Code 2015 art. 27), tên (art. 28)
	EthnicityChange Change = "ethnicity"   // xác định lại dân tộc (Civil Code 2015 art. 29)
)

// Ages at which the person's own consent is needed (Civil Code 2015).
const (
	nameConsentFrom      = 9  // art. 27.2 (a surname), art. 28.2 (a name)
	ethnicityConsentFrom = 15 // art. 29.4: from 15 to under 18
)

// ChangeBasis is what each change of status rests on, for the version's legal basis.
var ChangeBasis = map[Change]string{
	NameChange:      "Luật Hộ tịch 2014, Điều 26–28; Bộ luật Dân sự 2015, Điều 27–28",
	EthnicityChange: "Luật Hộ tịch 2014, Điều 26–28; Bộ luật Dân sự 2015, Điều 29",
}

// StatusChangeProblems checks a change of name or ethnic group of a birth entry, from before
// to after, on day: it changes the child's name (or ethnic group) and nothing else; from 9 years
// old the child consents to a new name (Civil Code 2015 art. 27.2, 28.2); a new ethnic group is
// the birth father's or mother's as the entry records them (art. 29.3), and from 15 to under
// 18 the child consents (art. 29.4). changed are the entry's fields that changed.
func StatusChangeProblems(change Change, before, after Entry, changed []string, day time.Time, consent bool) error {
	var v fault.Validation
	b, ok1 := before.(*Birth)
	a, ok2 := after.(*Birth)
	if !ok1 || !ok2 {
		v.Add("change", "amend.change_births_only")
		return v.Err()
	}
	field := map[Change]string{NameChange: "child.full_name", EthnicityChange: "child.ethnicity"}[change]
	for _, f := range changed {
		if f != field {
			v.Add(f, "amend.change_one_field")
		}
	}
	age := -1
	if born, ok := ParseDate(b.Child.DateOfBirth); ok {
		age = completedYears(born, day)
	}
	switch change {
	case NameChange:
		if age >= nameConsentFrom && !consent {
			v.Add("subject_consent", "amend.name_consent")
		}
	case EthnicityChange:
		if a.Child.Ethnicity != parentEthnicity(b.Father) && a.Child.Ethnicity != parentEthnicity(b.Mother) {
			v.Add("child.ethnicity", "amend.ethnicity_of_a_parent")
		}
		if age >= ethnicityConsentFrom && age < adultAge && !consent {
			v.Add("subject_consent", "amend.ethnicity_consent")
		}
	}
	return v.Err()
}

func parentEthnicity(p *Parent) string {
	if p == nil || p.Ethnicity == "" {
		return "\x00" // matches no child's
	}
	return p.Ethnicity
}
