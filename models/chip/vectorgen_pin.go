package chip

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// apduPins adds, from the clean chip APDU cases, cases at the boundaries
// of the TLV profile and the object tables.
func apduPins(_ *vgen.Gen, b *vgen.Builder) {
	grp, _, tin := vgen.Derive[APDUTransferInput](b, "transfer-valid")
	igrp, _, iin := vgen.Derive[APDUInput](b, "valid")
	if tin == nil || iin == nil {
		return
	}
	withResp := func(r []byte) APDUTransferInput {
		in := *tin
		in.Response = vgen.H(r)
		return in
	}

	// TRANSFER objects: order and the contents of a spend.
	resp, err := hex.DecodeString(tin.Response)
	if err != nil || len(resp) < 2 {
		b.Err = fmt.Errorf("vectors: transfer-valid's response: %v", err)
		return
	}
	items, err := apdu.Parse(resp[:len(resp)-2])
	if err != nil || len(items) != 2 || items[1].Tag != TagSpend {
		b.Err = fmt.Errorf("vectors: transfer-valid is not DF03 and one spend: %v", err)
		return
	}
	ok := func(items []apdu.TLV) []byte { return append(apdu.Marshal(items), 0x90, 0x00) }
	b.Invalid(grp, "transfer-spend-after-lineage", "the clean TRANSFER with a lineage certificate (the payer's) and then the spend again after it: a spend after DF07", "R1.1", spec.CodeMalformed,
		[]string{"ModifiedField", "tlv-objects"}, withResp(ok([]apdu.TLV{items[0], items[1], {Tag: TagChainCert, Value: items[0].Value}, items[1]})), nil)
	spend := items[1]
	spend.Children = append(append([]apdu.TLV{}, spend.Children...), apdu.TLV{Tag: TagChainCert, Value: items[0].Value})
	b.Invalid(grp, "transfer-spend-extra-object", "the clean TRANSFER whose spend (E1) holds a DF07 besides DF05 and DF06", "R1.1", spec.CodeMalformed,
		[]string{"ModifiedField", "tlv-objects"}, withResp(ok([]apdu.TLV{items[0], spend})), nil)

	// INITIATE: an unknown object and a non-minimal TLV length.
	cmd, err := hex.DecodeString(iin.Command)
	if err != nil {
		b.Err = err
		return
	}
	c, err := apdu.ParseCommand(cmd)
	if err != nil || len(c.Data) < 3 || c.Data[0] != 0xDF || c.Data[1] != 0x01 || c.Data[2] != 0x08 {
		b.Err = fmt.Errorf("vectors: valid is not an INITIATE starting with DF01: %v", err)
		return
	}
	withCmd := func(data []byte) APDUInput {
		in := *iin
		cc := c
		cc.Data = data
		raw, err := cc.Marshal()
		if err != nil && b.Err == nil {
			b.Err = err
		}
		in.Command = vgen.H(raw)
		return in
	}
	b.Invalid(igrp, "amount-length-81", "the clean INITIATE with the amount's length written 81 08: a non-minimal BER-TLV length", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical", "tlv-strict"}, withCmd(append([]byte{0xDF, 0x01, 0x81, 0x08}, c.Data[3:]...)), nil)
	b.Invalid(igrp, "amount-length-82", "the clean INITIATE with the amount's length written 82 00 08: a non-minimal BER-TLV length", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical", "tlv-strict"}, withCmd(append([]byte{0xDF, 0x01, 0x82, 0x00, 0x08}, c.Data[3:]...)), nil)
	b.Invalid(igrp, "unknown-object", "the clean INITIATE with an object DF10 the message does not define", "R1.1", spec.CodeMalformed,
		[]string{"ModifiedField", "tlv-objects"}, withCmd(append(bytes.Clone(c.Data), 0xDF, 0x10, 0x01, 0x00)), nil)
}

// genAPDUTransferPins adds TRANSFER responses whose record, signed by the
// payer, spends its coin wrongly: another serial, another value, another
// payer named. pay signs a record of payer over hd with the challenge.
func genAPDUTransferPins(g *vgen.Gen, b *vgen.Builder, grp *vgen.Group, p *vgen.PKI, hd *transfer.Holding, challenge []byte,
	resp func([]Spend) []byte, in func([]byte) APDUTransferInput, recSig func(*transfer.Signed) *vgen.Signature) {
	ak := p.Keys["wallet-alice"]
	sign := func(parent coin.Serial, value int64, payer string) *transfer.Signed {
		r := transfer.Record{Version: transfer.Version1, Parent: parent, ParentValue: value, Outputs: g.Split(parent, value, 2500, payer, "wallet-bob"),
			Payer: payer, Payee: "wallet-bob", Counter: 2}
		copy(r.Challenge[:], challenge)
		return &transfer.Signed{Record: r, Signature: g.Sign(ak, r.TBS())}
	}
	other := sign(transfer.ChildSerial(hd.Serial, 5), hd.Value(), "wallet-alice")
	more := sign(hd.Serial, 2*hd.Value(), "wallet-alice")
	carol := sign(hd.Serial, hd.Value(), "wallet-carol")
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "transfer-record-spends-other-serial", "a record signed by the payer spending a serial other than the coin's, its outputs derived from that serial", "R4.3", spec.CodeValueMismatch,
		[]string{"BrokenLineage", "spend-record-binding"}, in(resp([]Spend{{Holding: hd, Record: other}})), recSig(other))
	b.Invalid(grp, "transfer-record-overstates-value", "a record signed by the payer stating the 10000 fen coin as 20000 fen, its outputs summing to that", "R4.3", spec.CodeValueMismatch,
		[]string{"BrokenLineage", "spend-record-binding"}, in(resp([]Spend{{Holding: hd, Record: more}})), recSig(more))
	b.Invalid(grp, "transfer-record-names-other-payer", "a record signed by the payer's key that names wallet-carol as its payer", "R1.5", spec.CodeWrongRecipient,
		[]string{"NonHolderSignature", "spend-record-binding"}, in(resp([]Spend{{Holding: hd, Record: carol}})), recSig(carol))
}
