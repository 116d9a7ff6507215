package vectors

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// genTransferChecks adds the holding cases at the boundaries of
// Record.Validate and Holding.Verify that the lineage cases above leave
// open: each record is signed by its payer, so only the one check refuses
// it. h0 is the agent's fresh coin, h1 the coin after the agent's record
// to wallet-alice, r2 alice's record paying wallet-bob 3000 fen of it.
func genTransferChecks(g *vgen.Gen, b *vgen.Builder, grp *Group, in func([]byte, []string, string, int64) any,
	recSig func(string, *transfer.Signed) *Signature, p *vgen.PKI, h0, h1 *transfer.Holding, r2 *transfer.Signed, all []string) {
	alice := p.Keys["wallet-alice"]
	bad := func(name, comment, req string, code spec.Code, flags []string, hh *transfer.Holding, payer string, r *transfer.Signed) {
		b.Invalid(grp, name, comment, req, code, flags, in(hh.Marshal(), all, "", 0), recSig(payer, r))
	}

	stray := &transfer.Holding{Root: h0.Root, Serial: g.Serial("end-serial")}
	b.Invalid(grp, "end-serial-not-root", "no record, and the holding names a serial other than the root's", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage", "holding-end"},
		in(stray.Marshal(), all, "", 0), nil)

	parent := h1.Serial
	outs := append([]transfer.Output{}, r2.Outputs...)
	outs[0].Serial = g.Serial("not-derived")
	rND := g.Record(alice, transfer.Record{Parent: parent, ParentValue: 10000, Outputs: outs, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("output-serial-not-derived", "signed by the holder, the payee's output under a serial other than ChildSerial(parent, 0)", "R2.1", spec.CodeValueMismatch,
		[]string{"BrokenLineage", "record-child-serial"}, h1.Extend(rND, outs[0].Serial), "wallet-alice", rND)

	rNothing := g.Record(alice, transfer.Record{Parent: parent, ParentValue: 10000, Outputs: g.Split(parent, 10000, 10000, "wallet-alice", "wallet-alice"),
		Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("pays-payee-nothing", "signed by the holder, a record to wallet-bob whose every output goes back to the payer", "R5.2", spec.CodeValueMismatch,
		[]string{"ValueNotConserved", "record-pays-payee"}, h1.Extend(rNothing, rNothing.Outputs[0].Serial), "wallet-alice", rNothing)

	// payTo signs alice's record to wallet-bob with the outputs r2 pays bob
	// held by holder instead.
	payTo := func(holder string) (*transfer.Signed, coin.Serial) {
		outs := append([]transfer.Output{}, r2.Outputs...)
		for i := range outs {
			if outs[i].Holder == "wallet-bob" {
				outs[i].Holder = holder
			}
		}
		return g.Record(alice, transfer.Record{Parent: parent, ParentValue: 10000, Outputs: outs, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7}), outs[0].Serial
	}
	rThird, sThird := payTo("wallet-carol")
	bad("output-to-third-party", "signed by the holder, a record to wallet-bob whose payee outputs are held by wallet-carol", "R1.5", spec.CodeWrongRecipient,
		[]string{"WrongRecipient", "record-output-holder"}, h1.Extend(rThird, sThird), "wallet-alice", rThird)
	rSpaced, sSpaced := payTo("wallet bob")
	bad("output-holder-with-space", "signed by the holder, a record whose payee outputs are held by \"wallet bob\": a space is not printable in an identifier", "R1.1", spec.CodeMalformed,
		[]string{"ModifiedField", "der-printable"}, h1.Extend(rSpaced, sSpaced), "wallet-alice", rSpaced)

	// The root coin spent twice on one lineage: after the agent's record to
	// alice, a second record of the agent spends the root serial again.
	// Without the next-serial check a verifier walks on with the root
	// still held by the agent, and then meets the role check instead.
	rc := h0.Root
	rTwice := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: rc.Denomination, Outputs: g.Split(rc.Serial, rc.Denomination, rc.Denomination, vgen.AgentID, "wallet-bob"),
		Payer: vgen.AgentID, Payee: "wallet-bob", Counter: 4})
	twice := &transfer.Holding{Root: rc, Chain: append(append([]*transfer.Signed{}, h1.Chain...), rTwice), Serial: rTwice.Outputs[0].Serial}
	bad("root-spent-again", "after the agent's record to wallet-alice, a second record of the agent spending the root coin again, to wallet-bob: the first record creates no coin of the root's serial", "R4.3", spec.CodeValueMismatch,
		[]string{"BrokenLineage", "holding-next-serial"}, twice, vgen.AgentID, rTwice)

	rNone := g.Record(alice, transfer.Record{Parent: parent, ParentValue: 10000, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("record-no-outputs", "signed by the holder, a record with no output", "R1.1", spec.CodeMalformed,
		[]string{"FieldSize", "record-parse"}, h1.Extend(rNone, r2.Outputs[0].Serial), "wallet-alice", rNone)

	// The hop limit: the whole coin passed back and forth until the
	// holding has 8 records (the most), then once more.
	hh, payer, payee := h1, "wallet-alice", "wallet-bob"
	counters := map[string]uint64{"wallet-alice": 100, "wallet-bob": 100}
	var last *transfer.Signed
	for len(hh.Chain) < transfer.MaxHops+1 {
		counters[payer]++
		r := g.Record(p.Keys[payer], transfer.Record{Parent: hh.Serial, ParentValue: 10000, Outputs: g.Split(hh.Serial, 10000, 10000, payer, payee),
			Payer: payer, Payee: payee, Counter: counters[payer]})
		if g.Err != nil {
			return
		}
		hh, last = hh.Extend(r, r.Outputs[0].Serial), r
		if len(hh.Chain) == transfer.MaxHops {
			b.Valid(grp, "valid-8-hops", "the whole coin passed between two wallets until its holding has 8 records, the most it may have", "R6.4",
				[]string{"Lineage", "Boundary", "holding-hop-limit"}, in(hh.Marshal(), all, payee, 10000), recSig(payer, r))
		}
		payer, payee = payee, payer
	}
	b.Invalid(grp, "nine-records", "the coin of valid-8-hops passed on once more: 9 records, each signed by its holder", "R1.1", spec.CodeMalformed,
		[]string{"Lineage", "OverSize", "holding-hop-limit"}, in(hh.Marshal(), all, "", 0), recSig(payee, last))
}
