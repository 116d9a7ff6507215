//go:build pcsc

package main

import (
	"net"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/reader"
)

// pcscReader is the vpcd reader the test plays its card in: the second
// one vsmartcard-vpcd configures (port 35964), so a card a person serves
// to the first stays out of the way.
const (
	pcscReader = "Virtual PCD 00 01"
	pcscPort   = "35964"
)

// needVPCD returns once pcscd lists the vpcd reader, starting pcscd in the
// foreground (stopped when the test ends) if it is not running; it skips
// naming the missing piece.
func needVPCD(t *testing.T) {
	t.Helper()
	has := func() bool {
		rs, err := reader.ListReaders()
		return err == nil && slices.Contains(rs, pcscReader)
	}
	if has() {
		return
	}
	if _, err := os.Stat("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"); err != nil {
		if _, err := os.Stat("/etc/reader.conf.d/vpcd"); err != nil {
			missing(t, "vsmartcard-vpcd is not installed (apt-get install pcscd vsmartcard-vpcd libpcsclite-dev)")
		}
	}
	bin, err := exec.LookPath("pcscd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/pcscd"); serr != nil {
			missing(t, "pcscd is not installed (apt-get install pcscd)")
		}
		bin = "/usr/sbin/pcscd"
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+pcscPort); err == nil {
		c.Close()
		missing(t, "something listens on %s but pcscd does not list %q", pcscPort, pcscReader)
	}
	cmd := exec.Command(bin, "--foreground")
	if err := cmd.Start(); err != nil {
		missing(t, "pcscd does not start: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for range 50 {
		if has() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	missing(t, "pcscd started but lists no %q (is vsmartcard-vpcd configured?)", pcscReader)
}

// missing skips the test, naming what is missing, or fails it where
// DUALOFFLINE_REQUIRE_PCSC is set (.ci/run installs and starts pcscd, so
// there a missing piece is a failure, not a reason to skip).
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("DUALOFFLINE_REQUIRE_PCSC") != "" {
		t.Fatalf("DUALOFFLINE_REQUIRE_PCSC is set, and "+format, args...)
	}
	t.Skipf(format, args...)
}

// TestCheckReaderPCSC is the acceptance of issue 18 through pcscd: the
// reference card in the vpcd reader passes R2.1's crash property as the
// payer; the card of forget-spend-on-crash fails it, naming the card.
func TestCheckReaderPCSC(t *testing.T) {
	needVPCD(t)
	for _, tc := range []struct {
		mutant string
		code   int
		want   []string
	}{
		{"", exitOK, []string{"pass 1/1"}},
		{"forget-spend-on-crash", exitUnexpected, []string{"FAIL chip@payer/GM R2.1-crash-every-point", `[the wallet was the card in reader "` + pcscReader + `"`}},
	} {
		t.Run("mutant="+tc.mutant, func(t *testing.T) {
			serveVirtual(t, "127.0.0.1:"+pcscPort, tc.mutant)
			// Wait for pcscd to see this card (it polls the driver, so it
			// may still hold the previous subtest's card for a while).
			for i := 0; ; i++ {
				c, err := reader.ConnectPCSC(pcscReader)
				if err == nil {
					var l *reader.Link
					if l, err = reader.Open(c, "probe", nil); err == nil {
						l.Close()
						break
					}
					c.Close()
				}
				if i == 50 {
					t.Fatalf("no card in %q: %v", pcscReader, err)
				}
				time.Sleep(100 * time.Millisecond)
			}
			cardVerdicts(t, pcscReader, tc.code, tc.want...)
		})
	}
}
