package document

import (
	"fmt"
	"strings"

	"tuphap/internal/calendar"
	"tuphap/internal/dossier"
)

// ReceiptData is what a receipt slip shows.
type ReceiptData struct {
	Dossier   dossier.Dossier
	Procedure dossier.Procedure
	Office    string
	Province  string
	Officer   string // who received it
	TrackURL  string // where the citizen follows the dossier
}

var channelVN = map[dossier.Channel]string{dossier.Desk: "Trực tiếp", dossier.Post: "Qua bưu chính", dossier.Online: "Trực tuyến"}

// ReceiptSlip lays out the "phiếu tiếp nhận hồ sơ và hẹn trả kết quả" of the one-stop desk
// (after the form of Circular 01/2018/VPCP): the receipt code, the papers received, and when and
// where the result will be returned.
func ReceiptSlip(r ReceiptData) ([]byte, error) {
	d := r.Dossier
	p, err := newPage("PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", d.ReceivedAt)
	if err != nil {
		return nil, err
	}
	p.header(r.Office, r.Province)
	p.center(margin, pageW-margin, "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", true, 14)
	p.y += 1.2 * lineH
	p.center(margin, pageW-margin, "Mã hồ sơ: "+d.Code, true, 13)
	p.y += 1.8 * lineH
	recv := d.ReceivedAt.In(calendar.Vietnam)
	due := d.DueAt.In(calendar.Vietnam)
	p.field("Bộ phận tiếp nhận và trả kết quả", r.Office)
	p.field("Tiếp nhận hồ sơ của", d.Applicant)
	if d.Phone != "" {
		p.field("Số điện thoại", d.Phone)
	}
	p.field("Thủ tục", r.Procedure.Name)
	p.field("Hình thức nộp", channelVN[d.Channel])
	p.field("Thời điểm tiếp nhận", recv.Format("15:04, ngày 02/01/2006"))
	p.y += lineH / 2
	p.font(true, 11)
	p.write(margin, "Thành phần hồ sơ:")
	p.y += lineH
	for i, paper := range r.Procedure.Papers {
		p.paragraph(fmt.Sprintf("%d. %s", i+1, paper), 11)
	}
	p.y += lineH / 2
	p.field("Thời hạn giải quyết theo quy định", timingVN(r.Procedure.Timing))
	p.field("Hẹn trả kết quả", due.Format("15:04, ngày 02/01/2006")+" ("+DateInWords(due.Format("2006-01-02"))+")")
	if r.TrackURL != "" {
		p.field("Tra cứu tình trạng hồ sơ", r.TrackURL)
	}
	p.y += lineH
	p.center(pageW/2, pageW-margin, "NGƯỜI TIẾP NHẬN", true, 11)
	p.y += 3 * lineH
	p.center(pageW/2, pageW-margin, r.Officer, false, 11)
	return p.bytes()
}

func timingVN(t calendar.Timing) string {
	var s string
	if t.SameDay {
		s = "Trong ngày (hồ sơ nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"
	} else {
		s = fmt.Sprintf("%d ngày làm việc", t.WorkingDays)
	}
	if t.ExtensionDays > 0 {
		s += fmt.Sprintf("; có thể kéo dài thêm không quá %d ngày làm việc", t.ExtensionDays)
	}
	return strings.TrimSpace(s)
}
