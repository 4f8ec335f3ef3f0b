// Package document lays out the papers tuphap issues as PDF: A4, black on white, Vietnamese text
// in Liberation Serif (licence in fonts/), which has the metrics of Times New Roman, the face
// Decree 30/2020/NĐ-CP prescribes for administrative papers.
//
// Why this font: gopdf embeds a subset of the font and adds the components of a composite glyph
// one level deep only. DejaVu, used before, builds 74 of the 146 Vietnamese letters two levels
// deep (ạ = a + dotbelowcomb, itself a composite), so their marks vanished on the page while the
// text layer stayed right. Liberation Serif 2.1 covers every Vietnamese letter and has no nested
// composite at all (maxp depth 1); TestFontsDrawVietnamese keeps it that way for any font put
// here. A document is finished bytes; signing appends to them without changing this layout.
package document

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"

	"tuphap/internal/vntext"
)

var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serif []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
)

const (
	pageW, pageH = 595.28, 841.89 // A4 in points
	margin       = 56.0
	lineH        = 17.0
)

// page is a PDF being written top to bottom.
type page struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
	// marked is what an unsigned document says of itself, drawn again on each new page.
	marked Mark
	pages  int
}

func newPage(title string, created time.Time) (*page, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "tuphap", Producer: "tuphap", CreationDate: created})
	if err := pdf.AddTTFFontData("serif", serif); err != nil {
		return nil, err
	}
	if err := pdf.AddTTFFontData("serif-bold", serifBold); err != nil {
		return nil, err
	}
	pdf.AddPage()
	return &page{pdf: pdf, y: margin, pages: 1}, nil
}

func (p *page) font(bold bool, size float64) {
	name := "serif"
	if bold {
		name = "serif-bold"
	}
	if err := p.pdf.SetFont(name, "", size); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *page) write(x float64, s string) {
	p.pdf.SetXY(x, p.y)
	if err := p.pdf.Text(norm.NFC.String(s)); err != nil && p.err == nil {
		p.err = err
	}
}

// center writes one line centred in the box [x0, x1].
func (p *page) center(x0, x1 float64, s string, bold bool, size float64) {
	p.font(bold, size)
	w, _ := p.pdf.MeasureTextWidth(norm.NFC.String(s))
	p.write(x0+(x1-x0-w)/2, s)
}

// field writes "Label: value", wrapping the value under itself.
func (p *page) field(label, value string) {
	p.font(false, 11)
	lw, _ := p.pdf.MeasureTextWidth(label + ": ")
	p.write(margin, label+": ")
	p.font(true, 11)
	if value == "" {
		value = "—"
	}
	if lw > (pageW-2*margin)*0.45 {
		// A long label leaves its value too narrow a column: the value goes under it.
		p.y += lineH
		lw = 20
	}
	lines, err := p.pdf.SplitTextWithWordWrap(norm.NFC.String(value), pageW-2*margin-lw)
	if err != nil {
		lines = []string{value}
	}
	for i, l := range lines {
		if i > 0 {
			p.y += lineH
		}
		p.write(margin+lw, l)
	}
	p.y += lineH
}

// paragraph writes wrapped text across the page.
func (p *page) paragraph(s string, size float64) {
	p.font(false, size)
	lines, err := p.pdf.SplitTextWithWordWrap(norm.NFC.String(s), pageW-2*margin)
	if err != nil {
		lines = []string{s}
	}
	for _, l := range lines {
		p.write(margin, l)
		p.y += lineH
	}
}

func (p *page) bytes() ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	return p.pdf.GetBytesPdfReturnErr()
}

// header writes the national motto beside the issuing office, as every official paper has.
func (p *page) header(office, province string) {
	p.issuer(func(mid float64) {
		p.center(margin-20, mid, strings.ToUpper("UBND "+strings.TrimPrefix(office, "UBND ")), true, 11)
		p.y += lineH
		p.center(margin-20, mid, province, false, 11)
	})
}

// issuer writes who issues in the left column, drawn by left, and the national motto in the
// right one.
func (p *page) issuer(left func(mid float64)) {
	top := p.y
	mid := pageW * 0.42
	left(mid)
	p.y = top
	p.center(mid, pageW-margin+20, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, 11)
	p.y += lineH
	p.center(mid, pageW-margin+20, "Độc lập - Tự do - Hạnh phúc", true, 11)
	p.pdf.SetLineWidth(0.6)
	p.pdf.Line(mid+(pageW-margin+20-mid)/2-70, p.y+5, mid+(pageW-margin+20-mid)/2+70, p.y+5)
	p.y += 2.5 * lineH
}

// DateVN writes a date as on papers: "01/02/2026".
func DateVN(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// DateInWords writes a date in words: "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu".
func DateInWords(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("ngày %s tháng %s năm %s", vntext.NumberWords(t.Day()), vntext.NumberWords(int(t.Month())), vntext.NumberWords(t.Year()))
}
