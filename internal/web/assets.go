package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed names (app.3f2a9c1d.css), so
// that browsers on slow links cache them for good and a new release is fetched at once.
type assets struct {
	byHashed map[string]asset
	hashed   map[string]string // plain name → hashed name
}

type asset struct {
	name string
	body []byte
	gz   []byte // body compressed, for the browsers that take gzip (all do): public files only
}

func loadAssets() (*assets, error) {
	a := &assets{byHashed: map[string]asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		return a.add(strings.TrimPrefix(p, "static/"), body)
	})
	return a, err
}

// add serves body as a static file, also one made when the server starts (the places the forms
// suggest). Its content must be public: compressed pages that held a secret beside text an
// attacker chose would leak it through their length (BREACH); pages are therefore not.
func (a *assets) add(name string, body []byte) error {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	f := asset{name: name, body: body}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return err
	}
	if gz.Len() < len(body)*9/10 {
		f.gz = gz.Bytes()
	}
	a.byHashed[hashed] = f
	a.hashed[name] = hashed
	return nil
}

// url returns the hashed URL of a static file; a wrong name is a bug caught when templates are
// first executed in the tests.
func (a *assets) url(name string) (string, error) {
	h, ok := a.hashed[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + h, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byHashed[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Vary", "Accept-Encoding")
	body := f.body
	if f.gz != nil && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		body = f.gz
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip (and does not refuse it
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
