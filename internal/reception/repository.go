package reception

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tuphap/internal/audit"
	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
	"tuphap/internal/fault"
	"tuphap/internal/store"
	"tuphap/internal/vntext"
)

// repo is the SQL of dossiers, their events and the official calendars.
type repo struct{ st *store.Store }

// OpenIn stores a new dossier inside a write of another domain (a registration opens and settles
// the dossier of the entry it makes, in its own transaction).
func OpenIn(tx *store.Tx, d *dossier.Dossier, by audit.Actor) error {
	return insertDossier(tx, d, by, "")
}

// MoveIn stores a dossier's change of status inside a write of another domain, if nobody changed
// it since it was read (from is the status it had then).
func MoveIn(tx *store.Tx, d *dossier.Dossier, from dossier.Status, by audit.Actor) error {
	return updateDossier(tx, d, from, "", by)
}

// ExtendIn moves an open dossier's due time inside a write of another domain (a certificate
// request that must wait for a court's answer), with the reason its history keeps.
func ExtendIn(tx *store.Tx, d *dossier.Dossier, due time.Time, days int, reason string, by audit.Actor) error {
	d.DueAt, d.Extended = due, d.Extended+days
	return updateDossier(tx, d, d.Status, reason, by)
}

// officialSchedules returns every year's official calendar entered by administrators.
func (r repo) officialSchedules(ctx context.Context) ([]calendar.Schedule, error) {
	rows, err := r.st.Query(ctx, `SELECT y.year, d.day, d.kind, d.name FROM calendar_years y
		LEFT JOIN calendar_days d ON d.year = y.year ORDER BY y.year, d.day`)
	if err != nil {
		return nil, r.st.Fail(fmt.Errorf("reception: calendars: %w", err))
	}
	defer rows.Close()
	var out []calendar.Schedule
	for rows.Next() {
		var year int
		var day, kind, name sql.NullString
		if err := rows.Scan(&year, &day, &kind, &name); err != nil {
			return nil, r.st.Fail(err)
		}
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, calendar.Schedule{Year: year, Official: true})
		}
		if day.Valid {
			t, err := time.Parse("2006-01-02", day.String)
			if err != nil {
				return nil, err
			}
			sc := &out[len(out)-1]
			sc.Days = append(sc.Days, calendar.Day{Date: t, Kind: calendar.DayKind(kind.String), Name: name.String})
		}
	}
	return out, r.st.Fail(rows.Err())
}

// setOfficialSchedule replaces a year's official calendar (or removes it, back to the default,
// when days is nil and remove is true).
func (r repo) setOfficialSchedule(ctx context.Context, sc calendar.Schedule, note string, remove bool, by audit.Actor) error {
	return r.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`DELETE FROM calendar_days WHERE year = $1`, sc.Year); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM calendar_years WHERE year = $1`, sc.Year); err != nil {
			return err
		}
		action := "calendar.remove"
		if !remove {
			action = "calendar.set"
			if _, err := tx.Exec(`INSERT INTO calendar_years (year, note, updated_by, updated_at) VALUES ($1, $2, $3, $4)`,
				sc.Year, note, by.Username, store.Time(tx.Now())); err != nil {
				return fmt.Errorf("reception: calendar year: %w", err)
			}
			for _, d := range sc.Days {
				if _, err := tx.Exec(`INSERT INTO calendar_days (day, year, kind, name) VALUES ($1, $2, $3, $4)`,
					d.DateString(), sc.Year, string(d.Kind), d.Name); err != nil {
					if store.IsUniqueViolation(err) {
						return fault.New(fault.Invalid, "calendar.duplicate_day", d.DateString())
					}
					return fmt.Errorf("reception: calendar day: %w", err)
				}
			}
		}
		return tx.Audit(by.Entry(action, fmt.Sprintf("calendar:%d", sc.Year), fmt.Sprintf("days=%d %s", len(sc.Days), note)))
	})
}

const dossierCols = `id, code, procedure_code, office, applicant, phone, channel, status, received_at, due_at, paused_at, settled_at,
	closed_at, extended_days, record_id, note, version`

func scanDossier(row store.Scanner) (dossier.Dossier, error) {
	var d dossier.Dossier
	var channel, status string
	err := row.Scan(&d.ID, &d.Code, &d.Procedure, &d.Office, &d.Applicant, &d.Phone, &channel, &status, store.ScanTime(&d.ReceivedAt),
		store.ScanTime(&d.DueAt), store.ScanTime(&d.PausedAt), store.ScanTime(&d.SettledAt), store.ScanTime(&d.ClosedAt), &d.Extended, &d.RecordID, &d.Note, &d.Version)
	d.Channel, d.Status = dossier.Channel(channel), dossier.Status(status)
	return d, err
}

// insertDossier stores a new dossier and its first event inside tx, choosing a fresh code on
// the rare clash; reason says why its received time lies further back than the window
// (Service.BackdateWindow), "" when it does not.
func insertDossier(tx *store.Tx, d *dossier.Dossier, by audit.Actor, reason string) error {
	d.ID, d.Version = store.NewID(), 1
	for attempt := 0; ; attempt++ {
		if d.Code == "" || attempt > 0 {
			d.Code = dossier.NewCode()
		}
		// A code already given is skipped, not an error, so that the transaction goes on and
		// the next attempt draws another (no savepoint needed).
		applicant, phone := searchColumns(*d)
		res, err := tx.Exec(`INSERT INTO dossiers (`+dossierCols+`, applicant_folded, phone_digits)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT (code) DO NOTHING`,
			d.ID, d.Code, d.Procedure, d.Office, d.Applicant, d.Phone, string(d.Channel), string(d.Status), store.Time(d.ReceivedAt), store.Time(d.DueAt),
			store.Time(d.PausedAt), store.Time(d.SettledAt), store.Time(d.ClosedAt), d.Extended, d.RecordID, d.Note, d.Version, applicant, phone)
		if err != nil {
			return fmt.Errorf("reception: insert dossier: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("reception: insert dossier: %w", err)
		}
		if n == 1 {
			break
		}
		if attempt >= 5 {
			return fmt.Errorf("reception: insert dossier: no free receipt code after %d attempts", attempt+1)
		}
	}
	if err := insertEvent(tx, d, dossier.Received, d.Status, d.ReceivedAt, by.Username, reason); err != nil {
		return err
	}
	detail := fmt.Sprintf("procedure=%s office=%s due=%s", d.Procedure, d.Office, d.DueAt.UTC().Format(time.RFC3339))
	if reason != "" {
		detail += fmt.Sprintf(" received=%s backdated: %s", d.ReceivedAt.UTC().Format(time.RFC3339), reason)
	}
	return tx.Audit(by.Entry("dossier.open", "dossier:"+d.Code, detail))
}

func insertEvent(tx *store.Tx, d *dossier.Dossier, from, to dossier.Status, at time.Time, by, reason string) error {
	_, err := tx.Exec(`INSERT INTO dossier_events (dossier_id, seq, from_status, to_status, at, by_user, reason, due_at)
		VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dossier_events WHERE dossier_id = $1), $2, $3, $4, $5, $6, $7)`,
		d.ID, string(from), string(to), store.Time(at), by, reason, store.Time(d.DueAt))
	if err != nil {
		return fmt.Errorf("reception: dossier event: %w", err)
	}
	return nil
}

// open stores a new dossier.
func (r repo) open(ctx context.Context, d *dossier.Dossier, by audit.Actor, reason string) error {
	var out dossier.Dossier
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		out = *d // afresh each run (store.Write)
		return insertDossier(tx, &out, by, reason)
	})
	if err == nil {
		*d = out
	}
	return err
}

// dossier finds a dossier by id or by receipt code.
func (r repo) dossier(ctx context.Context, idOrCode string) (dossier.Dossier, error) {
	d, err := scanDossier(r.st.QueryRow(ctx, `SELECT `+dossierCols+` FROM dossiers WHERE id = $1 OR code = $1`, idOrCode))
	if err != nil {
		return d, r.st.Fail(store.NotFound(fmt.Errorf("reception: dossier %s: %w", idOrCode, err), "dossier.not_found"))
	}
	return d, nil
}

// events lists a dossier's history.
func (r repo) events(ctx context.Context, id string) ([]dossier.Event, error) {
	return store.Collect(ctx, r.st, func(row store.Scanner) (dossier.Event, error) {
		var e dossier.Event
		var from, to string
		err := row.Scan(&e.Seq, &from, &to, store.ScanTime(&e.At), &e.By, &e.Reason, store.ScanTime(&e.DueAt))
		e.From, e.To = dossier.Status(from), dossier.Status(to)
		return e, err
	}, "dossier events", `SELECT seq, from_status, to_status, at, by_user, reason, due_at FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`, id)
}

// update stores a changed dossier with an event, if nobody changed it since it was read.
func (r repo) update(ctx context.Context, d *dossier.Dossier, from dossier.Status, reason string, by audit.Actor) error {
	var out dossier.Dossier
	err := r.st.Write(ctx, func(tx *store.Tx) error {
		out = *d // afresh each run (store.Write)
		return updateDossier(tx, &out, from, reason, by)
	})
	if err == nil {
		*d = out
	}
	return err
}

func updateDossier(tx *store.Tx, d *dossier.Dossier, from dossier.Status, reason string, by audit.Actor) error {
	res, err := tx.Exec(`UPDATE dossiers SET status = $3, due_at = $4, paused_at = $5, settled_at = $6, closed_at = $7,
		extended_days = $8, record_id = $9, note = $10, version = version + 1 WHERE id = $1 AND version = $2`,
		d.ID, d.Version, string(d.Status), store.Time(d.DueAt), store.Time(d.PausedAt), store.Time(d.SettledAt), store.Time(d.ClosedAt), d.Extended, d.RecordID, d.Note)
	if err != nil {
		return fmt.Errorf("reception: update dossier: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "dossier.changed")
	}
	d.Version++
	if err := insertEvent(tx, d, from, d.Status, tx.Now(), by.Username, reason); err != nil {
		return err
	}
	detail := fmt.Sprintf("%s→%s due=%s", from, d.Status, d.DueAt.UTC().Format(time.RFC3339))
	if reason != "" {
		detail += " reason=" + reason
	}
	return tx.Audit(by.Entry("dossier.status", "dossier:"+d.Code, detail))
}

// dossierFilter narrows a list of dossiers; the zero value of a field selects all.
type dossierFilter struct {
	Office                       string
	Statuses                     []dossier.Status
	DueBefore                    time.Time // due strictly before
	DueFrom                      time.Time // due at or after
	ReceivedFrom, ReceivedBefore time.Time
	Procedure                    string
	Code                         string // a receipt code
	Applicant                    string // the start of the applicant's folded name
	Phone                        string // the phone number's digits
	Order                        Order
	Offset, Limit                int
	Hidden                       []string // procedure prefixes left out (dossier.Guarded the caller may not see)
}

// list lists the dossiers f selects in its order.
func (r repo) list(ctx context.Context, f dossierFilter) ([]dossier.Dossier, error) {
	var w store.Where
	w.Eq("office", f.Office)
	for _, prefix := range f.Hidden {
		w.Cond(fmt.Sprintf("substr(procedure_code, 1, %d) <> ", len(prefix)) + w.Args.Add(prefix))
	}
	if len(f.Statuses) > 0 {
		var ps []string
		for _, st := range f.Statuses {
			ps = append(ps, w.Args.Add(string(st)))
		}
		w.Cond("status IN (" + strings.Join(ps, ", ") + ")")
	}
	w.Range("due_at", f.DueFrom, f.DueBefore)
	w.Range("received_at", f.ReceivedFrom, f.ReceivedBefore)
	w.Eq("procedure_code", f.Procedure)
	w.Eq("code", f.Code)
	w.Eq("phone_digits", f.Phone)
	if f.Applicant != "" {
		// A prefix range on a byte-ordered column, which its index answers.
		w.Cond("applicant_folded >= " + w.Args.Add(f.Applicant) + " AND applicant_folded < " + w.Args.Add(f.Applicant+"\U0010FFFF"))
	}
	if f.Limit <= 0 || f.Limit > MaxExport+1 {
		f.Limit = ListLimit
	}
	order := map[Order]string{OrderDue: "due_at, id", OrderNewest: "received_at DESC, id DESC", OrderOldest: "received_at, id"}[f.Order]
	if order == "" {
		order = "due_at, id"
	}
	return store.Collect(ctx, r.st, scanDossier, "reception: dossiers", `SELECT `+dossierCols+` FROM dossiers WHERE `+w.String()+
		fmt.Sprintf(` ORDER BY %s LIMIT %d OFFSET %d`, order, f.Limit, max(f.Offset, 0)), w.Args...)
}

// searchColumns are a dossier's applicant and phone as a search compares them.
func searchColumns(d dossier.Dossier) (applicant, phone string) {
	return vntext.Fold(d.Applicant), phoneDigits(d.Phone)
}

// phoneDigits is a phone number's digits, "+84" written as the leading 0 ("+84 905 123 456" and
// "0905.123.456" are one number).
func phoneDigits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if strings.HasPrefix(strings.TrimSpace(s), "+84") {
		d = "0" + strings.TrimPrefix(d, "84")
	}
	return d
}

// fillSearchColumns folds the applicant and phone of dossiers stored before they were kept
// (migration 0015), a batch at a time; it ends when none is left.
func (r repo) fillSearchColumns(ctx context.Context) error {
	for {
		ds, err := store.Collect(ctx, r.st, scanDossier, "reception: dossiers to fold", `SELECT `+dossierCols+` FROM dossiers
			WHERE applicant_folded = '' AND applicant <> '' LIMIT 1000`)
		if err != nil || len(ds) == 0 {
			return err
		}
		err = r.st.Write(ctx, func(tx *store.Tx) error {
			for _, d := range ds {
				a, p := searchColumns(d)
				if a == "" {
					a = " " // an applicant with nothing to fold is not read again
				}
				if _, err := tx.Exec(`UPDATE dossiers SET applicant_folded = $2, phone_digits = $3 WHERE id = $1`, d.ID, a, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("reception: fold applicants: %w", err)
		}
	}
}

// rateRow is the on-time count of one office and procedure.
type rateRow struct {
	Office    string
	Procedure string
	Settled   int
	OnTime    int
}

// onTimeCounts counts dossiers settled in [from, to) and those settled by their due time, per
// office and procedure. Times compare as fixed-width UTC text, so the comparison is exact.
func (r repo) onTimeCounts(ctx context.Context, from, to time.Time, office string) ([]rateRow, error) {
	return store.Collect(ctx, r.st, func(row store.Scanner) (rateRow, error) {
		var c rateRow
		return c, row.Scan(&c.Office, &c.Procedure, &c.Settled, &c.OnTime)
	}, "reception: on-time counts", `SELECT office, procedure_code, COUNT(*), SUM(CASE WHEN settled_at <= due_at THEN 1 ELSE 0 END)
		FROM dossiers WHERE settled_at >= $1 AND settled_at < $2 AND ($3 = '' OR office = $3)
		GROUP BY office, procedure_code ORDER BY office, procedure_code`, store.Time(from), store.Time(to), office)
}

// backlogRow is the open dossiers of one office and procedure.
type backlogRow struct {
	Office, Procedure      string
	Open, Overdue, Waiting int
}

// backlogCounts counts the dossiers received before receivedBefore that are still open: in hand
// (and of those, past due at now) or waiting for the applicant.
func (r repo) backlogCounts(ctx context.Context, receivedBefore, now time.Time, office string) ([]backlogRow, error) {
	return store.Collect(ctx, r.st, func(row store.Scanner) (backlogRow, error) {
		var c backlogRow
		return c, row.Scan(&c.Office, &c.Procedure, &c.Open, &c.Overdue, &c.Waiting)
	}, "reception: backlog counts", `SELECT office, procedure_code,
		SUM(CASE WHEN status <> 'waiting' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status <> 'waiting' AND due_at < $2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END)
		FROM dossiers WHERE status IN ('received', 'in_progress', 'waiting') AND received_at < $1 AND ($3 = '' OR office = $3)
		GROUP BY office, procedure_code ORDER BY office, procedure_code`, store.Time(receivedBefore), store.Time(now), office)
}

// byRecord lists the dossiers answered by a register entry.
func (r repo) byRecord(ctx context.Context, recordID string) ([]dossier.Dossier, error) {
	return store.Collect(ctx, r.st, scanDossier, "reception: dossiers of a record",
		`SELECT `+dossierCols+` FROM dossiers WHERE record_id = $1 ORDER BY received_at`, recordID)
}

// counts counts the open dossiers of each list (see Service.Dossiers) in one pass.
func (r repo) counts(ctx context.Context, office string, w dueWindow) (Counts, error) {
	var c Counts
	err := r.st.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status <> 'waiting' AND due_at < $2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status <> 'waiting' AND due_at >= $3 AND due_at < $4 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status <> 'waiting' AND due_at >= $2 AND due_at < $5 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0)
		FROM dossiers WHERE status IN ('received', 'in_progress', 'waiting') AND ($1 = '' OR office = $1)`,
		office, store.Time(w.now), store.Time(w.dayStart), store.Time(w.dayEnd), store.Time(w.nearEnd)).
		Scan(&c.Overdue, &c.DueToday, &c.NearDue, &c.Waiting)
	return c, r.st.Fail(err)
}
