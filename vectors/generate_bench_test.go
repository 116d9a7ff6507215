package vectors_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/vectors"
)

// BenchmarkGenerate is the cost of generating every vector file, as go
// generate ./vectors and TestRegenerateByteIdentical pay it.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if err := vectors.Generate(b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
}
