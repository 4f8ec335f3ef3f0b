package demo

import (
	"context"
	"sort"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/store"
	"tuphap/internal/synth"
)

// RecordsSeed makes the demo data the same on every machine.
const RecordsSeed = 2025

// LoadRecords registers plausible births and deaths over every commune, from January 2024 to
// today, in registration order, unless the store already holds entries. It returns how many it
// added.
func LoadRecords(ctx context.Context, st *store.Store, offices []auth.Office, births, deaths int) (int, error) {
	if _, total, err := st.SearchRecords(ctx, civil.Query{Limit: 1}); err != nil || total > 0 {
		return 0, err
	}
	var communes []string
	for _, o := range offices {
		if o.Kind == "commune" {
			communes = append(communes, o.Code)
		}
	}
	y, m, d := st.Now().In(time.FixedZone("ICT", 7*3600)).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	g := synth.New(RecordsSeed, communes)
	var entries []synth.Entry
	for i := 0; i < births; i++ {
		entries = append(entries, g.Birth(from, today.AddDate(0, 0, -1), today))
	}
	for i := 0; i < deaths; i++ {
		entries = append(entries, g.Death(from, today.AddDate(0, 0, -1), today))
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].RegisteredOn < entries[j].RegisteredOn })
	by := audit.Actor{Username: "demo"}
	for _, e := range entries {
		r := civil.Record{Kind: civil.BirthKind, Office: e.Office, RegisteredOn: e.RegisteredOn, Late: e.Late, Birth: e.Birth, Death: e.Death}
		if e.Death != nil {
			r.Kind = civil.DeathKind
		}
		if err := st.RegisterRecord(ctx, &r, store.Registration{}, by); err != nil {
			return 0, err
		}
	}
	return len(entries), nil
}
