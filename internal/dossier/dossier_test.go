package dossier

import (
	"strings"
	"testing"
	"time"
)

func TestCatalogue(t *testing.T) {
	for _, code := range []string{"KS", "KT", "KH", "KHNN", "GH", "CDGH", "NCMC", "TDCC", "BSTT", "XNHN", "DKL", "BSTL", "LLTP"} {
		p, err := ProcedureByCode(code)
		if err != nil || p.Name == "" || p.Basis == "" || (!p.Timing.SameDay && p.Timing.WorkingDays == 0) {
			t.Errorf("%s: %+v %v", code, p, err)
		}
	}
	// Law on Judicial Records 2009 art. 48: 10 working days, at most 15.
	if p, _ := ProcedureByCode("LLTP"); p.Timing.WorkingDays != 10 || p.Timing.ExtensionDays != 5 {
		t.Errorf("LLTP timing %+v", p.Timing)
	}
	// Law on Civil Status art. 16: a birth is registered the same day.
	if p, _ := ProcedureByCode("KS"); !p.Timing.SameDay {
		t.Error("KS is same-day")
	}
}

// Every pair of statuses: only the listed moves are allowed.
func TestStatusMachine(t *testing.T) {
	allowed := map[[2]Status]bool{}
	for _, p := range [][2]Status{
		{Received, InProgress}, {Received, Waiting}, {Received, Settled}, {Received, Refused}, {Received, Withdrawn},
		{InProgress, Waiting}, {InProgress, Settled}, {InProgress, Refused}, {InProgress, Withdrawn},
		{Waiting, InProgress}, {Waiting, Refused}, {Waiting, Withdrawn},
		{Settled, Returned},
	} {
		allowed[p] = true
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanMove(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanMove(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCode()
		if len(c) != 11 || c[4] != '-' || c[9] != '-' {
			t.Fatalf("code %q", c)
		}
		if got, ok := NormalizeCode(strings.ToLower(strings.ReplaceAll(c, "-", " "))); !ok || got != c {
			t.Fatalf("NormalizeCode(%q) = %q %v", c, got, ok)
		}
		// Any single wrong character is caught.
		for pos := 0; pos < len(c); pos++ {
			if c[pos] == '-' {
				continue
			}
			for j := 0; j < len(codeAlphabet); j++ {
				if codeAlphabet[j] == c[pos] {
					continue
				}
				typo := c[:pos] + string(codeAlphabet[j]) + c[pos+1:]
				if _, ok := NormalizeCode(typo); ok {
					t.Fatalf("typo %q of %q accepted", typo, c)
				}
			}
		}
		seen[c] = true
	}
	if len(seen) < 1999 {
		t.Fatalf("codes repeat: %d distinct of 2000", len(seen))
	}
	for _, bad := range []string{"", "ABCD", "0000-0000-0", "K7QM-4XRA-PP"} {
		if _, ok := NormalizeCode(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestOnTimeAndRate(t *testing.T) {
	due := time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)
	if !(Dossier{DueAt: due, SettledAt: due}).OnTime() || (Dossier{DueAt: due, SettledAt: due.Add(time.Second)}).OnTime() {
		t.Error("on time is settled at or before due")
	}
	if (Dossier{DueAt: due}).OnTime() {
		t.Error("an unsettled dossier is not on time")
	}
	if !(Dossier{Status: InProgress, DueAt: due}).Overdue(due.Add(time.Minute)) || (Dossier{Status: Waiting, DueAt: due}).Overdue(due.Add(time.Hour)) {
		t.Error("overdue")
	}
	r := NewRate(50, 49)
	if r.Rate != 0.98 || r.Late != 1 {
		t.Errorf("rate %+v", r)
	}
	if NewRate(0, 0).Rate != 1 {
		t.Error("empty rate")
	}
}
