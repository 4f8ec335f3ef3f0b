package civil

import (
	"testing"
	"time"
)

// Registering again what was registered before 2016, its register and original both lost
// (Decree 123/2015 art. 24–28); the registration day is 10 March 2026.
func TestReregistration(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	first := func() *Reregistration {
		return &Reregistration{OriginalOffice: "UBND xã Nghĩa Chánh, huyện Tư Nghĩa", OriginalDate: "1990-05-20", OriginalReference: "số 45, quyển 01/1990", BothLost: true}
	}
	birth := func(r *Reregistration) Entry {
		return &Birth{Child: Person{FullName: "Phạm Văn Lực", Sex: Male, DateOfBirth: "1990-05-01", PlaceOfBirth: "Xã Nghĩa Chánh", Ethnicity: "Kinh", Nationality: "Việt Nam"},
			Mother: &Parent{FullName: "Phạm Thị Lụa", DateOfBirth: "1965"}, Requester: Requester{FullName: "Phạm Văn Lực", Relation: "bản thân"}, Reregistered: r}
	}
	marriage := func(r *Reregistration) Entry {
		return &Marriage{Husband: Spouse{FullName: "Phạm Văn Lực", DateOfBirth: "1970-01-01", PersonalID: "051070001234"},
			Wife: Spouse{FullName: "Trần Thị Mến", DateOfBirth: "1973-02-02", PersonalID: "051173001234"}, Reregistered: r}
	}
	tests := []struct {
		name  string
		entry func(*Reregistration) Entry
		edit  func(*Reregistration)
		field string
		want  string
	}{
		{"a birth of 1990", birth, func(*Reregistration) {}, "", ""},
		// Art. 24.1: registered before 1 January 2016, and both the register and the original lost.
		{"first registered in 2016", birth, func(r *Reregistration) { r.OriginalDate = "2016-01-01" }, "reregistered.original_date", "reregistration.after_2016"},
		{"the original kept", birth, func(r *Reregistration) { r.BothLost = false }, "reregistered.both_lost", "reregistration.both_lost"},
		{"no office", birth, func(r *Reregistration) { r.OriginalOffice = " " }, "reregistered.original_office", "civil.required"},
		{"registered before the birth", birth, func(r *Reregistration) { r.OriginalDate = "1990-04-30" }, "reregistered.original_date", "civil.registered_before_event"},
		// A marriage of 1990: a husband of 20 and a wife of 17, which the law of 2000 (like the
		// Laws of 1959 and 1986) allowed, entering her eighteenth year; judged on its first day.
		{"a marriage judged on its first day", marriage, func(r *Reregistration) { r.OriginalDate = "1990-03-01" }, "", ""},
		{"a marriage too early even then", marriage, func(r *Reregistration) { r.OriginalDate = "1989-01-01" }, "wife.date_of_birth", "civil.under_marriage_age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := first()
			tt.edit(r)
			e := tt.entry(r)
			e.Normalize()
			err := e.Validate("2026-03-10", today)
			wantField(t, err, tt.field, tt.want)
		})
	}
	if birth(first()).Late("2026-03-10") {
		t.Error("a re-registered birth counted late")
	}
}
