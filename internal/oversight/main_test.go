package oversight_test

import (
	"os"
	"testing"

	"tuphap/internal/auth"
)

// TestMain makes the test accounts' password hashes light (auth.LightHashesForTests): the
// accounts these tests make would otherwise cost 64 MiB of argon2id each, most of the time
// under -race. Their parameters travel with each hash; verification is the same.
func TestMain(m *testing.M) {
	auth.LightHashesForTests()
	os.Exit(m.Run())
}
