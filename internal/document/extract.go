package document

import (
	"fmt"
	"strings"
	"time"

	"tuphap/internal/calendar"
	"tuphap/internal/civil"
)

// ExtractData is what an extract (trích lục) shows.
type ExtractData struct {
	Record    civil.Record
	Office    string // the registering office's name, "UBND Phường Cẩm Thành"
	Province  string // "tỉnh Quảng Ngãi"
	History   []civil.Version
	IssuedAt  time.Time
	VerifyURL string
}

var sexVN = map[string]string{civil.Male: "Nam", civil.Female: "Nữ"}

// ExtractKind is the layout of an entry's extract.
func ExtractKind(k civil.Kind) string { return "extract_" + string(k) }

// CertificateKind names the layout of an entry's original certificate, for the kinds that have
// one (certificate_birth, certificate_marriage).
func CertificateKind(k civil.Kind) string { return "certificate_" + string(k) }

// IsCertificate says whether a document kind is an original certificate, which only the
// registering office issues.
func IsCertificate(kind string) bool { return strings.HasPrefix(kind, "certificate_") }

// Extract lays out the extract of an entry in its current version, with the marginal notes of
// every correction and supplement (layouts in templates/extract_*.json).
func Extract(d ExtractData) ([]byte, error) {
	return Render(ExtractKind(d.Record.Kind), Data{Record: d.Record, History: d.History, Office: d.Office, Province: d.Province,
		IssuedAt: d.IssuedAt, VerifyURL: d.VerifyURL})
}

func year(date string) string {
	if len(date) >= 4 {
		return date[:4]
	}
	return ""
}

var changeVN = map[civil.Change]string{civil.Correction: "Cải chính", civil.Supplement: "Bổ sung", civil.Divorced: "Ghi chú ly hôn", civil.Recognised: "Ghi chú nhận cha, mẹ, con",
	civil.Adopted: "Ghi chú nuôi con nuôi", civil.GuardianshipEnded: "Ghi chú chấm dứt giám hộ",
	civil.NameChange: "Thay đổi", civil.EthnicityChange: "Xác định lại dân tộc", civil.StatusUsed: "Ghi chú đã sử dụng"}

// marginalNotes are the notes written beside an entry for each later version. Version.Officer
// is printed as given: the caller puts the officer's full name and title there.
func marginalNotes(history []civil.Version) []string {
	var out []string
	for _, v := range history {
		if v.Change == civil.Original {
			continue
		}
		out = append(out, fmt.Sprintf("%s ngày %s (%s): %s. Căn cứ: %s. Người thực hiện: %s.", changeVN[v.Change],
			v.At.In(calendar.Vietnam).Format("02/01/2006"), fieldLabels(v.Fields), strings.TrimSuffix(v.Reason, "."), strings.TrimSuffix(v.LegalBasis, "."), v.Officer))
	}
	return out
}
