package document

import "testing"

// Every kind's book has a width for each column, and the widths fill the page.
func TestBookLayouts(t *testing.T) {
	for k, l := range bookLayouts {
		sum := 0
		for _, w := range l.Widths {
			sum += w
		}
		if len(l.Widths) != len(l.Columns) || sum != 100 {
			t.Errorf("%s: %d columns, %d widths summing to %d%%", k, len(l.Columns), len(l.Widths), sum)
		}
	}
}
