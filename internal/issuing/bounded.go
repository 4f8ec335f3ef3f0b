package issuing

import (
	"context"
	"time"

	"tuphap/internal/fault"
)

// Anyone may upload a PDF to be checked, without logging in, so a check must not hold the
// machine: checks run one at a time, a caller waits at most verifyWait for its turn (then 429),
// and a check that takes longer than verifyTime is answered as unreadable (400). The parser
// cannot be interrupted, so the slot stays taken until it ends: a stream of hostile files
// occupies one core at most, never both.
const (
	verifyWait = 2 * time.Second
	verifyTime = 3 * time.Second
)

// bounded runs fn in one of slots' places within the limits above.
func bounded[T any](ctx context.Context, slots chan struct{}, wait, limit time.Duration, fn func() (T, error)) (T, error) {
	var zero T
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case slots <- struct{}{}:
	case <-timer.C:
		return zero, fault.New(fault.TooMany, "verify.busy")
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-slots }()
		v, err := fn()
		done <- result{v, err}
	}()
	timer.Reset(limit)
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		return zero, fault.New(fault.Invalid, "verify.too_slow")
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
