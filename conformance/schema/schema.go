// Package schema holds the JSON Schema (draft 2020-12) of the results
// that conformance.Results.WriteJSON and `dualoffline check --json` write,
// and validates documents against it.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ResultsJSON is the schema document.
//
//go:embed results.schema.json
var ResultsJSON []byte

const resultsURL = "https://github.com/dualoffline/dualoffline/conformance/schema/results.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ResultsJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(resultsURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(resultsURL)
})

// ValidateResults checks a JSON document against the results schema.
func ValidateResults(data []byte) error {
	s, err := compiled()
	if err != nil {
		return fmt.Errorf("results schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("results do not match the schema: %w", err)
	}
	var probe map[string]any
	return json.Unmarshal(data, &probe)
}
