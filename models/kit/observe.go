package kit

import (
	"encoding/hex"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Trace is the central bank's trace (R3.4) of a scheme whose records name
// the payer's certificate id in the clear: for each registered record
// paying the certificate id payee (none when payee is ""), the bank checks
// the record's signature against the certificate the record names and
// names its holder (holder maps a certificate id to the payer's identity).
// value is what the record paid payee. Hand-overs from an agent bank
// (withdrawals) are not offline payments and are skipped.
func Trace(cb *bank.CentralBank, payee string, value func(rec *transfer.Signed) int64, holder func(certID string) string) []models.Traced {
	if payee == "" {
		return nil
	}
	var out []models.Traced
	for _, e := range cb.Registry().AllEntries() { // sealed uploads included: the central bank opens them
		rec := e.Record
		if rec.Payee != payee {
			continue
		}
		if _, agent := cb.Agent(rec.Payer); agent {
			continue
		}
		ref := rec.ID()
		t := models.Traced{Ref: hex.EncodeToString(ref[:]), Value: value(rec)}
		if c, ok := cb.Certificate(rec.Payer); !ok {
			t.Err = spec.Errorf(spec.CodeUntrustedIssuer, "record names %q, which the central bank never certified", rec.Payer)
		} else if err := rec.Verify(c.PublicKey); err != nil {
			t.Err = err
		} else {
			t.Payer = holder(c.ID)
		}
		out = append(out, t)
	}
	return out
}
