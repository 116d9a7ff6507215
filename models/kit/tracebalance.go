package kit

import "github.com/dualoffline/dualoffline/models/world"

// TraceBalance writes a state line for id to w's trace: format with args,
// then the element's offline balance read through state; when the element
// cannot be read, a note saying so (what names the element: "wallet",
// "card").
func TraceBalance[S interface{ Balance() int64 }](w *world.World, id world.PartyID, what string, state func() (S, error), format string, args ...any) {
	st, err := state()
	if err != nil {
		w.Trace().Note(id, format+" ("+what+" unreadable: %v)", append(args, err)...)
		return
	}
	w.Trace().State(id, format+" (offline balance %d)", append(args, st.Balance())...)
}
