//go:build pcsc

package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/reader"
	"github.com/ebfe/scard"
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

// awaitEmpty returns once pcscd reports the reader empty, so that the
// previous card's removal has been seen before the next card is
// inserted. pcscd with vpcd 0.8 misses a swap made within one of its
// 400 ms presence polls: the driver drops the dead connection and accepts
// the new card in the same poll, pcscd records "Card Removed" and then
// answers "no smart card" for as long as the new card stays connected,
// though the new card answers every presence probe (seen in CI and here,
// about one swap in ten). The question asks pcscd's state only; it sends
// nothing to the card.
func awaitEmpty(t *testing.T) {
	t.Helper()
	ctx, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Release()
	var st scard.StateFlag
	for range 200 {
		rs := []scard.ReaderState{{Reader: pcscReader, CurrentState: scard.StateUnaware}}
		if err = ctx.GetStatusChange(rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
			t.Fatalf("the state of %q: %v", pcscReader, err)
		}
		if st = rs[0].EventState; st&scard.StateEmpty != 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("pcscd still reports a card in %q 10 s after it was removed (state %#x)", pcscReader, st)
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
			awaitEmpty(t)
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
