package web

import (
	"net/http"
	"strconv"
	"strings"

	"tuphap/internal/auth"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
)

// The department's outgoing letters: the register and a draft's form, a letter's page with the
// step its reader may take, the letters a commune received; and their API.

// outgoingForm reads a draft from a form: the recipients are checkboxes (units, agencies) and
// a list of commune codes.
func outgoingForm(r *http.Request) correspondence.Outgoing {
	f := r.PostForm
	o := correspondence.Outgoing{Kind: f.Get("kind"), Unit: f.Get("unit"), Summary: f.Get("summary"), Body: f.Get("body"), Urgency: f.Get("urgency"),
		Confidentiality: f.Get("confidentiality"), SignerTitle: f.Get("signer_title"), Recipients: f["recipient"]}
	for _, code := range strings.FieldsFunc(f.Get("communes"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		o.Recipients = append(o.Recipients, "office:"+code)
	}
	return o
}

func (s *Server) outgoingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOutgoingList(w, r, http.StatusOK, correspondence.Outgoing{}, nil, "")
}

func (s *Server) renderOutgoingList(w http.ResponseWriter, r *http.Request, status int, draft correspondence.Outgoing, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	list, err := s.mail.OutgoingList(r.Context(), p, outgoingQuery(r))
	if err != nil {
		return err
	}
	s.render(w, r, status, "outgoing.html", map[string]any{"List": list, "Form": draft, "Errors": errs, "Message": msg, "Q": r.URL.Query().Get("q"),
		"C": s.mail.Conventions, "Urgencies": correspondence.Urgencies,
		"Picked": picked(draft.Recipients), "Communes": communesOf(draft.Recipients)})
	return nil
}

// picked tells which recipients a form had ticked.
func picked(recipients []string) map[string]bool {
	m := map[string]bool{}
	for _, r := range recipients {
		m[r] = true
	}
	return m
}

func communesOf(recipients []string) string {
	var codes []string
	for _, r := range recipients {
		if c, ok := strings.CutPrefix(r, "office:"); ok {
			codes = append(codes, c)
		}
	}
	return strings.Join(codes, ", ")
}

// outgoingCreate writes a draft, or shows the form again with its problems.
func (s *Server) outgoingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	draft := outgoingForm(r)
	o, err := s.mail.Draft(r.Context(), p, actorOf(r), draft)
	if err == nil {
		http.Redirect(w, r, "/correspondence/outgoing/"+o.ID, http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	return s.renderOutgoingList(w, r, http.StatusBadRequest, draft, fields, s.message(r, err))
}

func (s *Server) outgoingDocPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOutgoing(w, r, http.StatusOK, "", nil, map[string]string{})
}

func (s *Server) renderOutgoing(w http.ResponseWriter, r *http.Request, status int, msg string, revised *correspondence.Outgoing, errs map[string]string) error {
	p, _ := principalOf(r)
	o, err := s.mail.Outgoing(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := o
	if revised != nil {
		form = *revised
	}
	kind := map[string]string{}
	for _, k := range s.mail.Conventions.Kinds {
		kind[k.Code] = k.Name
	}
	signer := p.Can(auth.SignDocuments) && p.Office == auth.DepartmentOffice
	s.render(w, r, status, "outgoing_doc.html", map[string]any{"D": o, "Message": msg, "KindName": kind[o.Kind], "Mine": o.DraftedBy == p.Username,
		"Reviewer": correspondence.MayReview(p, o), "Signer": signer, "Form": form, "Errors": errs, "C": s.mail.Conventions, "Urgencies": correspondence.Urgencies,
		"Picked": picked(form.Recipients), "Communes": communesOf(form.Recipients)})
	return nil
}

// outgoingStep takes a letter's next step from its page.
func (s *Server) outgoingStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id, f := r.PathValue("id"), r.PostForm
	ctx, by := r.Context(), actorOf(r)
	var err error
	var revised *correspondence.Outgoing
	switch r.PathValue("step") {
	case "revise":
		o := outgoingForm(r)
		revised = &o
		_, err = s.mail.Revise(ctx, p, by, id, o)
	case "submit":
		_, err = s.mail.Submit(ctx, p, by, id, f.Get("unit_head"), f.Get("office_head"))
	case "approve", "return":
		_, err = s.mail.Decide(ctx, p, by, id, r.PathValue("step") == "approve", f.Get("note"))
	case "number":
		_, err = s.mail.Number(ctx, p, by, id)
	case "sign":
		err = s.signOutgoing(r, p, id)
	case "archive":
		_, err = s.mail.Archive(ctx, p, by, id, f.Get("archive_ref"))
	default:
		return notFoundErr
	}
	if err != nil {
		if msg, fields, ok := s.stepProblem(r, err, fault.Conflict, fault.Forbidden); ok {
			status := formStatus(err)
			if fault.Is(err, fault.Forbidden) {
				status = http.StatusForbidden
			}
			if fields == nil {
				fields = map[string]string{}
			}
			return s.renderOutgoing(w, r, status, msg, revised, fields)
		}
		return err
	}
	http.Redirect(w, r, "/correspondence/outgoing/"+id, http.StatusSeeOther)
	return nil
}

// signOutgoing signs a numbered letter with the department's key: issuing signs it, and the
// letter is published in the same transaction.
func (s *Server) signOutgoing(r *http.Request, p auth.Principal, id string) error {
	o, err := s.mail.Outgoing(r.Context(), p, id)
	if err != nil {
		return err
	}
	if o.Status != correspondence.Numbered || o.DocumentID == "" {
		return fault.New(fault.Conflict, "correspondence.not_numbered")
	}
	_, err = s.issuer.Sign(r.Context(), p, actorOf(r), o.DocumentID)
	return err
}

// receivedPage lists the letters the department published to the reader's commune.
func (s *Server) receivedPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.mail.Received(r.Context(), p)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "received.html", map[string]any{"List": list})
	return nil
}

// receivedFile sends a letter published to the reader's commune, as signed.
func (s *Server) receivedFile(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	o, pdf, err := s.mail.ReceivedFile(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", attachment(strings.ReplaceAll(o.Symbol, "/", "-"), correspondence.PDF, o.ID))
	_, err = w.Write(pdf)
	return err
}

// The API under /api/v1/correspondence/outgoing and /received.

type outgoingBody struct {
	Kind            string   `json:"kind"`
	Unit            string   `json:"unit"`
	Summary         string   `json:"summary"`
	Body            string   `json:"body"`
	Recipients      []string `json:"recipients"`
	Urgency         string   `json:"urgency"`
	Confidentiality string   `json:"confidentiality"`
	SignerTitle     string   `json:"signer_title"`
}

func (b outgoingBody) outgoing() correspondence.Outgoing {
	return correspondence.Outgoing{Kind: b.Kind, Unit: b.Unit, Summary: b.Summary, Body: b.Body, Recipients: b.Recipients, Urgency: b.Urgency,
		Confidentiality: b.Confidentiality, SignerTitle: b.SignerTitle}
}

func (s *Server) apiOutgoingCreate(w http.ResponseWriter, r *http.Request) error {
	var body outgoingBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	o, err := s.mail.Draft(r.Context(), p, actorOf(r), body.outgoing())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiOutgoingRevise(w http.ResponseWriter, r *http.Request) error {
	var body outgoingBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	o, err := s.mail.Revise(r.Context(), p, actorOf(r), r.PathValue("id"), body.outgoing())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOutgoingList(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.mail.OutgoingList(r.Context(), p, outgoingQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": list})
	return nil
}

func (s *Server) apiOutgoingGet(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	o, err := s.mail.Outgoing(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// apiOutgoingStep takes a step: submission, decision, number, signature, archive.
func (s *Server) apiOutgoingStep(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		UnitHead   string `json:"unit_head"`
		OfficeHead string `json:"office_head"`
		Approve    bool   `json:"approve"`
		Note       string `json:"note"`
		ArchiveRef string `json:"archive_ref"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
	}
	p, _ := principalOf(r)
	id, ctx, by := r.PathValue("id"), r.Context(), actorOf(r)
	var err error
	switch r.PathValue("step") {
	case "submission":
		_, err = s.mail.Submit(ctx, p, by, id, body.UnitHead, body.OfficeHead)
	case "decision":
		_, err = s.mail.Decide(ctx, p, by, id, body.Approve, body.Note)
	case "number":
		_, err = s.mail.Number(ctx, p, by, id)
	case "signature":
		if !p.Can(auth.SignDocuments) {
			return fault.New(fault.Forbidden, "error.forbidden")
		}
		err = s.signOutgoing(r, p, id)
	case "archive":
		_, err = s.mail.Archive(ctx, p, by, id, body.ArchiveRef)
	default:
		return notFoundErr
	}
	if err != nil {
		return err
	}
	o, err := s.mail.Outgoing(ctx, p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiReceived(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.mail.Received(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": list})
	return nil
}

// apiRegisters is the department's clerical conventions and the last numbers of this year's
// registers.
func (s *Server) apiRegisters(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	regs, err := s.mail.Registers(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, regs)
	return nil
}

// outgoingQuery is the register's selection as a page's or the API's address gives it.
func outgoingQuery(r *http.Request) correspondence.OutgoingQuery {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	return correspondence.OutgoingQuery{Year: year, Status: q.Get("status"), Words: q.Get("q")}
}
