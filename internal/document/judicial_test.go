package document

import (
	"strings"
	"testing"
	"time"

	"tuphap/internal/pdftest"
)

// A judicial-record certificate as the person gets it, read back from the drawn page: the
// authority the configuration names (here the provincial police), "Không có án tích" on a
// type 1, and on a type 2 each conviction with its state, expunged ones included.
func TestJudicialCertificatesAsDrawn(t *testing.T) {
	police := Authority{Parent: "Bộ Công an", Name: "Công an tỉnh Quảng Ngãi", SignerTitle: "KT. GIÁM ĐỐC", Place: "Quảng Ngãi", Address: "Số 1 Trần Hưng Đạo, phường Cẩm Thành"}
	clean := &JudicialCertificate{Type: 1, Number: "125/2026/LLTP", Authority: police, NoRecord: true, Purpose: "Xin việc", BansAsked: true,
		Bans: "Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"}
	clean.Person.FullName, clean.Person.Sex, clean.Person.DateOfBirth, clean.Person.PlaceOfBirth = "Trần Văn Lâm", "male", "1990-05-01", "Bình Sơn, Quảng Ngãi"
	full := &JudicialCertificate{Type: 2, Number: "126/2026/LLTP", Authority: police, RequestedBy: "Cơ quan Cảnh sát điều tra Công an tỉnh Quảng Ngãi",
		Bans: "Cấm đảm nhiệm chức vụ 24 tháng (Bản án số 30/2024/HS-ST)", Lines: []JudicialLine{
			{Court: "Tòa án nhân dân huyện Bình Sơn", Number: "12/2019/HS-ST", Date: "2019-01-10", Crimes: "khoản 1 Điều 173 Bộ luật Hình sự 2015",
				Main: "2 năm tù", Status: "Đã được xóa án tích ngày 25/01/2023"},
			{Court: "Tòa án nhân dân khu vực 1 - Quảng Ngãi", Number: "30/2024/HS-ST", Date: "2024-03-01", Crimes: "khoản 1 Điều 173 Bộ luật Hình sự 2015",
				Main: "6 tháng tù", Additional: "Cấm đảm nhiệm chức vụ 24 tháng", Status: "Chưa được xóa án tích"}}}
	full.Person = clean.Person
	full.Asked = []string{"20/10/2026: Công ty TNHH Xây dựng Miền Trung (Phiếu số 1), Tuyển dụng"}
	at := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		kind string
		cert *JudicialCertificate
		want []string
	}{
		{"judicial_certificate_1", clean, []string{"PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "BỘ CÔNG AN", "CÔNG AN TỈNH QUẢNG NGÃI", "Số: 125/2026/LLTP",
			"TRẦN VĂN LÂM", "Án tích: Không có án tích", "Không bị cấm đảm nhiệm chức vụ", "Quảng Ngãi, ngày 30 tháng 11 năm 2026", "KT. GIÁM ĐỐC"}},
		{"judicial_certificate_2", full, []string{"PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2", "Bản án số 12/2019/HS-ST ngày 10/01/2019", "Đã được xóa án tích ngày 25/01/2023",
			"Bản án số 30/2024/HS-ST ngày 01/03/2024", "Chưa được xóa án tích", "Cấm đảm nhiệm chức vụ 24 tháng", "Cơ quan Cảnh sát điều tra",
			"Các yêu cầu cấp Phiếu lý lịch tư pháp về người này", "Công ty TNHH Xây dựng Miền Trung"}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			pdf, err := Render(c.kind, Data{Judicial: c.cert, IssuedAt: at, VerifyURL: "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW", Mark: Unsigned})
			if err != nil {
				t.Fatal(err)
			}
			pdftest.Check(t, pdf)
			seen := pdftest.OCR(t, pdf)
			for _, want := range append([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}, c.want...) {
				if !strings.Contains(seen, want) {
					t.Errorf("the drawn page lacks %q; OCR read:\n%s", want, seen)
				}
			}
		})
	}
	if _, err := Render("judicial_certificate_1", Data{IssuedAt: at}); err == nil {
		t.Error("a certificate laid out without its content")
	}
}
