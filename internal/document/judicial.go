package document

import (
	"fmt"
	"strings"
)

// Authority is who issues judicial-record certificates: the department of justice, or since 1
// July 2026 the provincial police (Law 107/2025/QH15). It is configuration, never assumed.
type Authority struct {
	Parent      string `json:"parent"`       // "UBND TỈNH QUẢNG NGÃI", "BỘ CÔNG AN"
	Name        string `json:"name"`         // "SỞ TƯ PHÁP", "CÔNG AN TỈNH QUẢNG NGÃI"
	SignerTitle string `json:"signer_title"` // "GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
	Place       string `json:"place"`        // "Quảng Ngãi", where papers are dated
	Address     string `json:"address,omitempty"`
}

// JudicialCertificate is what a judicial-record certificate shows (Law on Judicial Records
// 2009 art. 42–43): filled by the judicial domain from a person's record on the day.
type JudicialCertificate struct {
	Type      int
	Number    string
	Authority Authority
	Person    struct{ FullName, Sex, DateOfBirth, PlaceOfBirth, PersonalID string }
	Purpose   string
	// RequestedBy names the agency or prosecuting body that asked, "" for the person.
	RequestedBy string
	// NoRecord: the certificate says "Không có án tích".
	NoRecord bool
	Lines    []JudicialLine
	// BansAsked: a type 1 certificate shows the bans only when asked; Bans is what it says.
	BansAsked bool
	Bans      string
	// Asked lists who asked for certificates about the person before, shown on the certificate
	// the person asks for themself (type 2): their data's use is theirs to know (Law 91/2025).
	Asked []string
}

// JudicialLine is one conviction as a certificate shows it.
type JudicialLine struct {
	Court, Number, Date string
	Crimes              string
	Main, Additional    string
	Status              string
}

// authorityHeader writes the issuing authority beside the national motto.
func (p *page) authorityHeader(a Authority) {
	p.issuer(func(mid float64) {
		p.center(margin-20, mid, strings.ToUpper(a.Parent), false, 11)
		p.y += lineH
		p.center(margin-20, mid, strings.ToUpper(a.Name), true, 11)
		if a.Address != "" {
			p.y += lineH
			p.center(margin-20, mid, a.Address, false, 8)
		}
	})
}

// convictions writes the record: "Không có án tích", or each conviction.
func (p *page) convictions(c *JudicialCertificate) {
	if c.NoRecord {
		p.field("Án tích", "Không có án tích")
		return
	}
	p.font(true, 11)
	p.write(margin, "Án tích:")
	p.y += lineH
	for i, l := range c.Lines {
		p.paragraph(fmt.Sprintf("%d. Bản án số %s ngày %s của %s", i+1, l.Number, DateVN(l.Date), l.Court), 11)
		for _, f := range [][2]string{{"Tội danh", l.Crimes}, {"Hình phạt chính", l.Main}, {"Hình phạt bổ sung", l.Additional}, {"Tình trạng", l.Status}} {
			if f[1] != "" {
				p.field("   "+f[0], f[1])
			}
		}
	}
}

// asked writes who asked for certificates about the person before.
func (p *page) asked(c *JudicialCertificate) {
	if len(c.Asked) == 0 {
		return
	}
	p.y += lineH / 2
	p.font(true, 11)
	p.write(margin, "Các yêu cầu cấp Phiếu lý lịch tư pháp về người này:")
	p.y += lineH
	for _, a := range c.Asked {
		p.paragraph("- "+a, 10)
	}
}
