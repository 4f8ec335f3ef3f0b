package judicial

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tuphap/internal/civil"
	"tuphap/internal/document"
	"tuphap/internal/fault"
)

// errVerifyFirst: a conviction's expungement depends on a day not yet known; the certificate
// waits for the court's or prison's answer.
var errVerifyFirst = fault.New(fault.Conflict, "judicial.verify_first")

// CertificateFor is what a certificate of the request says on day on, from the person's
// judgments (Law on Judicial Records 2009 art. 42–43):
//   - type 1: the convictions not expunged, or "Không có án tích"; the bans on holding office and
//     on founding or managing enterprises and cooperatives only when asked;
//   - type 2: every conviction, expunged ones marked, and the bans always.
//
// A conviction whose standing needs a day not yet reported is refused (errVerifyFirst).
func CertificateFor(req Request, records []Record, on time.Time) (document.JudicialCertificate, error) {
	var c document.JudicialCertificate
	c.Type, c.Purpose = req.Type, req.Purpose
	c.Person.FullName, c.Person.Sex, c.Person.DateOfBirth = req.Person.FullName, req.Person.Sex, req.Person.DateOfBirth
	c.Person.PlaceOfBirth, c.Person.PersonalID = req.Person.PlaceOfBirth, req.Person.PersonalID
	if req.Requester == Agency || req.Requester == Prosecutor {
		c.RequestedBy = req.RequesterName
	}
	st := StatusOn(records, on)
	byID := map[string]Record{}
	for _, r := range records {
		byID[r.ID] = r
	}
	var bans []string
	for _, conv := range st.Convictions {
		if conv.Verify {
			return c, errVerifyFirst
		}
		r := byID[conv.JudgmentID]
		bans = append(bans, bansInForce(r, on)...)
		if req.Type == 1 && conv.Expunged {
			continue
		}
		line := document.JudicialLine{Court: r.Court, Number: r.Number, Date: r.Date, Crimes: crimesVN(r.Crimes), Main: mainVN(r.Main),
			Additional: additionalVN(r.Additional)}
		switch {
		case conv.NoRecord:
			line.Status = "Không bị coi là có án tích (Bộ luật Hình sự 2015, Điều 107.1)"
		case conv.Expunged:
			line.Status = "Đã được xóa án tích ngày " + document.DateVN(*conv.ExpungedOn)
		default:
			line.Status = "Chưa được xóa án tích"
			if end, _ := mainEnd(r.Judgment, mustDate(r.EffectiveDate), reportsBy(r.Events, on), on); !end.IsZero() {
				line.Status += "; đã chấp hành xong hình phạt chính ngày " + document.DateVN(end.Format(civil.DateFormat))
			}
		}
		c.Lines = append(c.Lines, line)
	}
	c.NoRecord = len(c.Lines) == 0
	c.BansAsked = req.Type == 2 || req.ShowBans
	c.Bans = "Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"
	if len(bans) > 0 {
		c.Bans = strings.Join(bans, "; ")
	}
	return c, nil
}

// bansInForce are a judgment's bans on holding office and on founding or managing enterprises
// that still run on day on.
func bansInForce(r Record, on time.Time) []string {
	effective := mustDate(r.EffectiveDate)
	rs := reportsBy(r.Events, on)
	end, _ := mainEnd(r.Judgment, effective, rs, on)
	var out []string
	for i, a := range r.Additional {
		if a.Type != BanOffice && a.Type != BanEnterprise {
			continue
		}
		until, _ := additionalEnd(r.Judgment, i, effective, end, rs)
		if until.IsZero() || until.After(on) {
			what := additionalNames[a.Type] + " " + monthsVN(a.Months)
			if !until.IsZero() {
				what += " (đến ngày " + document.DateVN(until.Format(civil.DateFormat)) + ")"
			}
			out = append(out, what+", Bản án số "+r.Number)
		}
	}
	return out
}

func mustDate(s string) time.Time {
	d, _ := civil.ParseDate(s)
	return d
}

var additionalNames = map[AdditionalType]string{BanOffice: "Cấm đảm nhiệm chức vụ", BanProfession: "Cấm hành nghề hoặc làm công việc nhất định",
	BanEnterprise: "Cấm thành lập, quản lý doanh nghiệp, hợp tác xã", ResidenceBan: "Cấm cư trú", Supervision: "Quản chế",
	RightsDenied: "Tước một số quyền công dân", Confiscation: "Tịch thu tài sản", AdditionalFee: "Phạt tiền", Expulsion: "Trục xuất"}

// crimesVN names the crimes as a certificate does: "khoản 1 Điều 173 Bộ luật Hình sự 2015".
func crimesVN(cs []Crime) string {
	var out []string
	for _, c := range cs {
		s := fmt.Sprintf("Điều %d", c.Article)
		if c.Clause != "" {
			s = "khoản " + c.Clause + " " + s
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ") + " Bộ luật Hình sự 2015"
}

// monthsVN writes a length as papers do: "2 năm 6 tháng", "18 tháng" under two years is
// written in months.
func monthsVN(m int) string {
	switch {
	case m%12 == 0 && m >= 12:
		return fmt.Sprintf("%d năm", m/12)
	case m > 24:
		return fmt.Sprintf("%d năm %d tháng", m/12, m%12)
	}
	return fmt.Sprintf("%d tháng", m)
}

// dong writes an amount with the dots Vietnamese papers use: "10.000.000 đồng".
func dong(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s + " đồng"
}

func mainVN(m MainPenalty) string {
	switch m.Type {
	case Warning:
		return "Cảnh cáo"
	case Fine:
		return "Phạt tiền " + dong(m.Amount)
	case NonCustodial:
		return monthsVN(m.Months) + " cải tạo không giam giữ"
	case Suspended:
		return monthsVN(m.Months) + " tù cho hưởng án treo, thời gian thử thách " + monthsVN(m.ProbationMonths)
	case Prison:
		return monthsVN(m.Months) + " tù"
	case Life:
		return "Tù chung thân"
	case Death:
		return "Tử hình"
	}
	return string(m.Type)
}

func additionalVN(as []Additional) string {
	var out []string
	for _, a := range as {
		s := additionalNames[a.Type]
		switch {
		case a.Months > 0:
			s += " " + monthsVN(a.Months)
		case a.Amount > 0:
			s += " " + dong(a.Amount)
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}
