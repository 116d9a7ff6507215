//go:build unix

package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
	"github.com/dualoffline/dualoffline/vectors"
)

func TestVerifier(t *testing.T) {
	adaptertest.Hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		cfg := &adapter.VendorConfig{
			Disabled: []adapter.DisabledCase{{TcID: "off-*", Reason: "hardware lacks SM4"}},
			Errors:   map[string]string{"VENDOR_BAD_SIG": "bad-signature"},
		}
		v := NewVerifier(p, cfg)
		ctx := context.Background()
		pid := p.Pid()

		o, err := v.VerifyVector(ctx, stubCase("a", stubInput{Error: "VENDOR_BAD_SIG"}))
		if err != nil || o.Valid || o.Error != "bad-signature" {
			t.Errorf("vendor name: %+v, %v", o, err)
		}
		o, err = v.VerifyVector(ctx, stubCase("b", stubInput{Error: "replay"}))
		if err != nil || o.Error != "replay" {
			t.Errorf("canonical code: %+v, %v", o, err)
		}
		if _, err = v.VerifyVector(ctx, stubCase("c", stubInput{Error: "VENDOR_UNKNOWN"})); err == nil || !strings.Contains(err.Error(), "VENDOR_UNKNOWN") {
			t.Errorf("unmapped name: %v", err)
		}
		if _, err = v.VerifyVector(ctx, stubCase("c2", stubInput{Valid: true, Error: "replay"})); err == nil {
			t.Error("valid with an error code accepted")
		}
		var se *SkipError
		_, err = v.VerifyVector(ctx, stubCase("d", stubInput{Unimplemented: true}))
		if !errors.Is(err, vectors.ErrUnimplemented) || !errors.As(err, &se) || se.Why != SkipUnimplemented {
			t.Errorf("unimplemented answer: %v", err)
		}
		_, err = v.VerifyVector(ctx, stubCase("off-1", stubInput{Valid: true}))
		if !errors.As(err, &se) || se.Why != SkipDisabled || se.Reason != "hardware lacks SM4" || !errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("disabled case: %v", err)
		}
		c := stubCase("e", stubInput{Valid: true})
		c.Scheme = "chain" // not declared by the helper
		_, err = v.VerifyVector(ctx, c)
		if !errors.As(err, &se) || se.Why != SkipUndeclared {
			t.Errorf("undeclared scheme: %v", err)
		}
		_, err = v.VerifyVector(ctx, stubCase("f", stubInput{Fail: "VENDOR_PANIC"}))
		var re *adapter.RemoteError
		if !errors.As(err, &re) || errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("error answer: %v", err)
		}
		if o, err := v.VerifyVector(ctx, stubCase("g", stubInput{Valid: true})); err != nil || !o.Valid {
			t.Errorf("valid: %+v, %v", o, err)
		}
		p.Close()
		return []int{pid}
	})
}

// TestVerifierRestarts: after a crash the next case runs on a restarted
// process; after MaxFailures consecutive failures the implementation is
// declared unusable and later cases fail fast.
func TestVerifierRestarts(t *testing.T) {
	adaptertest.Hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "crash-mid-line"))
		v := NewVerifier(p, nil)
		v.MaxFailures = 3
		ctx := context.Background()
		for i := range 3 {
			_, err := v.VerifyVector(ctx, stubCase("x", stubInput{Valid: true}))
			wantKind(t, err, adapter.KindExited)
			if (i == 2) != errors.Is(v.Unusable(), ErrUnusable) {
				t.Fatalf("after failure %d: Unusable() = %v", i+1, v.Unusable())
			}
		}
		if v.Restarts() != 2 || p.Starts() != 3 {
			t.Errorf("restarts %d, starts %d", v.Restarts(), p.Starts())
		}
		// Once it gave up it answers at once: no new process is started.
		starts := p.Starts()
		if _, err := v.VerifyVector(ctx, stubCase("y", stubInput{Valid: true})); !errors.Is(err, ErrUnusable) || p.Starts() != starts {
			t.Errorf("after giving up: %v, and %d more starts", err, p.Starts()-starts)
		}
		p.Close()
		return nil
	})
}

// BenchmarkAdapterVerify measures static cases per second through the
// adapter: JSON encoding, the pipe round trip, decoding and the checks of
// the harness, with a helper implementation that answers at once (no
// crypto of its own).
func BenchmarkAdapterVerify(b *testing.B) {
	p := start(b, helperConfig(b, "good"))
	defer p.Close()
	v := NewVerifier(p, &adapter.VendorConfig{Errors: map[string]string{"VENDOR_BAD_SIG": "bad-signature"}})
	ctx := context.Background()
	c := stubCase("bench", stubInput{Error: "VENDOR_BAD_SIG"})
	// A realistic input size: a coin DER and a key in hex.
	c.Input = []byte(`{"error":"VENDOR_BAD_SIG","coin":"` + strings.Repeat("ab", 300) + `","issuerPublicKey":"` + strings.Repeat("cd", 91) + `"}`)
	b.ResetTimer()
	for b.Loop() {
		o, err := v.VerifyVector(ctx, c)
		if err != nil || o.Error != "bad-signature" {
			b.Fatalf("%+v, %v", o, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// TestCaseLogWhileVerifying: CaseLog may run while VerifyVector does (the
// race detector checks the marks are shared under the lock).
func TestCaseLogWhileVerifying(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		v := NewVerifier(p, nil)
		pid := p.Pid()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				id := fmt.Sprintf("c%d", i)
				if _, err := v.VerifyVector(context.Background(), stubCase(id, stubInput{Valid: true, Stderr: "deciding " + id})); err != nil {
					t.Errorf("%s: %v", id, err)
				}
			}
		}()
		for i := range 20 {
			_ = v.CaseLog(fmt.Sprintf("c%d", i))
		}
		wg.Wait()
		if log := v.CaseLog("c19"); !strings.Contains(log, "deciding c19") || strings.Contains(log, "deciding c18") {
			t.Errorf("log of c19: %q", log)
		}
		p.Close()
		return []int{pid}
	})
}
