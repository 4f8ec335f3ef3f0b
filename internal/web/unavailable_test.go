package web_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tuphap/internal/auth"
	"tuphap/internal/store"
	"tuphap/internal/store/storetest"
)

// linkProxy stands between the server and PostgreSQL, so that a test can cut the link as a
// failover or a network fault does, and restore it on the same address.
type linkProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newLinkProxy(t *testing.T, target string) *linkProxy {
	p := &linkProxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *linkProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// cut refuses new connections and ends those open.
func (p *linkProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *linkProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

// While the database is out of reach (a failover, a cut link), requests are answered 503 with
// Retry-After and a message that says a write may have been stored, and the server is not
// ready; once the database is back, the same server serves again without a restart.
func TestDatabaseUnavailable(t *testing.T) {
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newLinkProxy(t, u.Host)
	u.Host = p.addr
	st, err := store.Open(ctx, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, st)
	if code, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Phạm Thị Hoa", "2026-02-10", "Lý Thị Mai", "")); code != http.StatusCreated {
		t.Fatalf("before the cut: %d %v", code, body)
	}

	p.cut()
	bearer := map[string]string{"Authorization": "Bearer " + e.tokens[auth.Officer], "Content-Type": "application/json"}
	resp, body := e.do(nil, "POST", "/api/v1/births", strings.NewReader(birthJSON("21025", "Võ Văn Kiệt", "2026-02-11", "Đặng Thị Thu", "")), bearer)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("write while the database is away: %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if !strings.Contains(body, `"code":"unavailable"`) || !strings.Contains(body, "không kết nối được cơ sở dữ liệu") || !strings.Contains(body, "hãy tìm lại trước khi gửi lần nữa") {
		t.Errorf("the answer should say the database is away and that the write may be stored: %s", body)
	}
	if resp, _ := e.do(nil, "GET", "/api/v1/records?q=Ph%E1%BA%A1m", nil, bearer); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("read while the database is away: %d", resp.StatusCode)
	}
	if resp, _ := e.do(nil, "GET", "/readyz", nil, nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is away: %d", resp.StatusCode)
	}

	p.restore()
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := e.api(auth.Officer, "POST", "/api/v1/births", birthJSON("21025", "Trương Văn Nam", "2026-02-12", "Lê Thị Bích", ""))
		if code == http.StatusCreated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the database came back: %d %v", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
