package civil

import (
	"slices"
	"testing"

	"tuphap/internal/vntext"
)

func birthRec(id, child, sex, dob, mother, motherID, father string) Record {
	b := &Birth{Child: Person{FullName: child, Sex: sex, DateOfBirth: dob}}
	if mother != "" {
		b.Mother = &Parent{FullName: mother, PersonalID: motherID}
	}
	if father != "" {
		b.Father = &Parent{FullName: father}
	}
	return Record{ID: id, Kind: BirthKind, Content: Content{Birth: b}}
}

func TestBirthDuplicates(t *testing.T) {
	registered := []Record{birthRec("r1", "Nguyễn Thị Đào", Female, "2026-02-01", "Trần Thị Lan", "051195001234", "Nguyễn Văn Hùng")}
	tests := []struct {
		name    string
		new     Record
		dup     bool
		reasons []string
	}{
		{"same child again, typed without diacritics", birthRec("n", "nguyen thi dao", Female, "2026-02-01", "tran thi lan", "", ""), true,
			[]string{"dup.same_mother", "dup.same_name", "dup.same_dob", "dup.same_sex"}},
		{"typo in the given name, date off by two days", birthRec("n", "Nguyễn Thị Đảo", Female, "2026-02-03", "Trần Thị Lan", "", ""), true, nil},
		{"mother's name misspelt but her ID equal", birthRec("n", "Nguyễn Thị Đào", Female, "2026-02-01", "Trần Thị Lân", "051195001234", ""), true,
			[]string{"dup.same_mother_id"}},
		{"no mother on the new form, same father", birthRec("n", "Nguyễn Thị Đào", Female, "2026-02-01", "", "", "Nguyễn Văn Hùng"), true, []string{"dup.same_father"}},
		{"twin sister", birthRec("n", "Nguyễn Thị Mai", Female, "2026-02-01", "Trần Thị Lan", "", "Nguyễn Văn Hùng"), false, nil},
		{"twin brother with a near name", birthRec("n", "Nguyễn Văn Đào", Male, "2026-02-01", "Trần Thị Lan", "", ""), false, nil},
		{"same name and day, another mother", birthRec("n", "Nguyễn Thị Đào", Female, "2026-02-01", "Lê Thị Hoa", "", ""), false, nil},
		// Half the province shares a family name: the same family name, mother's family name and
		// day of birth must not make a match.
		{"only family names shared", birthRec("n", "Nguyễn Thị Hồng", Female, "2026-02-01", "Trần Thị Thu", "", "Nguyễn Văn Nam"), false, nil},
		{"same child a year apart (a sibling)", birthRec("n", "Nguyễn Thị Đào", Female, "2027-02-01", "Trần Thị Lan", "", ""), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindDuplicates(FactsOfBirth(tt.new.Birth), registered, DefaultParams)
			if (len(got) > 0) != tt.dup {
				score, reasons := Score(BirthRules, FactsOfBirth(tt.new.Birth), FactsOfBirth(registered[0].Birth), DefaultParams)
				t.Fatalf("duplicate = %v, want %v (score %d, %v)", len(got) > 0, tt.dup, score, reasons)
			}
			for _, r := range tt.reasons {
				if !slices.Contains(got[0].Reasons, r) {
					t.Errorf("reasons %v lack %s", got[0].Reasons, r)
				}
			}
			// The store's first pass judges from the searchable columns; it must agree.
			b := registered[0].Birth
			g := FactsOfIndex(BirthKind, b.Child.FullName, b.Child.Sex, b.Child.DateOfBirth, "", vntext.Fold(b.Mother.FullName), b.Mother.PersonalID,
				vntext.Fold(b.Father.FullName), "")
			if Likely(FactsOfBirth(tt.new.Birth), g, DefaultParams) != tt.dup {
				t.Errorf("Likely on indexed facts = %v, want %v", !tt.dup, tt.dup)
			}
			// Its first step drops candidates by the child's name alone; never a duplicate.
			if tt.dup && !NameMayMatch(FactsOfBirth(tt.new.Birth), vntext.Fold(b.Child.FullName), DefaultParams) {
				t.Error("NameMayMatch dropped a likely duplicate")
			}
		})
	}
}

// NameMayMatch may only drop entries that could not be likely duplicates even if everything
// but the child's name were the same.
func TestNameMayMatch(t *testing.T) {
	names := []string{"Nguyễn Thị Đào", "nguyen thi dao", "Nguyễn Thị Đảo", "Trần Thị Đào", "Nguyễn Văn Đào", "Nguyễn Thị Mai",
		"Đào", "Lê Đào", "Nguyễn Thị Ngọc Đào", "Nguyễn Thị Dao", "Phạm Hùng", ""}
	dropped := 0
	for _, a := range names {
		for _, b := range names {
			f := FactsOfBirth(birthRec("n", a, Female, "2026-02-01", "Trần Thị Lan", "051195001234", "Nguyễn Văn Hùng").Birth)
			g := FactsOfBirth(birthRec("r", b, Female, "2026-02-01", "Trần Thị Lan", "051195001234", "Nguyễn Văn Hùng").Birth)
			may := NameMayMatch(f, vntext.Fold(b), DefaultParams)
			if !may {
				dropped++
			}
			if Likely(f, g, DefaultParams) && !may {
				t.Errorf("%q against %q: likely duplicate, but NameMayMatch drops it", a, b)
			}
		}
	}
	if dropped == 0 {
		t.Error("NameMayMatch dropped nothing")
	}
}

func TestDeathDuplicates(t *testing.T) {
	death := func(name, sex, dob, pid string) Record {
		return Record{Kind: DeathKind, Content: Content{Death: &Death{Deceased: Person{FullName: name, Sex: sex, DateOfBirth: dob, PersonalID: pid}}}}
	}
	registered := []Record{death("Lê Văn Tám", Male, "1940-05-01", "051040000123")}
	tests := []struct {
		name string
		new  Record
		dup  bool
	}{
		{"same personal id", death("Lê Văn Tâm", Male, "1941-05-01", "051040000123"), true},
		{"same name and birthday", death("le van tam", Male, "1940-05-01", ""), true},
		{"same given name, other family, same birthday", death("Trần Văn Tám", Male, "1940-05-01", ""), false},
		{"same family and birthday only", death("Lê Văn Hai", Male, "1940-05-01", ""), false},
		{"same name, other birthday", death("Lê Văn Tám", Male, "1950-05-01", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindDuplicates(FactsOfDeath(tt.new.Death), registered, DefaultParams)
			if (len(got) > 0) != tt.dup {
				t.Fatalf("duplicate = %v, want %v: %+v", len(got) > 0, tt.dup, got)
			}
			d := registered[0].Death.Deceased
			g := FactsOfIndex(DeathKind, d.FullName, d.Sex, d.DateOfBirth, d.PersonalID, "", "", "", "")
			if Likely(FactsOfDeath(tt.new.Death), g, DefaultParams) != tt.dup {
				t.Errorf("Likely on indexed facts = %v, want %v", !tt.dup, tt.dup)
			}
		})
	}
}
