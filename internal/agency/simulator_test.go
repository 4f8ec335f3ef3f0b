package agency

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url, path, key string, secret []byte, body any, at time.Time) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url+path, bytes.NewReader(b))
	req.Header.Set(HeaderKey, key)
	SignRequest(req, secret, b, at)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// The simulators follow the protocol in docs/protocol: signatures, idempotency, one number per
// record, well-formed numbers, refusals of bad data.
func TestSimulatorProtocol(t *testing.T) {
	secret := []byte("s")
	pop, _ := NewSimulator(Population, ":memory:", secret)
	ins, _ := NewSimulator(Insurance, ":memory:", secret)
	ps, is := httptest.NewServer(pop), httptest.NewServer(ins)
	defer ps.Close()
	defer is.Close()
	now := time.Now()
	birth := BirthRequest{RecordID: "r1", Province: "051", Child: Person{FullName: "Nguyễn Thị Đào", Sex: "female", DateOfBirth: "2026-02-01"}}
	code, a := post(t, ps.URL, "/v1/births", "k1", secret, birth, now)
	pid, _ := a["personal_id"].(string)
	if code != 200 || len(pid) != 12 || !strings.HasPrefix(pid, "051326") {
		t.Fatalf("birth: %d %v", code, a)
	}
	if _, b := post(t, ps.URL, "/v1/births", "k1", secret, birth, now); b["personal_id"] != pid {
		t.Fatal("same key, another number")
	}
	if _, b := post(t, ps.URL, "/v1/births", "k2", secret, birth, now); b["personal_id"] != pid {
		t.Fatal("same record, another number")
	}
	other := birth
	other.Child.FullName = "Khác"
	if code, _ := post(t, ps.URL, "/v1/births", "k1", secret, other, now); code != 422 {
		t.Fatalf("key reused for another body: %d", code)
	}
	if code, _ := post(t, ps.URL, "/v1/births", "k3", []byte("wrong"), birth, now); code != 401 {
		t.Fatalf("bad signature: %d", code)
	}
	if code, _ := post(t, ps.URL, "/v1/births", "k4", secret, birth, now.Add(-10*time.Minute)); code != 401 {
		t.Fatalf("stale signature: %d", code)
	}
	bad := birth
	bad.RecordID, bad.Province = "r2", "5"
	if code, _ := post(t, ps.URL, "/v1/births", "k5", secret, bad, now); code != 422 {
		t.Fatalf("bad province: %d", code)
	}
	card := CardRequest{RecordID: "r1", Child: Person{FullName: "Nguyễn Thị Đào", Sex: "female", DateOfBirth: "2026-02-01", PersonalID: pid}, Province: "051"}
	code, c := post(t, is.URL, "/v1/cards", "c1", secret, card, now)
	if n, _ := c["card_number"].(string); code != 200 || !strings.HasPrefix(n, "TE151") || len(n) != 15 || c["valid_to"] != "2032-01-31" {
		t.Fatalf("card: %d %v", code, c)
	}
	old := card
	old.RecordID, old.Child.DateOfBirth = "r9", "2015-01-01"
	if code, c := post(t, is.URL, "/v1/cards", "c2", secret, old, now); code != 422 || c["error"].(map[string]any)["code"] != "not_eligible" {
		t.Fatalf("card for a 11-year-old: %d %v", code, c)
	}
	pop.SetFaults(Faults{Mode: "error", Rate: 1})
	if code, _ := post(t, ps.URL, "/v1/births", "k9", secret, BirthRequest{RecordID: "r3", Province: "051", Child: birth.Child}, now); code != 500 {
		t.Fatalf("fault: %d", code)
	}
	if pop.Processed.Load() != 1 {
		t.Fatalf("processed %d", pop.Processed.Load())
	}
}
