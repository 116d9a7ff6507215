package vgen

import (
	"fmt"
	"strings"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// Source is a scheme's share of the vectors: the files of its own kinds
// and the reference decision of their cases, built from the scheme's
// model. A scheme package provides it in its vectorgen*.go files (see
// Provider); package vectors runs every Source it finds through
// models/all and names no scheme itself.
type Source struct {
	// Scheme is the files' scheme: every Builder of Generators is made
	// with it, and it is the Case.Scheme of their cases.
	Scheme string
	// Generators build one file each; each is run once per suite with a
	// fresh Gen. A generator records a failure in Gen.Err or Builder.Err.
	Generators []Generator
	// Decide decides a case of one of the files under suite s, as the
	// scheme's model does: verdict is nil (valid) or the refusal, whose
	// spec code is the outcome; inputErr reports an input that does not
	// decode (a harness error). A kind it does not know is an inputErr
	// wrapping ErrUnimplemented.
	Decide func(s suite.Suite, c Case) (verdict, inputErr error)
	// Schema is the scheme's part of the published JSON Schema
	// (vectors/schema/vectors.schema.json, which go generate assembles):
	// an object whose "kinds" maps each kind to the schema its files
	// must also match, and whose "$defs" holds the definitions those
	// refer to (#/$defs/name) beyond the template's. The scheme's package
	// keeps it in vectorgen.schema.json (SchemaFile).
	Schema []byte
	// Senders are the shapes ("kind/shape") whose valid answer is what
	// the implementation sends, not a bare verdict.
	Senders map[string]Sender
}

// Sender is a shape whose valid answer carries what the implementation
// sends. Produce makes the reference's (the case is valid); Check tells
// whether out is an answer an honest implementation may send for the
// case, by verifying it (the implementation signs with its own
// randomness, so bytes are not compared): nil, or why not.
type Sender struct {
	Produce func(s suite.Suite, c Case) ([]byte, error)
	Check   func(s suite.Suite, c Case, out []byte) error
}

// SenderOf is the Sender of a shape whose case input is an In, decoded
// strictly (DecodeInput) for both halves: Produce answers with send's
// output, or its verdict (the refusal) when the reference refuses the
// case, or its input error; Check is check.
func SenderOf[In any](send func(s suite.Suite, in In) (out []byte, verdict, inputErr error), check func(s suite.Suite, in In, out []byte) error) Sender {
	return Sender{
		Produce: func(s suite.Suite, c Case) ([]byte, error) {
			var in In
			if err := DecodeInput(c, &in); err != nil {
				return nil, err
			}
			out, verdict, err := send(s, in)
			if err == nil {
				err = verdict
			}
			return out, err
		},
		Check: func(s suite.Suite, c Case, out []byte) error {
			var in In
			if err := DecodeInput(c, &in); err != nil {
				return err
			}
			return check(s, in, out)
		},
	}
}

// Verdict is the reference decision of a Sender's shape: send's verdict
// and input error, its output dropped.
func Verdict[In any](send func(s suite.Suite, in In) (out []byte, verdict, inputErr error)) func(s suite.Suite, in In) (verdict, inputErr error) {
	return func(s suite.Suite, in In) (error, error) {
		_, verdict, inputErr := send(s, in)
		return verdict, inputErr
	}
}

// Generator builds one vector file for g's suite.
type Generator func(g *Gen) *Builder

// Provider is implemented by a scheme (a models.Scheme) whose package
// contributes vectors. Variants of one scheme share their Source: only
// the scheme whose name (models.Info.Name) is Source.Scheme contributes
// it, the others are skipped.
type Provider interface {
	VectorSource() Source
}

// ErrUnimplemented marks a case an implementation declares it does not
// support; a run counts it as a skip.
var ErrUnimplemented error = errUnimplemented{}

type errUnimplemented struct{}

func (errUnimplemented) Error() string { return "unimplemented" }

// Decider decides one case; see Source.Decide.
type Decider func(s suite.Suite, c Case) (verdict, inputErr error)

// Decode returns the Decider of one kind (or shape) whose input is a T:
// it decodes the case's input strictly (DecodeInput) and decides it with
// f.
func Decode[T any](f func(s suite.Suite, in T) (verdict, inputErr error)) Decider {
	return func(s suite.Suite, c Case) (error, error) {
		var in T
		if err := DecodeInput(c, &in); err != nil {
			return nil, err
		}
		return f(s, in)
	}
}

// ByKind returns a Source.Decide that hands a case to the Decider of
// its kind, or of "kind/shape" where the kind's groups take different
// inputs. A kind with no Decider is an ErrUnimplemented; an unknown
// shape of a kind that has shapes is a bad input.
func ByKind(m map[string]Decider) func(s suite.Suite, c Case) (verdict, inputErr error) {
	return func(s suite.Suite, c Case) (error, error) {
		if d, ok := m[c.Kind+"/"+c.Shape]; ok {
			return d(s, c)
		}
		if d, ok := m[c.Kind]; ok {
			return d(s, c)
		}
		for k := range m {
			if strings.HasPrefix(k, c.Kind+"/") {
				return nil, fmt.Errorf("%w: unknown %s shape %q", ErrBadInput, c.Kind, c.Shape)
			}
		}
		return nil, fmt.Errorf("%w: kind %s/%s", ErrUnimplemented, c.Scheme, c.Kind)
	}
}
