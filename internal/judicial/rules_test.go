package judicial

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func idx(i int) *int { return &i }

// The chapter follows from the article (Penal Code 2015, special part): chapter XIII is
// articles 108–122, chapter XXVI 421–425; articles of the general part define no crime.
func TestChapterOfAnArticle(t *testing.T) {
	for _, tt := range []struct {
		article int
		want    string
		ok      bool
	}{{107, "", false}, {108, "XIII", true}, {122, "XIII", true}, {123, "XIV", true}, {173, "XVI", true}, {248, "XX", true},
		{353, "XXIII", true}, {367, "XXIV", true}, {420, "XXV", true}, {421, "XXVI", true}, {425, "XXVI", true}, {426, "", false}} {
		if got, ok := Chapter(tt.article); got != tt.want || ok != tt.ok {
			t.Errorf("article %d: chapter %q %v, want %q %v", tt.article, got, ok, tt.want, tt.ok)
		}
	}
}

func theft() Judgment {
	return Judgment{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Number: "12/2020/HS-ST", Date: "2020-01-10", EffectiveDate: "2020-01-25",
		OffenseDate: "2019-10-01", Crimes: []Crime{{Article: 173, Clause: "1", Category: LessSerious, Intentional: true}},
		Main: MainPenalty{Type: Prison, Months: 12}, AgeAtOffense: 30}
}

// Bad input is refused with every problem at once, each citing its article.
func TestJudgmentValidation(t *testing.T) {
	today := day("2026-12-01")
	tests := []struct {
		name  string
		edit  func(*Judgment)
		field string
		want  string
	}{
		{"a theft, 12 months", func(*Judgment) {}, "", ""},
		{"an article of the general part", func(j *Judgment) { j.Crimes[0].Article = 51 }, "crimes.0.article", "judicial.article_unknown"},
		{"an article past the last", func(j *Judgment) { j.Crimes[0].Article = 426 }, "crimes.0.article", "judicial.article_unknown"},
		{"a class the Code has not (art. 9)", func(j *Judgment) { j.Crimes[0].Category = "petty" }, "crimes.0.category", "judicial.category_unknown"},
		{"no crime", func(j *Judgment) { j.Crimes = nil }, "crimes", "judicial.crime_needed"},
		// Art. 65.1: probation of 1 to 5 years, for prison of 3 years or less.
		{"probation of 61 months", func(j *Judgment) { j.Main = MainPenalty{Type: Suspended, Months: 24, ProbationMonths: 61} }, "main_penalty.probation_months", "judicial.probation_months"},
		{"probation of 60 months", func(j *Judgment) { j.Main = MainPenalty{Type: Suspended, Months: 24, ProbationMonths: 60} }, "", ""},
		{"suspended 37 months", func(j *Judgment) { j.Main = MainPenalty{Type: Suspended, Months: 37, ProbationMonths: 60} }, "main_penalty.months", "judicial.suspended_months"},
		{"probation without a suspended sentence", func(j *Judgment) { j.Main.ProbationMonths = 12 }, "main_penalty.probation_months", "judicial.probation_not_suspended"},
		// Art. 38.1: 3 months to 20 years (30 for several crimes, art. 55).
		{"prison of 2 months", func(j *Judgment) { j.Main.Months = 2 }, "main_penalty.months", "judicial.prison_months"},
		// Art. 36.1: non-custodial reform of 6 months to 3 years; art. 35.2: a fine from 1,000,000 đồng.
		{"reform of 4 months", func(j *Judgment) { j.Main = MainPenalty{Type: NonCustodial, Months: 4} }, "main_penalty.months", "judicial.non_custodial_months"},
		{"a fine of 500,000 đồng", func(j *Judgment) { j.Main = MainPenalty{Type: Fine, Amount: 500_000} }, "main_penalty.amount", "judicial.fine_amount"},
		{"a penalty the Code has not", func(j *Judgment) { j.Main = MainPenalty{Type: "exile"} }, "main_penalty.type", "judicial.penalty_unknown"},
		// Art. 41–44: bans, residence bans, supervision, lost rights of 1 to 5 years.
		{"a ban of 6 years", func(j *Judgment) { j.Additional = []Additional{{Type: BanOffice, Months: 72}} }, "additional_penalties.0.months", "judicial.additional_months"},
		{"an additional penalty the Code has not", func(j *Judgment) { j.Additional = []Additional{{Type: "shaming"}} }, "additional_penalties.0.type", "judicial.additional_unknown"},
		{"in force before pronounced", func(j *Judgment) { j.EffectiveDate = "2020-01-09" }, "effective_date", "judicial.effective_before"},
		{"offended after the judgment", func(j *Judgment) { j.OffenseDate = "2020-02-01" }, "offense_date", "judicial.offense_after"},
		{"a judgment of next year", func(j *Judgment) { j.Date, j.EffectiveDate = "2027-01-01", "2027-01-02" }, "date", "civil.date_future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := theft()
			tt.edit(&j)
			j.Normalize()
			wantField(t, j.Validate(today), tt.field, tt.want)
		})
	}
	j := theft()
	if j.Normalize(); j.Crimes[0].Chapter != "XVI" {
		t.Errorf("the chapter of art. 173: %q", j.Crimes[0].Chapter)
	}
}

// A report of enforcement fits its judgment: not before it, of a type that fits the penalty,
// naming an additional penalty the judgment has.
func TestEventValidation(t *testing.T) {
	today := day("2026-12-01")
	j := theft()
	j.Additional = []Additional{{Type: BanOffice, Months: 24}, {Type: AdditionalFee, Amount: 5_000_000}}
	for _, tt := range []struct {
		name  string
		e     Event
		field string
		want  string
	}{
		{"released", Event{Type: MainServed, Date: "2021-01-10"}, "", ""},
		{"before the judgment", Event{Type: MainServed, Date: "2020-01-09"}, "date", "judicial.event_before_judgment"},
		{"a probation's end for a prison sentence", Event{Type: ProbationEnded, Date: "2021-01-10"}, "type", "judicial.event_not_for_penalty"},
		{"a commutation of a term", Event{Type: Commuted, Date: "2021-01-10"}, "type", "judicial.event_not_for_penalty"},
		{"the ban ended", Event{Type: AdditionalEnded, Date: "2023-01-10", PenaltyIndex: idx(0)}, "", ""},
		{"a third additional penalty", Event{Type: AdditionalEnded, Date: "2023-01-10", PenaltyIndex: idx(2)}, "penalty_index", "judicial.penalty_index"},
		{"the additional fine paid", Event{Type: FinePaid, Date: "2020-06-01", PenaltyIndex: idx(1)}, "", ""},
		{"a ban paid", Event{Type: FinePaid, Date: "2020-06-01", PenaltyIndex: idx(0)}, "penalty_index", "judicial.event_not_for_penalty"},
		{"a main fine paid on a prison sentence", Event{Type: FinePaid, Date: "2020-06-01"}, "type", "judicial.event_not_for_penalty"},
		{"an unknown report", Event{Type: "escaped", Date: "2020-06-01"}, "type", "judicial.event_unknown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantField(t, j.ValidateEvent(tt.e, today), tt.field, tt.want)
		})
	}
}

// wantField: err is nil when field is "", else a validation error giving field the code want.
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
