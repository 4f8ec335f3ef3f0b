package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"tuphap/internal/agency"
)

// simCmd runs a simulator of a national agency: "tuphap sim population", "tuphap sim insurance"
// "tuphap sim police" or "tuphap sim exchange".
func simCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains([]agency.Kind{agency.Population, agency.Insurance, agency.Police, agency.Exchange}, agency.Kind(args[0])) {
		return fmt.Errorf("sim takes population, insurance, police or exchange: %w", errUsage)
	}
	kind := agency.Kind(args[0])
	fs, _ := newFlags("sim "+args[0], stderr)
	addr := fs.String("addr", "127.0.0.1:9101", "listen address")
	db := fs.String("store", string(kind)+"-sim.db", "the simulator's own SQLite store (:memory: for none)")
	fault := fs.String("fault", "", "misbehave: refuse, error, timeout, slow or drop")
	rate := fs.Float64("fault-rate", 1, "share of requests that misbehave")
	delay := fs.Duration("fault-delay", 5*time.Second, "delay of slow and timeout")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	secret := os.Getenv("TUPHAP_AGENCY_SECRET")
	if secret == "" {
		return errors.New("set TUPHAP_AGENCY_SECRET to the secret shared with tuphap")
	}
	sim, err := agency.NewSimulator(kind, *db, []byte(secret))
	if err != nil {
		return err
	}
	defer sim.Close()
	sim.SetFaults(agency.Faults{Mode: *fault, Rate: *rate, Delay: *delay})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); hs.Close() }()
	fmt.Fprintf(stdout, "%s simulator listening on http://%s (faults: %q)\n", kind, ln.Addr(), *fault)
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
