package adapter

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/device"
)

var update = flag.Bool("update", false, "rewrite devices.schema.json from the wire types")

// deviceOps pairs every device operation (PROTOCOL.md §7.2) with the
// wire types the reference models send and expect for it: the Ops of
// every served device of models/all (device.Served), each device once
// (variants of a scheme may share one).
var deviceOps = servedOps()

func servedOps() map[string][2]any {
	ops := map[string][2]any{}
	for _, d := range servedDevices() {
		for _, op := range d.Ops {
			ops[op.Name] = [2]any{op.Params, op.Result}
		}
	}
	return ops
}

// servedDevices are the devices of models/all's schemes, drafts
// included (a vendor may implement a draft's wallet before it is
// listed), that a process can serve, each once, by name.
func servedDevices() map[string]device.Served {
	out := map[string]device.Served{}
	for _, s := range append(all.Schemes(), all.Drafts()...) {
		if srv, ok := s.(device.Server); ok {
			if d := srv.ServedDevice(); d.Open != nil {
				out[d.Device] = d
			}
		}
	}
	return out
}

var (
	hexType  = reflect.TypeFor[models.Hex]()
	timeType = reflect.TypeFor[time.Time]()
)

// schemaOf is the JSON Schema of what encoding/json makes of t. Params
// are closed (a device refuses members it does not know); results are
// open (they may carry more members than listed). A slice may be null,
// which stands for the empty list.
func schemaOf(t reflect.Type, closed bool) map[string]any {
	switch {
	case t == hexType:
		return map[string]any{"$ref": "#/$defs/hex"}
	case t == timeType:
		return map[string]any{"$ref": "#/$defs/time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), closed)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": schemaOf(t.Elem(), closed)}
	case reflect.Struct:
		props := map[string]any{}
		required := []string{}
		var walk func(t reflect.Type)
		walk = func(t reflect.Type) {
			for i := range t.NumField() {
				f := t.Field(i)
				if f.Anonymous && f.Tag.Get("json") == "" {
					walk(f.Type)
					continue
				}
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if !f.IsExported() || name == "-" {
					continue
				}
				if name == "" {
					name = f.Name
				}
				props[name] = schemaOf(f.Type, closed)
				if !strings.Contains(opts, "omitempty") {
					required = append(required, name)
				}
			}
		}
		walk(t)
		sort.Strings(required)
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": !closed}
	}
	panic("devices schema: no JSON Schema for " + t.String())
}

// deviceSchema generates the schema document.
func deviceSchema() []byte {
	defs := map[string]any{
		"hex":  map[string]any{"type": "string", "pattern": "^([0-9a-fA-F]{2})*$", "description": "bytes as hex (the harness sends lowercase)"},
		"time": map[string]any{"type": "string", "format": "date-time", "description": "an RFC 3339 time"},
	}
	for op, types := range deviceOps {
		defs[op+".params"] = schemaOf(reflect.TypeOf(types[0]), true)
		defs[op+".result"] = schemaOf(reflect.TypeOf(types[1]), false)
	}
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         DeviceSchemaURL,
		"title":       "dualoffline adapter protocol: device operations (PROTOCOL.md §7.2)",
		"description": "For each operation <scheme>.<op>, $defs holds <scheme>.<op>.params (the params of the request; closed: a device refuses members it does not know) and <scheme>.<op>.result (the result of its answer; open: it may carry more members). A null list stands for the empty list. The harness validates both directions.",
		"$defs":       defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// The committed schema is the one the wire types give (go test
// ./adapter -run TestDeviceSchemaCurrent -update rewrites it).
func TestDeviceSchemaCurrent(t *testing.T) {
	got := deviceSchema()
	if *update {
		if err := os.WriteFile("devices.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, DeviceSchemaJSON) {
		t.Fatal("devices.schema.json is stale: go test ./conformance/adapter -run TestDeviceSchemaCurrent -update")
	}
}

// Every served device lists its operations, each once, under its own
// prefix, and each has a schema of its params and result.
func TestDeviceSchemaCoversOps(t *testing.T) {
	devices := servedDevices()
	if len(devices) == 0 {
		t.Fatal("no scheme in models/all serves a device")
	}
	n := 0
	for name, d := range devices {
		if len(d.Ops) == 0 {
			t.Errorf("device %s serves no operations (device.Served.Ops)", name)
		}
		seen := map[string]bool{}
		for _, op := range d.Ops {
			n++
			if !strings.HasPrefix(op.Name, name+".") || seen[op.Name] {
				t.Errorf("device %s: operation %q is not one of its own, once", name, op.Name)
			}
			seen[op.Name] = true
			for _, part := range []string{"params", "result"} {
				if _, err := deviceSchemaFor(op.Name, part); err != nil {
					t.Errorf("%s: %v", op.Name, err)
				}
			}
		}
	}
	if len(deviceOps) != n {
		t.Errorf("deviceOps holds %d operations, the devices serve %d", len(deviceOps), n)
	}
}

// What encoding/json makes of the zero value of every wire type (null
// lists, empty hex, the zero time) matches the schema.
func TestDeviceSchemaZeroValues(t *testing.T) {
	for op, types := range deviceOps {
		for i, part := range []string{"params", "result"} {
			b, err := json.Marshal(types[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateDevice(op, part, b); err != nil {
				t.Errorf("zero value: %v", err)
			}
		}
	}
}
