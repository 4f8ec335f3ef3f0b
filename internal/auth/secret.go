package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"tuphap/internal/fault"
)

// argon2id parameters: OWASP's second recommended set (19 MiB, t=2, p=1) is too weak for an
// office system with few logins; we take 64 MiB, t=1, p=2 (RFC 9106 low-memory option 2 scaled).
const (
	argonTime    = 1
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// hashMemory is the memory new hashes are made with. Tests that make hundreds of accounts
// lower it (LightHashesForTests); a hash carries its parameters, so verifying reads them from
// the hash and every hash made either way verifies.
var hashMemory uint32 = argonMemory

// LightHashesForTests makes new password hashes with 64 KiB instead of 64 MiB, for test binaries
// that create accounts by the hundred (the web tests: two stores, eight accounts, each test).
// Never call it in a server: such hashes are cheap to attack.
func LightHashesForTests() { hashMemory = 64 }

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// CheckPassword returns an Invalid error when the password is too weak.
func CheckPassword(p string) error {
	if len([]rune(p)) < MinPasswordLen {
		return &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"password": "password.too_short"}}
	}
	return nil
}

// HashPassword returns a PHC-format argon2id hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, hashMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, hashMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword checks password against a hash made by HashPassword (with any parameters).
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash makes a failed lookup of an unknown user cost as much as a wrong password.
var dummyHash, _ = HashPassword("not a real password")

// BurnPasswordTime spends the time a password check costs, for unknown usernames.
func BurnPasswordTime(password string) { VerifyPassword(dummyHash, password) }

// NewSecret returns a random URL-safe secret (sessions, API tokens) and the hash under which it
// is stored: only the hash reaches the database, so a stolen copy of it grants nothing.
func NewSecret(prefix string) (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: secret: %w", err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret is the stored form of a session or token secret. The secrets carry 256 random bits,
// so a fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Lock-out after repeated failed logins: the first FreeFailures tries are free, then each further
// failure doubles the wait, from LockBase up to LockMax.
const (
	FreeFailures = 5
	LockBase     = 30 * time.Second
	LockMax      = 30 * time.Minute
)

// AddressFreeFailures is the free tries of one address over every name: a person mistyping a
// colleague's name is far below it, a password spraying from one machine far above.
const AddressFreeFailures = 4 * FreeFailures

// LockedUntil returns when a user with that many consecutive failures, the last at last, may try
// again (the zero time when not locked).
func LockedUntil(failures int, last time.Time) time.Time {
	return LockedAfter(failures, FreeFailures, last)
}

// LockedAfter is LockedUntil with free tries before the first wait.
func LockedAfter(failures, free int, last time.Time) time.Time {
	if failures < free {
		return time.Time{}
	}
	wait := LockBase
	for i := free; i < failures && wait < LockMax; i++ {
		wait *= 2
	}
	return last.Add(min(wait, LockMax))
}
