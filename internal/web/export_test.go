package web

import "time"

// For the tests of the lookups' limiter.
type LimiterForTest struct{ l *limiter }

func newLimiterForTestImpl(now func() time.Time) *LimiterForTest {
	return &LimiterForTest{newLimiter(now)}
}

func (t *LimiterForTest) Allow(addr string) bool { return t.l.allow(addr) }

func (t *LimiterForTest) Size() int { return len(t.l.buckets) }

var NewLimiterForTest = newLimiterForTestImpl
