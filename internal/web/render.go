package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/ethnic"
	"tuphap/internal/i18n"
	"tuphap/internal/nationality"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template set per page: the layout plus that page's blocks.
type pages struct{ sets map[string]*template.Template }

func parsePages(a *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(vietnam).Format("02/01/2006 15:04")
		},
		// vndate writes a stored YYYY-MM-DD date the Vietnamese way, DD/MM/YYYY.
		"vndate": func(s string) string {
			t, err := time.Parse("2006-01-02", s)
			if err != nil {
				return s
			}
			return t.Format("02/01/2006")
		},
		"list": func(xs ...string) []string { return xs },
		"join": strings.Join,
		"inc":  func(i int) int { return i + 1 },
		// deref reads an optional string ("" for none).
		"deref": func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		},
		// money writes đồng the Vietnamese way: "200.000 đồng", "0 đồng".
		"money": func(n int64) string {
			s := strconv.FormatInt(n, 10)
			for i := len(s) - 3; i > 0; i -= 3 {
				s = s[:i] + "." + s[i:]
			}
			return s + " đồng"
		},
		// item renders a block for one item of a list: the page's view with the item as Data.
		"item": func(v view, x any) view {
			v.Data = x
			return v
		},
		// pct writes a rate as a percentage the Vietnamese way: "98,5%".
		"pct": func(r float64) string {
			return strings.Replace(strconv.FormatFloat(r*100, 'f', 1, 64), ".", ",", 1) + "%"
		},
		// fid makes an element id of a field name: dots would read as CSS classes in selectors.
		"fid": func(name string) string { return strings.ReplaceAll(name, ".", "-") },
		// subject names the person section of a kind's form ("child", "deceased").
		"subject": func(k civil.Kind) string {
			if k == civil.DeathKind {
				return "deceased"
			}
			return "child"
		},
		// The official lists the forms choose from.
		"ethnicGroups": ethnic.Groups,
		// ethnicName is the list's name of a spelling ("Mông" → "Hmông"), "" for none.
		"ethnicName": func(s string) string { g, _ := ethnic.Find(s); return g.Name },
		"countries":  nationality.All,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Format("02/01/2006")
		},
	}
	// The layout and the partials shared by several pages form the base every page is parsed onto.
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" {
			continue
		}
		set, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.sets[name] = set
	}
	return p, nil
}

// navItem is one link of the navigation; it shows when the user's role grants Need.
type navItem struct {
	Key, Path string
	Need      auth.Action
}

// nav lists the sections in order. Later features add their sections here.
var nav = []navItem{
	{"nav.home", "/", anyUser},
	{"nav.records", "/records", auth.ViewRecords},
	{"nav.dossiers", "/dossiers", auth.ViewRecords},
	{"nav.documents", "/documents", auth.ViewRecords},
	{"nav.judicial", "/judicial", auth.JudicialRecords},
	{"nav.legal_aid", "/legal-aid", auth.LegalAidCases},
	{"nav.grassroots", "/grassroots", auth.GrassrootsView},
	{"nav.correspondence", "/correspondence", auth.Correspondence},
	{"nav.oversight", "/oversight", auth.ViewDashboard},
	{"nav.reports", "/reports/on-time", auth.ViewRecords},
	{"nav.calendar", "/calendar", anyUser},
	{"nav.units", "/units", auth.ViewUnits},
	{"nav.users", "/users", auth.ManageUsers},
	{"nav.keys", "/keys", auth.ManageSettings},
	{"nav.imports", "/imports", auth.ManageSettings},
	{"nav.outbox", "/outbox", auth.ViewOutbox},
	{"nav.audit", "/audit", auth.ViewAudit},
	{"nav.account", "/account", anyUser},
}

// view is what every page template receives.
type view struct {
	Lang      i18n.Lang
	Principal *auth.Principal
	Office    string
	Nav       []navItem
	Path      string
	Data      any
}

// T translates for the page: {{.T "key"}} or {{$.T "key" arg}}.
func (v view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// ProcName names a procedure in the page's language.
func (v view) ProcName(p dossier.Procedure) string { return procName(v.Lang, p) }

// procName names a procedure in lang: the catalogue's English name in English.
func procName(lang i18n.Lang, p dossier.Procedure) string {
	if lang == i18n.EN && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}

// procNames names every procedure of the catalogue in lang, by code.
func procNames(lang i18n.Lang) map[string]string {
	out := map[string]string{}
	for _, p := range dossier.Procedures() {
		out[p.Code] = procName(lang, p)
	}
	return out
}

// Role returns the role name in the page's language.
func (v view) RoleName(r auth.Role) string { return i18n.T(v.Lang, "role."+string(r)) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	v := view{Lang: langOf(r), Path: r.URL.Path, Data: data}
	if p, ok := principalOf(r); ok {
		v.Principal = &p
		v.Office = p.Office
		if name, ok := s.officeName[p.Office]; ok {
			v.Office = name
		}
		for _, n := range nav {
			if n.Need == anyUser || p.Can(n.Need) {
				v.Nav = append(v.Nav, n)
			}
		}
	}
	set, ok := s.pages.sets[page]
	if !ok {
		s.log.Error("no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// Render to a buffer first, so that a template error gives a clean 500 rather than half a page.
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// renderPartial renders one named block of a page alone (for htmx swaps).
func (s *Server) renderPartial(w http.ResponseWriter, r *http.Request, page, block string, data any) {
	v := view{Lang: langOf(r), Path: r.URL.Path, Data: data}
	if p, ok := principalOf(r); ok {
		v.Principal = &p
	}
	var buf bytes.Buffer
	if err := s.pages.sets[page].ExecuteTemplate(&buf, block, v); err != nil {
		s.log.Error("render partial", "page", page, "block", block, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
