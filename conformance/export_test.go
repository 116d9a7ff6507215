package conformance

import (
	"context"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// NewGameTrials builds the which-payer game of R3.1 on target (setup
// shared, as the property shares it) and returns one trial: a coin, a
// payment, both reconciliations and every distinguisher's guess. failed
// reports what stopped the game, if anything did.
func NewGameTrials(target models.Scheme, s suite.Suite, seed uint64) (trial func(), failed func() []string) {
	tt := &T{Target: target, Info: target.Info(), Suite: s, Seed: seed, ctx: context.Background(), checks: DefaultChecks, steps: DefaultSteps, name: target.Info().Name + "/bench"}
	failed = func() []string {
		tt.mu.Lock()
		defer tt.mu.Unlock()
		return tt.errs
	}
	var g *game
	done := make(chan struct{})
	go func() { // T.Fatalf ends the goroutine it runs in
		defer close(done)
		g = newGame(tt, "R3.1", 1, anyAmount)
	}()
	<-done
	if g == nil {
		return func() {}, failed
	}
	sb := newScoreboard()
	return func() {
		b := g.flip()
		v := g.pay(g.cands[b].party, g.merchants[0], 1+g.rng.Int64N(tt.Threshold()))
		for i, d := range library {
			c, leak := g.guess(d, v, g.flip)
			sb.tallies[i].add(c == b, leak)
		}
	}, failed
}

// WrapInstances is base renamed "<base><suffix>" whose every instance is
// wrap of base's: a target with a bug or a limit of the test's own.
func WrapInstances(base models.Scheme, suffix string, wrap func(models.Instance) models.Instance) models.Scheme {
	return wrapped{Scheme: base, suffix: suffix, wrap: wrap}
}

type wrapped struct {
	models.Scheme
	suffix string
	wrap   func(models.Instance) models.Instance
}

func (s wrapped) Info() models.Info {
	i := s.Scheme.Info()
	i.Name += s.suffix
	return i
}

func (s wrapped) New(w *world.World, cfg models.Config) (models.Instance, error) {
	in, err := s.Scheme.New(w, cfg)
	if err != nil {
		return nil, err
	}
	return s.wrap(in), nil
}

// WithoutDistinguisher removes the named distinguisher from the library
// until restore is called (N and the leak's z keep the full library's
// values). Not for parallel tests: the library is the package's.
func WithoutDistinguisher(name string) (restore func()) {
	saved := library
	library = nil
	for _, d := range saved {
		if d.name != name {
			library = append(library, d)
		}
	}
	return func() { library = saved }
}
