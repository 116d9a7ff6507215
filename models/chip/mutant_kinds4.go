package chip

import (
	"github.com/dualoffline/dualoffline/spec"
)

// The timers are the terminal's, around the card: a Host does not play
// them.
func init() { hostMutations["payee-relay-check-after-commit"] = true }

// sessionExpired is payee-relay-check-after-commit's session timeout,
// read before the card sees the TRANSFER: nil in the reference, which
// keeps no session timer.
func (se *SE) sessionExpired() error {
	if !se.mutated("payee-relay-check-after-commit") {
		return nil
	}
	if d := se.w.Now().Sub(se.opened); d > sessionTimeout {
		return spec.Errorf(spec.CodeReplay, "TRANSFER %v after INITIATE: the session timed out after %v", d, sessionTimeout)
	}
	return nil
}
