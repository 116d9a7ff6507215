package pseudocoin

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// seeds runs one payment and reconciliation and returns every message
// and stored holding it produced, as fuzz seeds.
func seeds(t testing.TB) [][]byte {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	modeltest.MustFund(t, in, a, 60000)
	mark := in.w.Mark()
	if _, err := in.Pay(a, b, 1234, nil); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, p := range []world.PartyID{a, b} {
		for _, m := range in.w.Delivered(p, mark) {
			out = append(out, m.Payload)
		}
	}
	for _, h := range in.elementMust(t, b).holdings() {
		out = append(out, h.h.Marshal())
	}
	out = append(out, Large{Account: "wallet-A", Amount: 20001}.Marshal())
	return out
}

func (in *Instance) elementMust(t testing.TB, p world.PartyID) *element {
	e, err := in.element(p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// roundTrip fuzzes a decoder: it never panics, and what it accepts
// re-encodes to the same bytes.
func roundTrip[T any](f *testing.F, parse func([]byte) (T, error), marshal func(T) []byte) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parse(b)
		if err != nil {
			return
		}
		if got := marshal(v); !bytes.Equal(got, b) {
			t.Fatalf("accepted %x, re-encodes to %x", b, got)
		}
	})
}

func FuzzParseHolding(f *testing.F) {
	roundTrip(f, ParseHolding, func(h *Holding) []byte { return h.Marshal() })
}

func FuzzParseRecord(f *testing.F) {
	roundTrip(f, ParseRecord, func(r *Record) []byte { r.enc = nil; return r.Marshal() })
}

func FuzzParseInvoice(f *testing.F) {
	roundTrip(f, ParseInvoice, func(v *Invoice) []byte { return v.Marshal() })
}

func FuzzParseHello(f *testing.F) {
	roundTrip(f, ParseHello, func(h Hello) []byte { return h.Marshal() })
}

func FuzzParseAck(f *testing.F) {
	roundTrip(f, ParseAck, func(a Ack) []byte { return a.Marshal() })
}

func FuzzParseLarge(f *testing.F) {
	roundTrip(f, ParseLarge, func(l Large) []byte { return l.Marshal() })
}

func FuzzParseUpload(f *testing.F) {
	in := newInstanceT(f, suite.Default())
	e := in.elementMust(f, in.Wallets()[0])
	ss, err := in.prepareSync(e, false)
	if err != nil {
		f.Fatal(err)
	}
	if plain, err := openUpload(in.s, in.desk.sealKey, ss.Sealed); err == nil {
		f.Add(plain)
	}
	roundTrip(f, ParseUpload, func(u *Upload) []byte { return u.Marshal() })
}

// FuzzVerifyEvidence replaces one field of real double-spend evidence with
// fuzzed bytes: VerifyEvidence never panics, and it accepts the evidence
// only if the field is unchanged or names the same culprit.
func FuzzVerifyEvidence(f *testing.F) {
	in, ev := doubleSpendEvidence(f)
	for i := 0; i < 6; i++ {
		f.Add(uint8(i), evidenceField(&ev, i))
	}
	f.Fuzz(func(t *testing.T, field uint8, b []byte) {
		e := ev
		e.Certs = append([][]byte(nil), ev.Certs...)
		*evidenceFieldPtr(&e, int(field)%6) = b
		got, err := in.VerifyEvidence(e)
		if err == nil && got != ev.Culprit {
			t.Fatalf("evidence with field %d = %x verifies, naming %q not %q", field%6, b, got, ev.Culprit)
		}
	})
}

func evidenceField(ev *bank.DoubleSpend, i int) []byte { return *evidenceFieldPtr(ev, i) }

func evidenceFieldPtr(ev *bank.DoubleSpend, i int) *[]byte {
	return [...]*[]byte{&ev.HoldingA, &ev.RecordA, &ev.RecordB, &ev.CulpritCert, &ev.Certs[0], &ev.Certs[1]}[i]
}

func FuzzParseSurrender(f *testing.F) {
	f.Add((&Surrender{Key: []byte{1}, Request: []byte("r"), Sig: []byte{2}}).Marshal())
	roundTrip(f, ParseSurrender, func(s *Surrender) []byte { return s.Marshal() })
}
