package registration

import (
	"context"
	"fmt"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
)

// BookRef names one register book (sổ đăng ký) of an office: a kind, a year and the book's
// number, with how many entries it holds and the last number given.
type BookRef struct {
	Office string     `json:"office"`
	Kind   civil.Kind `json:"type"`
	Year   int        `json:"year"`
	Book   string     `json:"book"`
	Count  int        `json:"entries"`
	Last   int        `json:"last_number"`
}

// Book is a register book as it is printed and bound (Law 60/2014 art. 59: registers are kept
// electronically and on paper): every entry in number order, each in its current version, with
// the corrections and supplements made since its registration for the notes column.
type Book struct {
	BookRef
	Entries []BookEntry
}

// BookEntry is one entry of a printed book.
type BookEntry struct {
	civil.Record
	Changes []civil.Version // versions after the first, oldest first
}

// MaxBookEntries bounds a printed book: a commune registers a few hundred entries of a kind a
// year, and an imported legacy book a few thousand.
const MaxBookEntries = 20000

// Books lists the register books of an office, the latest year first.
func (s *Service) Books(ctx context.Context, p auth.Principal, office string) ([]BookRef, error) {
	if err := p.Allow(auth.ViewRecords, office); err != nil {
		return nil, err
	}
	return s.records.Books(ctx, office)
}

// Book reads a register book for printing, and audits the reading: it shows every entry of the
// book at once.
func (s *Service) Book(ctx context.Context, p auth.Principal, by audit.Actor, office string, kind civil.Kind, year int, book string) (Book, error) {
	if err := p.Allow(auth.ViewRecords, office); err != nil {
		return Book{}, err
	}
	b, err := s.records.Book(ctx, office, kind, year, book)
	if err != nil {
		return b, err
	}
	return b, s.Store.Audit(ctx, by.Entry("register.print", fmt.Sprintf("book:%s/%s/%d/%s", office, kind, year, book), ""))
}
