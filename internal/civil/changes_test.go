package civil

import (
	"strings"
	"testing"
	"time"
)

// A change of name or ethnic group of a birth entry (Civil Code 2015 art. 27–29), on 10 March
// 2026, of a child born on 10 March 2017 (nine that day) to a Kinh father and a Tày mother.
func TestStatusChanges(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	birth := func(dob string) *Birth {
		return &Birth{Child: Person{FullName: "Hoàng Văn An", DateOfBirth: dob, Ethnicity: "Kinh"},
			Father: &Parent{FullName: "Hoàng Văn Bắc", Ethnicity: "Kinh"}, Mother: &Parent{FullName: "Nông Thị Cúc", Ethnicity: "Tày"}}
	}
	tests := []struct {
		name    string
		change  Change
		dob     string
		edit    func(*Birth)
		consent bool
		field   string
		want    string
	}{
		{"a new name at nine with consent (art. 27.2)", NameChange, "2017-03-10", func(b *Birth) { b.Child.FullName = "Hoàng Minh An" }, true, "", ""},
		{"a new name at nine without", NameChange, "2017-03-10", func(b *Birth) { b.Child.FullName = "Hoàng Minh An" }, false, "subject_consent", "amend.name_consent"},
		{"a new name at eight needs none", NameChange, "2017-03-11", func(b *Birth) { b.Child.FullName = "Hoàng Minh An" }, false, "", ""},
		{"a name change that moves the birthday", NameChange, "2017-03-11", func(b *Birth) { b.Child.FullName, b.Child.DateOfBirth = "Hoàng Minh An", "2017-03-12" },
			false, "child.date_of_birth", "amend.change_one_field"},
		// Art. 29.3: the birth father's or mother's ethnic group.
		{"the mother's ethnic group", EthnicityChange, "2020-01-01", func(b *Birth) { b.Child.Ethnicity = "Tày" }, false, "", ""},
		{"a group neither parent has", EthnicityChange, "2020-01-01", func(b *Birth) { b.Child.Ethnicity = "Nùng" }, false, "child.ethnicity", "amend.ethnicity_of_a_parent"},
		{"a mother of no recorded group", EthnicityChange, "2020-01-01", func(b *Birth) { b.Child.Ethnicity = "Tày" }, false, "child.ethnicity", "amend.ethnicity_of_a_parent"},
		// Art. 29.4: from 15 to under 18, the child's consent.
		{"at fifteen without consent", EthnicityChange, "2011-03-10", func(b *Birth) { b.Child.Ethnicity = "Tày" }, false, "subject_consent", "amend.ethnicity_consent"},
		{"at fifteen with consent", EthnicityChange, "2011-03-10", func(b *Birth) { b.Child.Ethnicity = "Tày" }, true, "", ""},
		{"an adult asks alone", EthnicityChange, "2000-01-01", func(b *Birth) { b.Child.Ethnicity = "Tày" }, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := birth(tt.dob)
			if strings.HasPrefix(tt.name, "a mother of no recorded group") {
				before.Mother.Ethnicity = "" // the entry as it stands names none
			}
			after := Copy(before).(*Birth)
			tt.edit(after)
			var changed []string
			for k, v := range Fields(after) {
				if Fields(before)[k] != v {
					changed = append(changed, k)
				}
			}
			err := StatusChangeProblems(tt.change, before, after, changed, day, tt.consent)
			wantField(t, err, tt.field, tt.want)
		})
	}
	if err := StatusChangeProblems(NameChange, &Death{}, &Death{}, nil, day, true); err == nil {
		t.Fatal("a death entry's name changed as a right")
	}
}
