package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
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
