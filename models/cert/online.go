package cert

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// client is the wallet's withdrawal client (bank.Client): the request id
// is journalled on the phone, so a retry after a power cut of the phone
// or of the bank is the same request; the coins arrive as an ISSUE
// envelope the SIM opens. An external wallet's journal is
// kept on the world's handle for it: the client is the harness's.
func (in *Instance) client(id world.PartyID, d Device) bank.Client {
	holder := in.Names[id]
	return bank.Client{Agent: in.agent, Holder: holder, Dev: in.w.Device(id), FreshRetry: in.mutated("withdraw-retry-new-request"),
		Unjournalled: in.mutated("refresh-without-journal"),
		Credit: func(hs []*transfer.Holding) error {
			payload, err := in.issue(holder, hs)
			if err != nil {
				return err
			}
			// A wallet that refuses a valid withdrawal loses it until it
			// reconciles: the bank holds it as mail.
			err = d.Issue(payload)
			in.w.Trace().Online(AgentID, id, MsgIssue, payload, err)
			if spec.CodeOf(err) == spec.CodeReplay {
				// The coins of a retried request were delivered before
				// the cut: the SIM took the whole envelope then.
				return nil
			}
			return err
		}}
}
