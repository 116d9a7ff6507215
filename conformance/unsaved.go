package conformance

import "github.com/dualoffline/dualoffline/models/world"

// noRollback is why a rollback of wallet w cannot be staged: it is an
// external device whose state the harness could not save (a card in a
// reader is reached only through its APDUs; the trace notes the
// device's answer).
func noRollback(w world.PartyID) string {
	return "the state of external wallet " + string(w) + " could not be saved, so it cannot be rolled back (a card in a reader is reached only through its APDUs)"
}
