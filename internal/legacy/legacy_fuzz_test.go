package legacy

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"tuphap/internal/units"
)

// A legacy register as it comes (any bytes, any encoding, broken quoting): reading it never
// panics, every row is an entry or a rejection with its line, and an entry is valid.
func FuzzReadRegister(f *testing.F) {
	f.Add([]byte("kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n" +
		"birth,21025,1,2020,2020-03-05,Phạm Gia Bảo,male,2020-02-01,Trạm y tế,Kinh,Việt Nam,Đỗ Thị Hà,Đỗ Thị Hà,mẹ\n"))
	f.Add([]byte("kind;office;number\nbirth;21025;\"1\n"))
	f.Add([]byte{0xff, 0xfe, 'k', 0, 'i', 0})
	reg := units.MustLoad()
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, file []byte) {
		rd, err := Open("so.csv", bytes.NewReader(file), Mapping{}, reg, today)
		if err != nil {
			return // refused as a whole, with its reason
		}
		for i := 0; i < 1000; i++ {
			rec, rej, err := rd.Next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			if rej != nil {
				if rej.Line < 2 || rej.Reason == "" {
					t.Fatalf("rejection without line or reason: %+v", rej)
				}
				continue
			}
			if rec.Office == "" || rec.Register.Number <= 0 {
				t.Fatalf("entry accepted without its office or number: %+v", rec)
			}
		}
	})
}
