// Package audit defines the audit log's entries and the hash chain that makes an edited or
// deleted entry detectable: each entry's hash covers its content and the previous entry's hash.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Entry is one line of the audit log: who did what, when, from where.
type Entry struct {
	Seq      int64
	At       time.Time
	UserID   string
	Username string
	Office   string
	Action   string // e.g. "user.create", "login.fail", "record.view"
	Object   string // what was acted on, e.g. "user:hoa" or "record:0190…"
	Detail   string // a short free text; never a password or a secret
	IP       string
	PrevHash string
	Hash     string
}

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how At is written into the hash (and stored): fixed width, UTC, microseconds.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// ComputeHash returns the hash of e chained on e.PrevHash. Fields are length-prefixed so that no
// two different entries serialise alike.
func ComputeHash(e Entry) string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(TimeFormat), e.UserID, e.Username,
		e.Office, e.Action, e.Object, e.Detail, e.IP, e.PrevHash} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Verifier checks entries fed to it in sequence order.
type Verifier struct {
	prev    string
	nextSeq int64
	Checked int64
	// anchors are the checkpoints' hashes by sequence number (checkpoint.go).
	anchors    map[int64]string
	lastAnchor int64
}

// NewVerifier starts at the beginning of the log.
func NewVerifier() *Verifier { return &Verifier{prev: Genesis, nextSeq: 1} }

// Check verifies the next entry: no gap in the sequence (a deleted row), a link to the
// previous hash (a deleted or reordered row) and its own hash (an edited row).
func (v *Verifier) Check(e Entry) error {
	if e.Seq != v.nextSeq {
		return fmt.Errorf("audit: entry %d missing (found %d next)", v.nextSeq, e.Seq)
	}
	if e.PrevHash != v.prev {
		return fmt.Errorf("audit: entry %d does not link to entry %d", e.Seq, e.Seq-1)
	}
	if ComputeHash(e) != e.Hash {
		return fmt.Errorf("audit: entry %d was altered", e.Seq)
	}
	if want, ok := v.anchors[e.Seq]; ok && want != e.Hash {
		return fmt.Errorf("audit: the chain up to entry %d differs from its checkpoint: entries were rewritten", e.Seq)
	}
	v.prev, v.nextSeq = e.Hash, e.Seq+1
	v.Checked++
	return nil
}

// Head returns the last verified hash and sequence number, to compare with the stored head
// (which catches deletion of the newest entries).
func (v *Verifier) Head() (int64, string) { return v.nextSeq - 1, v.prev }
