package civil

import (
	"strings"
	"time"

	"tuphap/internal/nationality"
)

// ForeignRecord marks a birth or marriage of a Vietnamese citizen that a foreign authority
// registered, now written into the register (ghi vào Sổ hộ tịch, Law 60/2014 art. 48–50;
// Decree 123/2015 art. 34–36): the country, the authority and its paper.
type ForeignRecord struct {
	Country   string `json:"country"`
	Authority string `json:"authority"`
	Document  string `json:"document"`  // the foreign paper's name and number
	IssuedOn  string `json:"issued_on"` // the day the foreign authority registered it
}

// ForeignRecordBasis is what recording an event registered abroad rests on.
const ForeignRecordBasis = "Luật Hộ tịch 2014, Điều 48–50; Nghị định 123/2015/NĐ-CP, Điều 34–36"

// ForeignDivorceBasis is what writing in a divorce decided abroad rests on.
const ForeignDivorceBasis = "Luật Hộ tịch 2014, Điều 48; Nghị định 123/2015/NĐ-CP, Điều 37–39"

// RecordedAbroad is implemented by the kinds that may be registered abroad and written into the
// register: the foreign record, nil for a registration here.
type RecordedAbroad interface {
	ForeignRecord() *ForeignRecord
}

func (b *Birth) ForeignRecord() *ForeignRecord    { return b.RegisteredAbroad }
func (m *Marriage) ForeignRecord() *ForeignRecord { return m.RegisteredAbroad }
func (a *Adoption) ForeignRecord() *ForeignRecord { return a.RegisteredAbroad }

func (f *ForeignRecord) normalize() {
	if f != nil {
		f.Country = strings.TrimSpace(f.Country)
		if c, ok := nationality.Find(f.Country); ok {
			f.Country = c.Name // "Han Quoc" → "Hàn Quốc"
		}
		for _, s := range []*string{&f.Authority, &f.Document} {
			*s = strings.Join(strings.Fields(*s), " ")
		}
	}
}

// check: a foreign country on the official list, the authority and its paper, registered on
// a day not before the event (when known) and not after today.
func (f *ForeignRecord) check(c checker, event time.Time) time.Time {
	if f == nil {
		return time.Time{}
	}
	c.nationality("registered_abroad.country", f.Country, true)
	if f.Country == "Việt Nam" {
		c.v.Add("registered_abroad.country", "foreign.not_abroad")
	}
	c.required("registered_abroad.authority", f.Authority)
	c.required("registered_abroad.document", f.Document)
	on := c.date("registered_abroad.issued_on", f.IssuedOn, true)
	if !on.IsZero() && !event.IsZero() && on.Before(event) {
		c.v.Add("registered_abroad.issued_on", "civil.registered_before_event")
	}
	return on
}
