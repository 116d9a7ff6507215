package cert

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Every message of a real payment parses under the strict profile and
// re-encodes to the same bytes; Fields names each of its fields and the
// spans tile the message's contents; any other tag, a trailing byte or an
// unknown version is refused with a typed error.
func TestMessagesStrict(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newInstanceSuite(t, 4, Recovering, s)
		in.Fund("wallet-A", 1000)
		msgs := capture(t, in, "wallet-A", "wallet-B", 230)
		tags := map[string]uint8{MsgPayeeHello: TagPayeeHello, MsgPayerHello: TagPayerHello, MsgProceed: TagProceed,
			MsgTx: TagTx, MsgDeduct: TagDeduct, MsgDeducted: TagDeducted}
		for typ, tag := range tags {
			b := msgs[typ]
			if b[0] != 0x60|tag {
				t.Errorf("%s: tag byte %#x", typ, b[0])
			}
			m, err := parseMessage(b, tag)
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			if !bytes.Equal(m.marshal(), b) {
				t.Errorf("%s does not round-trip", typ)
			}
			spans := Fields(world.Message{Type: typ, Payload: b})
			if len(spans) != len(layouts[tag]) {
				t.Errorf("%s: %d spans for %d fields", typ, len(spans), len(layouts[tag]))
			}
			for i, sp := range spans {
				if sp.Name != fieldNames[layouts[tag][i]] || sp.Start >= sp.End || sp.End > len(b) || i > 0 && sp.Start <= spans[i-1].End {
					t.Errorf("%s: span %d %+v", typ, i, sp)
				}
			}
			if spans[len(spans)-1].End != len(b) {
				t.Errorf("%s: the last span ends at %d of %d", typ, spans[len(spans)-1].End, len(b))
			}
			var other uint8 = TagPayeeHello
			if tag == TagPayeeHello {
				other = TagDeduct
			}
			for _, bad := range []struct {
				name string
				b    []byte
				want []uint8
				code spec.Code
			}{
				{"another type", b, []uint8{other}, spec.CodeMalformed},
				{"trailing byte", append(bytes.Clone(b), 0), []uint8{tag}, spec.CodeMalformed},
				{"version 2", withVersion(b, 2), []uint8{tag}, spec.CodeUnknownVersion},
				{"empty", nil, []uint8{tag}, spec.CodeMalformed},
			} {
				if _, err := parseMessage(bad.b, bad.want...); spec.CodeOf(err) != bad.code {
					t.Errorf("%s, %s: %v, want %s", typ, bad.name, err, bad.code)
				}
			}
		}
		// The sealed coins inside the TX are themselves strict.
		tx, _ := parseMessage(msgs[MsgTx], TagTx)
		q := in.Own["wallet-B"]
		key, err := q.Priv.Open(tx.SealedKey, sealInfo(tx.Nonce, "wallet-B"))
		if err != nil {
			t.Fatal(err)
		}
		aead, _ := s.NewAEAD(key)
		plain, err := aead.Open(nil, zeroNonce, tx.Ciphertext, sealInfo(tx.Nonce, "wallet-B"))
		if err != nil {
			t.Fatal(err)
		}
		spends, certs, err := parseCoins(s, plain)
		if err != nil || len(spends) != 1 || len(certs) != 0 {
			t.Fatalf("sealed coins: %d spends, %d certs, %v", len(spends), len(certs), err)
		}
		if re, _ := encodeCoins(spends, nil); !bytes.Equal(re, plain) {
			t.Error("sealed coins do not round-trip")
		}
		if _, _, err := parseCoins(s, append(bytes.Clone(plain), 0)); spec.CodeOf(err) != spec.CodeMalformed {
			t.Errorf("sealed coins with a trailing byte: %v", err)
		}
		if fs := Fields(world.Message{Payload: plain}); len(fs) != 1 || fs[0].Name != "spends" {
			t.Errorf("fields of the sealed coins: %+v", fs) // the empty certs list has no contents to tamper with
		}
	})
}

// withVersion re-encodes a message with another version number.
func withVersion(b []byte, v int64) []byte {
	m, err := parseMessage(b, b[0]&0x1F)
	if err != nil {
		panic(err)
	}
	return der.Marshal(der.Application(m.Tag), func(bb *der.Builder) {
		for _, f := range layouts[m.Tag] {
			if f == fVersion {
				bb.AddASN1Int64(v)
			} else {
				m.add(bb, f)
			}
		}
	})
}

// Fields never panics and never names bytes outside the payload.
func TestFieldsOnJunk(t *testing.T) {
	for _, b := range [][]byte{nil, {0x70}, {0x73, 0x03, 0x02, 0x01}, {0x73, 0x05, 0x02, 0x01, 0x01, 0x04, 0x09}, {0x30, 0x00}, {0x7F, 0x00}} {
		for _, sp := range Fields(world.Message{Payload: b}) {
			if sp.Start < 0 || sp.End > len(b) || sp.Start >= sp.End {
				t.Errorf("%x: span %+v", b, sp)
			}
		}
	}
}
