package pseudocoin

import (
	"bytes"
	"testing"

	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestParsedEncodingsOnce: a parsed record and bundle keep their
// encodings, and what they keep is what encoding them anew gives; a copy
// of the struct, edited, encodes its edit, not the original's bytes.
func TestParsedEncodingsOnce(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	if err := in.Fund(a, 60000); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Pay(a, b, 1234, nil); err != nil {
		t.Fatal(err)
	}
	var rec *Record
	for _, h := range in.elementMust(t, b).holdings() {
		if h.h.Record != nil && !h.h.Change {
			rec = h.h.Record
		}
	}
	if rec == nil || rec.encoded() == nil {
		t.Fatal("the payee holds no parsed record")
	}
	fresh := func(r *Record) (core, tbs, der []byte, id [32]byte) {
		c := *r // a copy encodes anew
		return c.Core(), c.TBS(), c.Marshal(), idOf(c.TBS())
	}
	for range 2 { // the second round reads what the first kept
		core, tbs, der, id := fresh(rec)
		if !bytes.Equal(rec.Core(), core) || !bytes.Equal(rec.TBS(), tbs) || !bytes.Equal(rec.Marshal(), der) || rec.ID() != id {
			t.Fatal("a parsed record's kept encodings differ from encoding it anew")
		}
	}
	bu := rec.Inputs[0].Bundle
	if bu == nil || bu.encoded() == nil {
		t.Fatal("the record's input is no parsed bundle")
	}
	for range 2 {
		c := *bu
		if !bytes.Equal(bu.Marshal(), c.Marshal()) || !bytes.Equal(bu.TBS(), c.TBS()) || bu.id() != idOf(c.Marshal()) {
			t.Fatal("a parsed bundle's kept encodings differ from encoding it anew")
		}
	}

	edited := *rec
	edited.Amount++
	if bytes.Equal(edited.TBS(), rec.TBS()) || bytes.Equal(edited.Marshal(), rec.Marshal()) || bytes.Equal(edited.Core(), rec.Core()) || edited.ID() == rec.ID() {
		t.Error("a copy of a parsed record, its amount edited, encodes as the original")
	}
	eb := *bu
	eb.Coins = append([]int64(nil), bu.Coins...)
	eb.Coins[0]++
	if bytes.Equal(eb.Marshal(), bu.Marshal()) || bytes.Equal(eb.TBS(), bu.TBS()) || eb.id() == bu.id() {
		t.Error("a copy of a parsed bundle, a coin edited, encodes as the original")
	}
}

// The cryptobyte builder's encodings, as format.go made them before the
// append-style encoders (encode.go): the reference those must equal.

func refValues(x *der.Builder, vs []int64) {
	x.AddASN1(casn1.SEQUENCE, func(x *der.Builder) {
		for _, v := range vs {
			x.AddASN1Int64(v)
		}
	})
}

func refOctets(x *der.Builder, bs [][]byte) {
	x.AddASN1(casn1.SEQUENCE, func(x *der.Builder) {
		for _, b := range bs {
			x.AddASN1OctetString(b)
		}
	})
}

func refRecord(r *Record, tag casn1.Tag, withEscrow, withSigs bool) []byte {
	return der.Marshal(tag, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1(casn1.SEQUENCE, func(x *der.Builder) {
			for _, in := range r.Inputs {
				x.AddBytes(in.Marshal())
			}
		})
		x.AddASN1OctetString(r.Payee)
		x.AddASN1Int64(r.Amount)
		refValues(x, r.Outputs)
		x.AddASN1OctetString(r.ChangeKey)
		refValues(x, r.ChangeCoins)
		x.AddASN1OctetString(r.Challenge)
		if withEscrow {
			x.AddASN1OctetString(r.Escrow)
		}
		if withSigs {
			refOctets(x, r.Sigs)
		}
	})
}

func refBundle(b *Bundle, sig bool) []byte {
	return der.Marshal(tagBundle, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1OctetString(b.Key)
		refValues(x, b.Coins)
		if sig {
			x.AddASN1OctetString(b.Sig)
		}
	})
}

func refSurrender(s *Surrender, sig bool) []byte {
	return der.Marshal(tagSurrender, func(x *der.Builder) {
		x.AddASN1Int64(version)
		x.AddASN1OctetString(s.Key)
		x.AddASN1OctetString(s.Request)
		if sig {
			x.AddASN1OctetString(s.Sig)
		}
	})
}

func refUpload(u *Upload, sig bool) []byte {
	body := der.Marshal(tagUpload, func(x *der.Builder) {
		x.AddASN1Int64(version)
		der.AddUTF8(x, u.Identity)
		x.AddASN1OctetString(u.Request)
		for _, l := range [][][]byte{u.Spent, u.Received, u.Proofs, u.Void} {
			refOctets(x, l)
		}
	})
	if !sig {
		return body
	}
	return der.Marshal(tagUpload, func(x *der.Builder) {
		x.AddBytes(body)
		x.AddASN1OctetString(u.Sig)
	})
}

// TestAppendEncodersMatchBuilder: the append-style encoders give the
// builder's bytes for structures of every size a length can take (short,
// one and two length octets, three for an upload), empty lists and
// values of every integer length, negative ones included.
func TestAppendEncodersMatchBuilder(t *testing.T) {
	rng := detrand.New(11, "append encoders")
	bytesOf := func(max int) []byte {
		b := make([]byte, rng.IntN(max+1))
		rng.Read(b)
		return b
	}
	values := func() []int64 {
		vs := make([]int64, rng.IntN(MaxCoins+1))
		for i := range vs {
			vs[i] = int64(rng.Uint64()) >> rng.IntN(64)
			if rng.IntN(4) == 0 {
				vs[i] = -vs[i]
			}
		}
		return vs
	}
	lists := func(n, max int) [][]byte {
		out := make([][]byte, rng.IntN(n+1))
		for i := range out {
			out[i] = bytesOf(max)
		}
		return out
	}
	bundle := func() *Bundle { return &Bundle{Key: bytesOf(200), Coins: values(), Sig: bytesOf(300)} }
	for i := range 300 {
		b := bundle()
		for _, sig := range []bool{false, true} {
			if got, want := b.marshal(sig), refBundle(b, sig); !bytes.Equal(got, want) {
				t.Fatalf("bundle %d (sig %v): %x, builder %x", i, sig, got, want)
			}
		}
		s := &Surrender{Key: bytesOf(200), Request: bytesOf(300), Sig: bytesOf(200)}
		for _, sig := range []bool{false, true} {
			if got, want := s.marshal(sig), refSurrender(s, sig); !bytes.Equal(got, want) {
				t.Fatalf("surrender %d (sig %v): %x, builder %x", i, sig, got, want)
			}
		}
		r := &Record{Payee: bytesOf(200), Amount: int64(rng.Uint64()) >> rng.IntN(64), Outputs: values(), ChangeKey: bytesOf(200),
			ChangeCoins: values(), Challenge: bytesOf(40), Escrow: bytesOf(600), Sigs: lists(MaxInputs, 120)}
		for range rng.IntN(4) {
			r.Inputs = append(r.Inputs, &Holding{Bundle: bundle()})
		}
		if rng.IntN(3) == 0 {
			inner := *r
			r.Inputs = append(r.Inputs, &Holding{Record: &inner, Change: rng.IntN(2) == 0})
		}
		for _, c := range []struct {
			tag          casn1.Tag
			escrow, sigs bool
			got          []byte
		}{{tagCore, false, false, r.Core()}, {tagRecord, true, false, r.TBS()}, {tagRecord, true, true, r.Marshal()}} {
			if want := refRecord(r, c.tag, c.escrow, c.sigs); !bytes.Equal(c.got, want) {
				t.Fatalf("record %d (tag %#x escrow %v signatures %v): %x, builder %x", i, uint8(c.tag), c.escrow, c.sigs, c.got, want)
			}
		}
		u := &Upload{Identity: string(bytesOf(64)), Request: bytesOf(64), Spent: lists(6, 3000), Received: lists(30, 3000), Proofs: lists(30, 80), Void: lists(8, 100), Sig: bytesOf(80)}
		if i%50 == 0 {
			u.Received = append(u.Received, bytesOf(1<<16+100)) // a three-octet length
		}
		if got, want := u.body(), refUpload(u, false); !bytes.Equal(got, want) {
			t.Fatalf("upload %d body: %d bytes, builder %d", i, len(got), len(want))
		}
		if got, want := u.Marshal(), refUpload(u, true); !bytes.Equal(got, want) {
			t.Fatalf("upload %d: %d bytes, builder %d", i, len(got), len(want))
		}
	}
}
