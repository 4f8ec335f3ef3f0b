package legacy

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"tuphap/internal/units"
)

// iconv converts text with glibc's converters, which know nothing of ours: the files that the
// tests read are made the way old tools made them.
func iconv(t *testing.T, text, to string) []byte {
	t.Helper()
	if _, err := exec.LookPath("iconv"); err != nil {
		if os.Getenv("TUPHAP_REQUIRE_TOOLS") != "" {
			t.Fatal("iconv (glibc's libc-bin) is missing")
		}
		t.Skip("iconv not installed")
	}
	cmd := exec.Command("iconv", "-f", "UTF-8", "-t", to)
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("iconv -t %s: %v", to, err)
	}
	return out
}

// Every byte of TCVN 5712 reads as glibc reads it.
func TestTCVN3MatchesIconv(t *testing.T) {
	var all []byte
	for b := 1; b < 256; b++ {
		if b != '\n' && b != '\r' && (b < 0xB0 || b > 0xB4) { // combining marks are checked after a letter
			all = append(all, byte(b), ' ')
		}
	}
	for _, m := range []byte{0xB0, 0xB1, 0xB2, 0xB3, 0xB4} {
		all = append(all, 'a', m, ' ')
	}
	cmd := exec.Command("iconv", "-f", "TCVN5712-1", "-t", "UTF-8")
	cmd.Stdin = bytes.NewReader(all)
	want, err := cmd.Output()
	if err != nil {
		t.Skipf("iconv: %v", err)
	}
	r, _, err := decodeText(bytes.NewReader(all), TCVN3)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(r)
	if got.String() != norm.NFC.String(string(want)) {
		t.Errorf("TCVN3 decoding differs from iconv's:\n got %q\nwant %q", got.String(), norm.NFC.String(string(want)))
	}
}

// The same register in the encodings that Vietnamese offices' tools wrote, with the separators
// Excel writes: each is found and read as the same entries, in NFC.
func TestLegacyEncodings(t *testing.T) {
	const text = "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n" +
		"khai sinh,21025,7,2010,05/03/2010,Nguyễn Thị Ánh Tuyết,nữ,01/02/2010,Bệnh viện Đa khoa tỉnh Quảng Ngãi,Kinh,Việt Nam,Trần Thị Út,Trần Thị Út,mẹ\n" +
		"khai sinh,21025,8,2010,06/03/2010,Lê Đình Dũng,nam,02/02/2010,Trạm y tế xã Nghĩa Kỳ,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n"
	utf16le := func(s string) []byte {
		var b []byte
		for _, r := range s { // the BMP only: enough for Vietnamese
			b = append(b, byte(r), byte(r>>8))
		}
		return b
	}
	utf16be := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r>>8), byte(r))
		}
		return b
	}
	for _, tt := range []struct {
		name, want string
		file       []byte
	}{
		{"UTF-8", UTF8, []byte(text)},
		{"UTF-8 with a BOM (Excel's 'CSV UTF-8')", UTF8, append([]byte("\xef\xbb\xbf"), text...)},
		{"UTF-8 decomposed (macOS)", UTF8, []byte(norm.NFD.String(text))},
		{"UTF-16LE with a BOM (Excel's 'Unicode text')", UTF16LE, append([]byte{0xff, 0xfe}, utf16le(strings.ReplaceAll(text, ",", "\t"))...)},
		{"UTF-16LE without a BOM", UTF16LE, utf16le(text)},
		{"UTF-16BE with a BOM", UTF16BE, append([]byte{0xfe, 0xff}, utf16be(text)...)},
		{"Windows-1258 (tones as combining marks)", Windows1258, iconv(t, text, "CP1258")},
		{"TCVN3 (ABC)", TCVN3, iconv(t, text, "TCVN5712-1")},
		// Typed in the VNI fonts' spelling, as such files show in Notepad ("Nguyeãn Thò").
		{"VNI-Windows", VNI, vni(t, "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n"+
			"khai sinh,21025,7,2010,05/03/2010,Nguyeãn Thò AÙnh Tuyeát,nöõ,01/02/2010,Beänh vieän Ña khoa tænh Quaûng Ngaõi,Kinh,Vieät Nam,Traàn Thò UÙt,Traàn Thò UÙt,meï\n"+
			"khai sinh,21025,8,2010,06/03/2010,Leâ Ñình Duõng,nam,02/02/2010,Traïm y teá xaõ Nghóa Kyø,Kinh,Vieät Nam,Hoà Thò Sen,Hoà Thò Sen,meï\n")},
		{"semicolons (Excel in a Vietnamese locale)", UTF8, []byte(strings.ReplaceAll(text, ",", ";"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := NewReader(bytes.NewReader(tt.file), Mapping{}, units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if rd.Encoding != tt.want {
				t.Errorf("read as %s, want %s", rd.Encoding, tt.want)
			}
			var names []string
			for {
				rec, rej, err := rd.Next()
				if err != nil {
					break
				}
				if rej != nil {
					t.Fatalf("line %d rejected: %s", rej.Line, rej.Reason)
				}
				names = append(names, rec.Birth.Child.FullName+" / "+rec.Birth.Mother.FullName+" / "+rec.Birth.Child.PlaceOfBirth)
			}
			want := []string{"Nguyễn Thị Ánh Tuyết / Trần Thị Út / Bệnh viện Đa khoa tỉnh Quảng Ngãi", "Lê Đình Dũng / Hồ Thị Sen / Trạm y tế xã Nghĩa Kỳ"}
			if strings.Join(names, "\n") != strings.Join(want, "\n") {
				t.Errorf("entries read:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
			}
			for _, n := range names {
				if !norm.NFC.IsNormalString(n) {
					t.Errorf("%q is not in NFC", n)
				}
			}
		})
	}
}

// vni writes text spelled the VNI way ("Vieät") in the bytes a VNI file holds: Windows-1252.
func vni(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// VNI letters and marks, capitals included, as the VNI fonts draw them.
func TestVNILetters(t *testing.T) {
	for _, tt := range []struct{ vni, want string }{
		{"Ñaø Naüng", "Đà Nẵng"}, {"Ñaëng", "Đặng"}, {"Baéc Ninh", "Bắc Ninh"}, {"Haèng", "Hằng"}, {"Quaúng", "Quẳng"},
		{"Hoà Chí Minh", "Hồ Chí Minh"}, {"Quoác", "Quốc"}, {"Tuoåi", "Tuổi"}, {"Hueá", "Huế"},
		{"Phöôùc", "Phước"}, {"Hoa Kyø", "Hoa Kỳ"}, {"Mî", "Mỵ"}, {"só", "sĩ"}, {"tænh", "tỉnh"},
		{"ÑÖÔØNG", "ĐƯỜNG"}, {"VIEÄT NAM", "VIỆT NAM"}, {"NGUYEÃN THÒ", "NGUYỄN THỊ"}, {"TÆNH", "TỈNH"},
	} {
		text, _, err := transform.Bytes(transform.Chain(vniDecoder{}, norm.NFC), vni(t, tt.vni))
		if err != nil || string(text) != tt.want {
			t.Errorf("%q read as %q (%v), want %q", tt.vni, text, err, tt.want)
		}
	}
}

// A file in none of them is refused as a whole, saying so in Vietnamese; one picked by the user
// is read as picked.
func TestLegacyEncodingChoice(t *testing.T) {
	reg, today := units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	noise := []byte("kind,office\n\x81\x8d\x8f\x90\x9d\xa0\xa4\xa6\x81\x8d\x8f\x90 \x81\x9d\x90\x8f\n")
	if _, err := NewReader(bytes.NewReader(noise), Mapping{}, reg, today); err == nil || !strings.Contains(err.Error(), "không nhận ra bảng mã") {
		t.Errorf("bytes in no known encoding: %v", err)
	}
	if _, err := NewReader(bytes.NewReader(noise), Mapping{Encoding: "koi8-r"}, reg, today); err == nil || !strings.Contains(err.Error(), "không được hỗ trợ") {
		t.Errorf("an encoding not offered: %v", err)
	}
	file := iconv(t, "kind,office,full_name\nbirth,21025,Vũ Thị Ngọc Ánh\n", "TCVN5712-1")
	rd, err := NewReader(bytes.NewReader(file), Mapping{Encoding: TCVN3}, reg, today)
	if err != nil || rd.Encoding != TCVN3 {
		t.Fatalf("picked TCVN3: %v %v", rd, err)
	}
}

// A workbook's dates are read from the cells' values: Excel's default short date (number format
// 14), a date typed as text, and a workbook counting days from 1904 all give the same day,
// whatever text the cell shows in the locale of whoever saved it.
func TestWorkbookDates(t *testing.T) {
	reg, today := units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		if date1904 {
			yes := true
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
				t.Fatal(err)
			}
		}
		short, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		head := []any{"kind", "office", "number", "year", "registered_on", "full_name", "sex", "date_of_birth", "place_of_birth",
			"ethnicity", "nationality", "mother_name", "requester_name", "requester_relation"}
		f.SetSheetRow(sheet, "A1", &head)
		head = append(head, "mother_date_of_birth")
		f.SetSheetRow(sheet, "A1", &head)
		for i, dates := range [][2]any{
			{serial(t, "2010-03-05", date1904), serial(t, "2010-02-01", date1904)}, // date cells, shown 03-05-10 in en-US
			{"05/03/2010", "01/02/2010"}, // dates typed as text, the Vietnamese way
		} {
			// The mother's year of birth alone, as a number cell: a year, not Excel's day 1985.
			row := []any{"khai sinh", "21025", i + 1, 2010, dates[0], "Nguyễn Thị Đào", "nữ", dates[1], "Trạm y tế", "Kinh", "Việt Nam", "Trần Thị Lan", "Trần Thị Lan", "mẹ", 1985}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow(sheet, cell, &row)
			if _, ok := dates[0].(float64); ok {
				f.SetCellStyle(sheet, fmt.Sprintf("E%d", i+2), fmt.Sprintf("E%d", i+2), short)
				f.SetCellStyle(sheet, fmt.Sprintf("H%d", i+2), fmt.Sprintf("H%d", i+2), short)
				if shown, _ := f.GetCellValue(sheet, fmt.Sprintf("E%d", i+2)); shown == "05/03/2010" {
					t.Fatalf("the cell shows the Vietnamese date already (%q): the test would prove nothing", shown)
				}
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		rd, err := Open("so.xlsx", &buf, Mapping{}, reg, today)
		if err != nil {
			t.Fatal(err)
		}
		for line := 2; line <= 3; line++ {
			rec, rej, err := rd.Next()
			if err != nil || rej != nil {
				t.Fatalf("1904: %v, line %d: %v %+v", date1904, line, err, rej)
			}
			if rec.RegisteredOn != "2010-03-05" || rec.Birth.Child.DateOfBirth != "2010-02-01" || rec.Birth.Mother.DateOfBirth != "1985" {
				t.Errorf("1904: %v, line %d: registered %s, born %s, mother born %s; want 2010-03-05, 2010-02-01, 1985", date1904, line,
					rec.RegisteredOn, rec.Birth.Child.DateOfBirth, rec.Birth.Mother.DateOfBirth)
			}
		}
	}
}

// serial is a day as Excel stores it.
func serial(t *testing.T, day string, date1904 bool) float64 {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		t.Fatal(err)
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d.Sub(epoch).Hours() / 24
}

// A written date that can only be read by guessing is refused with the reason, never guessed.
func TestUnclearDates(t *testing.T) {
	reg, today := units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	file := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n" +
		"khai sinh,21025,1,2010,03/25/2010,Nguyễn Thị Đào,nữ,03/20/2010,Trạm y tế,Kinh,Việt Nam,Trần Thị Lan,Trần Thị Lan,mẹ\n" +
		"khai sinh,21025,2,2010,05/03/10,Lê Văn Tám,nam,01/02/2010,Trạm y tế,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n" +
		"khai sinh,21025,3,2010,05.03.2010,Lê Văn Tư,nam,01-02-2010,Trạm y tế,Kinh,Việt Nam,Hồ Thị Sen,Hồ Thị Sen,mẹ\n"
	rd, err := NewReader(strings.NewReader(file), Mapping{}, reg, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"registered_on: ngày \"03/25/2010\" ghi theo kiểu tháng/ngày/năm", "registered_on: ngày \"05/03/10\" có năm không đủ bốn chữ số", ""} {
		rec, rej, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == "" && rej != nil:
			t.Errorf("line %d: %s", rej.Line, rej.Reason)
		case want == "" && rec.RegisteredOn != "2010-03-05":
			t.Errorf("05/03/2010 read as %s", rec.RegisteredOn)
		case want != "" && (rej == nil || !strings.HasPrefix(rej.Reason, want)):
			t.Errorf("want a rejection %q, got %+v", want, rej)
		}
	}
}

// In a workbook a number that reads as a year is a year, never Excel's day of 1905: a
// parent's is kept, a child's refused; a parent's date cell of 1920 stays a date.
func TestWorkbookYearsAndOldDates(t *testing.T) {
	reg, today := units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	short, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	head := []any{"kind", "office", "number", "year", "registered_on", "full_name", "sex", "date_of_birth", "place_of_birth",
		"ethnicity", "nationality", "mother_name", "mother_date_of_birth", "requester_name", "requester_relation"}
	f.SetSheetRow(sheet, "A1", &head)
	rows := [][]any{
		{"khai sinh", "21025", 1, 1940, "05/03/1940", "Nguyễn Thị Đào", "nữ", "01/02/1940", "Trạm y tế", "Kinh", "Việt Nam", "Trần Thị Lan", serial(t, "1920-06-15", false), "Trần Thị Lan", "mẹ"},
		{"khai sinh", "21025", 2, 2010, "05/03/2010", "Lê Văn Tám", "nam", 2010, "Trạm y tế", "Kinh", "Việt Nam", "Hồ Thị Sen", 1985, "Hồ Thị Sen", "mẹ"},
	}
	for i, row := range rows {
		f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row)
	}
	f.SetCellStyle(sheet, "M2", "M2", short)
	var buf bytes.Buffer
	f.Write(&buf)
	rd, err := Open("so.xlsx", &buf, Mapping{}, reg, today)
	if err != nil {
		t.Fatal(err)
	}
	rec, rej, err := rd.Next()
	if err != nil || rej != nil || rec.Birth.Mother.DateOfBirth != "1920-06-15" {
		t.Errorf("a mother's date cell of 1920: %v %+v %q", err, rej, rec.Birth.Mother.DateOfBirth)
	}
	if _, rej, _ := rd.Next(); rej == nil || !strings.Contains(rej.Reason, "child.date_of_birth") {
		t.Errorf("a child's birth as the number 2010 must be refused, not read as a day of 1905: %+v", rej)
	}
}

// The rows of a file are known before it is read, for the import page's progress bar: a CSV's
// lines counted (with or without a last line break), a workbook's from its sheet's dimension; a
// stream that cannot be read twice says it does not know.
func TestRowsKnownBeforeReading(t *testing.T) {
	reg, today := units.MustLoad(), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	head := "kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation"
	row := "khai sinh,21025,%d,2010,05/03/2010,Nguyễn Thị Đào,nữ,01/02/2010,Trạm y tế,Kinh,Việt Nam,Trần Thị Lan,Trần Thị Lan,mẹ"
	var lines []string
	for i := range 3 {
		lines = append(lines, fmt.Sprintf(row, i+1))
	}
	text := head + "\n" + strings.Join(lines, "\n")
	for name, c := range map[string]struct {
		r    func() io.Reader
		rows int
	}{
		"with a last break":    {func() io.Reader { return strings.NewReader(text + "\n") }, 3},
		"without a last break": {func() io.Reader { return strings.NewReader(text) }, 3},
		"a stream":             {func() io.Reader { return io.MultiReader(strings.NewReader(text)) }, 0},
		"a pipe": {func() io.Reader {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			go func() { io.WriteString(pw, text); pw.Close() }()
			return pr // an *os.File that cannot seek
		}, 0},
	} {
		rd, err := Open("so.csv", c.r(), Mapping{}, reg, today)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Rows != c.rows {
			t.Errorf("%s: %d rows, want %d", name, rd.Rows, c.rows)
		}
		// Counting leaves the file where it was: every row is still read.
		n := 0
		for {
			_, _, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 3 {
			t.Errorf("%s: %d rows read after counting", name, n)
		}
	}
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	for i, l := range append([]string{head}, lines...) {
		cells := []any{}
		for _, c := range strings.Split(l, ",") {
			cells = append(cells, c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow(sheet, cell, &cells)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	rd, err := Open("so.xlsx", &b, Mapping{}, reg, today)
	if err != nil || rd.Rows != 3 {
		t.Errorf("a workbook: %d rows (%v)", rd.Rows, err)
	}
}
