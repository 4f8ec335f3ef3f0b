package web

import (
	"net/http"
	"strconv"

	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/registration"
)

// registersPage lists an office's register books (sổ đăng ký), each printable as the paper
// register. A commune's users see their office's; department users choose an office.
func (s *Server) registersPage(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	office := p.Scope()
	if office == "" {
		office = r.URL.Query().Get("office")
	}
	var books []registration.BookRef
	if office != "" {
		var err error
		if books, err = s.registry.Books(r.Context(), p, office); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "registers.html", map[string]any{"Books": books, "Office": office, "OfficeName": s.officeName[office],
		"Offices": s.communes(), "Scoped": p.Scope() != ""})
	return nil
}

// registerBook shows a register book laid out as the paper register, to print (landscape A4)
// and bind at the end of the year.
func (s *Server) registerBook(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return notFoundErr
	}
	layout, ok := document.Book(civil.Kind(r.PathValue("kind")))
	if !ok {
		return notFoundErr
	}
	p, _ := principalOf(r)
	b, err := s.registry.Book(r.Context(), p, actorOf(r), r.PathValue("office"), civil.Kind(r.PathValue("kind")), year, r.PathValue("book"))
	if err != nil {
		return err
	}
	// The notes name the officer who made each correction by their full name.
	var officers []string
	for _, e := range b.Entries {
		for _, v := range e.Changes {
			officers = append(officers, v.Officer)
		}
	}
	people, err := s.accounts.People(r.Context(), officers...)
	if err != nil {
		return err
	}
	rows := make([][][]string, len(b.Entries))
	opened, closed := b.Entries[0].RegisteredOn, b.Entries[0].RegisteredOn
	first := b.Entries[0].Register.Number // numbers ascend; an imported book may not start at 1
	for i, e := range b.Entries {
		for j := range e.Changes {
			if who, ok := people[e.Changes[j].Officer]; ok {
				e.Changes[j].Officer = who.String()
			}
		}
		rows[i] = layout.Row(e.Record, e.Changes)
		opened, closed = min(opened, e.RegisteredOn), max(closed, e.RegisteredOn)
	}
	s.render(w, r, http.StatusOK, "register_book.html", map[string]any{"Book": b.BookRef, "Layout": layout, "Rows": rows,
		"OfficeName": s.officeName[b.Office], "Province": s.units.Province().Name, "Opened": opened, "Closed": closed, "First": first,
		// This year's book is still open: it has no closing date yet.
		"Open": b.Year >= s.now().In(vietnam).Year()})
	return nil
}
