package synth

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"tuphap/internal/civil"
)

var (
	from  = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	to    = time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	today = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
)

// Every generated entry passes the same validation as the forms.
func TestEntriesAreValid(t *testing.T) {
	g := New(1, []string{"21025", "21028"})
	late, nguyen := 0, 0
	for i := 0; i < 2000; i++ {
		b := g.Birth(from, to, today)
		if err := civil.ValidateBirth(b.Birth, b.RegisteredOn, today); err != nil {
			t.Fatalf("birth %d %+v: %v", i, b.Birth, err)
		}
		if b.Late {
			late++
		}
		if strings.HasPrefix(b.Birth.Child.FullName, "Nguyễn ") {
			nguyen++
		}
		d := g.Death(from, to, today)
		if err := civil.ValidateDeath(d.Death, d.RegisteredOn, today); err != nil {
			t.Fatalf("death %d %+v: %v", i, d.Death, err)
		}
		m := g.Marriage(from, to, today)
		if err := civil.ValidateMarriage(m.Marriage, m.RegisteredOn, today); err != nil {
			t.Fatalf("marriage %d %+v: %v", i, m.Marriage, err)
		}
		if r := m.Record(); r.Kind != civil.MarriageKind || r.Entry() == nil {
			t.Fatalf("marriage %d: a record of kind %q", i, r.Kind)
		}
	}
	if late < 100 || late > 400 {
		t.Errorf("%d of 2000 births late, want about 10 %%", late)
	}
	if nguyen < 600 || nguyen > 900 {
		t.Errorf("%d of 2000 named Nguyễn, want about 38 %%", nguyen)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := New(7, []string{"21025"}), New(7, []string{"21025"})
	for i := 0; i < 50; i++ {
		if x, y := a.Birth(from, to, today), b.Birth(from, to, today); !reflect.DeepEqual(x, y) {
			t.Fatalf("entry %d differs", i)
		}
	}
	if reflect.DeepEqual(New(8, []string{"21025"}).Birth(from, to, today), New(7, []string{"21025"}).Birth(from, to, today)) {
		t.Fatal("different seeds, same data")
	}
}

// Planted duplicates are caught by the duplicate rules; ordinary neighbours are not.
func TestPlantedDuplicates(t *testing.T) {
	g := New(3, []string{"21025", "21028"})
	caught := 0
	for i := 0; i < 200; i++ {
		e := g.Birth(from, to, today)
		d := g.Duplicate(e)
		reg := []civil.Record{{ID: "x", Kind: civil.BirthKind, Content: civil.Content{Birth: e.Birth}}}
		if len(civil.FindDuplicates(civil.FactsOfBirth(d.Birth), reg, civil.DefaultParams)) == 1 {
			caught++
		}
		other := g.Birth(from, to, today)
		if len(civil.FindDuplicates(civil.FactsOfBirth(other.Birth), reg, civil.DefaultParams)) != 0 {
			t.Errorf("unrelated births %q and %q flagged", other.Birth.Child.FullName, e.Birth.Child.FullName)
		}
	}
	if caught != 200 {
		t.Fatalf("caught %d of 200 planted duplicates", caught)
	}
}
