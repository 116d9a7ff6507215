package conformance

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
)

func TestZZMutants(t *testing.T) {
	names := strings.Split(os.Getenv("ZZ_MUTANTS"), ",")
	var ms []models.Mutant
	for _, m := range all.Mutants() {
		for _, n := range names {
			if m.Scheme.Info().Name == n {
				ms = append(ms, m)
			}
		}
	}
	score, _, err := CheckMutants(context.Background(), ms, Options{Checks: 20, Only: strings.Split(os.Getenv("ZZ_ONLY"), ",")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range score.Runs {
		t.Logf("%s killed=%v by %v", r.Scheme, r.Killed, r.KilledBy)
	}
}
