package registration

import (
	"context"
	"strconv"
	"strings"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// Books lists an office's register books (the unique index on office, kind, year, book and
// number answers it).
func (db *Records) Books(ctx context.Context, office string) ([]BookRef, error) {
	return store.Collect(ctx, db.st, func(row store.Scanner) (BookRef, error) {
		b := BookRef{Office: office}
		var kind string
		err := row.Scan(&kind, &b.Year, &b.Book, &b.Count, &b.Last)
		b.Kind = civil.Kind(kind)
		return b, err
	}, "registration: books", `SELECT kind, reg_year, reg_book, COUNT(*), MAX(reg_number) FROM records WHERE office = $1
		GROUP BY kind, reg_year, reg_book ORDER BY reg_year DESC, kind, reg_book`, office)
}

// Book reads a register book's entries in number order, with their later versions.
func (db *Records) Book(ctx context.Context, office string, kind civil.Kind, year int, book string) (Book, error) {
	out := Book{BookRef: BookRef{Office: office, Kind: kind, Year: year, Book: book}}
	where := ` WHERE r.office = $1 AND r.kind = $2 AND r.reg_year = $3 AND r.reg_book = $4`
	records, err := store.Collect(ctx, db.st, scanRecord, "registration: book", `SELECT `+recordCols+` FROM records r
		JOIN record_versions v ON v.record_id = r.id AND v.version = r.version`+where+` ORDER BY r.reg_number LIMIT `+strconv.Itoa(MaxBookEntries+1),
		office, string(kind), year, book)
	if err != nil {
		return out, err
	}
	if len(records) == 0 {
		return out, fault.New(fault.NotFound, "book.not_found")
	}
	if len(records) > MaxBookEntries {
		return out, fault.New(fault.Invalid, "book.too_large", MaxBookEntries)
	}
	type change struct {
		id string
		v  civil.Version
	}
	// versionCols with the table's name: both tables have a version column.
	cols := "v." + strings.ReplaceAll(versionCols, ", ", ", v.")
	changes, err := store.Collect(ctx, db.st, func(row store.Scanner) (change, error) {
		id, v, err := scanVersion(row, kind, true)
		return change{id, v}, err
	}, "registration: book changes", `SELECT v.record_id, `+cols+` FROM record_versions v
		JOIN records r ON r.id = v.record_id`+where+` AND v.version > 1 ORDER BY v.record_id, v.version`, office, string(kind), year, book)
	if err != nil {
		return out, err
	}
	byRecord := map[string][]civil.Version{}
	for _, c := range changes {
		byRecord[c.id] = append(byRecord[c.id], c.v)
	}
	for _, r := range records {
		out.Entries = append(out.Entries, BookEntry{Record: r, Changes: byRecord[r.ID]})
		out.Last = max(out.Last, r.Register.Number)
	}
	out.Count = len(records)
	return out, nil
}
