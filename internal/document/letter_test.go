package document

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"tuphap/internal/pdftest"
)

func sampleLetter(named bool) *Letter {
	l := &Letter{Parent: "UBND TỈNH QUẢNG NGÃI", Organisation: "SỞ TƯ PHÁP", Kind: "Công văn", Number: "12/STP-HCTP", Place: "Quảng Ngãi",
		IssuedOn: "2026-02-05", Summary: "hướng dẫn đăng ký khai sinh, kết hôn có yếu tố nước ngoài tại Ủy ban nhân dân cấp xã",
		Addressees: []string{"Ủy ban nhân dân các xã, phường, đặc khu"},
		Body: "Thực hiện Nghị định số 120/2025/NĐ-CP về phân định thẩm quyền của chính quyền địa phương hai cấp, Sở Tư pháp hướng dẫn như sau:\n" +
			"1. Ủy ban nhân dân cấp xã đăng ký khai sinh, kết hôn có yếu tố nước ngoài kể từ ngày 01 tháng 7 năm 2025; công chức tư pháp - hộ tịch kiểm tra hồ sơ, đối chiếu giấy tờ tùy thân và cơ sở dữ liệu hộ tịch điện tử.\n" +
			"2. Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về Sở Tư pháp (Phòng Hành chính tư pháp) để được hướng dẫn.",
		Recipients:  []string{"Như trên;", "Bộ Tư pháp (để báo cáo);", "Lưu: VT, HCTP."},
		SignerTitle: []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"}}
	if named {
		l.Kind, l.Named, l.Number, l.Addressees = "Thông báo", true, "7/TB-STP", nil
		l.Summary = "Kết luận kiểm tra công tác đăng ký hộ tịch năm 2026"
	}
	return l
}

// A letter as a citizen or a commune reads it on paper: the issuing body, the motto, the
// number and symbol, the date as Decree 30/2020 writes it, the summary, the body, the
// recipients and the signer, each letter with its marks.
func TestLetterAsDrawn(t *testing.T) {
	for _, named := range []bool{false, true} {
		l := sampleLetter(named)
		pdf, err := Render("outgoing_document", Data{Letter: l, IssuedAt: time.Date(2026, 2, 5, 3, 0, 0, 0, time.UTC),
			VerifyURL: "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW", Signer: "Trần Thị Thu Hà"})
		if err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("TUPHAP_SCREENSHOTS"); dir != "" {
			os.WriteFile(dir+"/letter.pdf", pdf, 0o644)
		}
		text := pdftest.OCR(t, pdf)
		want := []string{"UBND TỈNH QUẢNG NGÃI", "SỞ TƯ PHÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
			"Số: " + l.Number, "Quảng Ngãi, ngày 05 tháng 02 năm 2026", "Nơi nhận:", "Lưu: VT, HCTP.", "PHÓ GIÁM ĐỐC", "Trần Thị Thu Hà"}
		if named {
			want = append(want, "THÔNG BÁO", "Kết luận kiểm tra công tác đăng ký hộ tịch năm 2026")
		} else {
			want = append(want, "V/v hướng dẫn đăng ký khai sinh", "Kính gửi: Ủy ban nhân dân các xã, phường, đặc khu.", "phân định thẩm quyền")
		}
		if codes := pdftest.QRCodes(t, pdf, 150); len(codes) != 1 || codes[0] != "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW" {
			t.Errorf("named=%v: QR codes %q", named, codes)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("named=%v: the page does not read %q:\n%s", named, w, text)
			}
		}
	}
}

func TestLetterDate(t *testing.T) {
	for _, c := range []struct{ day, want string }{
		{"2026-02-05", "Quảng Ngãi, ngày 05 tháng 02 năm 2026"}, // Decree 30/2020 App. I 1.4: 0 before days < 10 and months 1, 2
		{"2026-11-30", "Quảng Ngãi, ngày 30 tháng 11 năm 2026"},
		{"2026-03-09", "Quảng Ngãi, ngày 09 tháng 3 năm 2026"},
	} {
		if got := LetterDate("Quảng Ngãi", c.day); got != c.want {
			t.Errorf("%s: %q, want %q", c.day, got, c.want)
		}
	}
}

// A letter to sixty communes with a long text runs over pages: each page after the first has
// its number at the top, the addressees and recipients go on over the pages without running
// into the QR code, the unsigned mark is on every page, and the signer and the QR code end it.
func TestLongLetterAsDrawn(t *testing.T) {
	l := sampleLetter(false)
	l.Addressees, l.Recipients = nil, nil
	for i := 1; i <= 60; i++ {
		name := fmt.Sprintf("Ủy ban nhân dân xã Số %d", i)
		l.Addressees = append(l.Addressees, name)
		l.Recipients = append(l.Recipients, name+";")
	}
	l.Recipients = append(l.Recipients, "Lưu: VT, HCTP.")
	l.Body = strings.Repeat(l.Body+"\n", 4)
	pdf, err := Render("outgoing_document", Data{Letter: l, IssuedAt: time.Date(2026, 2, 5, 3, 0, 0, 0, time.UTC),
		VerifyURL: "https://tuphap.example/verify/ABCDEFGHJKMNPQRSTUVW", Mark: Unsigned})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("TUPHAP_SCREENSHOTS"); dir != "" {
		os.WriteFile(dir+"/long-letter.pdf", pdf, 0o644)
	}
	pages := pdftest.Pages(t, pdf, 50)
	if len(pages) < 3 {
		t.Fatalf("%d pages", len(pages))
	}
	text := pdftest.OCR(t, pdf)
	for _, want := range []string{"Kính gửi:", "- Ủy ban nhân dân xã Số 60.", "Nơi nhận:", "- Ủy ban nhân dân xã Số 59;", "Lưu: VT, HCTP.", "PHÓ GIÁM ĐỐC",
		"Văn bản chưa được ký số"} {
		if !strings.Contains(text, want) {
			t.Errorf("the pages do not read %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "Văn bản chưa được ký số"); n != len(pages) {
		t.Errorf("the unsigned mark's line on %d of %d pages", n, len(pages))
	}
	if codes := pdftest.QRCodes(t, pdf, 150); len(codes) != 1 {
		t.Errorf("QR codes: %q", codes)
	}
}
