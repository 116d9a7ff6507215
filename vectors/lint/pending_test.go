package lint

import (
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
)

// A pending check is accepted without a vector only while its scheme
// has no published vector file: publishing them, or pinning one of the
// checks, makes the stale entry a problem.
func TestPendingChecks(t *testing.T) {
	l := spec.Checks()
	if len(l.Pending) == 0 {
		t.Skip("spec/checks.json has no pending entry to test against")
	}
	p := l.Pending[0]
	var id string
	for _, c := range l.Checks {
		if q, ok := l.PendingFor(c.ID); ok && q == p {
			id = c.ID
			break
		}
	}
	if id == "" {
		t.Fatalf("pending entry %+v covers no listed check", p)
	}
	mentions := func(errs []Error, what string) bool {
		for _, e := range errs {
			if strings.Contains(e.Problem, what) {
				return true
			}
		}
		return false
	}
	if errs := lintChecks(map[string][]string{}, map[string]bool{}); mentions(errs, id+" ") {
		t.Errorf("pending check %s without vectors is reported: %v", id, errs)
	}
	if errs := lintChecks(map[string][]string{}, map[string]bool{p.Scheme: true}); !mentions(errs, "drop the pending entry") {
		t.Errorf("scheme %s published, yet its pending entry is not reported: %v", p.Scheme, errs)
	}
	if errs := lintChecks(map[string][]string{id: {"f.json#1"}}, map[string]bool{}); !mentions(errs, "check "+id+" is pending") {
		t.Errorf("pending check %s pinned by a vector, yet not reported: %v", id, errs)
	}
	if got := PendingChecks(); len(got) == 0 {
		t.Error("PendingChecks is empty although an entry covers " + id)
	}
}
