package apdu

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/dualoffline/dualoffline/spec"
)

// randTag returns a random valid tag of 1 to 3 bytes.
func randTag(r *rand.Rand, constructed bool) uint32 {
	for {
		first := byte(r.Intn(4)) << 6
		if constructed {
			first |= 0x20
		}
		var tag uint32
		switch r.Intn(3) {
		case 0:
			tag = uint32(first | byte(r.Intn(31)))
		case 1:
			tag = uint32(first|0x1F)<<8 | uint32(r.Intn(0x80))
		default:
			tag = uint32(first|0x1F)<<16 | uint32(0x81+r.Intn(0x7F))<<8 | uint32(r.Intn(0x80))
		}
		if checkTag(tag) == nil {
			return tag
		}
	}
}

// randTree returns a random TLV level at depth (1 for the top), spending
// at most *budget value bytes so that most trees fit MaxTLV.
func randTree(r *rand.Rand, depth int, budget *int) []TLV {
	n := r.Intn(5)
	if depth == 1 {
		n++
	}
	wide := r.Intn(20) == 0
	if wide {
		n = MaxItems
	}
	var items []TLV
	for range n {
		if !wide && depth < MaxDepth && r.Intn(3) == 0 {
			items = append(items, TLV{Tag: randTag(r, true), Children: randTree(r, depth+1, budget)})
			continue
		}
		var l int
		switch r.Intn(4) {
		case 0:
			l = 0
		case 1, 2:
			l = r.Intn(0x80)
		default:
			l = 0x80 + r.Intn(400)
		}
		l = min(l, max(*budget, 0))
		*budget -= l + 4
		v := make([]byte, l)
		r.Read(v)
		items = append(items, TLV{Tag: randTag(r, false), Value: v})
	}
	return items
}

// genTree generates valid TLV sequences.
func genTree() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		for {
			budget := 3000
			items := randTree(p.Rng, 1, &budget)
			if Validate(items) == nil {
				return gopter.NewGenResult(items, gopter.NoShrinker)
			}
		}
	}
}

// genCommand generates encodable commands of every case.
func genCommand() gopter.Gen {
	return gopter.CombineGens(
		gen.UInt8Range(0, 0xFE), gen.UInt8(), gen.UInt8(), gen.UInt8(),
		gen.OneGenOf(gen.Const(0), gen.IntRange(1, 255), gen.IntRange(256, MaxCommand-9)),
		gen.OneGenOf(gen.Const(LeAbsent), gen.IntRange(1, 256), gen.IntRange(257, 65536), gen.Const(65536)),
		gen.Int64(),
	).Map(func(v []any) Command {
		data := make([]byte, v[4].(int))
		rand.New(rand.NewSource(v[6].(int64))).Read(data)
		return Command{CLA: v[0].(uint8), INS: v[1].(uint8), P1: v[2].(uint8), P2: v[3].(uint8), Data: clone(data), Le: v[5].(int)}
	})
}

// equalTLVs is cmp.Equal(a, b, equateEmpty), fast; cmp prints the diff.
func equalTLVs(a, b []TLV) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Tag != b[i].Tag || !bytes.Equal(a[i].Value, b[i].Value) || !equalTLVs(a[i].Children, b[i].Children) {
			return false
		}
	}
	return true
}

func props(t *testing.T, seed int64, n int) *gopter.Properties {
	p := gopter.DefaultTestParametersWithSeed(seed)
	p.MinSuccessfulTests = n
	return gopter.NewProperties(p)
}

// Property: random valid TLV trees and commands survive Marshal → Parse
// unchanged, and the re-encoding is byte for byte the encoding.
func TestRoundTripProperty(t *testing.T) {
	ps := props(t, 1, 300)
	ps.Property("TLV trees round-trip", prop.ForAll(func(items []TLV) string {
		b := Marshal(items)
		got, err := Parse(b)
		if err != nil {
			return fmt.Sprintf("Parse(%X): %v", b, err)
		}
		if !equalTLVs(items, got) {
			return "Parse (-want +got):\n" + cmp.Diff(items, got, equateEmpty)
		}
		if back := Marshal(got); !bytes.Equal(back, b) {
			return fmt.Sprintf("re-Marshal differs:\n %X\n %X", back, b)
		}
		return ""
	}, genTree()))
	ps.Property("commands round-trip", prop.ForAll(func(c Command) string {
		b, err := c.Marshal()
		if err != nil {
			return fmt.Sprintf("Marshal %+v: %v", c, err)
		}
		got, err := ParseCommand(b)
		if err != nil {
			return fmt.Sprintf("ParseCommand(%X): %v", b, err)
		}
		if c.CLA != got.CLA || c.INS != got.INS || c.P1 != got.P1 || c.P2 != got.P2 || c.Le != got.Le || !bytes.Equal(c.Data, got.Data) {
			return "ParseCommand (-want +got):\n" + cmp.Diff(c, got, equateEmpty)
		}
		return ""
	}, genCommand()))
	ps.TestingRun(t)
}

// decoders re-encode what they accept, for the mutation property.
var decoders = map[string]func(b []byte) ([]byte, error){
	"command": func(b []byte) ([]byte, error) {
		c, err := ParseCommand(b)
		if err != nil {
			return nil, err
		}
		return c.Marshal()
	},
	"response": func(b []byte) ([]byte, error) {
		r, err := ParseResponse(b)
		if err != nil {
			return nil, err
		}
		return r.Marshal()
	},
	"tlv": func(b []byte) ([]byte, error) {
		items, err := Parse(b)
		if err != nil {
			return nil, err
		}
		return Marshal(items), nil
	},
}

// checkMutant reports a violation of the mutation property for one input:
// it is refused with a typed malformed error, or it re-encodes to itself.
func checkMutant(kind string, b []byte) string {
	back, err := decoders[kind](b)
	if err != nil {
		var e *spec.Error
		if !errors.As(err, &e) || e.Code != spec.CodeMalformed {
			return fmt.Sprintf("%s %X: refused with %v (%T), not a typed malformed error", kind, b, err, err)
		}
		return ""
	}
	if !bytes.Equal(back, b) {
		return fmt.Sprintf("%s accepted %X but re-encodes to %X", kind, b, back)
	}
	return ""
}

// mutate checks byte values at positions of b: every value at every
// position when exhaustive, otherwise four values at up to 48 positions
// (the first and last 16 and 16 random ones).
func mutate(kind string, b []byte, r *rand.Rand, exhaustive bool) string {
	m := bytes.Clone(b)
	try := func(i int, v byte) string {
		m[i] = v
		defer func() { m[i] = b[i] }()
		return checkMutant(kind, m)
	}
	if exhaustive {
		for i := range b {
			for v := range 256 {
				if s := try(i, byte(v)); s != "" {
					return s
				}
			}
		}
		return ""
	}
	pos := map[int]bool{}
	for i := 0; i < 16 && i < len(b); i++ {
		pos[i], pos[len(b)-1-i] = true, true
	}
	for range 16 {
		pos[r.Intn(len(b))] = true
	}
	for i := range pos {
		for _, v := range []byte{b[i] ^ 0xFF, b[i] + 1, b[i] - 1, byte(r.Intn(256))} {
			if s := try(i, v); s != "" {
				return s
			}
		}
	}
	return ""
}

// Property: every single-byte mutation of a valid encoding is refused with
// a typed malformed error or is itself canonical (re-encodes to the
// mutated bytes): exhaustively for small fixed encodings, sampled for
// generated ones.
func TestMutationProperty(t *testing.T) {
	fixed := []struct {
		kind string
		b    []byte
	}{
		{"command", h("00A40400")},
		{"command", h("80B00000 10")},
		{"command", h("00A40400 02 A000")},
		{"command", h("84200001 02 0102 00")},
		{"command", h("80B00000 00 0101")},
		{"command", cat(h("80D60000 00 0100"), seq(256))},
		{"command", cat(h("802A0000 00 0100"), seq(256), h("0000"))},
		{"command", h("802A0000 00 0001 AA 0101")},
		{"response", h("9000")},
		{"response", h("DF7F 06 7265706C6179 6984")},
		{"tlv", h("70 0A 5A 02 AABB 9F02 01 CC 50 00 DF7F 01 DD")},
		{"tlv", h("DF8101 01 AA 5F2D 02 7A68")},
		{"tlv", cat(h("5A 81 80"), seq(128))},
		{"tlv", cat(h("5A 82 0100"), seq(256))},
		{"tlv", Marshal(nest(7, []TLV{{Tag: 0x5A, Value: h("01")}}))},
	}
	for _, f := range fixed {
		if s := checkMutant(f.kind, f.b); s != "" {
			t.Fatalf("fixture is not canonical: %s", s)
		}
		if s := mutate(f.kind, f.b, nil, true); s != "" {
			t.Error(s)
		}
	}

	ps := props(t, 2, 100)
	ps.Property("TLV mutations", prop.ForAll(func(items []TLV, seed int64) string {
		return mutate("tlv", Marshal(items), rand.New(rand.NewSource(seed)), false)
	}, genTree(), gen.Int64()))
	ps.Property("command mutations", prop.ForAll(func(c Command, seed int64) string {
		b, err := c.Marshal()
		if err != nil {
			return err.Error()
		}
		return mutate("command", b, rand.New(rand.NewSource(seed)), false)
	}, genCommand(), gen.Int64()))
	ps.TestingRun(t)
}
