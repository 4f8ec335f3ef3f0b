package civil

import (
	"slices"
	"testing"
)

// The report counts each adoption once, by the adopters' relation (Law on Adoption 2010 art.
// 8.2, 14.3), one adopter or a couple (art. 8.3), the child's sex and age on the adoption's day
// (registered here, or decided abroad: Law 60/2014 art. 48.1), the day before a birthday
// counting the younger age.
func TestAdoptionCount(t *testing.T) {
	var c AdoptionCount
	girl := Person{FullName: "Lê Thị Na", Sex: Female, DateOfBirth: "2025-03-10"}
	boy := Person{FullName: "Lê Văn Tý", Sex: Male, DateOfBirth: "2017-03-11"}
	mother := &Parent{FullName: "Phạm Thị Lan", DateOfBirth: "1982-07-07"}
	father := &Parent{FullName: "Trần Văn Bình", DateOfBirth: "1980-02-02"}
	c.Add(&Adoption{Child: girl, Father: father, Mother: mother}, "2026-03-09")                                          // 0, a couple
	c.Add(&Adoption{Child: girl, Mother: mother, Relation: Relative}, "2026-03-10")                                      // 1
	c.Add(&Adoption{Child: boy, Father: father, Relation: StepParent}, "2026-03-10")                                     // 8, the day before 9
	c.Add(&Adoption{Child: boy, Father: father, RegisteredAbroad: &ForeignRecord{IssuedOn: "2026-03-11"}}, "2026-04-01") // 9 abroad
	want := AdoptionCount{Total: 4, StepParent: 1, Relative: 1, Others: 2, Couples: 1, Single: 3, Boys: 2, Girls: 2, Ages: []int{1, 1, 1, 1}, Abroad: 1}
	if c.Total != want.Total || c.StepParent != want.StepParent || c.Relative != want.Relative || c.Others != want.Others ||
		c.Couples != want.Couples || c.Single != want.Single || c.Boys != want.Boys || c.Girls != want.Girls || c.Abroad != want.Abroad ||
		!slices.Equal(c.Ages, want.Ages) {
		t.Fatalf("count %+v, want %+v", c, want)
	}
	sum := c.Plus(AdoptionCount{Total: 1, Others: 1, Single: 1, Girls: 1, Ages: []int{0, 0, 0, 1}})
	if sum.Total != 5 || sum.Girls != 3 || !slices.Equal(sum.Ages, []int{1, 1, 1, 2}) {
		t.Fatalf("sum %+v", sum)
	}
}
