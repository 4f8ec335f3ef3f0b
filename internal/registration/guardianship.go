package registration

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// GuardianshipRequest asks to register a guardianship (Law 60/2014 art. 20–21).
type GuardianshipRequest struct {
	Desk
	civil.Guardianship
}

// The transaction's signals that the register bars a guardianship: the ward is under one that
// still holds, or dead (conflicts as the store counts them; the officer reads them on the ward's
// name).
var (
	errGuardianHeld = fault.New(fault.Conflict, "guardianship.held")
	errWardDead     = fault.New(fault.Conflict, "guardianship.ward_dead")
)

// RegisterGuardianship registers a guardianship in the office's book of guardianships with its
// dossier GH, linked to the ward's birth entry when the register holds it (which then shows
// the guardian). A ward whom the register shows under a guardianship that still holds, here or
// in another commune, is refused: a person has one guardian (Civil Code 2015 art. 47.2), and
// the first one's end is recorded first (art. 62; Law 60/2014 art. 22); so is a ward the
// register shows dead. A guardianship ends by law with the ward's death or adoption (art.
// 62.1.b, d), which the checks read from the register whether or not its end was recorded.
func (s *Service) RegisterGuardianship(ctx context.Context, p auth.Principal, by audit.Actor, req GuardianshipRequest) (civil.Record, error) {
	if err := s.checkOffice(ctx, p, req.Office); err != nil {
		return civil.Record{}, err
	}
	g := req.Guardianship
	var ended error
	if g.End != nil { // an end is recorded against the entry once registered, on its own form
		ended = &fault.Error{Kind: fault.Invalid, Code: "error.invalid", Fields: map[string]string{"end.on": "guardianship.end_later"}}
	}
	r, err := s.admit(req.Office, req.RegisteredOn, req.DateReason, &g, ended)
	if err != nil {
		return r, err
	}
	birth, err := s.childsBirth(ctx, g.BirthRecord, g.Ward)
	if err != nil {
		return r, err
	}
	if birth != nil {
		g.BirthRecord = birth.ID
	}
	var held []string
	reg := Registration{DateReason: strings.TrimSpace(req.DateReason), Check: func(tx *store.Tx) error {
		events, err := wardEventsIn(tx, g.Ward, g.BirthRecord)
		switch {
		case err != nil:
			return err
		case events.death != "" && events.Died <= r.RegisteredOn:
			held = []string{events.death}
			return errWardDead
		}
		if held, err = guardianshipsHeld(tx, &g, r.RegisteredOn, events.WardEvents); err == nil && len(held) > 0 {
			err = errGuardianHeld
		}
		return err
	}}
	err = s.register(ctx, &r, reg, "GH", req.Dossier, g.Guardian.FullName, by)
	if errors.Is(err, errGuardianHeld) || errors.Is(err, errWardDead) {
		// The entries read to decide (another commune's among them) are audited as any showing is.
		if err := s.shown(ctx, by, held...); err != nil {
			return civil.Record{}, err
		}
		code := "guardianship.held"
		if errors.Is(err, errWardDead) {
			code = "guardianship.ward_dead"
		}
		return civil.Record{}, &fault.Error{Kind: fault.Conflict, Code: code, Fields: map[string]string{"ward.full_name": code}}
	}
	return r, err
}

// The lookups of a ward's guardianships, each led by an index of records.
const (
	qGuardianshipsByID    = `SELECT id FROM records WHERE kind = 'guardianship' AND personal_id = $1 AND personal_id <> ''`
	qGuardianshipsByName  = `SELECT id FROM records WHERE kind = 'guardianship' AND name_folded = $1 AND date_of_birth = $2`
	qGuardianshipsByBirth = `SELECT id FROM records WHERE kind = 'guardianship' AND birth_record = $1 AND birth_record <> ''`
)

// guardianshipsHeld lists the guardianships of g's ward, found by the ward's personal ID, name
// and date of birth, or birth entry, that still hold on day given what the register shows of
// the ward (events).
func guardianshipsHeld(tx querier, g *civil.Guardianship, day string, events civil.WardEvents) ([]string, error) {
	all, err := guardianshipsOf(tx, g.Ward, g.BirthRecord)
	if err != nil {
		return nil, err
	}
	var held []string
	for _, r := range all {
		if r.Guardianship.HeldOn(day, r.RegisteredOn, events) {
			held = append(held, r.ID)
		}
	}
	return held, nil
}

// The lookups of what ends a guardianship by law, each led by an index of records: the ward's
// death or adoption entry, by personal ID, by name and date of birth where either side lacks
// the ID (civil.SamePerson), or by the ward's birth entry. Each gives the entry and its day.
const (
	qDeathEntryByID      = `SELECT id, date_of_death FROM records WHERE kind = 'death' AND personal_id = $1 AND personal_id <> ''`
	qDeathEntryByName    = `SELECT id, date_of_death FROM records WHERE kind = 'death' AND name_folded = $1 AND date_of_birth = $2 AND ($3 = '' OR personal_id = '')`
	qDeathEntryByBirth   = `SELECT id, date_of_death FROM records WHERE kind = 'death' AND birth_record = $1 AND birth_record <> ''`
	qWardAdoptionByID    = `SELECT id, registered_on FROM records WHERE kind = 'adoption' AND personal_id = $1 AND personal_id <> ''`
	qWardAdoptionByName  = `SELECT id, registered_on FROM records WHERE kind = 'adoption' AND name_folded = $1 AND date_of_birth = $2 AND ($3 = '' OR personal_id = '')`
	qWardAdoptionByBirth = `SELECT id, registered_on FROM records WHERE kind = 'adoption' AND birth_record = $1 AND birth_record <> ''`
)

// wardEvents is what the register shows of a ward that ends a guardianship by law, with the
// death entry read ("" for none).
type wardEvents struct {
	civil.WardEvents
	death string
}

// wardEventsIn reads a ward's earliest death and adoption entries, in the transaction that
// decides (or on the readers, for a page): an adoption ends a guardianship whether or not the
// ward's birth is in the register, a death whether or not the death entry names the ID.
func wardEventsIn(tx querier, ward civil.Person, birthRecord string) (wardEvents, error) {
	var w wardEvents
	var err error
	if w.death, w.Died, err = deathOf(tx, ward, birthRecord); err != nil {
		return w, err
	}
	_, w.Adopted, err = earliestOf(tx, ward, birthRecord, qWardAdoptionByID, qWardAdoptionByName, qWardAdoptionByBirth)
	return w, err
}

// deathOf is the earliest death entry of a person, and its day ("" for none).
func deathOf(tx querier, p civil.Person, birthRecord string) (id, day string, err error) {
	return earliestOf(tx, p, birthRecord, qDeathEntryByID, qDeathEntryByName, qDeathEntryByBirth)
}

// earliestOf runs the lookups of a person (by ID, by name and date of birth, by birth entry;
// each only when its key is known) and returns the entry with the earliest day.
func earliestOf(tx querier, p civil.Person, birthRecord, byID, byName, byBirth string) (id, day string, err error) {
	for _, q := range []struct {
		when bool
		sql  string
		args []any
	}{{p.PersonalID != "", byID, []any{p.PersonalID}},
		{p.DateOfBirth != "", byName, []any{vntext.Fold(p.FullName), p.DateOfBirth, p.PersonalID}},
		{birthRecord != "", byBirth, []any{birthRecord}}} {
		if !q.when {
			continue
		}
		rows, err := tx.Query(q.sql, q.args...)
		if err != nil {
			return "", "", fmt.Errorf("registration: what ends a guardianship: %w", err)
		}
		for rows.Next() {
			var i, d string
			if err := rows.Scan(&i, &d); err != nil {
				rows.Close()
				return "", "", err
			}
			if d != "" && (day == "" || d < day) {
				id, day = i, d
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", "", err
		}
	}
	return id, day, nil
}

// guardianshipsOf reads the guardianships of a ward: by personal ID, by name and date of birth
// where either side lacks the ID (civil.SamePerson), or by the ward's birth entry.
func guardianshipsOf(tx querier, ward civil.Person, birthRecord string) ([]civil.Record, error) {
	ids := map[string]bool{}
	for _, q := range []struct {
		when bool
		sql  string
		args []any
	}{{ward.PersonalID != "", qGuardianshipsByID, []any{ward.PersonalID}},
		{ward.DateOfBirth != "", qGuardianshipsByName, []any{vntext.Fold(ward.FullName), ward.DateOfBirth}},
		{birthRecord != "", qGuardianshipsByBirth, []any{birthRecord}}} {
		if !q.when {
			continue
		}
		found, err := queryIDs(tx, q.sql, q.args...)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			ids[id] = true
		}
	}
	var out []civil.Record
	for id := range ids {
		r, err := recordIn(tx, id)
		if err != nil {
			return nil, err
		}
		w := r.Guardianship.Ward
		sameWard := birthRecord != "" && r.Guardianship.BirthRecord == birthRecord ||
			civil.SamePerson(civil.Party{FullName: w.FullName, DateOfBirth: w.DateOfBirth, PersonalID: w.PersonalID},
				civil.Party{FullName: ward.FullName, DateOfBirth: ward.DateOfBirth, PersonalID: ward.PersonalID})
		if sameWard {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RegisteredOn > out[j].RegisteredOn })
	return out, nil
}

// Guardians are the guardianships that hold today over the person of a birth entry, newest
// first, for the entry's page: the ward's entry shows the current guardian. The caller may see
// the birth entry; the guardianships are shown within its jurisdiction only.
func (s *Service) Guardians(ctx context.Context, p auth.Principal, birth civil.Record) ([]civil.Record, error) {
	if birth.Birth == nil {
		return nil, nil
	}
	all, err := guardianshipsOf(readers{ctx, s.Store}, birth.Birth.Child, birth.ID)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	events, err := wardEventsIn(readers{ctx, s.Store}, birth.Birth.Child, birth.ID)
	if err != nil {
		return nil, err
	}
	today := s.Today().Format(civil.DateFormat)
	var out []civil.Record
	for _, r := range all {
		if r.Guardianship.HeldOn(today, r.RegisteredOn, events.WardEvents) && p.Allow(auth.ViewRecords, r.Office) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// GuardianshipEndRequest records the end of a guardianship entry of version Version.
type GuardianshipEndRequest struct {
	Version int    `json:"version"`
	Dossier string `json:"dossier,omitempty"` // the dossier CDGH received for it, if one was
	civil.GuardianshipEnd
}

// EndGuardianship records the end of a guardianship against its entry, as a new version whose
// marginal note later extracts carry, with its dossier CDGH settled in the same transaction
// (Law 60/2014 art. 22–23). The office that registered it records the end.
func (s *Service) EndGuardianship(ctx context.Context, p auth.Principal, by audit.Actor, id string, req GuardianshipEndRequest) (civil.Record, error) {
	return s.recordNote(ctx, p, by, id, req.Version, note{prefix: "end.",
		set: func(r civil.Record) (civil.Entry, error) {
			switch {
			case r.Guardianship == nil:
				return nil, fault.New(fault.Invalid, "guardianship.not_a_guardianship")
			case r.Guardianship.End != nil:
				return nil, fault.New(fault.Conflict, "guardianship.ended_already")
			}
			g := civil.Copy(r.Guardianship).(*civil.Guardianship)
			end := req.GuardianshipEnd
			g.End = &end
			return g, nil
		},
		version: func(e civil.Entry) civil.Version {
			end := e.(*civil.Guardianship).End
			return civil.Version{Change: civil.GuardianshipEnded, LegalBasis: civil.GuardianshipEndBasis,
				Reason: fmt.Sprintf("Chấm dứt giám hộ từ ngày %s: %s", document.DateVN(end.On), end.Basis),
				Fields: []string{"end.on", "end.reason", "end.basis"}}
		},
		dossier: func(r civil.Record, e civil.Entry) (func(*store.Tx, string, int) error, error) {
			return s.settling(ctx, req.Dossier, "CDGH", r.Office, r.ID, e.(*civil.Guardianship).Guardian.FullName, by)
		}})
}

// note is what is recorded later against an entry as its next version, on a procedure of its
// own: a court's divorce against a marriage, a guardianship's end.
type note struct {
	prefix string // the note's own fields: only they are the officer's to answer for (onlyFields)
	// set checks the entry is of the note's kind and without it, and returns it with the note.
	set func(r civil.Record) (civil.Entry, error)
	// version says the note, from the entry as tidied.
	version func(e civil.Entry) civil.Version
	// dossier, when set, settles the procedure's dossier in the version's transaction (nil:
	// this note has none).
	dossier func(r civil.Record, e civil.Entry) (func(*store.Tx, string, int) error, error)
}

// recordNote records n against entry id, of version base, for a caller who may write it; the
// office that registered the entry records it.
func (s *Service) recordNote(ctx context.Context, p auth.Principal, by audit.Actor, id string, base int, n note) (civil.Record, error) {
	r, err := s.records.Record(ctx, id)
	if err != nil {
		return r, err
	}
	if err := p.Allow(auth.WriteRecords, r.Office); err != nil {
		return civil.Record{}, err
	}
	e, err := n.set(r)
	if err != nil {
		return r, err
	}
	if base != r.Version {
		return r, fault.New(fault.Conflict, "record.changed")
	}
	e.Normalize()
	if err := onlyFields(e.Validate(r.RegisteredOn, s.Today()), n.prefix); err != nil {
		return r, err
	}
	then := s.onNewVersion
	if n.dossier != nil {
		settle, err := n.dossier(r, e)
		if err != nil {
			return r, err
		}
		if settle != nil {
			then = append([]func(*store.Tx, string, int) error{settle}, then...)
		}
	}
	next := r
	next.Set(e)
	if err := s.records.AddVersion(ctx, &next, r.Version, n.version(e), by, then...); err != nil {
		return r, err
	}
	return next, nil
}

// onlyFields keeps, of a validation error, the problems of the fields under prefix: recording
// an end (or a divorce) answers for its own fields only, an old entry's others stay as the
// register has them. Any other error passes.
func onlyFields(err error, prefix string) error {
	e, ok := fault.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var v fault.Validation
	for f, msg := range e.Fields {
		if strings.HasPrefix(f, prefix) {
			v.Add(f, msg)
		}
	}
	return v.Err()
}

// BirthAndDeath links a person of another domain's database (judicial records) to the register:
// their birth entry, by personal ID, and their death entry, by personal ID, by name and date of
// birth, or by that birth entry; "" for what the register does not hold. The caller has checked
// its own rights; the entries' ids and the day of death are all it learns.
func (s *Service) BirthAndDeath(ctx context.Context, p civil.Person) (birth, death, diedOn string, err error) {
	if p.PersonalID != "" {
		r, err := s.records.BirthByPersonalID(ctx, p.PersonalID)
		switch {
		case err == nil:
			birth = r.ID
		case !fault.Is(err, fault.NotFound):
			return "", "", "", err
		}
	}
	death, diedOn, err = deathOf(readers{ctx, s.Store}, p, birth)
	return birth, death, diedOn, err
}
