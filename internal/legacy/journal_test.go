package legacy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"tuphap/internal/legacy"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// The journal keeps each import's outcome (done, stopped so that it goes on when run again, or
// failed with the reason), its refused rows, and its progress while it runs; an import whose
// process died without a word is shown stopped, and the list filters and pages in the database.
func TestJournal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		j := legacy.NewJournal(st)
		j.Beat = 5 * time.Millisecond
		begin := func(file, by string) legacy.Import {
			t.Helper()
			m, err := j.Begin(ctx, legacy.Import{File: file, By: by, Encoding: "tcvn3", Separator: legacy.SeparatorName(';'), Total: 10})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		cases := []struct {
			name   string
			runErr error
			status string
			error  string
		}{
			{"so-2010.csv", nil, legacy.ImportDone, ""},
			{"so-2011.csv", fmt.Errorf("batch: %w", context.Canceled), legacy.ImportStopped, ""},
			{"so-2012.csv", errors.New("ổ đĩa đầy"), legacy.ImportFailed, "ổ đĩa đầy"},
		}
		for _, c := range cases {
			m := begin(c.name, "quantri")
			p, err := j.Track(ctx, m.ID, func(report io.Writer, progress func(legacy.Progress)) (legacy.Progress, error) {
				io.WriteString(report, "line,reason\n4,date_of_birth\n")
				progress(legacy.Progress{Read: 5, Inserted: 4, Rejected: 1})
				// The heartbeat writes the progress while the import runs.
				for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
					got, err := j.Get(ctx, m.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got.Read == 5 && got.Total == 10 && got.Percent() == 50 && got.Status == legacy.ImportRunning && !got.Done {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("the running import shows %+v", got)
					}
				}
				return legacy.Progress{Read: 9, Inserted: 7, Skipped: 1, Rejected: 1}, c.runErr
			})
			if !errors.Is(err, c.runErr) || p.Read != 9 {
				t.Errorf("%s: Track returned %+v %v", c.name, p, err)
			}
			got, report, err := j.Report(ctx, m.ID)
			if err != nil || got.Status != c.status || got.Error != c.error || !got.Done || got.Inserted != 7 || got.Skipped != 1 ||
				got.Finished.IsZero() || got.Encoding != "tcvn3" || got.Separator != "“;”" || string(report) != "line,reason\n4,date_of_birth\n" {
				t.Errorf("%s: %+v %q %v", c.name, got, report, err)
			}
		}
		// A process that died mid-import never wrote its end: once its heartbeat is old, it is
		// stopped.
		dead := begin("so-2013.csv", "cli:root")
		begin("so-2014.csv", "cli:root") // still writing its progress
		if err := st.ExecForTest(ctx, `UPDATE imports SET updated_at = $1 WHERE id = $2`, store.Time(time.Now().Add(-legacy.StaleAfter-time.Minute)), dead.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := j.Get(ctx, dead.ID); got.Status != legacy.ImportStopped || !got.Done {
			t.Errorf("the dead import shows %s", got.Status)
		}
		files := func(q legacy.ImportQuery) (out []string) {
			t.Helper()
			ms, err := j.Find(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				out = append(out, m.File)
			}
			return out
		}
		for _, c := range []struct {
			q    legacy.ImportQuery
			want string
		}{
			{legacy.ImportQuery{}, "[so-2014.csv so-2013.csv so-2012.csv so-2011.csv so-2010.csv]"},
			{legacy.ImportQuery{Status: legacy.ImportRunning}, "[so-2014.csv]"},
			{legacy.ImportQuery{Status: legacy.ImportStopped}, "[so-2013.csv so-2011.csv]"},
			{legacy.ImportQuery{Status: legacy.ImportFailed}, "[so-2012.csv]"},
			{legacy.ImportQuery{By: "cli:root"}, "[so-2014.csv so-2013.csv]"},
			{legacy.ImportQuery{Offset: 1, Limit: 2}, "[so-2013.csv so-2012.csv]"},
			{legacy.ImportQuery{From: time.Now().Add(time.Hour)}, "[]"},
			{legacy.ImportQuery{To: time.Now().Add(-time.Hour)}, "[]"},
		} {
			if got := fmt.Sprint(files(c.q)); got != c.want {
				t.Errorf("%+v: %s, want %s", c.q, got, c.want)
			}
		}
		if _, err := j.Get(ctx, "no-such-import"); err == nil {
			t.Error("an unknown import is found")
		}
	})
}
