package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"tuphap/internal/auth"
	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
	"tuphap/internal/vntext"
)

// The department's official correspondence: the incoming register, a document's page, its file.

// incomingUpload reads an upload's fields and its file (multipart "file"), at most
// correspondence.MaxFile and a little for the fields.
// The caller removes the form's temporary files (r.MultipartForm.RemoveAll): the server's own
// clean-up sees only the request it made, not the copies the middleware hands on.
func incomingUpload(w http.ResponseWriter, r *http.Request) (correspondence.Incoming, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, correspondence.MaxFile+64<<10)
	if err := parseMultipart(r, 1<<20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return correspondence.Incoming{}, nil, invalidFields(map[string]string{"file": "correspondence.file_too_big"})
		}
		return correspondence.Incoming{}, nil, err
	}
	f := r.MultipartForm.Value
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := correspondence.Incoming{Sender: get("sender"), Reference: get("reference"), Dated: isoDate(get("dated")), Summary: get("summary"),
		Urgency: get("urgency"), Confidentiality: get("confidentiality"), ReceivedOn: isoDate(get("received_on"))}
	file, head, err := r.FormFile("file")
	if err != nil {
		return in, nil, nil // no file: the service says so with the other problems
	}
	defer file.Close()
	in.FileName = head.Filename
	data, err := io.ReadAll(file)
	return in, data, err
}

func (s *Server) correspondencePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCorrespondence(w, r, http.StatusOK, nil, nil, "")
}

func (s *Server) renderCorrespondence(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, msg string) error {
	p, _ := principalOf(r)
	list, err := s.mail.List(r.Context(), p, incomingQuery(r))
	if err != nil {
		return err
	}
	if values == nil {
		values = map[string]string{}
	}
	s.render(w, r, status, "correspondence.html", map[string]any{"List": list, "Values": values, "Errors": errs, "Message": msg, "Q": r.URL.Query().Get("q"),
		"Urgencies": correspondence.Urgencies, "Confidentialities": correspondence.Confidentialities, "Router": p.Can(auth.RouteCorrespondence)})
	return nil
}

// correspondenceCreate registers an uploaded document, or shows the form again with its problems.
func (s *Server) correspondenceCreate(w http.ResponseWriter, r *http.Request) error {
	in, data, err := incomingUpload(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err == nil {
		p, _ := principalOf(r)
		in, err = s.mail.Register(r.Context(), p, actorOf(r), in, data)
	}
	if err == nil {
		http.Redirect(w, r, "/correspondence/incoming/"+in.ID, http.StatusSeeOther)
		return nil
	}
	fields := fieldErrors(r, err)
	if fields == nil {
		return err
	}
	values := map[string]string{}
	if r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				values[k] = v[0]
			}
		}
	}
	return s.renderCorrespondence(w, r, http.StatusBadRequest, values, fields, s.message(r, err))
}

func (s *Server) incomingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderIncoming(w, r, http.StatusOK, "")
}

func (s *Server) renderIncoming(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, _ := principalOf(r)
	in, err := s.mail.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, status, "incoming.html", map[string]any{"D": in, "Message": msg, "Router": p.Can(auth.RouteCorrespondence),
		"Mine": in.Assignee == p.Username || p.Can(auth.RouteCorrespondence)})
	return nil
}

// incomingStep routes or completes a document from its page.
func (s *Server) incomingStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p, _ := principalOf(r)
	id := r.PathValue("id")
	var err error
	switch r.PathValue("step") {
	case "route":
		days, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days")))
		_, err = s.mail.Route(r.Context(), p, actorOf(r), id, r.PostForm.Get("unit"), r.PostForm.Get("assignee"), days)
	case "complete":
		_, err = s.mail.Complete(r.Context(), p, actorOf(r), id, r.PostForm.Get("note"))
	default:
		return notFoundErr
	}
	if err != nil {
		if msg, _, ok := s.stepProblem(r, err, fault.Conflict, fault.Forbidden); ok {
			return s.renderIncoming(w, r, formStatus(err), msg)
		}
		return err
	}
	http.Redirect(w, r, "/correspondence/incoming/"+id, http.StatusSeeOther)
	return nil
}

// correspondenceFile sends an attachment as a download of the type read from its bytes, never
// to be shown in the page or sniffed as anything else.
func (s *Server) correspondenceFile(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	data, in, err := s.mail.File(r.Context(), p, r.PathValue("hash"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", in.FileType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Cache-Control", "no-store") // a confidential letter stays out of caches
	w.Header().Set("Content-Disposition", attachment(in.FileName, in.FileType, r.PathValue("hash")))
	_, err = w.Write(data)
	return err
}

// The API under /api/v1/correspondence/.

func (s *Server) apiIncomingCreate(w http.ResponseWriter, r *http.Request) error {
	in, data, err := incomingUpload(w, r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	out, err := s.mail.Register(r.Context(), p, actorOf(r), in, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiIncomingList(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	list, err := s.mail.List(r.Context(), p, incomingQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": list})
	return nil
}

func (s *Server) apiIncomingGet(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	in, err := s.mail.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiIncomingRoute(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Unit     string `json:"unit"`
		Assignee string `json:"assignee"`
		Days     int    `json:"working_days"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	in, err := s.mail.Route(r.Context(), p, actorOf(r), r.PathValue("id"), body.Unit, body.Assignee, body.Days)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) apiIncomingComplete(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	in, err := s.mail.Complete(r.Context(), p, actorOf(r), r.PathValue("id"), body.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// attachment is a download's Content-Disposition: the uploaded name's letters and digits, with
// the extension of the type its bytes are (never the one the uploader gave: "x.html" holding a
// PDF downloads as "x.pdf"), as ASCII and as UTF-8 (RFC 6266).
func attachment(name, fileType, fallback string) string {
	ext := map[string]string{correspondence.PDF: ".pdf", correspondence.DOCX: ".docx", correspondence.XLSX: ".xlsx",
		correspondence.PNG: ".png", correspondence.JPEG: ".jpg"}[fileType]
	base := strings.TrimSuffix(name, filepath.Ext(name))
	base = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == ' ' || r == '.' {
			return r
		}
		return -1
	}, base)
	if base = strings.TrimSpace(base); base == "" {
		base = fallback[:min(len(fallback), 16)]
	}
	var ascii strings.Builder
	for _, r := range base {
		if r < 0x80 {
			ascii.WriteRune(r)
		} else if f := vntext.Fold(string(r)); len(f) == 1 { // "Đ" → "d", "ễ" → "e"
			ascii.WriteString(f)
		} else {
			ascii.WriteByte('_')
		}
	}
	return fmt.Sprintf(`attachment; filename="%s%s"; filename*=UTF-8''%s%s`, ascii.String(), ext, url.PathEscape(base), ext)
}

// correspondenceReport is the register's report of the period asked (this year so far by
// default).
func (s *Server) correspondenceReport(r *http.Request) (correspondence.Report, error) {
	from, to, err := s.grassrootsPeriod(r)
	if err != nil {
		return correspondence.Report{}, err
	}
	p, _ := principalOf(r)
	return s.mail.Report(r.Context(), p, from, to)
}

func (s *Server) correspondenceReportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.correspondenceReport(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "correspondence_report.html", map[string]any{"R": rep})
	return nil
}

func (s *Server) apiCorrespondenceReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.correspondenceReport(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// incomingQuery is the register's selection as a page's or the API's address gives it.
func incomingQuery(r *http.Request) correspondence.Query {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	return correspondence.Query{Year: year, Status: q.Get("status"), Overdue: q.Get("overdue") == "1", Words: q.Get("q")}
}
