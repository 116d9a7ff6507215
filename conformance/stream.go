package conformance

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The three statistical games (R3.1's which-payer game, R3.2's linking
// game and the small-payment game of R3.6) score one stream of payments
// per target and suite instead of playing three (stream.md says why and
// what it changes). The stream is a sequence of pairs: a fair coin picks
// the payer of an amount in [1, T] to the first merchant, another fair
// coin the payer of T fen to the second. R3.1 scores the first payment of
// each pair, R3.6 the second, R3.2 the pair (same payer or not). Each
// game keeps its own tie-breaking coin, so its trials, and so its
// verdict, are the same whichever games the run asks for and however
// long the stream runs for the others.

// gameKind names one of the games the stream scores.
type gameKind int

const (
	gameWhich gameKind = iota // R3.1: the pair's first payment
	gameLink                  // R3.2: the pair
	gameSmall                 // R3.6: the pair's second payment, T fen
	gameKinds
)

// gameProperty is the property id each game scores for.
var gameProperty = [gameKinds]string{"R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split"}

// SkipsGames is implemented by a target that may not play the anonymity
// games: a non-empty SkipGames is why, and each game is then a skip
// naming it (R3.6's first half still runs; if it failed, that stands).
// A vendor's wallet in a scheme whose reference passes the games would
// play all N trials of each through the adapter (interactive.Target).
type SkipsGames interface{ SkipGames() string }

// gameOf returns the game the property id scores, if it is one.
func gameOf(id string) (gameKind, bool) {
	for k, p := range gameProperty {
		if p == id {
			return gameKind(k), true
		}
	}
	return 0, false
}

// board is one game's scoreboard in the stream, with its own coin for
// ties.
type board struct {
	sb   *scoreboard
	ties *detrand.Source
	at   int // the stream world's last event when the game stopped
	// tail is the stream world's last maxTraceEvents events then (the
	// world holds only its last events, Trace.Keep, and goes on for the
	// other games): what a counterexample of the game shows.
	tail []world.Event
}

// stepped records that b scored a trial: where the stream world's trace
// stands, and its tail if the game stopped.
func (b *board) stepped(st *T) {
	b.at = lastSeq(st.witness)
	if b.sb.stopped {
		b.tail = st.witness.Trace().Tail(maxTraceEvents)
	}
}

func (b *board) coin() int { return b.ties.IntN(2) }

// streamResult is what a finished stream gives each game.
type streamResult struct {
	boards   [gameKinds]*board
	logs     []string // the stream's own log (setup)
	fail     string   // the stream's first failure, if it failed
	timedOut bool
	t        *T // the stream's own context: its witness, plan and runs
}

// stream is one stream, played once by whichever of its games asks first.
type stream struct {
	once sync.Once
	done chan struct{}
	res  streamResult
}

// streams are a run's streams, by target and suite, with the games each
// is to score (the run's selection): a stream stops when every game it
// scores has stopped.
type streams struct {
	ctx   context.Context
	opts  Options
	mu    sync.Mutex
	wants map[string][gameKinds]bool
	m     map[string]*stream
	// unread counts, per stream, the games that have not read it yet:
	// the last to read lets go of its world.
	unread map[string]int
}

func streamKey(target string, s suite.ID) string { return target + "/" + string(s) }

// newStreams prepares the streams of a run of jobs.
func newStreams(ctx context.Context, jobs []job, opts Options) *streams {
	ss := &streams{ctx: ctx, opts: opts, wants: map[string][gameKinds]bool{}, m: map[string]*stream{}, unread: map[string]int{}}
	for _, j := range jobs {
		if k, ok := gameOf(j.prop.ID()); ok {
			key := streamKey(j.target.Info().Name, j.suite.ID())
			w := ss.wants[key]
			if !w[k] {
				ss.unread[key]++
			}
			w[k] = true
			ss.wants[key] = w
		}
	}
	return ss
}

// read notes that one game read the stream of key; after the last, the
// stream drops its world (each game's counterexample holds what it
// shows).
func (ss *streams) read(key string, s *stream) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.unread[key]--; ss.unread[key] <= 0 {
		s.res.t = nil
	}
}

// playedGame returns game k's scoreboard from t's stream, playing the
// stream first if no other game of the run has. A game that stopped
// before the stream ended is its own result, whatever ended the stream
// later. Otherwise a stream that failed fails t with the same message
// (its witness is the stream's world); a stream that timed out, or a
// wait that outlived t's own timeout, times t out.
func (t *T) playedGame(k gameKind) *board {
	ss := t.streams
	if ss == nil {
		// A property run on its own (not through Check, CheckAll or
		// Run): a stream for this game alone, under the property's
		// context.
		ss = &streams{ctx: t.ctx, opts: Options{Timeout: DefaultTimeout}, m: map[string]*stream{}, wants: map[string][gameKinds]bool{}, unread: map[string]int{}}
	}
	key := streamKey(t.Info.Name, t.Suite.ID())
	ss.mu.Lock()
	s, ok := ss.m[key]
	if !ok {
		s = &stream{done: make(chan struct{})}
		ss.m[key] = s
	}
	want, ok := ss.wants[key]
	if !ok || !want[k] {
		want[k] = true // not in the schedule (a direct call): score it too
		ss.wants[key] = want
		ss.unread[key]++
	}
	ss.mu.Unlock()
	s.once.Do(func() { go s.play(t, want, ss) })
	select {
	case <-s.done:
	case <-t.ctx.Done():
		t.mu.Lock()
		t.timedOut = true
		t.mu.Unlock()
		runtime.Goexit()
	}
	r := &s.res
	if r.boards[k] == nil && !r.timedOut && r.fail == "" {
		// Not scored: the stream had started for other games before
		// this one asked (a property outside the run's schedule). Play
		// a stream for it alone.
		t.streams = nil
		return t.playedGame(k)
	}
	for _, l := range r.logs {
		t.log(l)
	}
	t.mu.Lock()
	t.witness, t.plan, t.runFrom = r.t.witness, r.t.plan, r.t.runFrom
	t.runs++ // the stream's instance; judgeGame counts the game's trials
	t.mu.Unlock()
	ss.read(key, s)
	if b := r.boards[k]; b != nil && b.sb.stopped {
		return b // what ended the stream after this game stopped is not its concern
	}
	switch {
	case r.timedOut:
		t.mu.Lock()
		t.timedOut = true
		t.mu.Unlock()
		runtime.Goexit()
	case r.fail != "":
		t.Fatalf("%s", r.fail)
	}
	return r.boards[k]
}

// pinFirst makes the stream's world, up to at, the witness of t's first
// violation if the stream gave it: the game's verdict does not depend on
// how long the stream went on for other games, nor does its trace, which
// is tail, the trace's last events up to at (nil: the trace's events).
func (t *T) pinFirst(at int, tail []world.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first != nil && t.first.w == t.witness {
		t.first.at, t.first.cut, t.first.tail = at, true, tail
	}
}

// play plays the stream under a T of its own (the first asker's target,
// suite, seed and depth; the run's context and timeout), scoring the games
// in want.
func (s *stream) play(asker *T, want [gameKinds]bool, ss *streams) {
	defer close(s.done)
	ctx, cancel := context.WithTimeout(ss.ctx, ss.opts.Timeout)
	defer cancel()
	st := &T{
		Target: asker.Target, Info: asker.Info, Suite: asker.Suite, Seed: asker.Seed,
		name: "anonymity stream", ctx: ctx, checks: asker.checks, steps: asker.steps,
		threshold: asker.threshold,
	}
	for k := range gameKinds {
		if want[k] {
			s.res.boards[k] = &board{sb: newScoreboard(), ties: detrand.New(st.Seed, "conformance/"+gameProperty[k]+"/ties")}
		}
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer st.closeInstance()
		defer func() {
			if r := recover(); r != nil {
				st.fail(fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
			}
		}()
		playStream(st, &s.res)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		st.mu.Lock()
		st.timedOut = true
		st.mu.Unlock()
		<-finished // the stream checks its context between pairs
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s.res.t = st
	s.res.logs = st.logs
	s.res.timedOut = st.timedOut
	if len(st.errs) > 0 {
		s.res.fail = st.errs[0]
	}
}

// streamAmount is the amount of a labelled payment to the stream's
// merchant k: as the stream pays it, any amount of [1, T] to the first,
// exactly T to the second.
func streamAmount(g *game, k int) int64 {
	if k == 1 {
		return g.t.Threshold()
	}
	return anyAmount(g, k)
}

// The window index grows by about the same number of windows every pair
// (the candidates' uploads and withdrawals are alike from one pair to the
// next; pseudocoin: some 4,800, to 19 million over a full game). Rather
// than double its way there (the last doublings move tens of millions of
// windows and map tables dropped at the next), the stream reserves, once,
// what gameN pairs need at the pace of pairs reserveFrom to reserveAt.
// Most games that stop on a leak stop at the first look, before it.
const reserveFrom, reserveAt = 32, 64

// windowsFor is the windows a game of gameN pairs holds if it learns at
// the pace it went from before (at pair reserveFrom) to now (at
// reserveAt), with a sixteenth more, and at most maxReserved: a target
// whose first pairs publish far more than its later ones (an external
// wallet's, say) must not have the index ask for memory it will never
// fill; past the cap the table doubles as windows come.
func windowsFor(before, now int) int {
	pace := float64(now-before) / (reserveAt - reserveFrom)
	want := (float64(now) + pace*float64(gameN-reserveAt)) * 17 / 16
	return int(min(want, maxReserved))
}

// maxReserved caps windowsFor: 48 Mi windows, a table of 1<<26 slots
// (1 GiB). A full pseudocoin game learns 19 million.
const maxReserved = 48 << 20

// playStream plays pairs until every board has stopped.
func playStream(st *T, r *streamResult) {
	g := newGame(st, "R3-stream", 2, streamAmount)
	defer g.windows.release() // hundreds of MiB outside the heap (windows_alloc.go)
	m1, m2 := g.merchants[0], g.merchants[1]
	which, link, small := r.boards[gameWhich], r.boards[gameLink], r.boards[gameSmall]
	var pairs, windowsAtFrom int
	for {
		if !liveIn(r.boards) {
			return
		}
		if st.ctx.Err() != nil {
			st.mu.Lock()
			st.timedOut = true
			st.mu.Unlock()
			return
		}
		switch pairs++; pairs {
		case reserveFrom:
			windowsAtFrom = g.windows.len()
		case reserveAt:
			g.windows.reserve(windowsFor(windowsAtFrom, g.windows.len()))
		}
		x := g.flip()
		v1 := g.pay(g.cands[x].party, m1, 1+g.rng.Int64N(st.Threshold()))
		which.scoreWhich(g, v1, x, st)
		if !liveIn(r.boards) {
			return // the pair's second payment would serve no game
		}
		y := g.flip()
		v2 := g.pay(g.cands[y].party, m2, st.Threshold())
		at2 := small.scoreWhich(g, v2, y, st)
		if link.live() {
			same := x == y
			for i, d := range library {
				c1, l1 := d.attribute(g, v1)
				var c2 int
				var l2 string
				if at2 != nil {
					c2, l2 = at2[i].c, at2[i].leak // nothing was learned since
				} else {
					c2, l2 = d.attribute(g, v2)
				}
				guess, leak := link.coin() == 1, ""
				if c1 >= 0 && c2 >= 0 {
					guess, leak = c1 == c2, fmt.Sprintf("payment 1: %s; payment 2: %s", l1, l2)
				}
				link.sb.tallies[i].add(guess == same, leak)
			}
			link.sb.step()
			link.stepped(st)
		}
	}
}

// live reports whether b is a game still scoring.
func (b *board) live() bool { return b != nil && !b.sb.stopped }

// liveIn reports whether any of boards is still scoring.
func liveIn(boards [gameKinds]*board) bool {
	for _, b := range boards {
		if b.live() {
			return true
		}
	}
	return false
}

// attribution is what a distinguisher's attribute returned: a candidate,
// or -1 for no clue, and what it keyed on.
type attribution struct {
	c    int
	leak string
}

// scoreWhich scores a which-payer trial on b, if b is live: every
// distinguisher guesses the payer of v (payer is the index of who paid).
// It returns each distinguisher's attribution of v (before a tie is
// broken), by library index, or nil if b was not live; they hold until
// the game learns or pays again.
func (b *board) scoreWhich(g *game, v *payView, payer int, st *T) []attribution {
	if !b.live() {
		return nil
	}
	at := make([]attribution, len(library))
	for i, d := range library {
		c, leak := d.attribute(g, v)
		at[i] = attribution{c, leak}
		if c < 0 {
			c, leak = b.coin(), ""
		}
		b.sb.tallies[i].add(c == payer, leak)
	}
	b.sb.step()
	b.stepped(st)
	return at
}
