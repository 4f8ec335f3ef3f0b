package auth

import (
	"testing"
	"time"

	"tuphap/internal/fault"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật khẩu đúng 123")
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPassword(h, "mật khẩu đúng 123") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"", "mật khẩu sai 123", "mat khau dung 123"} {
		if VerifyPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$$", "plain", "$bcrypt$x$y$z$w"} {
		if VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	h2, _ := HashPassword("mật khẩu đúng 123")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (salt)")
	}
}

func TestLockedUntil(t *testing.T) {
	last := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		failures int
		want     time.Duration // 0 = not locked
	}{
		{0, 0}, {4, 0}, {5, 30 * time.Second}, {6, time.Minute}, {7, 2 * time.Minute},
		{10, 16 * time.Minute}, {11, 30 * time.Minute}, {50, 30 * time.Minute},
	}
	for _, tt := range tests {
		got := LockedUntil(tt.failures, last)
		if tt.want == 0 && !got.IsZero() || tt.want != 0 && got.Sub(last) != tt.want {
			t.Errorf("LockedUntil(%d) = %v after last, want %v", tt.failures, got.Sub(last), tt.want)
		}
	}
}

func TestAllow(t *testing.T) {
	officerA := Principal{Role: Officer, Office: "21025"}
	tests := []struct {
		name   string
		p      Principal
		action Action
		office string
		want   fault.Kind // -1 = allowed
	}{
		{"officer own commune", officerA, WriteRecords, "21025", -1},
		{"officer other commune hidden", officerA, ViewRecords, "21028", fault.NotFound},
		{"officer cannot sign", officerA, SignDocuments, "21025", fault.Forbidden},
		{"officer no users", officerA, ManageUsers, "", fault.Forbidden},
		{"signer own", Principal{Role: Signer, Office: "21025"}, SignDocuments, "21025", -1},
		{"leader any commune", Principal{Role: Leader, Office: DepartmentOffice}, ViewRecords, "21028", -1},
		{"leader cannot write", Principal{Role: Leader, Office: DepartmentOffice}, WriteRecords, "21028", fault.Forbidden},
		{"specialist writes", Principal{Role: Specialist, Office: DepartmentOffice}, WriteRecords, "21028", -1},
		{"admin no records", Principal{Role: Admin, Office: DepartmentOffice}, ViewRecords, "21028", fault.Forbidden},
		{"auditor audit", Principal{Role: Auditor, Office: DepartmentOffice}, ViewAudit, "", -1},
		{"auditor no records", Principal{Role: Auditor, Office: DepartmentOffice}, ViewRecords, "", fault.Forbidden},
		{"unknown role", Principal{Role: "boss"}, ViewUnits, "", fault.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Allow(tt.action, tt.office)
			if tt.want == -1 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !fault.Is(err, tt.want) {
				t.Fatalf("err = %v, want kind %v", err, tt.want)
			}
		})
	}
}

func TestCheckOffice(t *testing.T) {
	for _, r := range Roles {
		commune, dept := CheckOffice(r, "21025"), CheckOffice(r, DepartmentOffice)
		if r.AtCommune() && (commune != nil || dept == nil) || !r.AtCommune() && (commune == nil || dept != nil) {
			t.Errorf("%s: commune=%v department=%v", r, commune, dept)
		}
	}
	if _, err := ParseRole("root"); !fault.Is(err, fault.Invalid) {
		t.Fatal("unknown role accepted")
	}
}

func TestSecret(t *testing.T) {
	s, h, err := NewSecret("tp_")
	if err != nil || len(s) < 40 || HashSecret(s) != h || h == s {
		t.Fatalf("secret %q hash %q err %v", s, h, err)
	}
	s2, _, _ := NewSecret("tp_")
	if s == s2 {
		t.Fatal("secrets repeat")
	}
}

func TestTOTP(t *testing.T) {
	secret, url, err := NewTOTP("tuphap", "admin")
	if err != nil || url == "" {
		t.Fatal(err)
	}
	now := time.Now()
	code, _ := TOTPCode(secret, now)
	if !CheckTOTP(secret, code, now) || !CheckTOTP(secret, code, now.Add(30*time.Second)) {
		t.Fatal("current code refused")
	}
	if CheckTOTP(secret, code, now.Add(5*time.Minute)) {
		t.Fatal("stale code accepted")
	}
}
