package chip

import (
	"context"
	"fmt"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkPayment measures one SE-to-SE payment (a fresh coin, split
// into payment and change) next to the cost of the public-key operations
// it performs, counted during the run and priced by unit costs measured in
// the same process. The ratio x-floor is the model's overhead over pure
// cryptography; the goal is at most 1.3.
//
//	go test -run XXX -bench Payment ./models/chip/
func BenchmarkPayment(b *testing.B) {
	modeltest.EachSuite(b, func(b *testing.B, s suite.Suite) {
		modeltest.BenchPayment(b, Scheme{}, s, modeltest.Bench{Samples: 300})
	})
}

// BenchmarkGameLikePayments runs n payments as the anonymity games'
// stream plays them (conformance/stream.md): one of two payers, by a
// seeded coin, pays one of two merchants in turn an amount in [1, T]
// (topped up with 20 T when short or when its coins do not fit one
// payment, as the games do), then the merchant reconciles, then the payer.
// It reports the mean cost of a payment with both reconciliations and
// that of the last 100 (equal at n = 200, 1000 and 4000 when the cost of a
// payment does not grow with what the merchants hold), and the
// public-key operations a payment costs (internal/opcount) and their
// price (floor-ns, internal/cryptofloor); cpu-ns are the same costs in
// the process's CPU time (every thread, the garbage collector's
// included), which a machine shared with other runs does not inflate as
// it does the wall-clock ns. The last 100 payments' CPU
// samples carry the label payments=last100: `go tool pprof -tagfocus
// payments=last100` profiles what grows.
//
//	go test -run XXX -bench GameLike ./models/chip/
func BenchmarkGameLikePayments(b *testing.B) {
	for _, n := range []int{200, 1000, 4000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var all, last, cpuAll, cpuLast time.Duration
			var ops opcount.Ops
			for b.Loop() {
				inst, err := Scheme{}.New(world.New(1), models.Config{Wallets: 4, Opening: 100_000_000})
				if err != nil {
					b.Fatal(err)
				}
				in := inst.(*Instance)
				ws := in.Wallets()
				payers, merchants := ws[:2], ws[2:4]
				rng := in.w.Rand("bench/game-like")
				start, before, cpu := time.Now(), opcount.Total(), processCPU()
				ctx := context.Background()
				for i := range n {
					if i == n-100 {
						last -= time.Since(start)
						cpuLast -= processCPU() - cpu
						// A CPU profile's samples of the last 100 carry
						// the label payments=last100 (pprof -tagfocus).
						ctx = pprof.WithLabels(ctx, pprof.Labels("payments", "last100"))
						pprof.SetGoroutineLabels(ctx)
					}
					payer, merchant := payers[rng.IntN(2)], merchants[i%2]
					amount := 1 + rng.Int64N(models.DefaultThreshold)
					if in.View(payer).Offline() < amount {
						modeltest.MustFund(b, in, payer, 20*models.DefaultThreshold)
					}
					p, err := in.Pay(payer, merchant, amount, nil)
					if err == nil && !p.Paid && !p.Received {
						// Too many small coins for one TRANSFER: the games
						// top up and pay again.
						modeltest.MustFund(b, in, payer, 20*models.DefaultThreshold)
						p, err = in.Pay(payer, merchant, amount, nil)
					}
					if err != nil || !p.Paid || !p.Received {
						b.Fatalf("payment %d of %d fen %s→%s: %+v %v", i, amount, payer, merchant, p, err)
					}
					modeltest.MustReconcile(b, in, merchant, payer)
				}
				pprof.SetGoroutineLabels(context.Background())
				all += time.Since(start)
				ops = ops.Add(opcount.Total().Sub(before))
				last += time.Since(start)
				cpuAll += processCPU() - cpu
				cpuLast += processCPU() - cpu
			}
			b.ReportMetric(float64(all.Nanoseconds())/float64(b.N*n), "ns/payment")
			b.ReportMetric(float64(last.Nanoseconds())/float64(b.N*100), "ns/payment-last100")
			b.ReportMetric(float64(cpuAll.Nanoseconds())/float64(b.N*n), "cpu-ns/payment")
			b.ReportMetric(float64(cpuLast.Nanoseconds())/float64(b.N*100), "cpu-ns/payment-last100")
			b.ReportMetric(float64(ops.Sign)/float64(b.N*n), "signs/payment")
			b.ReportMetric(float64(ops.Verify)/float64(b.N*n), "verifies/payment")
			b.ReportMetric(float64(ops.KeyGen)/float64(b.N*n), "keygens/payment")
			c, err := cryptofloor.Measure(suite.Default(), 300, 200)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(c.Floor(ops).Nanoseconds())/float64(b.N*n), "floor-ns/payment")
		})
	}
}
