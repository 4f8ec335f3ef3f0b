// Package demo loads a demo province so that a newcomer can log in at once: one user per role,
// all with one random password that is printed at start.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"

	"tuphap/internal/account"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
)

// User is a demo account.
type User struct {
	Username, FullName string
	Role               auth.Role
	Office             string
}

// Users are the demo accounts: commune staff of Phường Cẩm Thành (21025), an officer of a second
// commune (Phường Nghĩa Lộ, 21028) to show that communes do not see each other's records, and the
// Department's staff, a judicial-record officer among them.
var Users = []User{
	{"canbo", "Nguyễn Thị Đào", auth.Officer, "21025"},
	{"canbo2", "Trần Văn Bình", auth.Officer, "21028"},
	{"chutich", "Lê Văn Hùng", auth.Signer, "21025"},
	{"chuyenvien", "Phạm Thị Lan", auth.Specialist, auth.DepartmentOffice},
	{"lanhdao", "Võ Minh Quang", auth.Leader, auth.DepartmentOffice},
	// The heads who review an outgoing letter before a leader: the unit's, then the office's.
	{"truongphong", "Lê Thị Thanh Hương", auth.Specialist, auth.DepartmentOffice},
	{"chanhvp", "Trương Công Minh", auth.Specialist, auth.DepartmentOffice},
	{"quantri", "Đặng Quốc Việt", auth.Admin, auth.DepartmentOffice},
	{"kiemtoan", "Huỳnh Thị Mai", auth.Auditor, auth.DepartmentOffice},
	{"lltp", "Võ Thị Hằng", auth.Judicial, auth.DepartmentOffice},
	{"tgpl", "Nguyễn Văn Tâm", auth.LegalAid, auth.DepartmentOffice},
}

// Load creates the demo users, or resets their passwords when they exist, and returns the
// password: a new one each start, so that a demo left running is not open to a known password.
func Load(ctx context.Context, svc *account.Service) (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	password := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:16]
	for _, u := range Users {
		_, err := svc.AddUser(ctx, account.NewUser{Username: u.Username, FullName: u.FullName, Role: string(u.Role),
			Office: u.Office, Password: password}, audit.System)
		if fault.Is(err, fault.Conflict) {
			err = svc.SetPassword(ctx, u.Username, password, audit.System)
		}
		if err != nil {
			return "", err
		}
	}
	return password, nil
}
