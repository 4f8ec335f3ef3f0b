package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/app"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestNew(t *testing.T) {
	ctx := context.Background()
	reg := units.MustLoad()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
			t.Fatal(err)
		}
		if _, err := app.New(ctx, st, reg, app.Options{MasterKey: key[:16]}); err == nil {
			t.Fatal("a 16-byte master key was taken")
		}
		if _, err := app.New(ctx, st, reg, app.Options{MasterKey: key, SelfSignOffices: []string{"21025", "99999"}}); err == nil || !strings.Contains(err.Error(), "99999") {
			t.Fatalf("an unknown self-signing office: %v", err)
		}
		svc, err := app.New(ctx, st, reg, app.Options{MasterKey: key, SelfSignOffices: []string{"21025"}, BackdateWindow: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if !svc.Issuing.SelfSign["21025"] || svc.Issuing.SelfSign["21028"] || svc.Reception.BackdateWindow != time.Hour {
			t.Fatalf("options not applied: self-sign %v, backdate %v", svc.Issuing.SelfSign, svc.Reception.BackdateWindow)
		}
		// Registrations count due dates on the calendar reception keeps (official schedules).
		if svc.Registration.Calendar() != svc.Reception.Calendar() {
			t.Fatal("registration and reception use different calendars")
		}
	})
}
