// Package legacy reads digitised paper registers (CSV) into entries: every row is validated with
// the rules of the forms, rejected rows are reported with their line and reason, old
// administrative units are kept as they were, and the register numbers of the paper books are
// kept, so that importing a file twice stores nothing twice.
package legacy

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/i18n"
	"tuphap/internal/registration"
	"tuphap/internal/units"
	"tuphap/internal/vntext"
)

// Fields are the columns the importer understands; a file with other headings maps them with a
// mapping file (Mapping). Dates are YYYY-MM-DD or DD/MM/YYYY.
var Fields = []string{"kind", "office", "book", "number", "year", "registered_on",
	"full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality", "hometown", "personal_id", "residence",
	"mother_name", "mother_date_of_birth", "father_name", "father_date_of_birth", "requester_name", "requester_relation",
	"date_of_death", "place_of_death", "cause",
	"husband_name", "husband_date_of_birth", "husband_ethnicity", "husband_nationality", "husband_residence", "husband_personal_id",
	"wife_name", "wife_date_of_birth", "wife_ethnicity", "wife_nationality", "wife_residence", "wife_personal_id",
	"divorce_court", "divorce_decision", "divorce_effective_on",
	"evidence",
	"adoptive_father_name", "adoptive_father_date_of_birth", "adoptive_mother_name", "adoptive_mother_date_of_birth",
	"consent", "consented_on", "child_consent",
	"guardian_name", "guardian_date_of_birth", "guardian_residence", "appointment", "ward_heard",
	"purpose", "marital_status", "intended_spouse_name", "intended_spouse_date_of_birth"}

// Mapping maps a file's headings to Fields, and gives defaults for columns a file lacks.
type Mapping struct {
	Columns  map[string]string `json:"columns"`  // heading in the file → field
	Defaults map[string]string `json:"defaults"` // field → value for every row (e.g. "kind": "birth")
	// Encoding of a CSV file, one of Encodings; found from the file when empty.
	Encoding string `json:"encoding,omitempty"`
}

// LoadMapping reads a mapping file.
func LoadMapping(path string) (Mapping, error) {
	var m Mapping
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("tệp ánh xạ %s: %w", path, err)
	}
	for _, f := range m.Columns {
		if !known(f) {
			return m, fmt.Errorf("tệp ánh xạ %s: không có trường %q", path, f)
		}
	}
	return m, nil
}

func known(f string) bool {
	for _, x := range Fields {
		if x == f {
			return true
		}
	}
	return false
}

// Rejection is a row that was not imported, and why.
type Rejection struct {
	Line   int
	Reason string
}

// rows gives the rows of a file, heading first: CSV or the first sheet of an XLSX workbook.
type rows interface {
	Read() ([]string, error)
}

// Reader turns rows into entries.
type Reader struct {
	// Encoding and Separator are what a CSV file was read with (found, or as asked).
	Encoding  string
	Separator rune
	// Rows is how many rows the file holds besides its heading, as far as can be told before
	// reading them (a progress bar's end); 0 when it cannot.
	Rows int

	csv    rows
	index  map[string]int
	m      Mapping
	units  *units.Registry
	today  time.Time
	line   int
	header []string
	// serialDates: the rows come from a workbook, whose dates are day numbers.
	serialDates, date1904 bool
}

// NewReader reads a CSV file's heading line and checks that the columns are known. The file may
// come in any of Encodings (decodeText) and be separated by commas, semicolons (Excel in a
// Vietnamese locale) or tabs, found from its heading line.
func NewReader(r io.Reader, m Mapping, reg *units.Registry, today time.Time) (*Reader, error) {
	text, enc, err := decodeText(r, m.Encoding)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(text)
	first, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	c := csv.NewReader(br)
	c.Comma = separator(first)
	c.FieldsPerRecord = -1
	c.TrimLeadingSpace = true
	rd, err := newReader(c, m, reg, today)
	if err != nil {
		return nil, err
	}
	rd.Encoding, rd.Separator = enc, c.Comma
	return rd, nil
}

// separator is the one of ',', ';' and tab that the heading line (the start of the text) holds
// most of outside quotes.
func separator(start []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, b := range start {
		if b == '\n' && !quoted {
			break
		}
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && (b == ',' || b == ';' || b == '\t'):
			counts[rune(b)]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// xlsxRows streams the first sheet of a workbook.
type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
}

func (x *xlsxRows) Read() ([]string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return x.rows.Columns(excelize.Options{RawCellValue: true}) // values, not the locale's text
}

// NewXLSXReader reads the first sheet of an XLSX workbook the same way.
func NewXLSXReader(r io.Reader, m Mapping, reg *units.Registry, today time.Time) (*Reader, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("không đọc được bảng tính XLSX: %w", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("bảng tính không có trang nào")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	rd, err := newReader(&xlsxRows{f: f, rows: it}, m, reg, today)
	if err != nil {
		return nil, err
	}
	rd.serialDates = true
	rd.Rows = sheetRows(f, sheets[0])
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		rd.date1904 = *props.Date1904 // workbooks from old Macs count days from 1904
	}
	return rd, nil
}

// sheetRows is how many rows a sheet holds below its heading: from the dimension that Excel and
// LibreOffice write ("A1:N200"), else (a workbook from a library that leaves it at "A1") by
// walking the sheet once.
func sheetRows(f *excelize.File, sheet string) int {
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if _, last, found := strings.Cut(dim, ":"); found {
			if _, row, err := excelize.CellNameToCoordinates(last); err == nil && row > 1 {
				return row - 1
			}
		}
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return 0
	}
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	return max(n-1, 0)
}

func newReader(c rows, m Mapping, reg *units.Registry, today time.Time) (*Reader, error) {
	header, err := c.Read()
	if err != nil {
		return nil, fmt.Errorf("không đọc được dòng tên cột: %w", err)
	}
	rd := &Reader{csv: c, index: map[string]int{}, m: m, units: reg, today: today, line: 1}
	var unknown []string
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		f := h
		if mapped, ok := m.Columns[h]; ok {
			f = mapped
		}
		if !known(f) {
			unknown = append(unknown, h)
			continue
		}
		rd.index[f] = i
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("tệp có cột lạ %q: hãy kèm tệp ánh xạ cột (mapping file)", unknown)
	}
	return rd, nil
}

// Line is the line of the last row read.
func (r *Reader) Line() int { return r.line }

// Next reads the next row: an entry, or a rejection; io.EOF at the end.
func (r *Reader) Next() (civil.Record, *Rejection, error) {
	row, err := r.csv.Read()
	r.line++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return civil.Record{}, &Rejection{Line: r.line, Reason: "dòng CSV hỏng: " + pe.Err.Error()}, nil
		}
		return civil.Record{}, nil, err
	}
	for _, cell := range row {
		// Bytes that are not text (a wrong encoding, a binary file) or a NUL never reach the store.
		if !utf8.ValidString(cell) || strings.IndexByte(cell, 0) >= 0 {
			return civil.Record{}, &Rejection{Line: r.line, Reason: "dòng có ký tự không hợp lệ (ký tự NUL hoặc không phải UTF-8): hãy chọn đúng bảng mã của tệp"}, nil
		}
	}
	get := func(f string) string {
		if i, ok := r.index[f]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return r.m.Defaults[f]
	}
	rec, reason := r.entry(get)
	if reason == "" && rec.Register.Year == r.today.Year() && rec.Register.Book == registration.CurrentBook {
		// The book in use this year is numbered by registrations; an old row there would move its
		// counter (a row numbered 5000 made the next birth 5001) or take a number it will give.
		reason = fmt.Sprintf("số %d quyển %s/%d thuộc sổ đang dùng năm nay: sổ cũ phải mang tên khác (ví dụ mã xã cũ/01)",
			rec.Register.Number, rec.Register.Book, rec.Register.Year)
	}
	if reason != "" {
		return rec, &Rejection{Line: r.line, Reason: reason}, nil
	}
	return rec, nil, nil
}

// date reads YYYY-MM-DD or DD/MM/YYYY, answering YYYY-MM-DD ("" when empty, the text as it
// was when it is no date, so that validation reports it). In a workbook a date is read from the
// cell's value, Excel's serial day number, never from the text it shows, which follows the
// locale of whoever saved the file (LibreOffice in English shows 3/5/2010 for 5 March).
func (r *Reader) date(s string) string {
	if s == "" {
		return ""
	}
	if r.serialDates {
		// A number that reads as a year (1850 to this year) is a year typed in a number cell,
		// not a day of 1905: a parent's is kept as a year (parentDate), anyone else's refused.
		if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 1 && v < 2958466 && !r.plausibleYear(s) {
			if t, err := excelize.ExcelDateToTime(v, r.date1904); err == nil {
				return t.Format(civil.DateFormat)
			}
		}
	}
	if d, ok := civil.ParseDayFirst(s); ok { // 05/03/2010, 5.3.2010, 05-03-2010
		return d
	}
	return s
}

// parentDate reads a parent's date of birth, which paper registers often give as a year alone:
// "1975" (a text or a number cell) stays a year, never Excel's day 1975 (28 May 1905).
func (r *Reader) parentDate(s string) string {
	if r.plausibleYear(s) {
		return s
	}
	return r.date(s)
}

// plausibleYear: four digits from 1850 to this year. A workbook's date cell of a parent born
// between 1902 and 1927 holds a four-digit day number too, but outside that range of values
// (except the first half of 1905, which reads as a year).
func (r *Reader) plausibleYear(s string) bool {
	y, ok := civil.YearOnly(s)
	return ok && y >= 1850 && y <= r.today.Year()
}

// dateFields are the columns that hold dates.
var dateFields = []string{"registered_on", "date_of_birth", "mother_date_of_birth", "father_date_of_birth", "date_of_death",
	"husband_date_of_birth", "wife_date_of_birth", "adoptive_father_date_of_birth", "adoptive_mother_date_of_birth", "consented_on",
	"guardian_date_of_birth", "divorce_effective_on", "intended_spouse_date_of_birth"}

var slashDate = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$`)

// unclearDate says why a written date cannot be read without guessing, "" when it can: a
// two-digit year, or a day/month order that is not Vietnamese (a second number above 12 is a
// day: the file was written month first, and its other dates cannot be told apart).
func unclearDate(s string) string {
	m := slashDate.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	if len(m[3]) != 4 {
		return fmt.Sprintf("ngày %q có năm không đủ bốn chữ số: hãy ghi đủ năm (dd/mm/yyyy)", s)
	}
	if second, _ := strconv.Atoi(m[2]); second > 12 {
		return fmt.Sprintf("ngày %q ghi theo kiểu tháng/ngày/năm: tệp phải ghi ngày/tháng/năm (dd/mm/yyyy); hãy lưu lại tệp với định dạng ngày của Việt Nam", s)
	}
	return ""
}

var kinds = map[string]civil.Kind{"birth": civil.BirthKind, "khai sinh": civil.BirthKind, "ks": civil.BirthKind,
	"death": civil.DeathKind, "khai tu": civil.DeathKind, "kt": civil.DeathKind,
	"marriage": civil.MarriageKind, "ket hon": civil.MarriageKind, "kh": civil.MarriageKind,
	"recognition": civil.RecognitionKind, "nhan cha, me, con": civil.RecognitionKind, "nhan cha me con": civil.RecognitionKind, "ncmc": civil.RecognitionKind,
	"adoption": civil.AdoptionKind, "nuoi con nuoi": civil.AdoptionKind, "ncn": civil.AdoptionKind,
	"guardianship": civil.GuardianshipKind, "giam ho": civil.GuardianshipKind, "gh": civil.GuardianshipKind,
	"marital_status": civil.MaritalStatusKind, "xac nhan tinh trang hon nhan": civil.MaritalStatusKind, "xnhn": civil.MaritalStatusKind}

// maritalStatuses read what an old certificate of marital status stated.
var maritalStatuses = map[string]string{
	"never_married": civil.NeverMarried, "chua ket hon": civil.NeverMarried, "chua dang ky ket hon voi ai": civil.NeverMarried, "doc than": civil.NeverMarried,
	"married": civil.Married, "dang co vo": civil.Married, "dang co chong": civil.Married, "dang co vo/chong": civil.Married, "da ket hon": civil.Married,
	"divorced": civil.DivorcedNow, "da ly hon": civil.DivorcedNow,
	"widowed": civil.Widowed, "vo da chet": civil.Widowed, "chong da chet": civil.Widowed, "vo/chong da chet": civil.Widowed}

// yes reads a ticked column of a paper register: "có", "x", "yes", "1".
func yes(s string) bool {
	switch vntext.Fold(s) {
	case "co", "x", "yes", "y", "1", "true", "dong y":
		return true
	}
	return false
}

// rowEntries read each kind's entry from a row's columns (Mapping names them); the person and
// requester columns are read once for all kinds.
var rowEntries = map[civil.Kind]func(r *Reader, get func(string) string, person civil.Person, requester civil.Requester) civil.Entry{
	civil.BirthKind: func(r *Reader, get func(string) string, person civil.Person, requester civil.Requester) civil.Entry {
		b := &civil.Birth{Child: person, Requester: requester}
		if n := get("mother_name"); n != "" {
			b.Mother = &civil.Parent{FullName: n, DateOfBirth: r.parentDate(get("mother_date_of_birth"))}
		}
		if n := get("father_name"); n != "" {
			b.Father = &civil.Parent{FullName: n, DateOfBirth: r.parentDate(get("father_date_of_birth"))}
		}
		return b
	},
	civil.DeathKind: func(r *Reader, get func(string) string, person civil.Person, requester civil.Requester) civil.Entry {
		return &civil.Death{Deceased: person, DateOfDeath: r.date(get("date_of_death")), PlaceOfDeath: get("place_of_death"), Cause: get("cause"), Requester: requester}
	},
	civil.MarriageKind: func(r *Reader, get func(string) string, _ civil.Person, _ civil.Requester) civil.Entry {
		spouse := func(side string) civil.Spouse {
			return civil.Spouse{FullName: get(side + "_name"), DateOfBirth: r.date(get(side + "_date_of_birth")), Ethnicity: get(side + "_ethnicity"),
				Nationality: get(side + "_nationality"), Residence: get(side + "_residence"), PersonalID: get(side + "_personal_id")}
		}
		m := &civil.Marriage{Husband: spouse("husband"), Wife: spouse("wife")}
		// A divorce noted in the register's margin ended it: its parties are free to marry.
		if court, decision, on := get("divorce_court"), get("divorce_decision"), get("divorce_effective_on"); court+decision+on != "" {
			m.Divorce = &civil.Divorce{Court: court, Decision: decision, EffectiveOn: r.date(on)}
		}
		return m
	},
	// The parent recognised is the father or the mother column that is filled.
	civil.RecognitionKind: func(r *Reader, get func(string) string, person civil.Person, _ civil.Requester) civil.Entry {
		rec := &civil.Recognition{Child: person, Evidence: get("evidence")}
		if n := get("father_name"); n != "" {
			rec.Father = &civil.Parent{FullName: n, DateOfBirth: r.parentDate(get("father_date_of_birth"))}
		}
		if n := get("mother_name"); n != "" {
			rec.Mother = &civil.Parent{FullName: n, DateOfBirth: r.parentDate(get("mother_date_of_birth"))}
		}
		return rec
	},
	civil.AdoptionKind: func(r *Reader, get func(string) string, person civil.Person, _ civil.Requester) civil.Entry {
		a := &civil.Adoption{Child: person, Consent: get("consent"), ConsentedOn: r.date(get("consented_on")), ChildConsent: yes(get("child_consent"))}
		if n := get("adoptive_father_name"); n != "" {
			a.Father = &civil.Parent{FullName: n, DateOfBirth: r.date(get("adoptive_father_date_of_birth"))}
		}
		if n := get("adoptive_mother_name"); n != "" {
			a.Mother = &civil.Parent{FullName: n, DateOfBirth: r.date(get("adoptive_mother_date_of_birth"))}
		}
		return a
	},
	// An old certificate keeps what it stated then (the register of the time may be incomplete).
	civil.MaritalStatusKind: func(r *Reader, get func(string) string, person civil.Person, _ civil.Requester) civil.Entry {
		ms := &civil.MaritalStatus{Person: civil.Spouse{FullName: person.FullName, DateOfBirth: person.DateOfBirth, Ethnicity: person.Ethnicity,
			Nationality: person.Nationality, Residence: person.Residence, PersonalID: person.PersonalID},
			Purpose: get("purpose"), Status: maritalStatuses[vntext.Fold(get("marital_status"))]} // none: reported below
		if n := get("intended_spouse_name"); n != "" {
			ms.IntendedSpouse = &civil.Spouse{FullName: n, DateOfBirth: r.date(get("intended_spouse_date_of_birth"))}
		}
		if d, ok := civil.ParseDate(r.date(get("registered_on"))); ok {
			ms.ValidUntil = civil.ValidUntil(d).Format(civil.DateFormat)
		}
		return ms
	},
	civil.GuardianshipKind: func(r *Reader, get func(string) string, person civil.Person, _ civil.Requester) civil.Entry {
		return &civil.Guardianship{Ward: person, Appointment: get("appointment"), WardHeard: yes(get("ward_heard")),
			Guardian: civil.Parent{FullName: get("guardian_name"), DateOfBirth: r.date(get("guardian_date_of_birth")), Residence: get("guardian_residence")}}
	},
}

var sexes = map[string]string{"male": civil.Male, "nam": civil.Male, "female": civil.Female, "nu": civil.Female}

func (r *Reader) entry(get func(string) string) (civil.Record, string) {
	for _, f := range dateFields {
		if why := unclearDate(get(f)); why != "" {
			return civil.Record{}, f + ": " + why
		}
	}
	kind, ok := kinds[vntext.Fold(get("kind"))]
	if !ok {
		return civil.Record{}, fmt.Sprintf("kind: %q không phải khai sinh (birth), khai tử (death), kết hôn (marriage), nhận cha, mẹ, con (recognition), nuôi con nuôi (adoption), giám hộ (guardianship) hay xác nhận tình trạng hôn nhân (marital_status)", get("kind"))
	}
	number, err := strconv.Atoi(get("number"))
	if err != nil || number <= 0 {
		return civil.Record{}, "number: số đăng ký phải là số nguyên dương"
	}
	registered := r.date(get("registered_on"))
	year, _ := strconv.Atoi(get("year"))
	if year == 0 && len(registered) >= 4 {
		year, _ = strconv.Atoi(registered[:4])
	}
	if year < 1900 || year > r.today.Year() {
		return civil.Record{}, "year: năm đăng ký không hợp lệ"
	}
	office, book, reason := r.office(get("office"), get("book"), registered)
	if reason != "" {
		return civil.Record{}, reason
	}
	rec := civil.Record{Kind: kind, Office: office, RegisteredOn: registered, Register: civil.Register{Number: number, Book: book, Year: year}}
	person := civil.Person{FullName: get("full_name"), Sex: sexes[vntext.Fold(get("sex"))], DateOfBirth: r.date(get("date_of_birth")),
		PlaceOfBirth: get("place_of_birth"), Ethnicity: get("ethnicity"), Nationality: get("nationality"), Hometown: get("hometown"),
		PersonalID: get("personal_id"), Residence: get("residence")}
	if person.Sex == "" {
		person.Sex = get("sex") // reported by validation as it was
	}
	requester := civil.Requester{FullName: get("requester_name"), Relation: get("requester_relation")}
	e := rowEntries[kind](r, get, person, requester)
	e.Normalize()
	err2 := e.Validate(registered, r.today)
	if ms, ok := e.(*civil.MaritalStatus); ok && ms.Status == "" {
		return rec, "marital_status: " + fmt.Sprintf("%q không phải chưa kết hôn, đang có vợ/chồng, đã ly hôn hay vợ/chồng đã chết", get("marital_status"))
	}
	rec.Late = e.Late(registered)
	rec.Set(e)
	if ve, ok := fault.As(err2); ok && len(ve.Fields) > 0 {
		var parts []string
		for _, f := range sortedKeys(ve.Fields) {
			parts = append(parts, f+": "+i18n.T(i18n.VI, ve.Fields[f]))
		}
		return rec, strings.Join(parts, "; ")
	}
	return rec, ""
}

// office finds the office that keeps an entry: a current commune keeps its own; an old commune
// (before 1 July 2025) is kept under the commune that took its territory, with its own code in
// the book's name, so that its numbers stay as they were and never clash with the new commune's.
func (r *Reader) office(code, book, registered string) (string, string, string) {
	if book == "" {
		book = "01"
	}
	day, ok := civil.ParseDate(registered)
	if !ok {
		day = r.today
	}
	if _, err := r.units.Lookup(units.Commune, code, r.today); err == nil && !day.Before(units.ReformDate) {
		return code, book, ""
	}
	if _, err := r.units.Lookup(units.Commune, code, units.ReformDate.AddDate(0, 0, -1)); err == nil {
		succ, err := r.units.Successors(code)
		if err != nil || len(succ) == 0 {
			return "", "", "office: không xác định được đơn vị hiện nay của mã " + code
		}
		// A split commune's books go to the first successor named by the resolution.
		return succ[0].Code, code + "/" + book, ""
	}
	if _, err := r.units.Lookup(units.Commune, code, r.today); err == nil {
		return code, book, ""
	}
	return "", "", "office: không có đơn vị hành chính cấp xã mã " + code
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
