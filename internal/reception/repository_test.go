package reception

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/dossier"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

var ctx = context.Background()

// A receipt code already given is not an error: the dossier gets another one, in the same
// transaction, and both dossiers keep their own.
func TestDossierCodeClash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := account.New(st).SyncOffices(ctx, []auth.Office{{Code: "21025", Name: "Phường Cẩm Thành", Kind: "commune"}}); err != nil {
			t.Fatal(err)
		}
		s := repo{st}
		now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		open := func(code string) dossier.Dossier {
			d := dossier.Dossier{Code: code, Procedure: "KS", Office: "21025", Applicant: "Trần Văn Bình", Channel: dossier.Desk,
				Status: dossier.Received, ReceivedAt: now, DueAt: now.Add(24 * time.Hour)}
			if err := s.open(ctx, &d, audit.Actor{Username: "root"}, ""); err != nil {
				t.Fatal(err)
			}
			return d
		}
		a := open("")
		b := open(a.Code)
		if b.Code == a.Code || b.Code == "" {
			t.Fatalf("second dossier got code %q beside %q", b.Code, a.Code)
		}
		for _, d := range []dossier.Dossier{a, b} {
			got, err := s.dossier(ctx, d.Code)
			if err != nil || got.ID != d.ID {
				t.Errorf("dossier %s: %+v, %v; want id %s", d.Code, got.ID, err, d.ID)
			}
		}
	})
}
