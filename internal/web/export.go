package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/dossier"
	"tuphap/internal/i18n"
	"tuphap/internal/legacy"
	"tuphap/internal/outbox"
	"tuphap/internal/reception"
	"tuphap/internal/store"
)

// A list exported as a clerk opens it: XLSX, or CSV in UTF-8 with a byte-order mark, without
// which Excel reads Vietnamese as Windows-1252 ("Nguyá»…n").
type table struct {
	name   string // file name without extension, ASCII
	header []string
	rows   [][]any
	// cut > 0: the list stopped at cut rows, and more were selected; cutNote (newTable's, in the
	// user's language) says so (%d).
	cut     int
	cutNote string
}

// newTable starts the export of a list: its file name (dated today in Vietnam) and its
// headings, each a message key in the user's language (a key without a message, such as "id",
// is the heading as it is).
func (s *Server) newTable(r *http.Request, name string, headings ...string) table {
	lang := langOf(r)
	t := table{name: name + "-" + s.now().In(vietnam).Format("20060102"), cutNote: i18n.T(lang, "export.cut")}
	for _, h := range headings {
		if i18n.Has(h) {
			h = i18n.T(lang, h)
		}
		t.header = append(t.header, h)
	}
	return t
}

// clock writes a time the Vietnamese way in Vietnam's time zone; "" for none.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006 15:04")
}

func (t table) write(w http.ResponseWriter, format string) error {
	if t.cut > 0 {
		// The list stopped at its bound: the file says so on its last line.
		t.rows = append(t.rows, []any{fmt.Sprintf(t.cutNote, t.cut)})
	}
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, t.name))
		w.Write([]byte("\ufeff"))
		c := csv.NewWriter(w)
		c.UseCRLF = true // what Excel writes and expects
		c.Write(t.header)
		for _, row := range t.rows {
			line := make([]string, len(row))
			for i, v := range row {
				line[i] = csvCell(v)
			}
			c.Write(line)
		}
		c.Flush()
		return c.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sheet := f.GetSheetName(0)
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
		if err != nil {
			return err
		}
		head := make([]any, len(t.header))
		for i, h := range t.header {
			head[i] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for n, row := range t.rows {
			cells := make([]any, len(row))
			for i, v := range row {
				if d, ok := v.(time.Time); ok { // a date cell, which Excel sorts and filters as dates
					cells[i] = excelize.Cell{StyleID: date, Value: d}
					continue
				}
				cells[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, t.name))
		return f.Write(w)
	}
	return notFoundErr
}

func ptr[T any](v T) *T { return &v }

// csvCell writes a value for a CSV cell: dates day first, and text that Excel would run as a
// formula ("=…", "+…", "-…", "@…", from a free-text field such as an applicant's name) behind
// an apostrophe, as OWASP advises against CSV injection.
func csvCell(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format("02/01/2006")
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return fmt.Sprint(v)
}

// day is a stored YYYY-MM-DD date as a spreadsheet date ("" stays empty).
func day(s string) any {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return t
}

// exportFormat is the format asked for, checked before any work (and any audit entry).
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "csv", "xlsx":
		return f, nil
	}
	return "", notFoundErr
}

// exportRecords writes the entries a search finds (as the records page shows them).
func (s *Server) exportRecords(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	items, err := s.registry.Export(r.Context(), p, actorOf(r), r.URL.Query().Get("q"), q)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := s.newTable(r, "so-ho-tich", "records.type", "form.full_name", "form.date_of_birth", "form.personal_id", "export.number",
		"export.book", "export.year", "users.office", "records.registered_on", "export.date_of_death", "records.late")
	for _, x := range items {
		late := ""
		if x.Late {
			late = i18n.T(lang, "export.yes")
		}
		t.rows = append(t.rows, []any{i18n.T(lang, "kind."+string(x.Kind)), x.FullName, day(x.DateOfBirth), x.PersonalID, x.Register.Number,
			x.Register.Book, x.Register.Year, s.officeName[x.Office], day(x.RegisteredOn), day(x.DateOfDeath), late})
	}
	return t.write(w, format)
}

// exportDocuments writes the documents the list's filters select.
func (s *Server) exportDocuments(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	q, err := documentQuery(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	ds, more, err := s.issuer.Export(r.Context(), p, actorOf(r), q)
	if err != nil {
		return err
	}
	people, err := s.documentPeople(r, ds)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := s.newTable(r, "van-ban", "doc.code", "doc.title", "doc.subject", "records.register", "dossier.status", "doc.office",
		"doc.issued", "doc.issued_by", "doc.signed", "doc.signed_by")
	for _, d := range ds {
		t.rows = append(t.rows, []any{d.Code, d.Title, d.Subject, d.RegisterRef, i18n.T(lang, "doc.status."+d.Status), s.officeName[d.Office],
			clock(d.IssuedAt), people[d.IssuedBy].FullName, clock(d.SignedAt), people[d.SignedBy].FullName})
	}
	if more {
		t.cut = len(ds)
	}
	return t.write(w, format)
}

// exportAudit writes the audit entries the log's filters select, newest first.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	entries, err := s.auditlog.Export(r.Context(), p, actorOf(r), f, r.URL.RawQuery)
	if err != nil {
		return err
	}
	t := s.newTable(r, "nhat-ky", "#", "audit.when", "users.username", "users.office", "audit.action", "audit.object", "audit.detail",
		"session.from", "hash")
	if len(entries) == store.MaxAuditPage {
		t.cut = len(entries)
	}
	for _, e := range entries {
		t.rows = append(t.rows, []any{e.Seq, e.At.In(vietnam).Format("02/01/2006 15:04:05"), e.Username, e.Office, e.Action, e.Object,
			e.Detail, e.IP, e.Hash})
	}
	return t.write(w, format)
}

// exportOutbox writes the messages the outbox list's filters select.
func (s *Server) exportOutbox(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = outbox.MsgDead // as the page opens
	}
	ms, err := s.messages(r, status, 0, outbox.MaxMessages)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := s.newTable(r, "lien-thong", "outbox.agency", "outbox.op", "users.office", "dossier.status", "outbox.attempts", "outbox.error",
		"export.queued", "outbox.next", "id")
	for _, m := range ms {
		next := m.NextAt // when it is tried again; for a delivered one, when it was delivered
		switch m.Status {
		case outbox.MsgDelivered:
			next = m.DeliveredAt
		case outbox.MsgDead:
			next = time.Time{}
		}
		t.rows = append(t.rows, []any{i18n.T(lang, "agency."+m.Agency), i18n.T(lang, "outbox.op."+m.Op), s.officeName[m.Office],
			i18n.T(lang, "outbox.status."+m.Status), m.Attempts, m.LastError, clock(m.CreatedAt), clock(next), m.ID})
	}
	if len(ms) == outbox.MaxMessages {
		t.cut = len(ms)
	}
	return t.write(w, format)
}

// exportDossiers writes a dossier list (as the dossiers page shows it).
func (s *Server) exportDossiers(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	q, err := dossierQuery(r)
	if err != nil {
		return err
	}
	ds, err := s.desk.Export(r.Context(), p, actorOf(r), q)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := s.newTable(r, "ho-so-"+string(q.List), "dossier.code", "dossier.procedure", "dossier.applicant", "export.phone", "dossier.status",
		"users.office", "export.received", "export.due")
	for _, d := range ds {
		proc, _ := dossier.ProcedureByCode(d.Procedure)
		t.rows = append(t.rows, []any{d.Code, procName(lang, proc), d.Applicant, d.Phone, i18n.T(lang, "status."+string(d.Status)), s.officeName[d.Office],
			d.ReceivedAt.In(vietnam).Format("02/01/2006 15:04"), d.DueAt.In(vietnam).Format("02/01/2006 15:04")})
	}
	if len(ds) == reception.MaxExport {
		t.cut = len(ds)
	}
	return t.write(w, format)
}

// exportImports writes the imports the imports list's filters select.
func (s *Server) exportImports(w http.ResponseWriter, r *http.Request) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	q, err := importQuery(r)
	if err != nil {
		return err
	}
	q.Limit = legacy.MaxImports
	jobs, err := s.imports.journal.Find(r.Context(), q)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := s.newTable(r, "nhap-so", "import.file_name", "import.by", "import.started", "export.finished", "dossier.status", "import.read",
		"import.inserted", "import.skipped", "import.rejected", "import.encoding", "id")
	if len(jobs) == legacy.MaxImports {
		t.cut = len(jobs)
	}
	for _, j := range jobs {
		status := i18n.T(lang, "import.status."+j.Status)
		if j.Error != "" {
			status += ": " + j.Error
		}
		t.rows = append(t.rows, []any{j.File, j.By, clock(j.Started), clock(j.Finished), status, j.Read, j.Inserted, j.Skipped,
			j.Rejected, j.Encoding, j.ID})
	}
	return t.write(w, format)
}
