// Package civil holds the civil-status (hộ tịch) domain: births and deaths, their validation,
// the statutory time limits, personal identification numbers and the duplicate rules. It is pure
// Go; storage and HTTP depend on it.
package civil

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind of register entry.
type Kind string

const (
	BirthKind    Kind = "birth"
	DeathKind    Kind = "death"
	MarriageKind Kind = "marriage"
	// MaritalStatusKind is a certificate of marital status, kept in its own register book.
	MaritalStatusKind Kind = "marital_status"
	// RecognitionKind is a parent's recognition of a child (nhận cha, mẹ, con).
	RecognitionKind Kind = "recognition"
	// AdoptionKind is an adoption within the country (nuôi con nuôi trong nước).
	AdoptionKind Kind = "adoption"
	// GuardianshipKind is a guardian's registration (giám hộ), its end recorded against it.
	GuardianshipKind Kind = "guardianship"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{BirthKind, DeathKind, MarriageKind, MaritalStatusKind, RecognitionKind, AdoptionKind, GuardianshipKind}

// Sex as written in the register.
const (
	Male   = "male"
	Female = "female"
)

// DateFormat is how dates travel and are stored: they sort as text on every engine.
const DateFormat = "2006-01-02"

// Person is the subject of an entry: the child of a birth, the deceased of a death.
type Person struct {
	FullName     string `json:"full_name"`
	Sex          string `json:"sex"`
	DateOfBirth  string `json:"date_of_birth"`
	PlaceOfBirth string `json:"place_of_birth,omitempty"`
	Ethnicity    string `json:"ethnicity,omitempty"`
	Nationality  string `json:"nationality,omitempty"`
	Hometown     string `json:"hometown,omitempty"` // quê quán
	Residence    string `json:"residence,omitempty"`
	PersonalID   string `json:"personal_id,omitempty"`
}

// Parent is a mother or father as the birth form records them.
type Parent struct {
	FullName    string `json:"full_name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Ethnicity   string `json:"ethnicity,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Residence   string `json:"residence,omitempty"`
	PersonalID  string `json:"personal_id,omitempty"`
}

// Requester is the person who asks for the registration.
type Requester struct {
	FullName   string `json:"full_name"`
	Relation   string `json:"relation"`
	PersonalID string `json:"personal_id,omitempty"`
}

// Abandoned holds what the record of an abandoned child (trẻ bị bỏ rơi) needs.
type Abandoned struct {
	FoundOn string `json:"found_on"`
	FoundAt string `json:"found_at"`
	Finder  string `json:"finder"`
}

// Abroad marks a birth abroad registered on return (Law 60/2014 art. 29 of Decree 123/2015).
type Abroad struct {
	Country string `json:"country"`
}

// Birth is a birth registration (khai sinh).
type Birth struct {
	Child     Person     `json:"child"`
	Mother    *Parent    `json:"mother"`
	Father    *Parent    `json:"father"`
	Requester Requester  `json:"requester"`
	Abandoned *Abandoned `json:"abandoned,omitempty"`
	Abroad    *Abroad    `json:"abroad,omitempty"`
	// Adoptive are the adoptive parents, set by an adoption's registration only.
	Adoptive *Adoptive `json:"adoptive,omitempty"`
	// Reregistered: registered again, the register and the original lost.
	Reregistered *Reregistration `json:"reregistered,omitempty"`
	// RegisteredAbroad: registered by a foreign authority, written into the register here.
	RegisteredAbroad *ForeignRecord `json:"registered_abroad,omitempty"`
}

// Death is a death registration (khai tử).
type Death struct {
	Deceased     Person    `json:"deceased"`
	DateOfDeath  string    `json:"date_of_death"`
	PlaceOfDeath string    `json:"place_of_death"`
	Cause        string    `json:"cause"`
	Requester    Requester `json:"requester"`
	// BirthRecord links the deceased to their birth entry, when one is known.
	BirthRecord string `json:"birth_record,omitempty"`
	// Reregistered: registered again, the register and the original lost.
	Reregistered *Reregistration `json:"reregistered,omitempty"`
}

// Register locates an entry in its register book: "Số", "Quyển số", year.
type Register struct {
	Number int    `json:"number"`
	Book   string `json:"book"`
	Year   int    `json:"year"`
}

// Record is a registered entry in its current version.
type Record struct {
	ID           string   `json:"id"`
	Kind         Kind     `json:"type"`
	Office       string   `json:"office"`
	Register     Register `json:"register"`
	RegisteredOn string   `json:"registered_on"`
	Late         bool     `json:"late"`
	Version      int      `json:"version"`
	Content
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Change is how a version came about.
type Change string

const (
	Original   Change = "original"
	Correction Change = "correction"  // cải chính: a wrong fact is corrected
	Supplement Change = "supplement"  // bổ sung: a missing fact is added
	Divorced   Change = "divorce"     // ghi chú ly hôn: a court's divorce recorded against a marriage
	Recognised Change = "recognition" // a parent added to a birth entry by a recognition
	Adopted    Change = "adoption"    // the adoptive parents added to a birth entry by an adoption
	// GuardianshipEnded: the end of a guardianship recorded against its entry.
	GuardianshipEnded Change = "guardianship_end"
)

// Version is one state of an entry. Entries are never overwritten: a correction or supplement
// adds a version with its reason, legal basis and officer.
type Version struct {
	Number     int       `json:"version"`
	Change     Change    `json:"change"`
	Reason     string    `json:"reason,omitempty"`
	LegalBasis string    `json:"legal_basis,omitempty"`
	Fields     []string  `json:"fields,omitempty"` // the fields that changed
	Officer    string    `json:"officer"`
	At         time.Time `json:"at"`
	Content
}

// YearOnly reads a year of birth given alone ("1975"), as registers record parents.
func YearOnly(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	return y, err == nil
}

var dayFirst = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)

// ParseDayFirst reads a date as Vietnamese write it, day first ("01/02/2026", "1.2.2026",
// "01-02-2026"), into YYYY-MM-DD; false for anything else or a day that does not exist.
func ParseDayFirst(s string) (string, bool) {
	m := dayFirst.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return "", false
	}
	return t.Format(DateFormat), true
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateFormat, s)
	return t, err == nil
}
