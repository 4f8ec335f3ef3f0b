package registration

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
)

// BulkResult says what a batch did.
type BulkResult struct {
	Inserted int // new entries
	Skipped  int // entries already there (the same register, book and number): imports repeat safely
	// Conflicts are rows whose register number is taken by another person: refused, never
	// counted as already there.
	Conflicts []Conflict
}

// Conflict is a row refused because its number belongs to another entry.
type Conflict struct {
	ID     string // the row's id, as PrepareBulk gave it or found it
	Reason string
}

// BulkInsert stores entries that already carry their register numbers (legacy books being
// digitised, or generated data) in one transaction: a multi-row insert per chunk, an entry
// already present under the same register number is skipped, so re-running or resuming an
// import never stores a row twice. It writes one audit entry for the batch, not one per row.
// The registers' counters are raised past the highest number inserted.
// A long import should use a BulkLoader, which prepares one batch while the previous is written.
func (db *Records) BulkInsert(ctx context.Context, rs []civil.Record, by audit.Actor, source string) (BulkResult, error) {
	b, err := db.PrepareBulk(rs, by)
	if err != nil {
		return BulkResult{}, err
	}
	return db.WriteBulk(ctx, b, by, source)
}

// BulkBatch is a batch of entries made ready for WriteBulk.
type BulkBatch struct {
	chunks    []bulkChunkArgs
	registers map[book]int
}

type bulkChunkArgs struct {
	recArgs []any
	ver     [][]any // each row's version values, by position in the chunk
	names   [][]any // each row's other names (record_names values), by position
	parties [][]any // each row's parties (record_parties values), by position
}

// PrepareBulk does the part of BulkInsert that needs no database. It gives entries without an
// id one; rs may be reused once it returns.
func (db *Records) PrepareBulk(rs []civil.Record, by audit.Actor) (*BulkBatch, error) {
	now := db.st.Now().UTC()
	b := &BulkBatch{registers: bookHighs(rs)}
	for start := 0; start < len(rs); start += bulkChunk {
		part := rs[start:min(start+bulkChunk, len(rs))]
		c := bulkChunkArgs{recArgs: make([]any, 0, len(part)*recordValues), ver: make([][]any, len(part)), names: make([][]any, len(part)),
			parties: make([][]any, len(part))}
		for i := range part {
			r := &part[i]
			if r.ID == "" {
				r.ID = store.NewID()
			}
			r.Version, r.CreatedAt, r.CreatedBy = 1, now, by.Username
			data, err := entryJSON(r)
			if err != nil {
				return nil, err
			}
			c.recArgs = append(c.recArgs, r.ID, string(r.Kind), r.Office, r.Register.Year, r.Register.Book, r.Register.Number, r.RegisteredOn,
				r.Late, r.Version, r.CreatedBy, store.Time(r.CreatedAt))
			c.recArgs = append(c.recArgs, indexValues(r)...)
			c.ver[i] = []any{r.ID, string(civil.Original), data, by.Username, store.Time(now)}
			c.names[i], c.parties[i] = nameRows(r), partyRows(r)
		}
		b.chunks = append(b.chunks, c)
	}
	return b, nil
}

// WriteBulk writes a prepared batch in one transaction (see BulkInsert).
func (db *Records) WriteBulk(ctx context.Context, b *BulkBatch, by audit.Actor, source string) (BulkResult, error) {
	var res BulkResult
	if len(b.chunks) == 0 {
		return res, nil
	}
	chunks, registers := b.chunks, b.registers
	err := db.st.Write(ctx, func(tx *store.Tx) error {
		res = BulkResult{} // afresh each run (store.Write)
		counts := tally{}
		for _, c := range chunks {
			n := len(c.ver)
			// Entries already present keep their row; their versions are not added again.
			out, err := queryBulk(tx, db.bulkRecordsSQL(n), c.recArgs...)
			if store.IsUniqueViolation(err) {
				// Entries already present are skipped (ON CONFLICT), so this is a second
				// death of one person (records_one_death_*), in the file or in the store.
				return fault.Wrap(fault.Invalid, "import.death_twice", err)
			}
			if err != nil {
				return fmt.Errorf("registration: bulk records: %w", err)
			}
			inserted := make(map[string]bool, n)
			for out.Next() {
				var id string
				if err := out.Scan(&id); err != nil {
					out.Close()
					return err
				}
				inserted[id] = true
			}
			out.Close()
			if err := out.Err(); err != nil {
				return err
			}
			res.Inserted += len(inserted)
			for i := range c.ver {
				if a := c.recArgs[i*recordValues:]; inserted[a[0].(string)] {
					counts.add(a[6].(string), a[2].(string), a[1].(string), a[7].(bool))
				}
			}
			conflicts, err := sameNumberOthers(tx, c, inserted)
			if err != nil {
				return err
			}
			res.Conflicts = append(res.Conflicts, conflicts...)
			res.Skipped += n - len(inserted) - len(conflicts)
			verArgs := make([]any, 0, len(inserted)*5)
			var names, parties []any
			for i, v := range c.ver {
				if inserted[v[0].(string)] {
					verArgs = append(verArgs, v...)
					names = append(names, c.names[i]...)
					parties = append(parties, c.parties[i]...)
				}
			}
			if err := insertNameRows(tx, names); err != nil {
				return err
			}
			if err := insertPartyRows(tx, parties); err != nil {
				return err
			}
			if len(verArgs) == 0 {
				continue
			}
			if _, err := execBulk(tx, db.bulkVersionsSQL(len(verArgs)/5), verArgs...); err != nil {
				return fmt.Errorf("registration: bulk versions: %w", err)
			}
		}
		if err := addCounts(tx, counts); err != nil {
			return err
		}
		if err := raiseRegisters(tx, registers); err != nil {
			return err
		}
		return tx.Audit(by.Entry("record.import", "records", fmt.Sprintf("%s inserted=%d skipped=%d", source, res.Inserted, res.Skipped)))
	})
	if err != nil {
		return BulkResult{}, err
	}
	return res, nil
}

// LoadTables are the tables a load of entries fills whose secondary indexes a fast load
// (store.WithoutIndexes) drops and builds again at the end. record_parties and record_names
// are keyed by names and IDs in random order, as the entries' own indexes are: at ten million
// entries theirs outgrew the writer's page cache and the load slowed with every million.
var LoadTables = []string{"records", "record_parties", "record_names"}

// bulkChunk is rows per statement: 22 parameters each, under every engine's limit.
const bulkChunk = 200

// recordValues is the number of values of one records row in a bulk insert.
const recordValues = 22

type book struct {
	office, kind, name string
	year               int
}

// bookHighs is the highest number of each register book in rs.
func bookHighs(rs []civil.Record) map[book]int {
	high := map[book]int{}
	for _, r := range rs {
		k := book{r.Office, string(r.Kind), r.Register.Book, r.Register.Year}
		high[k] = max(high[k], r.Register.Number)
	}
	return high
}

// raiseRegisters makes each book's counter continue after the highest number imported.
func raiseRegisters(tx *store.Tx, high map[book]int) error {
	var rows []string
	var args []any
	upsert := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.ExecOnce(`INSERT INTO registers (office, kind, year, book, last_number) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (office, kind, year, book) DO UPDATE SET last_number = excluded.last_number
			WHERE excluded.last_number > registers.last_number`, args...)
		rows, args = rows[:0], args[:0]
		if err != nil {
			return fmt.Errorf("registration: bulk registers: %w", err)
		}
		return nil
	}
	for k, n := range high {
		rows = append(rows, tx.Placeholders(len(args), 5))
		args = append(args, k.office, k.kind, k.year, k.name, n)
		if len(rows) == 400 {
			if err := upsert(); err != nil {
				return err
			}
		}
	}
	return upsert()
}

// bulkRecordsSQL is the insert of n records rows, built once per n.
func (db *Records) bulkRecordsSQL(n int) string {
	return db.bulkSQL("records", n, func(k int) string { return db.st.Placeholders(k*recordValues, recordValues) },
		`INSERT INTO records (id, kind, office, reg_year, reg_book, reg_number, registered_on, late, version, created_by, created_at, `+indexColumns+`) VALUES `,
		` ON CONFLICT (office, kind, reg_year, reg_book, reg_number) DO NOTHING RETURNING id`)
}

// bulkVersionsSQL is the insert of n first versions.
func (db *Records) bulkVersionsSQL(n int) string {
	return db.bulkSQL("versions", n, func(k int) string { return db.versionRow(k * 5) },
		`INSERT INTO record_versions (record_id, version, change, data, reason, legal_basis, fields, officer, at) VALUES `, ``)
}

func (db *Records) bulkSQL(what string, n int, row func(k int) string, head, tail string) string {
	key := fmt.Sprint(db.st.Dialect(), what, n)
	if q, ok := bulkText.Load(key); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(head)
	for k := range n {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row(k))
	}
	b.WriteString(tail)
	bulkText.Store(key, b.String())
	return b.String()
}

// versionRow is the VALUES row of a first version: id, change, data, officer, at as parameters.
func (db *Records) versionRow(k int) string {
	p := db.st.Param
	return "(" + p(k+1) + ", 1, " + p(k+2) + ", " + p(k+3) + ", '', '', '', " + p(k+4) + ", " + p(k+5) + ")"
}

// bulkText keeps the text of generated multi-row inserts by engine and size.
var bulkText sync.Map

// execBulk and queryBulk run a generated multi-row statement, prepared once when it is the
// full-chunk size (the only one that repeats: a batch's last chunk is usually shorter).
func execBulk(tx *store.Tx, q string, args ...any) (sql.Result, error) {
	if len(args) == bulkChunk*recordValues || len(args) == bulkChunk*5 {
		return tx.ExecRepeated(q, args...)
	}
	return tx.ExecOnce(q, args...)
}

func queryBulk(tx *store.Tx, q string, args ...any) (*sql.Rows, error) {
	if len(args) == bulkChunk*recordValues || len(args) == bulkChunk*5 {
		return tx.QueryRepeated(q, args...)
	}
	return tx.QueryOnce(q, args...)
}

// sameNumberOthers compares the rows of a chunk that were not inserted with the entries that
// hold their numbers: the same person (folded name and date of birth) is a row already there; a
// different one is a conflict.
func sameNumberOthers(tx *store.Tx, c bulkChunkArgs, inserted map[string]bool) ([]Conflict, error) {
	type key struct {
		office, kind, book string
		year, number       int
	}
	ours := map[key][]int{} // rows of the chunk by number
	var tuples []string
	var args []any
	for i := 0; i*recordValues < len(c.recArgs); i++ {
		row := c.recArgs[i*recordValues : (i+1)*recordValues]
		if inserted[row[0].(string)] {
			continue
		}
		k := key{row[2].(string), row[1].(string), row[4].(string), row[3].(int), row[5].(int)}
		if _, seen := ours[k]; !seen {
			tuples = append(tuples, tx.Placeholders(len(args), 5))
			args = append(args, k.office, k.kind, k.year, k.book, k.number)
		}
		ours[k] = append(ours[k], i)
	}
	if len(tuples) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryOnce(`SELECT office, kind, reg_year, reg_book, reg_number, name_folded, date_of_birth FROM records
		WHERE (office, kind, reg_year, reg_book, reg_number) IN (`+strings.Join(tuples, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("registration: numbers taken: %w", err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var k key
		var folded, born string
		if err := rows.Scan(&k.office, &k.kind, &k.year, &k.book, &k.number, &folded, &born); err != nil {
			return nil, err
		}
		for _, i := range ours[k] {
			row := c.recArgs[i*recordValues : (i+1)*recordValues]
			if row[12] != folded || row[15] != born {
				// The report goes to whoever imports (an administrator, who may not read entries):
				// it names the register reference, not the person who holds it.
				out = append(out, Conflict{ID: row[0].(string), Reason: fmt.Sprintf("số %d quyển %s/%d đã dùng cho một người khác (khác họ tên hoặc ngày sinh): không nhập đè",
					k.number, k.book, k.year)})
			}
		}
	}
	return out, rows.Err()
}
