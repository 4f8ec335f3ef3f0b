package document

import (
	"strings"
	"sync"
	"testing"
	"time"

	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
	"tuphap/internal/pdftest"
)

// Every kind of document, drawn by poppler and read back by OCR, says what a citizen must read:
// the motto, the title and the Vietnamese of the entry with every mark. The text layer alone
// was right while the page was not (issue 13); this reads the page.
func TestDocumentsAsDrawn(t *testing.T) {
	ex := sample()
	ex.VerifyURL = "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW"
	motto := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND PHƯỜNG CẨM THÀNH", "tỉnh Quảng Ngãi"}
	death := ex
	death.Record = civil.Record{Kind: civil.DeathKind, Register: civil.Register{Number: 3, Book: "01", Year: 2026}, RegisteredOn: "2026-03-05",
		Content: civil.Content{Death: &civil.Death{Deceased: civil.Person{FullName: "Phạm Ngọc Nghĩa", Sex: civil.Male, DateOfBirth: "1940-05-01", Residence: "Thôn Trường Xuân, xã Bình Sơn"},
			DateOfDeath: "2026-03-01", PlaceOfDeath: "Bệnh viện Đa khoa tỉnh Quảng Ngãi", Cause: "Bệnh già",
			Requester: civil.Requester{FullName: "Phạm Thị Ĩnh", Relation: "con"}}}}
	death.History = nil
	adoption := &civil.Adoption{Child: civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2020-06-01", PersonalID: "051320000777"},
		Father:  &civil.Parent{FullName: "Trần Văn Bình", DateOfBirth: "1980-02-02", Nationality: "Việt Nam", Residence: "Thôn Trường Xuân, xã Bình Sơn"},
		Mother:  &civil.Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07", Nationality: "Việt Nam"},
		Consent: "Lê Thị Hoa (mẹ đẻ)", ConsentedOn: "2026-02-01"}
	adopted := civil.Record{Kind: civil.AdoptionKind, Register: civil.Register{Number: 1, Book: "01", Year: 2026}, RegisteredOn: "2026-03-10",
		Content: civil.Content{Adoption: adoption}}
	byOne := *adoption
	byOne.Father = nil
	byOne.Consent, byOne.ConsentedOn = "", "" // decided abroad: the consents were the foreign court's
	byOne.RegisteredAbroad = &civil.ForeignRecord{Country: "Nhật Bản", Authority: "Tòa án gia đình Tokyo", Document: "Quyết định số 2025-88", IssuedOn: "2025-09-01"}
	adoptedByOne := adopted
	adoptedByOne.Content = civil.Content{Adoption: &byOne}
	again := ex.Record
	againBirth := *ex.Record.Birth
	againBirth.Reregistered = &civil.Reregistration{OriginalOffice: "UBND xã Nghĩa Chánh", OriginalDate: "1990-05-20", OriginalReference: "số 45, quyển 01/1990", BothLost: true}
	again.Content = civil.Content{Birth: &againBirth}
	seoul := ex.Record
	seoulBirth := *ex.Record.Birth
	seoulBirth.RegisteredAbroad = &civil.ForeignRecord{Country: "Hàn Quốc", Authority: "Văn phòng hộ tịch quận Gangnam", Document: "Giấy chứng nhận khai sinh số 2024-1234", IssuedOn: "2024-06-10"}
	seoul.Content = civil.Content{Birth: &seoulBirth}
	wed := ex
	wed.Record = civil.Record{Kind: civil.MarriageKind, Register: civil.Register{Number: 7, Book: "01", Year: 2026}, RegisteredOn: "2026-03-10",
		Content: civil.Content{Marriage: &civil.Marriage{
			Husband: civil.Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", Ethnicity: "Kinh", Nationality: "Việt Nam",
				Residence: "Phường Cẩm Thành, tỉnh Quảng Ngãi", PersonalID: "051090001111"},
			Wife: civil.Spouse{FullName: "Y Nguyệt Ênuôl", DateOfBirth: "1995-07-09", Ethnicity: "Ê Đê", Nationality: "Việt Nam",
				Residence: "Xã Ea Tu, tỉnh Đắk Lắk", Papers: "Hộ chiếu C1234567"}}}}
	proc, _ := dossier.ProcedureByCode("TDCC")
	cases := []struct {
		kind string
		data Data
		want []string
	}{
		{"certificate_birth", Data{Record: ex.Record, History: ex.History, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt,
			VerifyURL: ex.VerifyURL, Signer: "Lưu Thị Ĩnh"},
			[]string{"GIẤY KHAI SINH", "Số: 15", "Quyển số: 01/2026", "NGUYỄN THỊ HỒNG ĐÀO", "Bệnh viện Đa khoa tỉnh Quảng Ngãi",
				"Số định danh cá nhân: 051326001234", "Trần Thị Lượng", "NGƯỜI KÝ GIẤY KHAI SINH", "Lưu Thị Ĩnh"}},
		{"extract_birth", Data{Record: ex.Record, History: ex.History, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt,
			VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"Văn bản chưa được ký số", "TRÍCH LỤC KHAI SINH", "NGUYỄN THỊ HỒNG ĐÀO", "ngày mười lăm tháng hai năm hai nghìn không trăm hai mươi sáu",
				"Ghi chú thay đổi, cải chính, bổ sung", "họ, chữ đệm, tên của người được khai sinh", "Lê Thị Hạnh"}},
		{"extract_death", Data{Record: death.Record, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Preview},
			[]string{"Bản xem trước: chưa cấp, chưa ký số", "TRÍCH LỤC KHAI TỬ", "PHẠM NGỌC NGHĨA", "Nguyên nhân chết: Bệnh già", "Bệnh viện Đa khoa tỉnh Quảng Ngãi"}},
		{"certificate_marriage", Data{Record: wed.Record, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt,
			VerifyURL: ex.VerifyURL, Signer: "Lưu Thị Ĩnh"},
			[]string{"GIẤY CHỨNG NHẬN KẾT HÔN", "Số: 7", "Họ, chữ đệm, tên người chồng: LÊ VĂN HÙNG", "Số định danh cá nhân 051090001111",
				"Họ, chữ đệm, tên người vợ: Y NGUYỆT ÊNUÔL", "Dân tộc: Ê Đê", "Hộ chiếu C1234567", "Xã Ea Tu, tỉnh Đắk Lắk",
				"NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN", "Lưu Thị Ĩnh"}},
		{"extract_marriage", Data{Record: wed.Record, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"TRÍCH LỤC KẾT HÔN", "LÊ VĂN HÙNG", "Y NGUYỆT ÊNUÔL", "Ngày, tháng, năm đăng ký: 10/03/2026", "NGƯỜI KÝ TRÍCH LỤC"}},
		{"certificate_marital_status", Data{Record: civil.Record{Kind: civil.MaritalStatusKind, Register: civil.Register{Number: 4, Book: "01", Year: 2026},
			RegisteredOn: "2026-03-10", Content: civil.Content{MaritalStatus: &civil.MaritalStatus{
				Person:  civil.Spouse{FullName: "Lê Văn Hùng", DateOfBirth: "1990-05-01", Nationality: "Việt Nam", PersonalID: "051090001111", Residence: "Phường Cẩm Thành, tỉnh Quảng Ngãi"},
				Purpose: "Kết hôn", IntendedSpouse: &civil.Spouse{FullName: "Kim Ji Yeon", DateOfBirth: "1996-06-06", Nationality: "Hàn Quốc"},
				Status: civil.DivorcedNow, ValidUntil: "2026-09-10",
				Basis: "Đăng ký kết hôn số 3, quyển số 01/2015, ngày 05/05/2015, tại UBND Phường Cẩm Thành; ly hôn theo bản án, quyết định số 12/2018/QĐST-HNGĐ"}}},
			Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Signer: "Lưu Thị Ĩnh"},
			[]string{"GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "LÊ VĂN HÙNG", "đã ly hôn", "Kết hôn với Kim Ji Yeon", "Hàn Quốc", "10/09/2026", "12/2018/QĐST-HNGĐ",
				"NGƯỜI KÝ GIẤY XÁC NHẬN"}},
		{"extract_recognition", Data{Record: civil.Record{Kind: civil.RecognitionKind, Register: civil.Register{Number: 2, Book: "01", Year: 2026},
			RegisteredOn: "2026-03-10", Content: civil.Content{Recognition: &civil.Recognition{
				Child:    civil.Person{FullName: "Lê Thị Na", Sex: civil.Female, DateOfBirth: "2026-01-05", PersonalID: "051326000777"},
				Father:   &civil.Parent{FullName: "Trần Văn Bình", DateOfBirth: "1990-02-02", Nationality: "Việt Nam"},
				Evidence: "Kết quả giám định ADN số 123/GĐ"}}},
			Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"TRÍCH LỤC ĐĂNG KÝ NHẬN CHA, MẸ, CON", "TRẦN VĂN BÌNH (cha)", "LÊ THỊ NA", "giám định ADN số 123/GĐ", "NGƯỜI KÝ TRÍCH LỤC"}},
		{"certificate_adoption", Data{Record: adopted, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Signer: "Lưu Thị Ĩnh"},
			[]string{"GIẤY CHỨNG NHẬN NUÔI CON NUÔI", "Họ, chữ đệm, tên cha nuôi: TRẦN VĂN BÌNH", "Họ, chữ đệm, tên mẹ nuôi: PHẠM THỊ LAN",
				"Họ, chữ đệm, tên con nuôi: LÊ THỊ NA", "Lê Thị Hoa (mẹ đẻ)", "NGƯỜI KÝ GIẤY CHỨNG NHẬN NUÔI CON NUÔI", "Lưu Thị Ĩnh"}},
		{"extract_adoption", Data{Record: adoptedByOne, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"TRÍCH LỤC ĐĂNG KÝ NUÔI CON NUÔI", "Họ, chữ đệm, tên mẹ nuôi: PHẠM THỊ LAN", "LÊ THỊ NA", "NGƯỜI KÝ TRÍCH LỤC",
				"Đã đăng ký ở nước ngoài: Tòa án gia đình Tokyo, Nhật Bản: Quyết định số 2025-88, ngày 01/09/2025"}},
		{"extract_guardianship", Data{Record: civil.Record{Kind: civil.GuardianshipKind, Register: civil.Register{Number: 4, Book: "01", Year: 2026},
			RegisteredOn: "2026-03-10", Content: civil.Content{Guardianship: &civil.Guardianship{
				Ward:        civil.Person{FullName: "Đinh Văn Tí", Sex: civil.Male, DateOfBirth: "2018-04-04", PersonalID: "051218000123"},
				Guardian:    civil.Parent{FullName: "Đinh Thị Mơ", DateOfBirth: "1985-01-01", Residence: "Thôn Nước Vương, xã Ba Tơ"},
				Appointment: "Văn bản số 12/VB-UBND", Supervisor: "Đinh Văn Núi"}}},
			History: []civil.Version{{Number: 1, Change: civil.Original}, {Number: 2, Change: civil.GuardianshipEnded, Reason: "Chấm dứt giám hộ từ ngày 10/03/2026: Quyết định số 3/2026", LegalBasis: civil.GuardianshipEndBasis,
				Fields: []string{"end.on"}, Officer: "Lê Thị Hạnh", At: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}},
			Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"TRÍCH LỤC ĐĂNG KÝ GIÁM HỘ", "Họ, chữ đệm, tên người giám hộ: ĐINH THỊ MƠ", "tên người được giám hộ: ĐINH VĂN TÍ",
				"Giám hộ cử: Văn bản số 12/VB-UBND", "Ghi chú chấm dứt giám hộ", "NGƯỜI KÝ TRÍCH LỤC"}},
		{"certificate_birth", Data{Record: again, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Signer: "Lưu Thị Ĩnh"},
			[]string{"Đăng ký lại: Đã đăng ký lần đầu tại UBND xã Nghĩa Chánh, ngày 20/05/1990 (số 45, quyển 01/1990)"}},
		{"extract_birth", Data{Record: seoul, Office: ex.Office, Province: ex.Province, IssuedAt: ex.IssuedAt, VerifyURL: ex.VerifyURL, Mark: Unsigned},
			[]string{"Đã đăng ký ở nước ngoài: Văn phòng hộ tịch quận Gangnam, Hàn Quốc: Giấy chứng nhận khai sinh số 2024-1234, ngày 10/06/2024"}},
		{"receipt", Data{Dossier: dossier.Dossier{Code: "K7QM-4XRA-P", Applicant: "Nguyễn Thị Đào", Phone: "0905 123 456", Channel: dossier.Desk,
			ReceivedAt: time.Date(2026, 3, 9, 9, 30, 0, 0, calendar.Vietnam), DueAt: time.Date(2026, 3, 12, 17, 0, 0, 0, calendar.Vietnam)},
			Procedure: proc, Papers: proc.Papers, Office: ex.Office, Province: ex.Province, Officer: "Lê Thị Hạnh",
			TrackURL: "https://tuphap.example/track/K7QM-4XRA-P", VerifyURL: "https://tuphap.example/track/K7QM-4XRA-P",
			IssuedAt: time.Date(2026, 3, 9, 9, 30, 0, 0, calendar.Vietnam)},
			// OCR reads the title's last word as "QUÁ": "QUẢ" is in the text layer (TestReceiptSlip).
			[]string{"PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ", "Mã hồ sơ: K7QM-4XRA-P", "Tiếp nhận hồ sơ của: Nguyễn Thị Đào",
				"Đăng ký thay đổi, cải chính hộ tịch", "NGƯỜI TIẾP NHẬN", "Lê Thị Hạnh"}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			pdf, err := Render(c.kind, c.data)
			if err != nil {
				t.Fatal(err)
			}
			pdftest.Check(t, pdf)
			seen := pdftest.OCR(t, pdf)
			for _, want := range append(motto, c.want...) {
				if !strings.Contains(seen, want) {
					t.Errorf("the drawn page lacks %q; OCR read:\n%s", want, seen)
				}
			}
			if text := pdftest.Text(t, pdf); !strings.Contains(text, c.want[0]) {
				t.Errorf("the text layer lacks %q", c.want[0])
			}
		})
	}
}

// Previews and unsigned copies are laid out concurrently by the server: the marks they share
// must be safe to draw at once (run with -race).
func TestMarksConcurrently(t *testing.T) {
	d := sample()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := Data{Record: d.Record, History: d.History, Office: d.Office, Province: d.Province, IssuedAt: d.IssuedAt, Mark: Mark(1 + i%2)}
			if _, err := Render("extract_birth", data); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
