//go:build unix

package pseudocoin

import (
	"syscall"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkExternalTrial is BenchmarkTrial's trial (one of two payers
// pays the merchant up to T fen, the merchant reconciles, then the
// payer; the merchant's state is read before and after) with the
// elements played three ways, under GM: the model's own (own), the
// reference element behind the adapter protocol in process (host: every
// operation JSON-encoded both ways and the store copied, as loopback
// does), and examples/vendor processes (vendor: pipes, a state file
// written per write, the merchant's state directory copied for each
// read). It reports the device operations a trial costs (calls/op) and
// the CPU time a trial costs, the vendor processes' included
// (cpu-ns/op: this process's CPU time and its reaped children's, over
// the run, devices closed): on this shared machine wall time moves by
// far more than CPU time.
// What the anonymity games would cost through the adapter is
// LANDING.md's estimate from these figures.
func BenchmarkExternalTrial(b *testing.B) {
	s, _ := suite.ByID(suite.GM)
	ext := []world.PartyID{"wallet-A", "wallet-B", "wallet-C"}
	for _, c := range []struct {
		name   string
		dial   models.Dialer
		vendor bool
	}{
		{"own", nil, false},
		{"host", loopback.Hosts(NewHost, ""), false},
		{"vendor", nil, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			suite.ForgetSignatures()
			cfg := models.Config{Suite: s, Wallets: 4, Opening: 100_000_000}
			var devs *adapter.Devices
			if c.vendor {
				bin, err := vendorBin()
				if err != nil {
					b.Fatal(err)
				}
				devs = &adapter.Devices{Config: adapter.Config{Command: []string{bin}}}
				defer devs.CloseAll()
				cfg.External, cfg.Dial = ext, devs.Dial
			} else if c.dial != nil {
				cfg.External, cfg.Dial = ext, c.dial
			}
			sc, err := Scheme{}.New(world.New(1), cfg)
			if err != nil {
				b.Fatal(err)
			}
			in := sc.(*Instance)
			defer in.Close()
			ws := in.Wallets()
			m := ws[2]
			rng := detrand.New(1, "bench")
			// The loopback links count their calls; a process link does
			// not, and makes the same calls.
			counted := func() int {
				n := 0
				for _, l := range in.Links {
					if ll, ok := l.(interface{ Calls() int }); ok {
						n += ll.Calls()
					}
				}
				return n
			}
			before := counted()
			cpu0, child0 := cpu()
			for b.Loop() {
				p := ws[rng.IntN(2)]
				amount := 1 + rng.Int64N(models.DefaultThreshold)
				if in.View(p).Offline() < amount {
					if err := in.Fund(p, 20*models.DefaultThreshold); err != nil {
						b.Fatal(err)
					}
				}
				in.Snapshot(m)
				if pay, err := in.Pay(p, m, amount, nil); err != nil || !pay.Received {
					b.Fatalf("%+v %v", pay, err)
				}
				if err := in.Reconcile(m); err != nil {
					b.Fatal(err)
				}
				in.Snapshot(m)
				if err := in.Reconcile(p); err != nil {
					b.Fatal(err)
				}
			}
			if c.name == "host" {
				b.ReportMetric(float64(counted()-before)/float64(b.N), "calls/op")
			}
			if err := in.Close(); err != nil {
				b.Fatal(err)
			}
			if devs != nil {
				devs.CloseAll() // the processes are reaped: their CPU time is the children's
			}
			cpu1, child1 := cpu()
			b.ReportMetric(float64((cpu1-cpu0)+(child1-child0))/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpu returns this process's CPU time and that of its reaped children.
func cpu() (self, children time.Duration) {
	self, _ = cputime.Process()
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return self, children
}
