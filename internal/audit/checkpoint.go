package audit

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// A Checkpoint anchors the chain outside the database: the head's sequence number and hash at a
// moment, sealed with an HMAC under a key the database does not hold (derived from the master
// key file). Someone who can write to the database can recompute every hash of the chain, but
// cannot change an entry at or before a checkpoint kept elsewhere without verify seeing it, nor
// forge a checkpoint for the rewritten chain. Entries after the last checkpoint stay unanchored
// until the next one: checkpoint often (e.g. every hour from cron) and keep the file off the
// database server.
type Checkpoint struct {
	Seq  int64
	Hash string
	At   time.Time
}

// CheckpointKey derives the checkpoints' HMAC key from the master key, so that one secret is kept
// but no MAC is ever made with the key that seals signing keys.
func CheckpointKey(master []byte) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("tuphap audit checkpoint v1"))
	return m.Sum(nil)
}

func (c Checkpoint) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%d\n%s\n%s", c.Seq, c.Hash, c.At.UTC().Format(TimeFormat))
	return hex.EncodeToString(m.Sum(nil))
}

// Line is the checkpoint as one line of the checkpoint file: "SEQ HASH TIME MAC".
func (c Checkpoint) Line(key []byte) string {
	return fmt.Sprintf("%d %s %s %s\n", c.Seq, c.Hash, c.At.UTC().Format(TimeFormat), c.mac(key))
}

// ReadCheckpoints reads a checkpoint file, refusing any line whose MAC does not hold (a forged
// or edited checkpoint) and any that goes back in the sequence.
func ReadCheckpoints(r io.Reader, key []byte) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("audit: checkpoint line %d: want SEQ HASH TIME MAC", n)
		}
		seq, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || seq < 0 {
			return nil, fmt.Errorf("audit: checkpoint line %d: bad sequence number %q", n, f[0])
		}
		at, err := time.Parse(TimeFormat, f[2])
		if err != nil {
			return nil, fmt.Errorf("audit: checkpoint line %d: bad time %q", n, f[2])
		}
		c := Checkpoint{Seq: seq, Hash: f[1], At: at}
		if !hmac.Equal([]byte(c.mac(key)), []byte(f[3])) {
			return nil, fmt.Errorf("audit: checkpoint line %d was not made with this master key, or was edited", n)
		}
		if len(out) > 0 && seq < out[len(out)-1].Seq {
			return nil, fmt.Errorf("audit: checkpoint line %d goes back to entry %d", n, seq)
		}
		if len(out) > 0 && seq == out[len(out)-1].Seq && c.Hash != out[len(out)-1].Hash {
			// Two sealed hashes for one entry: the log diverged (e.g. restored, then written again).
			return nil, fmt.Errorf("audit: checkpoint line %d records entry %d with another hash than the line before", n, seq)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// Anchor makes the verifier hold the chain to the checkpoints: the entry at each checkpoint must
// have the hash recorded there. Call before the first Check; Finish reports checkpoints beyond
// the end of the log.
func (v *Verifier) Anchor(cps []Checkpoint) {
	v.anchors = map[int64]string{}
	for _, c := range cps {
		v.anchors[c.Seq] = c.Hash
		v.lastAnchor = max(v.lastAnchor, c.Seq)
	}
}

// Finish checks, after the last entry, that no checkpoint lies beyond it (newest entries removed
// and the head rewritten to match).
func (v *Verifier) Finish() error {
	if last := v.nextSeq - 1; v.lastAnchor > last {
		return fmt.Errorf("audit: a checkpoint records entry %d but the log ends at %d: entries were removed", v.lastAnchor, last)
	}
	return nil
}
