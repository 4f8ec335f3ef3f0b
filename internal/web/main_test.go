package web_test

import (
	"os"
	"testing"

	"tuphap/internal/auth"
)

// TestMain makes the accounts' password hashes light: each test makes eight accounts on each
// store, and at 64 MiB an argon2id hash costs more than most tests (under -race, most of the
// package's time). Login, lock-out and verification work the same; the parameters travel with
// each hash.
// The browser tests' shared Chromium stops with the binary.
func TestMain(m *testing.M) {
	auth.LightHashesForTests()
	code := m.Run()
	browserStop()
	os.Exit(code)
}
