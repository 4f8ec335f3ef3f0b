package demo_test

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/demo"
	"tuphap/internal/fault"
	"tuphap/internal/reception"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

func TestLoadTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(units.MustLoad(), time.Now())); err != nil {
			t.Fatal(err)
		}
		svc := account.New(st)
		first, err := demo.Load(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		second, err := demo.Load(ctx, svc)
		if err != nil || second == first || len(second) < 10 {
			t.Fatalf("second load: %q (first %q), %v", second, first, err)
		}
		for _, u := range demo.Users {
			if _, _, err := svc.Login(ctx, u.Username, first, audit.Actor{}, ""); !fault.Is(err, fault.Unauthorized) {
				t.Errorf("%s: old password still works: %v", u.Username, err)
			}
			if _, _, err := svc.Login(ctx, u.Username, second, audit.Actor{}, ""); err != nil {
				t.Errorf("%s: %v", u.Username, err)
			}
		}
		users, _ := account.New(st).Users(ctx, "")
		if len(users) != len(demo.Users) {
			t.Fatalf("%d users after two loads", len(users))
		}
	})
}

func TestLoadRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		offices := account.OfficesFrom(units.MustLoad(), time.Now())
		if err := account.New(st).SyncOffices(ctx, offices); err != nil {
			t.Fatal(err)
		}
		n, err := demo.LoadRecords(ctx, st, offices, 300, 60)
		if err != nil || n != 360 {
			t.Fatalf("loaded %d, %v", n, err)
		}
		if n, err := demo.LoadRecords(ctx, st, offices, 300, 60); err != nil || n != 0 {
			t.Fatalf("second load added %d, %v", n, err)
		}
		_, births, _ := registration.NewRecords(st).SearchRecords(ctx, civil.Query{Kind: civil.BirthKind})
		_, deaths, _ := registration.NewRecords(st).SearchRecords(ctx, civil.Query{Kind: civil.DeathKind})
		if births != 300 || deaths != 60 {
			t.Fatalf("%d births, %d deaths", births, deaths)
		}
		desk := reception.Open(st)
		leader := auth.Principal{Username: "lanhdao", Role: auth.Leader, Office: auth.DepartmentOffice}
		report, err := desk.OnTime(ctx, leader, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().Add(24*time.Hour), "")
		if err != nil {
			t.Fatal(err)
		}
		total, onTime := report.Total.Settled, report.Total.OnTime
		if total != 360 || onTime < 330 || onTime == total {
			t.Fatalf("demo dossiers: %d settled, %d on time", total, onTime)
		}
		if err := demo.LoadDossiers(ctx, st, []string{"21025"}, 10); err != nil {
			t.Fatal(err)
		}
		if open, _ := desk.Dossiers(ctx, leader, audit.System, reception.Query{List: reception.AllOpen, Office: "21025"}); len(open) != 10 {
			t.Fatalf("%d open dossiers", len(open))
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
