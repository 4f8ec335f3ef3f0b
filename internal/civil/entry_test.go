package civil

import (
	"encoding/json"
	"testing"
	"time"
)

// Each kind's statutory time, asked of the entry itself.
func TestEntryLate(t *testing.T) {
	birth := func(dob string) Entry { return &Birth{Child: Person{DateOfBirth: dob}} }
	death := func(died string) Entry { return &Death{DateOfDeath: died} }
	cases := []struct {
		name       string
		e          Entry
		registered string
		late       bool
	}{
		// Law 60/2014 art. 15.1: a birth is registered within 60 days (the day of birth is day 0).
		{"birth on day 60", birth("2026-01-01"), "2026-03-02", false},
		{"birth on day 61", birth("2026-01-01"), "2026-03-03", true},
		// Art. 33.1: a death within 15 days.
		{"death on day 15", death("2026-03-01"), "2026-03-16", false},
		{"death on day 16", death("2026-03-01"), "2026-03-17", true},
		// Law 60/2014 sets no time for a marriage.
		{"marriage", &Marriage{}, "2026-03-17", false},
		{"birth without a date", birth(""), "2026-03-17", false},
	}
	for _, c := range cases {
		if got := c.e.Late(c.registered); got != c.late {
			t.Errorf("%s: late = %v, want %v", c.name, got, c.late)
		}
	}
}

// Content holds one entry under its kind's name; stored entries decode by kind; a record
// marshals as the API has always shown it ("birth": {…} beside the record's fields).
func TestContent(t *testing.T) {
	for _, e := range []Entry{&Birth{Child: Person{FullName: "Nguyễn Thị Đào"}}, &Death{Deceased: Person{FullName: "Lê Văn Tám"}},
		&Marriage{Husband: Spouse{FullName: "Lò Văn Páo"}, Wife: Spouse{FullName: "Đinh Thị Đào"}}} {
		r := Record{ID: "x", Kind: e.Kind()}
		r.Set(&Birth{})
		r.Set(e) // replaces, never adds
		if r.Entry() != e {
			t.Fatalf("%s: Entry() = %#v", e.Kind(), r.Entry())
		}
		b, _ := json.Marshal(r)
		var m map[string]json.RawMessage
		json.Unmarshal(b, &m)
		if _, ok := m[string(e.Kind())]; !ok || len(m) != 10 { // id type office register registered_on late version created_by created_at <kind>
			t.Fatalf("%s: record JSON %s", e.Kind(), b)
		}
		got, err := DecodeEntry(e.Kind(), m[string(e.Kind())])
		if err != nil || got.Subject() != e.Subject() {
			t.Fatalf("%s: decoded %#v, %v", e.Kind(), got, err)
		}
	}
	if _, err := DecodeEntry("guardian_of_the_galaxy", []byte("{}")); err == nil {
		t.Fatal("an unknown kind decoded")
	}
	if (Record{}).Entry() != nil || (Record{}).Subject() != (Person{}) {
		t.Fatal("an empty record has an entry")
	}
}

// What finds an entry, and what an amendment keeps.
func TestEntrySearchAndKeep(t *testing.T) {
	b := &Birth{Child: Person{FullName: "Nguyễn Thị Đào"}, Mother: &Parent{FullName: "Trần Thị Lan", PersonalID: "051195001234"}, Father: &Parent{FullName: "Nguyễn Văn Hùng"}}
	if s := b.Search(); s.Name != "Nguyễn Thị Đào" || s.Mother != "Trần Thị Lan" || s.MotherID != "051195001234" || s.Father != "Nguyễn Văn Hùng" {
		t.Errorf("birth: %+v", s)
	}
	m := &Marriage{Husband: Spouse{FullName: "Lò Văn Páo"}, Wife: Spouse{FullName: "Đinh Thị Đào"}}
	if s := m.Search(); s.Name != "Lò Văn Páo" || len(s.Others) != 1 || s.Others[0] != "Đinh Thị Đào" {
		t.Errorf("marriage: %+v", s)
	}
	if _, ok := m.Facts(); ok {
		t.Error("the birth and death duplicate rules were applied to a marriage")
	}
	before := &Death{Deceased: Person{FullName: "Lê Văn Tám"}, DateOfDeath: "2026-03-01", BirthRecord: "b1"}
	after := &Death{Deceased: Person{FullName: "Lê Văn Tám"}, DateOfDeath: "2026-03-02"}
	after.Keep(before)
	if s := after.Search(); after.BirthRecord != "b1" || s.BirthRecord != "b1" || s.DateOfDeath != "2026-03-02" {
		t.Errorf("death after an amendment: %+v", after)
	}
	if err := (&Birth{}).Validate("2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("an empty birth validated")
	}
}
