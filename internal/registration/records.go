package registration

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// Records is the civil-status register's SQL: entries, their versions and names, register
// numbers, searches and duplicate candidates, bulk loads. The registration service writes
// through it; the legacy import and the benchmark load through it.
type Records struct{ st *store.Store }

// NewRecords returns the register of st.
func NewRecords(st *store.Store) *Records { return &Records{st: st} }

// indexColumns are the searchable copies of a record's current version, in the order of
// indexValues.
const indexColumns = `full_name, name_folded, given_first, sex, date_of_birth, personal_id, mother_folded, mother_personal_id, father_folded, date_of_death, birth_record`

func indexValues(r *civil.Record) []any {
	e := r.Entry()
	p, f := e.Subject(), e.Search()
	return []any{p.FullName, vntext.Fold(f.Name), vntext.GivenFirst(f.Name), p.Sex, p.DateOfBirth, p.PersonalID,
		vntext.Fold(f.Mother), f.MotherID, vntext.Fold(f.Father), f.DateOfDeath, f.BirthRecord}
}

// nameRows are the record_names values of the other names that find r (its id set), flat:
// a marriage's wife, with the entry's office, kind, day of registration and own names, which a
// search's count tests.
func nameRows(r *civil.Record) []any {
	var args []any
	search := r.Entry().Search()
	own := search.Name
	for _, n := range search.Others {
		args = append(args, r.ID, vntext.Fold(n), vntext.GivenFirst(n), r.Office, string(r.Kind), r.RegisteredOn, vntext.Fold(own),
			vntext.GivenFirst(own))
	}
	return args
}

// insertNameRows writes record_names rows given as flat values (nameRows).
func insertNameRows(tx *store.Tx, args []any) error {
	return insertRows(tx, "record_names", []string{"record_id", "folded", "given_folded", "office", "kind", "registered_on", "own_folded", "own_given"}, "record_id, folded", args)
}

// insertRows writes rows of table given as flat values of cols, several to a statement;
// a row whose key (conflict) is there already is left as it is.
func insertRows(tx *store.Tx, table string, cols []string, conflict string, args []any) error {
	n := len(cols)
	for len(args) > 0 {
		k := min(len(args)/n, 1000/n)
		rows := make([]string, k)
		for i := range rows {
			rows[i] = tx.Placeholders(i*n, n)
		}
		if _, err := tx.ExecOnce(`INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `+strings.Join(rows, ", ")+
			` ON CONFLICT (`+conflict+`) DO NOTHING`, args[:k*n]...); err != nil {
			return fmt.Errorf("registration: %s: %w", table, err)
		}
		args = args[k*n:]
	}
	return nil
}

// partyRows are the record_parties values of r's parties (its id set), flat.
func partyRows(r *civil.Record) []any {
	var args []any
	for _, p := range r.Entry().Parties() {
		args = append(args, r.ID, p.Role, p.FullName, vntext.Fold(p.FullName), p.DateOfBirth, p.PersonalID, p.Ended)
	}
	return args
}

// insertPartyRows writes record_parties rows given as flat partyRows values.
func insertPartyRows(tx *store.Tx, args []any) error {
	return insertRows(tx, "record_parties", []string{"record_id", "role", "full_name", "folded", "date_of_birth", "personal_id", "ended"},
		"record_id, role", args)
}

// reindexOthers writes again what finds r besides its row, after an amendment: its other names
// and its parties. A kind that keeps any keeps some in every entry (a marriage's husband and
// wife), so an entry with none (a birth, whose personal ID the outbox supplements) has nothing
// to rewrite, and its version costs no statement more.
func reindexOthers(tx *store.Tx, r *civil.Record) error {
	names, parties := nameRows(r), partyRows(r)
	if len(names) == 0 && len(parties) == 0 {
		return nil
	}
	for _, table := range []string{"record_names", "record_parties"} {
		if _, err := tx.Exec(`DELETE FROM `+table+` WHERE record_id = $1`, r.ID); err != nil {
			return fmt.Errorf("registration: %s: %w", table, err)
		}
	}
	if err := insertNameRows(tx, names); err != nil {
		return err
	}
	return insertPartyRows(tx, parties)
}

// entryJSON is the stored form of one version's content. It is the first thing a write asks of
// an entry: an entry without content, or with another kind's, stops there.
func entryJSON(r *civil.Record) (string, error) {
	e := r.Entry()
	if e == nil || e.Kind() != r.Kind {
		return "", fmt.Errorf("registration: a %q entry holds %T", r.Kind, e)
	}
	b, err := json.Marshal(e)
	return string(b), err
}

// DuplicateDecision records that an officer registered an entry despite suspected duplicates.
type DuplicateDecision struct {
	Candidates []string
	Reason     string
}

// CurrentBook is the register book entries go into. One book a year per office and kind
// ("01"); a province that splits books can change this without touching the numbering.
const CurrentBook = "01"

// Registration carries what is stored with a new entry besides the entry itself.
type Registration struct {
	// Duplicate is the officer's decision when suspected duplicates were overridden.
	Duplicate *DuplicateDecision
	// Then writes, in the same transaction, what the entry brings about once it has its id and
	// number: its dossier, its requests to the agencies. An error undoes the registration.
	Then func(tx *store.Tx, r *civil.Record) error
	// DateReason is why the entry is registered on another day than today, kept as the first
	// version's reason.
	DateReason string
	// Check, when set, reads the register inside the transaction before the entry is numbered
	// and refuses it with an error (a party still married): a write that every other write
	// queues behind, so nothing registered meanwhile escapes it.
	Check func(tx *store.Tx) error
}

// RegisterRecord gives r the next number of its office's register for the year of
// registration and stores it with its first version and its dossier, in one transaction: a
// failure leaves no entry, no used number and no dossier.
func (db *Records) RegisterRecord(ctx context.Context, r *civil.Record, reg Registration, by audit.Actor) error {
	dup := reg.Duplicate
	regDate, ok := civil.ParseDate(r.RegisteredOn)
	if !ok {
		return fault.New(fault.Invalid, "civil.date_format")
	}
	r.ID = store.NewID()
	r.Version = 1
	r.CreatedAt = db.st.Now().UTC()
	r.CreatedBy = by.Username
	r.Register = civil.Register{Book: CurrentBook, Year: regDate.Year()}
	data, err := entryJSON(r)
	if err != nil {
		return err
	}
	// Worked out before the transaction: the committer runs every writer's in turn.
	index, names, parties := indexValues(r), nameRows(r), partyRows(r)
	return db.st.Write(ctx, func(tx *store.Tx) error {
		if reg.Check != nil {
			if err := reg.Check(tx); err != nil {
				return err
			}
		}
		// Opens the book at number 1 or takes the next number, in one statement.
		if err := tx.QueryRow(`INSERT INTO registers (office, kind, year, book, last_number) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (office, kind, year, book) DO UPDATE SET last_number = registers.last_number + 1 RETURNING last_number`,
			r.Office, string(r.Kind), r.Register.Year, r.Register.Book).Scan(&r.Register.Number); err != nil {
			return fmt.Errorf("registration: next register number: %w", err)
		}
		args := append([]any{r.ID, string(r.Kind), r.Office, r.Register.Year, r.Register.Book, r.Register.Number, r.RegisteredOn,
			r.Late, r.Version, r.CreatedBy, store.Time(r.CreatedAt)}, index...)
		if _, err := tx.Exec(`INSERT INTO records (id, kind, office, reg_year, reg_book, reg_number, registered_on, late,
			version, created_by, created_at, `+indexColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
			$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`, args...); err != nil {
			if r.Kind == civil.DeathKind && store.IsUniqueViolation(err) {
				// records_one_death_*: this person's death was registered meanwhile.
				return fault.Wrap(fault.Conflict, "death.already_registered", err)
			}
			return fmt.Errorf("registration: insert record: %w", err)
		}
		if err := countOne(tx, r.RegisteredOn, r.Office, string(r.Kind), r.Late); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO record_versions (record_id, version, change, data, reason, legal_basis, fields, officer, at)
			VALUES ($1, 1, $2, $3, $4, '', '', $5, $6)`, r.ID, string(civil.Original), data, reg.DateReason, by.Username, store.Time(r.CreatedAt)); err != nil {
			return fmt.Errorf("registration: insert version: %w", err)
		}
		if err := insertNameRows(tx, names); err != nil {
			return err
		}
		if err := insertPartyRows(tx, parties); err != nil {
			return err
		}
		obj := "record:" + r.ID
		if dup != nil {
			if _, err := tx.Exec(`INSERT INTO duplicate_decisions (id, record_id, candidates, reason, officer, at) VALUES ($1, $2, $3, $4, $5, $6)`,
				store.NewID(), r.ID, strings.Join(dup.Candidates, ","), dup.Reason, by.Username, store.Time(r.CreatedAt)); err != nil {
				return fmt.Errorf("registration: duplicate decision: %w", err)
			}
			if err := tx.Audit(by.Entry("record.not_duplicate", obj, "candidates="+strings.Join(dup.Candidates, ",")+" reason="+dup.Reason)); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("%s office=%s so=%d quyen=%s/%d", r.Kind, r.Office, r.Register.Number, r.Register.Book, r.Register.Year)
		if reg.DateReason != "" {
			detail += fmt.Sprintf(" registered_on=%s reason=%s", r.RegisteredOn, reg.DateReason)
		}
		if err := tx.Audit(by.Entry("record.create", obj, detail)); err != nil {
			return err
		}
		if reg.Then != nil {
			return reg.Then(tx, r)
		}
		return nil
	})
}

const recordCols = `r.id, r.kind, r.office, r.reg_year, r.reg_book, r.reg_number, r.registered_on, r.late, r.version, r.created_by, r.created_at, v.data`

func scanRecord(row store.Scanner) (civil.Record, error) {
	var r civil.Record
	var kind, data string
	if err := row.Scan(&r.ID, &kind, &r.Office, &r.Register.Year, &r.Register.Book, &r.Register.Number, &r.RegisteredOn,
		&r.Late, &r.Version, &r.CreatedBy, store.ScanTime(&r.CreatedAt), &data); err != nil {
		return r, err
	}
	r.Kind = civil.Kind(kind)
	return r, decodeEntry(&r.Content, r.Kind, data)
}

// decodeEntry reads stored content of kind k into c.
func decodeEntry(c *civil.Content, k civil.Kind, data string) error {
	e, err := civil.DecodeEntry(k, []byte(data))
	if err != nil {
		return err
	}
	c.Set(e)
	return nil
}

// Record returns an entry in its current version.
func (db *Records) Record(ctx context.Context, id string) (civil.Record, error) {
	r, err := scanRecord(db.st.QueryRow(ctx, `SELECT `+recordCols+` FROM records r
		JOIN record_versions v ON v.record_id = r.id AND v.version = r.version WHERE r.id = $1`, id))
	if err != nil {
		return r, db.st.Fail(store.NotFound(fmt.Errorf("registration: record %s: %w", id, err), "record.not_found"))
	}
	return r, nil
}

// RecordHistory lists every version of an entry, oldest first.
func (db *Records) RecordHistory(ctx context.Context, r civil.Record) ([]civil.Version, error) {
	return store.Collect(ctx, db.st, func(row store.Scanner) (civil.Version, error) {
		_, v, err := scanVersion(row, r.Kind, false)
		return v, err
	}, "registration: history", `SELECT `+versionCols+` FROM record_versions WHERE record_id = $1 ORDER BY version`, r.ID)
}

const versionCols = `version, change, data, reason, legal_basis, fields, officer, at`

// scanVersion reads versionCols of an entry of kind k, preceded by the record's id when
// withID.
func scanVersion(row store.Scanner, k civil.Kind, withID bool) (string, civil.Version, error) {
	var id string
	var v civil.Version
	var change, data, fields string
	dest := []any{&v.Number, &change, &data, &v.Reason, &v.LegalBasis, &fields, &v.Officer, store.ScanTime(&v.At)}
	if withID {
		dest = append([]any{&id}, dest...)
	}
	if err := row.Scan(dest...); err != nil {
		return id, v, err
	}
	v.Change = civil.Change(change)
	if fields != "" {
		v.Fields = strings.Split(fields, ",")
	}
	return id, v, decodeEntry(&v.Content, k, data)
}

// AddVersion stores a corrected or supplemented entry as a new version. It fails with a
// conflict when someone else changed the entry since version base was read.
//
// then runs in the same transaction once the version is stored: what other domains keep in
// step with the entry (issuing marks the documents of earlier versions replaced).
func (db *Records) AddVersion(ctx context.Context, r *civil.Record, base int, v civil.Version, by audit.Actor, then ...func(tx *store.Tx, recordID string, version int) error) error {
	data, err := entryJSON(r)
	if err != nil {
		return err
	}
	now := db.st.Now().UTC()
	return db.st.Write(ctx, func(tx *store.Tx) error {
		return addVersionIn(tx, r, base, v, data, now, by, then...)
	})
}

// addVersionIn stores r as version base+1 inside tx (AddVersion, or another entry's
// registration that changes this one: a recognition adds the parent to the child's birth).
func addVersionIn(tx *store.Tx, r *civil.Record, base int, v civil.Version, data string, now time.Time, by audit.Actor, then ...func(tx *store.Tx, recordID string, version int) error) error {
	args := append([]any{r.ID, base}, indexValues(r)...)
	res, err := tx.Exec(`UPDATE records SET version = version + 1, full_name = $3, name_folded = $4, given_first = $5,
		sex = $6, date_of_birth = $7, personal_id = $8, mother_folded = $9, mother_personal_id = $10, father_folded = $11,
		date_of_death = $12, birth_record = $13 WHERE id = $1 AND version = $2`, args...)
	if err != nil {
		if r.Kind == civil.DeathKind && store.IsUniqueViolation(err) {
			return fault.Wrap(fault.Conflict, "death.already_registered", err) // records_one_death_*
		}
		return fmt.Errorf("registration: update record: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "record.changed")
	}
	r.Version = base + 1
	if _, err := tx.Exec(`INSERT INTO record_versions (record_id, version, change, data, reason, legal_basis, fields, officer, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.Version, string(v.Change), data, v.Reason, v.LegalBasis,
		strings.Join(v.Fields, ","), by.Username, store.Time(now)); err != nil {
		return fmt.Errorf("registration: insert version: %w", err)
	}
	if err := reindexOthers(tx, r); err != nil {
		return err
	}
	for _, fn := range then {
		if err := fn(tx, r.ID, r.Version); err != nil {
			return err
		}
	}
	return tx.Audit(by.Entry("record."+string(v.Change), "record:"+r.ID,
		fmt.Sprintf("version=%d fields=%s", r.Version, strings.Join(v.Fields, ","))))
}

// RecordSummary is a line of a search result.
type RecordSummary struct {
	ID           string         `json:"id"`
	Kind         civil.Kind     `json:"type"`
	FullName     string         `json:"full_name"`
	DateOfBirth  string         `json:"date_of_birth"`
	PersonalID   string         `json:"personal_id"`
	Office       string         `json:"office"`
	Register     civil.Register `json:"register"`
	RegisteredOn string         `json:"registered_on"`
	DateOfDeath  string         `json:"date_of_death,omitempty"`
	Late         bool           `json:"late"`
}

// MaxCount is where counting stops: "more than 1 000, refine the search" is all a list needs
// to say, and counting the tens of thousands of a common name in a province would cost every
// search milliseconds of index reading.
const MaxCount = 1000

// prefixEnd is the smallest string above every string that starts with the prefix; with
// byte-order collation, [p, prefixEnd(p)) is exactly the prefix's range in an index.
func prefixEnd(p string) string { return p + "\U0010FFFF" }

// SearchRecords finds entries for a query within office (all offices when ""). Every condition
// is served by an index. A name is a prefix of the folded full name ("nguyen thi d") or of the
// given-name-first form ("dao nguyen"); each is read in its own index's order, so that even
// "nguyen", a third of the province, returns its first page without sorting every match.
func (db *Records) SearchRecords(ctx context.Context, q civil.Query) ([]RecordSummary, int, error) {
	b := db.searchSQL(q)
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	out, err := db.searchPage(ctx, b, q.Name != "", limit, offset)
	if err != nil {
		return nil, 0, err
	}
	// A first page that is not full has counted itself.
	if offset == 0 && len(out) < limit {
		return out, len(out), nil
	}
	total, err := db.countRecords(ctx, b)
	if err != nil {
		return nil, 0, db.st.Fail(fmt.Errorf("registration: count records: %w", err))
	}
	return out, total, nil
}

// ExportRecords lists up to limit entries a search finds, in its order, in one pass: an export
// read page by page would read the rows before each page again, its name steps from the start.
func (db *Records) ExportRecords(ctx context.Context, q civil.Query, limit int) ([]RecordSummary, error) {
	return db.searchPage(ctx, db.searchSQL(q), q.Name != "", limit, 0)
}

// countRecords counts a search's matches up to MaxCount+1 ("more than MaxCount"), in one
// statement: each statement is a read transaction of its own, and after any commit (every
// search commits its audit entry) a transaction reads the pages it needs from the operating
// system again; six statements of a name's count were a third of a search's time.
func (db *Records) countRecords(ctx context.Context, b *search) (int, error) {
	var n int
	err := db.st.SearchRow(ctx, b.countSQL(), b.args...).Scan(&n)
	return min(n, MaxCount+1), err
}

// countSQL is countRecords' statement. A name is counted across both orders and the other
// names, each entry once, each part by itself: an OR of the two orders made PostgreSQL visit
// every match's row to count it (50 ms alone, hundreds under load, at a million entries),
// where the family-first part, nearly all of a count, is read from a name index alone. The
// other parts are counted only if the first has not passed MaxCount. A name alone is first
// probed for more than MaxCount by the entry MaxCount places after its first (capProbe).
func (b *search) countSQL() string {
	count := func(q string) string { return fmt.Sprintf("(SELECT COUNT(*) FROM (%s LIMIT %d) c)", q, MaxCount+1) }
	if b.name == "" {
		return "SELECT " + count(`SELECT 1 FROM records`+b.where(""))
	}
	parts := b.countParts()
	first := count(parts[0])
	if len(b.conds) == 0 {
		first = fmt.Sprintf("CASE WHEN (%s) < %s THEN %d ELSE %s END", strings.Replace(capProbe, "$1", b.lo, 1), b.hi, MaxCount+1, first)
	}
	var out strings.Builder
	out.WriteString("SELECT n1")
	for _, p := range parts[1:] {
		fmt.Fprintf(&out, " + CASE WHEN n1 > %d THEN 0 ELSE %s END", MaxCount, count(p))
	}
	// LIMIT 1 keeps PostgreSQL from pulling the first part up into each CASE, where it ran
	// once more for every mention of n1 (four times, each with its own plan).
	fmt.Fprintf(&out, " FROM (SELECT %s AS n1 LIMIT 1) t", first)
	return out.String()
}

// countParts are the queries of a name's count: the family-first name, the given name first
// (leaving out what the first found), then the other names (leaving out both).
func (b *search) countParts() []string {
	first := `SELECT 1 FROM records` + b.where(b.nameFull())
	if len(b.period) > 0 && len(strings.Fields(b.name)) >= 3 {
		first = b.fullInPeriod()
	}
	return append([]string{first, `SELECT 1 FROM records` + b.where(b.nameGiven()+" AND NOT "+b.nameFull())}, b.othersSQL()...)
}

// fullInPeriod finds the entries whose family-first name the search's name begins and that
// were registered within its period. Walking the name's range and testing the day of each
// entry read every "nguyen van an" of a commune holding ten million entries to count one
// year's (350 ms a search). Instead each distinct name of the range is found by a seek
// (a loose index scan), and within it the period by another, in records_name (name, day of
// registration, kind, office), which also holds what the other conditions test. Only for a
// whole name (three words or more): its range holds a handful of distinct names, many entries
// each. A shorter one ("tran van") holds hundreds of names, a seek each, and is walked
// (a thousand names of one entry each took 370 ms on PostgreSQL, one seek each).
func (b *search) fullInPeriod() string {
	next := func(from string) string {
		return fmt.Sprintf("SELECT name_folded FROM records WHERE name_folded %s AND name_folded < %s ORDER BY name_folded LIMIT 1", from, b.hi)
	}
	conds := append(append([]string{"records.name_folded = names.n"}, b.period...), b.notPeriod...)
	// CROSS JOIN: SQLite keeps the names outside; a join let it walk the period's entries of
	// the whole province in records_registered instead.
	return fmt.Sprintf("WITH RECURSIVE names(n) AS (SELECT (%s) UNION ALL SELECT (%s) FROM names WHERE names.n IS NOT NULL) SELECT 1 FROM names CROSS JOIN records WHERE %s",
		next(">= "+b.lo), next("> names.n"), strings.Join(conds, " AND "))
}

// othersSQL are the queries of the entries that another name finds (a marriage's wife) and
// their own does not. A search filtered by office, kind and period at most is counted in
// record_names' indexes alone, which carry those and the entry's own names; with other
// conditions (a date of birth, a parent), each entry is read.
func (b *search) othersSQL() []string {
	if !b.namesHold {
		return []string{`SELECT 1 FROM records` + b.wherePlain(b.nameOther()+" AND NOT "+b.nameAny())}
	}
	own := fmt.Sprintf(" AND NOT ((own_folded >= %s AND own_folded < %s) OR (own_given >= %s AND own_given < %s))", b.lo, b.hi, b.lo, b.hi)
	byFolded := fmt.Sprintf("folded >= %s AND folded < %s", b.lo, b.hi)
	office := b.namesOffice()
	return []string{
		`SELECT DISTINCT record_id FROM record_names` + b.wherePlain(office+byFolded+own),
		`SELECT DISTINCT record_id FROM record_names` + b.wherePlain(office+fmt.Sprintf("given_folded >= %s AND given_folded < %s AND NOT (%s)", b.lo, b.hi, byFolded)+own),
	}
}

// namesOffice is the office condition that leads record_names' office-led indexes (migration
// 0041), ending in " AND ", or "" for a search of the whole province. In a province of 96
// communes an officer's step otherwise walked the province's matches of the name and kept the
// office's.
func (b *search) namesOffice() string {
	if b.office == "" {
		return ""
	}
	return "office = " + b.office + " AND "
}

// capProbe tells whether a name alone matches more than MaxCount entries in the family-first
// index, as most names do: the entry MaxCount places after its first one is still within the
// name's range. Skipping entries costs SQLite less than counting them, and the walk has no
// upper bound, which SQLite would test at every step for three times its cost. With any other
// condition such a walk could run far past the name, through entries the condition leaves out:
// the count itself stops at MaxCount+1 instead.
var capProbe = fmt.Sprintf(`SELECT name_folded FROM records WHERE name_folded >= $1 ORDER BY name_folded LIMIT 1 OFFSET %d`, MaxCount)

// searchPage reads one page of a search.
func (db *Records) searchPage(ctx context.Context, b *search, byName bool, limit, offset int) ([]RecordSummary, error) {
	if !byName {
		return db.summaries(ctx, b.where("")+b.listOrder()+fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset), b.args)
	}
	var out []RecordSummary
	for _, st := range b.nameSteps() {
		if len(out) >= offset+limit {
			break
		}
		more, err := db.summaries(ctx, st.tail(b, offset+limit-len(out)), b.args)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	if offset >= len(out) {
		return []RecordSummary{}, nil
	}
	return out[offset:min(len(out), offset+limit)], nil
}

const searchColumns = `SELECT id, kind, full_name, date_of_birth, personal_id, office, reg_year, reg_book, reg_number,
		registered_on, date_of_death, late FROM records`

func (db *Records) summaries(ctx context.Context, tail string, args []any) ([]RecordSummary, error) {
	rows, err := db.st.SearchQuery(ctx, searchColumns+tail, args...)
	if err != nil {
		return nil, db.st.Fail(fmt.Errorf("registration: search records: %w", err))
	}
	defer rows.Close()
	out := []RecordSummary{}
	for rows.Next() {
		var x RecordSummary
		var kind string
		if err := rows.Scan(&x.ID, &kind, &x.FullName, &x.DateOfBirth, &x.PersonalID, &x.Office, &x.Register.Year, &x.Register.Book,
			&x.Register.Number, &x.RegisteredOn, &x.DateOfDeath, &x.Late); err != nil {
			return nil, db.st.Fail(err)
		}
		x.Kind = civil.Kind(kind)
		out = append(out, x)
	}
	return out, db.st.Fail(rows.Err())
}

// nameStep is one query of a name search: its condition and the index order it is read in.
type nameStep struct {
	cond, order string
	// byOther: record_names drives the query (its few matches are then sorted), never a walk
	// of the office's entries testing each against it.
	byOther bool
}

// nameSteps are the queries of a name search in the order their matches are listed: family
// name first, given name first, then another name of the entry (a marriage's wife); each
// leaves out what an earlier one found.
func (b *search) nameSteps() []nameStep {
	return []nameStep{
		{b.nameFull(), "name_folded", false},
		{b.nameGiven() + " AND NOT " + b.nameFull(), "given_first", false},
		{b.nameOther() + " AND NOT " + b.nameAny(), "name_folded", true},
	}
}

func (st nameStep) tail(b *search, limit int) string {
	where := b.where(st.cond)
	if st.byOther {
		where = b.wherePlain(st.cond)
	}
	return where + fmt.Sprintf(` ORDER BY %s, date_of_birth, id LIMIT %d`, st.order, limit)
}

// search is a search's conditions and their arguments.
type search struct {
	conds []string
	plain []string // the same conditions, in a form no index serves
	// parentOrder is the parent's column a search by a parent's name is listed in (index order).
	parentOrder string
	oldest      bool // a listing's order: first registered first
	args        []any
	lo, hi      string // placeholders of the name prefix range
	name        string // the name as given
	// namesHold: every condition is on a column record_names holds too (office, kind, day of
	// registration), so its rows can be filtered alone.
	namesHold bool
	// office is the placeholder of the office searched within, if any: record_names' office-led
	// indexes take it as it is (nameOther, othersSQL).
	office string
	// period is the conditions on the day of registration, in the form its index serves;
	// notPeriod the others, in the form none does (fullInPeriod).
	period, notPeriod []string
}

func (b *search) arg(v any) string {
	b.args = append(b.args, v)
	return fmt.Sprintf("$%d", len(b.args))
}

func (b *search) nameFull() string {
	return fmt.Sprintf("(name_folded >= %s AND name_folded < %s)", b.lo, b.hi)
}

func (b *search) nameGiven() string {
	return fmt.Sprintf("(given_first >= %s AND given_first < %s)", b.lo, b.hi)
}

// nameOther matches entries by the other names kept in record_names. The search's conditions
// are tested there too when it holds their columns: a wife's name searched within a year would
// otherwise read every entry the name finds, of all years, to keep the year's.
func (b *search) nameOther() string {
	scope := ""
	if b.namesHold && len(b.plain) > 0 {
		scope = " AND " + strings.Join(b.plain, " AND ")
	}
	if office := b.namesOffice(); b.namesHold && office != "" {
		// Within an office, one query per index: written as an OR, SQLite takes the office out
		// of both branches and walks the office's other names testing each.
		return fmt.Sprintf("id IN (SELECT record_id FROM record_names WHERE %sfolded >= %s AND folded < %s%s UNION ALL SELECT record_id FROM record_names WHERE %sgiven_folded >= %s AND given_folded < %s%s)",
			office, b.lo, b.hi, scope, office, b.lo, b.hi, scope)
	}
	return fmt.Sprintf("id IN (SELECT record_id FROM record_names WHERE ((folded >= %s AND folded < %s) OR (given_folded >= %s AND given_folded < %s))%s)",
		b.lo, b.hi, b.lo, b.hi, scope)
}

func (b *search) nameAny() string {
	if b.lo == "" {
		return ""
	}
	return "(" + b.nameFull() + " OR " + b.nameGiven() + ")"
}

// where joins the conditions with extra (a name condition, or "").
func (b *search) where(extra string) string {
	all := append([]string(nil), b.conds...)
	if extra != "" {
		all = append(all, extra)
	}
	if len(all) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(all, " AND ")
}

// listOrder is the order of a search without a name: newest first, or by a parent's name in
// its index's order ("nguyen" as a mother's name is a third of the province: no sort).
func (b *search) listOrder() string {
	if b.parentOrder != "" {
		return ` ORDER BY ` + b.parentOrder + `, date_of_birth, id`
	}
	if b.oldest {
		return ` ORDER BY registered_on, id`
	}
	return ` ORDER BY registered_on DESC, id DESC`
}

// wherePlain is where with the conditions in their unindexed form.
func (b *search) wherePlain(extra string) string {
	return (&search{conds: b.plain}).where(extra)
}

// searchSQL is the search's conditions for this store's engine: on PostgreSQL the office stays
// indexable (searchSQL).
func (db *Records) searchSQL(q civil.Query) *search {
	return searchSQL(q, db.st.Dialect() == "postgres")
}

// searchSQL turns a query into conditions; the name's range is kept apart for SearchRecords.
//
// Each condition is also kept in a form that no index serves (b.plain): where a narrow index
// must drive a query, the office, kind and period are written that way, so that SQLite cannot
// choose to walk a whole office in date or name order instead and test every entry (in a ward
// of 100,000 entries, a second per search). That holds without planner statistics, whatever
// the spread of entries over offices.
//
// With indexedOffice (PostgreSQL) the office stays indexable: that planner estimates
// "office = $1" from the offices' count, but an expression from a default of one row in two
// hundred, and planned once for all values (the search pool), an officer's page of a common
// mother's children was gathered and sorted whole (9,401 children, 142 ms a search at a
// million in one commune) instead of read in the mother's index order, which holds the office.
func searchSQL(q civil.Query, indexedOffice bool) *search {
	b := &search{oldest: q.Oldest}
	// A personal ID, a date of birth or a register number finds a handful of entries through
	// its own index.
	byKey := q.PersonalID != "" || q.DOB != "" || q.Number != 0
	parent := q.Mother != "" || q.Father != ""
	narrow := byKey || parent
	// A parent's name without those (or a name) is read within an office from
	// records_office_mother or records_office_father, which lead with the office: there the
	// office stays indexable. With a name too, the office would let records_office_list walk
	// the office's entries of the name and read each for the parent's.
	byParent := parent && !byKey && q.Name == ""
	// A name's indexes lead with the name, or with the office then the name: the kind and the
	// period are then tested on the name's matches. Left indexable, a count of the given-name-first
	// part walked a year of a large commune in records_office_date instead (225 ms at a million
	// entries in one commune).
	byName := q.Name != ""
	add := func(col, op string, v any, scope bool) {
		ph := b.arg(v)
		if col == "office" {
			b.office = ph
		}
		plain := col + " || ''"
		if _, isInt := v.(int); isInt {
			plain = col + " + 0"
		}
		cond := col + " " + op + " " + ph
		if col == "office" && scope && narrow && !indexedOffice && !byParent || col != "office" && scope && (narrow || byName) {
			cond = plain + " " + op + " " + ph
		}
		b.conds = append(b.conds, cond)
		b.plain = append(b.plain, plain+" "+op+" "+ph)
		if col == "registered_on" {
			b.period = append(b.period, col+" "+op+" "+ph)
		} else {
			b.notPeriod = append(b.notPeriod, plain+" "+op+" "+ph)
		}
	}
	if q.Office != "" {
		add("office", "=", q.Office, true)
	}
	if q.Kind != "" {
		add("kind", "=", string(q.Kind), true)
	}
	if q.PersonalID != "" {
		add("personal_id", "=", q.PersonalID, false)
	}
	if q.DOB != "" {
		add("date_of_birth", "=", q.DOB, false)
	}
	if q.Number != 0 {
		add("reg_number", "=", q.Number, false)
	}
	if q.Year != 0 {
		add("reg_year", "=", q.Year, false)
	}
	if q.Book != "" {
		add("reg_book", "=", q.Book, true)
	}
	if q.From != "" {
		add("registered_on", ">=", q.From, true)
	}
	if q.To != "" {
		add("registered_on", "<=", q.To, true)
	}
	// A parent's name is a prefix of the folded name, through records_mother or records_father.
	for _, parent := range []struct{ col, name string }{{"mother_folded", q.Mother}, {"father_folded", q.Father}} {
		if parent.name != "" {
			lo, hi := b.arg(parent.name), b.arg(prefixEnd(parent.name))
			cond := fmt.Sprintf("(%s >= %s AND %s < %s)", parent.col, lo, parent.col, hi)
			b.conds, b.plain, b.notPeriod = append(b.conds, cond), append(b.plain, cond), append(b.notPeriod, cond)
			if b.parentOrder == "" {
				b.parentOrder = parent.col
			}
		}
	}
	if q.Name != "" {
		b.lo, b.hi = b.arg(q.Name), b.arg(prefixEnd(q.Name))
	}
	b.name = q.Name
	b.namesHold = !narrow && q.Book == "" && q.Year == 0
	return b
}

// DuplicateCandidates returns the registered entries that could be the same as the new one:
// for a birth, children born within the window to the same mother or father or with the same
// name; for a death, deaths of the same personal ID, birth record or name. Each lookup is an
// index range; the rules in package civil then score them.
func (db *Records) DuplicateCandidates(ctx context.Context, f civil.Facts, p civil.Params) ([]civil.Record, error) {
	var conds []string
	var args store.Args
	arg := args.Add
	var likely likelyIDs
	if f.Kind == civil.BirthKind {
		if f.DOB.IsZero() {
			return nil, nil
		}
		lo := f.DOB.AddDate(0, 0, -p.DOBWindowDays).Format(civil.DateFormat)
		hi := f.DOB.AddDate(0, 0, p.DOBWindowDays).Format(civil.DateFormat)
		keys, err := db.childrenOfParents(ctx, f, p, lo, hi)
		if err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			conds = append(conds, db.st.EntryKey()+" IN "+inList(arg, keys))
		}
		if f.MotherID != "" {
			conds = append(conds, "mother_personal_id = "+arg(f.MotherID))
		}
		// Births of the same name within the window are the most numerous candidates (sixteen
		// at ten million entries), and the name list's index holds what the rules look at: they
		// are judged without reading an entry.
		if name := strings.TrimSpace(f.Family + " " + f.Given); name != "" {
			if err := db.likelyCandidates(ctx, f, p, &likely, sameNameBirths, name, lo, hi); err != nil {
				return nil, err
			}
		}
	} else {
		if f.PersonalID != "" {
			conds = append(conds, "personal_id = "+arg(f.PersonalID))
		}
		if f.Link != "" {
			conds = append(conds, "birth_record = "+arg(f.Link))
		}
		if name := strings.TrimSpace(f.Family + " " + f.Given); name != "" && !f.DOB.IsZero() {
			conds = append(conds, "(name_folded = "+arg(name)+" AND date_of_birth = "+arg(f.DOB.Format(civil.DateFormat))+")")
		}
	}
	if len(conds) > 0 {
		kind := arg(string(f.Kind))
		if err := db.likelyCandidates(ctx, f, p, &likely, `SELECT id, full_name, sex, date_of_birth, personal_id, mother_folded,
			mother_personal_id, father_folded, birth_record FROM records WHERE (`+strings.Join(conds, " OR ")+`) AND kind = `+kind+
			` LIMIT 500`, args...); err != nil {
			return nil, err
		}
	}
	if len(likely.ids) == 0 {
		return nil, nil
	}
	// All in one query: SQLite empties a reader's page cache at the start of every read
	// transaction once anything was written since, so reading them one by one read the same
	// pages of the indexes and of the table over and over.
	var ids store.Args
	rows, err := db.st.Query(ctx, `SELECT `+recordCols+` FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
		WHERE r.id IN `+inList(ids.Add, likely.ids)+` ORDER BY r.id`, ids...)
	if err != nil {
		return nil, db.st.Fail(fmt.Errorf("registration: duplicate candidates: %w", err))
	}
	defer rows.Close()
	out := make([]civil.Record, 0, len(likely.ids))
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, db.st.Fail(err)
		}
		out = append(out, r)
	}
	return out, db.st.Fail(rows.Err())
}

// sameNameBirths reads the births of a name within a window of dates of birth, with what the
// duplicate rules look at, from the name list's index alone.
const sameNameBirths = `SELECT id, full_name, sex, date_of_birth, personal_id, mother_folded, mother_personal_id,
	father_folded, '' FROM records WHERE name_folded = $1 AND date_of_birth BETWEEN $2 AND $3 AND kind = 'birth' LIMIT 500`

// likelyIDs are the ids of the likely duplicates found so far, each once, at most 50.
type likelyIDs struct {
	ids  []any
	seen map[string]bool
}

// likelyCandidates scores, in Go, the candidates that q reads (the searchable columns only:
// entries sharing a common name or a mother are many, likely duplicates few, and only those are
// read whole) and adds the likely ones to likely.
func (db *Records) likelyCandidates(ctx context.Context, f civil.Facts, p civil.Params, likely *likelyIDs, q string, args ...any) error {
	rows, err := db.st.Query(ctx, q, args...)
	if err != nil {
		return db.st.Fail(fmt.Errorf("registration: duplicate candidates: %w", err))
	}
	defer rows.Close()
	for len(likely.ids) < 50 && rows.Next() {
		var id, name, sex, dob, pid, mother, motherID, father, link string
		if err := rows.Scan(&id, &name, &sex, &dob, &pid, &mother, &motherID, &father, &link); err != nil {
			return db.st.Fail(err)
		}
		if !likely.seen[id] && civil.Likely(f, civil.FactsOfIndex(f.Kind, name, sex, dob, pid, mother, motherID, father, link), p) {
			if likely.seen == nil {
				likely.seen = map[string]bool{}
			}
			likely.seen[id] = true
			likely.ids = append(likely.ids, id)
		}
	}
	return db.st.Fail(rows.Err())
}

// childrenOfParents returns the keys (dialect.entryKey) of the births within [lo, hi] to a
// mother or a father named as in f whose child's name leaves a duplicate possible. The indexes
// on the parents hold the child's name: on SQLite this reads no entry at all.
func (db *Records) childrenOfParents(ctx context.Context, f civil.Facts, p civil.Params, lo, hi string) ([]any, error) {
	q, args := db.parentsSQL(f, lo, hi)
	if q == "" {
		return nil, nil
	}
	rows, err := db.st.Query(ctx, q, args...)
	if err != nil {
		return nil, db.st.Fail(fmt.Errorf("registration: duplicate candidates by parent: %w", err))
	}
	defer rows.Close()
	var keys []any
	seen := map[any]bool{}
	for rows.Next() {
		var key any
		var name string
		if err := rows.Scan(&key, &name); err != nil {
			return nil, db.st.Fail(err)
		}
		if !seen[key] && civil.NameMayMatch(f, name, p) {
			seen[key] = true
			if keys = append(keys, key); len(keys) == 256 {
				break
			}
		}
	}
	return keys, db.st.Fail(rows.Err())
}

// parentsSQL is childrenOfParents' query: both parents' index ranges, each read on its own.
func (db *Records) parentsSQL(f civil.Facts, lo, hi string) (string, []any) {
	var parts []string
	var args store.Args
	for _, by := range [][2]string{{"mother_folded", f.Mother}, {"father_folded", f.Father}} {
		if by[1] != "" {
			parts = append(parts, fmt.Sprintf("SELECT %s, name_folded FROM records WHERE %s = %s AND date_of_birth BETWEEN %s AND %s",
				db.st.EntryKey(), by[0], args.Add(by[1]), args.Add(lo), args.Add(hi)))
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	return strings.Join(parts, " UNION ALL ") + " LIMIT 5000", args
}

// inList is "(…)" of vals as arguments made by arg, padded with NULLs (equal to nothing) to a
// power of two: a handful of statement shapes to prepare, not one per length.
func inList(arg func(any) string, vals []any) string {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	ps := make([]string, n)
	for i := range ps {
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		ps[i] = arg(v)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

// CountRecords counts every entry (a full index scan: for tools, not for pages).
func (db *Records) CountRecords(ctx context.Context) (int, error) {
	var n int
	if err := db.st.QueryRow(ctx, `SELECT COUNT(*) FROM records`).Scan(&n); err != nil {
		return 0, db.st.Fail(fmt.Errorf("registration: count: %w", err))
	}
	return n, nil
}

// DeathOf returns the death entry of the person with that personal ID or birth record, if any.
func (db *Records) DeathOf(ctx context.Context, personalID, birthRecord string) (civil.Record, error) {
	if personalID == "" && birthRecord == "" {
		return civil.Record{}, fault.New(fault.NotFound, "record.not_found")
	}
	r, err := scanRecord(db.st.QueryRow(ctx, `SELECT `+recordCols+` FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
		WHERE r.kind = 'death' AND ((r.personal_id = $1 AND $1 <> '') OR (r.birth_record = $2 AND $2 <> '')) LIMIT 1`, personalID, birthRecord))
	if err != nil {
		return r, db.st.Fail(store.NotFound(fmt.Errorf("registration: death of %s/%s: %w", personalID, birthRecord, err), "record.not_found"))
	}
	return r, nil
}

// BirthByPersonalID finds the birth entry of a person by personal ID.
func (db *Records) BirthByPersonalID(ctx context.Context, personalID string) (civil.Record, error) {
	r, err := scanRecord(db.st.QueryRow(ctx, `SELECT `+recordCols+` FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
		WHERE r.kind = 'birth' AND r.personal_id = $1 LIMIT 1`, personalID))
	if err != nil {
		return r, db.st.Fail(store.NotFound(fmt.Errorf("registration: birth of %s: %w", personalID, err), "record.not_found"))
	}
	return r, nil
}

// ExplainCounts returns the SQLite query plans of a name search's counts once the cap is not
// reached, each part leaving out what the earlier found: the given-name-first part, then the
// other names'.
func (db *Records) ExplainCounts(ctx context.Context, q civil.Query) (string, error) {
	b := db.searchSQL(q)
	var out strings.Builder
	for _, c := range b.countParts()[1:] {
		plan, err := db.st.QueryPlan(ctx, c, b.args...)
		if err != nil {
			return "", err
		}
		out.WriteString(plan)
	}
	return out.String(), nil
}

// ExplainSearch returns the SQLite query plans of the queries a search runs, its page then the
// first of its count: the probe of the cap for a name alone, else the family-first part or the
// whole (tests check that they use indexes).
func (db *Records) ExplainSearch(ctx context.Context, q civil.Query) (string, error) {
	b := db.searchSQL(q)
	tails := []string{b.where("") + b.listOrder() + ` LIMIT 50`}
	if q.Name != "" {
		tails = nil
		for _, st := range b.nameSteps() {
			tails = append(tails, st.tail(b, 50))
		}
	}
	var out strings.Builder
	for _, tail := range tails {
		plan, err := db.st.QueryPlan(ctx, searchColumns+tail, b.args...)
		if err != nil {
			return "", err
		}
		out.WriteString(plan)
	}
	probe, args := capProbe, []any{b.name}
	if b.name == "" {
		probe, args = `SELECT 1 FROM records`+b.where(""), b.args
	} else if len(b.conds) > 0 {
		probe, args = b.countParts()[0], b.args
	}
	plan, err := db.st.QueryPlan(ctx, probe, args...)
	out.WriteString(plan)
	return out.String(), err
}

// KindCount is how many entries of a kind an office registered in a period.
type KindCount struct {
	Office string
	Kind   civil.Kind
	Month  string // "2026-01"
	N      int
	Late   int // registered past the law's time limit (a birth after 60 days, a death after 15)
}

// CountsByOffice counts the entries registered from..to (days, inclusive) per office, kind and
// month, in office ("" for all): a sum of the days' counts (record_counts), kept on every
// write, read once for the dashboard's tables and its months alike.
func (db *Records) CountsByOffice(ctx context.Context, from, to, office string) ([]KindCount, error) {
	return store.Collect(ctx, db.st, func(row store.Scanner) (KindCount, error) {
		var c KindCount
		var kind string
		err := row.Scan(&c.Office, &kind, &c.Month, &c.N, &c.Late)
		c.Kind = civil.Kind(kind)
		return c, err
	}, "registration: counts", `SELECT office, kind, month, SUM(n), SUM(late) FROM (
			SELECT office, kind, substr(day, 1, 7) AS month, n, late FROM record_counts WHERE day >= $1 AND day <= $2
			UNION ALL SELECT office, kind, substr(day, 1, 7), n, late FROM record_counts WHERE day >= $3 AND day <= $4
			UNION ALL SELECT office, kind, month, n, late FROM record_counts_month WHERE month >= $5 AND month <= $6
		) AS c WHERE $7 = '' OR office = $7 GROUP BY office, kind, month`, spanArgs(from, to, office)...)
}

// spanArgs splits from..to (days) into the days of a partial first month, the days of a
// partial last month and the whole months between, as CountsByOffice reads them; a part that
// is empty is a range that holds nothing ("9" > "0").
func spanArgs(from, to, office string) []any {
	const none1, none2 = "9", "0"
	f, okF := civil.ParseDate(from)
	t, okT := civil.ParseDate(to)
	if !okF || !okT || f.After(t) {
		return []any{none1, none2, none1, none2, none1, none2, office}
	}
	firstWhole := f
	if f.Day() != 1 {
		firstWhole = time.Date(f.Year(), f.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	lastWhole := t
	if next := t.AddDate(0, 0, 1); next.Day() != 1 {
		lastWhole = time.Date(t.Year(), t.Month(), 0, 0, 0, 0, 0, time.UTC) // the month before's last day
	}
	day := func(d time.Time) string { return d.Format(civil.DateFormat) }
	if firstWhole.After(lastWhole) { // no whole month: the days alone
		return []any{from, to, none1, none2, none1, none2, office}
	}
	headTo, tailFrom := day(firstWhole.AddDate(0, 0, -1)), day(lastWhole.AddDate(0, 0, 1))
	return []any{from, headTo, tailFrom, to, day(firstWhole)[:7], day(lastWhole)[:7], office}
}
