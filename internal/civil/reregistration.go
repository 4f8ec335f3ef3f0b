package civil

import (
	"strings"
	"time"
)

// Reregistration marks a birth, marriage or death registered again because the register and
// the original papers were both lost (đăng ký lại, Decree 123/2015/NĐ-CP art. 24–28), with what
// is known of the first registration: the entry keeps it, its extracts say so.
type Reregistration struct {
	OriginalOffice    string `json:"original_office"`              // where it was first registered
	OriginalDate      string `json:"original_date"`                // when (before 1 January 2016: art. 24.1)
	OriginalReference string `json:"original_reference,omitempty"` // its number and book, if known
	// BothLost: the register and the original papers are both lost (art. 24.1).
	BothLost bool   `json:"both_lost"`
	Papers   string `json:"papers,omitempty"` // the copies and papers presented (art. 26.1, 27.1, 28.1)
}

// reregistrableBefore: only what was registered before the Law on Civil Status took effect
// may be registered again (Decree 123/2015 art. 24.1).
var reregistrableBefore = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)

// ReregistrationBasis is what a re-registration rests on.
const ReregistrationBasis = "Nghị định 123/2015/NĐ-CP, Điều 24–28"

// Reregistered is implemented by the kinds that may be registered again: the entry's
// re-registration, nil for a first registration.
type Reregistered interface {
	Reregistration() *Reregistration
}

func (b *Birth) Reregistration() *Reregistration    { return b.Reregistered }
func (d *Death) Reregistration() *Reregistration    { return d.Reregistered }
func (m *Marriage) Reregistration() *Reregistration { return m.Reregistered }

func (r *Reregistration) normalize() {
	if r != nil {
		for _, s := range []*string{&r.OriginalOffice, &r.OriginalReference, &r.Papers} {
			*s = strings.Join(strings.Fields(*s), " ")
		}
	}
}

// check: the first registration's office and day, a day before 1 January 2016 and not before
// the event (event, when known), and both the register and the original lost (art. 24.1).
func (r *Reregistration) check(c checker, event time.Time) {
	if r == nil {
		return
	}
	c.required("reregistered.original_office", r.OriginalOffice)
	if d := c.date("reregistered.original_date", r.OriginalDate, true); !d.IsZero() {
		switch {
		case !d.Before(reregistrableBefore):
			c.v.Add("reregistered.original_date", "reregistration.after_2016")
		case !event.IsZero() && d.Before(event):
			c.v.Add("reregistered.original_date", "civil.registered_before_event")
		}
	}
	c.optional("reregistered.original_reference", r.OriginalReference)
	c.optional("reregistered.papers", r.Papers)
	c.v.Check(r.BothLost, "reregistered.both_lost", "reregistration.both_lost")
}
