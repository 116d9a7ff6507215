package vectors

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/smx509"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The cases of this file sit at the boundary of one documented check each
// that the other cases leave open: an implementation that drops the check
// (and only it) gets at least one of them wrong, because every other check
// accepts the case or refuses it with another code.

// derContent returns the contents of the DER element der (definite
// length, up to 3 length octets), or nil.
func derContent(der []byte) []byte {
	if len(der) < 2 {
		return nil
	}
	switch l := der[1]; {
	case l < 0x80:
		return der[2:]
	case l == 0x81 && len(der) >= 3:
		return der[3:]
	case l == 0x82 && len(der) >= 4:
		return der[4:]
	}
	return nil
}

// genCoinPins adds the coin cases for signature-verify: a signature that
// verifies once decoded leniently but is not strict DER.
func genCoinPins(g *vgen.Gen, b *vgen.Builder, grp *Group, issuer suite.PrivateKey) {
	pub := issuer.Public()
	f := baseCoinFields(g, "der-signature")
	tbs := vgen.TLV(0x62, bytes.Join([][]byte{f.version, f.Serial, f.denomination, f.currency, f.unit, f.parent, f.agent}, nil))
	sig := g.Sign(issuer, tbs)
	if g.Err != nil || len(sig) < 2 || sig[0] != 0x30 || sig[1] >= 0x80 {
		g.Fail(fmt.Errorf("vectors: signature is not a short DER SEQUENCE"))
		return
	}
	long := append([]byte{0x30, 0x81}, sig[1:]...)
	c := vgen.TLV(0x61, append(tbs, vgen.TLV(0x04, long)...))
	b.Invalid(grp, "signature-length-long-form", "the issuer's valid signature re-encoded with its SEQUENCE length in the long form (30 81 ..): BER, not DER", "R1.1", spec.CodeBadSignature,
		[]string{"ModifiedSignature", "signature-verify"}, CoinInput{Coin: vgen.H(c), IssuerPublicKey: vgen.H(pub.SPKI())}, vgen.SigObj(g.S, pub, tbs, long))
}

// genCertificatePins adds certificates signed by the trusted root's key at
// the boundaries of devcert.Parse (size cap, signature algorithm, name
// shape) and revocation lists at those of ParseRevocationList.
func genCertificatePins(g *vgen.Gen, b *vgen.Builder, grp *Group, p *vgen.PKI, in func([]byte, int64) CertificateInput) {
	rk, alice, parent, pub, base, ok := profileKit(g, p)
	if !ok {
		return
	}
	at := vgen.GenAt.Unix()

	// The size cap: a non-critical extension of filler, sized so the
	// certificate is exactly 1024 bytes (the most) and 1025.
	// The signature's length varies with the bytes signed, so the filler
	// is adjusted, and failing that the serial changed, until it fits.
	sized := func(serial int64, size int) []byte {
		pad := 400
		for i := range 24 {
			t := base(serial + int64(i/4)*100)
			t.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Value: vgen.TLV(0x04, make([]byte, pad))}}
			raw := rawIssue(g, t, parent, pub, rk)
			if g.Err != nil || len(raw) == size {
				return raw
			}
			pad += size - len(raw)
		}
		g.Fail(fmt.Errorf("vectors: no certificate of exactly %d bytes", size))
		return nil
	}
	if raw := sized(411, devcert.MaxCertDER); raw != nil {
		b.Valid(grp, "size-1024-bytes", "signed by the root, a wallet certificate of exactly 1024 bytes (a non-critical extension of filler), the most the profile allows", "R1.3",
			[]string{"Boundary", "cert-parse"}, in(raw, at), g.CertSig(p.Root.Cert, raw))
	}
	if raw := sized(412, devcert.MaxCertDER+1); raw != nil {
		b.Invalid(grp, "size-1025-bytes", "signed by the root, a wallet certificate of 1025 bytes, one over the cap", "R1.1", spec.CodeMalformed,
			[]string{"OverSize", "cert-parse"}, in(raw, at), g.CertSig(p.Root.Cert, raw))
	}

	// The suite's key certified under another signature algorithm: INTL's
	// P-256 under ECDSA with SHA-384; GM's SM2 key with its certificate's
	// algorithm identifiers rewritten to ECDSA with SHA-256 and re-signed
	// by the root (SM2 with SM3 over the rewritten TBS).
	if g.S.ID() == suite.INTL {
		t := base(413)
		t.SignatureAlgorithm = x509.ECDSAWithSHA384
		raw, err := x509.CreateCertificate(noRead{}, t, parent, pub.CryptoPublicKey(), rk.Signer())
		g.Fail(err)
		if g.Err == nil {
			b.Invalid(grp, "signature-algorithm-sha384", "signed by the root's key with ECDSA-SHA384 instead of the suite's ECDSA-SHA256", "R1.3", spec.CodeWrongSuite,
				[]string{"WrongSuite", "cert-parse"}, in(raw, at), nil)
		}
	} else {
		sm2sm3 := []byte{0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x83, 0x75}
		ecdsa256 := []byte{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02}
		tbs, _, ok := vgen.X509Parts(alice.Raw)
		if !ok || bytes.Count(tbs, sm2sm3) != 1 {
			g.Fail(fmt.Errorf("vectors: GM certificate without one SM2-with-SM3 identifier in its TBS"))
			return
		}
		tbs = bytes.Replace(tbs, sm2sm3, ecdsa256, 1)
		alg := vgen.TLV(0x30, ecdsa256)
		raw := vgen.TLV(0x30, bytes.Join([][]byte{tbs, alg, vgen.TLV(0x03, append([]byte{0x00}, g.Sign(rk, tbs)...))}, nil))
		if g.Err == nil {
			b.Invalid(grp, "signature-algorithm-ecdsa", "wallet-alice's certificate with its signature algorithm rewritten to ECDSA-SHA256 and re-signed with the root's SM2 key", "R1.3", spec.CodeWrongSuite,
				[]string{"WrongSuite", "cert-parse"}, in(raw, at), nil)
		}
	}

	// X.509 v1: wallet-alice's certificate without its version field and
	// its extensions, signed again by the root. The version is read before
	// the extensions the profile requires (cert-version, then
	// cert-constraints).
	if raw := g.AsV1(alice.Raw, rk); raw != nil {
		b.Invalid(grp, "version-1", "wallet-alice's certificate re-encoded as X.509 v1 (no version field, no extensions) and signed again by the root", "R1.3", spec.CodeUnknownVersion,
			[]string{"ModifiedField", "cert-version"}, in(raw, at), g.CertSig(p.Root.Cert, raw))
	} else {
		g.Fail(fmt.Errorf("vectors: wallet-alice's certificate is not a certificate"))
	}

	// A trust anchor that is not a CA: a wallet certificate the root
	// issued under the root's own CN, given as the root, and a certificate
	// its key signed under the root's name. Only the anchor check refuses
	// it (the libraries' issuer check would too, for the same reason).
	fk := g.Key("pki/wallet-anchor")
	if g.Err != nil {
		return
	}
	at0 := base(421)
	at0.RawSubject = nil
	at0.Subject = pkix.Name{Organization: []string{devcert.Org}, OrganizationalUnit: []string{string(devcert.RoleWallet)}, CommonName: parent.Subject.CommonName}
	at0.SubjectKeyId = g.S.Hash(fk.Public().SPKI())[:20]
	anchor := rawIssue(g, at0, parent, fk.Public(), rk)
	signed := rawIssue(g, base(422), &x509.Certificate{RawSubject: parent.RawSubject, SubjectKeyId: at0.SubjectKeyId}, pub, fk)
	if g.Err == nil {
		b.Invalid(grp, "root-a-wallet-under-the-root-name", "the trust anchor a wallet certificate (not a CA) named as the root, and wallet-alice's certificate signed by its key under the root's name", "R1.3", spec.CodeUntrustedIssuer,
			[]string{"ForeignRoot", "cert-anchor"}, CertificateInput{Certificate: vgen.H(signed), Root: vgen.H(anchor), At: at}, nil)
	}

	named := func(serial int64, org, role string) []byte {
		t := base(serial)
		t.RawSubject = nil
		t.Subject = pkix.Name{Organization: []string{org}, OrganizationalUnit: []string{role}, CommonName: alice.ID}
		return rawIssue(g, t, parent, pub, rk)
	}
	if raw := named(414, "dualoffline-test", string(devcert.RoleWallet)); g.Err == nil {
		b.Invalid(grp, "subject-organization-other", "signed by the root, a wallet certificate whose subject O is dualoffline-test", "R1.3", spec.CodeMalformed,
			[]string{"PolicySigned", "cert-names"}, in(raw, at), g.CertSig(p.Root.Cert, raw))
	}
	if raw := named(415, "dualoffline", "teller"); g.Err == nil {
		b.Invalid(grp, "subject-role-unknown", "signed by the root, a certificate whose subject OU is teller, a role the profile does not define", "R1.3", spec.CodeMalformed,
			[]string{"PolicySigned", "cert-names"}, in(raw, at), g.CertSig(p.Root.Cert, raw))
	}

	// Revocation lists signed by the root outside the list's ranges.
	crl := func(number, serial int64) []byte {
		tmpl := &x509.RevocationList{
			Number:     big.NewInt(number),
			ThisUpdate: vgen.GenEpoch.AddDate(0, 3, 0),
			NextUpdate: vgen.GenEpoch.AddDate(0, 4, 0),
			RevokedCertificateEntries: []x509.RevocationListEntry{{
				SerialNumber: big.NewInt(serial), RevocationTime: vgen.GenEpoch.AddDate(0, 3, 0),
			}},
		}
		var raw []byte
		var err error
		if g.S.ID() == suite.GM {
			var issuer *smx509.Certificate
			if issuer, err = smx509.ParseCertificate(p.Root.Cert.Raw); err == nil {
				raw, err = smx509.CreateRevocationList(noRead{}, tmpl, issuer, rk.Signer())
			}
		} else {
			tmpl.SignatureAlgorithm = x509.ECDSAWithSHA256
			raw, err = x509.CreateRevocationList(noRead{}, tmpl, parent, rk.Signer())
		}
		g.Fail(err)
		return raw
	}
	withCRL := func(l []byte) CertificateInput {
		i := in(alice.Raw, at)
		i.CRL = vgen.H(l)
		return i
	}
	if l := crl(0, 999); g.Err == nil {
		b.Invalid(grp, "crl-number-0", "a valid certificate with a revocation list of number 0 (numbers start at 1), signed by the root", "R1.4", spec.CodeMalformed,
			[]string{"PolicySigned", "crl-parse"}, withCRL(l), g.CertSig(p.Root.Cert, l))
	}
	if l := crl(3, 0); g.Err == nil {
		b.Invalid(grp, "crl-revokes-serial-0", "a valid certificate with a revocation list, signed by the root, that lists serial 0 (serials start at 1)", "R1.4", spec.CodeMalformed,
			[]string{"PolicySigned", "crl-parse"}, withCRL(l), g.CertSig(p.Root.Cert, l))
	}
}

// genTransferPins adds holdings at the boundaries of ParseHolding (the
// held serial's size), the strict DER lengths (a leading zero length
// octet) and transfer.Parse (at most 16 outputs). h0 is the agent's fresh
// coin, h1 the coin after the agent's record to wallet-alice.
func genTransferPins(g *vgen.Gen, b *vgen.Builder, grp *Group, in func([]byte, []string, string, int64) any,
	recSig func(string, *transfer.Signed) *Signature, p *vgen.PKI, h0, h1 *transfer.Holding, all []string) {
	raw := h1.Marshal()
	content := derContent(raw)
	if len(content) < 18 || !bytes.Equal(content[len(content)-18:len(content)-16], []byte{0x04, 0x10}) {
		g.Fail(fmt.Errorf("vectors: holding does not end with its 16-byte serial"))
		return
	}
	short := append(bytes.Clone(content[:len(content)-18]), vgen.TLV(0x04, h1.Serial[:15])...)
	b.Invalid(grp, "serial-15-bytes", "valid-1-hop's holding with its held serial cut to 15 bytes", "R1.1", spec.CodeMalformed,
		[]string{"FieldSize", "holding-parse"}, in(vgen.TLV(raw[0], short), all, "", 0), nil)

	r0 := h0.Marshal()
	c0 := derContent(r0)
	if len(c0) < 128 || len(c0) > 0xFFFF {
		g.Fail(fmt.Errorf("vectors: fresh holding of %d content bytes", len(c0)))
		return
	}
	lz := append([]byte{r0[0], 0x83, 0x00, byte(len(c0) >> 8), byte(len(c0))}, c0...)
	b.Invalid(grp, "length-leading-zero", "valid-0-hops's holding with its outer length written 83 00 nn nn: a leading zero length octet", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical", "der-length-minimal"}, in(lz, all, "", 0), nil)

	// The first record, signed by the agent holding the fresh coin, spends
	// another serial (its outputs derived from that serial): only the
	// comparison with the root coin's serial refuses it; a later record's
	// parent is also compared with the outputs of the record before it.
	agent := p.Keys[vgen.AgentID]
	stray := transfer.ChildSerial(h0.Serial, 3)
	rStray := g.Record(agent, transfer.Record{Parent: stray, ParentValue: 10000, Outputs: g.Split(stray, 10000, 10000, vgen.AgentID, "wallet-alice"),
		Payer: vgen.AgentID, Payee: "wallet-alice", Counter: 1})
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "first-record-wrong-parent", "signed by the agent bank holding the fresh coin, a first record spending a serial other than the root coin's", "R4.3", spec.CodeValueMismatch,
		[]string{"BrokenLineage", "holding-parent"}, in(h0.Extend(rStray, rStray.Outputs[0].Serial).Marshal(), all, "", 0), recSig(vgen.AgentID, rStray))

	// 16 outputs (the most) and 17, each signed by the holder: the payee's
	// 500 fen notes, the payer's change in 1000 and 2000 fen.
	outputs := func(n int) []transfer.Output {
		var outs []transfer.Output
		change := int64(10000)
		for i := range n - 2 {
			outs = append(outs, transfer.Output{Serial: transfer.ChildSerial(h1.Serial, i), Value: 500, Holder: "wallet-bob"})
			change -= 500
		}
		half := change - 2000
		outs = append(outs, transfer.Output{Serial: transfer.ChildSerial(h1.Serial, n-2), Value: half, Holder: "wallet-alice"},
			transfer.Output{Serial: transfer.ChildSerial(h1.Serial, n-1), Value: change - half, Holder: "wallet-alice"})
		return outs
	}
	alice := p.Keys["wallet-alice"]
	r16 := g.Record(alice, transfer.Record{Parent: h1.Serial, ParentValue: 10000, Outputs: outputs(16), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 9})
	r17 := g.Record(alice, transfer.Record{Parent: h1.Serial, ParentValue: 10000, Outputs: outputs(17), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 9})
	if g.Err != nil {
		return
	}
	b.Valid(grp, "record-16-outputs", "signed by the holder, a record of 16 outputs (the most): 14 notes of 500 fen to wallet-bob, 1000 and 2000 fen change; the payee's first note", "R6.4",
		[]string{"Lineage", "Boundary", "record-parse"}, in(h1.Extend(r16, r16.Outputs[0].Serial).Marshal(), all, "wallet-bob", 500), recSig("wallet-alice", r16))
	b.Invalid(grp, "record-17-outputs", "signed by the holder, a record of 17 outputs summing to the parent: 15 notes of 500 fen to wallet-bob, 500 and 2000 fen change", "R1.1", spec.CodeMalformed,
		[]string{"Lineage", "OverSize", "record-parse"}, in(h1.Extend(r17, r17.Outputs[0].Serial).Marshal(), all, "", 0), recSig("wallet-alice", r17))
}
