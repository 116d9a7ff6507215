package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkPayment measures one phone-to-phone payment of each variant (a
// fresh coin, split into payment and change) next to the cost of the
// public-key operations it performs (signatures, verifications, seals and
// opens), counted during the run and priced by unit costs measured in the
// same process. The ratio x-floor is the model's overhead over pure
// cryptography.
//
//	go test -run XXX -bench Payment ./models/cert/
func BenchmarkPayment(b *testing.B) {
	for _, v := range variants {
		for _, s := range suite.All() {
			b.Run(v.String()+"/"+string(s.ID()), func(b *testing.B) {
				modeltest.BenchPayment(b, Scheme{Variant: v}, s, modeltest.Bench{Samples: 300, Metrics: func(b *testing.B, counted opcount.Ops, n float64) {
					b.ReportMetric(float64(counted.Seal+counted.Open)/n, "seals+opens/op")
				}})
			})
		}
	}
}
