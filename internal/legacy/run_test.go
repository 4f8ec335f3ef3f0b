package legacy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/legacy"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
	"tuphap/internal/units"
)

// An import stopped midway (Ctrl-C, SIGTERM, a server shutting down) stops at a row boundary:
// what it read is written, its report is complete, every row read is accounted for; run again
// on the same file, it goes on where it stopped and stores nothing twice.
func TestRunStopsAtARowBoundaryAndResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		reg := units.MustLoad()
		if err := account.New(st).SyncOffices(ctx, account.OfficesFrom(reg, time.Now())); err != nil {
			t.Fatal(err)
		}
		var csv strings.Builder
		csv.WriteString("kind,office,number,year,registered_on,full_name,sex,date_of_birth,place_of_birth,ethnicity,nationality,mother_name,requester_name,requester_relation\n")
		for i := 1; i <= 300; i++ { // more than the loader's queue holds: the reader waits for the writer
			sex := "nữ"
			if i == 3 {
				sex = "không rõ" // refused, with its line in the report
			}
			fmt.Fprintf(&csv, "khai sinh,21025,%d,2010,05/03/2010,Nguyễn Thị %c%c,%s,01/02/2010,Trạm y tế,Kinh,Việt Nam,Trần Thị Út,Trần Thị Út,mẹ\n", i, 'A'+i/26, 'a'+i%26, sex)
		}
		run := func(stopAfterFirstBatch bool) (legacy.Progress, string, error) {
			rd, err := legacy.Open("so.csv", strings.NewReader(csv.String()), legacy.Mapping{}, reg, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			var report bytes.Buffer
			p, err := legacy.Run(runCtx, registration.New(st), rd, "so.csv", 10, audit.System, &report, func(legacy.Progress) {
				if stopAfterFirstBatch {
					stop() // as a signal would, while the next batch is being read
				}
			})
			return p, report.String(), err
		}
		p, report, err := run(true)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped import: %v %+v", err, p)
		}
		if p.Read == 0 || p.Read >= 300 || p.Inserted+p.Skipped+p.Rejected != p.Read {
			t.Fatalf("stopped after %d rows read: %d in, %d skipped, %d refused", p.Read, p.Inserted, p.Skipped, p.Rejected)
		}
		if n, _ := registration.New(st).Count(ctx); n != p.Inserted {
			t.Fatalf("%d entries stored, %d reported", n, p.Inserted)
		}
		if !strings.HasPrefix(report, "line,reason\n4,") {
			t.Fatalf("the report of the stopped import: %q", report)
		}
		first := p.Inserted
		p, report, err = run(false)
		if err != nil || p.Read != 300 || p.Skipped != first || p.Inserted != 299-first || p.Rejected != 1 || !p.Done {
			t.Fatalf("resumed: %+v, %v (first run stored %d)", p, err, first)
		}
		if n, _ := registration.New(st).Count(ctx); n != 299 {
			t.Fatalf("%d entries after resuming, want 299", n)
		}
	})
}
