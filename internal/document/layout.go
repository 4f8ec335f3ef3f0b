package document

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"tuphap/internal/calendar"
	"tuphap/internal/civil"
	"tuphap/internal/dossier"
)

// Layouts are data: one JSON file per kind of document in templates/, a list of blocks whose
// texts are Go text/template expressions over Data. A change of an official form is a change of
// that file, not of code.
//
//go:embed templates/*.json
var templateFS embed.FS

// Block is one element of a layout.
type Block struct {
	Type      string  `json:"type"` // header, authority, title, pair, field, space, notes, list, convictions, asked, signature, qr, letter_head, letter_body, letter_foot
	Text      string  `json:"text,omitempty"`
	Label     string  `json:"label,omitempty"`
	Value     string  `json:"value,omitempty"`
	Left      string  `json:"left,omitempty"`
	Right     string  `json:"right,omitempty"`
	Place     string  `json:"place,omitempty"`
	Title     string  `json:"title,omitempty"`
	Note      string  `json:"note,omitempty"`
	Name      string  `json:"name,omitempty"`
	Items     string  `json:"items,omitempty"`
	Size      float64 `json:"size,omitempty"`
	OmitEmpty bool    `json:"omit_empty,omitempty"` // skip a field whose value is empty
}

// Template is a document layout.
type Template struct {
	Kind   string  `json:"kind"`
	Title  string  `json:"title"`
	Form   string  `json:"form"` // the official form it follows
	Blocks []Block `json:"blocks"`
}

// Data is everything a layout may show.
type Data struct {
	Record    civil.Record
	History   []civil.Version
	Dossier   dossier.Dossier
	Procedure dossier.Procedure
	Papers    []string
	Office    string
	Province  string
	Officer   string
	TrackURL  string
	VerifyURL string // printed as a QR code: where anyone checks the document
	Signer    string // the signer's name, known once the document is signed
	IssuedAt  time.Time
	IssuedOn  string // YYYY-MM-DD in Vietnam
	Mark      Mark   // what an unsigned document says of itself, across the page
	// Judicial is a judicial-record certificate's content (its layouts only).
	Judicial *JudicialCertificate
	// Letter is an outgoing administrative document's content (its layout only).
	Letter *Letter
}

// Mark is what a document that is not (yet) signed says of itself, so that nobody takes a
// preview or an unsigned copy for a document of record.
type Mark int

const (
	Final    Mark = iota // signed, or a paper that is not signed digitally (the receipt slip)
	Preview              // shown before issuing: issued nothing, no code
	Unsigned             // issued, waiting for the signer
)

var marks = map[Mark]struct{ big, line string }{
	Preview:  {"BẢN XEM TRƯỚC", "Bản xem trước: chưa cấp, chưa ký số, không có giá trị sử dụng."},
	Unsigned: {"CHƯA KÝ SỐ", "Văn bản chưa được ký số: chỉ có giá trị khi đã ký số (kiểm tra bằng mã QR)."},
}

var funcs = template.FuncMap{
	"upper":   strings.ToUpper,
	"vndate":  DateVN,
	"words":   DateInWords,
	"year":    func(d string) string { return year(d) },
	"sex":     func(s string) string { return sexVN[s] },
	"place":   func(office string) string { return strings.TrimPrefix(office, "UBND ") },
	"channel": func(c dossier.Channel) string { return channelVN[c] },
	"clock":   func(t time.Time) string { return t.In(calendar.Vietnam).Format("15:04, ngày 02/01/2006") },
	"day":     func(t time.Time) string { return t.In(calendar.Vietnam).Format("2006-01-02") },
	"timing":  timingVN,
	// dayline writes a date as papers do: "ngày 10 tháng 3 năm 2026".
	"dayline": func(d string) string {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return d
		}
		return fmt.Sprintf("ngày %d tháng %d năm %d", t.Day(), int(t.Month()), t.Year())
	},
}

var templates = map[string]Template{}

func init() {
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, _ := templateFS.ReadFile("templates/" + e.Name())
		var t Template
		if err := json.Unmarshal(b, &t); err != nil {
			panic(fmt.Sprintf("document: %s: %v", e.Name(), err))
		}
		templates[t.Kind] = t
	}
}

// Kinds lists the document layouts.
func Kinds() []string {
	var out []string
	for k := range templates {
		out = append(out, k)
	}
	return out
}

// Lookup returns the layout of a kind.
func Lookup(kind string) (Template, error) {
	t, ok := templates[kind]
	if !ok {
		return t, fmt.Errorf("document: no layout %q", kind)
	}
	return t, nil
}

// expand evaluates one text of a layout.
func expand(text string, d Data) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := template.New("").Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// Render lays out a document of the given kind.
func Render(kind string, d Data) ([]byte, error) {
	t, err := Lookup(kind)
	if err != nil {
		return nil, err
	}
	if d.IssuedOn == "" {
		d.IssuedOn = d.IssuedAt.In(calendar.Vietnam).Format("2006-01-02")
	}
	p, err := newPage(t.Title, d.IssuedAt)
	if err != nil {
		return nil, err
	}
	if _, ok := marks[d.Mark]; ok {
		p.mark(d.Mark)
		p.marked = d.Mark
	}
	for i, b := range t.Blocks {
		if err := p.block(b, d); err != nil {
			return nil, fmt.Errorf("document: %s block %d (%s): %w", kind, i, b.Type, err)
		}
	}
	return p.bytes()
}

func (p *page) block(b Block, d Data) error {
	x := func(s string) (string, error) { return expand(s, d) }
	switch b.Type {
	case "header":
		p.header(d.Office, d.Province)
	case "authority":
		if d.Judicial == nil {
			return fmt.Errorf("no judicial certificate to lay out")
		}
		p.authorityHeader(d.Judicial.Authority)
	case "convictions":
		if d.Judicial == nil {
			return fmt.Errorf("no judicial certificate to lay out")
		}
		p.convictions(d.Judicial)
	case "asked":
		if d.Judicial == nil {
			return fmt.Errorf("no judicial certificate to lay out")
		}
		p.asked(d.Judicial)
	case "letter_head", "letter_body", "letter_foot":
		if d.Letter == nil {
			return fmt.Errorf("no letter to lay out")
		}
		switch b.Type {
		case "letter_head":
			p.letterHead(d.Letter)
		case "letter_body":
			p.letterBody(d.Letter)
		default:
			p.letterFoot(d.Letter, d.Signer)
		}
	case "title":
		text, err := x(b.Text)
		if err != nil {
			return err
		}
		size := b.Size
		if size == 0 {
			size = 15
		}
		p.center(margin, pageW-margin, text, true, size)
		p.y += 1.5 * lineH
	case "pair":
		left, err := x(b.Left)
		if err != nil {
			return err
		}
		right, err := x(b.Right)
		if err != nil {
			return err
		}
		p.font(false, 11)
		p.write(margin, left)
		p.write(pageW/2, right)
		p.y += 1.5 * lineH
	case "field":
		v, err := x(b.Value)
		if err != nil {
			return err
		}
		if v == "" && b.OmitEmpty {
			return nil
		}
		p.field(b.Label, v)
	case "space":
		p.y += lineH / 2
	case "notes":
		notes := marginalNotes(d.History)
		if len(notes) == 0 {
			return nil
		}
		p.y += lineH / 2
		p.font(true, 11)
		p.write(margin, b.Text)
		p.y += lineH
		for _, n := range notes {
			p.paragraph(n, 10)
		}
	case "list":
		p.y += lineH / 2
		p.font(true, 11)
		p.write(margin, b.Text)
		p.y += lineH
		for i, item := range d.Papers {
			p.paragraph(fmt.Sprintf("%d. %s", i+1, item), 11)
		}
		p.y += lineH / 2
	case "signature":
		p.y += lineH
		if b.Place != "" {
			place, err := x(b.Place)
			if err != nil {
				return err
			}
			p.center(pageW/2, pageW-margin, place, false, 11)
			p.y += lineH
		}
		title, err := x(b.Title)
		if err != nil {
			return err
		}
		p.center(pageW/2, pageW-margin, title, true, 11)
		p.y += lineH
		if b.Note != "" {
			p.center(pageW/2, pageW-margin, b.Note, false, 9)
		}
		if d.Signer != "" && b.Name == "" {
			p.y += 2.5 * lineH
			p.center(pageW/2, pageW-margin, d.Signer, true, 11)
		}
		if b.Name != "" {
			name, err := x(b.Name)
			if err != nil {
				return err
			}
			p.y += 3 * lineH
			p.center(pageW/2, pageW-margin, name, false, 11)
		}
	case "qr":
		if d.VerifyURL == "" {
			return nil
		}
		text, err := x(b.Text)
		if err != nil {
			return err
		}
		return p.qr(d.VerifyURL, text)
	default:
		return fmt.Errorf("unknown block type %q", b.Type)
	}
	return nil
}

// mark writes big light-grey words across the page, under everything drawn after it, and one
// line in the top margin. The big words are a picture, not text: as text, their letters were
// read into the middle of the document's own lines by whatever extracts or searches its text.
func (p *page) mark(m Mark) {
	pics, err := markImages()
	if err != nil {
		p.err = err
		return
	}
	pic := pics[m]
	p.pdf.Rotate(35, pageW/2, pageH/2)
	if err := p.pdf.ImageFrom(pic.img, pageW/2-pic.w/2, pageH/2-pic.h/2, &gopdf.Rect{W: pic.w, H: pic.h}); err != nil && p.err == nil {
		p.err = err
	}
	p.pdf.RotateReset()
	y := p.y
	p.y = margin - 22
	p.center(margin, pageW-margin, marks[m].line, true, 10)
	p.y = y
}

// markImages are drawn once per process: a font.Face is not safe for concurrent use, and the
// pictures never change.
var markImages = sync.OnceValues(func() (map[Mark]markPicture, error) {
	f, err := opentype.Parse(serifBold)
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 64, DPI: 144, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	out := map[Mark]markPicture{}
	for m, words := range marks {
		out[m] = drawMark(face, words.big)
	}
	return out, nil
})

type markPicture struct {
	img  image.Image
	w, h float64 // points
}

// drawMark draws words light grey on white, at 2 pixels a point.
func drawMark(face font.Face, words string) markPicture {
	m := face.Metrics()
	width := font.MeasureString(face, words).Ceil() + 8
	height := (m.Ascent + m.Descent).Ceil() + 8
	g := image.NewGray(image.Rect(0, 0, width, height))
	draw.Draw(g, g.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: g, Src: image.NewUniform(color.Gray{Y: 205}), Face: face, Dot: fixed.P(4, 4+m.Ascent.Ceil())}
	d.DrawString(words)
	return markPicture{g, float64(width) / 2, float64(height) / 2}
}

// qr draws a QR code of url at the bottom left of the page, its caption to the right. The code
// is drawn as vector squares, sharp at any resolution, with the four-module quiet zone of
// ISO/IEC 18004 left white around it, so that phone cameras find it.
func (p *page) qr(url, caption string) error {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return err
	}
	n := code.Bounds().Dx()
	x0, y0, size := qrBox(n)
	p.pdf.SetFillColor(0, 0, 0)
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !dark(code, x, y) {
				x++
				continue
			}
			run := x
			for run < n && dark(code, run, y) {
				run++
			}
			// One rectangle per run of dark modules, slightly overlapping its neighbour below so
			// that no hairline shows between rows.
			p.pdf.RectFromUpperLeftWithStyle(x0+float64(quiet+x)*module, y0+float64(quiet+y)*module, float64(run-x)*module, module+0.05, "F")
			x = run
		}
	}
	// The caption starts right of the quiet zone, never over it.
	p.font(false, 9)
	var lines []string
	for _, part := range strings.Split(caption, "\n") {
		wrapped, err := p.pdf.SplitTextWithWordWrap(part, pageW-margin-(x0+size+6))
		if err != nil {
			wrapped = []string{part}
		}
		lines = append(lines, wrapped...)
	}
	p.y = y0 + quiet*module + 10
	for _, l := range lines {
		p.write(x0+size+6, l)
		p.y += 12
	}
	return nil
}

const (
	quiet  = 4   // modules of white around a QR code (ISO/IEC 18004)
	module = 2.0 // points: 0.7 mm, above the 0.5 mm that phone cameras read reliably
)

// qrBox is where a QR code of n×n modules goes, quiet zone included (which may enter the margin).
func qrBox(n int) (x0, y0, size float64) {
	size = float64(n+2*quiet) * module
	return margin - quiet*module, pageH - margin + 10 - size, size
}

func dark(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r < 0x8000
}
