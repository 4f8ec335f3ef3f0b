// Package pdftest checks PDFs in tests with independent tools, the way people get them: poppler
// (pdftotext for the text layer, pdftoppm to draw the page, pdfsig), tesseract (reads the drawn
// page back), zbarimg (scans its QR codes as a phone would) and qpdf (checks the file's
// structure). Where a tool is missing the test is skipped, saying why, unless
// TUPHAP_REQUIRE_TOOLS is set (as CI does), which makes it a failure.
package pdftest

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// packages names the Debian package of each tool, for the skip message.
var packages = map[string]string{"pdftotext": "poppler-utils", "pdfsig": "poppler-utils", "pdftoppm": "poppler-utils",
	"tesseract": "tesseract-ocr tesseract-ocr-vie", "zbarimg": "zbar-tools", "qpdf": "qpdf",
	"soffice": "libreoffice-calc-nogui"}

func tool(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TUPHAP_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s not found, and TUPHAP_REQUIRE_TOOLS is set", name)
		}
		t.Skipf("%s not found (apt-get install %s)", name, packages[name])
	}
	return bin
}

func file(t testing.TB, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Text is what pdftotext reads from the PDF, with white space folded (lines wrap where the
// layout needs). Like every helper here that reads a document, it first checks the file with
// qpdf, so that every document a test looks at is also checked for its structure.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	Check(t, pdf)
	out, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", file(t, pdf), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// Sig is pdfsig's report on the PDF's signatures.
func Sig(t testing.TB, pdf []byte) string {
	t.Helper()
	out, _ := exec.Command(tool(t, "pdfsig"), file(t, pdf)).CombinedOutput()
	return string(out)
}

// ValidSignature reports whether pdfsig finds a valid signature covering the whole document.
func ValidSignature(t testing.TB, pdf []byte) bool {
	t.Helper()
	Check(t, pdf)
	out := Sig(t, pdf)
	return strings.Contains(out, "Signature Validation: Signature is Valid.") && strings.Contains(out, "Total document signed")
}

// Check fails the test unless qpdf finds the file well-formed (cross-reference table, objects,
// strings, streams), warnings included.
func Check(t testing.TB, pdf []byte) {
	t.Helper()
	out, err := exec.Command(tool(t, "qpdf"), "--check", file(t, pdf)).CombinedOutput()
	if err != nil || strings.Contains(string(out), "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// Pages draws every page with pdftoppm at dpi, in grey, as a printer or a screen would.
func Pages(t testing.TB, pdf []byte, dpi int) []image.Image {
	t.Helper()
	Check(t, pdf)
	dir := t.TempDir()
	prefix := filepath.Join(dir, "page")
	if out, err := exec.Command(tool(t, "pdftoppm"), "-r", strconv.Itoa(dpi), "-gray", "-png", file(t, pdf), prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	names, _ := filepath.Glob(prefix + "*.png")
	sort.Strings(names)
	var pages []image.Image
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, img)
	}
	return pages
}

// pagePNGs draws the pages at dpi into files and returns their paths.
func pagePNGs(t testing.TB, pdf []byte, dpi int) []string {
	t.Helper()
	Check(t, pdf)
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(tool(t, "pdftoppm"), "-r", strconv.Itoa(dpi), "-png", file(t, pdf), prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	names, _ := filepath.Glob(prefix + "*.png")
	sort.Strings(names)
	return names
}

// OCR is what tesseract reads, in Vietnamese, from the pages drawn at 300 dpi: the text a
// person sees, not the text layer. White space is folded.
func OCR(t testing.TB, pdf []byte) string {
	t.Helper()
	bin := tool(t, "tesseract")
	if out, _ := exec.Command(bin, "--list-langs").CombinedOutput(); !strings.Contains(string(out), "\nvie") {
		if os.Getenv("TUPHAP_REQUIRE_TOOLS") != "" {
			t.Fatal("tesseract has no Vietnamese data (tesseract-ocr-vie), and TUPHAP_REQUIRE_TOOLS is set")
		}
		t.Skip("tesseract has no Vietnamese data (apt-get install tesseract-ocr-vie)")
	}
	var text []string
	for _, png := range pagePNGs(t, pdf, 300) {
		cmd := exec.Command(bin, png, "-", "-l", "vie")
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("tesseract: %v", err)
		}
		text = append(text, string(out))
	}
	return strings.Join(strings.Fields(strings.Join(text, " ")), " ")
}

// QRCodes is what zbarimg decodes from the pages drawn at dpi.
func QRCodes(t testing.TB, pdf []byte, dpi int) []string {
	t.Helper()
	bin := tool(t, "zbarimg")
	var codes []string
	for _, png := range pagePNGs(t, pdf, dpi) {
		out, _ := exec.Command(bin, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png).Output()
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				codes = append(codes, l)
			}
		}
	}
	return codes
}
