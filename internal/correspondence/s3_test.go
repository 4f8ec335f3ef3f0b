package correspondence_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"tuphap/internal/correspondence"
	"tuphap/internal/fault"
)

// The S3 store against an S3-compatible server started here (gofakes3: the S3 protocol over
// HTTP, signatures checked): a file stored by its hash, stored once, read back whole; an
// unknown or malformed hash not found; an object changed in the bucket refused; a missing
// bucket said at start.
func TestS3Files(t *testing.T) {
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	if err := backend.CreateBucket("tuphap-files"); err != nil {
		t.Fatal(err)
	}
	if _, err := correspondence.NewS3(ctx, srv.URL+"/no-such-bucket", "key", "secret", ""); err == nil || !strings.Contains(err.Error(), "no bucket") {
		t.Fatalf("a missing bucket: %v", err)
	}
	files, err := correspondence.NewS3(ctx, srv.URL+"/tuphap-files", "key", "secret", "")
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.7 công văn số 12/STP-VP")
	hash, err := files.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := files.Put(ctx, data); err != nil || again != hash {
		t.Fatalf("stored again: %v %s", err, again)
	}
	if got, err := files.Get(ctx, hash); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v %q", err, got)
	}
	for _, h := range []string{strings.Repeat("0", 64), "../../etc/passwd"} {
		if _, err := files.Get(ctx, h); !fault.Is(err, fault.NotFound) {
			t.Errorf("%s: %v", h, err)
		}
	}
	// Someone changes the object behind our back: it is not served as the file.
	if _, err := backend.PutObject("tuphap-files", hash[:2]+"/"+hash, map[string]string{}, bytes.NewReader([]byte("altered")), 7, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := files.Get(ctx, hash); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("an altered object: %v", err)
	}
}
