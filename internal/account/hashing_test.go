package account

import (
	"sync"
	"testing"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
	"tuphap/internal/store/storetest"
)

// Logins at once, for unknown and known users alike, never hash more than MaxHashing passwords
// at the same time (issue 15: 64 concurrent attempts took 2.6 GB); each is answered, as a wrong
// password or, past the wait, as "busy".
func TestLoginHashingIsBounded(t *testing.T) {
	st := storetest.SQLite(t)
	svc := New(st)
	if err := svc.SyncOffices(ctx, []auth.Office{{Code: "department", Name: "Sở Tư pháp", Kind: "department"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUser(ctx, NewUser{Username: "lanhdao", Role: "leader", Office: "department", Password: "0123456789"}, audit.System); err != nil {
		t.Fatal(err)
	}
	hashingPeak.Store(0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[fault.Kind]int{}
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "lanhdao"
			if i%2 == 0 {
				user = "nobody"
			}
			_, _, err := svc.Login(ctx, user, "wrong password", audit.Actor{IP: "10.0.0.1"}, "")
			mu.Lock()
			answers[fault.KindOf(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if p := hashingPeak.Load(); p > MaxHashing || p == 0 {
		t.Fatalf("%d passwords hashed at once, the bound is %d", p, MaxHashing)
	}
	// Twelve wrong passwords of one account lock it after five; the rest answer as wrong.
	if answers[fault.Unauthorized]+answers[fault.TooMany] != 24 {
		t.Fatalf("answers: %v", answers)
	}
}
