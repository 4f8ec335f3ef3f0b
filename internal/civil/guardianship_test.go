package civil

import (
	"testing"
	"time"
)

// The rules of the Civil Code 2015 and Law 60/2014 on a guardianship, each with its article;
// registered on 10 March 2026.
func TestGuardianshipRules(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	base := func() *Guardianship {
		return &Guardianship{Ward: Person{FullName: "Đinh Văn Tí", Sex: Male, DateOfBirth: "2018-04-04"},
			Guardian:    Parent{FullName: "Đinh Thị Mơ", DateOfBirth: "1985-01-01", Residence: "Thôn Nước Vương, xã Ba Tơ"},
			Appointment: "Văn bản cử người giám hộ số 12/VB-UBND ngày 01/03/2026", WardHeard: true}
	}
	tests := []struct {
		name  string
		edit  func(*Guardianship)
		field string
		want  string
	}{
		{"an aunt appointed for a boy of seven", func(*Guardianship) {}, "", ""},
		// Art. 47.1: a minor, or an adult a court declared without capacity.
		{"a ward of 18", func(g *Guardianship) { g.Ward.DateOfBirth = "2008-03-10" }, "ward.date_of_birth", "guardianship.ward_adult"},
		{"a ward 18 tomorrow", func(g *Guardianship) { g.Ward.DateOfBirth = "2008-03-11" }, "", ""},
		{"an adult without capacity", func(g *Guardianship) {
			g.Ward.DateOfBirth, g.Incapacity = "1990-01-01", "Quyết định số 05/2025/QĐ-TA của TAND khu vực 1"
		}, "", ""},
		// Art. 47.2, 53: one guardian, or grandparents together, or parents of an adult in need.
		{"two guardians who are not a couple of parents or grandparents", func(g *Guardianship) {
			g.CoGuardian = &Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1960-01-01"}
		}, "joint", "guardianship.one_guardian"},
		{"grandparents together", func(g *Guardianship) {
			g.CoGuardian, g.Joint = &Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1960-01-01"}, JointGrandparents
		}, "", ""},
		{"together without a second", func(g *Guardianship) { g.Joint = JointGrandparents }, "co_guardian", "guardianship.co_guardian_missing"},
		{"parents of a minor", func(g *Guardianship) {
			g.CoGuardian, g.Joint = &Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1960-01-01"}, JointParents
		}, "joint", "guardianship.parents_of_adult"},
		{"parents of a minor, a court's decision typed", func(g *Guardianship) {
			g.Incapacity = "Quyết định số 05/2025/QĐ-TA"
			g.CoGuardian, g.Joint = &Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1960-01-01"}, JointParents
		}, "joint", "guardianship.parents_of_adult"},
		{"parents of an adult without capacity", func(g *Guardianship) {
			g.Ward.DateOfBirth, g.Incapacity = "1990-01-01", "Quyết định số 05/2025/QĐ-TA"
			g.CoGuardian, g.Joint = &Parent{FullName: "Đinh Văn Núi", DateOfBirth: "1960-01-01"}, JointParents
		}, "", ""},
		// Art. 49.1: a guardian of full civil capacity, an adult.
		{"a guardian of 17", func(g *Guardianship) { g.Guardian.DateOfBirth = "2008-06-06" }, "guardian.date_of_birth", "guardianship.guardian_minor"},
		{"a guardian's year only", func(g *Guardianship) { g.Guardian.DateOfBirth = "1985" }, "guardian.date_of_birth", "guardianship.guardian_born"},
		// Law 60/2014 art. 20.1: the document that appoints; Civil Code art. 54.1: a ward from 6 heard.
		{"appointed without the document", func(g *Guardianship) { g.Appointment = "" }, "appointment", "civil.required"},
		{"a ward of 7 not heard", func(g *Guardianship) { g.WardHeard = false }, "ward_heard", "guardianship.ward_heard"},
		{"a ward of 5 need not be", func(g *Guardianship) { g.Ward.DateOfBirth, g.WardHeard = "2020-03-11", false }, "", ""},
		{"by law, without a document", func(g *Guardianship) { g.ByLaw, g.Appointment, g.WardHeard = true, "", false }, "", ""},
		// Art. 62.1 and Law 60/2014 art. 22.1: an end's day, reason and papers.
		{"an end", func(g *Guardianship) {
			g.End = &GuardianshipEnd{On: "2026-03-10", Reason: "parents_resume", Basis: "Quyết định của Tòa án"}
		}, "", ""},
		{"an end for no reason the law gives", func(g *Guardianship) {
			g.End = &GuardianshipEnd{On: "2026-03-10", Reason: "tired", Basis: "Đơn"}
		}, "end.reason", "guardianship.end_reason"},
		{"an end before the registration", func(g *Guardianship) {
			g.End = &GuardianshipEnd{On: "2026-03-09", Reason: "ward_died", Basis: "Trích lục khai tử"}
		}, "end.on", "guardianship.end_before"},
	}
	// Civil Code 2015 art. 54.1 took effect on 1 January 2017: a legacy appointment of 2016
	// (Civil Code 2005) did not hear the ward.
	for day, field := range map[string]string{"2016-12-31": "", "2017-01-01": "ward_heard"} {
		g := base()
		g.Ward.DateOfBirth, g.WardHeard = "2008-01-01", false
		g.Normalize()
		t.Run("a ward of 8 not heard on "+day, func(t *testing.T) { wantField(t, g.Validate(day, today), field, "guardianship.ward_heard") })
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := base()
			tt.edit(g)
			g.Normalize()
			err := g.Validate("2026-03-10", today)
			wantField(t, err, tt.field, tt.want)
		})
	}
}

// A minor's guardianship ends by law the day the ward comes of age, recorded or not (Civil Code
// 2015 art. 62.1.a); an adult ward's holds until its end is recorded; a correction keeps the end.
func TestGuardianshipHeld(t *testing.T) {
	g := &Guardianship{Ward: Person{DateOfBirth: "2008-02-29"}}
	for day, want := range map[string]bool{"2026-02-27": true, "2026-02-28": false, "2030-01-01": false} {
		if g.HeldOn(day, "2010-01-01", WardEvents{}) != want {
			t.Errorf("a minor born 29 February 2008, held on %s: want %v", day, want)
		}
	}
	adult := &Guardianship{Ward: Person{DateOfBirth: "1990-01-01"}, Incapacity: "Quyết định"}
	if !adult.HeldOn("2030-01-01", "2020-01-01", WardEvents{}) {
		t.Error("an adult ward's guardianship ended by itself")
	}
	adult.End = &GuardianshipEnd{On: "2027-05-05", Reason: "full_capacity", Basis: "x"}
	if !adult.HeldOn("2027-05-04", "2020-01-01", WardEvents{}) || adult.HeldOn("2027-05-05", "2020-01-01", WardEvents{}) {
		t.Error("the recorded end is not the day it ends")
	}
	// Art. 62.1.b, d: the ward's death, an adoption after the guardianship began (not before).
	for _, c := range []struct {
		w    WardEvents
		want bool
	}{{WardEvents{Died: "2026-01-01"}, false}, {WardEvents{Adopted: "2025-06-01"}, false}, {WardEvents{Adopted: "2019-06-01"}, true},
		{WardEvents{Died: "2026-05-01"}, true}} {
		if got := adult.HeldOn("2026-03-10", "2020-01-01", c.w); got != c.want {
			t.Errorf("with %+v: held %v", c.w, got)
		}
	}
	corrected := &Guardianship{}
	corrected.Keep(adult)
	if corrected.End == nil || corrected.End.On != "2027-05-05" {
		t.Errorf("a correction dropped the end: %+v", corrected.End)
	}
	added := &Guardianship{End: &GuardianshipEnd{On: "2027-01-01"}}
	added.Keep(&Guardianship{})
	if added.End != nil {
		t.Error("a correction added an end")
	}
}
