package legalaid

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func wantField(t *testing.T, err error, field, want string) {
	t.Helper()
	e, _ := fault.As(err)
	switch {
	case field == "" && err != nil:
		t.Fatalf("want valid, got %v", err)
	case field != "" && (e == nil || e.Fields[field] != want):
		t.Fatalf("want %s: %s, got %v", field, want, err)
	}
}

// The request's rules, each with its article: the Law on Legal Aid 2017 art. 7 (who), art. 27
// (fields, forms), Decree 144/2017 art. 2 (financial difficulty), as the data has them.
func TestRequestRules(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	base := func() *Request {
		return &Request{Applicant: Applicant{FullName: "Đinh Thị Hoa", DateOfBirth: "1980-05-05", Sex: "female"}, Field: Land, Form: Advice,
			Channel: InPerson, Matter: "Tranh chấp ranh giới thửa đất", Category: "poor", Evidence: []string{"poor_certificate"}}
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Request)
		field string
		want  string
	}{
		{"a poor household's land dispute (art. 7.2)", func(*Request) {}, "", ""},
		{"business and commerce are not covered (art. 27.1)", func(r *Request) { r.Field = Business }, "field", "legalaid.business"},
		{"a field the data has not", func(r *Request) { r.Field = "tax" }, "field", "legalaid.field_bad"},
		{"a form the law has not", func(r *Request) { r.Form = "mediation" }, "form", "legalaid.form_bad"},
		{"a referral names who referred", func(r *Request) { r.Channel = Referral }, "referred_by", "civil.required"},
		{"no paper for the category", func(r *Request) { r.Evidence = nil }, "evidence", "legalaid.evidence_missing"},
		{"a paper nobody knows", func(r *Request) { r.Evidence = append(r.Evidence, "selfie") }, "evidence", "legalaid.evidence_unknown"},
		{"a category the law has not", func(r *Request) { r.Category = "friend" }, "category", "legalaid.category_bad"},
		// Art. 7.3: a child, under 16 (Law on Children 2016 art. 1).
		{"a child of 15", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Evidence = "2011-06-01", "child", []string{"birth_certificate"}
		}, "", ""},
		{"a 'child' of 16", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Evidence = "2010-11-30", "child", []string{"birth_certificate"}
		}, "applicant.date_of_birth", "legalaid.too_old"},
		// Art. 7.5: accused from 16 to under 18.
		{"accused at 17", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Field, r.Form, r.Evidence = "2009-06-01", "accused_minor", Criminal, Proceedings, []string{"prosecution_paper"}
		}, "", ""},
		{"accused at 15", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Field, r.Evidence = "2011-06-01", "accused_minor", Criminal, []string{"prosecution_paper"}
		}, "applicant.date_of_birth", "legalaid.too_young"},
		// Art. 7.6: accused, and of a near-poor household: both papers.
		{"accused without the near-poor paper", func(r *Request) {
			r.Category, r.Field, r.Evidence = "accused_near_poor", Criminal, []string{"prosecution_paper"}
		}, "evidence", "legalaid.evidence_missing"},
		// Art. 7.7: the elderly (60, Law on the Elderly art. 2) in financial difficulty (Decree 144/2017 art. 2).
		{"an elderly man without proof of difficulty", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Evidence = "1950-01-01", "elderly", []string{"identity_paper"}
		}, "evidence", "legalaid.financial_missing"},
		{"an elderly man on a monthly allowance", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Evidence = "1950-01-01", "elderly", []string{"identity_paper", "social_allowance_decision"}
		}, "", ""},
		{"'elderly' at 59", func(r *Request) {
			r.Applicant.DateOfBirth, r.Category, r.Evidence = "1967-06-01", "elderly", []string{"identity_paper", "near_poor_certificate"}
		}, "applicant.date_of_birth", "legalaid.too_young"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(r)
			r.Normalize()
			wantField(t, r.Validate(Rules, today), tt.field, tt.want)
		})
	}
}

// An assignee with a conflict of interest may not take the case: a relative of the other party,
// or who assisted the other party before.
func TestConflict(t *testing.T) {
	if got := Conflict(Assignee{Kind: Lawyer, Name: "Luật sư Trần Văn An"}, []string{"luật sư trần văn an"}); got != "legalaid.conflict_other_party" {
		t.Errorf("assisted the other party: %q", got)
	}
	if got := Conflict(Assignee{Kind: Officer, Name: "Lê Thị Bình", RelatedToOtherParty: true}, nil); got != "legalaid.conflict_relative" {
		t.Errorf("a relative: %q", got)
	}
	if got := Conflict(Assignee{Kind: Officer, Name: "Lê Thị Bình"}, []string{"Trần Văn An"}); got != "" {
		t.Errorf("no conflict: %q", got)
	}
}
