package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestReadCheckpoints(t *testing.T) {
	key := CheckpointKey(bytes.Repeat([]byte{1}, 32))
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	a := Checkpoint{Seq: 5, Hash: strings.Repeat("a", 64), At: at}.Line(key)
	b := Checkpoint{Seq: 9, Hash: strings.Repeat("b", 64), At: at.Add(time.Hour)}.Line(key)
	edited := strings.Replace(b, "9 ", "8 ", 1)
	for _, c := range []struct {
		name, file string
		n          int
		bad        bool
	}{
		{"two in order, blank lines skipped", a + "\n" + b, 2, false},
		{"empty file", "", 0, false},
		{"edited sequence number", a + edited, 0, true},
		{"made with another key", Checkpoint{Seq: 5, Hash: strings.Repeat("a", 64), At: at}.Line(CheckpointKey(bytes.Repeat([]byte{2}, 32))), 0, true},
		{"going back", b + a, 0, true},
		{"same entry sealed twice alike", a + a, 2, false},
		{"same entry, two hashes", a + Checkpoint{Seq: 5, Hash: strings.Repeat("c", 64), At: at}.Line(key), 0, true},
		{"three fields", "5 aaaa 2026-11-30T10:00:00.000000Z\n", 0, true},
		{"negative sequence", strings.Replace(a, "5 ", "-5 ", 1), 0, true},
	} {
		cps, err := ReadCheckpoints(strings.NewReader(c.file), key)
		if (err != nil) != c.bad || len(cps) != c.n {
			t.Errorf("%s: %d checkpoints, %v", c.name, len(cps), err)
		}
	}
}

// The file comes from outside the database: no input may make the reader panic.
func FuzzReadCheckpoints(f *testing.F) {
	key := CheckpointKey(bytes.Repeat([]byte{1}, 32))
	f.Add(Checkpoint{Seq: 5, Hash: strings.Repeat("a", 64), At: time.Unix(0, 0)}.Line(key))
	f.Add("1 x y z\n")
	f.Fuzz(func(t *testing.T, s string) {
		cps, err := ReadCheckpoints(strings.NewReader(s), key)
		if err == nil {
			for i := 1; i < len(cps); i++ {
				if cps[i].Seq < cps[i-1].Seq {
					t.Fatalf("accepted checkpoints going back: %+v", cps)
				}
			}
		}
	})
}
