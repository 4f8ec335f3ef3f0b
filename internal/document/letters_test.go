package document

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"tuphap/internal/pdftest"
	"tuphap/internal/vntext"
)

var fonts = []struct {
	name string
	bold bool
	ttf  []byte
}{{"regular", false, serif}, {"bold", true, serifBold}}

// gopdf's subset adds a composite glyph's components one level deep only (see the package
// comment): every Vietnamese letter of every font we embed must be in the font and drawn from
// simple glyphs or from a composite of simple glyphs.
func TestFontsDrawVietnamese(t *testing.T) {
	for _, f := range fonts {
		var sf gopdf.SubsetFontObj
		if err := sf.SetTTFData(f.ttf); err != nil {
			t.Fatal(err)
		}
		for _, l := range vntext.Letters() {
			gid, err := sf.CharCodeToGlyphIndex([]rune(l)[0])
			if err != nil || gid == 0 {
				t.Errorf("%s: no glyph for %q", f.name, l)
				continue
			}
			for _, c := range components(t, &sf, gid) {
				if len(components(t, &sf, c)) > 0 {
					t.Errorf("%s: %q is a composite whose component %d is a composite too: its mark would be lost", f.name, l, c)
				}
			}
		}
	}
}

// components lists the glyphs a composite glyph is built from (none for a simple glyph).
func components(t *testing.T, sf *gopdf.SubsetFontObj, gid uint) []uint {
	p := sf.GetTTFParser()
	data := p.FontData()
	start := int(p.GetTables()["glyf"].Offset + p.LocaTable[gid])
	end := int(p.GetTables()["glyf"].Offset + p.LocaTable[gid+1])
	if end-start < 10 || int16(uint16(data[start])<<8|uint16(data[start+1])) >= 0 {
		return nil
	}
	var out []uint
	for o := start + 10; ; {
		flags := uint16(data[o])<<8 | uint16(data[o+1])
		out = append(out, uint(data[o+2])<<8|uint(data[o+3]))
		o += 4 + 2
		if flags&0x1 != 0 { // ARG_1_AND_2_ARE_WORDS
			o += 2
		}
		switch {
		case flags&0x8 != 0: // WE_HAVE_A_SCALE
			o += 2
		case flags&0x40 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			o += 4
		case flags&0x80 != 0: // WE_HAVE_A_TWO_BY_TWO
			o += 8
		}
		if flags&0x20 == 0 || o >= end { // MORE_COMPONENTS
			return out
		}
	}
}

// Each Vietnamese letter, drawn from our PDF by poppler, has the shape that the same font drawn
// independently (golang.org/x/image's rasteriser) has: the same height, width and amount of ink.
// A lost tone mark, dot below, breve, circumflex or horn changes at least one of them.
func TestLettersDrawnWithTheirMarks(t *testing.T) {
	const (
		dpi  = 144
		size = 20.0 // points
		cell = 40.0 // points; a letter's baseline is 30 points below the top of its cell
		cols = 12
	)
	letters := vntext.Letters()
	for _, f := range fonts {
		t.Run(f.name, func(t *testing.T) {
			p, err := newPage("letters", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range letters {
				p.y = margin + float64(i/cols)*cell + 30 // gopdf's y is the baseline
				p.font(f.bold, size)
				p.write(margin+float64(i%cols)*cell+10, l)
			}
			pdf, err := p.bytes()
			if err != nil {
				t.Fatal(err)
			}
			pdftest.Check(t, pdf)
			page := pdftest.Pages(t, pdf, dpi)[0]

			tt, err := opentype.Parse(f.ttf)
			if err != nil {
				t.Fatal(err)
			}
			face, err := opentype.NewFace(tt, &opentype.FaceOptions{Size: size, DPI: dpi, Hinting: font.HintingNone})
			if err != nil {
				t.Fatal(err)
			}
			px := func(pt float64) int { return int(pt * dpi / 72) }
			for i, l := range letters {
				x0, y0 := px(margin+float64(i%cols)*cell), px(margin+float64(i/cols)*cell)
				got := ink(page, image.Rect(x0, y0, x0+px(cell), y0+px(cell)))
				want := ink(drawn(face, l, px(cell)), image.Rect(0, 0, 2*px(cell), 2*px(cell)))
				if got.pixels == 0 {
					t.Errorf("%q: nothing drawn in its cell", l)
					continue
				}
				if abs(got.w-want.w) > 3 || abs(got.h-want.h) > 3 || abs(got.pixels-want.pixels) > want.pixels/8 {
					t.Errorf("%q drawn %dx%d px with %d px of ink; the font draws it %dx%d with %d", l, got.w, got.h, got.pixels, want.w, want.h, want.pixels)
				}
			}
		})
	}
}

type shape struct{ w, h, pixels int }

// ink measures the dark pixels of r: their bounding box and their count.
func ink(img image.Image, r image.Rectangle) shape {
	minX, minY, maxX, maxY, n := r.Max.X, r.Max.Y, r.Min.X-1, r.Min.Y-1, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
				n++
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	if n == 0 {
		return shape{}
	}
	return shape{maxX - minX + 1, maxY - minY + 1, n}
}

// drawn is a letter drawn black on white by x/image, with room around it.
func drawn(face font.Face, l string, cell int) image.Image {
	img := image.NewGray(image.Rect(0, 0, 2*cell, 2*cell))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(cell/2, cell)}
	d.DrawString(l)
	return img
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
