package civil

import (
	"time"

	"tuphap/internal/vntext"
)

// Party is a person an entry concerns by role, kept in the register's index of parties so that
// a later entry's checks find them anywhere in the province: a marriage's husband and wife.
type Party struct {
	Role        string // "husband", "wife"
	FullName    string
	DateOfBirth string
	PersonalID  string
	Ended       string // the day the bond the entry records ended (a marriage's divorce), "" while it holds
}

// Roles of a marriage's parties, as the index and the API name them.
const (
	HusbandRole = "husband"
	WifeRole    = "wife"
)

// SamePerson says whether two parties are one person as a register can tell: by personal ID
// when both have one (Law 60/2014 art. 6: the personal ID identifies a person in civil status);
// otherwise by full name, marks and case aside, and date of birth together, as officers compare
// paper registers.
func SamePerson(a, b Party) bool {
	if a.PersonalID != "" && b.PersonalID != "" {
		return a.PersonalID == b.PersonalID
	}
	return a.DateOfBirth != "" && a.DateOfBirth == b.DateOfBirth && vntext.Fold(a.FullName) == vntext.Fold(b.FullName)
}

// Union is a marriage in the register as the checks of a new one see it.
type Union struct {
	RecordID     string
	RegisteredOn string
	Office       string
	Register     Register
	Husband      Party
	Wife         Party
	// EndedOn is the day the marriage ended: its divorce took effect (Law on Marriage and
	// Family 2014 art. 57.1) or a party died (art. 65); "" while it holds. DivorcedOn is the
	// day of its divorce, if any.
	EndedOn, DivorcedOn string
}

// End sets the day the union ended, the earlier when it ended twice over.
func (u *Union) End(day string) {
	if day != "" && (u.EndedOn == "" || day < u.EndedOn) {
		u.EndedOn = day
	}
}

// StillMarried returns, for each party of m (by role), another union of that person's that
// overlaps m, registered on the day on and lasting until until ("" while it holds): one that
// has not ended by on, and began before until. Law on Marriage and Family 52/2014 art. 5.2.c
// forbids a married person to marry again, and art. 8.1.d makes it a condition of every
// marriage; a marriage registered on a day before the divorce took effect, or before the
// spouse died, is barred. A correction of an old marriage that ended is not barred by the
// person's later one.
func StillMarried(m *Marriage, unions []Union, on, until string) map[string]Union {
	out := map[string]Union{}
	for _, p := range m.Parties() {
		for _, u := range unions {
			if u.EndedOn != "" && u.EndedOn <= on || until != "" && u.RegisteredOn >= until {
				continue
			}
			if SamePerson(p, u.Husband) || SamePerson(p, u.Wife) {
				out[p.Role] = u
				break
			}
		}
	}
	return out
}

// parentOf is a mother or father as a party, to be compared with another. An unnamed or
// missing one, or one known by name and year of birth alone (old registers, the certificate's
// "Năm sinh"), matches nobody: the refusal it leads to cannot be overridden, and a name with a
// year is shared by too many.
func parentOf(p *Parent) Party {
	if p == nil || p.FullName == "" || p.PersonalID == "" && len(p.DateOfBirth) != len(DateFormat) {
		return Party{}
	}
	return Party{FullName: p.FullName, DateOfBirth: p.DateOfBirth, PersonalID: p.PersonalID}
}

// Related says whether the register shows the parties of m to be kin that may not marry (Law
// on Marriage and Family 52/2014 art. 5.2.d; art. 3.17–18: the direct line, and kin within three
// generations, of which siblings sharing a mother or a father are the second): one is the
// other's parent in the other's birth entry, or their birth entries share a mother or a father.
// husband and wife are their birth entries, nil when the register holds none.
func Related(m *Marriage, husband, wife *Birth) bool {
	ps := m.Parties()
	h, w := ps[0], ps[1]
	if husband != nil && SamePerson(parentOf(husband.Mother), w) || wife != nil && SamePerson(parentOf(wife.Father), h) {
		return true
	}
	if husband == nil || wife == nil {
		return false
	}
	return SamePerson(parentOf(husband.Mother), parentOf(wife.Mother)) || SamePerson(parentOf(husband.Father), parentOf(wife.Father))
}

// sexOfID reads the sex a well-formed personal ID records (its fourth digit, CenturySexDigit),
// "" when the ID is not well formed: its own problem is then reported instead.
func sexOfID(id string) string {
	if PersonalIDProblem(id, time.Time{}, "") != "" {
		return ""
	}
	if PersonalIDProblem(id, time.Time{}, Male) == "" {
		return Male
	}
	return Female
}

// Parties are the husband and the wife.
func (m *Marriage) Parties() []Party {
	var ended string
	if m.Divorce != nil {
		ended = m.Divorce.EffectiveOn
	}
	return []Party{
		{Role: HusbandRole, FullName: m.Husband.FullName, DateOfBirth: m.Husband.DateOfBirth, PersonalID: m.Husband.PersonalID, Ended: ended},
		{Role: WifeRole, FullName: m.Wife.FullName, DateOfBirth: m.Wife.DateOfBirth, PersonalID: m.Wife.PersonalID, Ended: ended},
	}
}

// Parties: a birth's and a death's person is the entry's subject, indexed with the entry.
func (b *Birth) Parties() []Party { return nil }
func (d *Death) Parties() []Party { return nil }
