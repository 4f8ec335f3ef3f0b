package account

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// A token revoked by another server sharing the database (or by the admin command) stops
// working on this one within tokenCacheTTL; revoked here, at once.
func TestTokenCacheLivesForItsTTL(t *testing.T) {
	ctx := context.Background()
	by := audit.Actor{Username: "admin"}
	path := filepath.Join(t.TempDir(), "t.db")
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	here := &repo{st: st}
	otherStore, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer otherStore.Close()
	other := &repo{st: otherStore}
	if err := here.syncOffices(ctx, []auth.Office{{Code: "department", Name: "Sở Tư pháp", Kind: "department"}}); err != nil {
		t.Fatal(err)
	}
	u, err := here.createUser(ctx, auth.User{Username: "api", FullName: "Máy", Role: auth.Specialist, Office: "department", PasswordHash: "h"}, by)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := here.createToken(ctx, u, "a", "hash-a", by)
	b, _ := here.createToken(ctx, u, "b", "hash-b", by)
	for _, h := range []string{"hash-a", "hash-b"} {
		if _, _, err := here.tokenUser(ctx, h); err != nil {
			t.Fatal(err)
		}
	}

	if err := other.revokeToken(ctx, u, a.ID, by); err != nil {
		t.Fatal(err)
	}
	if _, _, err := here.tokenUser(ctx, "hash-a"); err != nil {
		t.Fatalf("within its TTL the lookup is the one kept: %v", err)
	}
	now = now.Add(tokenCacheTTL)
	if _, _, err := here.tokenUser(ctx, "hash-a"); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("revoked elsewhere, after the TTL: %v", err)
	}

	if err := here.revokeToken(ctx, u, b.ID, by); err != nil {
		t.Fatal(err)
	}
	if _, _, err := here.tokenUser(ctx, "hash-b"); !fault.Is(err, fault.Unauthorized) {
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
