package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// node is one `tuphap serve` process of the deployment.
type node struct {
	name string
	exe  string
	args []string
	env  []string
	addr string
	log  string

	mu  sync.Mutex
	cmd *exec.Cmd
}

func newNode(name, exe, dir, dsn, keyFile string, outbox bool, extra ...string) (*node, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--db", dsn, "--addr", addr, "--secret-key-file", keyFile,
		"--public-url", "http://" + addr, "--log-format", "json", "--outbox=" + strconv.FormatBool(outbox)}
	return &node{name: name, exe: exe, args: append(args, extra...), addr: addr,
		log: filepath.Join(dir, name+".log")}, nil
}

func (n *node) url(path string) string { return "http://" + n.addr + path }

// start runs the process; its log goes to its file, appended across restarts.
func (n *node) start() error {
	f, err := os.OpenFile(n.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.exe, n.args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), n.env...)
	if err := cmd.Start(); err != nil {
		f.Close()
		return err
	}
	go func() { cmd.Wait(); f.Close() }()
	n.mu.Lock()
	n.cmd = cmd
	n.mu.Unlock()
	return nil
}

// ready waits for /readyz, which answers only once the node reaches the database.
func (n *node) ready(ctx context.Context, timeout time.Duration) error {
	return waitFor(ctx, timeout, n.name+" ready", func() (bool, error) {
		resp, err := http.Get(n.url("/readyz"))
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, fmt.Errorf("/readyz answered %d", resp.StatusCode)
	})
}

// kill ends the process with SIGKILL: nothing is drained, as in a crash or an OOM kill.
func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil && n.cmd.Process != nil {
		n.cmd.Process.Kill()
	}
}

// stop ends the process as systemd would, with SIGTERM, and waits until its port is closed.
func (n *node) stop() {
	n.mu.Lock()
	cmd := n.cmd
	n.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if c, err := net.Dial("tcp", n.addr); err != nil {
			return
		} else {
			c.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func freePort() (int, error) {
	a, err := freeAddr()
	if err != nil {
		return 0, err
	}
	_, p, _ := net.SplitHostPort(a)
	return strconv.Atoi(p)
}
