package correspondence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"tuphap/internal/fault"
)

// Files keeps attachments by their content: the same file stored twice is kept once, and a
// file's name is its SHA-256, so what is read back is what was stored. Disk is the default;
// an S3-compatible store is the scale-out option (not built yet: see docs/correspondence.md).
type Files interface {
	Put(ctx context.Context, data []byte) (hash string, err error)
	Get(ctx context.Context, hash string) ([]byte, error)
}

// MaxFile is the largest attachment accepted: a scanned official letter of a few dozen pages.
const MaxFile = 20 << 20

// Disk stores files under Dir, in two levels of folders by the hash's first characters.
type Disk struct{ Dir string }

func (d Disk) path(hash string) (string, error) {
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return "", fault.New(fault.NotFound, "correspondence.file_not_found")
	}
	return filepath.Join(d.Dir, hash[:2], hash[2:4], hash), nil
}

// Put writes data once: to a temporary file renamed into place, so that a reader never sees
// half a file.
func (d Disk) Put(_ context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	p, _ := d.path(hash)
	if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, data) {
		return hash, nil // kept already, whole (a damaged copy is written again below)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", fmt.Errorf("files: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return "", fmt.Errorf("files: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("files: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("files: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("files: %w", err)
	}
	// The rename, and the folders made for it, reach the disk before the row that names the
	// file is committed: a crash never leaves a row without its file.
	for _, dir := range []string{filepath.Dir(p), filepath.Dir(filepath.Dir(p)), d.Dir} {
		if err := syncDir(dir); err != nil {
			return "", err
		}
	}
	return hash, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("files: sync %s: %w", dir, err)
	}
	return nil
}

// Get reads a stored file, checking that it still has its hash.
func (d Disk) Get(_ context.Context, hash string) ([]byte, error) {
	p, err := d.path(hash)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fault.New(fault.NotFound, "correspondence.file_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return nil, fmt.Errorf("files: %s does not match its hash", hash)
	}
	return data, nil
}

// File types accepted, by what their bytes are (never by the name or the type the browser
// claims): PDF, Word and Excel documents, PNG and JPEG images.
const (
	PDF  = "application/pdf"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Sniff says what a file is, refusing any other kind and anything over MaxFile.
func Sniff(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", fault.New(fault.Invalid, "correspondence.file_empty")
	case len(data) > MaxFile:
		return "", fault.New(fault.Invalid, "correspondence.file_too_big")
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		// An Office document is a zip with its content types and its main part.
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			break
		}
		var types, word, excel, macros bool
		for _, f := range z.File {
			types = types || f.Name == "[Content_Types].xml"
			word = word || f.Name == "word/document.xml"
			excel = excel || f.Name == "xl/workbook.xml"
			macros = macros || strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin") // .docm, .xlsm
		}
		switch {
		case macros:
			return "", fault.New(fault.Invalid, "correspondence.file_macros")
		case types && word:
			return DOCX, nil
		case types && excel:
			return XLSX, nil
		}
	}
	return "", fault.New(fault.Invalid, "correspondence.file_type")
}
