package web

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"tuphap/internal/fault"
	"tuphap/internal/legacy"
)

// imports are the background imports: they run on the server's context, which Shutdown ends,
// and Shutdown waits for them (running counts them). The list of imports and each one's
// progress are in the journal, which every node reads.
type imports struct {
	journal *legacy.Journal
	ctx     context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
}

func (s *Server) importsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderImports(w, r, nil)
}

// importQuery reads the imports list's filters: status, who, period.
func importQuery(r *http.Request) (legacy.ImportQuery, error) {
	q := r.URL.Query()
	from, to, err := period(q)
	oldest, oerr := oldestFirst(q)
	out := legacy.ImportQuery{Status: q.Get("status"), By: q.Get("by"), From: from, To: to, Oldest: oldest}
	if out.Status != "" && !slices.Contains(legacy.ImportStatuses, out.Status) {
		return out, invalidFields(map[string]string{"status": "import.bad_status"})
	}
	return out, cmp.Or(err, oerr)
}

// renderImports shows the form, a preview when there is one, and a page of the imports list.
func (s *Server) renderImports(w http.ResponseWriter, r *http.Request, preview map[string]any) error {
	q, err := importQuery(r)
	if err != nil {
		return err
	}
	page := pageOf(r)
	q.Offset, q.Limit = (page-1)*listPageSize, listPageSize+1
	jobs, err := s.imports.journal.Find(r.Context(), q)
	if err != nil {
		return err
	}
	jobs, more := cut(jobs, listPageSize)
	v := r.URL.Query()
	s.render(w, r, http.StatusOK, "imports.html", map[string]any{"Jobs": jobs, "Fields": legacy.Fields,
		"Encodings": legacy.Encodings, "Preview": preview, "Statuses": legacy.ImportStatuses, "Q": q,
		"From": v.Get("from"), "To": v.Get("to"), "Pager": newPager(r, "/imports", page, more),
		"ExportXLSX": exportURL(r, "/export/imports", "xlsx"), "ExportCSV": exportURL(r, "/export/imports", "csv")})
	return nil
}

// upload is an uploaded register, saved to a temporary file and opened for reading.
type upload struct {
	name string
	file *os.File
	rd   *legacy.Reader
}

func (u upload) close() {
	u.file.Close()
	os.Remove(u.file.Name())
}

// openUpload reads the import form: the file, an optional mapping and the encoding chosen.
func (s *Server) openUpload(r *http.Request) (upload, error) {
	if err := parseMultipart(r, 32<<20); err != nil {
		return upload{}, err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return upload{}, invalidFields(map[string]string{"file": "verify.no_file"})
	}
	defer f.Close()
	var m legacy.Mapping
	if mf, _, err := r.FormFile("mapping"); err == nil {
		defer mf.Close()
		tmp, err := os.CreateTemp("", "tuphap-mapping-*.json")
		if err != nil {
			return upload{}, err
		}
		io.Copy(tmp, mf)
		tmp.Close()
		defer os.Remove(tmp.Name())
		if m, err = legacy.LoadMapping(tmp.Name()); err != nil {
			return upload{}, fault.Wrap(fault.Invalid, "import.bad_mapping", err)
		}
	}
	if enc := r.FormValue("encoding"); enc != "" {
		m.Encoding = enc // the user's choice wins over the mapping's
	}
	tmp, err := os.CreateTemp("", "tuphap-import-*"+filepath.Ext(hdr.Filename))
	if err != nil {
		return upload{}, err
	}
	u := upload{name: hdr.Filename, file: tmp}
	if _, err := io.Copy(tmp, f); err != nil {
		u.close()
		return upload{}, err
	}
	tmp.Seek(0, io.SeekStart)
	if u.rd, err = legacy.Open(hdr.Filename, tmp, m, s.units, s.now()); err != nil {
		u.close()
		return upload{}, badFile(err)
	}
	return u, nil
}

// badFile is a file that cannot be read, with the reason (in Vietnamese, from package legacy).
func badFile(err error) error {
	return &fault.Error{Kind: fault.Invalid, Code: "import.bad_file", Args: []any{err.Error()}, Err: err}
}

// previewRows is how many rows a preview shows.
const previewRows = 20

// previewImport shows the first rows of an uploaded file as they would be stored, and stores
// nothing.
func (s *Server) previewImport(w http.ResponseWriter, r *http.Request) error {
	u, err := s.openUpload(r)
	if err != nil {
		return err
	}
	defer u.close()
	rows, err := legacy.Preview(u.rd, previewRows)
	if err != nil {
		return badFile(err)
	}
	return s.renderImports(w, r, map[string]any{"Name": u.name, "Rows": rows, "Encoding": u.rd.Encoding, "Separator": legacy.SeparatorName(u.rd.Separator)})
}

// startImport saves the uploaded file and imports it in the background: the upload answers at
// once and the page follows the progress.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request) error {
	u, err := s.openUpload(r)
	if err != nil {
		return err
	}
	by := actorOf(r)
	imp := legacy.Import{File: u.name, By: by.Username, Total: u.rd.Rows}
	if u.rd.Encoding != "" {
		imp.Encoding, imp.Separator = u.rd.Encoding, legacy.SeparatorName(u.rd.Separator)
	}
	if imp, err = s.imports.journal.Begin(r.Context(), imp); err != nil {
		u.close()
		return err
	}
	s.imports.running.Add(1)
	go func() {
		defer s.imports.running.Done()
		defer u.close()
		_, err := s.imports.journal.Track(s.imports.ctx, imp.ID, func(report io.Writer, progress func(legacy.Progress)) (legacy.Progress, error) {
			return legacy.Run(s.imports.ctx, s.registry, u.rd, u.name, 2000, by, report, progress)
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Error("import", "file", u.name, "err", err)
		}
	}()
	http.Redirect(w, r, "/imports", http.StatusSeeOther)
	return nil
}

// Shutdown stops the background imports at their next batch and waits for them to write what
// they have, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.imports.stop()
	done := make(chan struct{})
	go func() {
		s.imports.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// importProgress is the fragment the page polls.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) error {
	j, err := s.imports.journal.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderPartial(w, r, "imports.html", "job", j)
	return nil
}

func (s *Server) importReport(w http.ResponseWriter, r *http.Request) error {
	j, report, err := s.imports.journal.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	// The file's own name, which may hold quotes or Vietnamese letters: RFC 2231 encodes them.
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": j.File + ".rejected.csv"}))
	w.Write(report)
	return nil
}
