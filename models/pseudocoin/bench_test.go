package pseudocoin

import (
	"testing"

	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkTrial is one trial of the anonymity game (conformance R3.1) as
// the game drives it: one of two payers pays the merchant up to T fen,
// the merchant reconciles, then the payer; the merchant's store is read
// before and after, as the game reads it. The target is 2 ms a trial.
// Besides time it reports the public-key operations a trial makes
// (pk-ops/op: signatures, verifications, seals, opens, key generations,
// counted by opcount) and those a cache spared (pk-saved/op): counts, the
// same on every machine, where time depends on the load; and the
// process's CPU time (user and system, GC included) per trial
// (cpu-ns/op), which the load of a shared machine moves less than wall
// time.
func BenchmarkTrial(b *testing.B) {
	for _, s := range suite.All() {
		b.Run(string(s.ID()), func(b *testing.B) {
			// The game keeps a trial's signatures (one is checked by the
			// payee and the desk); the trials of an earlier run of this
			// benchmark (-count) are the same ones, so forget them.
			suite.ForgetSignatures()
			w := world.New(1)
			sc, err := Scheme{}.New(w, models.Config{Suite: s, Wallets: 4, Opening: 100_000_000})
			if err != nil {
				b.Fatal(err)
			}
			in := sc.(*Instance)
			ws := in.Wallets()
			m := ws[2]
			rng := detrand.New(1, "bench")
			done, saved := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
			cpu0, _ := cputime.Process()
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
			if cpu1, ok := cputime.Process(); ok {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(opcount.Of(s.ID()).Sub(done).PublicKeyOps())/float64(b.N), "pk-ops/op")
			b.ReportMetric(float64(opcount.SavedOf(s.ID()).Sub(saved).PublicKeyOps())/float64(b.N), "pk-saved/op")
		})
	}
}
