package document

import (
	"fmt"
	"strings"
	"time"

	"tuphap/internal/civil"
)

// ExtractData is what an extract (trích lục) shows.
type ExtractData struct {
	Record   civil.Record
	Office   string // the registering office's name, "UBND Phường Cẩm Thành"
	Province string // "tỉnh Quảng Ngãi"
	History  []civil.Version
	IssuedAt time.Time // in Vietnam's time zone
}

var sexVN = map[string]string{civil.Male: "Nam", civil.Female: "Nữ"}

// Extract lays out the extract of an entry in its current version, after the official forms
// of Circular 04/2020/TT-BTP: "Số", "Quyển số", the fields of the entry, the registering office
// and date, and a marginal note of every correction and supplement.
func Extract(d ExtractData) ([]byte, error) {
	r := d.Record
	title := "TRÍCH LỤC KHAI SINH"
	if r.Kind == civil.DeathKind {
		title = "TRÍCH LỤC KHAI TỬ"
	}
	p, err := newPage(title, d.IssuedAt)
	if err != nil {
		return nil, err
	}
	p.header(d.Office, d.Province)
	p.center(margin, pageW-margin, title, true, 15)
	p.y += 1.5 * lineH
	p.font(false, 11)
	p.write(margin, fmt.Sprintf("Số: %d", r.Register.Number))
	p.write(pageW/2, fmt.Sprintf("Quyển số: %s/%d", r.Register.Book, r.Register.Year))
	p.y += 1.5 * lineH
	switch {
	case r.Birth != nil:
		birthFields(p, r.Birth)
	case r.Death != nil:
		deathFields(p, r.Death)
	}
	p.y += lineH / 2
	p.field("Nơi đăng ký", d.Office+", "+d.Province)
	p.field("Ngày, tháng, năm đăng ký", DateVN(r.RegisteredOn))
	if r.Late {
		p.field("Ghi chú đăng ký", "Đăng ký quá hạn")
	}
	if notes := marginalNotes(d.History); len(notes) > 0 {
		p.y += lineH / 2
		p.font(true, 11)
		p.write(margin, "Ghi chú thay đổi, cải chính, bổ sung:")
		p.y += lineH
		for _, n := range notes {
			p.paragraph(n, 10)
		}
	}
	p.y += lineH
	issued := d.IssuedAt.Format("2006-01-02")
	p.font(false, 11)
	place := strings.TrimPrefix(d.Office, "UBND ")
	p.center(pageW/2, pageW-margin, fmt.Sprintf("%s, ngày %s", place, DateVN(issued)), false, 11)
	p.y += lineH
	p.center(pageW/2, pageW-margin, "NGƯỜI KÝ TRÍCH LỤC", true, 11)
	p.y += lineH
	p.center(pageW/2, pageW-margin, "(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)", false, 9)
	return p.bytes()
}

func birthFields(p *page, b *civil.Birth) {
	c := b.Child
	p.field("Họ, chữ đệm, tên", strings.ToUpper(c.FullName))
	p.field("Ngày, tháng, năm sinh", DateVN(c.DateOfBirth))
	p.field("Ghi bằng chữ", DateInWords(c.DateOfBirth))
	p.field("Giới tính", sexVN[c.Sex])
	p.field("Dân tộc", c.Ethnicity)
	p.field("Quốc tịch", c.Nationality)
	p.field("Nơi sinh", c.PlaceOfBirth)
	p.field("Quê quán", c.Hometown)
	p.field("Số định danh cá nhân", c.PersonalID)
	parent := func(role string, x *civil.Parent) {
		if x == nil {
			p.field("Họ, chữ đệm, tên người "+role, "")
			return
		}
		p.field("Họ, chữ đệm, tên người "+role, x.FullName)
		p.field("Năm sinh", year(x.DateOfBirth))
		p.field("Dân tộc", x.Ethnicity)
		p.field("Quốc tịch", x.Nationality)
		p.field("Nơi cư trú", x.Residence)
	}
	parent("mẹ", b.Mother)
	parent("cha", b.Father)
	if b.Abandoned != nil {
		p.field("Trẻ bị bỏ rơi, phát hiện ngày", DateVN(b.Abandoned.FoundOn)+" tại "+b.Abandoned.FoundAt)
	}
	if b.Abroad != nil {
		p.field("Sinh ra ở nước ngoài", b.Abroad.Country)
	}
}

func deathFields(p *page, d *civil.Death) {
	x := d.Deceased
	p.field("Họ, chữ đệm, tên", strings.ToUpper(x.FullName))
	p.field("Ngày, tháng, năm sinh", DateVN(x.DateOfBirth))
	p.field("Giới tính", sexVN[x.Sex])
	p.field("Dân tộc", x.Ethnicity)
	p.field("Quốc tịch", x.Nationality)
	p.field("Số định danh cá nhân", x.PersonalID)
	p.field("Nơi cư trú cuối cùng", x.Residence)
	p.field("Đã chết vào lúc", DateVN(d.DateOfDeath))
	p.field("Ghi bằng chữ", DateInWords(d.DateOfDeath))
	p.field("Nơi chết", d.PlaceOfDeath)
	p.field("Nguyên nhân chết", d.Cause)
}

func year(date string) string {
	if len(date) >= 4 {
		return date[:4]
	}
	return ""
}

var changeVN = map[civil.Change]string{civil.Correction: "Cải chính", civil.Supplement: "Bổ sung"}

// marginalNotes are the notes written beside an entry for each later version.
func marginalNotes(history []civil.Version) []string {
	var out []string
	for _, v := range history {
		if v.Change == civil.Original {
			continue
		}
		out = append(out, fmt.Sprintf("%s ngày %s (%s): %s. Căn cứ: %s. Người thực hiện: %s.", changeVN[v.Change],
			v.At.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006"), strings.Join(v.Fields, ", "), v.Reason, v.LegalBasis, v.Officer))
	}
	return out
}
