package chain

import (
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkPayment measures one offline payment (the payer seals, signs
// and commits; the payee checks the certificate and signature and
// counter-signs) next to the cost of the public-key operations it
// performs, counted during the run and priced by unit costs measured in
// the same process. The ratio x-floor is the model's overhead over pure
// cryptography; the goal is at most 1.3. Funding, uploads, blocks and
// deposits between payments are outside the timer, and the instance is
// rebuilt every 64 payments so that they do not grow with b.N.
//
//	go test -run XXX -bench Payment ./models/chain/
func BenchmarkPayment(b *testing.B) {
	for _, s := range suite.All() {
		b.Run(string(s.ID()), func(b *testing.B) {
			limits := bank.Limits{PerPayment: 1 << 40, Cumulative: 1 << 40, Count: 1 << 30}
			var in *Instance
			var elapsed time.Duration
			var counted opcount.Ops
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				if i%64 == 0 {
					inst, err := Scheme{}.New(world.New(uint64(i)), models.Config{Suite: s, Limits: limits, Opening: 1 << 40})
					if err != nil {
						b.Fatal(err)
					}
					in = inst.(*Instance)
				}
				if err := in.Fund("wallet-A", 1000); err != nil {
					b.Fatal(err)
				}
				before := opcount.Total()
				// Time inside Start/StopTimer: both read the memory
				// statistics, which stops the world.
				b.StartTimer()
				start := time.Now()
				p, err := in.Pay("wallet-A", "wallet-B", 230, nil)
				elapsed += time.Since(start)
				b.StopTimer()
				counted = counted.Add(opcount.Total().Sub(before))
				if err != nil || !p.Received {
					b.Fatalf("payment failed: %v %v", err, p.Outcome.Rejections)
				}
				// Keep the wallets at steady state: settle and deposit.
				for _, w := range []world.PartyID{"wallet-A", "wallet-B"} {
					if _, err := in.Deposit(w); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
			}
			n := float64(b.N)
			costs, err := cryptofloor.Measure(s, 900, 200)
			if err != nil {
				b.Fatal(err)
			}
			floor := costs.Floor(counted)
			b.ReportMetric(float64(counted.Sign)/n, "signs/op")
			b.ReportMetric(float64(counted.Verify)/n, "verifies/op")
			b.ReportMetric(float64(counted.Seal)/n, "seals/op")
			b.ReportMetric(float64(elapsed)/float64(floor), "x-floor")
		})
	}
}
