package conformance_test

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/models/all"
)

// TestReadmeMutantCounts keeps the README's figures for the mutant
// catalogue in step with the catalogue: the number of single-bug
// variants, the control's leaky variants, and the "N of N killed" line
// that sums them.
func TestReadmeMutantCounts(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	models, controls := len(all.Mutants()), len(control.Mutants())
	t.Logf("catalogue: %d model mutants, %d control mutants", models, controls)
	for _, c := range []struct {
		re   string
		want []int
	}{
		{`\(` + "`models/\\*/mutant\\.go`" + `, (\d+) single-bug variants, and the\s+control's (\d+)\)`, []int{models, controls}},
		{`(\d+) of (\d+) killed by the requirement each one breaks`, []int{models + controls, models + controls}},
	} {
		m := regexp.MustCompile(c.re).FindStringSubmatch(readme)
		if m == nil {
			t.Errorf("README.md has no line matching %q", c.re)
			continue
		}
		for i, w := range c.want {
			if got, _ := strconv.Atoi(m[i+1]); got != w {
				t.Errorf("README.md says %q: figure %d is %d, the catalogue has %d", m[0], i+1, got, w)
			}
		}
	}
}
