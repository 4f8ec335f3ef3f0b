package account

import (
	"sync"
	"time"

	"tuphap/internal/auth"
)

// Every API request starts by looking up its token and the token's user: at ten million
// entries that query was 8 % of a name search's cost, its pages read again each time since
// writes empty a reader's cache. So a live token's lookup is kept for tokenCacheTTL. This
// store's own revocations and user changes clear the cache at once; those made by another
// server sharing the database, or by the admin command, take effect within the TTL.
const tokenCacheTTL = 2 * time.Second

// maxCachedTokens bounds the cache: machines that call the API are few.
const maxCachedTokens = 1024

type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
	// gen counts the clears: a lookup that began before one must not be kept after it, or a
	// token read just before its revocation committed would live on for the TTL.
	gen uint64
}

type cachedToken struct {
	t     auth.Token
	u     auth.User
	until time.Time
}

// get returns the kept lookup of hash, if any; else the generation to give put with the lookup
// made instead.
func (c *tokenCache) get(hash string, now time.Time) (t auth.Token, u auth.User, gen uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || !now.Before(e.until) {
		return auth.Token{}, auth.User{}, c.gen, false
	}
	return e.t, e.u, c.gen, true
}

func (c *tokenCache) put(hash string, t auth.Token, u auth.User, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = map[string]cachedToken{}
	}
	c.m[hash] = cachedToken{t: t, u: u, until: now.Add(tokenCacheTTL)}
}

// clear forgets every token; called once a change to tokens or users has committed.
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}
