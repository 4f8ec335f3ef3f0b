package signing

import (
	"testing"
	"time"
)

// Whatever is uploaded to the public check: never a panic, and a signature is never called valid
// for a file that is not one we can parse as signed.
func FuzzVerifyPDF(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n%%EOF"))
	f.Add([]byte("%PDF-1.7\n1 0 obj <<>> endobj\nstartxref\n0\n%%EOF\n"))
	f.Add([]byte("not a pdf"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 64<<10 {
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			r, err := VerifyPDF(doc)
			if err == nil && r.Valid && !r.Signed {
				t.Errorf("valid but not signed: %+v", r)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("VerifyPDF ran over 10 s on %d bytes", len(doc))
		}
	})
}
