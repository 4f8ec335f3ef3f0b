package judicial

import (
	"testing"
)

// rec is a judgment of an adult offender with its reports.
func rec(id string, main MainPenalty, effective string, events ...Event) Record {
	j := theft()
	j.Main, j.EffectiveDate, j.Date = main, effective, effective
	j.OffenseDate = day(effective).AddDate(0, -3, 0).Format("2006-01-02")
	return Record{ID: id, Judgment: j, Events: events}
}

func served(on string) Event { return Event{Type: MainServed, Date: on} }

// Expungement as the Penal Code 2015 (amended 2017) has it, each case on the boundary days of
// its waiting period: the day before it ends the conviction stands, on the day it is expunged.
func TestExpungement(t *testing.T) {
	national := rec("A", MainPenalty{Type: Prison, Months: 36}, "2015-01-10", served("2018-01-10"))
	national.Crimes = []Crime{{Article: 117, Clause: "1", Category: VerySerious, Intentional: true}}
	banned := rec("A", MainPenalty{Type: Prison, Months: 36}, "2015-01-10", served("2018-01-10"))
	banned.Additional = []Additional{{Type: BanOffice, Months: 60}}
	minor15 := rec("A", MainPenalty{Type: Prison, Months: 24}, "2015-01-10")
	minor15.AgeAtOffense = 15
	minor17 := rec("A", MainPenalty{Type: Prison, Months: 24}, "2015-01-10")
	minor17.AgeAtOffense, minor17.Crimes[0].Category = 17, Serious
	minor17grave := rec("A", MainPenalty{Type: Prison, Months: 48}, "2015-01-10", served("2019-01-10"))
	minor17grave.AgeAtOffense, minor17grave.Crimes[0].Category = 17, VerySerious
	minor17careless := minor17grave
	minor17careless.Crimes = []Crime{{Article: 128, Category: VerySerious, Intentional: false}}
	tests := []struct {
		name    string
		records []Record
		on      string
		record  bool   // has a record on the day
		at      string // the first judgment's expungement day, "" when not known
		basis   string
		verify  bool
	}{
		// Art. 70.2.a: one year after a warning, a fine paid, non-custodial reform, or a
		// suspended sentence's probation.
		{"a warning, the day before the year", []Record{rec("A", MainPenalty{Type: Warning}, "2024-01-15")}, "2025-01-14", true, "2025-01-15", "Điều 70.2.a", false},
		{"a warning, a year after", []Record{rec("A", MainPenalty{Type: Warning}, "2024-01-15")}, "2025-01-15", false, "2025-01-15", "Điều 70.2.a", false},
		{"a fine paid", []Record{rec("A", MainPenalty{Type: Fine, Amount: 10_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"})}, "2021-03-10", false, "2021-03-10", "Điều 70.2.a", false},
		{"a fine not known paid", []Record{rec("A", MainPenalty{Type: Fine, Amount: 10_000_000}, "2020-01-10")}, "2026-01-01", true, "", "Điều 70.2.a", true},
		// Art. 65.1: the probation runs from the day pronounced; then art. 70.2.a.
		{"a suspended sentence, probation of 24 months", []Record{rec("A", MainPenalty{Type: Suspended, Months: 12, ProbationMonths: 24}, "2020-05-05")}, "2023-05-04", true, "2023-05-05", "Điều 70.2.a", false},
		{"its probation ended early", []Record{rec("A", MainPenalty{Type: Suspended, Months: 12, ProbationMonths: 24}, "2020-05-05",
			Event{Type: ProbationEnded, Date: "2021-05-05"})}, "2022-05-05", false, "2022-05-05", "Điều 70.2.a", false},
		// Art. 70.2.b–d: 2 years after prison of up to 5 years, 3 up to 15, 5 beyond.
		{"prison of 5 years", []Record{rec("A", MainPenalty{Type: Prison, Months: 60}, "2015-01-10", served("2020-01-01"))}, "2021-12-31", true, "2022-01-01", "Điều 70.2.b", false},
		{"prison of 5 years and a month", []Record{rec("A", MainPenalty{Type: Prison, Months: 61}, "2015-01-10", served("2020-01-01"))}, "2023-01-01", false, "2023-01-01", "Điều 70.2.c", false},
		{"prison of 15 years and a month", []Record{rec("A", MainPenalty{Type: Prison, Months: 181}, "2005-01-10", served("2020-01-01"))}, "2024-12-31", true, "2025-01-01", "Điều 70.2.d", false},
		{"released by amnesty", []Record{rec("A", MainPenalty{Type: Prison, Months: 60}, "2015-01-10", Event{Type: Amnesty, Date: "2018-09-02"})}, "2020-09-02", false, "2020-09-02", "Điều 70.2.b", false},
		{"life, not commuted", []Record{rec("A", MainPenalty{Type: Life}, "2000-01-10")}, "2026-01-01", true, "", "Điều 70.2.d", false},
		{"life commuted and served", []Record{rec("A", MainPenalty{Type: Life}, "2000-01-10", Event{Type: Commuted, Date: "2005-01-01"}, served("2015-01-01"))}, "2020-01-01", false, "2020-01-01", "Điều 70.2.d", false},
		// Art. 70.3: a ban longer than the waiting period: expunged when the ban ends.
		{"a 5-year ban after 3 years of prison", []Record{banned}, "2022-01-09", true, "2023-01-10", "Điều 70.3", false},
		{"the ban over", []Record{banned}, "2023-01-10", false, "2023-01-10", "Điều 70.3", false},
		// Art. 70.1, 71: chapter XIII is expunged by a court only.
		{"a crime against national security, years after", []Record{national}, "2026-01-01", true, "", "Điều 70.1, 71", false},
		{"the court expunged it", []Record{func() Record {
			r := national
			r.Events = append(r.Events, Event{Type: CourtExpunged, Date: "2024-06-01"})
			return r
		}()},
			"2024-06-01", false, "2024-06-01", "Điều 71, 72", false},
		// Unknown release: not expunged; asked of the prison once the earliest day has come.
		{"release not reported, long ago", []Record{rec("A", MainPenalty{Type: Prison, Months: 24}, "2015-01-10")}, "2026-01-01", true, "", "Điều 70.2.b", true},
		{"release not reported, sentenced last year", []Record{rec("A", MainPenalty{Type: Prison, Months: 24}, "2025-06-01")}, "2026-01-01", true, "", "Điều 70.2.b", false},
		{"the prison answered it still runs", []Record{rec("A", MainPenalty{Type: Prison, Months: 240}, "2015-01-10", Event{Type: Serving, Date: "2025-12-01"})},
			"2026-01-01", true, "", "Điều 70.2.d", false},
		// Art. 73.2: a crime committed within the period restarts it from the new sentence's end.
		{"a new crime within the year", []Record{
			rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"}),
			func() Record {
				r := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01", served("2022-06-01"))
				r.OffenseDate = "2020-12-01"
				return r
			}()}, "2023-05-31", true, "2023-06-01", "Điều 73.2", false},
		{"the same, the day it ends: the new one still stands", []Record{
			rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"}),
			func() Record {
				r := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01", served("2022-06-01"))
				r.OffenseDate = "2020-12-01"
				return r
			}()}, "2023-06-01", true, "2023-06-01", "Điều 73.2", false},
		{"before the new judgment took effect: that day's truth", []Record{
			rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"}),
			func() Record {
				r := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01", served("2022-06-01"))
				r.OffenseDate = "2020-12-01"
				return r
			}()}, "2021-04-01", false, "2021-03-10", "Điều 70.2.a", false},
		{"a crime after the expungement restarts nothing", []Record{
			rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"}),
			func() Record {
				r := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01")
				r.OffenseDate = "2021-03-10"
				return r
			}()}, "2021-07-01", true, "2021-03-10", "Điều 70.2.a", false},
		{"a new crime whose sentence's end is unknown", []Record{
			rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"}),
			func() Record {
				r := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01")
				r.OffenseDate = "2020-12-01"
				return r
			}()}, "2026-01-01", true, "", "Điều 70.2.a", true},
		// Art. 107.1: under 16, or 16–18 for a less serious or serious crime, or a very
		// serious one not intended: no record. Art. 107.2: otherwise shorter periods.
		{"offended at 15", []Record{minor15}, "2015-01-10", false, "2015-01-10", "Điều 107.1.a", false},
		{"offended at 17, a serious crime", []Record{minor17}, "2015-01-10", false, "2015-01-10", "Điều 107.1.b", false},
		{"offended at 17, a very serious crime not intended", []Record{minor17careless}, "2019-01-11", false, "2015-01-10", "Điều 107.1.b", false},
		{"offended at 17, a very serious crime, 4 years", []Record{minor17grave}, "2020-01-09", true, "2020-01-10", "Điều 107.2.b", false},
		{"the same, a year after release", []Record{minor17grave}, "2020-01-10", false, "2020-01-10", "Điều 107.2.b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := StatusOn(tt.records, day(tt.on))
			if st.HasRecord != tt.record {
				t.Errorf("has record %v, want %v: %+v", st.HasRecord, tt.record, st)
			}
			var first Conviction
			for _, c := range st.Convictions {
				if c.JudgmentID == "A" {
					first = c
				}
			}
			at := ""
			if first.ExpungedOn != nil {
				at = *first.ExpungedOn
			}
			if at != tt.at || first.Basis != "Bộ luật Hình sự 2015, "+tt.basis || first.Verify != tt.verify {
				t.Errorf("expunged on %q by %q, verify %v; want %q by %q, verify %v", at, first.Basis, first.Verify, tt.at, tt.basis, tt.verify)
			}
		})
	}
}

// A judgment that had not taken effect on the day is not on that day's record.
func TestStatusBeforeTheJudgment(t *testing.T) {
	st := StatusOn([]Record{rec("A", MainPenalty{Type: Warning}, "2024-01-15")}, day("2024-01-14"))
	if st.HasRecord || len(st.Convictions) != 0 {
		t.Fatalf("before it took effect: %+v", st)
	}
}

// Art. 73.2 when the later crime's end is what is missing: the question goes to the later
// judgment; and a later life sentence, which no report ends, holds the earlier one without
// any question.
func TestRestartWaitsOnTheLaterJudgment(t *testing.T) {
	a := rec("A", MainPenalty{Type: Fine, Amount: 5_000_000}, "2020-01-10", Event{Type: FinePaid, Date: "2020-03-10"})
	b := rec("B", MainPenalty{Type: Prison, Months: 12}, "2021-06-01")
	b.OffenseDate = "2020-12-01"
	st := StatusOn([]Record{a, b}, day("2022-07-01"))
	if !st.HasRecord || !st.Convictions[0].Verify || st.Convictions[0].Ask != "B" {
		t.Fatalf("the earlier conviction waits on the later one's release: %+v", st.Convictions)
	}
	life := rec("B", MainPenalty{Type: Life}, "2021-06-01")
	life.OffenseDate = "2020-12-01"
	st = StatusOn([]Record{a, life}, day("2026-07-01"))
	if !st.HasRecord || st.Convictions[0].Verify || st.Convictions[0].Expunged {
		t.Fatalf("held by a life sentence: %+v", st.Convictions)
	}
}
