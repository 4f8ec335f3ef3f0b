package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/synth"
	"tuphap/internal/vntext"
	"tuphap/internal/web"
)

// benchResult is the JSON line the benchmark prints last.
type benchResult struct {
	Store        string  `json:"store"`
	Records      int     `json:"records"`
	ImportPerSec float64 `json:"import_records_per_s"`
	RegPerSec    float64 `json:"registrations_per_s"`
	RegP50       float64 `json:"registration_p50_ms"`
	RegP99       float64 `json:"registration_p99_ms"`
	SearchP50    float64 `json:"search_p50_ms"`
	SearchP99    float64 `json:"search_p99_ms"`
	IDP50        float64 `json:"id_lookup_p50_ms"`
	IDP99        float64 `json:"id_lookup_p99_ms"`
	DupP99       float64 `json:"duplicate_check_p99_ms"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	DBSizeMB     float64 `json:"db_size_mb"`
}

// benchCmd loads synthetic province data, then measures the system through its real HTTP API.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("bench", stderr)
	n := fs.Int("n", 1000000, "records to load before measuring (skipped when the store holds that many already)")
	clients := fs.Int("clients", 32, "concurrent HTTP clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to register births")
	queries := fs.Int("queries", 5000, "searches and ID lookups each")
	seed := fs.Uint64("seed", 1, "seed of the synthetic data")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measuring phase to this file")
	loadprofile := fs.String("load-cpuprofile", "", "write a CPU profile of the loading phase to this file")
	fast := fs.Bool("fast-load", true, "drop the search indexes while loading and build them once at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*db, "postgres") && *db == "tuphap.db" {
		*db = filepath.Join(os.TempDir(), "tuphap-bench.db") // never benchmark into the live store by accident
	}
	st, reg, err := openStore(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	res := benchResult{Store: st.Dialect()}
	offices := account.OfficesFrom(reg, time.Now())
	var communes []string
	for _, o := range offices {
		if o.Kind == "commune" {
			communes = append(communes, o.Code)
		}
	}

	// 1. Load.
	g := synth.New(*seed, communes)
	have, err := st.CountRecords(ctx)
	if err != nil {
		return err
	}
	var names, pids []string
	today := time.Now().UTC().Truncate(24 * time.Hour)
	from := today.AddDate(-40, 0, 0)
	if have < *n {
		fmt.Fprintf(stderr, "loading %d synthetic records into %s…\n", *n-have, st.Dialect())
		start := time.Now()
		numbers := map[string]int{}
		batch := make([]civil.Record, 0, 5000)
		loaded := 0
		load := func() error {
			// Generating and encoding the next batch overlaps with writing this one.
			l := st.NewBulkLoader(ctx, audit.Actor{Username: "bench"}, "synthetic", func(r store.BulkResult) {
				loaded += r.Inserted + r.Skipped
				if loaded%100000 == 0 {
					fmt.Fprintf(stderr, "  %d records, %.0f/s\n", loaded, float64(loaded)/time.Since(start).Seconds())
				}
			})
			for i := have; i < *n; i++ {
				var e synth.Entry
				if i%10 == 9 {
					e = g.Death(today.AddDate(-5, 0, 0), today.AddDate(0, 0, -1), today)
				} else {
					e = g.Birth(from, today.AddDate(0, 0, -1), today)
				}
				r := civil.Record{Kind: civil.BirthKind, Office: e.Office, RegisteredOn: e.RegisteredOn, Late: e.Late, Birth: e.Birth, Death: e.Death}
				if e.Death != nil {
					r.Kind = civil.DeathKind
				}
				year, _ := strconv.Atoi(e.RegisteredOn[:4])
				// Loaded books are named apart from live ones, so that live numbering is untouched.
				k := fmt.Sprintf("%s/%s/%d", r.Office, r.Kind, year)
				numbers[k]++
				r.Register = civil.Register{Number: numbers[k], Book: "B" + strconv.FormatUint(*seed, 10), Year: year}
				batch = append(batch, r)
				if len(batch) == cap(batch) {
					if err := l.Add(batch); err != nil {
						l.Close()
						return err
					}
					batch = batch[:0]
				}
			}
			if err := l.Add(batch); err != nil {
				l.Close()
				return err
			}
			_, err := l.Close()
			return err
		}
		// An initial load builds the search indexes once at the end (see docs/performance.md).
		if *fast {
			err = st.WithoutSearchIndexes(ctx, load)
		} else {
			err = load()
		}
		if err != nil {
			return err
		}
		res.ImportPerSec = float64(loaded) / time.Since(start).Seconds()
		if *loadprofile != "" {
			pprof.StopCPUProfile()
		}
	}
	res.Records = max(have, *n)
	// Query samples come from the same generator: names and numbers that exist.
	sample := synth.New(*seed, communes)
	for len(names) < 500 {
		e := sample.Birth(from, today.AddDate(0, 0, -1), today)
		names = append(names, vntext.Fold(e.Birth.Child.FullName))
		pids = append(pids, e.Birth.Child.PersonalID)
	}

	// 2. The server, on loopback.
	master := make([]byte, 32)
	rand.Read(master)
	srv, err := web.New(web.Config{MaxBody: 1 << 20, MasterKey: master}, st, reg, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	accounts := account.New(st)
	user := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	pw := strconv.FormatInt(time.Now().UnixNano(), 36) + "xxxxxxxxxx"
	if _, err := accounts.AddUser(ctx, account.NewUser{Username: user, Role: string(auth.Specialist), Office: auth.DepartmentOffice, Password: pw}, audit.System); err != nil {
		return err
	}
	token, err := accounts.CreateToken(ctx, user, "bench", audit.System)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients * 2}, Timeout: 30 * time.Second}
	call := func(method, path string, body []byte) (int, error) {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	// 3. Registrations through the API for a while, by many clients at once.
	fmt.Fprintf(stderr, "registering births for %s with %d clients…\n", *duration, *clients)
	var ok atomic.Int64
	var other sync.Map // status → count of answers other than 201
	var mu sync.Mutex
	var regLat []float64
	deadline := time.Now().Add(*duration)
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cg := synth.New(uint64(time.Now().UnixNano())+uint64(c), communes) // new births on every run
			var lat []float64
			for i := 0; time.Now().Before(deadline); i++ {
				e := cg.Birth(today.AddDate(0, 0, -50), today.AddDate(0, 0, -1), today)
				e.Birth.Child.PersonalID = "" // the population database gives it
				req := registration.BirthRequest{Office: e.Office, RegisteredOn: today.Format(civil.DateFormat), Birth: *e.Birth}
				body, _ := json.Marshal(req)
				t0 := time.Now()
				code, err := call("POST", "/api/v1/births", body)
				if err == nil && code == http.StatusCreated {
					ok.Add(1)
					lat = append(lat, ms(time.Since(t0)))
				} else {
					k := fmt.Sprint(code, err)
					n, _ := other.LoadOrStore(k, new(atomic.Int64))
					n.(*atomic.Int64).Add(1)
				}
			}
			mu.Lock()
			regLat = append(regLat, lat...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	res.RegPerSec = float64(ok.Load()) / duration.Seconds()
	if c := st.GroupCommits.Load(); c > 0 {
		fmt.Fprintf(stderr, "  %d commits, %.1f transactions each\n", c, float64(st.GroupedTxs.Load())/float64(c))
	}
	other.Range(func(k, v any) bool {
		fmt.Fprintf(stderr, "  not registered: %d answered %v\n", v.(*atomic.Int64).Load(), k)
		return true
	})
	res.RegP50, res.RegP99 = pct(regLat, 50), pct(regLat, 99)

	// 4. Searches and ID lookups.
	measure := func(qs []string) (float64, float64) {
		began := time.Now()
		var lat []float64
		var mu sync.Mutex
		var next atomic.Int64
		var wg sync.WaitGroup
		for c := 0; c < *clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= *queries {
						return
					}
					t0 := time.Now()
					if code, err := call("GET", "/api/v1/records?limit=20&q="+url.QueryEscape(qs[i%len(qs)]), nil); err == nil && code == 200 {
						d := ms(time.Since(t0))
						mu.Lock()
						lat = append(lat, d)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		fmt.Fprintf(stderr, "  %d queries, %.0f/s\n", len(lat), float64(len(lat))/time.Since(began).Seconds())
		return pct(lat, 50), pct(lat, 99)
	}
	res.SearchP50, res.SearchP99 = measure(names)
	res.IDP50, res.IDP99 = measure(pids)

	// 5. The duplicate check of a registration, alone.
	var dup []float64
	dg := synth.New(*seed, communes)
	for i := 0; i < 1000; i++ {
		e := dg.Birth(from, today.AddDate(0, 0, -1), today)
		t0 := time.Now()
		f := civil.FactsOfBirth(e.Birth)
		cands, err := st.DuplicateCandidates(ctx, f, civil.DefaultParams)
		if err != nil {
			return err
		}
		civil.FindDuplicates(f, cands, civil.DefaultParams)
		dup = append(dup, ms(time.Since(t0)))
	}
	res.DupP99 = pct(dup, 99)
	res.PeakRSSMB = peakRSS()
	res.DBSizeMB = dbSize(*db)

	fmt.Fprintf(stdout, "tuphap bench (%s, %d records)\n", res.Store, res.Records)
	fmt.Fprintf(stdout, "  import                   %10.0f records/s\n", res.ImportPerSec)
	fmt.Fprintf(stdout, "  registrations (HTTP)     %10.0f births/s   p50 %6.1f ms  p99 %6.1f ms\n", res.RegPerSec, res.RegP50, res.RegP99)
	fmt.Fprintf(stdout, "  name search              p50 %6.2f ms  p99 %6.2f ms\n", res.SearchP50, res.SearchP99)
	fmt.Fprintf(stdout, "  personal-ID lookup       p50 %6.2f ms  p99 %6.2f ms\n", res.IDP50, res.IDP99)
	fmt.Fprintf(stdout, "  duplicate check          p99 %6.2f ms\n", res.DupP99)
	fmt.Fprintf(stdout, "  peak RSS (server+client) %6.0f MB\n", res.PeakRSSMB)
	fmt.Fprintf(stdout, "  database size            %6.0f MB\n", res.DBSizeMB)
	line, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(line))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	i := int(math.Ceil(p/100*float64(len(xs)))) - 1
	return math.Round(xs[max(i, 0)]*100) / 100
}

// peakRSS is the process's peak resident set (VmHWM), in MB; 0 where /proc is missing.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func dbSize(dsn string) float64 {
	if strings.HasPrefix(dsn, "postgres") {
		return 0
	}
	var total int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(dsn + suffix); err == nil {
			total += fi.Size()
		}
	}
	return float64(total) / (1 << 20)
}
