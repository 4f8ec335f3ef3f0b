package civil

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func TestSamePerson(t *testing.T) {
	an := Party{FullName: "Nguyễn Văn An", DateOfBirth: "1998-02-28", PersonalID: "038098001234"}
	tests := []struct {
		name string
		a, b Party
		want bool
	}{
		// Law 60/2014 art. 6: the personal ID identifies a person; it decides when both have one.
		{"same ID, name written otherwise", an, Party{FullName: "Nguyen Van An", PersonalID: "038098001234"}, true},
		{"different IDs, same name and birth", an, Party{FullName: "Nguyễn Văn An", DateOfBirth: "1998-02-28", PersonalID: "038098009999"}, false},
		// Without an ID on one side: name (marks and case aside) and date of birth together.
		{"no ID: name without marks and same birth", an, Party{FullName: "NGUYEN VAN AN", DateOfBirth: "1998-02-28"}, true},
		{"no ID: same name, another birth", an, Party{FullName: "Nguyễn Văn An", DateOfBirth: "1998-03-01"}, false},
		{"no ID: another name, same birth", an, Party{FullName: "Nguyễn Văn Anh", DateOfBirth: "1998-02-28"}, false},
		{"nobody is nobody", Party{}, Party{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SamePerson(tt.a, tt.b); got != tt.want {
				t.Errorf("SamePerson = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStillMarried(t *testing.T) {
	m := &Marriage{Husband: Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", PersonalID: "038090001111"},
		Wife: Spouse{FullName: "Phạm Thị Lan", DateOfBirth: "1995-07-09"}}
	hung := Party{Role: HusbandRole, FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", PersonalID: "038090001111"}
	lan := Party{Role: WifeRole, FullName: "Pham Thi Lan", DateOfBirth: "1995-07-09"}
	other := Party{Role: WifeRole, FullName: "Đỗ Thị Hoa", DateOfBirth: "1991-01-01"}
	otherMan := Party{Role: HusbandRole, FullName: "Vũ Văn Nam", DateOfBirth: "1989-01-01"}
	tests := []struct {
		name   string
		unions []Union
		until  string   // the day m ended, for a correction of an old marriage
		want   []string // roles barred
	}{
		// Law on Marriage and Family 2014 art. 5.2.c and 8.1.d: a married person may not marry.
		{"the husband is married to someone else", []Union{{RecordID: "a", Husband: hung, Wife: other}}, "", []string{HusbandRole}},
		{"the wife is married, found by name and birth", []Union{{RecordID: "b", Husband: otherMan, Wife: lan}}, "", []string{WifeRole}},
		{"both married elsewhere", []Union{{RecordID: "a", Husband: hung, Wife: other}, {RecordID: "b", Husband: otherMan, Wife: lan}}, "", []string{HusbandRole, WifeRole}},
		// A death or a divorce ends the marriage (art. 65, 57.1): the widower may marry, from
		// that day on, not on a day before.
		{"the husband's marriage ended by a death", []Union{{RecordID: "a", Husband: hung, Wife: other, EndedOn: "2026-01-05"}}, "", nil},
		{"ended on the day of the new marriage", []Union{{RecordID: "a", Husband: hung, Wife: other, EndedOn: "2026-03-10"}}, "", nil},
		{"ended the day after the new marriage", []Union{{RecordID: "a", Husband: hung, Wife: other, EndedOn: "2026-03-11"}}, "", []string{HusbandRole}},
		{"no union", nil, "", nil},
		// A correction of a marriage that ended in 2014: the person's marriage of 2016 does not
		// overlap it; one of 2013 does.
		{"a later marriage after the corrected one ended", []Union{{RecordID: "b", RegisteredOn: "2016-05-05", Husband: hung, Wife: other}}, "2014-01-01", nil},
		{"an earlier marriage still holding", []Union{{RecordID: "b", RegisteredOn: "2013-05-05", Husband: hung, Wife: other}}, "2014-01-01", []string{HusbandRole}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StillMarried(m, tt.unions, "2026-03-10", tt.until)
			if len(got) != len(tt.want) {
				t.Fatalf("barred %v, want %v", got, tt.want)
			}
			for _, role := range tt.want {
				if _, ok := got[role]; !ok {
					t.Errorf("%s not barred: %v", role, got)
				}
			}
		})
	}
}

func TestRelated(t *testing.T) {
	m := &Marriage{Husband: Spouse{FullName: "Trần Văn Bảo", DateOfBirth: "1996-04-10", PersonalID: "038096001111"},
		Wife: Spouse{FullName: "Trần Thị Cúc", DateOfBirth: "1999-09-09", PersonalID: "038199002222"}}
	mother := &Parent{FullName: "Hoàng Thị Mai", DateOfBirth: "1970-01-01", PersonalID: "038170003333"}
	father := &Parent{FullName: "Trần Văn Đức", DateOfBirth: "1968-03-03"}
	stranger := &Parent{FullName: "Ngô Thị Yến", DateOfBirth: "1972-02-02"}
	tests := []struct {
		name          string
		husband, wife *Birth
		want          bool
	}{
		// Art. 5.2.d with art. 3.18: siblings are kin within three generations.
		{"same mother, by personal ID", &Birth{Mother: mother}, &Birth{Mother: &Parent{FullName: "Hoàng Thị Mai", PersonalID: "038170003333"}}, true},
		{"same father, by name and birth", &Birth{Father: father, Mother: stranger}, &Birth{Father: &Parent{FullName: "TRAN VAN DUC", DateOfBirth: "1968-03-03"}, Mother: mother}, true},
		{"different parents", &Birth{Mother: mother, Father: father}, &Birth{Mother: stranger}, false},
		// Art. 3.17: the direct line. The wife is the husband's mother in his birth entry.
		{"the wife is the husband's mother", &Birth{Mother: &Parent{FullName: "Trần Thị Cúc", PersonalID: "038199002222"}}, nil, true},
		{"the husband is the wife's father", nil, &Birth{Father: &Parent{FullName: "Trần Văn Bảo", DateOfBirth: "1996-04-10"}}, true},
		{"no birth entries", nil, nil, false},
		{"unnamed parents never match", &Birth{Mother: &Parent{}}, &Birth{Mother: &Parent{}}, false},
		// A name with a year of birth alone is too weak for a refusal no one can override.
		{"same mother's name and year only", &Birth{Mother: &Parent{FullName: "Nguyễn Thị Hoa", DateOfBirth: "1970"}},
			&Birth{Mother: &Parent{FullName: "Nguyễn Thị Hoa", DateOfBirth: "1970"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Related(m, tt.husband, tt.wife); got != tt.want {
				t.Errorf("Related = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMarriageParties(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	base := func() *Marriage {
		return &Marriage{Husband: Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", PersonalID: "038090001111"},
			Wife: Spouse{FullName: "Phạm Thị Lan", DateOfBirth: "1995-07-09", PersonalID: "038195002222"}}
	}
	tests := []struct {
		name  string
		edit  func(*Marriage)
		day   string // registered on; 2026-12-01 when empty
		field string
		want  string
	}{
		// Law on Marriage and Family 2014 art. 8.2: two people of one sex are not recognised.
		{"two women", func(m *Marriage) { m.Husband.PersonalID = "038190001111" }, "", "husband.personal_id", "civil.same_sex_marriage"},
		{"two men", func(m *Marriage) { m.Wife.PersonalID = "038095002222" }, "", "wife.personal_id", "civil.same_sex_marriage"},
		// An ID that is not well formed says so; it says nothing of a sex.
		{"an ID of no province", func(m *Marriage) { m.Husband.PersonalID = "999190001111" }, "", "husband.personal_id", "pid.province"},
		// Art. 8.1.a, completed years: a woman of 18 on her birthday may marry; 29 February.
		{"the wife turns 18 on the day", func(m *Marriage) { m.Wife.DateOfBirth, m.Wife.PersonalID = "2008-12-01", "" }, "", "", ""},
		{"the wife turns 18 tomorrow", func(m *Marriage) { m.Wife.DateOfBirth, m.Wife.PersonalID = "2008-12-02", "" }, "", "wife.date_of_birth", "civil.under_marriage_age"},
		// Born on 29 February: 18 years are complete on 28 February of a common year (Civil
		// Code 2015 art. 148.3–4), not on 1 March.
		{"born 29 February, registered 28 February", func(m *Marriage) { m.Wife.DateOfBirth, m.Wife.PersonalID = "2008-02-29", "" }, "2026-02-28", "", ""},
		{"born 29 February, registered 27 February", func(m *Marriage) { m.Wife.DateOfBirth, m.Wife.PersonalID = "2008-02-29", "" }, "2026-02-27", "wife.date_of_birth", "civil.under_marriage_age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.edit(m)
			day := tt.day
			if day == "" {
				day = "2026-12-01"
			}
			err := ValidateMarriage(m, day, today)
			wantField(t, err, tt.field, tt.want)
		})
	}
	// Decree 123/2015 art. 2.1: at the desk each party shows a personal ID or an identity paper.
	m := base()
	m.Wife.PersonalID, m.Husband.Papers = "", "Hộ chiếu C1234567"
	m.Husband.PersonalID = ""
	e, _ := fault.As(m.IdentityProblems())
	if e == nil || e.Fields["wife.personal_id"] != "civil.identity_required" || e.Fields["husband.personal_id"] != "" {
		t.Errorf("identity: %v", e)
	}
	// Law 60/2014 art. 38.1, Decree 123/2015 art. 30.1: a foreign party proves their marital
	// status with a paper of their country; a Vietnamese party does not need it.
	m = base()
	m.Husband.Nationality, m.Husband.PersonalID, m.Husband.Papers = "Hàn Quốc", "", "Hộ chiếu M12345678"
	if e, _ := fault.As(m.IdentityProblems()); e == nil || e.Fields["husband.marital_proof"] != "marriage.foreign_proof" || len(e.Fields) != 1 {
		t.Errorf("a foreign husband without proof: %v", e)
	}
	m.Husband.MaritalProof = "Giấy xác nhận độc thân số 2026-77, Đại sứ quán Hàn Quốc, ngày 01/11/2026"
	if err := m.IdentityProblems(); err != nil {
		t.Errorf("a foreign husband with proof: %v", err)
	}
}
