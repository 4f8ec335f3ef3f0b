package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/calendar"
	"tuphap/internal/document"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
	"tuphap/internal/issuing"
	"tuphap/internal/judicial"
)

// apiReceiveJudgment stores a judgment a court sent: 201 with its id and its person's.
func (s *Server) apiReceiveJudgment(w http.ResponseWriter, r *http.Request) error {
	var req judicial.JudgmentRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id, personID, err := s.judicial.Receive(r.Context(), p, actorOf(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "person_id": personID})
	return nil
}

// apiJudgmentEvent stores a report of a judgment's enforcement.
func (s *Server) apiJudgmentEvent(w http.ResponseWriter, r *http.Request) error {
	var e judicial.Event
	if err := decodeJSON(r, &e); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id, err := s.judicial.AddEvent(r.Context(), p, actorOf(r), r.PathValue("id"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "judgment_id": r.PathValue("id"), "type": e.Type, "date": e.Date,
		"penalty_index": e.PenaltyIndex})
	return nil
}

// apiJudicialStatus is a person's record on a day (today by default), read for the purpose the
// caller states.
func (s *Server) apiJudicialStatus(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := s.now().In(calendar.Vietnam)
	on := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if v := q.Get("on"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return invalidFields(map[string]string{"on": "civil.date_format"})
		}
		on = d
	}
	p, _ := principalOf(r)
	st, err := s.judicial.StatusOn(r.Context(), p, actorOf(r), r.PathValue("id"), on, q.Get("purpose"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiJudicialRequest receives a request for a certificate: 201 with its dossier, time limit
// and fee.
func (s *Server) apiJudicialRequest(w http.ResponseWriter, r *http.Request) error {
	var req judicial.Request
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.judicial.RequestCertificate(r.Context(), p, actorOf(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiJudicialRequestGet(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	out, err := s.judicial.Request(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiJudicialCertificate issues the certificate a request asks for: 201 with the document,
// waiting for the authority's signer.
func (s *Server) apiJudicialCertificate(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.judicial.IssueCertificate(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toDocJSON(r, d))
	return nil
}

// judicialPage is the judicial-record officer's desk: the latest certificate requests.
func (s *Server) judicialPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	reqs, err := s.judicial.Requests(r.Context(), p, 50)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "judicial.html", map[string]any{"Requests": reqs})
	return nil
}

// judicialExemptions are the fee exemptions and reductions a request may claim, for the form.
func (s *Server) judicialExemptions() []string {
	return append(append([]string{}, s.judicial.Fees.Reducing...), s.judicial.Fees.Exempt...)
}

func (s *Server) judicialRequestForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderJudicialForm(w, r, http.StatusOK, map[string]string{"type": "1", "requester": "self", "channel": "desk"}, nil, "")
}

func (s *Server) renderJudicialForm(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	s.render(w, r, status, "judicial_request_form.html", map[string]any{"Values": values, "Errors": errs, "Message": msg,
		"Exemptions": s.judicialExemptions()})
	return nil
}

// judicialRequestCreate receives a request typed at the desk, or shows the form again with
// every problem beside its field and what was typed.
func (s *Server) judicialRequestCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	kind, _ := strconv.Atoi(f.Get("type"))
	req := judicial.Request{Type: kind, Requester: judicial.Requester(f.Get("requester")), RequesterName: f.Get("requester_name"),
		Authorization: f.Get("authorization"), Purpose: f.Get("purpose"), Channel: dossier.Channel(f.Get("channel")),
		Person: judicial.Person{FullName: f.Get("person.full_name"), DateOfBirth: isoDate(f.Get("person.date_of_birth")), Sex: f.Get("person.sex"),
			PersonalID: f.Get("person.personal_id"), PlaceOfBirth: f.Get("person.place_of_birth")},
		SeveralProvinces: f.Get("several_provinces") != "", Abroad: f.Get("abroad") != "", Foreigner: f.Get("foreigner") != "",
		ShowBans: f.Get("show_bans") != "", Urgent: f.Get("urgent") != "", Exemption: f.Get("exemption")}
	p, _ := principalOf(r)
	out, err := s.judicial.RequestCertificate(r.Context(), p, actorOf(r), req)
	if err == nil {
		http.Redirect(w, r, "/judicial/requests/"+out.ID, http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	return s.renderJudicialForm(w, r, http.StatusBadRequest, postedValues(f), fields, s.message(r, err))
}

// judicialRequestPage shows a request, its dossier and time limit, and issues its certificate.
func (s *Server) judicialRequestPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderJudicialRequest(w, r, http.StatusOK, "", false)
}

// renderJudicialRequest shows a request with a message; verify offers the question to the
// police (the certificate was found to wait on it).
func (s *Server) renderJudicialRequest(w http.ResponseWriter, r *http.Request, status int, msg string, verify bool) error {
	p, _ := principalOf(r)
	req, err := s.judicial.Request(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	ids, err := s.judicial.Certificates(r.Context(), p, req.ID)
	if err != nil {
		return err
	}
	var docs []issuing.Document
	for _, id := range ids {
		d, err := s.issuer.Get(r.Context(), p, id)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	// Who in the database the request may be about, for the officer to check.
	cands, err := s.judicial.Candidates(r.Context(), p, actorOf(r), req.Person, i18n.T(langOf(r), "judicial.purpose_for", req.Dossier.Code))
	if err != nil {
		return err
	}
	s.render(w, r, status, "judicial_request.html", map[string]any{"R": req, "Docs": docs, "Message": msg, "Verify": verify,
		"Sent": status == http.StatusOK && msg != "", "Candidates": cands})
	return nil
}

// judicialIssuePage issues the certificate and opens it for review; a record that waits on a
// court's or prison's answer is said on the request's page.
func (s *Server) judicialIssuePage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	d, err := s.judicial.IssueCertificate(r.Context(), p, actorOf(r), r.PathValue("id"))
	if fault.Is(err, fault.Conflict) {
		e, _ := fault.As(err)
		return s.renderJudicialRequest(w, r, http.StatusConflict, s.message(r, err), e != nil && e.Code == "judicial.verify_first")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/documents/"+d.ID, http.StatusSeeOther)
	return nil
}

// apiJudicialVerify asks the police about the sentences the request's certificate waits on:
// 202 with how many questions went out.
func (s *Server) apiJudicialVerify(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	n, err := s.judicial.Verify(r.Context(), p, actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"questions": n})
	return nil
}

// judicialVerifyPage sends the questions from the request's page and shows it again.
func (s *Server) judicialVerifyPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	n, err := s.judicial.Verify(r.Context(), p, actorOf(r), r.PathValue("id"))
	if fault.Is(err, fault.Conflict) {
		return s.renderJudicialRequest(w, r, http.StatusConflict, s.message(r, err), false)
	}
	if err != nil {
		return err
	}
	return s.renderJudicialRequest(w, r, http.StatusOK, i18n.T(langOf(r), "judicial.verify_sent", n), false)
}

// judicialReport is the authority's report of the period the request asks for.
func (s *Server) judicialReport(r *http.Request) (judicial.Report, error) {
	from, to, err := s.reportPeriod(r)
	if err != nil {
		return judicial.Report{}, err
	}
	p, _ := principalOf(r)
	return s.judicial.Report(r.Context(), p, from, to)
}

func (s *Server) apiJudicialReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.judicialReport(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) judicialReportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.judicialReport(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "judicial_report.html", map[string]any{"R": rep, "Rows": judicialReportRows(langOf(r), rep)})
	return nil
}

// judicialReportRows are the report's lines, as the page and the workbook show them.
func judicialReportRows(lang i18n.Lang, rep judicial.Report) [][2]any {
	t := func(k string, args ...any) string { return i18n.T(lang, k, args...) }
	rows := [][2]any{{t("judicial.report.requests"), rep.Requests}}
	for _, k := range []int{1, 2} {
		rows = append(rows, [2]any{"   " + t(fmt.Sprintf("judicial.type_%d", k)), rep.ByType[k]})
	}
	for _, c := range []string{"desk", "post", "online"} {
		rows = append(rows, [2]any{"   " + t("channel."+c), rep.ByChannel[c]})
	}
	for _, q := range []string{"self", "proxy", "agency", "prosecutor"} {
		rows = append(rows, [2]any{"   " + t("judicial.requester."+q), rep.ByRequester[q]})
	}
	return append(rows, [2]any{"   " + t("judicial.report.urgent"), rep.Urgent}, [2]any{t("judicial.report.issued"), rep.Issued},
		[2]any{t("judicial.report.on_time"), rep.IssuedOnTime}, [2]any{t("judicial.report.judgments"), rep.Judgments},
		[2]any{t("judicial.report.expunged"), rep.Expunged}, [2]any{t("judicial.report.fees"), rep.Fees})
}

// judicialReportXLSX is the report as a workbook.
func (s *Server) judicialReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.judicialReport(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	f := excelize.NewFile()
	defer f.Close()
	name := i18n.T(lang, "judicial.report.sheet")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	f.SetCellValue(name, "A1", i18n.T(lang, "judicial.report.title"))
	f.SetCellValue(name, "A2", i18n.T(lang, "report.period", document.DateVN(rep.From), document.DateVN(rep.To)))
	line := 4
	for _, row := range judicialReportRows(lang, rep) {
		f.SetSheetRow(name, fmt.Sprintf("A%d", line), &[]any{row[0], row[1]})
		line++
	}
	f.SetCellValue(name, fmt.Sprintf("A%d", line), i18n.T(lang, "report.rate"))
	f.SetCellValue(name, fmt.Sprintf("B%d", line), rep.OnTimeRate)
	if pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}); err == nil {
		f.SetCellStyle(name, fmt.Sprintf("B%d", line), fmt.Sprintf("B%d", line), pct)
	}
	f.SetColWidth(name, "A", "A", 60)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ly-lich-tu-phap-%s-%s.xlsx"`, rep.From, rep.To))
	return f.Write(w)
}

// apiJudicialCandidates lists the persons who may be the one named in the query.
func (s *Server) apiJudicialCandidates(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, _ := principalOf(r)
	out, err := s.judicial.Candidates(r.Context(), p, actorOf(r), judicial.Person{FullName: q.Get("full_name"), DateOfBirth: q.Get("date_of_birth"),
		Sex: q.Get("sex"), PersonalID: q.Get("personal_id"), PlaceOfBirth: q.Get("place_of_birth")}, q.Get("purpose"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"candidates": out})
	return nil
}

// apiJudicialPerson is a person's record, read for the purpose the query states.
func (s *Server) apiJudicialPerson(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	v, err := s.judicial.Person(r.Context(), p, actorOf(r), r.PathValue("id"), r.URL.Query().Get("purpose"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// judicialPersonPage shows a person's record, read for the purpose the link states.
func (s *Server) judicialPersonPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderJudicialPerson(w, r, http.StatusOK, r.PathValue("id"), r.URL.Query().Get("purpose"), "")
}

func (s *Server) renderJudicialPerson(w http.ResponseWriter, r *http.Request, status int, id, purpose, problem string) error {
	p, _ := principalOf(r)
	v, err := s.judicial.Person(r.Context(), p, actorOf(r), id, purpose)
	if err != nil {
		return err
	}
	standing := map[string]judicial.Conviction{}
	for _, c := range v.Status.Convictions {
		standing[c.JudgmentID] = c
	}
	s.render(w, r, status, "judicial_person.html", map[string]any{"V": v, "Standing": standing, "Problem": problem, "Purpose": purpose,
		"Events": []string{"main_served", "probation_ended", "additional_ended", "fine_paid", "amnesty", "commuted", "court_expunged"}})
	return nil
}

// judicialJudgmentForm is where an officer types a judgment a court sent on paper.
func (s *Server) judicialJudgmentForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderJudgmentForm(w, r, http.StatusOK, map[string]string{"crimes.0.intentional": "1"}, nil, "")
}

func (s *Server) renderJudgmentForm(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	s.render(w, r, status, "judicial_judgment_form.html", map[string]any{"Values": values, "Errors": errs, "Message": msg,
		"Rows": []int{0, 1, 2}, "AddRows": []int{0, 1}})
	return nil
}

// judgmentFromForm reads the judgment form: up to three crimes and two additional penalties,
// the empty rows left out.
func judgmentFromForm(f url.Values) judicial.JudgmentRequest {
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return n }
	amount := func(k string) int64 {
		n, _ := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(f.Get(k)), 10, 64)
		return n
	}
	req := judicial.JudgmentRequest{Person: judicial.Person{FullName: f.Get("person.full_name"), DateOfBirth: isoDate(f.Get("person.date_of_birth")),
		Sex: f.Get("person.sex"), PersonalID: f.Get("person.personal_id"), PlaceOfBirth: f.Get("person.place_of_birth")}}
	j := &req.Judgment
	j.Court, j.Number = f.Get("court"), f.Get("number")
	j.Date, j.EffectiveDate, j.OffenseDate = isoDate(f.Get("date")), isoDate(f.Get("effective_date")), isoDate(f.Get("offense_date"))
	for i := range 3 {
		p := fmt.Sprintf("crimes.%d.", i)
		if strings.TrimSpace(f.Get(p+"article")) == "" && i > 0 {
			continue
		}
		j.Crimes = append(j.Crimes, judicial.Crime{Article: num(p + "article"), Clause: f.Get(p + "clause"),
			Category: judicial.Category(f.Get(p + "category")), Intentional: f.Get(p+"intentional") != ""})
	}
	j.Main = judicial.MainPenalty{Type: judicial.PenaltyType(f.Get("main_penalty.type")), Months: num("main_penalty.months"),
		ProbationMonths: num("main_penalty.probation_months"), Amount: amount("main_penalty.amount")}
	for i := range 2 {
		p := fmt.Sprintf("additional_penalties.%d.", i)
		if f.Get(p+"type") == "" {
			continue
		}
		j.Additional = append(j.Additional, judicial.Additional{Type: judicial.AdditionalType(f.Get(p + "type")), Months: num(p + "months"), Amount: amount(p + "amount")})
	}
	return req
}

// judicialJudgmentCreate receives the typed judgment and opens the person's record, or shows
// the form again with every problem beside its field.
func (s *Server) judicialJudgmentCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	_, personID, err := s.judicial.Receive(r.Context(), p, actorOf(r), judgmentFromForm(r.PostForm))
	if err == nil {
		http.Redirect(w, r, "/judicial/persons/"+personID+"?purpose="+url.QueryEscape(i18n.T(langOf(r), "judicial.purpose_update")), http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil && !fault.Is(err, fault.Conflict) {
		return err
	}
	return s.renderJudgmentForm(w, r, formStatus(err), postedValues(r.PostForm), fields, s.message(r, err))
}

// judicialEventCreate records a report typed on the person's page and shows the page again.
func (s *Server) judicialEventCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	e := judicial.Event{Type: judicial.EventType(f.Get("type")), Date: isoDate(f.Get("date")), Source: f.Get("source")}
	if v := f.Get("penalty_index"); v != "" {
		i, err := strconv.Atoi(v)
		if err == nil {
			e.PenaltyIndex = &i
		}
	}
	p, _ := principalOf(r)
	purpose := i18n.T(langOf(r), "judicial.purpose_update")
	if _, err := s.judicial.AddEvent(r.Context(), p, actorOf(r), r.PathValue("id"), e); err != nil {
		fields := fieldErrors(r, err)
		if fields == nil {
			return err
		}
		var problems []string
		for _, m := range fields {
			problems = append(problems, m)
		}
		slices.Sort(problems)
		return s.renderJudicialPerson(w, r, http.StatusBadRequest, f.Get("person"), purpose, strings.Join(problems, " "))
	}
	http.Redirect(w, r, "/judicial/persons/"+url.PathEscape(f.Get("person"))+"?purpose="+url.QueryEscape(purpose), http.StatusSeeOther)
	return nil
}

// apiJudicialRefuse refuses a request: {"reason"}.
func (s *Server) apiJudicialRefuse(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	if err := s.judicial.Refuse(r.Context(), p, actorOf(r), r.PathValue("id"), in.Reason); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": string(judicial.RequestRefused)})
	return nil
}

// judicialRefusePage refuses from the request's page, which then shows it refused (or the
// problem).
func (s *Server) judicialRefusePage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	err := s.judicial.Refuse(r.Context(), p, actorOf(r), r.PathValue("id"), r.FormValue("reason"))
	if fields := fieldErrors(r, err); fields != nil {
		return s.renderJudicialRequest(w, r, http.StatusBadRequest, i18n.T(langOf(r), "judicial.refuse_reason")+": "+fields["reason"], false)
	}
	if fault.Is(err, fault.Conflict) {
		return s.renderJudicialRequest(w, r, http.StatusConflict, s.message(r, err), false)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/judicial/requests/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// apiJudicialChoose names the person a request is about: {"person_id"}.
func (s *Server) apiJudicialChoose(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PersonID string `json:"person_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, _ := principalOf(r)
	if err := s.judicial.ChoosePerson(r.Context(), p, actorOf(r), r.PathValue("id"), in.PersonID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"person_id": in.PersonID})
	return nil
}

// judicialChoosePage names the person from the request's list of candidates.
func (s *Server) judicialChoosePage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	err := s.judicial.ChoosePerson(r.Context(), p, actorOf(r), r.PathValue("id"), r.FormValue("person_id"))
	if fault.Is(err, fault.Conflict) || fault.Is(err, fault.NotFound) {
		return s.renderJudicialRequest(w, r, formStatus(err), s.message(r, err), false)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/judicial/requests/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
