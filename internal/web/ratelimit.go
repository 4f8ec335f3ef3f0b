package web

import (
	"net"
	"net/http"
	"sync"
	"time"

	"tuphap/internal/fault"
)

// The public lookups (/track, /verify) answer anyone without a login, so each address may make
// a few a minute: enough for a citizen with a paper or two, far too few to guess codes (2,108
// guesses a second were answered before). A token bucket per address: lookupBurst at once, then
// one every lookupEvery.
const (
	lookupBurst = 20
	lookupEvery = 2 * time.Second
	idleBucket  = 10 * time.Minute
	maxBuckets  = 50000
)

// prefix is what one caller holds: an IPv4 address, or the /64 of an IPv6 one (a host gets a
// whole /64 and picks addresses in it at will).
func prefix(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String()
}

type bucket struct {
	tokens float64
	at     time.Time
}

type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{buckets: map[string]*bucket{}, now: now}
}

// allow takes a token of addr's bucket, if it has one.
func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > maxBuckets { // forget addresses idle long enough to have a full bucket again
		for a, b := range l.buckets {
			if now.Sub(b.at) > idleBucket {
				delete(l.buckets, a)
			}
		}
		if len(l.buckets) > maxBuckets {
			// Addresses change faster than buckets fill (many at once): start afresh rather
			// than grow without bound; each then has its burst again.
			clear(l.buckets)
		}
	}
	addr = prefix(addr)
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: lookupBurst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(lookupBurst, b.tokens+float64(now.Sub(b.at))/float64(lookupEvery))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// limited answers 429 to an address past its lookups.
func (s *Server) limited(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !s.lookups.allow(clientIP(r)) {
			w.Header().Set("Retry-After", "2")
			return fault.New(fault.TooMany, "error.too_many_lookups")
		}
		return fn(w, r)
	}
}
