package opensslcli

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

// Require returns a Tool for a test. Where openssl lacks alg the test is
// skipped, saying what is missing. Where there is no openssl at all the
// test is skipped too, except under CI=true: CI installs openssl, so its
// absence there is a broken pipeline, not a reason to skip.
func Require(t testing.TB, alg Alg) *Tool {
	t.Helper()
	tool, err := Find(t.TempDir(), alg)
	if err == nil {
		return tool
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
	if _, lookErr := exec.LookPath("openssl"); lookErr != nil && os.Getenv("CI") == "true" {
		t.Fatalf("CI must install openssl (.ci/run does): %v", err)
	}
	t.Skipf("independent OpenSSL check not run: %v", err)
	return nil
}
