package account

import (
	"context"

	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/fault"
)

// Person is how an account is named on paper and on screens of record: never by its username.
type Person struct {
	FullName string
	Title    string // "công chức tư pháp - hộ tịch"
}

// String is "Full Name, title", as a marginal note names who made it.
func (p Person) String() string {
	if p.Title == "" {
		return p.FullName
	}
	return p.FullName + ", " + p.Title
}

// titles are the positions that roles hold, as papers write them.
var titles = map[auth.Role]string{
	auth.Officer:    "công chức tư pháp - hộ tịch",
	auth.Signer:     "người có thẩm quyền ký",
	auth.Specialist: "chuyên viên Sở Tư pháp",
	auth.Leader:     "lãnh đạo Sở Tư pháp",
	auth.Admin:      "quản trị hệ thống",
	auth.Auditor:    "kiểm soát viên",
}

// machines are the actors that are not people: tuphap itself and its linked procedures.
var machines = map[string]Person{
	audit.System.Username: {FullName: "Hệ thống tuphap"},
	audit.Linked.Username: {FullName: "Hệ thống liên thông", Title: "theo kết quả của Cơ sở dữ liệu quốc gia về dân cư"},
}

// People names the given usernames. An unknown one (a deleted account, a legacy import) keeps its
// username, the only name there is.
func (s *Service) People(ctx context.Context, usernames ...string) (map[string]Person, error) {
	out := map[string]Person{}
	for _, u := range usernames {
		if _, done := out[u]; done || u == "" {
			continue
		}
		if m, ok := machines[u]; ok {
			out[u] = m
			continue
		}
		user, err := s.repo.userByUsername(ctx, u)
		if fault.Is(err, fault.NotFound) {
			out[u] = Person{FullName: u}
			continue
		}
		if err != nil {
			return nil, err
		}
		name := user.FullName
		if name == "" {
			name = u
		}
		out[u] = Person{FullName: name, Title: titles[user.Role]}
	}
	return out, nil
}
