package chip

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/apdu"
)

// refield is the session's world.Session.Refield: m with the value of
// field f (one of fields(m)) replaced by value, the TLV lengths and the
// APDU's Lc re-encoded around it (short or extended as the new length
// needs), so a field substituted from another message keeps the APDU
// well-formed and only the check that covers the field can refuse it.
// It reports false, m unchanged, when f is not a field of m or the
// result would not be an APDU the profile accepts.
func refield(m world.Message, f world.Span, value []byte) (world.Message, bool) {
	n := -1
	for i, s := range fields(m) {
		if s.Start == f.Start && s.End == f.End {
			n = i
		}
	}
	if n < 0 {
		return m, false
	}
	command := isCommand(m)
	var data []byte
	var c apdu.Command
	var r apdu.Response
	var err error
	if command {
		c, err = apdu.ParseCommand(m.Payload)
		data = c.Data
	} else {
		r, err = apdu.ParseResponse(m.Payload)
		data = r.Data
	}
	if err != nil {
		return m, false
	}
	items, err := apdu.Parse(data)
	if err != nil {
		return m, false
	}
	items, ok := apdu.ReplaceValue(items, n, value)
	if !ok || apdu.Validate(items) != nil {
		return m, false
	}
	var out []byte
	if command {
		c.Data = apdu.Marshal(items)
		out, err = c.Marshal()
	} else {
		r.Data = apdu.Marshal(items)
		out, err = r.Marshal()
	}
	if err != nil {
		return m, false
	}
	m.Payload = out
	return m, true
}

// isCommand reports whether m is a C-APDU (the terminal's INITIATE and
// CONFIRM); the other messages are R-APDUs.
func isCommand(m world.Message) bool { return m.Type == MsgInitiate || m.Type == MsgConfirm }
