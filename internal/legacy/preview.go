package legacy

import (
	"errors"
	"io"

	"tuphap/internal/civil"
)

// PreviewRow is a row as an import would store it, or why it would be refused.
type PreviewRow struct {
	Line   int
	Record civil.Record
	Reason string
}

// Preview reads up to n rows and stores nothing: the user sees the entries as they will be
// stored (the encoding, the dates, the names as cleaned) before importing the file.
func Preview(rd *Reader, n int) ([]PreviewRow, error) {
	var out []PreviewRow
	for len(out) < n {
		rec, rej, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		row := PreviewRow{Line: rd.Line(), Record: rec}
		if rej != nil {
			row.Reason = rej.Reason
		}
		out = append(out, row)
	}
	return out, nil
}
