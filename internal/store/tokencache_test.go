package store

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
)

// A token revoked by another server sharing the database (or by the admin command) stops
// working on this one within tokenCacheTTL; revoked here, at once.
func TestTokenCacheLivesForItsTTL(t *testing.T) {
	ctx := context.Background()
	by := audit.Actor{Username: "admin"}
	here, path := testStore(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	here.Now = func() time.Time { return now }
	other, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := here.SyncOffices(ctx, []auth.Office{{Code: "department", Name: "Sở Tư pháp", Kind: "department"}}); err != nil {
		t.Fatal(err)
	}
	u, err := here.CreateUser(ctx, auth.User{Username: "api", FullName: "Máy", Role: auth.Specialist, Office: "department", PasswordHash: "h"}, by)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := here.CreateToken(ctx, u, "a", "hash-a", by)
	b, _ := here.CreateToken(ctx, u, "b", "hash-b", by)
	for _, h := range []string{"hash-a", "hash-b"} {
		if _, _, err := here.TokenUser(ctx, h); err != nil {
			t.Fatal(err)
		}
	}

	if err := other.RevokeToken(ctx, u, a.ID, by); err != nil {
		t.Fatal(err)
	}
	if _, _, err := here.TokenUser(ctx, "hash-a"); err != nil {
		t.Fatalf("within its TTL the lookup is the one kept: %v", err)
	}
	now = now.Add(tokenCacheTTL)
	if _, _, err := here.TokenUser(ctx, "hash-a"); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("revoked elsewhere, after the TTL: %v", err)
	}

	if err := here.RevokeToken(ctx, u, b.ID, by); err != nil {
		t.Fatal(err)
	}
	if _, _, err := here.TokenUser(ctx, "hash-b"); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("revoked here: %v", err)
	}
}

// A lookup that began before a clear is not kept after it: it may have read the token just
// before its revocation committed.
func TestTokenCacheDropsLookupsOlderThanAClear(t *testing.T) {
	var c tokenCache
	now := time.Now()
	_, _, gen, _ := c.get("h", now)
	c.clear()
	c.put("h", auth.Token{ID: "t"}, auth.User{ID: "u"}, now, gen)
	_, _, gen, ok := c.get("h", now)
	if ok {
		t.Fatal("a lookup older than the clear was kept")
	}
	c.put("h", auth.Token{ID: "t"}, auth.User{ID: "u"}, now, gen)
	if _, _, _, ok := c.get("h", now.Add(tokenCacheTTL-time.Nanosecond)); !ok {
		t.Fatal("a fresh lookup was not kept")
	}
	if _, _, _, ok := c.get("h", now.Add(tokenCacheTTL)); ok {
		t.Fatal("kept past its TTL")
	}
}
