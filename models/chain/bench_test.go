package chain

import (
	"testing"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models/modeltest"
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
	modeltest.EachSuite(b, func(b *testing.B, s suite.Suite) {
		modeltest.BenchPayment(b, Scheme{}, s, modeltest.Bench{Renew: 64, Samples: 900, Metrics: func(b *testing.B, counted opcount.Ops, n float64) {
			b.ReportMetric(float64(counted.Seal)/n, "seals/op")
		}})
	})
}
