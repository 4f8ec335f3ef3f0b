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
	VerifyURL string
}

var channelVN = map[dossier.Channel]string{dossier.Desk: "Trực tiếp", dossier.Post: "Qua bưu chính", dossier.Online: "Trực tuyến"}

// ReceiptSlip lays out the "phiếu tiếp nhận hồ sơ và hẹn trả kết quả" (templates/receipt.json).
func ReceiptSlip(r ReceiptData) ([]byte, error) {
	return Render("receipt", Data{Dossier: r.Dossier, Procedure: r.Procedure, Papers: r.Procedure.Papers, Office: r.Office,
		Province: r.Province, Officer: r.Officer, TrackURL: r.TrackURL, VerifyURL: r.VerifyURL, IssuedAt: r.Dossier.ReceivedAt})
}

func timingVN(t calendar.Timing) string {
	var s string
	if t.SameDay {
		s = "Trong ngày (hồ sơ nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"
	} else if t.Hours > 0 {
		s = fmt.Sprintf("%d giờ", t.Hours)
	} else if t.Days > 0 {
		s = fmt.Sprintf("%d ngày", t.Days)
	} else {
		s = fmt.Sprintf("%d ngày làm việc", t.WorkingDays)
	}
	if t.ExtensionDays > 0 {
		s += fmt.Sprintf("; có thể kéo dài thêm không quá %d ngày làm việc", t.ExtensionDays)
	}
	return strings.TrimSpace(s)
}
