package judicial

import (
	"slices"
	"time"

	"tuphap/internal/civil"
)

// Record is a judgment with the reports received of it, as the status reads them.
type Record struct {
	ID string `json:"id"`
	Judgment
	Events []Event `json:"events,omitempty"`
}

// Conviction is where a judgment stands on a day.
type Conviction struct {
	JudgmentID string  `json:"judgment_id"`
	Expunged   bool    `json:"expunged"`
	ExpungedOn *string `json:"expunged_on"` // the day it was (or, when known, will be) expunged; null when not known
	Basis      string  `json:"basis"`       // the article the standing rests on
	// NoRecord: the person was under 18 and is treated as never having had a record of it
	// (art. 107.1); such a conviction counts as expunged from the day it took effect.
	NoRecord bool `json:"no_record,omitempty"`
	// Verify: a day the expungement depends on is not known (a prison's release, a fine's
	// payment): the certificate procedure asks the court or prison before saying it is expunged.
	// Ask is the judgment whose end it needs: its own, or a later crime's (art. 73.2).
	Verify bool   `json:"verify,omitempty"`
	Ask    string `json:"ask,omitempty"`
}

// Status is a person's judicial record on a day: whether they have a record, and each
// conviction known by then.
type Status struct {
	HasRecord   bool         `json:"has_record"`
	Convictions []Conviction `json:"convictions"`
}

const code = "Bộ luật Hình sự 2015, "

// span is a waiting period in years and months.
type span struct{ years, months int }

func (s span) after(t time.Time) time.Time { return civil.AddMonths(t, 12*s.years+s.months) }

// period is the waiting period after the main penalty (Penal Code 2015 art. 70.2 for adults,
// art. 107.2 for those under 18 when they offended), with the point that sets it.
func period(m MainPenalty, minor bool) (span, string) {
	type row struct {
		adult, minor span
		point        string
	}
	var r row
	switch {
	case m.Type == Warning || m.Type == Fine || m.Type == NonCustodial || m.Type == Suspended:
		r = row{span{1, 0}, span{0, 6}, "a"}
	case m.Type == Prison && m.Months <= 60:
		r = row{span{2, 0}, span{1, 0}, "b"}
	case m.Type == Prison && m.Months <= 180:
		r = row{span{3, 0}, span{2, 0}, "c"}
	default: // over 15 years, life, or death commuted
		r = row{span{5, 0}, span{3, 0}, "d"}
	}
	if minor {
		return r.minor, code + "Điều 107.2." + r.point
	}
	return r.adult, code + "Điều 70.2." + r.point
}

// noRecord says whether a minor is treated as having no record of the judgment (art. 107.1):
// from 14 to under 16 when they offended; from 16 to under 18 convicted only of less serious
// or serious crimes, or very serious ones not intended.
func noRecord(j Judgment) (bool, string) {
	if j.AgeAtOffense < 0 || j.AgeAtOffense >= 18 {
		return false, ""
	}
	if j.AgeAtOffense < 16 {
		return true, code + "Điều 107.1.a"
	}
	for _, c := range j.Crimes {
		if c.Category == EspeciallySerious || c.Category == VerySerious && c.Intentional {
			return false, ""
		}
	}
	return true, code + "Điều 107.1.b"
}

// byCourtOnly: a conviction of a crime against national security (chapter XIII) or against
// peace and humanity, or a war crime (chapter XXVI), is expunged by a court's decision only
// (art. 70.1, 71); the rule for minors (art. 107.2) names no chapter.
func byCourtOnly(j Judgment) bool {
	if j.AgeAtOffense >= 0 && j.AgeAtOffense < 18 {
		return false
	}
	for _, c := range j.Crimes {
		if ch, _ := Chapter(c.Article); ch == "XIII" || ch == "XXVI" {
			return true
		}
	}
	return false
}

// standing is what is worked out of one judgment on a day.
type standing struct {
	rec       Record
	effective time.Time
	offense   time.Time
	date      time.Time
	mainEnd   time.Time // the main penalty served, or the probation ended; zero when not known
	never     bool      // a life or death sentence not commuted: no end to count from
	wait      span
	addEnd    time.Time // the last additional penalty served (art. 70.2–3)
	addKnown  bool
	at        time.Time // the day it is expunged, once known
	known     bool
	court     time.Time // a court's decision to expunge
	basis     string
	noRecord  bool
	// floor is the earliest day it could be expunged while its day is not known: its waiting
	// period counted from the latest day it is known not to have been served yet.
	floor time.Time
	// ask is the judgment whose end its day waits on (its own, or a later crime's, art. 73.2);
	// stands: a later judgment that no report can end (life, death, or only a court's to
	// expunge) holds it, no question to ask.
	ask    string
	stands bool
}

// notServedBefore is the latest day a judgment is known not to have been served by: its
// effect, or a later answer that the sentence still ran.
func (s *standing) notServedBefore(on time.Time) time.Time {
	if serving := reportsBy(s.rec.Events, on).last(Serving); serving.After(s.effective) {
		return serving
	}
	return s.effective
}

// StatusOn is a person's record on day on, from their judgments and the reports received:
// only what had taken effect, or was reported, by then counts, so that a certificate issued on
// a day shows that day's truth (art. 70–73, 107).
func StatusOn(records []Record, on time.Time) Status {
	var all []*standing
	for _, r := range records {
		effective, ok := civil.ParseDate(r.EffectiveDate)
		if !ok || effective.After(on) {
			continue
		}
		s := &standing{rec: r, effective: effective}
		s.offense, _ = civil.ParseDate(r.OffenseDate)
		s.date, _ = civil.ParseDate(r.Date)
		s.work(on)
		s.floor, s.ask = s.wait.after(s.notServedBefore(on)), r.ID
		all = append(all, s)
	}
	restart(all, on)
	st := Status{Convictions: []Conviction{}}
	for _, s := range all {
		c := Conviction{JudgmentID: s.rec.ID, Basis: s.basis, NoRecord: s.noRecord}
		if s.known {
			day := s.at.Format(civil.DateFormat)
			c.ExpungedOn = &day
			c.Expunged = !s.at.After(on)
		} else if !s.never && !s.stands && s.court.IsZero() && !byCourtOnly(s.rec.Judgment) {
			// Unknown: worth asking only if the earliest day it could be expunged has come.
			if c.Verify = !s.floor.After(on); c.Verify {
				c.Ask = s.ask
			}
		}
		st.HasRecord = st.HasRecord || !c.Expunged
		st.Convictions = append(st.Convictions, c)
	}
	return st
}

// reports are a judgment's reports received by a day.
type reports []Event

func reportsBy(events []Event, on time.Time) reports {
	return slices.DeleteFunc(slices.Clone(events), func(e Event) bool {
		d, ok := civil.ParseDate(e.Date)
		return !ok || d.After(on)
	})
}

// first is the earliest day of a report that matches; zero for none.
func (rs reports) first(match func(Event) bool) time.Time {
	var out time.Time
	for _, e := range rs {
		if d, _ := civil.ParseDate(e.Date); match(e) && (out.IsZero() || d.Before(out)) {
			out = d
		}
	}
	return out
}

// last is the latest day of a report of a type; zero for none.
func (rs reports) last(t EventType) time.Time {
	var out time.Time
	for _, e := range rs {
		if d, _ := civil.ParseDate(e.Date); e.Type == t && d.After(out) {
			out = d
		}
	}
	return out
}

// mainEnd is the day the main penalty was served, or a suspended sentence's probation ended,
// as known on day on; zero when not known. never: a life or death sentence not commuted.
func mainEnd(j Judgment, effective time.Time, rs reports, on time.Time) (end time.Time, never bool) {
	served := rs.first(func(e Event) bool { return e.Type == MainServed || e.Type == Amnesty })
	switch j.Main.Type {
	case Warning:
		return effective, false
	case Fine:
		return rs.first(func(e Event) bool { return e.Type == FinePaid && e.PenaltyIndex == nil }), false
	case Suspended:
		// The probation runs from the day the sentence was pronounced (art. 65.1), unless a
		// court ended it early.
		if end := rs.first(func(e Event) bool { return e.Type == ProbationEnded }); !end.IsZero() {
			return end, false
		}
		if date, ok := civil.ParseDate(j.Date); ok {
			if end := civil.AddMonths(date, j.Main.ProbationMonths); !end.After(on) {
				return end, false
			}
		}
		return time.Time{}, false
	case Life, Death:
		if rs.first(func(e Event) bool { return e.Type == Commuted }).IsZero() {
			return time.Time{}, true
		}
	}
	return served, false
}

// additionalEnd is the day the judgment's additional penalty i ends: reported, or counted from
// its start; zero when not known. Confiscation and expulsion leave nothing to wait for
// (lasts false).
func additionalEnd(j Judgment, i int, effective, mainEnd time.Time, rs reports) (end time.Time, lasts bool) {
	a := j.Additional[i]
	if a.Type == Confiscation || a.Type == Expulsion {
		return time.Time{}, false
	}
	end = rs.first(func(e Event) bool {
		return (e.Type == AdditionalEnded || e.Type == FinePaid) && e.PenaltyIndex != nil && *e.PenaltyIndex == i
	})
	if end.IsZero() && a.Months > 0 {
		// Bans, residence bans, supervision and lost rights run from release for a prison
		// sentence (art. 41.3, 42, 43, 44.2), else from the judgment's effect.
		start := effective
		if j.Main.Type == Prison || j.Main.Type == Life || j.Main.Type == Death {
			start = mainEnd
		}
		if !start.IsZero() {
			end = civil.AddMonths(start, a.Months)
		}
	}
	return end, true
}

// work sets the judgment's own expungement day, before any later crime restarts it.
func (s *standing) work(on time.Time) {
	j := s.rec.Judgment
	rs := reportsBy(s.rec.Events, on)
	// Its sentence's end, whatever its own standing: a later crime's restart (art. 73.2) of an
	// earlier conviction counts from it.
	s.mainEnd, s.never = mainEnd(j, s.effective, rs, on)
	if s.court = rs.first(func(e Event) bool { return e.Type == CourtExpunged }); !s.court.IsZero() {
		s.at, s.known, s.basis = s.court, true, code+"Điều 71, 72" // by a court: in due time, or early for merit
		return
	}
	if none, basis := noRecord(j); none {
		s.at, s.known, s.basis, s.noRecord = s.effective, true, basis, true
		return
	}
	minor := j.AgeAtOffense >= 0 && j.AgeAtOffense < 18
	s.wait, s.basis = period(j.Main, minor)
	if byCourtOnly(j) {
		s.basis = code + "Điều 70.1, 71"
		return
	}
	if s.never {
		return
	}
	s.addEnd, s.addKnown = s.effective, true
	for i := range j.Additional {
		switch end, lasts := additionalEnd(j, i, s.effective, s.mainEnd, rs); {
		case !lasts:
		case end.IsZero():
			s.addKnown = false
		case end.After(s.addEnd):
			s.addEnd = end
		}
	}
	if s.mainEnd.IsZero() || !s.addKnown {
		return
	}
	s.at, s.known = s.wait.after(s.mainEnd), true
	if s.addEnd.After(s.at) { // a longer additional penalty (art. 70.3)
		s.at, s.basis = s.addEnd, code+"Điều 70.3"
	}
}

// restart applies art. 73.2: a crime committed after a judgment and before its expungement
// restarts its waiting period from the day the new judgment's main penalty is served. It runs
// until nothing moves, since a restarted period may then take in a later crime.
func restart(all []*standing, on time.Time) {
	for moved := true; moved; {
		moved = false
		for _, s := range all {
			if !s.known || s.noRecord || !s.court.IsZero() {
				continue
			}
			for _, k := range all {
				if k == s || k.offense.IsZero() || !k.offense.After(s.date) || !k.offense.Before(s.at) {
					continue
				}
				if k.noRecord {
					continue // a crime the person is treated as never convicted of (art. 107.1)
				}
				if k.mainEnd.IsZero() { // the new judgment's end is not known: nor is this one's
					s.known, s.at, moved = false, time.Time{}, true
					if k.never {
						s.stands = true
					} else {
						// Its own period, from the later sentence's end, not yet known.
						s.ask, s.floor = k.rec.ID, s.wait.after(k.notServedBefore(on))
					}
					break
				}
				if at := s.wait.after(k.mainEnd); at.After(s.at) {
					s.at, s.basis, moved = at, code+"Điều 73.2", true
				}
			}
		}
	}
}
