package document

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/qr"

	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/pdftest"
)

func pdfText(t *testing.T, pdf []byte) string { return pdftest.Text(t, pdf) }

func sample() ExtractData {
	b := &civil.Birth{
		Child: civil.Person{FullName: "Nguyễn Thị Hồng Đào", Sex: civil.Female, DateOfBirth: "2026-02-15", PlaceOfBirth: "Bệnh viện Đa khoa tỉnh Quảng Ngãi",
			Ethnicity: "Kinh", Nationality: "Việt Nam", Hometown: "Xã Bình Sơn, tỉnh Quảng Ngãi", PersonalID: "051326001234"},
		Mother:    &civil.Parent{FullName: "Trần Thị Lượng", DateOfBirth: "1995-04-12", Ethnicity: "Kinh", Nationality: "Việt Nam", Residence: "Tổ 3, Phường Cẩm Thành"},
		Requester: civil.Requester{FullName: "Trần Thị Lượng", Relation: "mẹ"},
	}
	at := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	return ExtractData{
		Record: civil.Record{Kind: civil.BirthKind, Register: civil.Register{Number: 15, Book: "01", Year: 2026}, RegisteredOn: "2026-03-01", Content: civil.Content{Birth: b}, Version: 2},
		Office: "UBND Phường Cẩm Thành", Province: "tỉnh Quảng Ngãi",
		History: []civil.Version{{Number: 1, Change: civil.Original}, {Number: 2, Change: civil.Correction, Fields: []string{"child.full_name"},
			Reason: "Sai tên đệm do ghi nhầm", LegalBasis: "Điều 28 Luật Hộ tịch 2014", Officer: "Lê Thị Hạnh, công chức tư pháp - hộ tịch", At: at}},
		IssuedAt: time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)),
	}
}

// The Vietnamese text of the extract must come back exactly from the PDF.
func TestExtractTextRoundTrips(t *testing.T) {
	pdf, err := Extract(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND PHƯỜNG CẨM THÀNH", "TRÍCH LỤC KHAI SINH",
		"Số: 15", "Quyển số: 01/2026", "NGUYỄN THỊ HỒNG ĐÀO", "15/02/2026",
		"ngày mười lăm tháng hai năm hai nghìn không trăm hai mươi sáu", "Nữ", "Trần Thị Lượng",
		"051326001234", "Ngày, tháng, năm đăng ký: 01/03/2026",
		"Cải chính ngày 05/03/2026 (họ, chữ đệm, tên của người được khai sinh): Sai tên đệm do ghi nhầm. Căn cứ: Điều 28 Luật Hộ tịch 2014. Người thực hiện: Lê Thị Hạnh, công chức tư pháp - hộ tịch.",
		"Phường Cẩm Thành, ngày 10 tháng 3 năm 2026",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q\n---\n%s", want, text)
		}
	}
	if strings.Contains(text, "child.") || strings.Contains(text, "_name") {
		t.Errorf("a field key is printed:\n%s", text)
	}
}

func TestDeathExtract(t *testing.T) {
	d := sample()
	d.Record = civil.Record{Kind: civil.DeathKind, Register: civil.Register{Number: 3, Book: "01", Year: 2026}, RegisteredOn: "2026-03-05",
		Content: civil.Content{Death: &civil.Death{Deceased: civil.Person{FullName: "Lê Văn Tám", Sex: civil.Male, DateOfBirth: "1940-05-01"}, DateOfDeath: "2026-03-01",
			PlaceOfDeath: "Tại nhà", Cause: "Bệnh già"}}, Late: false}
	d.History = nil
	pdf, err := Extract(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"TRÍCH LỤC KHAI TỬ", "LÊ VĂN TÁM", "Nơi chết: Tại nhà", "Nguyên nhân chết: Bệnh già", "ngày một tháng ba năm hai nghìn không trăm hai mươi sáu"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q\n%s", want, text)
		}
	}
}

func TestDateInWords(t *testing.T) {
	if got := DateInWords("2026-03-15"); got != "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu" {
		t.Fatalf("DateInWords = %q", got)
	}
}

func TestReceiptSlip(t *testing.T) {
	proc, _ := dossier.ProcedureByCode("TDCC")
	recv := time.Date(2026, 3, 9, 9, 30, 0, 0, calendar.Vietnam)
	pdf, err := ReceiptSlip(ReceiptData{
		Dossier: dossier.Dossier{Code: "K7QM-4XRA-P", Applicant: "Nguyễn Thị Đào", Phone: "0905 123 456", Channel: dossier.Desk,
			ReceivedAt: recv, DueAt: time.Date(2026, 3, 12, 17, 0, 0, 0, calendar.Vietnam)},
		Procedure: proc, Office: "UBND Phường Cẩm Thành", Province: "tỉnh Quảng Ngãi", Officer: "Nguyễn Thị Đào",
		TrackURL: "https://tuphap.example/track/K7QM-4XRA-P",
	})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: K7QM-4XRA-P", "Đăng ký thay đổi, cải chính hộ tịch",
		"09:30, ngày 09/03/2026", "17:00, ngày 12/03/2026", "ngày mười hai tháng ba năm hai nghìn không trăm hai mươi sáu",
		"3 ngày làm việc; có thể kéo dài thêm không quá 3 ngày làm việc", "1. Tờ khai đăng ký thay đổi, cải chính hộ tịch"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q\n%s", want, text)
		}
	}
}

// Every layout renders, and a document with a verification address carries it as a QR code that
// zbarimg decodes from the page drawn at 72, 150 and 300 dpi, with its quiet zone white, and in
// words beside it.
func TestLayoutsAndQR(t *testing.T) {
	if len(Kinds()) < 4 {
		t.Fatalf("layouts: %v", Kinds())
	}
	const url = "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW"
	d := sample()
	d.VerifyURL = url
	pdf, err := Extract(d)
	if err != nil {
		t.Fatal(err)
	}
	pdftest.Check(t, pdf)
	for _, dpi := range []int{72, 150, 300} {
		if got := pdftest.QRCodes(t, pdf, dpi); len(got) != 1 || got[0] != url {
			t.Errorf("at %d dpi zbarimg read %q, want %q", dpi, got, url)
		}
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "kiểm tra văn bản: "+url) {
		t.Fatalf("verification address missing:\n%s", text)
	}
	// Nothing is drawn in the quiet zone; the code itself is.
	code, _ := qr.Encode(url, qr.M, qr.Auto)
	x0, y0, size := qrBox(code.Bounds().Dx())
	const dpi = 150
	page := pdftest.Pages(t, pdf, dpi)[0]
	px := func(pt float64) int { return int(pt * dpi / 72) }
	outer := image.Rect(px(x0)-1, px(y0)-1, px(x0+size)+1, px(y0+size)+1)
	// The code's own box, one pixel wider each side for the anti-aliased edges of its modules.
	inner := image.Rect(px(x0+quiet*module)-1, px(y0+quiet*module)-1, px(x0+size-quiet*module)+2, px(y0+size-quiet*module)+2)
	for y := outer.Min.Y; y < outer.Max.Y; y++ {
		for x := outer.Min.X; x < outer.Max.X; x++ {
			if (image.Point{x, y}).In(inner) {
				continue
			}
			if g := color.GrayModel.Convert(page.At(x, y)).(color.Gray); g.Y < 200 {
				t.Fatalf("ink at (%d, %d) in the quiet zone %v of the code %v", x, y, outer, inner)
			}
		}
	}
	if ink(page, inner).pixels < inner.Dx()*inner.Dy()/4 {
		t.Fatal("no QR code drawn in its box")
	}
	if _, err := Render("no_such_kind", Data{}); err == nil {
		t.Fatal("unknown layout rendered")
	}
}

// Every changed field of every kind of entry is named in words on paper.
func TestFieldLabels(t *testing.T) {
	full := civil.Person{FullName: "x", Sex: "x", DateOfBirth: "x", PlaceOfBirth: "x", Ethnicity: "x", Nationality: "x", Hometown: "x", Residence: "x", PersonalID: "x"}
	parent := &civil.Parent{FullName: "x", DateOfBirth: "x", Ethnicity: "x", Nationality: "x", Residence: "x", PersonalID: "x"}
	req := civil.Requester{FullName: "x", Relation: "x", PersonalID: "x"}
	spouse := civil.Spouse{FullName: "x", DateOfBirth: "x", Ethnicity: "x", Nationality: "x", Residence: "x", PersonalID: "x"}
	for _, entry := range []any{
		civil.Birth{Child: full, Mother: parent, Father: parent, Requester: req, Abandoned: &civil.Abandoned{FoundOn: "x", FoundAt: "x", Finder: "x"}, Abroad: &civil.Abroad{Country: "x"},
			Adoptive:         &civil.Adoptive{Father: parent, Mother: parent},
			Reregistered:     &civil.Reregistration{OriginalOffice: "x", OriginalDate: "x", OriginalReference: "x", BothLost: true, Papers: "x"},
			RegisteredAbroad: &civil.ForeignRecord{Country: "x", Authority: "x", Document: "x", IssuedOn: "x"}},
		civil.Death{Deceased: full, DateOfDeath: "x", PlaceOfDeath: "x", Cause: "x", Requester: req, BirthRecord: "x"},
		civil.Marriage{Husband: spouse, Wife: spouse},
		civil.Adoption{Child: full, Father: parent, Mother: parent, Relation: "x", Consent: "x", ConsentedOn: "x", ChildConsent: true},
		civil.Guardianship{Ward: full, Incapacity: "x", Guardian: *parent, CoGuardian: parent, Joint: "x", ByLaw: true, Appointment: "x", WardHeard: true,
			Supervisor: "x", End: &civil.GuardianshipEnd{On: "x", Reason: "x", Basis: "x"}, BirthRecord: "x"},
	} {
		for path := range civil.Fields(entry) {
			if l := FieldLabel(path); l == "thông tin khác" || strings.ContainsAny(l, "._") {
				t.Errorf("%s is printed as %q", path, l)
			}
		}
	}
	for path, want := range map[string]string{"child.full_name": "họ, chữ đệm, tên của người được khai sinh",
		"spouse.full_name": "thông tin khác", "child.colour": "thông tin khác", "cause": "nguyên nhân chết", "mother.personal_id": "số định danh cá nhân của người mẹ",
		"adoptive.mother.full_name": "họ, chữ đệm, tên của mẹ nuôi"} {
		if got := FieldLabel(path); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", path, got, want)
		}
	}
}
