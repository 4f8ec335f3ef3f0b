// Package pdftest checks PDFs in tests with poppler's independent tools (pdftotext, pdfsig).
// Where a tool is missing the test is skipped, saying why, unless TUPHAP_REQUIRE_TOOLS is set
// (as CI does), which makes it a failure.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func tool(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TUPHAP_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s not found, and TUPHAP_REQUIRE_TOOLS is set", name)
		}
		t.Skipf("%s not found (apt-get install poppler-utils)", name)
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
// layout needs).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
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
	out := Sig(t, pdf)
	return strings.Contains(out, "Signature Validation: Signature is Valid.") && strings.Contains(out, "Total document signed")
}
