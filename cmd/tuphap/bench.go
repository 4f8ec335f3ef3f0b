package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tuphap/internal/account"
	"tuphap/internal/civil"
	"tuphap/internal/registration"
	"tuphap/internal/store"
	"tuphap/internal/synth"
)

// benchResult is the JSON line the benchmark prints last.
type benchResult struct {
	Store        string  `json:"store"`
	Records      int     `json:"records"`
	ImportPerSec float64 `json:"import_records_per_s"`
	ImportRSSMB  float64 `json:"import_peak_rss_mb"`
	RegPerSec    float64 `json:"registrations_per_s"`
	RegP50       float64 `json:"registration_p50_ms"`
	RegP99       float64 `json:"registration_p99_ms"`
	SearchPerSec float64 `json:"searches_per_s"`
	SearchP50    float64 `json:"search_p50_ms"`
	SearchP99    float64 `json:"search_p99_ms"`
	IDPerSec     float64 `json:"id_lookups_per_s"`
	IDP50        float64 `json:"id_lookup_p50_ms"`
	IDP99        float64 `json:"id_lookup_p99_ms"`
	Offices      string  `json:"offices"`
	Officer      string  `json:"officer_office"`
	OffSearchP50 float64 `json:"officer_search_p50_ms"`
	OffSearchP99 float64 `json:"officer_search_p99_ms"`
	OffIDP50     float64 `json:"officer_id_lookup_p50_ms"`
	OffIDP99     float64 `json:"officer_id_lookup_p99_ms"`
	DupP99       float64 `json:"duplicate_check_p99_ms"`
	// Kinds are every kind of search, as the department and as the officer.
	Kinds []benchKind `json:"search_kinds,omitempty"`
	// The leaders' dashboard of this year so far, for the province (a specialist), read a few
	// times one after another.
	DashP50       float64 `json:"dashboard_p50_ms"`
	DashMax       float64 `json:"dashboard_max_ms"`
	ServerRSSMB   float64 `json:"server_peak_rss_mb"`
	ServerProcess bool    `json:"server_own_process"`
	DBSizeMB      float64 `json:"db_size_mb"`
	// Sizes are the bytes per entry of each table and index of the entries once loaded (the
	// tables of the registers: records, their names and versions, the register books).
	Sizes []benchSize `json:"bytes_per_entry"`
}

// benchSize is what one table or index of the registers costs each entry.
type benchSize struct {
	Name     string  `json:"name"`
	Table    string  `json:"table"`
	Index    bool    `json:"index"`
	MB       float64 `json:"mb"`
	PerEntry float64 `json:"bytes"`
}

type benchFlags struct {
	db                     string
	n, clients, queries    int
	duration               time.Duration
	seed                   uint64
	cpuprofile, loadProf   string
	fast, inProcess, floor bool
	communes, names, pids  []string
	// offices is how entries spread over the communes; the officer's searches run in the first
	// commune of the list, the largest, on names and IDs of entries there.
	offices                   string
	officerNames, officerPIDs []string
	// kinds are the samples of every search kind; kindQueries how many of each are run.
	kinds       kindSamples
	kindQueries int
}

// benchCmd loads synthetic province data, then measures the system through its real HTTP API:
// by default a `tuphap serve` of its own, so that its memory is measured apart from the
// benchmark's clients (which still share the machine's cores with it).
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("bench", stderr)
	var f benchFlags
	fs.IntVar(&f.n, "n", 1000000, "records to load before measuring (skipped when the store holds that many already)")
	fs.IntVar(&f.clients, "clients", 32, "concurrent HTTP clients")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "how long to register births")
	fs.IntVar(&f.queries, "queries", 5000, "searches and ID lookups each")
	fs.IntVar(&f.kindQueries, "kind-queries", 1000, "searches of each kind (full name, prefix, given name first, wife's name, mother's name, register number, date of birth, ID, with filters), as the department and as the officer each with every client, then as the officer alone (at most 300 of each); 0 leaves them out")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the synthetic data")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write CPU profiles of the measuring phases to this file name, one per phase: FILE.registrations.prof and so on (implies --in-process)")
	fs.StringVar(&f.loadProf, "load-cpuprofile", "", "write a CPU profile of the loading phase to this file")
	fs.BoolVar(&f.fast, "fast-load", true, "drop the search indexes while loading and build them once at the end")
	fs.BoolVar(&f.inProcess, "in-process", false, "run the server inside the benchmark's process instead of as a child `tuphap serve`")
	fs.BoolVar(&f.floor, "floor", false, "also measure the floor: bare SQLite inserts without any index, and registrations without HTTP")
	fs.StringVar(&f.offices, "offices", "uniform", "how entries spread over the communes: uniform, zipf (the k-th largest holds 1/k of the first's) or one (all in 21025)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f.db = *db
	if !strings.HasPrefix(f.db, "postgres") && f.db == "tuphap.db" {
		f.db = filepath.Join(os.TempDir(), "tuphap-bench.db") // never benchmark into the live store by accident
	}
	f.inProcess = f.inProcess || f.cpuprofile != ""

	st, reg, err := openStore(ctx, f.db, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	res := benchResult{Store: st.Dialect(), ServerProcess: !f.inProcess}
	for _, o := range account.OfficesFrom(reg, time.Now()) {
		if o.Kind == "commune" {
			f.communes = append(f.communes, o.Code)
		}
	}
	if f.communes, err = spread(f.communes, f.offices); err != nil {
		return err
	}
	res.Offices, res.Officer = f.offices, f.communes[0]

	// 1. Load, in this process: this is what `tuphap import` does.
	if err := benchLoad(ctx, st, &f, &res, stderr); err != nil {
		return err
	}
	res.ImportRSSMB = peakRSS("self")
	if res.Sizes, err = registerSizes(ctx, st, res.Records); err != nil {
		return err
	}

	// 2. The server, on loopback.
	srv, err := startBenchServer(ctx, st, reg, f, stderr)
	if err != nil {
		return err
	}
	defer srv.stop()
	// 3. Registrations, then searches and ID lookups, through the API by many clients at once;
	// each phase profiled apart, since each has its own bottleneck.
	phase := func(name string, run func()) error {
		stop, err := cpuProfile(phaseFile(f.cpuprofile, name))
		if err != nil {
			return err
		}
		defer stop()
		before, cpu, began := srv.committer(), machineCPU(), time.Now()
		run()
		srv.committer().since(before, time.Since(began), stderr)
		machineCPU().since(cpu, stderr)
		return nil
	}
	births := makeBirthBodies(f)
	if err := phase("registrations", func() { benchRegistrations(srv, f, births, &res, stderr) }); err != nil {
		return err
	}
	if err := phase("searches", func() {
		res.SearchPerSec, res.SearchP50, res.SearchP99 = benchQueries(srv, f.queries, searchPaths(f.names), "name searches", stderr)
	}); err != nil {
		return err
	}
	if err := phase("lookups", func() {
		res.IDPerSec, res.IDP50, res.IDP99 = benchQueries(srv, f.queries, searchPaths(f.pids), "ID lookups", stderr)
	}); err != nil {
		return err
	}
	// The same as an officer of the largest commune: every search then holds its office.
	officer := *srv
	officer.token = srv.officerToken
	if err := phase("officer", func() {
		_, res.OffSearchP50, res.OffSearchP99 = benchQueries(&officer, f.queries, searchPaths(f.officerNames), "officer's name searches", stderr)
		_, res.OffIDP50, res.OffIDP99 = benchQueries(&officer, f.queries, searchPaths(f.officerPIDs), "officer's ID lookups", stderr)
	}); err != nil {
		return err
	}
	if f.kindQueries > 0 {
		if err := phase("kinds", func() { res.Kinds = benchKinds(srv, &officer, f, stderr) }); err != nil {
			return err
		}
	}
	if err := phase("dashboard", func() { res.DashP50, res.DashMax = benchDashboard(srv, stderr) }); err != nil {
		return err
	}
	res.ServerRSSMB = srv.rss()

	// 4. The duplicate check of a registration, alone, against the store.
	var dup []float64
	dg := synth.New(f.seed, f.communes)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for range 1000 {
		e := dg.Birth(today.AddDate(-40, 0, 0), today.AddDate(0, 0, -1), today)
		t0 := time.Now()
		facts := civil.FactsOfBirth(e.Birth)
		cands, err := registration.NewRecords(st).DuplicateCandidates(ctx, facts, civil.DefaultParams)
		if err != nil {
			return err
		}
		civil.FindDuplicates(facts, cands, civil.DefaultParams)
		dup = append(dup, ms(time.Since(t0)))
	}
	res.DupP99 = pct(dup, 99)
	res.DBSizeMB = dbSize(ctx, st, f.db)
	srv.stop()
	if f.floor {
		if err := benchFloor(ctx, st, f, stdout); err != nil {
			return err
		}
	}
	printBench(stdout, res)
	return nil
}

// birthBodies makes each client's births before the clock starts, as many as 4,000 a second
// would use: making them is the load generator's work, and it shares the two cores with the
// server. A client that runs out makes more with its generator.
type birthBodies struct {
	gens   []*synth.Generator
	bodies [][][]byte
}

func makeBirthBodies(f benchFlags) birthBodies {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	b := birthBodies{gens: make([]*synth.Generator, f.clients), bodies: make([][][]byte, f.clients)}
	for c := range f.clients {
		b.gens[c] = synth.New(uint64(time.Now().UnixNano())+uint64(c), f.communes) // new births on every run
		for range int(4000*f.duration.Seconds())/f.clients + 1 {
			body, _ := json.Marshal(newBirthRequest(b.gens[c], today))
			b.bodies[c] = append(b.bodies[c], body)
		}
	}
	return b
}

func benchRegistrations(srv *benchServer, f benchFlags, births birthBodies, res *benchResult, stderr io.Writer) {
	fmt.Fprintf(stderr, "registering births for %s with %d clients…\n", f.duration, f.clients)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var ok atomic.Int64
	var other sync.Map // status → count of answers other than 201
	var mu sync.Mutex
	var lat []float64
	gens, bodies := births.gens, births.bodies
	deadline := time.Now().Add(f.duration)
	var wg sync.WaitGroup
	for c := range f.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []float64
			for i := 0; time.Now().Before(deadline); i++ {
				var body []byte
				if i < len(bodies[c]) {
					body = bodies[c][i]
				} else {
					body, _ = json.Marshal(newBirthRequest(gens[c], today))
				}
				t0 := time.Now()
				code, err := srv.call("POST", "/api/v1/births", body)
				if err == nil && code == http.StatusCreated {
					ok.Add(1)
					mine = append(mine, ms(time.Since(t0)))
					continue
				}
				n, _ := other.LoadOrStore(fmt.Sprint(code, " ", err), new(atomic.Int64))
				n.(*atomic.Int64).Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.RegPerSec = float64(ok.Load()) / f.duration.Seconds()
	res.RegP50, res.RegP99 = pct(lat, 50), pct(lat, 99)
	other.Range(func(k, v any) bool {
		// 409: the rules saw a likely duplicate (common names, same mother's name, days apart).
		fmt.Fprintf(stderr, "  not registered: %d answered %v\n", v.(*atomic.Int64).Load(), k)
		return true
	})
}

// benchQueries runs n searches, the API paths of qs in turn, with srv.clients clients; it
// returns searches/s, p50, p99. It says how many found nothing: the samples are meant to exist.
func benchQueries(srv *benchServer, n int, qs []string, what string, stderr io.Writer) (float64, float64, float64) {
	if len(qs) == 0 { // a commune that got no birth of the synthetic entries
		fmt.Fprintf(stderr, "  %s: no entries to look for\n", what)
		return 0, 0, 0
	}
	began := time.Now()
	var empty atomic.Int64
	defer func() { fmt.Fprintf(stderr, "  %s: %d of %d found nothing\n", what, empty.Load(), n) }()
	var lat []float64
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range srv.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if code, body, err := srv.fetch("GET", qs[i%len(qs)], nil); err == nil && code == 200 {
					d := ms(time.Since(t0))
					if bytes.Contains(body, []byte(`"total":0`)) {
						empty.Add(1)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(stderr, "  %s: p90 %.2f ms, p95 %.2f, p99 %.2f, p99.9 %.2f, max %.2f\n", what, pct(lat, 90), pct(lat, 95), pct(lat, 99), pct(lat, 99.9), pct(lat, 100))
	return math.Round(float64(len(lat)) / time.Since(began).Seconds()), pct(lat, 50), pct(lat, 99)
}

func printBench(w io.Writer, res benchResult) {
	where := "own process"
	if !res.ServerProcess {
		where = "with the clients"
	}
	fmt.Fprintf(w, "tuphap bench (%s, %d records)\n", res.Store, res.Records)
	fmt.Fprintf(w, "  import                   %8.0f records/s   peak RSS %4.0f MB\n", res.ImportPerSec, res.ImportRSSMB)
	fmt.Fprintf(w, "  registrations (HTTP)     %8.0f births/s    p50 %6.1f ms  p99 %6.1f ms\n", res.RegPerSec, res.RegP50, res.RegP99)
	fmt.Fprintf(w, "  name search              %8.0f /s          p50 %6.2f ms  p99 %6.2f ms\n", res.SearchPerSec, res.SearchP50, res.SearchP99)
	fmt.Fprintf(w, "  personal-ID lookup       %8.0f /s          p50 %6.2f ms  p99 %6.2f ms\n", res.IDPerSec, res.IDP50, res.IDP99)
	fmt.Fprintf(w, "  officer of %s (%s)  name p50 %6.2f ms  p99 %6.2f ms; ID p50 %6.2f ms  p99 %6.2f ms\n", res.Officer, res.Offices,
		res.OffSearchP50, res.OffSearchP99, res.OffIDP50, res.OffIDP99)
	printKinds(w, res.Kinds)
	fmt.Fprintf(w, "  duplicate check                              p99 %6.2f ms\n", res.DupP99)
	fmt.Fprintf(w, "  leaders' dashboard (this year)               p50 %6.1f ms  max %6.1f ms\n", res.DashP50, res.DashMax)
	fmt.Fprintf(w, "  server peak RSS          %8.0f MB (%s)\n", res.ServerRSSMB, where)
	fmt.Fprintf(w, "  database size            %8.0f MB\n", res.DBSizeMB)
	fmt.Fprintf(w, "  after the load, bytes per entry:\n")
	for _, z := range res.Sizes {
		kind := "table"
		if z.Index {
			kind = "index of " + z.Table
		}
		fmt.Fprintf(w, "    %-34s %-26s %9.1f MB %6.0f B\n", z.Name, kind, z.MB, z.PerEntry)
	}
	line, _ := json.Marshal(res)
	fmt.Fprintln(w, string(line))
}

// registerSizes is what the registers' tables and indexes take per entry, largest first.
func registerSizes(ctx context.Context, st *store.Store, entries int) ([]benchSize, error) {
	all, err := st.Sizes(ctx)
	if err != nil {
		return nil, err
	}
	var out []benchSize
	for _, o := range all {
		switch o.Table {
		case "records", "record_names", "record_parties", "record_versions", "registers":
			out = append(out, benchSize{Name: o.Name, Table: o.Table, Index: o.Index, MB: float64(o.Bytes) / (1 << 20),
				PerEntry: float64(o.Bytes) / float64(max(entries, 1))})
		}
	}
	return out, nil
}

// spread weights the communes for the synthetic generator, which picks uniformly from its list:
// "one" keeps 21025 alone, "zipf" repeats the k-th commune 96/k times. The first is the largest.
func spread(communes []string, how string) ([]string, error) {
	switch how {
	case "uniform":
		return communes, nil
	case "one":
		return []string{"21025"}, nil
	case "zipf":
		var out []string
		for k, c := range communes {
			for range max(1, len(communes)/(k+1)) {
				out = append(out, c)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("--offices is uniform, zipf or one, not %q", how)
}

// newBirthRequest is a birth of the last fifty days, registered today, as an officer sends it:
// without a personal ID, which the population database gives.
func newBirthRequest(g *synth.Generator, today time.Time) registration.BirthRequest {
	e := g.Birth(today.AddDate(0, 0, -50), today.AddDate(0, 0, -1), today)
	e.Birth.Child.PersonalID = ""
	// Registered today as the server counts it (Vietnam's date, ahead of UTC's until 07:00): a
	// date sent from here would be another day for part of the day and need a reason.
	return registration.BirthRequest{Desk: registration.Desk{Office: e.Office}, Birth: *e.Birth}
}

// phaseFile names the profile of one phase: "cpu.prof" becomes "cpu.searches.prof"; "" stays "".
func phaseFile(path, phase string) string {
	if path == "" {
		return ""
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + phase + ext
}

// cpuProfile writes a CPU profile to path until stop is called; with no path it does nothing.
func cpuProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
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

// cpuTicks are the machine's CPU times (/proc/stat) at one moment: busy, idle, and waiting
// for the disk.
type cpuTicks struct{ busy, idle, iowait float64 }

func machineCPU() cpuTicks {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var t cpuTicks
	for i := 1; i < len(f) && i <= 8; i++ {
		var v float64
		fmt.Sscan(f[i], &v)
		switch i {
		case 4:
			t.idle = v
		case 5:
			t.iowait = v
		default:
			t.busy += v
		}
	}
	return t
}

// since prints how busy the machine's cores were from t0 to t.
func (t cpuTicks) since(t0 cpuTicks, w io.Writer) {
	busy, idle, wait := t.busy-t0.busy, t.idle-t0.idle, t.iowait-t0.iowait
	if total := busy + idle + wait; total > 0 {
		fmt.Fprintf(w, "  the machine's cores were busy %.0f%% of the time, waiting for the disk %.0f%%\n", 100*busy/total, 100*wait/total)
	}
}

// peakRSS is a process's peak resident set (VmHWM) in MB: pid is a number or "self"; 0 where
// /proc is missing.
func peakRSS(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			var kb float64
			fmt.Sscan(f[1], &kb)
			return kb / 1024
		}
	}
	return 0
}

// dbSize is the room the store takes: SQLite's files, or PostgreSQL's database.
func dbSize(ctx context.Context, st *store.Store, dsn string) float64 {
	var total int64
	if strings.HasPrefix(dsn, "postgres") {
		if err := st.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&total); err != nil {
			return 0
		}
		return float64(total) / (1 << 20)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(dsn + suffix); err == nil {
			total += fi.Size()
		}
	}
	return float64(total) / (1 << 20)
}

// benchDashboard reads the province's dashboard of this year so far five times, one after
// another: a leader opening it, not a load.
func benchDashboard(srv *benchServer, stderr io.Writer) (p50, most float64) {
	var lat []float64
	for range 5 {
		t0 := time.Now()
		if code, err := srv.call("GET", "/api/v1/oversight/dashboard", nil); err != nil || code != 200 {
			fmt.Fprintf(stderr, "  dashboard: %d %v\n", code, err)
			return 0, 0
		}
		lat = append(lat, ms(time.Since(t0)))
	}
	return pct(lat, 50), pct(lat, 100)
}
