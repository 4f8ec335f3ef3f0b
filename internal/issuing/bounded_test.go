package issuing

import (
	"context"
	"testing"
	"time"

	"tuphap/internal/fault"
)

// A check that runs past its time is answered as unreadable while it goes on holding the one
// place, so a second caller is told to come back (429) instead of starting a second parse.
func TestBoundedVerification(t *testing.T) {
	slots := make(chan struct{}, 1)
	release := make(chan struct{})
	slow := func() (int, error) { <-release; return 1, nil }
	if _, err := bounded(context.Background(), slots, time.Second, 50*time.Millisecond, slow); !fault.Is(err, fault.Invalid) {
		t.Fatalf("slow check: %v, want invalid (too slow)", err)
	}
	if _, err := bounded(context.Background(), slots, 50*time.Millisecond, time.Second, func() (int, error) { return 2, nil }); !fault.Is(err, fault.TooMany) {
		t.Fatalf("while the slow check runs: %v, want too many", err)
	}
	close(release)
	// Once the slow parse ends its place is free again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := bounded(context.Background(), slots, 10*time.Millisecond, time.Second, func() (int, error) { return 3, nil })
		if err == nil && v == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the place was never freed: %v", err)
		}
	}
}
