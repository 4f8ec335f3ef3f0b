package civil

import (
	"strings"
	"testing"
	"time"

	"tuphap/internal/fault"
)

var today = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, ok := ParseDate(s)
	if !ok {
		panic(s)
	}
	return t
}

func goodBirth() *Birth {
	return &Birth{
		Child: Person{FullName: "Nguyễn Thị Đào", Sex: Female, DateOfBirth: "2026-02-01", PlaceOfBirth: "Bệnh viện Đa khoa tỉnh Quảng Ngãi",
			Ethnicity: "Kinh", Nationality: "Việt Nam", Hometown: "Xã Bình Sơn, tỉnh Quảng Ngãi"},
		Mother:    &Parent{FullName: "Trần Thị Lan", DateOfBirth: "1995-04-12", PersonalID: "051195001234"},
		Father:    &Parent{FullName: "Nguyễn Văn Hùng", DateOfBirth: "1993-09-30", PersonalID: "051093004321"},
		Requester: Requester{FullName: "Nguyễn Văn Hùng", Relation: "cha"},
	}
}

func fieldsOf(err error) map[string]string {
	e, ok := fault.As(err)
	if !ok {
		return nil
	}
	return e.Fields
}

// Each row breaks one rule and expects the problem on that field (Law 60/2014 and Decree
// 123/2015 as cited in validate.go).
func TestValidateBirth(t *testing.T) {
	tests := []struct {
		name   string
		change func(b *Birth)
		reg    string
		field  string
		msg    string
	}{
		{"valid", func(*Birth) {}, "2026-03-01", "", ""},
		{"unknown father allowed", func(b *Birth) { b.Father = nil }, "2026-03-01", "", ""},
		{"no name", func(b *Birth) { b.Child.FullName = " " }, "2026-03-01", "child.full_name", "civil.required"},
		{"digits in name", func(b *Birth) { b.Child.FullName = "Nguyễn Thị 2" }, "2026-03-01", "child.full_name", "civil.name_chars"},
		{"minority name ok", func(b *Birth) { b.Child.FullName = "Ksor H'Bia" }, "2026-03-01", "", ""},
		{"bad sex", func(b *Birth) { b.Child.Sex = "x" }, "2026-03-01", "child.sex", "civil.sex"},
		{"future birth", func(b *Birth) { b.Child.DateOfBirth = "2026-04-01" }, "2026-03-01", "child.date_of_birth", "civil.date_future"},
		{"bad date", func(b *Birth) { b.Child.DateOfBirth = "01/02/2026" }, "2026-03-01", "child.date_of_birth", "civil.date_format"},
		{"no place", func(b *Birth) { b.Child.PlaceOfBirth = "" }, "2026-03-01", "child.place_of_birth", "civil.required"},
		{"no ethnicity", func(b *Birth) { b.Child.Ethnicity = "" }, "2026-03-01", "child.ethnicity", "civil.required"},
		// The 54 groups of Decision 121-TCTK/PPCĐ, under any of their spellings.
		{"ethnicity not of the list", func(b *Birth) { b.Child.Ethnicity = "Kinhh" }, "2026-03-01", "child.ethnicity", "civil.ethnicity_unknown"},
		{"ethnicity spelled otherwise", func(b *Birth) { b.Child.Ethnicity = "Ê Đê" }, "2026-03-01", "", ""},
		{"no nationality", func(b *Birth) { b.Child.Nationality = "" }, "2026-03-01", "child.nationality", "civil.required"},
		{"nationality not a country", func(b *Birth) { b.Mother.Nationality = "Atlantis" }, "2026-03-01", "mother.nationality", "civil.nationality_unknown"},
		{"foreign mother", func(b *Birth) { b.Mother.Nationality, b.Mother.Ethnicity = "Lào", "" }, "2026-03-01", "", ""},
		{"born abroad, no such country", func(b *Birth) { b.Abroad = &Abroad{Country: "Xứ Sở Thần Tiên"} }, "2026-03-01", "abroad.country", "civil.nationality_unknown"},
		{"child born before mother", func(b *Birth) { b.Mother.DateOfBirth = "2026-02-02" }, "2026-03-01", "mother.date_of_birth", "civil.parent_after_child"},
		{"child born before father", func(b *Birth) { b.Father.DateOfBirth = "2027-01-01" }, "2026-03-01", "father.date_of_birth", "civil.date_future"},
		// A parent's year of birth alone (Thông tư 04/2020/TT-BTP, mẫu Giấy khai sinh: "Năm sinh").
		{"mother's year alone", func(b *Birth) { b.Mother.DateOfBirth = "1995" }, "2026-03-01", "", ""},
		{"mother's year after the child's", func(b *Birth) { b.Mother.DateOfBirth = "2027" }, "2026-03-01", "mother.date_of_birth", "civil.date_future"},
		{"father's year too old", func(b *Birth) { b.Father.DateOfBirth = "1800" }, "2026-03-01", "father.date_of_birth", "civil.date_too_old"},
		{"child's year alone is not enough", func(b *Birth) { b.Child.DateOfBirth = "2026" }, "2026-03-01", "child.date_of_birth", "civil.date_format"},
		{"registered before birth", func(*Birth) {}, "2026-01-15", "registered_on", "civil.registered_before_event"},
		{"registered in the future", func(*Birth) {}, "2026-03-11", "registered_on", "civil.date_future"},
		{"impossible child id", func(b *Birth) { b.Child.PersonalID = "051226000001" }, "2026-03-01", "child.personal_id", "pid.sex"},
		{"id year mismatch", func(b *Birth) { b.Child.PersonalID = "051325000001" }, "2026-03-01", "child.personal_id", "pid.birth_year"},
		{"id province", func(b *Birth) { b.Mother.PersonalID = "099195001234" }, "2026-03-01", "mother.personal_id", "pid.province"},
		{"id letters", func(b *Birth) { b.Mother.PersonalID = "05119500123A" }, "2026-03-01", "mother.personal_id", "pid.digits"},
		{"mother with male id", func(b *Birth) { b.Mother.PersonalID = "051095001234" }, "2026-03-01", "mother.personal_id", "pid.sex"},
		{"no parents", func(b *Birth) { b.Mother, b.Father = nil, nil }, "2026-03-01", "mother", "civil.parent_required"},
		{"abandoned child", func(b *Birth) {
			b.Mother, b.Father = nil, nil
			b.Abandoned = &Abandoned{FoundOn: "2026-02-02", FoundAt: "Cổng chùa Thiên Ấn", Finder: "Lê Văn Tâm"}
		}, "2026-03-01", "", ""},
		{"found before birth", func(b *Birth) {
			b.Mother, b.Father = nil, nil
			b.Abandoned = &Abandoned{FoundOn: "2026-01-02", FoundAt: "Cổng chùa"}
		}, "2026-03-01", "abandoned.found_on", "civil.found_before_birth"},
		{"abroad needs country", func(b *Birth) { b.Abroad = &Abroad{} }, "2026-03-01", "abroad.country", "civil.required"},
		{"no requester relation", func(b *Birth) { b.Requester.Relation = "" }, "2026-03-01", "requester.relation", "civil.required"},
		{"too long", func(b *Birth) { b.Child.Hometown = strings.Repeat("x", MaxText+1) }, "2026-03-01", "child.hometown", "civil.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := goodBirth()
			tt.change(b)
			err := ValidateBirth(b, tt.reg, today)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if got := fieldsOf(err)[tt.field]; got != tt.msg {
				t.Fatalf("%s: got %q (all: %v), want %q", tt.field, got, fieldsOf(err), tt.msg)
			}
		})
	}
}

func TestValidateBirthReportsEverything(t *testing.T) {
	err := ValidateBirth(&Birth{Mother: &Parent{}}, "", today)
	f := fieldsOf(err)
	for _, k := range []string{"child.full_name", "child.sex", "child.date_of_birth", "child.place_of_birth", "mother.full_name", "requester.full_name", "registered_on"} {
		if f[k] == "" {
			t.Errorf("no problem reported for %s", k)
		}
	}
}

func TestValidateDeath(t *testing.T) {
	good := func() *Death {
		return &Death{Deceased: Person{FullName: "Lê Văn Tám", Sex: Male, DateOfBirth: "1940-05-01", PersonalID: "051040000123"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Tại nhà", Cause: "Bệnh già", Requester: Requester{FullName: "Lê Thị Hoa", Relation: "con"}}
	}
	tests := []struct {
		name   string
		change func(d *Death)
		reg    string
		field  string
		msg    string
	}{
		{"valid", func(*Death) {}, "2026-03-05", "", ""},
		{"dies before birth", func(d *Death) { d.DateOfDeath = "1939-01-01" }, "2026-03-05", "date_of_death", "civil.death_before_birth"},
		{"future death", func(d *Death) { d.DateOfDeath = "2026-03-11" }, "2026-03-05", "date_of_death", "civil.date_future"},
		{"registered before death", func(*Death) {}, "2026-02-28", "registered_on", "civil.registered_before_event"},
		{"no cause", func(d *Death) { d.Cause = "" }, "2026-03-05", "cause", "civil.required"},
		{"id of a woman", func(d *Death) { d.Deceased.PersonalID = "051140000123" }, "2026-03-05", "deceased.personal_id", "pid.sex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			tt.change(d)
			err := ValidateDeath(d, tt.reg, today)
			if tt.field == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tt.field != "" && fieldsOf(err)[tt.field] != tt.msg {
				t.Fatalf("got %v, want %s=%s", fieldsOf(err), tt.field, tt.msg)
			}
		})
	}
}

// Law 60/2014 art. 15.1 (births: 60 days) and art. 33.1 (deaths: 15 days).
func TestLateRegistration(t *testing.T) {
	born := day("2026-01-01")
	if LateBirth(born, day("2026-03-02")) { // day 60
		t.Error("day 60 is on time")
	}
	if !LateBirth(born, day("2026-03-03")) {
		t.Error("day 61 is late")
	}
	died := day("2026-03-01")
	if LateDeath(died, day("2026-03-16")) || !LateDeath(died, day("2026-03-17")) {
		t.Error("death: day 15 on time, day 16 late")
	}
}

// Law on Identity 2023 art. 12; Decree 137/2015 art. 7.
func TestPersonalID(t *testing.T) {
	tests := []struct {
		id   string
		born string
		sex  string
		want string
	}{
		{"051326123456", "2026-02-01", Female, ""},
		{"051226123456", "2026-02-01", Male, ""},
		{"062095123456", "1995-06-01", Male, ""},
		{"001185000001", "1985-01-01", Female, ""},
		{"051226123456", "", "", ""},
		{"05122612345", "", "", "pid.length"},
		{"05122612345x", "", "", "pid.digits"},
		{"003226123456", "", "", "pid.province"},
		{"051226123456", "2026-02-01", Female, "pid.sex"},
		{"051026123456", "2026-02-01", Male, "pid.birth_year"},
		{"051225123456", "2026-02-01", Male, "pid.birth_year"},
		{"051426123456", "2126-02-01", Male, ""},
	}
	for _, tt := range tests {
		var born time.Time
		if tt.born != "" {
			born = day(tt.born)
		}
		if got := PersonalIDProblem(tt.id, born, tt.sex); got != tt.want {
			t.Errorf("PersonalIDProblem(%s, %s, %s) = %q, want %q", tt.id, tt.born, tt.sex, got, tt.want)
		}
	}
	if CenturySexDigit(1999, Male) != 0 || CenturySexDigit(2001, Female) != 3 || CenturySexDigit(2250, Female) != 7 {
		t.Error("CenturySexDigit")
	}
}

func FuzzPersonalID(f *testing.F) {
	f.Add("051326123456", 2026, true)
	f.Add("", 1900, false)
	f.Fuzz(func(t *testing.T, id string, year int, female bool) {
		sex := Male
		if female {
			sex = Female
		}
		born := time.Date(1900+((year%400)+400)%400, 1, 1, 0, 0, 0, 0, time.UTC)
		if PersonalIDProblem(id, born, sex) == "" {
			if len(id) != 12 || int(id[3]-'0')%2 != CenturySexDigit(born.Year(), sex)%2 {
				t.Fatalf("accepted %q for %d %s", id, born.Year(), sex)
			}
		}
	})
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want Query
	}{
		{"nguyen thi dao", Query{Name: "nguyen thi dao"}},
		{"Nguyễn Thị Đào 01/02/2026", Query{Name: "nguyen thi dao", DOB: "2026-02-01"}},
		{"051326123456", Query{PersonalID: "051326123456"}},
		{"2026-02-01 đào", Query{Name: "dao", DOB: "2026-02-01"}},
		{"15", Query{Number: 15}},
		{"31/02/2026 lan", Query{Name: "lan"}}, // no such day: ignored, not a name
		// Register references as officers write them (the extract's "Số: 17, Quyển số: 01/2026").
		{"17/2026", Query{Number: 17, Year: 2026}},
		{"số 17 quyển 01/2026", Query{Number: 17, Book: "01", Year: 2026}},
		{"So 17 quyen 21019/01/2010", Query{Number: 17, Book: "21019/01", Year: 2010}},
		{"quyển 02/2020 số 5 Lê Văn Tám", Query{Name: "le van tam", Number: 5, Book: "02", Year: 2020}},
		{"Nguyễn Thị Quyên 15", Query{Name: "nguyen thi quyen", Number: 15}}, // the given name Quyên, then a number
		{"Số Thị Lan", Query{Name: "so thi lan"}},                            // "số" without a number is a word of the name
		{"mẹ: Trần Thị Lan", Query{Mother: "tran thi lan"}},
		{"nguyen van an me: tran thi cha: le van", Query{Name: "nguyen van an", Mother: "tran thi", Father: "le van"}},
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.in); got != tt.want {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestFields(t *testing.T) {
	f := Fields(goodBirth())
	if f["child.full_name"] != "Nguyễn Thị Đào" || f["mother.personal_id"] != "051195001234" || f["requester.relation"] != "cha" {
		t.Fatalf("fields: %v", f)
	}
	if _, ok := f["abandoned.found_on"]; ok {
		t.Fatal("an absent section has no fields")
	}
	if Section("mother.full_name") != "mother" || Section("cause") != "" {
		t.Fatal("Section")
	}
}

// An amendment's history shows each changed field before and after (Law 60/2014 art. 28:
// correction; art. 29: supplement of what was left empty).
func TestDiff(t *testing.T) {
	before := goodBirth()
	after := goodBirth()
	after.Child.FullName = "Nguyễn Thị Đào Hoa"                               // correction (art. 28)
	after.Child.Hometown = ""                                                 // cleared
	after.Father = nil                                                        // a parent removed
	before.Child.Residence, after.Child.Residence = "", "Thôn 3, xã Bình Sơn" // supplement (art. 29)
	got := Diff(&before, &after)
	want := map[string][2]string{
		"child.full_name": {"Nguyễn Thị Đào", "Nguyễn Thị Đào Hoa"},
		"child.hometown":  {before.Child.Hometown, ""},
		"child.residence": {"", "Thôn 3, xã Bình Sơn"},
	}
	seen := map[string]bool{}
	for _, c := range got {
		seen[c.Field] = true
		if w, ok := want[c.Field]; ok && (c.Before != w[0] || c.After != w[1]) {
			t.Errorf("%s: %q → %q, want %q → %q", c.Field, c.Before, c.After, w[0], w[1])
		}
		if strings.HasPrefix(c.Field, "father.") && (c.Before == "" || c.After != "") {
			t.Errorf("the removed father's %s: %q → %q", c.Field, c.Before, c.After)
		}
	}
	for f := range want {
		if !seen[f] {
			t.Errorf("%s is not among the changes %v", f, got)
		}
	}
	if !seen["father.full_name"] {
		t.Errorf("the removed father is not among the changes %v", got)
	}
	if d := Diff(&before, &before); len(d) != 0 {
		t.Errorf("a version against itself: %v", d)
	}
}

// Spellings of the official lists are written the lists' way before they are stored.
func TestNormalizeWritesListedNames(t *testing.T) {
	b := goodBirth()
	b.Child.Ethnicity, b.Child.Nationality = " Mông", "viet nam"
	b.Mother.Ethnicity, b.Mother.Nationality = "khmer", "LA"
	b.Abroad = &Abroad{Country: "South Korea"}
	b.Normalize()
	got := []string{b.Child.Ethnicity, b.Child.Nationality, b.Mother.Ethnicity, b.Mother.Nationality, b.Abroad.Country}
	want := []string{"Hmông", "Việt Nam", "Khơ-me", "Lào", "Hàn Quốc"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("normalised %v, want %v", got, want)
			break
		}
	}
	// Unknown values stay as typed: validation names them.
	b.Child.Ethnicity = "Người sao Hỏa"
	b.Normalize()
	if b.Child.Ethnicity != "Người sao Hỏa" {
		t.Errorf("an unknown ethnicity was changed to %q", b.Child.Ethnicity)
	}
}
