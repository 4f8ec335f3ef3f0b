package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"tuphap/internal/signing"

	"tuphap/internal/account"
	"tuphap/internal/agency"
	"tuphap/internal/app"
	"tuphap/internal/correspondence"
	"tuphap/internal/demo"
	"tuphap/internal/document"
	"tuphap/internal/grassroots"
	"tuphap/internal/legalaid"
	"tuphap/internal/outbox"
	"tuphap/internal/oversight"
	"tuphap/internal/reception"
	"tuphap/internal/web"
)

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := newFlags("serve", stderr)
	addr := fs.String("addr", env("TUPHAP_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT (env TUPHAP_ADDR)")
	loadDemo := fs.Bool("demo", env("TUPHAP_DEMO", "") == "1", "load the demo users and print their password (env TUPHAP_DEMO=1)")
	logFormat := fs.String("log-format", env("TUPHAP_LOG_FORMAT", "text"), "log format: text or json (env TUPHAP_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("TUPHAP_LOG_LEVEL", "info"), "debug, info, warn or error (env TUPHAP_LOG_LEVEL)")
	secure := fs.Bool("secure-cookies", env("TUPHAP_SECURE_COOKIES", "") == "1",
		"always mark cookies Secure (env TUPHAP_SECURE_COOKIES=1); they are anyway when the request came over HTTPS or X-Forwarded-Proto says https")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes")
	trustProxy := fs.Bool("trust-proxy", env("TUPHAP_TRUST_PROXY", "") == "1",
		"take the client's address from the last X-Forwarded-For entry (env TUPHAP_TRUST_PROXY=1): only behind a proxy that appends it; the audit log and the public lookups' limit use the address")
	popURL := fs.String("population-url", env("TUPHAP_POPULATION_URL", ""), "base URL of the population database's API (env TUPHAP_POPULATION_URL)")
	insURL := fs.String("insurance-url", env("TUPHAP_INSURANCE_URL", ""), "base URL of social insurance's API (env TUPHAP_INSURANCE_URL)")
	policeURL := fs.String("police-url", env("TUPHAP_POLICE_URL", ""), "base URL of the police's API, asked when a sentence was served before a judicial-record certificate (env TUPHAP_POLICE_URL)")
	filesS3 := fs.String("files-s3", env("TUPHAP_FILES_S3", ""),
		"an S3-compatible bucket for the attachments instead of --files, https://host/bucket, with TUPHAP_S3_ACCESS_KEY, TUPHAP_S3_SECRET_KEY and TUPHAP_S3_REGION in the environment (env TUPHAP_FILES_S3): what nodes serving one database share")
	rootsFile := fs.String("trusted-roots", env("TUPHAP_TRUSTED_ROOTS", ""),
		"PEM file of the certification authorities' roots an incoming document's signature is checked against, e.g. the Government CA's and the national root (env TUPHAP_TRUSTED_ROOTS); without it, signatures are checked for integrity only and the page says so")
	exchangeURL := fs.String("exchange-url", env("TUPHAP_EXCHANGE_URL", ""), "base URL of the document exchange, which delivers the department's signed letters to other agencies (env TUPHAP_EXCHANGE_URL)")
	keyFile := fs.String("secret-key-file", env("TUPHAP_SECRET_KEY_FILE", ""),
		"file with the 32-byte master key that seals signing keys, made on first start when missing (env TUPHAP_SECRET_KEY_FILE; default: the SQLite file's name + .secret, or tuphap.secret); TUPHAP_SECRET_KEY (base64) overrides it")
	publicURL := fs.String("public-url", env("TUPHAP_PUBLIC_URL", ""),
		"the address citizens reach, printed on every document and in its QR code, e.g. https://tuphap.quangngai.gov.vn (env TUPHAP_PUBLIC_URL); required to issue documents, except with --demo, where it defaults to http://ADDR")
	selfSign := fs.String("self-sign-offices", env("TUPHAP_SELF_SIGN_OFFICES", ""),
		"comma-separated office codes whose signers may sign documents they issued themselves, e.g. a one-person office (env TUPHAP_SELF_SIGN_OFFICES)")
	backdate := fs.String("backdate-window", env("TUPHAP_BACKDATE_WINDOW", reception.DefaultBackdateWindow.String()),
		"how far back a dossier's received time may lie without a written reason (env TUPHAP_BACKDATE_WINDOW)")
	authority := fs.String("judicial-authority", env("TUPHAP_JUDICIAL_AUTHORITY", ""),
		"who issues judicial-record certificates, as printed on them: PARENT|NAME|SIGNER TITLE|PLACE[|ADDRESS], e.g. \"Bộ Công an|Công an tỉnh Quảng Ngãi|GIÁM ĐỐC|Quảng Ngãi|số 1 Trần Hưng Đạo, phường Cẩm Thành\" (env TUPHAP_JUDICIAL_AUTHORITY; default the department of justice)")
	plan := fs.String("legal-aid-plan", env("TUPHAP_LEGAL_AID_PLAN", strconv.Itoa(legalaid.DefaultPlan)),
		"the legal-aid centre's plan of cases for the year, which its report and the leaders' home count against (env TUPHAP_LEGAL_AID_PLAN)")
	standardFile := fs.String("access-standard", env("TUPHAP_ACCESS_STANDARD", ""),
		"JSON file of the access-to-law standard's criteria, indicators, points and thresholds, as internal/grassroots/standard.json (env TUPHAP_ACCESS_STANDARD; default the shipped one, marked unverified)")
	emulationFile := fs.String("emulation", env("TUPHAP_EMULATION", ""),
		"JSON file of the emulation criteria, points, sources and grades, as internal/oversight/emulation.json, or a list of such sets each with its \"from_year\" (env TUPHAP_EMULATION; default the shipped sample, marked unverified)")
	checklistFile := fs.String("inspection-checklist", env("TUPHAP_INSPECTION_CHECKLIST", ""),
		"JSON file of the checklist of commune inspections, as internal/oversight/inspection.json (env TUPHAP_INSPECTION_CHECKLIST; default the shipped sample, marked unverified)")
	statisticsFile := fs.String("statistics-forms", env("TUPHAP_STATISTICS_FORMS", ""),
		"JSON file of the statistical forms and reporting periods, as internal/oversight/statistics.json (env TUPHAP_STATISTICS_FORMS; default the shipped sample, marked unverified)")
	filesDir := fs.String("files", env("TUPHAP_FILES", ""),
		"folder of the correspondence's attachments, kept by their content (env TUPHAP_FILES; default: the SQLite file's name + .files, or tuphap-files); nodes sharing a database share it")
	deliver := fs.Bool("outbox", env("TUPHAP_OUTBOX", "1") != "0",
		"deliver the outbox to the agencies from this process (env TUPHAP_OUTBOX=0 turns it off: for web nodes beside one delivering node, and for benchmarks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	public, err := publicAddress(*publicURL, *addr, *loadDemo)
	if err != nil {
		return err
	}
	if public == "" {
		log.Warn("no --public-url: documents and receipt slips cannot be issued until it is set")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	st, reg, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if *loadDemo {
		password, err := demo.Load(ctx, account.New(st))
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		start := time.Now()
		n, err := demo.LoadRecords(ctx, st, account.OfficesFrom(reg, time.Now()), 3000, 600)
		if err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
		if n > 0 {
			// Open requests at the demo users' communes, so that their due lists are not empty.
			if err := demo.LoadDossiers(ctx, st, []string{"21025", "21028"}, 40); err != nil {
				return fmt.Errorf("demo dossiers: %w", err)
			}
			log.Info("demo records loaded", "entries", n, "took", time.Since(start).Round(time.Millisecond))
		}
		printDemo(stdout, *addr, password)
	}
	master, err := masterKey(*db, *keyFile, true, log)
	if err != nil {
		return err
	}
	window, err := time.ParseDuration(*backdate)
	if err != nil || window <= 0 {
		return fmt.Errorf("--backdate-window %q: want a positive duration such as 24h or 72h", *backdate)
	}
	issuer, err := judicialAuthority(*authority)
	if err != nil {
		return err
	}
	cases, err := strconv.Atoi(*plan)
	if err != nil || cases <= 0 {
		return fmt.Errorf("--legal-aid-plan %q: want a number of cases above 0", *plan)
	}
	roots, err := trustedRoots(*rootsFile)
	if err != nil {
		return err
	}
	var files correspondence.Files = correspondence.Disk{Dir: filesFolder(*db, *filesDir)}
	if *filesS3 != "" {
		if files, err = correspondence.NewS3(ctx, *filesS3, os.Getenv("TUPHAP_S3_ACCESS_KEY"), os.Getenv("TUPHAP_S3_SECRET_KEY"), os.Getenv("TUPHAP_S3_REGION")); err != nil {
			return err
		}
	}
	svc, err := app.New(ctx, st, reg, app.Options{MasterKey: master, PublicURL: public, SelfSignOffices: splitList(*selfSign), BackdateWindow: window,
		JudicialAuthority: issuer, Files: files, TrustedRoots: roots})
	if err != nil {
		return err
	}
	svc.LegalAid.Plan = cases
	if *standardFile != "" {
		b, err := os.ReadFile(*standardFile)
		if err != nil {
			return fmt.Errorf("--access-standard: %w", err)
		}
		if svc.Grassroots.Standard, err = grassroots.ParseStandard(b); err != nil {
			return fmt.Errorf("--access-standard %s: %w", *standardFile, err)
		}
	}
	// The department's own data in place of the samples, each checked as it is read.
	for _, d := range []struct {
		flag, file string
		apply      func([]byte) error
	}{
		{"--emulation", *emulationFile, func(b []byte) (err error) { svc.Emulation.Sets, err = oversight.ParseCriteriaSets(b); return }},
		{"--inspection-checklist", *checklistFile, func(b []byte) (err error) { svc.Inspections.Checklist, err = oversight.ParseChecklist(b); return }},
		{"--statistics-forms", *statisticsFile, func(b []byte) (err error) { svc.Statistics.Templates, err = oversight.ParseTemplates(b); return }},
	} {
		if d.file == "" {
			continue
		}
		b, err := os.ReadFile(d.file)
		if err == nil {
			err = d.apply(b)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", d.flag, d.file, err)
		}
	}
	srv, err := web.New(web.Config{SecureCookies: *secure, MaxBody: *maxBody, TrustProxy: *trustProxy}, svc, log)
	if err != nil {
		return err
	}
	if *loadDemo {
		// Demo signing keys, from a demo CA whose certificates say they are demos.
		// The department's key signs judicial-record certificates.
		if err := svc.Issuing.EnsureDemoKeys(ctx, []string{"21025", "21028", "department"}); err != nil {
			return fmt.Errorf("demo keys: %w", err)
		}
	}
	endpoints, stopSims, err := agencyEndpoints(ctx, map[agency.Kind]string{agency.Population: *popURL, agency.Insurance: *insURL, agency.Police: *policeURL,
		agency.Exchange: *exchangeURL}, *loadDemo, log)
	if err != nil {
		return err
	}
	defer stopSims()
	if *deliver {
		worker := outbox.NewWorker(st, svc.Registration, endpoints, log)
		worker.Answers[outbox.PoliceVerify] = svc.Judicial.ApplyVerification  // the police's answers on sentences served
		worker.Answers[outbox.SendDocument] = svc.Correspondence.ApplyReceipt // the exchange's receipts of letters delivered
		worker.Register(srv.Metrics())
		workerDone := make(chan struct{})
		go func() { worker.Run(ctx); close(workerDone) }()
		defer func() { <-workerDone }() // the worker stops with ctx; wait for its deliveries in flight
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("listening", "addr", ln.Addr().String(), "db", st.Dialect())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Drain: stop accepting, let requests in flight finish.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Imports started from the page stop at their next batch and write their report.
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("imports still running at exit", "err", err)
	}
	log.Info("stopped")
	return nil
}

func printDemo(w io.Writer, addr, password string) {
	host := addr
	if strings.HasPrefix(host, ":") {
		host = "localhost" + host
	}
	fmt.Fprintf(w, "\nDemo province loaded. Open http://%s/ and log in as one of these users\n", host)
	fmt.Fprintf(w, "(password for all of them, valid until the next start: %s)\n\n", password)
	for _, u := range demo.Users {
		fmt.Fprintf(w, "  %-11s %-10s %s\n", u.Username, u.Role, u.Office)
	}
	fmt.Fprintln(w, "\nquantri (admin) must set up a second factor (TOTP) at first login.")
	fmt.Fprintln(w)
}

// masterKey reads the key that seals signing keys: TUPHAP_SECRET_KEY (base64), else the key
// file, which is made (mode 0600) on first start. Back it up with the database: without it the
// stored signing keys cannot be used.
// filesFolder is where attachments are kept: --files, or beside the SQLite file.
func filesFolder(dsn, dir string) string {
	switch {
	case dir != "":
		return dir
	case strings.HasPrefix(dsn, "postgres"):
		return "tuphap-files"
	}
	return strings.TrimPrefix(dsn, "file:") + ".files"
}

func masterKey(dsn, file string, create bool, log *slog.Logger) ([]byte, error) {
	if v := os.Getenv("TUPHAP_SECRET_KEY"); v != "" {
		k, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(k) != 32 {
			return nil, errors.New("TUPHAP_SECRET_KEY must be 32 bytes in base64")
		}
		return k, nil
	}
	if file == "" {
		file = "tuphap.secret"
		if !strings.HasPrefix(dsn, "postgres") {
			file = strings.TrimPrefix(dsn, "file:") + ".secret"
		}
	}
	b, err := os.ReadFile(file)
	if err == nil {
		k, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s does not hold a 32-byte base64 key", file)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) || !create {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	log.Warn("made a new master key for signing keys: back it up with the database", "file", file)
	return k, nil
}

// agencyEndpoints are the agencies the outbox delivers to: the configured addresses (with the
// shared secret in TUPHAP_AGENCY_SECRET), or with --demo and none configured, simulators running
// inside this process. Without either, messages wait in the outbox, none lost.
func agencyEndpoints(ctx context.Context, urls map[agency.Kind]string, demo bool, log *slog.Logger) (map[string]outbox.Endpoint, func(), error) {
	secret := []byte(os.Getenv("TUPHAP_AGENCY_SECRET"))
	configured := false
	for _, u := range urls {
		configured = configured || u != ""
	}
	if configured {
		if len(secret) == 0 {
			return nil, nil, errors.New("TUPHAP_AGENCY_SECRET must hold the secret shared with the agencies")
		}
		eps := map[string]outbox.Endpoint{}
		for kind, u := range urls {
			eps[string(kind)] = outbox.Endpoint{URL: u, Secret: secret}
		}
		return eps, func() {}, nil
	}
	if !demo {
		log.Warn("no agency addresses (--population-url, --insurance-url, --police-url, --exchange-url): requests wait in the outbox")
		return map[string]outbox.Endpoint{}, func() {}, nil
	}
	secret = make([]byte, 32)
	rand.Read(secret)
	eps := map[string]outbox.Endpoint{}
	var stops []func()
	for _, kind := range []agency.Kind{agency.Population, agency.Insurance, agency.Police, agency.Exchange} {
		sim, err := agency.NewSimulator(kind, ":memory:", secret)
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		hs := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(ln)
		eps[string(kind)] = outbox.Endpoint{URL: "http://" + ln.Addr().String(), Secret: secret}
		stops = append(stops, func() { hs.Close(); sim.Close() })
		log.Info("agency simulator running in-process", "agency", kind, "addr", ln.Addr().String())
	}
	return eps, func() {
		for _, f := range stops {
			f()
		}
	}, nil
}

// publicAddress checks the configured public address: an absolute http(s) URL without query or
// fragment. Without one, the demo uses its own listen address; a real deployment issues nothing.
func publicAddress(raw, addr string, demo bool) (string, error) {
	if raw == "" {
		if demo {
			return "http://" + addr, nil
		}
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--public-url must be an address like https://tuphap.example.gov.vn, not %q", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// splitList reads a comma-separated flag value, ignoring blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// judicialAuthority reads --judicial-authority: "" for the default, else four or five parts.
func judicialAuthority(s string) (document.Authority, error) {
	if strings.TrimSpace(s) == "" {
		return document.Authority{}, nil
	}
	parts := strings.Split(s, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 4 || len(parts) > 5 || slices.Contains(parts, "") {
		return document.Authority{}, fmt.Errorf("--judicial-authority %q: want PARENT|NAME|SIGNER TITLE|PLACE[|ADDRESS], none empty", s)
	}
	a := document.Authority{Parent: parts[0], Name: parts[1], SignerTitle: parts[2], Place: parts[3]}
	if len(parts) == 5 {
		a.Address = parts[4]
	}
	return a, nil
}

// trustedRoots reads the roots incoming signatures are checked against ("" for none).
func trustedRoots(file string) ([]*x509.Certificate, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--trusted-roots: %w", err)
	}
	certs, err := signing.ParseCertsPEM(data)
	if err != nil || len(certs) == 0 {
		return nil, fmt.Errorf("--trusted-roots %s: no PEM certificate in it (%v)", file, err)
	}
	return certs, nil
}
