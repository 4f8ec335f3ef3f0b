package judicial

import "testing"

// Candidates for a person named in a judgment or a request, scored with the civil-status
// register's folding (PersonRules): the personal ID settles it; a name is never enough alone.
func TestCandidates(t *testing.T) {
	lam := Person{ID: "1", FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111", PlaceOfBirth: "Bình Sơn, Quảng Ngãi"}
	typo := Person{ID: "2", FullName: "Trần Văn Lân", DateOfBirth: "1990-05-01", Sex: "male", PlaceOfBirth: "Bình Sơn, Quảng Ngãi"}
	near := Person{ID: "3", FullName: "Trần Văn Lâm", DateOfBirth: "1990-05-03", Sex: "male"}
	namesake := Person{ID: "4", FullName: "Trần Văn Lâm", DateOfBirth: "1985-01-01", Sex: "male"}
	woman := Person{ID: "5", FullName: "Trần Thị Lâm", DateOfBirth: "1990-05-01", Sex: "female"}
	got := rank(Person{FullName: "TRAN VAN LAM", DateOfBirth: "1990-05-01", Sex: "male", PersonalID: "051090001111", PlaceOfBirth: "Bình Sơn, Quảng Ngãi"},
		[]Person{namesake, near, typo, lam, woman})
	var ids []string
	for _, c := range got {
		ids = append(ids, c.Person.ID)
	}
	if len(got) != 3 || ids[0] != "1" || ids[1] != "2" || ids[2] != "3" || got[0].Score < 100 {
		t.Fatalf("candidates %v: %+v", ids, got)
	}
	if got[1].Score != 25+10+30+15 || got[2].Score != 35+10+10 {
		t.Errorf("scores: a typo born the same day in the same place %d, the name born two days apart %d", got[1].Score, got[2].Score)
	}
}
