package chip

import (
	"encoding/binary"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// APDU instruction bytes and the proprietary class the scheme uses.
const (
	CLA         = 0x80
	INSInitiate = 0x50 // payee terminal → payer card: amount, challenge, payee certificate
	INSConfirm  = 0x52 // payee terminal → payer card: signed acknowledgement
)

// BER-TLV tags of the message data (private class, primitive unless noted).
const (
	TagAmount    uint32 = 0xDF01 // 8-byte big-endian fen
	TagChallenge uint32 = 0xDF02 // 16 bytes from the payee
	TagCert      uint32 = 0xDF03 // the sender's device certificate, DER
	TagSig       uint32 = 0xDF04 // the sender's signature
	TagHolding   uint32 = 0xDF05 // a coin the payer spends, with its lineage
	TagRecord    uint32 = 0xDF06 // the transfer record spending it
	TagChainCert uint32 = 0xDF07 // a certificate of an earlier holder in a lineage
	TagSpend     uint32 = 0xE1   // constructed: one TagHolding and one TagRecord
)

// Message caps: a payment spends at most MaxSpends coins and carries at
// most MaxChainCerts lineage certificates, so a TRANSFER stays within one
// TLV level (apdu.MaxItems); its encoding must also fit one extended
// R-APDU (apdu.MaxResponse). A payment that would not fit is refused with
// limit-exceeded before anything is committed.
const (
	MaxSpends     = 8
	MaxChainCerts = apdu.MaxItems - 1 - MaxSpends
)

// message type labels in traces
const (
	MsgInitiate = "INITIATE"
	MsgTransfer = "TRANSFER"
	MsgConfirm  = "CONFIRM"
	MsgDone     = "DONE"
)

func initTBS(amount int64, challenge []byte, payee string) []byte {
	b := []byte("dualoffline/chip/initiate/v1\x00")
	b = binary.BigEndian.AppendUint64(b, uint64(amount))
	b = append(b, challenge...)
	return append(b, payee...)
}

func ackTBS(challenge []byte, payer string, recs []*transfer.Signed) []byte {
	b := []byte("dualoffline/chip/ack/v1\x00")
	b = append(b, challenge...)
	b = append(b, byte(len(payer)))
	b = append(b, payer...)
	for _, r := range recs {
		id := r.ID()
		b = append(b, id[:]...)
	}
	return b
}

// Initiate is the parsed data of an INITIATE command.
type Initiate struct {
	Amount    int64
	Challenge []byte
	Cert      *devcert.Certificate // the payee's
	Sig       []byte
}

func encodeInitiate(amount int64, challenge []byte, cert *devcert.Certificate, sig []byte) []byte {
	data := apdu.Marshal([]apdu.TLV{
		{Tag: TagAmount, Value: binary.BigEndian.AppendUint64(nil, uint64(amount))},
		{Tag: TagChallenge, Value: challenge},
		{Tag: TagCert, Value: cert.Raw},
		{Tag: TagSig, Value: sig},
	})
	return mustCommand(apdu.Command{CLA: CLA, INS: INSInitiate, Data: data, Le: 65536})
}

func mustCommand(c apdu.Command) []byte {
	b, err := c.Marshal()
	if err != nil {
		panic("chip: cannot frame a command this model built: " + err.Error())
	}
	return b
}

func mustResponse(r apdu.Response) []byte {
	b, err := r.Marshal()
	if err != nil {
		panic("chip: cannot frame a response this model built: " + err.Error())
	}
	return b
}

// ParseInitiate decodes the data of an INITIATE command under the strict
// profile: the four objects within their sizes, an amount of 1..2^40 fen
// ([check: chip-amount]) and a certificate that parses under the suite.
func ParseInitiate(s suite.Suite, data []byte) (*Initiate, error) {
	items, err := apdu.Parse(data)
	if err != nil {
		return nil, err
	}
	got, err := apdu.Expect(items,
		apdu.Field{Tag: TagAmount, Name: "amount", Min: 8, Max: 8},
		apdu.Field{Tag: TagChallenge, Name: "challenge", Min: transfer.ChallengeSize, Max: transfer.ChallengeSize},
		apdu.Field{Tag: TagCert, Name: "certificate", Min: 1, Max: devcert.MaxCertDER},
		apdu.Field{Tag: TagSig, Name: "signature", Min: 8, Max: suite.MaxSignatureDER},
	)
	if err != nil {
		return nil, err
	}
	m := &Initiate{Challenge: got[TagChallenge].Value, Sig: got[TagSig].Value}
	var a uint64
	if v := got[TagAmount].Value; len(v) == 8 {
		a = binary.BigEndian.Uint64(v)
	}
	if (a == 0 || a > 1<<40) && spec.Makes("chip-amount") {
		return nil, spec.Errorf(spec.CodeMalformed, "amount %d fen", a)
	}
	m.Amount = int64(a)
	if m.Cert, err = devcert.Parse(s, got[TagCert].Value); err != nil {
		return nil, err
	}
	return m, nil
}

// spend is one coin spent in a TRANSFER.
type spend struct {
	holding *transfer.Holding
	record  *transfer.Signed
}

// transferMsg is the parsed TRANSFER response.
type transferMsg struct {
	cert       *devcert.Certificate
	spends     []spend
	chainCerts []*devcert.Certificate
}

func encodeTransfer(cert *devcert.Certificate, spends []spend, chainCerts [][]byte) ([]byte, error) {
	if len(chainCerts) > MaxChainCerts && spec.Makes("chip-limits") {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "the coins' lineages name %d devices, a TRANSFER carries %d", len(chainCerts), MaxChainCerts)
	}
	items := []apdu.TLV{{Tag: TagCert, Value: cert.Raw}}
	for _, sp := range spends {
		items = append(items, apdu.TLV{Tag: TagSpend, Children: []apdu.TLV{
			{Tag: TagHolding, Value: sp.holding.Marshal()},
			{Tag: TagRecord, Value: sp.record.Marshal()},
		}})
	}
	for _, c := range chainCerts {
		items = append(items, apdu.TLV{Tag: TagChainCert, Value: c})
	}
	if err := apdu.Validate(items); err != nil {
		if !spec.Makes("chip-limits") {
			// Without the check (the drop test): a card that did not
			// check first fails when it frames the answer.
			return nil, spec.Errorf(spec.CodeInternal, "cannot frame the TRANSFER: %v", err)
		}
		return nil, spec.Errorf(spec.CodeLimitExceeded, "the TRANSFER does not fit one response: %v", err)
	}
	data := apdu.Marshal(items)
	if len(data) > apdu.MaxResponse-2 {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "a TRANSFER of %d bytes does not fit one response", len(data))
	}
	return mustResponse(apdu.Response{Data: data, SW: apdu.SWOK}), nil
}

func parseTransfer(s suite.Suite, data []byte) (*transferMsg, error) {
	items, err := apdu.Parse(data)
	if err != nil {
		return nil, err
	}
	m := &transferMsg{}
	for i, it := range items {
		switch {
		case i == 0 && it.Tag == TagCert:
			if m.cert, err = devcert.Parse(s, it.Value); err != nil {
				return nil, err
			}
		case i > 0 && it.Tag == TagSpend && (len(m.chainCerts) == 0 || !spec.Makes("tlv-objects")):
			if len(m.spends) == MaxSpends {
				return nil, spec.Errorf(spec.CodeMalformed, "more than %d spends", MaxSpends)
			}
			got, err := apdu.Expect(it.Children,
				apdu.Field{Tag: TagHolding, Name: "holding", Min: 1, Max: transfer.MaxHoldingDER},
				apdu.Field{Tag: TagRecord, Name: "record", Min: 1, Max: transfer.MaxRecordDER},
			)
			if err != nil {
				return nil, err
			}
			var sp spend
			if sp.holding, err = transfer.ParseHolding(got[TagHolding].Value); err != nil {
				return nil, err
			}
			if sp.record, err = transfer.Parse(got[TagRecord].Value); err != nil {
				return nil, err
			}
			m.spends = append(m.spends, sp)
		case i > 0 && it.Tag == TagChainCert:
			if len(m.chainCerts) == MaxChainCerts {
				return nil, spec.Errorf(spec.CodeMalformed, "more than %d lineage certificates", MaxChainCerts)
			}
			c, err := devcert.Parse(s, it.Value)
			if err != nil {
				return nil, err
			}
			m.chainCerts = append(m.chainCerts, c)
		case !spec.Makes("tlv-objects"): // a reader that skips what it does not expect
		default:
			return nil, spec.Errorf(spec.CodeMalformed, "TRANSFER: unexpected %s at position %d", apdu.TagName(it.Tag), i)
		}
	}
	if m.cert == nil || len(m.spends) == 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "TRANSFER: a certificate and at least one spend are required")
	}
	return m, nil
}

func encodeConfirm(challenge, sig []byte) []byte {
	data := apdu.Marshal([]apdu.TLV{
		{Tag: TagChallenge, Value: challenge},
		{Tag: TagSig, Value: sig},
	})
	return mustCommand(apdu.Command{CLA: CLA, INS: INSConfirm, Data: data, Le: apdu.LeAbsent})
}

func parseConfirm(data []byte) (challenge, sig []byte, err error) {
	items, err := apdu.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	got, err := apdu.Expect(items,
		apdu.Field{Tag: TagChallenge, Name: "challenge", Min: transfer.ChallengeSize, Max: transfer.ChallengeSize},
		apdu.Field{Tag: TagSig, Name: "signature", Min: 8, Max: suite.MaxSignatureDER},
	)
	if err != nil {
		return nil, nil, err
	}
	return got[TagChallenge].Value, got[TagSig].Value, nil
}
