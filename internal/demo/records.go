package demo

import (
	"context"
	"math/rand/v2"
	"sort"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/synth"
)

// RecordsSeed makes the demo data the same on every machine.
const RecordsSeed = 2025

// LoadRecords registers plausible births and deaths over every commune, from January 2024 to
// today, in registration order, unless the store already holds entries. It returns how many it
// added.
func LoadRecords(ctx context.Context, st *store.Store, offices []auth.Office, births, deaths int) (int, error) {
	records := registration.NewRecords(st)
	if _, total, err := records.SearchRecords(ctx, civil.Query{Limit: 1}); err != nil || total > 0 {
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
	cal := calendar.New(nil)
	rng := rand.New(rand.NewPCG(RecordsSeed, 1))
	for _, e := range entries {
		r := e.Record()
		proc, applicant := "KS", ""
		if e.Death != nil {
			proc, applicant = "KT", e.Death.Requester.FullName
		} else {
			applicant = e.Birth.Requester.FullName
		}
		// The request behind the entry: received that morning or afternoon, settled within the
		// hour, except about one in fifty that slipped to a later day.
		day, _ := time.Parse("2006-01-02", e.RegisteredOn)
		received := time.Date(day.Year(), day.Month(), day.Day(), 7+rng.IntN(9), rng.IntN(60), 0, 0, calendar.Vietnam)
		if now := st.Now(); received.After(now.Add(-2 * time.Hour)) {
			received = now.Add(-2 * time.Hour) // nothing happens in the future
		}
		p, _ := dossier.ProcedureByCode(proc)
		d := &dossier.Dossier{Procedure: proc, Office: e.Office, Applicant: applicant, Channel: dossier.Desk, Status: dossier.Settled,
			ReceivedAt: received, DueAt: cal.Due(received, p.Timing), SettledAt: received.Add(time.Duration(10+rng.IntN(50)) * time.Minute)}
		if late := d.DueAt.Add(time.Duration(1+rng.IntN(3)) * 24 * time.Hour); rng.IntN(50) == 0 && late.Before(st.Now()) {
			d.SettledAt = late
		}
		then := func(tx *store.Tx, r *civil.Record) error {
			dd := *d // afresh each run (store.Write)
			dd.RecordID = r.ID
			return reception.OpenIn(tx, &dd, by)
		}
		if err := records.RegisterRecord(ctx, &r, registration.Registration{Then: then}, by); err != nil {
			return 0, err
		}
	}
	return len(entries), nil
}

// LoadDossiers opens requests still being handled at a few communes over the last two weeks,
// some of them overdue, so that the due lists show something.
func LoadDossiers(ctx context.Context, st *store.Store, offices []string, n int) error {
	cal := calendar.New(nil)
	g := synth.New(RecordsSeed+1, offices)
	rng := rand.New(rand.NewPCG(RecordsSeed, 2))
	procs := []string{"TDCC", "GH", "NCMC", "XNHN", "KHNN", "DKL", "CDGH"}
	now := st.Now()
	for i := 0; i < n; i++ {
		// Received in office hours on one of the last fourteen days.
		day := now.In(calendar.Vietnam).AddDate(0, 0, -1-rng.IntN(14))
		received := time.Date(day.Year(), day.Month(), day.Day(), 7+rng.IntN(9), rng.IntN(60), 0, 0, calendar.Vietnam)
		p, _ := dossier.ProcedureByCode(procs[rng.IntN(len(procs))])
		sex := civil.Female
		if rng.IntN(2) == 0 {
			sex = civil.Male
		}
		d := &dossier.Dossier{Procedure: p.Code, Office: offices[rng.IntN(len(offices))], Applicant: g.Name(sex, ""), Channel: dossier.Desk,
			Status: dossier.InProgress, ReceivedAt: received, DueAt: cal.Due(received, p.Timing)}
		if rng.IntN(4) == 0 {
			d.Channel = dossier.Online
		}
		if err := st.Write(ctx, func(tx *store.Tx) error { return reception.OpenIn(tx, d, audit.Actor{Username: "demo"}) }); err != nil {
			return err
		}
	}
	return nil
}
