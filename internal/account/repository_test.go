package account

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

var (
	ctx   = context.Background()
	admin = audit.Actor{UserID: "u0", Username: "root", Office: "department", IP: "127.0.0.1"}
)

func seed(t *testing.T, s *repo) {
	t.Helper()
	err := s.syncOffices(ctx, []auth.Office{
		{Code: "department", Name: "Sở Tư pháp", Kind: "department"},
		{Code: "21025", Name: "Phường Cẩm Thành", Kind: "commune"},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func addUser(t *testing.T, s *repo, name string, role auth.Role, office string) auth.User {
	t.Helper()
	u, err := s.createUser(ctx, auth.User{Username: name, FullName: "Nguyễn Thị Đào", Role: role, Office: office, PasswordHash: "h"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestOffices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := &repo{st: st}
		seed(t, s)
		// Syncing again renames without duplicating.
		if err := s.syncOffices(ctx, []auth.Office{{Code: "21025", Name: "Phường Cẩm Thành mới", Kind: "commune"}}); err != nil {
			t.Fatal(err)
		}
		all, err := s.offices(ctx)
		if err != nil || len(all) != 2 || all[0].Code != "department" {
			t.Fatalf("offices = %v, %v", all, err)
		}
		o, err := s.office(ctx, "21025")
		if err != nil || o.Name != "Phường Cẩm Thành mới" {
			t.Fatalf("office = %v, %v", o, err)
		}
		if _, err := s.office(ctx, "99999"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("unknown office: %v", err)
		}
	})
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := &repo{st: st}
		seed(t, s)
		u := addUser(t, s, "dao", auth.Officer, "21025")
		addUser(t, s, "lan", auth.Leader, "department")
		if _, err := s.createUser(ctx, auth.User{Username: "dao", Role: auth.Officer, Office: "21025", PasswordHash: "h"}, admin); !fault.Is(err, fault.Conflict) {
			t.Fatalf("duplicate username: %v", err)
		}
		if _, err := s.createUser(ctx, auth.User{Username: "x", Role: auth.Officer, Office: "nowhere", PasswordHash: "h"}, admin); err == nil {
			t.Fatal("user in unknown office accepted")
		}
		got, err := s.userByUsername(ctx, "dao")
		if err != nil || got.ID != u.ID || got.FullName != "Nguyễn Thị Đào" || got.Role != auth.Officer || got.CreatedAt.IsZero() {
			t.Fatalf("user = %+v, %v", got, err)
		}
		if _, err := s.userByUsername(ctx, "nobody"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		commune, _ := s.users(ctx, "21025")
		all, _ := s.users(ctx, "")
		if len(commune) != 1 || len(all) != 2 {
			t.Fatalf("users: commune %d, all %d", len(commune), len(all))
		}
		for i := 0; i < 3; i++ {
			if err := s.loginFailed(ctx, got, admin, "bad password"); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = s.userByUsername(ctx, "dao")
		if got.FailedLogins != 3 || got.LastFailedAt.IsZero() {
			t.Fatalf("failures = %d at %v", got.FailedLogins, got.LastFailedAt)
		}
		if err := s.setPassword(ctx, got, "h2", admin); err != nil {
			t.Fatal(err)
		}
		got, _ = s.userByUsername(ctx, "dao")
		if got.FailedLogins != 0 || got.PasswordHash != "h2" {
			t.Fatalf("after password change: %+v", got)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := &repo{st: st}
		seed(t, s)
		u := addUser(t, s, "dao", auth.Officer, "21025")
		now := time.Now()
		for _, h := range []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"} {
			sess := auth.Session{IDHash: h, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now, IP: "1.2.3.4", UserAgent: "test"}
			if err := s.createSession(ctx, sess, u, admin); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.touchSession(ctx, "aaaaaaaaaaaaaaaa", now.Add(2*time.Hour), true); err != nil {
			t.Fatal(err)
		}
		a, err := s.session(ctx, "aaaaaaaaaaaaaaaa")
		if err != nil || !a.MFADone || !a.RevokedAt.IsZero() || a.ExpiresAt.Before(now.Add(90*time.Minute)) {
			t.Fatalf("session = %+v, %v", a, err)
		}
		if err := s.revokeUserSessions(ctx, u, "aaaaaaaaaaaaaaaa", admin); err != nil {
			t.Fatal(err)
		}
		a, _ = s.session(ctx, "aaaaaaaaaaaaaaaa")
		b, _ := s.session(ctx, "bbbbbbbbbbbbbbbb")
		if !a.RevokedAt.IsZero() || b.RevokedAt.IsZero() {
			t.Fatalf("revoke all but current: a=%v b=%v", a.RevokedAt, b.RevokedAt)
		}

		secret, hash, _ := auth.NewSecret("tp_")
		tok, err := s.createToken(ctx, u, "script", hash, admin)
		if err != nil {
			t.Fatal(err)
		}
		_, tu, err := s.tokenUser(ctx, auth.HashSecret(secret))
		if err != nil || tu.ID != u.ID {
			t.Fatalf("token user = %v, %v", tu, err)
		}
		if _, _, err := s.tokenUser(ctx, auth.HashSecret("tp_wrong")); !fault.Is(err, fault.NotFound) {
			t.Fatalf("wrong token: %v", err)
		}
		if err := s.revokeToken(ctx, u, tok.ID, admin); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.tokenUser(ctx, hash); !fault.Is(err, fault.Unauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
		if err := s.revokeToken(ctx, u, tok.ID, admin); !fault.Is(err, fault.NotFound) {
			t.Fatalf("revoking twice: %v", err)
		}
	})
}
