package judicial

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/vntext"
)

// Requester is who asks for a certificate (Law on Judicial Records 2009 art. 7, 41).
type Requester string

const (
	Self       Requester = "self"       // the person, for themself: type 1 or 2
	Proxy      Requester = "proxy"      // someone the person authorised: type 1 only (art. 46)
	Agency     Requester = "agency"     // an agency or organisation: type 1
	Prosecutor Requester = "prosecutor" // a prosecuting body: type 2, urgent when it says so (art. 48.2)
)

// Request is a request for a judicial-record certificate: its type, who asks and how, for
// whom and what for; what decides its time limit (several provinces, abroad, a foreigner,
// urgent) and fee (an exemption).
type Request struct {
	Type          int             `json:"type"` // 1 or 2
	Requester     Requester       `json:"requester"`
	RequesterName string          `json:"requester_name,omitempty"` // the proxy, agency or prosecuting body
	Authorization string          `json:"authorization,omitempty"`  // the proxy's authorisation
	Person        Person          `json:"person"`
	Purpose       string          `json:"purpose"`
	Channel       dossier.Channel `json:"channel"`
	// Residence is where the person has lived since 14 (the request form asks it); several
	// provinces, abroad, or a foreigner take 15 working days (art. 48.1).
	SeveralProvinces bool `json:"several_provinces,omitempty"`
	Abroad           bool `json:"abroad,omitempty"`
	Foreigner        bool `json:"foreigner,omitempty"`
	// ShowBans: a type 1 certificate shows bans on holding office and on founding or managing
	// enterprises and cooperatives only when asked (art. 41.2); a type 2 shows them always.
	ShowBans  bool   `json:"show_bans,omitempty"`
	Urgent    bool   `json:"urgent,omitempty"`
	Exemption string `json:"exemption,omitempty"` // a key of Fees.Exempt or Fees.Reduced
}

// Fees are the certificate's fee and who pays less or nothing, as data: the Ministry of
// Finance sets them and changes them (fees.json).
type Fees struct {
	Standard int64    `json:"standard"`
	Reduced  int64    `json:"reduced"`
	Reducing []string `json:"reducing"` // pay Reduced
	Exempt   []string `json:"exempt"`   // pay nothing
	Basis    string   `json:"basis"`
}

//go:embed fees.json
var feesJSON []byte

// DefaultFees are fees.json.
var DefaultFees = func() Fees {
	var f Fees
	if err := json.Unmarshal(feesJSON, &f); err != nil {
		panic("judicial: fees.json: " + err.Error())
	}
	return f
}()

// Fee is what the request costs: nothing for a prosecuting body or an exempt person, the
// reduced fee for those it names, else the standard one.
func (f Fees) Fee(r Request) int64 {
	switch {
	case r.Requester == Prosecutor || slices.Contains(f.Exempt, r.Exemption):
		return 0
	case slices.Contains(f.Reducing, r.Exemption):
		return f.Reduced
	}
	return f.Standard
}

// Procedure is the dossier procedure whose time limit the request has: 24 hours for a
// prosecuting body's urgent request (art. 48.2), 15 working days for a person who lived in
// several provinces or abroad or is a foreigner, 10 otherwise (art. 48.1).
func (r Request) Procedure() string {
	switch {
	case r.Urgent:
		return "LLTPK"
	case r.SeveralProvinces || r.Abroad || r.Foreigner:
		return "LLTP15"
	}
	return "LLTP"
}

// Applicant is who the dossier names: the person, or who asks for them.
func (r Request) Applicant() string {
	if r.Requester == Self {
		return r.Person.FullName
	}
	return r.RequesterName
}

// Normalize tidies what was typed.
func (r *Request) Normalize() {
	r.Person.normalize()
	// Who the request is about is found by matching (or chosen by the officer, ChoosePerson),
	// never named by an id the requester sends.
	r.Person.ID = ""
	for _, s := range []*string{&r.RequesterName, &r.Authorization, &r.Purpose, &r.Exemption} {
		*s = strings.Join(strings.Fields(*s), " ")
	}
	if r.Channel == "" {
		r.Channel = dossier.Desk
	}
}

// Validate reports every problem of a request at once, each citing the article: type 2 goes to
// a prosecuting body or to the person themself, who may not send a proxy (art. 41, 46); an
// agency asks for type 1 (art. 7, 41); only a prosecuting body's request is urgent (art. 48.2).
func (r *Request) Validate(f Fees, today time.Time) error {
	var v fault.Validation
	r.Person.check(&v, "person.", today)
	switch r.Type {
	case 1:
		v.Check(r.Requester != Prosecutor, "requester", "judicial.prosecutor_type2")
	case 2:
		v.Check(r.Requester == Self || r.Requester == Prosecutor, "requester", "judicial.type2_who")
	default:
		v.Add("type", "judicial.type")
	}
	switch r.Requester {
	case Self:
	case Proxy:
		v.Check(r.Authorization != "", "authorization", "judicial.authorization")
		fallthrough
	case Agency, Prosecutor:
		v.Check(r.RequesterName != "", "requester_name", "civil.required")
	default:
		v.Add("requester", "judicial.requester")
	}
	v.Check(!r.Urgent || r.Requester == Prosecutor, "urgent", "judicial.urgent_prosecutor")
	v.Check(r.Purpose != "", "purpose", "civil.required")
	v.Check(r.Channel == dossier.Desk || r.Channel == dossier.Post || r.Channel == dossier.Online, "channel", "dossier.bad_channel")
	v.Check(r.Exemption == "" || slices.Contains(f.Exempt, r.Exemption) || slices.Contains(f.Reducing, r.Exemption), "exemption", "judicial.exemption")
	return v.Err()
}

func (p *Person) normalize() {
	p.FullName, p.PersonalID = vntext.Clean(p.FullName), strings.TrimSpace(p.PersonalID)
	p.PlaceOfBirth = strings.Join(strings.Fields(p.PlaceOfBirth), " ")
}

// check: a name, a date of birth, a sex, and a personal ID that fits them.
func (p *Person) check(v *fault.Validation, prefix string, today time.Time) time.Time {
	v.Check(p.FullName != "", prefix+"full_name", "civil.required")
	born := dateField(v, prefix+"date_of_birth", p.DateOfBirth, today)
	v.Check(p.Sex == civil.Male || p.Sex == civil.Female, prefix+"sex", "civil.sex")
	if p.PersonalID != "" {
		if problem := civil.PersonalIDProblem(p.PersonalID, born, p.Sex); problem != "" {
			v.Add(prefix+"personal_id", problem)
		}
	}
	return born
}
