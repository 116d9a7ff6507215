// Package schema holds the JSON Schema (draft 2020-12) of the vector files
// in vectors/ and validates documents against it. The schema is generated
// (go generate ./vectors, vectors.Schema) from template.json here and
// each scheme's part, models/<scheme>/vectorgen.schema.json.
package schema

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// VectorsJSON is the schema document.
//
//go:embed vectors.schema.json
var VectorsJSON []byte

// Name is the schema's file name, which every vector file names in its
// "schema" field.
const Name = "vectors.schema.json"

const vectorsURL = "https://github.com/dualoffline/dualoffline/vectors/schema/vectors.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(VectorsJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(vectorsURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(vectorsURL)
})

// Validate checks a vector file against the schema.
func Validate(data []byte) error {
	s, err := compiled()
	if err != nil {
		return fmt.Errorf("vectors schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("vector file: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("vector file does not match the schema: %w", err)
	}
	return nil
}
