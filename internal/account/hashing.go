package account

import (
	"context"
	"sync/atomic"
	"time"

	"tuphap/internal/fault"
)

// Password hashing is the one thing an unauthenticated caller can make the server do at will,
// and each argon2id computation takes 64 MiB (auth/secret.go): 64 logins at once took the server
// from 3.8 to 6.4 GB. At most MaxHashing run at once, in every path (unknown users included, so
// that they answer like known ones); a caller waits at most HashWait for its turn, and is then
// told to come back (429). The budget is MaxHashing × 64 MiB = 256 MiB.
const (
	MaxHashing = 4
	HashWait   = 3 * time.Second
)

var (
	hashSlots = make(chan struct{}, MaxHashing)
	// hashingNow and hashingPeak let tests see how many ran at once.
	hashingNow, hashingPeak atomic.Int32
)

// hashing runs fn, which hashes or verifies a password, when a place is free.
func hashing(ctx context.Context, fn func()) error {
	timer := time.NewTimer(HashWait)
	defer timer.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-timer.C:
		return fault.New(fault.TooMany, "login.busy")
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	n := hashingNow.Add(1)
	for {
		peak := hashingPeak.Load()
		if n <= peak || hashingPeak.CompareAndSwap(peak, n) {
			break
		}
	}
	defer hashingNow.Add(-1)
	fn()
	return nil
}
