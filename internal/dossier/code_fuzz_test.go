package dossier

import (
	"strings"
	"testing"
)

// A receipt code as anyone types it: never a panic; a code accepted is in canonical form and
// reads back as itself; a made code is accepted.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"K7QM-4XRA-P", "k7qm 4xra p", "", "----", "ĐĐĐĐ", "K7QM-4XRA-\x00", strings.Repeat("A", 100)} {
		f.Add(s)
	}
	f.Add(NewCode())
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeCode(s)
		if !ok {
			return
		}
		if len(c) != 11 || c[4] != '-' || c[9] != '-' {
			t.Fatalf("%q accepted as %q", s, c)
		}
		if again, ok := NormalizeCode(c); !ok || again != c {
			t.Fatalf("%q does not read back: %q %v", c, again, ok)
		}
	})
}
