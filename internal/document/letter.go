package document

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Letter is an administrative document of the department (văn bản hành chính), laid out as
// Decree 30/2020/NĐ-CP, Appendix I prescribes: the issuing body and the motto, the number and
// symbol, place and date, the kind's name and summary (a công văn's "V/v" under its number),
// the body, the recipients, the signer.
type Letter struct {
	Parent, Organisation string // "UBND TỈNH QUẢNG NGÃI", "SỞ TƯ PHÁP"
	Kind                 string // "Công văn", "Thông báo"
	Named                bool   // the kind's name is printed as a title (every kind but the công văn)
	Number               string // "12/STP-VP"; "" before numbering
	Place                string // "Quảng Ngãi"
	IssuedOn             string // YYYY-MM-DD; "" before numbering
	Summary              string
	Addressees           []string // a công văn's "Kính gửi"
	Body                 string   // paragraphs separated by new lines
	Recipients           []string // "Nơi nhận", with the copy kept ("Lưu: VT, VP.")
	SignerTitle          []string // "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
}

// LetterDate writes a letter's date as Decree 30/2020 (Appendix I, 1.4) wants it: days below 10
// and the months January and February with a leading zero.
func LetterDate(place, day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return place + ", ngày     tháng     năm"
	}
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, t.Day(), month, t.Year())
}

// bottom is how far down a letter's text may go: the QR code and its caption sit below.
const bottom = pageH - margin - 100

// room starts a new page when fewer than h points are left above the QR code's place.
func (p *page) room(h float64) {
	if p.y+h <= bottom {
		return
	}
	p.pdf.AddPage()
	p.pages++
	// From the second page on, its number at the top, in the middle (Decree 30/2020, App. I).
	p.y = margin - 8
	p.center(margin, pageW-margin, fmt.Sprint(p.pages), false, 12)
	if _, ok := marks[p.marked]; ok {
		p.mark(p.marked)
	}
	p.y = margin + lineH
}

// text writes wrapped text between x0 and x1, a new page when the page is full.
func (p *page) text(x0, x1 float64, s string, bold bool, size float64, indent float64) {
	p.font(bold, size)
	lines, err := p.pdf.SplitTextWithWordWrap(norm.NFC.String(s), x1-x0-indent)
	if err != nil {
		lines = []string{s}
	}
	for i, l := range lines {
		p.room(lineH)
		p.font(bold, size) // a new page's number and mark set theirs
		x := x0
		if i == 0 {
			x += indent
		}
		p.write(x, l)
		p.y += lineH
	}
}

// letterHead writes the issuing body, the number and the date, and the kind and summary.
func (p *page) letterHead(l *Letter) {
	top := p.y
	mid := pageW * 0.42
	p.issuer(func(mid float64) {
		p.center(margin-20, mid, strings.ToUpper(l.Parent), false, 12)
		p.y += lineH
		p.center(margin-20, mid, strings.ToUpper(l.Organisation), true, 12)
		p.pdf.SetLineWidth(0.6)
		c := (margin - 20 + mid) / 2
		p.pdf.Line(c-30, p.y+5, c+30, p.y+5)
	})
	p.y = top + 3*lineH
	number := l.Number
	if number == "" {
		number = "      /"
	}
	p.center(margin-20, mid, "Số: "+number, false, 12)
	if !l.Named {
		p.y += lineH
		for _, line := range p.lines("V/v "+l.Summary, mid-margin, 11) {
			p.center(margin-20, mid, line, false, 11)
			p.y += lineH - 2
		}
	}
	after := p.y
	p.y = top + 3*lineH
	p.font(false, 12)
	p.center(mid, pageW-margin+20, LetterDate(l.Place, l.IssuedOn), false, 12)
	p.y = max(after, p.y+lineH) + lineH
	if l.Named {
		p.center(margin, pageW-margin, strings.ToUpper(l.Kind), true, 14)
		p.y += lineH + 2
		for _, line := range p.lines(l.Summary, pageW-2*margin-40, 13) {
			p.center(margin, pageW-margin, line, true, 13)
			p.y += lineH
		}
		p.y += lineH / 2
	}
	if len(l.Addressees) > 0 {
		p.font(false, 13)
		label := "Kính gửi: "
		w, _ := p.pdf.MeasureTextWidth(label)
		x := pageW/2 - 90
		if len(l.Addressees) == 1 {
			p.text(x, pageW-margin, label+l.Addressees[0]+".", false, 13, 0)
		} else {
			p.room(lineH)
			p.write(x, label)
			for i, a := range l.Addressees {
				end := ";"
				if i == len(l.Addressees)-1 {
					end = "."
				}
				p.text(x+w, pageW-margin, "- "+a+end, false, 13, 0)
			}
		}
		p.y += lineH / 2
	}
}

// lines splits s to fit width at size.
func (p *page) lines(s string, width, size float64) []string {
	p.font(false, size)
	out, err := p.pdf.SplitTextWithWordWrap(norm.NFC.String(s), width)
	if err != nil {
		return []string{s}
	}
	return out
}

// letterBody writes the paragraphs, each first line indented.
func (p *page) letterBody(l *Letter) {
	for _, para := range strings.Split(strings.ReplaceAll(l.Body, "\r\n", "\n"), "\n") {
		if para = strings.TrimSpace(para); para != "" {
			p.text(margin, pageW-margin, para, false, 13, 28)
			p.y += 3
		}
	}
}

// letterFoot writes the recipients at the left and the signer's title, and name once signed,
// at the right. The signature block starts the foot on a page with room for it; a long list of
// recipients goes on over the next pages.
func (p *page) letterFoot(l *Letter, signer string) {
	p.y += lineH / 2
	p.room(float64(len(l.SignerTitle)+5) * lineH)
	top, startPage := p.y, p.pages
	for _, t := range l.SignerTitle {
		p.center(pageW/2, pageW-margin, t, true, 12)
		p.y += lineH
	}
	if signer != "" {
		p.center(pageW/2, pageW-margin, "(Đã ký số)", false, 10)
		p.y += 2 * lineH
		p.center(pageW/2, pageW-margin, signer, true, 12)
		p.y += lineH
	}
	right := p.y
	p.y = top
	p.font(true, 12)
	p.write(margin, "Nơi nhận:")
	p.y += lineH - 3
	// The list in 11 points (Decree 30/2020, Appendix I): smaller, a copy's "VT" reads as "VI".
	for _, r := range l.Recipients {
		p.text(margin, pageW/2-10, "- "+r, false, 11, 0)
		p.y -= 3
	}
	if p.pages == startPage {
		p.y = max(p.y, right)
	}
}
