package kit

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/world"
)

// Holder is a model's own secure element that a compromised holder can
// reach into (models/forge): embedding Core makes it one.
type Holder interface {
	Element
	forge.Holder
}

// Corrupt stages c on wallet id's own element as its compromised holder
// would (forge.Corrupt): the element's own checks are bypassed (its store
// is written directly, or its firmware presents other identity data),
// nobody else's are. scheme names the scheme (its stream, Corruption.Rand,
// and forge.Setting.Scheme); agent is the agent bank coins name and rogue
// an agent the central bank never authorised. An external wallet is a
// CodeUnimplemented error.
func Corrupt[D Device, E Holder](t *Table[D, E], scheme, agent, rogue string, id world.PartyID, c models.Corruption) error {
	return t.StageCorruption(id, c, func(e E) error {
		return forge.Corrupt(forgeSetting(t, scheme, agent, rogue), e, id, c, c.Rand(t.W, scheme, id))
	})
}

// StageCorruption is the frame of every corruption staged on one of the
// model's own elements (models.Corrupter): it finds wallet id's element
// (an external wallet is Inside's CodeUnimplemented error), lets stage
// apply c to it, and notes the corruption in the trace once stage
// succeeded. stage draws its own random stream (Corruption.Rand) if it
// needs one.
func (t *Table[D, E]) StageCorruption(id world.PartyID, c models.Corruption, stage func(e E) error) error {
	e, err := t.Inside(id)
	if err != nil {
		return err
	}
	if err := stage(e); err != nil {
		return err
	}
	t.W.Trace().Note(id, "corrupted: %s (value %d, other %q)", c.Kind, c.Value, c.Other)
	return nil
}

// forgeSetting is what forge.Corrupt needs of the scheme: its name, its
// agent and rogue agent, the time and how to reach another wallet's own
// element.
func forgeSetting[D Device, E Holder](t *Table[D, E], scheme, agent, rogue string) forge.Setting {
	return forge.Setting{
		Scheme: scheme, Agent: agent, RogueAgent: rogue, Now: t.W.Now(),
		Lookup: func(p world.PartyID) (forge.Holder, error) {
			o, err := t.Inside(p)
			if err != nil {
				return nil, err
			}
			return o, nil
		},
	}
}

// Insider hands wallet id's own element to an insider (models.Insider,
// forge.Stage under the scheme's name): its next payments as payer are
// built by forge.InsiderSpends; p.Other, when set, names the wallet whose
// element the insider draws on.
func Insider[D Device, E Holder](t *Table[D, E], scheme string, id world.PartyID, p models.InsiderPlan) error {
	e, err := t.Inside(id)
	if err != nil {
		return err
	}
	var other forge.Holder
	if p.Other != "" {
		o, err := t.Inside(p.Other)
		if err != nil {
			return err
		}
		other = o
	}
	if err := forge.Stage(scheme, e, p, other); err != nil {
		return err
	}
	t.W.Trace().Note(id, "insider: %q (value %d, other %q)", p.Kind, p.Value, p.Other)
	return nil
}
