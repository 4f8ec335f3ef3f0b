package civil

// AdoptionAges are the child's age groups the department's report counts adoptions by, in
// completed years on the adoption's day: under 1, 1 to 4, 5 to 8, and 9 and over (from 9 the
// child's own consent is asked: Law on Adoption 2010 art. 21.1).
var AdoptionAges = []struct {
	From int    // completed years
	Name string // the i18n key's suffix
}{{0, "under_1"}, {1, "1_4"}, {5, "5_8"}, {9, "9_up"}}

// AdoptionCount is what the department reports of the adoptions an office registered in a
// period, in its oversight of the communes' adoptions: how many; by whom (a
// step-parent, an aunt or uncle, anyone else; a couple or one person); the child's sex and
// age; how many were decided abroad and written in.
type AdoptionCount struct {
	Total      int   `json:"total"`
	StepParent int   `json:"step_parent"`
	Relative   int   `json:"relative"`
	Others     int   `json:"others"`
	Couples    int   `json:"couples"`
	Single     int   `json:"single"`
	Boys       int   `json:"boys"`
	Girls      int   `json:"girls"`
	Ages       []int `json:"ages"` // by AdoptionAges
	Abroad     int   `json:"abroad"`
}

// Add counts one adoption registered on registeredOn.
func (c *AdoptionCount) Add(a *Adoption, registeredOn string) {
	if len(c.Ages) != len(AdoptionAges) {
		c.Ages = make([]int, len(AdoptionAges))
	}
	c.Total++
	switch a.Relation {
	case StepParent:
		c.StepParent++
	case Relative:
		c.Relative++
	default:
		c.Others++
	}
	if a.Father != nil && a.Mother != nil {
		c.Couples++
	} else {
		c.Single++
	}
	switch a.Child.Sex {
	case Male:
		c.Boys++
	case Female:
		c.Girls++
	}
	day := registeredOn
	if f := a.RegisteredAbroad; f != nil {
		c.Abroad++
		day = f.IssuedOn
	}
	born, ok1 := ParseDate(a.Child.DateOfBirth)
	on, ok2 := ParseDate(day)
	if !ok1 || !ok2 {
		return
	}
	age := completedYears(born, on)
	for i := len(AdoptionAges) - 1; i >= 0; i-- {
		if age >= AdoptionAges[i].From {
			c.Ages[i]++
			break
		}
	}
}

// Plus is the sum of two counts (a province's total).
func (c AdoptionCount) Plus(o AdoptionCount) AdoptionCount {
	out := AdoptionCount{Total: c.Total + o.Total, StepParent: c.StepParent + o.StepParent, Relative: c.Relative + o.Relative,
		Others: c.Others + o.Others, Couples: c.Couples + o.Couples, Single: c.Single + o.Single, Boys: c.Boys + o.Boys,
		Girls: c.Girls + o.Girls, Abroad: c.Abroad + o.Abroad, Ages: make([]int, len(AdoptionAges))}
	for i := range out.Ages {
		if i < len(c.Ages) {
			out.Ages[i] += c.Ages[i]
		}
		if i < len(o.Ages) {
			out.Ages[i] += o.Ages[i]
		}
	}
	return out
}
