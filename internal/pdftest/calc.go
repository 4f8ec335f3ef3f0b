package pdftest

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Calc is what LibreOffice Calc shows of a workbook's first sheet: the file opened headless and
// saved as CSV in UTF-8, each cell as it is displayed (a date in its cell's format). The
// package is named for PDFs; it holds every check of a file "as people get it".
//
// A CSV is not checked this way: headless LibreOffice reads a CSV in the charset it is told
// (the desktop's import dialog is what notices the byte-order mark), so it would test the
// option given, not the file.
func Calc(t testing.TB, name string, data []byte) [][]string {
	t.Helper()
	bin := tool(t, "soffice")
	dir := t.TempDir()
	in := filepath.Join(dir, name)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	// A profile of its own: LibreOffice refuses to start while another instance holds one.
	cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(name, filepath.Ext(name))+".csv"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no CSV: %v", err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatalf("LibreOffice's CSV: %v\n%s", err, b)
	}
	return rows
}
