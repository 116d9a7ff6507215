package cert

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/der"
)

// Refield returns m with the content of field f (one of Fields(m))
// replaced by value, the DER lengths around it rebuilt; bytes after the
// message stay. It is the session's world.Session.Refield: a field
// substituted from another message keeps the message well-formed, so
// only the check that covers the field can refuse it.
func Refield(m world.Message, f world.Span, value []byte) (world.Message, bool) {
	out, ok := der.ReplaceContent(m.Payload, f.Start, f.End, value)
	if !ok {
		return m, false
	}
	m.Payload = out
	return m, true
}
