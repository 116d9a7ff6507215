package adapter

import (
	"errors"
	"fmt"
)

// Kind classifies a protocol failure.
type Kind string

// The kinds of protocol failure.
const (
	KindTimeout     Kind = "timeout"       // no answer within the call timeout; the process was killed
	KindGarbage     Kind = "garbage"       // a line that is not a well-formed response
	KindLineTooLong Kind = "line-too-long" // a line longer than Config.MaxLine; the process was killed
	KindWrongID     Kind = "wrong-id"      // an answer to an id the harness never sent
	KindDuplicate   Kind = "duplicate"     // a second answer to an id already answered
	KindExited      Kind = "exited"        // the process exited (or closed stdout) before answering
	KindHandshake   Kind = "handshake"     // the hello answer was missing, an error, or incompatible
	KindStart       Kind = "start"         // the command could not be started at all
	KindClosed      Kind = "closed"        // the Process was closed or killed and not restarted
)

// ProtocolError is a failure of the implementation to follow the
// protocol. After one, the process is killed: the harness never guesses
// where a broken stream resumes. Restart brings up a fresh process.
type ProtocolError struct {
	Kind   Kind
	Method string // the request being answered, if any
	ID     uint64 // its id, if any
	Detail string // what exactly happened, for people
	Err    error  // an underlying cause, if any
	Stderr string // for a failed start: the latest stderr of the process
	// AnswerTo is, for a duplicate, the id of the request the line
	// answered a second time: the failure is that request's, although it
	// was seen while ID was being sent.
	AnswerTo uint64
}

func (e *ProtocolError) Error() string {
	s := "adapter: " + string(e.Kind)
	switch {
	case e.Method != "" && e.ID != 0:
		s += fmt.Sprintf(" in %s (id %d)", e.Method, e.ID)
	case e.Method != "":
		s += " in " + e.Method
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Stderr != "" {
		s += "\nstderr of the implementation:\n" + e.Stderr
	}
	return s
}

func (e *ProtocolError) Unwrap() error { return e.Err }

// Is matches a *ProtocolError of the same Kind, so callers may write
// errors.Is(err, &adapter.ProtocolError{Kind: adapter.KindTimeout}).
func (e *ProtocolError) Is(target error) bool {
	t, ok := target.(*ProtocolError)
	return ok && t.Kind == e.Kind && t.Method == "" && t.Detail == ""
}

// KindOf returns the Kind of the first *ProtocolError in err's chain, or "".
func KindOf(err error) Kind {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return ""
}
