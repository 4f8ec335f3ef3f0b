package registration_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"tuphap/internal/audit"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/synth"
)

var admin = audit.Actor{UserID: "u0", Username: "root", Office: "department", IP: "127.0.0.1"}

// seed adds the offices that entries refer to (the account package owns that table; the engine's
// tests write it directly).
func seed(t *testing.T, s *store.Store) {
	t.Helper()
	err := s.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO offices (code, name, kind) VALUES ('department', 'Sở Tư pháp', 'department'), ('21025', 'Phường Cẩm Thành', 'commune'),
			('21028', 'Phường Nghĩa Lộ', 'commune')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The hot search paths must be answered from indexes, never by scanning the records table.
func TestSearchUsesIndexes(t *testing.T) {
	s := registration.NewRecords(storetest.SQLite(t))
	queries := []civil.Query{
		{Name: "nguyen thi dao"},
		{Name: "dao", Office: "21025"},
		{PersonalID: "051326000001"},
		{DOB: "2026-02-01"},
		{Office: "21025", Kind: civil.BirthKind},
	}
	for _, q := range queries {
		plan, err := s.ExplainSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		// A name page must come in index order: sorting would touch every match of "nguyen".
		// The third step (other names) is the exception: record_names finds its few entries.
		byName := strings.SplitN(plan, "SEARCH records USING INDEX sqlite_autoindex_records_1 (id=?)", 2)[0]
		if strings.Contains(plan, "SCAN records\n") || q.Name != "" && strings.Contains(byName, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("query %+v scans or sorts the table:\n%s", q, plan)
		}
	}
	// An officer's searches all hold their office. No step may walk the office's whole range
	// and test each entry (a second per search in a ward of 100,000 entries): the narrow index
	// drives, and the office is checked on the few entries it finds.
	officeOnly := regexp.MustCompile(`USING (COVERING )?INDEX records_office_\w+ \(office=\?\)`)
	for _, tt := range []struct {
		q     civil.Query
		first string
	}{
		{civil.Query{Name: "dao", Office: "21025"}, "SEARCH records USING COVERING INDEX records_office_list (office=? AND name_folded>? AND name_folded<?)"},
		{civil.Query{Name: "dao", Office: "21025", Kind: civil.BirthKind, From: "2020-01-01"}, "SEARCH records USING COVERING INDEX records_office_list (office=? AND name_folded>? AND name_folded<?)"},
		{civil.Query{PersonalID: "051326000001", Office: "21025"}, "SEARCH records USING INDEX records_personal_id (personal_id=?)"},
		{civil.Query{PersonalID: "051326000001", Office: "21025", Kind: civil.BirthKind}, "SEARCH records USING INDEX records_personal_id (personal_id=?)"},
		{civil.Query{DOB: "2026-02-01", Office: "21025"}, "SEARCH records USING INDEX records_dob (date_of_birth=?)"},
		{civil.Query{Number: 17, Year: 2026, Office: "21025"}, "SEARCH records USING INDEX records_number (reg_number=? AND reg_year=?)"},
		{civil.Query{Number: 17, Year: 2026, Book: "01", Office: "21025", Kind: civil.BirthKind}, "SEARCH records USING INDEX records_number (reg_number=? AND reg_year=?)"},
		{civil.Query{Number: 17}, "SEARCH records USING INDEX records_number (reg_number=?)"},
		{civil.Query{Mother: "tran thi lan", Office: "21025"}, "SEARCH records USING INDEX records_office_mother (office=? AND mother_folded>? AND mother_folded<?)"},
		{civil.Query{Father: "le van", Office: "21025"}, "SEARCH records USING INDEX records_office_father (office=? AND father_folded>? AND father_folded<?)"},
		{civil.Query{Mother: "tran thi lan", Office: "21025", Kind: civil.BirthKind, From: "2020-01-01"}, "SEARCH records USING INDEX records_office_mother (office=? AND mother_folded>? AND mother_folded<?)"},
		{civil.Query{Mother: "tran thi lan", DOB: "2026-02-01", Office: "21025"}, "SEARCH records USING INDEX records_dob (date_of_birth=?)"},
		// With a name, the name's index drives and holds the parent's name: never the office's
		// entries of the name read one by one for it.
		{civil.Query{Name: "nguyen", Mother: "tran thi lan", Office: "21025"}, "SEARCH records USING COVERING INDEX records_name_list (name_folded>? AND name_folded<?)"},
	} {
		plan, err := s.ExplainSearch(ctx, tt.q)
		if err != nil || !strings.HasPrefix(plan, tt.first) || officeOnly.MatchString(plan) {
			t.Errorf("officer's search %+v: %v\n%s", tt.q, err, plan)
		}
		if tt.q.Name != "" && !strings.Contains(plan, "SEARCH records USING INDEX sqlite_autoindex_records_1 (id=?)\nLIST SUBQUERY") {
			t.Errorf("officer's search %+v: the other names should drive their step:\n%s", tt.q, plan)
		}
	}
	// An officer's name search finds the other names (a wife's) within the office, in
	// record_names' office-led indexes (migration 0041), never the province's matches of the
	// name kept for their office (the officer's wife's name at ten million entries over 96
	// communes: 47.6 / 162.1 ms under load, the department's 12.7 / 32.2), nor the office's
	// other names tested for the name. TestSearchCountsReadIndexesAlone checks the counts.
	for _, q := range []civil.Query{{Name: "dao", Office: "21025"}, {Name: "nguyen thi dao", Office: "21025", Kind: civil.MarriageKind, From: "2020-01-01"}} {
		plan, err := s.ExplainSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"record_names_office_folded (office=? AND folded>? AND folded<?)", "record_names_office_given (office=? AND given_folded>? AND given_folded<?)"} {
			if !strings.Contains(plan, want) {
				t.Errorf("officer's search %+v: want %s for the page:\n%s", q, want, plan)
			}
		}
		if regexp.MustCompile(`record_names_\w+ \(office=\?\)`).MatchString(plan) {
			t.Errorf("officer's search %+v walks the office's other names:\n%s", q, plan)
		}
		if strings.Contains(plan, "INDEX record_names_folded (") || strings.Contains(plan, "INDEX record_names_given (") {
			t.Errorf("officer's search %+v walks the province's other names:\n%s", q, plan)
		}
	}
	// The department's keep the name-led ones.
	if plan, err := s.ExplainSearch(ctx, civil.Query{Name: "dao"}); err != nil || !strings.Contains(plan, "record_names_folded (folded>? AND folded<?)") {
		t.Errorf("department's name search: %v\n%s", err, plan)
	}
	// A date of birth or a register number finds hundreds of entries at ten million: the page
	// is read in its order (newest first) from the index, twenty entries sorted only among
	// those of one day, and the count tests the office and the kind in the index alone.
	for _, q := range []civil.Query{{DOB: "2026-02-01"}, {DOB: "2026-02-01", Office: "21025", Kind: civil.BirthKind, From: "2020-01-01"},
		{Number: 17, Year: 2026, Office: "21025"}, {Number: 17, Year: 2026, Kind: civil.DeathKind}} {
		plan, err := s.ExplainSearch(ctx, q)
		if err != nil || strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") || !strings.Contains(plan, "SEARCH records USING COVERING INDEX") {
			t.Errorf("%+v: %v\n%s", q, err, plan)
		}
	}
	// A name within a period is counted name by name, each a seek to its period; never a walk
	// of the period's entries testing their names.
	for _, q := range []civil.Query{{Name: "nguyen van an", From: "2010-01-01"},
		{Name: "ha van ha", Office: "21025", Kind: civil.BirthKind, From: "2010-01-01", To: "2010-12-31"}} {
		plan, err := s.ExplainSearch(ctx, q)
		if err != nil || !strings.Contains(plan, "SEARCH records USING COVERING INDEX records_name (name_folded=? AND registered_on>?") ||
			strings.Contains(plan, "records_registered") || strings.Contains(plan, "records_office_date") {
			t.Errorf("%+v: %v\n%s", q, err, plan)
		}
	}
	// A name page, the commonest search, is read from its index alone, the province's and an
	// office's; the probe of the cap walks a name index alone, bounded by the name within an
	// office.
	for _, tt := range []struct {
		q           civil.Query
		page, probe string
	}{
		{civil.Query{Name: "nguyen thi dao"}, "SEARCH records USING COVERING INDEX records_name_list", "SEARCH records USING COVERING INDEX records_name (name_folded>?)\n"},
		{civil.Query{Name: "dao", Office: "21025"}, "SEARCH records USING COVERING INDEX records_office_list", "SEARCH records USING COVERING INDEX records_office_list (office=? AND name_folded>? AND name_folded<?)\n"},
	} {
		plan, err := s.ExplainSearch(ctx, tt.q)
		if err != nil || !strings.HasPrefix(plan, tt.page) || !strings.HasSuffix(plan, tt.probe) {
			t.Errorf("%+v: %v\n%s", tt.q, err, plan)
		}
	}
}

// A name search's counts read index entries alone, the entries never: the given-name-first
// part tests the family-first name in its index, the other names test the office, kind, period
// and the entry's own names in theirs. Only a condition record_names does not hold (a date of
// birth) reads the entries its other names find.
func TestSearchCountsReadIndexesAlone(t *testing.T) {
	s := registration.NewRecords(storetest.SQLite(t))
	for _, tt := range []struct {
		q    civil.Query
		want []string
	}{
		{civil.Query{Name: "ha"}, []string{"SEARCH records USING COVERING INDEX records_given (given_first>? AND given_first<?)",
			"SEARCH record_names USING COVERING INDEX record_names_folded (folded>? AND folded<?)",
			"SEARCH record_names USING COVERING INDEX record_names_given (given_folded>? AND given_folded<?)"}},
		// An officer's: record_names' office-led indexes (migration 0041).
		{civil.Query{Name: "ha", Office: "21025"}, []string{"SEARCH records USING COVERING INDEX records_office_given (office=? AND given_first>? AND given_first<?)",
			"SEARCH record_names USING COVERING INDEX record_names_office_folded (office=? AND folded>? AND folded<?)",
			"SEARCH record_names USING COVERING INDEX record_names_office_given (office=? AND given_folded>? AND given_folded<?)"}},
		{civil.Query{Name: "ha", Office: "21025", Kind: civil.MarriageKind, From: "2015-01-01", To: "2015-12-31"}, []string{
			"SEARCH records USING INDEX records_office_given (office=? AND given_first>? AND given_first<?)",
			"SEARCH record_names USING COVERING INDEX record_names_office_folded (office=? AND folded>? AND folded<?)",
			"SEARCH record_names USING COVERING INDEX record_names_office_given (office=? AND given_folded>? AND given_folded<?)"}},
		{civil.Query{Name: "ha", DOB: "1990-01-01"}, []string{"SEARCH records USING INDEX records_dob (date_of_birth=?)",
			"SEARCH records USING INDEX sqlite_autoindex_records_1 (id=?)"}},
	} {
		plan, err := s.ExplainCounts(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(plan, w+"\n") {
				t.Errorf("%+v: no %q in\n%s", tt.q, w, plan)
			}
		}
		if strings.Contains(plan, "SCAN ") {
			t.Errorf("%+v scans:\n%s", tt.q, plan)
		}
	}
}

// The plans stay bounded once the planner has statistics (an ANALYZE run from a shell, or a
// later PRAGMA optimize) on a commune that holds every entry, the spread that made SQLite walk
// a whole office before: no search scans the entries, walks an office's range to test each
// entry, or sorts every match of a name or a date of birth; no count reads a table it can
// avoid.
func TestSearchPlansHoldWithStatistics(t *testing.T) {
	st := storetest.SQLite(t)
	seed(t, st)
	s := registration.NewRecords(st)
	g := synth.New(5, []string{"21025"})
	from, to, today := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	var rs []civil.Record
	for i := range 3000 {
		e := g.Birth(from, to, today)
		if i%10 == 4 {
			e = g.Marriage(from, to, today)
		}
		r := e.Record()
		r.Register = civil.Register{Number: i + 1, Book: "S", Year: 2000}
		rs = append(rs, r)
	}
	if _, err := s.BulkInsert(ctx, rs, admin, "synthetic"); err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(`ANALYZE`); return err }); err != nil {
		t.Fatal(err)
	}
	officeOnly := regexp.MustCompile(`USING (COVERING )?INDEX (records|record_names)_office_\w+ \(office=\?\)`)
	for _, q := range []civil.Query{
		{Name: "nguyen thi"}, {Name: "nguyen thi", Office: "21025"}, {Name: "lan nguyen", Office: "21025"},
		{Name: "vo thi", Office: "21025", Kind: civil.BirthKind, From: "2000-01-01", To: "2000-12-31"}, {Name: "nguyen van", From: "2001-01-01"},
		{PersonalID: "051326000001", Office: "21025"}, {DOB: "2001-02-03", Office: "21025"},
		{DOB: "2001-02-03", Office: "21025", Kind: civil.BirthKind, From: "2001-01-01"}, {Number: 17, Year: 2000, Office: "21025"},
		{Mother: "tran thi", Office: "21025"}, {Father: "le van", Office: "21025"},
	} {
		plan, err := s.ExplainSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if q.Name != "" {
			counts, err := s.ExplainCounts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			plan += counts
		}
		// The other names' step sorts its few matches (TestSearchUsesIndexes).
		pages := strings.SplitN(plan, "SEARCH records USING INDEX sqlite_autoindex_records_1 (id=?)", 2)[0]
		if strings.Contains(plan, "SCAN records") || strings.Contains(plan, "SCAN record_names") || officeOnly.MatchString(plan) ||
			(q.Name != "" || q.DOB != "") && strings.Contains(pages, "TEMP B-TREE FOR ORDER BY") ||
			q.Name != "" && (strings.Contains(plan, "records_office_date") || strings.Contains(plan, "records_registered")) { // a year walked to test a name
			t.Errorf("%+v with statistics:\n%s", q, plan)
		}
	}
}

// A search's total counts each entry once, and stops past MaxCount.
func TestSearchTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		var rs []civil.Record
		rs = append(rs, births("21025", "A", 1, registration.MaxCount+5, "Nguyễn Văn", civil.Male)...)
		// Thirty entries in a book, all with the same name.
		same := func(book, name, sex string) []civil.Record {
			b := births("21025", book, 1, 30, name, sex)
			for i := range b {
				b[i].Birth.Child.FullName = name
			}
			return b
		}
		rs = append(rs, same("B", "Hà Văn Hà", civil.Male)...)    // "ha" in both orders
		rs = append(rs, same("C", "Lê Thị Hà", civil.Female)...)  // "ha" given name first
		rs = append(rs, same("D", "Hà Thị Mai", civil.Female)...) // "ha" family name first
		// Exactly MaxCount, followed in the index by other names.
		rs = append(rs, births("21025", "E", 1, registration.MaxCount, "Trần Văn", civil.Male)...)
		rs = append(rs, same("F", "Trần Vũ", civil.Male)...)
		// Marriages whose wife is "Hà Thị Hoa": ten in 21025 found by her name alone, five in
		// 21028 whose husband's own name ("Hà Văn Hòa") finds them too, and is counted once.
		marriage := func(office string, n int, husband string) civil.Record {
			return civil.Record{Kind: civil.MarriageKind, Office: office, Register: civil.Register{Number: n, Book: "M", Year: 2015},
				RegisteredOn: "2015-06-01", Content: civil.Content{Marriage: &civil.Marriage{
					Husband: civil.Spouse{FullName: husband, DateOfBirth: "1990-01-01"}, Wife: civil.Spouse{FullName: "Hà Thị Hoa", DateOfBirth: "1992-02-02"}}}}
		}
		for i := 1; i <= 10; i++ {
			rs = append(rs, marriage("21025", i, "Đỗ Văn Kiên"))
		}
		for i := 1; i <= 5; i++ {
			rs = append(rs, marriage("21028", i, "Hà Văn Hòa"))
		}
		if _, err := s.BulkInsert(ctx, rs, admin, "t.csv"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			q     civil.Query
			total int
		}{
			{civil.Query{Name: "nguyen van"}, registration.MaxCount + 1}, // "more than 1,000"
			{civil.Query{Name: "nguyen van", Office: "21025"}, registration.MaxCount + 1},
			{civil.Query{Name: "nguyen van", Kind: civil.BirthKind}, registration.MaxCount + 1},
			{civil.Query{Name: "nguyen van", Office: "21001"}, 0},
			{civil.Query{Name: "tran van"}, registration.MaxCount},
			{civil.Query{Name: "tran van", Office: "21025"}, registration.MaxCount},
			{civil.Query{Name: "tran v"}, registration.MaxCount + 1},
			{civil.Query{Name: "ha"}, 105},
			{civil.Query{Name: "ha", Office: "21025"}, 100},
			{civil.Query{Name: "ha", Kind: civil.MarriageKind}, 15},
			{civil.Query{Name: "ha", Office: "21028", Kind: civil.MarriageKind, From: "2015-01-01", To: "2015-12-31"}, 5},
			{civil.Query{Name: "ha", Kind: civil.MarriageKind, From: "2016-01-01"}, 0},
			{civil.Query{Name: "ha", From: "2010-01-01", To: "2010-12-31"}, 90}, // the births, not the marriages of 2015
			{civil.Query{Name: "ha van ha", Office: "21025", From: "2010-01-01", To: "2010-12-31"}, 30},
			{civil.Query{Name: "ha thi hoa", Kind: civil.MarriageKind, From: "2015-06-01", To: "2015-06-01"}, 15},
			{civil.Query{Name: "nguyen van 1", From: "2010-05-01"}, 117}, // "nguyen van 1…": 1, 10–19, 100–199, 1000–1005
			{civil.Query{Name: "nguyen van 1", Office: "21025", Kind: civil.BirthKind, To: "2010-05-01"}, 117},
			{civil.Query{Name: "ha", Office: "21025", Kind: civil.BirthKind, From: "2010-05-01", To: "2010-05-01"}, 90},
			{civil.Query{Name: "nguyen van", From: "2010-01-01"}, registration.MaxCount + 1},
			{civil.Query{Name: "tran van", Office: "21025", To: "2010-12-31"}, registration.MaxCount},
			{civil.Query{Name: "tran v", From: "2010-05-02"}, 0},
			{civil.Query{Name: "ha thi hoa"}, 15},
			{civil.Query{Name: "ha thi hoa", Office: "21025"}, 10},
			{civil.Query{Name: "ha thi hoa", Kind: civil.BirthKind}, 0},
			{civil.Query{Name: "ha thi hoa", DOB: "1990-01-01"}, 15}, // the husband's, the entry's subject
			{civil.Query{Name: "hoa ha"}, 15},
			{civil.Query{Name: "hoa ha", Office: "21028"}, 5},
			{civil.Query{Name: "ha van ha"}, 30},
			{civil.Query{Name: "ha thi"}, 45},        // and the fifteen wives
			{civil.Query{Name: "nguyen van 10"}, 17}, // 10, 100–109 and 1000–1005: fewer than a page
			{civil.Query{Name: "ha le"}, 30},
		} {
			tt.q.Limit = 20
			items, total, err := s.SearchRecords(ctx, tt.q)
			if err != nil || total != tt.total || len(items) != min(20, tt.total) {
				t.Errorf("%+v: %d found, %d listed, %v; want %d", tt.q, total, len(items), err, tt.total)
			}
			// An export lists in one pass what the pages list one after the other.
			var paged []string
			for q := tt.q; ; q.Offset += q.Limit {
				page, _, err := s.SearchRecords(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range page {
					paged = append(paged, it.ID)
				}
				if len(page) < q.Limit {
					break
				}
			}
			all, err := s.ExportRecords(ctx, tt.q, registration.MaxExport)
			var exported []string
			for _, it := range all {
				exported = append(exported, it.ID)
			}
			if err != nil || fmt.Sprint(exported) != fmt.Sprint(paged) {
				t.Errorf("%+v: the export lists %d, the pages %d (%v)", tt.q, len(exported), len(paged), err)
			}
		}
	})
}

// births are legacy entries numbered from to to in one book of 2010, named prefix + number.
func births(office, book string, from, to int, prefix, sex string) []civil.Record {
	var rs []civil.Record
	for i := from; i <= to; i++ {
		rs = append(rs, civil.Record{Kind: civil.BirthKind, Office: office, Register: civil.Register{Number: i, Book: book, Year: 2010},
			RegisteredOn: "2010-05-01", Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: fmt.Sprintf("%s %d", prefix, i), Sex: sex, DateOfBirth: "2010-04-01"}}}})
	}
	return rs
}

func TestBulkInsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		rs := births("21025", "21019-01", 1, 450, "Nguyễn Văn", civil.Male)
		res, err := s.BulkInsert(ctx, rs, admin, "test.csv")
		if err != nil || res.Inserted != 450 || res.Skipped != 0 {
			t.Fatalf("first load: %+v %v", res, err)
		}
		// Again, with ten new rows at the end: the old ones are skipped, not doubled.
		rs = append(rs, births("21025", "21019-01", 451, 460, "Nguyễn Văn", civil.Male)...)
		for i := range rs {
			rs[i].ID = ""
		}
		res, err = s.BulkInsert(ctx, rs, admin, "test.csv")
		if err != nil || res.Inserted != 10 || res.Skipped != 450 {
			t.Fatalf("second load: %+v %v", res, err)
		}
		_, total, _ := s.SearchRecords(ctx, civil.Query{Name: "nguyen van"})
		if total != 460 {
			t.Fatalf("%d entries", total)
		}
		r, err := s.Record(ctx, rs[459].ID)
		if err != nil || r.Birth.Child.FullName != "Nguyễn Văn 460" {
			t.Fatalf("entry: %+v %v", r, err)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		// The rows skipped the second time are not counted twice.
		countsMatch(t, st)
		if c, err := s.CountsByOffice(ctx, "2000-01-01", "2099-12-31", "21025"); err != nil || len(c) != 1 || c[0].N != 460 {
			t.Fatalf("the counts: %+v %v", c, err)
		}
	})
}

// countsMatch checks that the days' counts (record_counts) are what the entries themselves
// count, day by day.
func countsMatch(t *testing.T, st *store.Store) {
	t.Helper()
	read := func(q string) map[string]string {
		rows, err := st.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var day, office, kind string
			var n, late int
			if err := rows.Scan(&day, &office, &kind, &n, &late); err != nil {
				t.Fatal(err)
			}
			out[day+" "+office+" "+kind] = fmt.Sprint(n, " ", late)
		}
		return out
	}
	kept := read(`SELECT day, office, kind, n, late FROM record_counts`)
	counted := read(`SELECT registered_on, office, kind, COUNT(*), SUM(CASE WHEN late THEN 1 ELSE 0 END) FROM records GROUP BY registered_on, office, kind`)
	if len(counted) == 0 || fmt.Sprint(kept) != fmt.Sprint(counted) {
		t.Fatalf("the days' counts %v, the entries %v", kept, counted)
	}
	kept = read(`SELECT month, office, kind, n, late FROM record_counts_month`)
	counted = read(`SELECT substr(registered_on, 1, 7), office, kind, COUNT(*), SUM(CASE WHEN late THEN 1 ELSE 0 END) FROM records
		GROUP BY substr(registered_on, 1, 7), office, kind`)
	if fmt.Sprint(kept) != fmt.Sprint(counted) {
		t.Fatalf("the months' counts %v, the entries %v", kept, counted)
	}
}

// A period's counts, read from its whole months and the days of its partial ones, are what the
// entries of the period count, however the period falls on the months.
func TestCountsOverPeriods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		// One entry a day from 20 November 2025 to 10 March 2026.
		var rs []civil.Record
		first := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
		for i := 0; !first.AddDate(0, 0, i).After(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)); i++ {
			day := first.AddDate(0, 0, i).Format("2006-01-02")
			rs = append(rs, civil.Record{Kind: civil.BirthKind, Office: "21025", Register: civil.Register{Number: i + 1, Book: "01", Year: 2025}, RegisteredOn: day,
				Late:    i%3 == 0,
				Content: civil.Content{Birth: &civil.Birth{Child: civil.Person{FullName: fmt.Sprintf("Trẻ %d", i), Sex: civil.Female, DateOfBirth: "2025-11-01"}}}})
		}
		if _, err := s.BulkInsert(ctx, rs, admin, "ngay.csv"); err != nil {
			t.Fatal(err)
		}
		countsMatch(t, st)
		for _, p := range [][2]string{
			{"2025-12-01", "2026-02-28"}, // whole months
			{"2025-11-25", "2026-01-05"}, // partial at both ends
			{"2026-01-01", "2026-01-31"}, // one whole month
			{"2026-01-10", "2026-01-20"}, // within a month
			{"2026-01-20", "2026-02-10"}, // across two partial months
			{"2026-02-15", "2026-03-31"}, // partial, then a whole month holding fewer entries
			{"2025-01-01", "2026-12-31"}, // all
			{"2026-03-10", "2026-03-01"}, // backwards: nothing
		} {
			// What the entries of the period count, month by month, with the late ones.
			want := map[string][2]int{}
			rows, err := st.Query(ctx, `SELECT substr(registered_on, 1, 7), COUNT(*), SUM(CASE WHEN late THEN 1 ELSE 0 END) FROM records
				WHERE registered_on >= $1 AND registered_on <= $2 GROUP BY substr(registered_on, 1, 7)`, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var m string
				var n, late int
				if err := rows.Scan(&m, &n, &late); err != nil {
					t.Fatal(err)
				}
				want[m] = [2]int{n, late}
			}
			rows.Close()
			counts, err := s.CountsByOffice(ctx, p[0], p[1], "21025")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int{}
			for _, c := range counts {
				got[c.Month] = [2]int{got[c.Month][0] + c.N, got[c.Month][1] + c.Late}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s–%s: counted %v, the entries %v", p[0], p[1], got, want)
			}
		}
	})
}

// A legacy file that registers a second death of one person is refused with the reason, and
// stores nothing of that batch (records_one_death_*).
func TestBulkRefusesASecondDeath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		death := func(n int) civil.Record {
			return civil.Record{Kind: civil.DeathKind, Office: "21025", Register: civil.Register{Number: n, Book: "01", Year: 2001},
				RegisteredOn: "2001-05-02", Content: civil.Content{Death: &civil.Death{Deceased: civil.Person{FullName: "Lê Văn Tám", Sex: civil.Male,
					DateOfBirth: "1930-01-01", PersonalID: "051030000123"}, DateOfDeath: "2001-05-01", PlaceOfDeath: "Tại nhà", Cause: "Già",
					Requester: civil.Requester{FullName: "Lê Thị Hoa", Relation: "con"}}}}
		}
		_, err := s.BulkInsert(ctx, []civil.Record{death(1), death(2)}, admin, "khai-tu.csv")
		if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "import.death_twice") {
			t.Fatalf("two deaths of one person: %v", err)
		}
		if n, _ := s.CountRecords(ctx); n != 0 {
			t.Fatalf("%d entries stored", n)
		}
	})
}

// The loader writes batches behind the caller's back: totals add up, repeated rows are skipped,
// and a failing batch stops the import with its error.
func TestBulkLoader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		batch := func(from, to int, office string) []civil.Record {
			return births(office, "L", from, to, "Phạm Văn", civil.Male)
		}
		var heard atomic.Int64
		l := s.NewBulkLoader(ctx, admin, "loader", func(r registration.BulkResult) { heard.Add(int64(r.Inserted + r.Skipped)) })
		for _, b := range [][2]int{{1, 250}, {251, 500}, {201, 300}, {501, 900}} {
			if err := l.Add(batch(b[0], b[1], "21025")); err != nil {
				t.Fatal(err)
			}
		}
		res, err := l.Close()
		if err != nil || res.Inserted != 900 || res.Skipped != 100 || heard.Load() != 1000 {
			t.Fatalf("%+v %v, heard %d", res, err, heard.Load())
		}
		if _, total, _ := s.SearchRecords(ctx, civil.Query{Name: "pham van"}); total != 900 {
			t.Fatalf("%d stored", total)
		}

		// An office that does not exist fails its batch; nothing after it is written.
		l = s.NewBulkLoader(ctx, admin, "loader", nil)
		l.Add(batch(1001, 1100, "99999"))
		var addErr error
		for i := 0; i < 5 && addErr == nil; i++ {
			addErr = l.Add(batch(1101+i*100, 1200+i*100, "21025"))
		}
		if _, err := l.Close(); err == nil {
			t.Fatal("a failing batch went unnoticed")
		}
		if _, total, _ := s.SearchRecords(ctx, civil.Query{Name: "pham van"}); total != 900 {
			t.Fatalf("%d stored: rows were written after the failure", total)
		}
	})
}

// Marriages are stored whole, found by either spouse's name, and the kind's check still
// refuses kinds that do not exist.
func TestMarriageEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		m := civil.Record{Kind: civil.MarriageKind, Office: "21025", Register: civil.Register{Number: 7, Book: "KH", Year: 1999}, RegisteredOn: "1999-03-08",
			Content: civil.Content{Marriage: &civil.Marriage{Husband: civil.Spouse{FullName: "Lò Văn Páo", DateOfBirth: "1975-01-01"},
				Wife: civil.Spouse{FullName: "Đinh Thị Ðào", DateOfBirth: "1978-02-02", Residence: "Bản Mòng"}}}}
		for range 2 { // the second time it is skipped
			if _, err := s.BulkInsert(ctx, []civil.Record{m}, admin, "kh.csv"); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"lo van pao", "dinh thi dao", "dao dinh"} {
			items, total, err := s.SearchRecords(ctx, civil.Query{Name: q})
			if err != nil || total != 1 || len(items) != 1 || items[0].FullName != "Lò Văn Páo – Đinh Thị Ðào" {
				t.Fatalf("search %q: %+v %d %v", q, items, total, err)
			}
			r, err := s.Record(ctx, items[0].ID)
			if err != nil || r.Marriage == nil || r.Marriage.Wife.Residence != "Bản Mòng" {
				t.Fatalf("entry: %+v %v", r, err)
			}
		}
		err := st.ExecForTest(ctx, `INSERT INTO records (id, kind, office, reg_year, reg_book, reg_number, registered_on, late, version,
			full_name, name_folded, given_first, sex, date_of_birth, personal_id, mother_folded, mother_personal_id, father_folded,
			date_of_death, birth_record, created_by, created_at)
			VALUES ('x', 'guardianship_of_a_dragon', '21025', 2000, '1', 1, '2000-01-01', FALSE, 1, '', '', '', '', '', '', '', '', '', '', '', '', '')`)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "check") {
			t.Fatalf("a kind that does not exist went in: %v", err)
		}
	})
}

// Loading without the search indexes gives the same store: the indexes come back and searches
// use them.
func TestWithoutSearchIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		rs := births("21025", "X", 1, 300, "Lê Thị", civil.Female)
		before := loadIndexes(t, st)
		if !strings.Contains(before, "record_parties_pid") || !strings.Contains(before, "record_names_folded") {
			t.Fatalf("indexes of the load's tables: %s", before)
		}
		err := st.WithoutIndexes(ctx, registration.LoadTables, func() error {
			_, err := s.BulkInsert(ctx, rs, admin, "fast")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, total, _ := s.SearchRecords(ctx, civil.Query{Name: "le thi"}); total != 300 {
			t.Fatalf("%d found", total)
		}
		if st.Dialect() == "sqlite" {
			plan, _ := s.ExplainSearch(ctx, civil.Query{Name: "le thi"})
			if !strings.Contains(plan, "records_name") {
				t.Fatalf("index not rebuilt:\n%s", plan)
			}
		}
		if after := loadIndexes(t, st); after != before {
			t.Fatalf("indexes after the load:\n%s\nbefore:\n%s", after, before)
		}
		// A failure inside still leaves the indexes in place.
		boom := errors.New("boom")
		if err := st.WithoutIndexes(ctx, registration.LoadTables, func() error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("error: %v", err)
		}
		if st.Dialect() == "sqlite" {
			plan, _ := s.ExplainSearch(ctx, civil.Query{Name: "le thi"})
			if !strings.Contains(plan, "records_name") {
				t.Fatalf("indexes lost after a failure:\n%s", plan)
			}
		}
	})
}

// loadIndexes lists the indexes of the tables a load fills, by name.
func loadIndexes(t *testing.T, st *store.Store) string {
	t.Helper()
	tables := "'" + strings.Join(registration.LoadTables, "', '") + "'"
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (` + tables + `) ORDER BY name`
	if st.Dialect() != "sqlite" {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (` + tables + `) ORDER BY indexname`
	}
	names, err := store.Collect(ctx, st, func(row store.Scanner) (string, error) {
		var n string
		return n, row.Scan(&n)
	}, "indexes", q)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, "\n")
}

// A row whose number another person holds is a conflict, with who holds it; the same person's
// row is already there. Both engines.
func TestBulkConflictsOnNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		s := registration.NewRecords(st)
		first := births("21025", "B", 1, 3, "Lê Văn", civil.Male)
		if res, err := s.BulkInsert(ctx, first, admin, "a.csv"); err != nil || res.Inserted != 3 {
			t.Fatalf("first: %+v %v", res, err)
		}
		again := births("21025", "B", 1, 3, "Lê Văn", civil.Male)
		other := births("21025", "B", 2, 2, "Trần Thị", civil.Female)
		rows := append(again, other...)
		res, err := s.BulkInsert(ctx, rows, admin, "b.csv")
		if err != nil || res.Inserted != 0 || res.Skipped != 3 || len(res.Conflicts) != 1 || res.Conflicts[0].ID != rows[3].ID ||
			!strings.Contains(res.Conflicts[0].Reason, "số 2 quyển B/2010 đã dùng cho một người khác") || strings.Contains(res.Conflicts[0].Reason, "Lê Văn") {
			t.Fatalf("second: %+v %v", res, err)
		}
	})
}

// An entry without content, or holding another kind's, is refused before anything is written.
func TestEntryWithoutItsContentIsRefused(t *testing.T) {
	s := registration.NewRecords(storetest.SQLite(t))
	empty := civil.Record{Kind: civil.BirthKind, Office: "21025", Register: civil.Register{Number: 1, Book: "01", Year: 2010}, RegisteredOn: "2010-05-01"}
	wrong := empty
	wrong.Set(&civil.Death{Deceased: civil.Person{FullName: "Lê Văn Tám"}})
	for _, r := range []civil.Record{empty, wrong} {
		if _, err := s.BulkInsert(ctx, []civil.Record{r}, admin, "x.csv"); err == nil {
			t.Errorf("stored %+v", r)
		}
	}
}
