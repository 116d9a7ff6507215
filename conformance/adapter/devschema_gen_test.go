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
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/device"
)

var update = flag.Bool("update", false, "rewrite devices.schema.json from the wire types")

// none is the params or result {} of an operation.
type none struct{}

// deviceOps pairs every device operation (PROTOCOL.md §7.2) with the
// wire types the reference models send and expect for it.
var deviceOps = map[string][2]any{
	chip.OpKeygen:        {device.KeygenParams{}, device.KeygenResult{}},
	chip.OpPersonalize:   {chip.Personalization{}, none{}},
	chip.OpStartPayee:    {chip.StartPayeeParams{}, device.MessageResult{}},
	chip.OpPayer:         {chip.DeliverParams{}, device.DeliverResult{}},
	chip.OpPayee:         {chip.DeliverParams{}, device.DeliverResult{}},
	chip.OpEndSession:    {none{}, device.EndSessionResult{}},
	chip.OpState:         {none{}, chip.WireState{}},
	chip.OpCredit:        {chip.CreditParams{}, none{}},
	chip.OpSignDeposit:   {device.SignDepositParams{}, none{}},
	chip.OpFinishDeposit: {device.FinishDepositParams{}, none{}},
	chip.OpReset:         {chip.ResetParams{}, none{}},

	cert.OpKeygen:        {cert.KeygenParams{}, device.KeygenResult{}},
	cert.OpProvision:     {cert.Provisioning{}, none{}},
	cert.OpStartPayee:    {cert.StartPayeeParams{}, device.MessageResult{}},
	cert.OpPayer:         {cert.DeliverParams{}, device.DeliverResult{}},
	cert.OpPayee:         {cert.DeliverParams{}, device.DeliverResult{}},
	cert.OpEndSession:    {none{}, none{}},
	cert.OpState:         {none{}, cert.WireState{}},
	cert.OpUnspendable:   {cert.ClockParams{}, cert.UnspendableResult{}},
	cert.OpCheckAgent:    {cert.CheckAgentParams{}, none{}},
	cert.OpIssue:         {cert.IssueParams{}, none{}},
	cert.OpSettle:        {cert.SettleParams{}, none{}},
	cert.OpSignDeposit:   {device.SignDepositParams{}, none{}},
	cert.OpFinishDeposit: {device.FinishDepositParams{}, none{}},
	cert.OpReset:         {cert.ResetParams{}, none{}},

	chain.OpKeygen:     {device.KeygenParams{}, device.KeygenResult{}},
	chain.OpProvision:  {chain.Provisioning{}, none{}},
	chain.OpStartPayee: {chain.StartPayeeParams{}, chain.StartPayeeResult{}},
	chain.OpPayer:      {chain.DeliverParams{}, device.DeliverResult{}},
	chain.OpPayee:      {chain.DeliverParams{}, device.DeliverResult{}},
	chain.OpEndSession: {none{}, device.EndSessionResult{}},
	chain.OpState:      {none{}, chain.WireState{}},
	chain.OpSync:       {chain.SyncParams{}, none{}},
	chain.OpRedeem:     {chain.RedeemParams{}, none{}},
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

// Every operation a scheme lists has a schema, and no schema is left over.
func TestDeviceSchemaCoversOps(t *testing.T) {
	all := append(append(append([]string{}, chip.Ops...), cert.Ops...), chain.Ops...)
	for _, op := range all {
		if _, ok := deviceOps[op]; !ok {
			t.Errorf("operation %s has no wire types in deviceOps", op)
		}
		if _, err := deviceSchemaFor(op, "params"); err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
	if len(deviceOps) != len(all) {
		t.Errorf("deviceOps holds %d operations, the schemes list %d", len(deviceOps), len(all))
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
