package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
	"tuphap/internal/outbox"
	"tuphap/internal/registration"
)

func (s *Server) recordsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	text := r.URL.Query().Get("q")
	// A receipt code typed in the search box finds its dossier (whose page checks jurisdiction).
	// A name never holds a digit or a hyphen, and "nguyen thi" must stay a name even when its
	// letters happen to spell a valid code.
	if code, ok := receiptCode(text); ok {
		target := "/dossiers/" + code
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusOK)
			return nil
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	items, total, err := s.registry.Search(r.Context(), p, actorOf(r), text, q)
	if err != nil {
		return err
	}
	next := ""
	if q.Offset+len(items) < total {
		v := r.URL.Query()
		v.Set("offset", itoa(q.Offset+len(items)))
		next = "/records?" + v.Encode()
	}
	data := map[string]any{"ExportXLSX": exportURL(r, "/export/records", "xlsx"), "ExportCSV": exportURL(r, "/export/records", "csv"), "Q": text, "Filter": q, "Items": items, "Total": total, "More": total > registration.MaxCount, "Cap": registration.MaxCount,
		"OfficeNames": s.officeName, "Next": next, "CanWrite": p.Can(auth.WriteRecords), "Offices": s.offices, "Scoped": p.Scope() != ""}
	// htmx asks for the results only, so typing in the search box swaps a table, not the page.
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "results" {
		s.renderPartial(w, r, "records.html", "results", data)
		return nil
	}
	s.render(w, r, http.StatusOK, "records.html", data)
	return nil
}

// recordForm is the data of a birth or death form page.
type recordForm struct {
	Kind       civil.Kind
	Action     string
	Sections   []formSection
	Values     map[string]string
	Errors     map[string]string
	Candidates []registration.Candidate
	Offices    []auth.Office
	Office     string
	Amend      bool
	Version    int
	Message    string
	// Final: the candidates make the entry impossible (a second death), so the form offers no
	// "not a duplicate" override.
	Final bool
	// Relations are suggested as the officer types: who may ask for this kind of registration
	// (the places come from a static file, addPlaces).
	Relations []string
	// Changes are the kinds of amendment the form offers: a birth's name and ethnic group may
	// also change as of right (Civil Code 2015 art. 27–29).
	Changes []civil.Change
}

// relations are who may ask for a registration, as the law names them: a birth by the
// parents, or else the grandparents, other relatives or whoever is raising the child (Law
// 60/2014 art. 15.1); a death by the spouse, children, parents or other relatives, or else
// the head of the institution where the person died (art. 33.1).
var relations = map[civil.Kind][]string{
	civil.BirthKind:    {"mẹ", "cha", "ông", "bà", "anh", "chị", "người thân thích khác", "người đang nuôi dưỡng trẻ em"},
	civil.DeathKind:    {"vợ", "chồng", "con", "cha", "mẹ", "anh", "chị", "em", "người thân thích khác", "đại diện cơ quan, tổ chức"},
	civil.MarriageKind: nil,
}

// places are the communes of the province as an address ends: today's ("Xã Bình Sơn, tỉnh
// Quảng Ngãi"), then those of before the reform with their districts.
func (s *Server) places() []place {
	var out []place
	for _, u := range s.units.CurrentCommunes(s.now()) {
		out = append(out, place{Name: s.units.Place(u)})
	}
	// Those born before the reform have the communes of then on their papers.
	for _, u := range s.units.FormerCommunes() {
		out = append(out, place{Name: s.units.Place(u), Former: true})
	}
	return out
}

// addPlaces serves the places the forms suggest as a static file per language, fetched once by
// each browser and cached: 368 communes are the heaviest part of a form on a slow link.
func (s *Server) addPlaces() error {
	places := s.places()
	for _, lang := range i18n.Langs {
		var b strings.Builder
		b.WriteString(`<datalist id="places">`)
		for _, p := range places {
			b.WriteString(`<option value="` + html.EscapeString(p.Name) + `"`)
			if p.Former {
				b.WriteString(` label="` + html.EscapeString(i18n.T(lang, "units.former")) + `"`)
			}
			b.WriteString(`>`)
		}
		b.WriteString(`</datalist>`)
		if err := s.assets.add("places-"+string(lang)+".html", []byte(b.String())); err != nil {
			return err
		}
	}
	return nil
}

// place is a place the forms suggest; Former is a commune of before 1 July 2025.
type place struct {
	Name   string
	Former bool
}

// communes lists the commune offices, for the office choosers of department users.
func (s *Server) communes() []auth.Office {
	var out []auth.Office
	for _, o := range s.offices {
		if o.Kind == "commune" {
			out = append(out, o)
		}
	}
	return out
}

func (s *Server) renderRecordForm(w http.ResponseWriter, r *http.Request, status int, f recordForm) error {
	p, _ := principalOf(r)
	if p.Scope() != "" {
		f.Office = p.Office
	} else {
		f.Offices = s.communes()
	}
	if f.Amend {
		f.Changes = []civil.Change{civil.Correction, civil.Supplement}
		if f.Kind == civil.BirthKind {
			f.Changes = append(f.Changes, civil.NameChange, civil.EthnicityChange)
		}
	}
	if f.Values == nil {
		f.Values = map[string]string{"child.nationality": "Việt Nam", "child.ethnicity": "Kinh", "has_mother": "on",
			"registered_on": s.registry.Today().Format(civil.DateFormat)}
	}
	if f.Office == "" {
		f.Office = f.Values["office"]
	}
	f.Relations = relations[f.Kind]
	s.render(w, r, status, "record_form.html", f)
	return nil
}

func (s *Server) newBirthPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.BirthKind, Action: "/records/births", Sections: birthForm})
}

// newDeathPage opens the death form, filled from the person's birth entry when the officer
// comes from it (?birth_record=ID), so that the death is linked to that entry.
func (s *Server) newDeathPage(w http.ResponseWriter, r *http.Request) error {
	values := map[string]string{"deceased.nationality": "Việt Nam", "registered_on": s.registry.Today().Format(civil.DateFormat)}
	if id := r.URL.Query().Get("birth_record"); id != "" {
		p, _ := principalOf(r)
		b, err := s.registry.Get(r.Context(), p, actorOf(r), id)
		if err != nil {
			return err
		}
		if b.Birth != nil {
			for k, v := range formValues(civil.Death{Deceased: b.Birth.Child}) {
				values[k] = v
			}
			values["birth_record"] = b.ID
		}
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.DeathKind, Action: "/records/deaths", Sections: deathForm, Values: values})
}

func (s *Server) newMarriagePage(w http.ResponseWriter, r *http.Request) error {
	values := map[string]string{"registered_on": s.registry.Today().Format(civil.DateFormat)}
	for _, side := range []string{"husband", "wife"} {
		values[side+".nationality"], values[side+".ethnicity"] = "Việt Nam", "Kinh"
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.MarriageKind, Action: "/records/marriages", Sections: marriageForm, Values: values})
}

func (s *Server) newMaritalStatusPage(w http.ResponseWriter, r *http.Request) error {
	values := map[string]string{"registered_on": s.registry.Today().Format(civil.DateFormat), "person.nationality": "Việt Nam", "person.ethnicity": "Kinh"}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.MaritalStatusKind, Action: "/records/marital-status", Sections: maritalStatusForm, Values: values})
}

// newRecognitionPage opens the recognition form, filled with the child from their birth entry
// when the officer comes from it (?birth_record=ID), to which the parent is then added.
func (s *Server) newRecognitionPage(w http.ResponseWriter, r *http.Request) error {
	values, birth, err := s.childValues(r, "child")
	if err != nil {
		return err
	}
	if birth != nil { // the parent the birth lacks
		values["has_"+map[bool]string{true: "mother", false: "father"}[birth.Father != nil && birth.Father.FullName != ""]] = "on"
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.RecognitionKind, Action: "/records/recognitions", Sections: recognitionForm, Values: values})
}

// childValues are the values a form about a child opens with: today, and when the officer
// comes from the child's birth entry (?birth_record=ID), the entry and the child, as the form's
// section as ("child", "ward") has them; it returns the birth too.
func (s *Server) childValues(r *http.Request, as string) (map[string]string, *civil.Birth, error) {
	values := map[string]string{"registered_on": s.registry.Today().Format(civil.DateFormat)}
	id := r.URL.Query().Get("birth_record")
	if id == "" {
		return values, nil, nil
	}
	p, _ := principalOf(r)
	b, err := s.registry.Get(r.Context(), p, actorOf(r), id)
	if err != nil || b.Birth == nil {
		return values, nil, err
	}
	for k, v := range formValues(b.Birth.Child) {
		values[as+"."+k] = v
	}
	values["birth_record"] = b.ID
	return values, b.Birth, nil
}

// createFromForm registers what the form f of a kind posted (a marriage, a certificate of
// marital status, a recognition, an adoption, a guardianship), read into the request as the
// API reads it: the desk's fields, the entry, and the birth entry the form was opened from.
func createFromForm[Req any](s *Server, f recordForm, register func(context.Context, auth.Principal, audit.Actor, Req) (civil.Record, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		var req Req
		if err := bindForm(r.PostForm, f.Sections, &req); err != nil {
			return err
		}
		desk, err := json.Marshal(struct {
			registration.Desk
			BirthRecord string `json:"birth_record,omitempty"`
		}{deskOf(r), r.PostForm.Get("birth_record")})
		if err != nil {
			return err
		}
		if err := json.Unmarshal(desk, &req); err != nil {
			return err
		}
		p, _ := principalOf(r)
		rec, err := register(r.Context(), p, actorOf(r), req)
		return s.afterRegister(w, r, rec, err, f)
	}
}

// newAdoptionPage opens the adoption form, filled with the child from their birth entry when
// the officer comes from it (?birth_record=ID), to which the adoptive parents are then added.
func (s *Server) newAdoptionPage(w http.ResponseWriter, r *http.Request) error {
	values, _, err := s.childValues(r, "child")
	if err != nil {
		return err
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.AdoptionKind, Action: "/records/adoptions", Sections: adoptionForm, Values: values})
}

// newGuardianshipPage opens the guardianship form, filled with the ward from their birth entry
// when the officer comes from it (?birth_record=ID).
func (s *Server) newGuardianshipPage(w http.ResponseWriter, r *http.Request) error {
	values, _, err := s.childValues(r, "ward")
	if err != nil {
		return err
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: civil.GuardianshipKind, Action: "/records/guardianships", Sections: guardianshipForm, Values: values})
}

// confirmation reads the "not a duplicate" answer of a form that showed candidates.
func confirmation(form url.Values) *registration.Confirmation {
	if form.Get("confirm_not_duplicate") == "" {
		return nil
	}
	return &registration.Confirmation{Reason: form.Get("duplicate_reason")}
}

// deskOf reads what every registration form carries besides its entry: the office (a commune
// user's own, else the one chosen) and the day with its reason.
func deskOf(r *http.Request) registration.Desk {
	d := registration.Desk{Office: r.PostForm.Get("office"), RegisteredOn: isoDate(r.PostForm.Get("registered_on")),
		DateReason: r.PostForm.Get("registered_on_reason")}
	if p, _ := principalOf(r); p.Scope() != "" {
		d.Office = p.Office
	}
	return d
}

func (s *Server) createBirth(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := registration.BirthRequest{Desk: deskOf(r), Confirm: confirmation(r.PostForm)}
	if err := bindForm(r.PostForm, birthForm, &req.Birth); err != nil {
		return err
	}
	p, _ := principalOf(r)
	rec, err := s.registry.RegisterBirth(r.Context(), p, actorOf(r), req)
	return s.afterRegister(w, r, rec, err, recordForm{Kind: civil.BirthKind, Action: "/records/births", Sections: birthForm})
}

func (s *Server) createDeath(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := registration.DeathRequest{Desk: deskOf(r), Confirm: confirmation(r.PostForm)}
	if err := bindForm(r.PostForm, deathForm, &req.Death); err != nil {
		return err
	}
	req.Death.BirthRecord = r.PostForm.Get("birth_record")
	p, _ := principalOf(r)
	rec, err := s.registry.RegisterDeath(r.Context(), p, actorOf(r), req)
	return s.afterRegister(w, r, rec, err, recordForm{Kind: civil.DeathKind, Action: "/records/deaths", Sections: deathForm})
}

// afterRegister sends a registered entry's page, or shows the form again with everything typed,
// the problems per field, or the suspected duplicates side by side.
func (s *Server) afterRegister(w http.ResponseWriter, r *http.Request, rec civil.Record, err error, f recordForm) error {
	if err == nil {
		http.Redirect(w, r, "/records/"+rec.ID+"?new=1", http.StatusSeeOther)
		return nil
	}
	f.Values = postedValues(r.PostForm)
	if d, ok := duplicateOf(err); ok {
		f.Candidates, f.Final = d.Candidates, d.Final
		for i := range f.Candidates {
			f.Candidates[i].Office = s.officeName[f.Candidates[i].Office] // a commune's name, not its code
		}
		f.Message = s.message(r, err)
		return s.renderRecordForm(w, r, http.StatusConflict, f)
	}
	if fields := fieldErrors(r, err); fields != nil {
		f.Errors = fields
		f.Message = s.message(r, err)
		return s.renderRecordForm(w, r, formStatus(err), f)
	}
	return err
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadRecord(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	rec, hist, extracts, office := v.rec, v.hist, v.extracts, v.office
	sections := sectionsOf(rec)
	if rec.MaritalStatus != nil {
		sections = append(sections[:len(sections):len(sections)], maritalStatusFound)
	}
	linked, err := s.queue.Messages(r.Context(), "", "", rec.ID, 20)
	if err != nil {
		return err
	}
	// A birth's personal ID number comes from the population database a few seconds after the
	// registration; a document issued before it is replaced when it arrives, so the page says so.
	pid := ""
	for _, m := range linked {
		if m.Agency == string(agency.Population) && m.Op == outbox.PopBirth && m.Status != outbox.MsgDelivered {
			pid = m.Status
		}
	}
	var users []string
	for _, v := range hist {
		users = append(users, v.Officer)
	}
	people, err := s.accounts.People(r.Context(), users...)
	if err != nil {
		return err
	}
	changed := historyChanges(langOf(r), hist)
	answers := map[string]string{}
	for _, m := range linked {
		answers[m.ID] = agencyAnswer(langOf(r), m)
	}
	guardians, err := s.registry.Guardians(r.Context(), p, rec) // a birth's ward shows the current guardian
	if err != nil {
		return err
	}
	dossiers, err := s.desk.ForRecord(r.Context(), p, rec.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "record.html", map[string]any{"Record": rec, "History": hist, "Extracts": extracts, "Linked": linked,
		"Answers": answers, "People": people, "Changed": changed, "PIDPending": pid, "CanOutbox": p.Can(auth.ViewOutbox),
		"OfficeName": office.Name, "Sections": sections, "Values": formValues(rec.Entry()), "New": r.URL.Query().Get("new") != "",
		"CanWrite": p.Allow(auth.WriteRecords, rec.Office) == nil, "Dossiers": dossiers, "Guardians": guardians})
	return nil
}

// note is a form that records something against an entry as its new version, with its own
// page: a court's divorce against a marriage, the end of a guardianship.
type note struct {
	Path                string // of the page under the entry: /records/{id}/{Path}
	Title, Help, Submit string // message keys
	Section             formSection
	// record records what was typed (bound into the section's JSON) against entry id.
	record func(s *Server, r *http.Request, id string, version int, typed []byte) (civil.Record, error)
}

var (
	divorceNote = note{Path: "divorce", Title: "records.divorce", Help: "divorce.help", Submit: "divorce.submit", Section: divorceSection,
		record: func(s *Server, r *http.Request, id string, version int, typed []byte) (civil.Record, error) {
			var t struct {
				Divorce civil.Divorce `json:"divorce"` // the form's fields are divorce.court…
			}
			if err := json.Unmarshal(typed, &t); err != nil {
				return civil.Record{}, err
			}
			p, _ := principalOf(r)
			return s.registry.RecordDivorce(r.Context(), p, actorOf(r), id, registration.DivorceRequest{Version: version, Divorce: t.Divorce})
		}}
	guardianshipEndNote = note{Path: "end-guardianship", Title: "records.end_guardianship", Help: "guardianship.end_help", Submit: "guardianship.end_submit",
		Section: guardianshipEndSection,
		record: func(s *Server, r *http.Request, id string, version int, typed []byte) (civil.Record, error) {
			var t struct {
				End civil.GuardianshipEnd `json:"end"`
			}
			if err := json.Unmarshal(typed, &t); err != nil {
				return civil.Record{}, err
			}
			p, _ := principalOf(r)
			return s.registry.EndGuardianship(r.Context(), p, actorOf(r), id, registration.GuardianshipEndRequest{Version: version, GuardianshipEnd: t.End})
		}}
)

// notePage is the form of n for an entry.
func (s *Server) notePage(n note) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, _ := principalOf(r)
		rec, err := s.registry.Get(r.Context(), p, actorOf(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := p.Allow(auth.WriteRecords, rec.Office); err != nil {
			return err
		}
		return s.renderNote(w, r, http.StatusOK, n, rec, nil, nil, "")
	}
}

func (s *Server) renderNote(w http.ResponseWriter, r *http.Request, status int, n note, rec civil.Record, values, errs map[string]string, msg string) error {
	if values == nil {
		values = map[string]string{}
	}
	s.render(w, r, status, "note_form.html", map[string]any{"Record": rec, "Note": n, "Values": values, "Errors": errs, "Message": msg})
	return nil
}

// recordNote records what was typed on n's form and shows the entry with it, or the form again
// with its problems and what was typed.
func (s *Server) recordNote(n note) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		var typed json.RawMessage
		if err := bindForm(r.PostForm, []formSection{n.Section}, &typed); err != nil {
			return err
		}
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		rec, err := n.record(s, r, r.PathValue("id"), version, typed)
		if err == nil {
			http.Redirect(w, r, "/records/"+rec.ID, http.StatusSeeOther)
			return nil
		}
		fields := fieldErrors(r, err)
		if fields == nil && !fault.Is(err, fault.Conflict) {
			return err
		}
		return s.renderNote(w, r, formStatus(err), n, rec, postedValues(r.PostForm), fields, s.message(r, err))
	}
}

// agencyAnswer says in words what an agency answered: the number it gave, not its JSON.
func agencyAnswer(lang i18n.Lang, m outbox.Message) string {
	if m.Response == "" {
		return ""
	}
	var ans struct {
		agency.BirthResponse
		agency.CardResponse
	}
	if err := json.Unmarshal([]byte(m.Response), &ans); err != nil {
		return ""
	}
	switch {
	case ans.PersonalID != "":
		return i18n.T(lang, "records.answer_pid", ans.PersonalID)
	case ans.CardNumber != "":
		return i18n.T(lang, "records.answer_card", ans.CardNumber, document.DateVN(ans.ValidTo))
	}
	return ""
}

// kindForms lays out each kind of entry, shown and corrected: one line per kind.
var kindForms = map[civil.Kind][]formSection{
	civil.BirthKind:         birthForm,
	civil.DeathKind:         deathForm,
	civil.MarriageKind:      marriageForm,
	civil.MaritalStatusKind: maritalStatusForm,
	civil.RecognitionKind:   recognitionForm,
	civil.AdoptionKind:      adoptionForm,
	civil.GuardianshipKind:  guardianshipForm,
}

// sectionsOf lays out an entry as it stands: its kind's form, and a marriage's recorded divorce,
// shown and corrected with it.
func sectionsOf(rec civil.Record) []formSection {
	sections := amendable(rec)
	if rec.Birth != nil && rec.Birth.Adoptive != nil {
		sections = append(sections[:len(sections):len(sections)], adoptiveSection)
	}
	return sections
}

// amendable are the sections a correction of rec may change: a marriage's recorded divorce and
// a guardianship's recorded end among them, a birth's adoptive parents not (only an adoption
// sets them).
func amendable(rec civil.Record) []formSection {
	sections := kindForms[rec.Kind]
	if rec.Marriage != nil && rec.Marriage.Divorce != nil {
		sections = append(sections[:len(sections):len(sections)], divorceSection)
	}
	if rec.Guardianship != nil && rec.Guardianship.End != nil {
		sections = append(sections[:len(sections):len(sections)], guardianshipEndSection)
	}
	return sections
}

// formStatus is the status of a form sent back with its problems: 409 when the register holds
// what bars it (a party married), 400 for what was typed.
func formStatus(err error) int {
	if fault.Is(err, fault.Conflict) {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func (s *Server) amendPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	rec, err := s.registry.Get(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := p.Allow(auth.WriteRecords, rec.Office); err != nil {
		return err
	}
	return s.renderRecordForm(w, r, http.StatusOK, recordForm{Kind: rec.Kind, Action: "/records/" + rec.ID + "/amend", Sections: amendable(rec),
		Values: formValues(rec.Entry()), Amend: true, Version: rec.Version, Office: rec.Office})
}

func (s *Server) amendSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	a := registration.Amendment{Change: civil.Change(r.PostForm.Get("change")), Reason: r.PostForm.Get("reason"),
		LegalBasis: r.PostForm.Get("legal_basis"), SubjectConsent: r.PostForm.Get("subject_consent") != ""}
	a.Base, _ = atoi(r.PostForm.Get("version"))
	kind := civil.Kind(r.PostForm.Get("kind"))
	e, err := civil.DecodeEntry(kind, []byte("{}"))
	if err != nil {
		return fault.New(fault.Invalid, "amend.kind_unsupported")
	}
	f := recordForm{Kind: kind, Action: "/records/" + id + "/amend", Sections: kindForms[kind], Amend: true, Version: a.Base}
	for _, n := range []note{divorceNote, guardianshipEndNote} { // a recorded note's fields came with the form
		if r.PostForm.Has(n.Section.Fields[0].Name) {
			f.Sections = append(f.Sections[:len(f.Sections):len(f.Sections)], n.Section)
		}
	}
	if err := bindForm(r.PostForm, f.Sections, e); err != nil {
		return err
	}
	a.Set(e)
	p, _ := principalOf(r)
	rec, err := s.registry.Amend(r.Context(), p, actorOf(r), id, a)
	if err == nil {
		http.Redirect(w, r, "/records/"+rec.ID, http.StatusSeeOther)
		return nil
	}
	if fields := fieldErrors(r, err); fields != nil {
		f.Values, f.Errors, f.Message = postedValues(r.PostForm), fields, s.message(r, err)
		return s.renderRecordForm(w, r, formStatus(err), f)
	}
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) (int, error) { return strconv.Atoi(strings.TrimSpace(s)) }

// fieldName names a changed field ("child.full_name") on screen in the user's language, from the
// form's own labels: "Họ, chữ đệm, tên (Người được khai sinh)".
func fieldName(lang i18n.Lang, path string) string {
	section, field, ok := strings.Cut(path, ".")
	if !ok {
		section, field = "", path
	}
	if !i18n.Has("form." + field) {
		return document.FieldLabel(path)
	}
	name := i18n.T(lang, "form."+field)
	if section != "" && i18n.Has("form."+section) {
		name += " (" + i18n.T(lang, "form."+section) + ")"
	}
	return name
}

// receiptCode reads a search as a dossier's receipt code: one word with a digit or a hyphen.
func receiptCode(text string) (string, bool) {
	text = strings.TrimSpace(text)
	if strings.ContainsAny(text, " \t") || !strings.ContainsAny(text, "-0123456789") {
		return "", false
	}
	return dossier.NormalizeCode(text)
}

// fieldChange is one line of an amendment in the history: the field, its value before and after.
type fieldChange struct{ Label, Before, After string }

// choiceLabels are the message keys of the fields chosen from values, by field, for showing a
// changed value in words (parents_resume: "Cha, mẹ đã có đủ điều kiện…").
var choiceLabels = func() map[string]string {
	out := map[string]string{}
	sections := []formSection{divorceSection, guardianshipEndSection}
	for _, form := range kindForms {
		sections = append(sections, form...)
	}
	for _, s := range sections {
		for _, fl := range s.Fields {
			if fl.Type == "choice" {
				out[fl.Name] = fl.Label
			}
		}
	}
	return out
}()

// historyChanges is, for each version after the first, what it changed value by value: dates
// the Vietnamese way, sexes, choices and ticked boxes in words, "—" for an empty value.
func historyChanges(lang i18n.Lang, hist []civil.Version) map[int][]fieldChange {
	byNumber := map[int]civil.Version{}
	for _, v := range hist {
		byNumber[v.Number] = v
	}
	show := func(field, v string) string {
		switch {
		case v == "":
			return "—"
		case strings.HasSuffix(field, "sex") && i18n.Has("sex."+v):
			return i18n.T(lang, "sex."+v)
		case choiceLabels[field] != "" && i18n.Has(choiceLabels[field]+"."+v):
			return i18n.T(lang, choiceLabels[field]+"."+v)
		case v == "true":
			return i18n.T(lang, "common.yes")
		case v == "false":
			return "—"
		}
		if t, err := time.Parse(civil.DateFormat, v); err == nil {
			return t.Format("02/01/2006")
		}
		return v
	}
	out := map[int][]fieldChange{}
	for _, v := range hist {
		prev, ok := byNumber[v.Number-1]
		if !ok {
			continue
		}
		for _, c := range civil.Diff(prev.Entry(), v.Entry()) {
			out[v.Number] = append(out[v.Number], fieldChange{fieldName(lang, c.Field), show(c.Field, c.Before), show(c.Field, c.After)})
		}
	}
	return out
}
