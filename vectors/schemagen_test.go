package vectors_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/schema"
)

// The published schema is the template with every scheme's part, as go
// generate writes it: a scheme's kinds are described by its package.
func TestSchemaGenerated(t *testing.T) {
	got, err := vectors.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(schema.VectorsJSON), string(got)); diff != "" {
		t.Errorf("vectors/schema/vectors.schema.json is not what go generate ./vectors writes (-want +got):\n%s", diff)
	}
}
