package adapter

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DeviceSchemaJSON is the JSON Schema (draft 2020-12) of the device
// operations of PROTOCOL.md §7.2: for each operation <scheme>.<op>, its
// $defs hold <scheme>.<op>.params and <scheme>.<op>.result.
//
//go:embed devices.schema.json
var DeviceSchemaJSON []byte

// DeviceSchemaURL is the schema's $id.
const DeviceSchemaURL = "https://github.com/dualoffline/dualoffline/conformance/adapter/devices.schema.json"

var deviceSchemas = struct {
	sync.Mutex
	c    *jsonschema.Compiler
	err  error
	done map[string]*jsonschema.Schema
}{done: map[string]*jsonschema.Schema{}}

// deviceSchemaFor compiles the schema of op's params or result.
func deviceSchemaFor(op, part string) (*jsonschema.Schema, error) {
	ds := &deviceSchemas
	ds.Lock()
	defer ds.Unlock()
	key := op + "." + part
	if s, ok := ds.done[key]; ok {
		return s, nil
	}
	if ds.c == nil && ds.err == nil {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(DeviceSchemaJSON))
		if err == nil {
			c := jsonschema.NewCompiler()
			c.AssertFormat()
			if err = c.AddResource(DeviceSchemaURL, doc); err == nil {
				ds.c = c
			}
		}
		ds.err = err
	}
	if ds.err != nil {
		return nil, fmt.Errorf("devices schema: %w", ds.err)
	}
	var defs struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(DeviceSchemaJSON, &defs); err != nil {
		return nil, fmt.Errorf("devices schema: %w", err)
	}
	if _, ok := defs.Defs[key]; !ok {
		return nil, fmt.Errorf("devices schema: no operation %q", op)
	}
	s, err := ds.c.Compile(DeviceSchemaURL + "#/$defs/" + key)
	if err != nil {
		return nil, fmt.Errorf("devices schema: %s: %w", key, err)
	}
	ds.done[key] = s
	return s, nil
}

// ValidateDevice checks raw, the params (part "params") or the result
// (part "result") of device operation op, against the devices schema.
func ValidateDevice(op, part string, raw []byte) error {
	s, err := deviceSchemaFor(op, part)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s %s: not JSON: %w", op, part, err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("%s %s does not match the devices schema: %w", op, part, err)
	}
	return nil
}
