package audit

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	prev := Genesis
	var out []Entry
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: time.Date(2026, 3, 1, 8, i, 0, 0, time.UTC), Username: "hoa", Office: "21025",
			Action: "user.create", Object: "user:x", IP: "10.0.0.1", PrevHash: prev}
		e.Hash = ComputeHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []Entry) error {
	v := NewVerifier()
	for _, e := range es {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return nil
}

func TestChain(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func([]Entry) []Entry
		wantErr string
	}{
		{"intact", func(es []Entry) []Entry { return es }, ""},
		{"edited detail", func(es []Entry) []Entry { es[2].Detail = "x"; return es }, "altered"},
		{"edited time", func(es []Entry) []Entry { es[1].At = es[1].At.Add(time.Second); return es }, "altered"},
		{"deleted middle", func(es []Entry) []Entry { return append(es[:2], es[3:]...) }, "missing"},
		{"deleted and renumbered", func(es []Entry) []Entry {
			es = append(es[:2], es[3:]...)
			for i := range es {
				es[i].Seq = int64(i + 1)
			}
			return es
		}, "link"},
		{"field shift", func(es []Entry) []Entry { es[0].Username, es[0].Office = "hoa2", "1025"; return es }, "altered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.tamper(chain(5)))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
