package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"tuphap/internal/fault"
	"tuphap/internal/legacy"
)

// importJob is an import started from the web page; it runs in the background and the page
// polls its progress.
type importJob struct {
	ID   string
	Name string
	By   string
	// Encoding and Separator are what a CSV file was read with.
	Encoding, Separator string
	mu                  sync.Mutex
	progress            legacy.Progress
	report              bytes.Buffer
}

func (j *importJob) snapshot() legacy.Progress {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.progress
}

// Write appends to the job's report under its lock: the import writes it while the page reads it.
func (j *importJob) Write(b []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.report.Write(b)
}

// imports are the background imports: they run on the server's context, which Shutdown ends,
// and Shutdown waits for them (running counts them).
type imports struct {
	mu      sync.Mutex
	jobs    map[string]*importJob
	ctx     context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
}

func (s *Server) importsPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "imports.html", map[string]any{"Jobs": s.jobRows(), "Fields": legacy.Fields, "Encodings": legacy.Encodings})
	return nil
}

// importRow is a job on the imports page with its progress.
type importRow struct {
	Job *importJob
	P   legacy.Progress
}

// jobRows are the imports of this server's run, newest first.
func (s *Server) jobRows() []importRow {
	s.imports.mu.Lock()
	var jobs []*importJob
	for _, j := range s.imports.jobs {
		jobs = append(jobs, j)
	}
	s.imports.mu.Unlock()
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].snapshot().Started.After(jobs[b].snapshot().Started) })
	var rows []importRow
	for _, j := range jobs {
		rows = append(rows, importRow{j, j.snapshot()})
	}
	return rows
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

// separatorName is how the page names a CSV file's separator.
func separatorName(r rune) string {
	return map[rune]string{',': "“,”", ';': "“;”", '\t': "tab"}[r]
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
	preview := map[string]any{"Name": u.name, "Rows": rows, "Encoding": u.rd.Encoding, "Separator": separatorName(u.rd.Separator)}
	s.render(w, r, http.StatusOK, "imports.html", map[string]any{"Jobs": s.jobRows(), "Fields": legacy.Fields,
		"Encodings": legacy.Encodings, "Preview": preview})
	return nil
}

// startImport saves the uploaded file and imports it in the background: the upload answers at
// once and the page follows the progress.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request) error {
	u, err := s.openUpload(r)
	if err != nil {
		return err
	}
	b := make([]byte, 8)
	rand.Read(b)
	job := &importJob{ID: hex.EncodeToString(b), Name: u.name, By: actorOf(r).Username, progress: legacy.Progress{Started: time.Now()}}
	if u.rd.Encoding != "" {
		job.Encoding, job.Separator = u.rd.Encoding, separatorName(u.rd.Separator)
	}
	s.imports.mu.Lock()
	s.imports.jobs[job.ID] = job
	s.imports.mu.Unlock()
	by := actorOf(r)
	s.imports.running.Add(1)
	go func() {
		defer s.imports.running.Done()
		defer u.close()
		p, err := legacy.Run(s.imports.ctx, s.registry, u.rd, u.name, 2000, by, job, func(p legacy.Progress) {
			job.mu.Lock()
			job.progress = p
			job.mu.Unlock()
		})
		job.mu.Lock()
		job.progress = p
		job.progress.Done = true
		if err != nil {
			job.progress.Error = err.Error()
			s.log.Error("import", "file", u.name, "err", err)
		}
		job.mu.Unlock()
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

func (s *Server) job(r *http.Request) (*importJob, error) {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	j, ok := s.imports.jobs[r.PathValue("id")]
	if !ok {
		return nil, notFoundErr
	}
	return j, nil
}

// importProgress is the fragment the page polls.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) error {
	j, err := s.job(r)
	if err != nil {
		return err
	}
	s.renderPartial(w, r, "imports.html", "job", map[string]any{"Job": j, "P": j.snapshot()})
	return nil
}

func (s *Server) importReport(w http.ResponseWriter, r *http.Request) error {
	j, err := s.job(r)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+j.Name+`.rejected.csv"`)
	w.Write(j.report.Bytes())
	return nil
}
