package pseudocoin

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// mintSeeds are a mint request and a mint reply as the vectors' generator
// builds them.
func mintSeeds(f *testing.F) (req, reply []byte) {
	g := &vgen.Gen{S: suite.Default(), ID: string(suite.Default().ID())}
	x := newPCGen(g)
	k := x.key("fuzz/one")
	if g.Err != nil {
		f.Fatal(g.Err)
	}
	m := &MintRequest{Identity: "wallet-A", Request: []byte("r1"), Keys: [][]byte{spki(k)}, Sig: []byte{1}}
	bu := &Bundle{Key: spki(k), Coins: []int64{10000}, Sig: []byte{2}}
	return m.Marshal(), (&MintReply{Request: []byte("r1"), Bundles: [][]byte{bu.Marshal()}}).Marshal()
}

func FuzzParseMintRequest(f *testing.F) {
	req, _ := mintSeeds(f)
	f.Add(req)
	roundTrip(f, ParseMintRequest, func(m *MintRequest) []byte { return m.Marshal() })
}

func FuzzParseMintReply(f *testing.F) {
	_, reply := mintSeeds(f)
	f.Add(reply)
	roundTrip(f, func(b []byte) (*MintReply, error) { m, _, err := ParseMintReply(b); return m, err }, func(m *MintReply) []byte { return m.Marshal() })
}

// FuzzCheckMintReply: the element's decision on a sealed reply never
// panics, and what it takes has one bundle per key at most, each to its
// key.
func FuzzCheckMintReply(f *testing.F) {
	s := suite.Default()
	key := bytes.Repeat([]byte{7}, suite.AEADKeySize)
	_, reply := mintSeeds(f)
	sealed, err := sealMintReply(s, key, make([]byte, 12), reply)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(reply)
	m, bs, err := ParseMintReply(reply)
	if err != nil {
		f.Fatal(err)
	}
	keys := [][]byte{bs[0].Key}
	f.Fuzz(func(t *testing.T, b []byte) {
		plain, err := openMintReply(s, key, b)
		if err != nil {
			plain = b // the decision on the opened bytes too
		}
		got, _, err := checkMintReply(m.Request, keys, plain)
		if err != nil {
			return
		}
		if len(got) > len(keys) {
			t.Fatalf("took %d bundles for %d keys", len(got), len(keys))
		}
		for i, bu := range got {
			if !bytes.Equal(bu.Key, keys[i]) {
				t.Fatalf("took bundle %d to another key", i)
			}
		}
	})
}

// FuzzCheckPay: the payee's decision on any PAY never panics, and what
// it accepts pays the invoice's key, amount and challenge.
func FuzzCheckPay(f *testing.F) {
	s := suite.Default()
	headers, err := vgen.ReadHeaders(vectorFiles)
	if err != nil {
		f.Fatal(err)
	}
	g := &vgen.Gen{S: s, ID: string(s.ID()), Headers: headers}
	b := genPay(g)
	if b.Err != nil || g.Err != nil {
		f.Fatal(b.Err, g.Err)
	}
	var in PayInput
	for _, tc := range b.F.Tests() {
		var u vgen.Unhexer
		if err := vgen.DecodeInput(b.F.Case(tc), &in); err != nil {
			f.Fatal(err)
		}
		f.Add(u.B("pay", in.Pay))
	}
	var u vgen.Unhexer
	key, challenge, deskRaw := u.B("key", in.Key), u.B("challenge", in.Challenge), u.B("desk", in.Desk)
	desk, err := s.ParsePublicKey(deskRaw)
	if u.Err != nil || err != nil {
		f.Fatal(u.Err, err)
	}
	inv := openInvoice{Key: key, Amount: in.Amount, Challenge: challenge}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := ParseRecord(raw)
		if err != nil {
			return
		}
		if checkPay(verifier{s: s, desk: desk}, r, inv, true, func([]byte) bool { return false }) != nil {
			return
		}
		if !bytes.Equal(r.Payee, key) || r.Amount != in.Amount || !bytes.Equal(r.Challenge, challenge) {
			t.Fatalf("accepted a record paying %d fen to another key or challenge", r.Amount)
		}
	})
}
