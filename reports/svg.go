package reports

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
)

// Layout of a sequence diagram, in SVG user units (CSS pixels).
const (
	laneGap   = 150 // between neighbouring lanes
	gutter    = 92  // left column: sequence number and time
	headH     = 46  // lane headings
	rowH      = 24  // one event
	labelRune = 26  // longest label drawn, in runes; the rest is in <title>
	headRune  = 18  // longest lane heading
)

// diagram is a counterexample trace drawn as a message sequence diagram:
// one vertical lane per party, one row per event (or per fold of
// bookkeeping events).
type diagram struct {
	Width, Height int
	Lanes         []lane
	Bands         []band // row backgrounds: sessions and the break
	Events        []drawn
	Total         int // rows there were to draw
	Omitted       int // rows before the drawn ones, not drawn
	After         int // rows after the drawn ones, not drawn
	LaneBottom    int
	First, Last   int // Seq of the first and last event drawn
	Broke         int // Seq of the event after which the property broke; 0 if not drawn
	Folded        int // bookkeeping events folded into rows of their own
}

// band is a row background: a session of the run, or the break.
type band struct {
	X, Y, W, H int
	Class      string
	Title      string
}

// row is one line of a diagram: an event, or a run of bookkeeping events
// folded into one line.
type row struct {
	e    world.Event
	fold []world.Event
}

func (r row) first() world.Event {
	if r.fold != nil {
		return r.fold[0]
	}
	return r.e
}

func (r row) last() world.Event {
	if r.fold != nil {
		return r.fold[len(r.fold)-1]
	}
	return r.e
}

type lane struct {
	X, RX int    // lane and left edge of its heading
	Name  string // cut to headRune
	Title string // full name
}

// drawn is one event: a group of primitive shapes under one <title>.
// Lines and polygons are laid out first and then joined into one path per
// class, which keeps the page small and fast to write.
type drawn struct {
	Class   string // ev-send, ev-deliver, ev-reject, ev-fault, …
	Title   string // the event as text
	Lines   []line
	Polys   []poly
	Paths   []path
	Circles []circle
	Texts   []label
}

type path struct {
	D     string // computed from numbers only
	Class string
}

// join turns the lines and polygons of g into paths, one per class, in
// the order the classes first appear.
func (g *drawn) join() {
	var order []string
	ds := map[string]*strings.Builder{}
	add := func(class string) *strings.Builder {
		b, ok := ds[class]
		if !ok {
			b = &strings.Builder{}
			ds[class] = b
			order = append(order, class)
		} else {
			b.WriteByte(' ')
		}
		return b
	}
	for _, l := range g.Lines {
		fmt.Fprintf(add(l.Class), "M%d %dL%d %d", l.X1, l.Y1, l.X2, l.Y2)
	}
	for _, p := range g.Polys {
		b := add(p.Class)
		for i, pt := range strings.Fields(p.Points) {
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			b.WriteString(strings.Replace(pt, ",", " ", 1))
		}
		b.WriteByte('Z')
	}
	for _, c := range order {
		g.Paths = append(g.Paths, path{D: ds[c].String(), Class: c})
	}
	g.Lines, g.Polys = nil, nil
}

type line struct {
	X1, Y1, X2, Y2 int
	Class          string
}

type poly struct {
	Points string // computed from numbers only
	Class  string
}

type circle struct {
	X, Y, R int
	Class   string
}

type label struct {
	X, Y   int
	Anchor string // start, middle, end
	Class  string
	Text   string
}

// drawTrace lays out the last maxEvents events of trace, one row each.
func drawTrace(trace []world.Event, maxEvents int) *diagram {
	rows := make([]row, len(trace))
	for i, e := range trace {
		rows[i] = row{e: e}
	}
	from := 0
	if maxEvents > 0 && len(rows) > maxEvents {
		from = len(rows) - maxEvents
	}
	return layout(rows, from, len(rows), -1, "")
}

// drawFocus lays out the run under test of cx (results.Counterexample
// Focus): runs of two or more bookkeeping events fold into one row, the
// row of the event after which the property broke is marked and followed
// by a row that says so (with brokeText, the assertion), and the events
// after it are dimmed. At most maxEvents rows are drawn, chosen to keep
// the break in view. It returns nil for an empty trace.
func drawFocus(cx *results.Counterexample, maxEvents int, brokeText string) *diagram {
	run, broke := cx.Focus()
	if run < 0 {
		return nil
	}
	var rows []row
	brokeRow := -1
	events := cx.Trace[run:]
	for i := 0; i < len(events); {
		j := i
		for j < len(events) && results.Bookkeeping(events[j]) && run+j != broke {
			j++
		}
		if j-i >= 2 {
			rows = append(rows, row{fold: events[i:j]})
			i = j
			continue
		}
		if run+i == broke {
			brokeRow = len(rows)
		}
		rows = append(rows, row{e: events[i]})
		i++
	}
	from, to := 0, len(rows)
	if maxEvents > 0 && to > maxEvents {
		// The break and what led to it; a few rows after it.
		to = min(len(rows), brokeRow+1+maxEvents/8)
		from = max(0, to-maxEvents)
	}
	return layout(rows, from, to, brokeRow, brokeText)
}

// layout draws rows[from:to]; brokeRow (an index into rows, -1 for none)
// is marked and followed by a row saying the property broke there.
func layout(all []row, from, to, brokeRow int, brokeText string) *diagram {
	if to <= from {
		return nil
	}
	d := &diagram{Total: len(all), Omitted: from, After: len(all) - to}
	rows := all[from:to]
	d.First, d.Last = rows[0].first().Seq, rows[len(rows)-1].last().Seq
	for _, r := range rows {
		d.Folded += len(r.fold)
	}
	// Lanes in order of first appearance among the drawn events.
	index := map[world.PartyID]int{}
	addLane := func(p world.PartyID) {
		if p == "" {
			return
		}
		if _, ok := index[p]; ok {
			return
		}
		index[p] = len(d.Lanes)
		d.Lanes = append(d.Lanes, lane{X: gutter + 70 + len(d.Lanes)*laneGap, RX: gutter + 4 + len(d.Lanes)*laneGap, Name: short(string(p), headRune), Title: clean(string(p))})
	}
	for _, r := range rows {
		if r.fold == nil {
			addLane(r.e.From)
			addLane(r.e.To)
		}
	}
	if len(d.Lanes) == 0 {
		addLane("(no party)")
	}
	marked := brokeRow >= from && brokeRow < to
	lines := len(rows)
	if marked {
		lines++
	}
	last := d.Lanes[len(d.Lanes)-1].X
	d.Width = last + 190
	if marked {
		// Room for what the property asserted, within reason.
		n := min(utf8.RuneCountInString(brokeMsg(brokeText)), brokeRunes)
		d.Width = max(d.Width, gutter+16+n*7)
	}
	d.Height = headH + rowH*(lines+1)
	d.LaneBottom = d.Height - rowH/2
	x := func(p world.PartyID) (int, bool) {
		i, ok := index[p]
		if !ok {
			return 0, false
		}
		return d.Lanes[i].X, true
	}
	// Sessions of the protocol: a band behind each run of their rows.
	lineOf := func(i int) int { // the line row i is drawn on
		if marked && from+i > brokeRow {
			return i + 1
		}
		return i
	}
	for i := 0; i < len(rows); {
		s := rows[i].first().Session
		j := i + 1
		for j < len(rows) && s != 0 && rows[j].first().Session == s {
			j++
		}
		if s != 0 {
			y0, y1 := headH+rowH*lineOf(i), headH+rowH*(lineOf(j-1)+1)
			d.Bands = append(d.Bands, band{X: 2, Y: y0 + 2, W: d.Width - 4, H: y1 - y0, Class: "session", Title: "session " + strconv.FormatUint(s, 10)})
		}
		i = j
	}
	for i, r := range rows {
		y := headH + rowH*lineOf(i) + rowH*3/4
		if r.fold != nil {
			d.Events = append(d.Events, drawFold(r.fold, y, d.Width))
			continue
		}
		g := drawEvent(r.e, y, x, d.Width)
		switch {
		case from+i == brokeRow:
			g.Class += " broke"
			d.Broke = r.e.Seq
			d.Bands = append(d.Bands, band{X: 2, Y: y - rowH*3/4 + 2, W: d.Width - 4, H: rowH, Class: "broke-row", Title: "the property broke after this event"})
		case marked && from+i > brokeRow:
			g.Class += " after"
		}
		g.join()
		d.Events = append(d.Events, g)
		if from+i == brokeRow {
			d.Events = append(d.Events, drawBreak(y+rowH, d.Width, brokeText))
		}
	}
	return d
}

// drawFold is one row standing for several bookkeeping events.
func drawFold(evs []world.Event, y, width int) drawn {
	titles := make([]string, 0, len(evs))
	for _, e := range evs {
		titles = append(titles, e.Text())
	}
	g := drawn{Class: "ev-fold", Title: clean(strings.Join(titles, "\n"))}
	g.Texts = append(g.Texts,
		label{X: 6, Y: y + 4, Anchor: "start", Class: "seq", Text: fmt.Sprintf("#%d–%d", evs[0].Seq, evs[len(evs)-1].Seq)},
		label{X: gutter + 8, Y: y + 4, Anchor: "start", Class: "note fold", Text: fmt.Sprintf("⋯ %d bookkeeping events folded (%s)", len(evs), kindCounts(evs))})
	g.Lines = append(g.Lines, line{X1: gutter, Y1: y - 8, X2: width - 10, Y2: y - 8, Class: "fold-rule"})
	g.join()
	return g
}

// drawBreak is the row under the break: a rule across every lane and
// what the property asserted.
func drawBreak(y, width int, text string) drawn {
	msg := brokeMsg(text)
	g := drawn{Class: "broke-mark", Title: clean(msg)}
	g.Lines = append(g.Lines, line{X1: 4, Y1: y - 4, X2: width - 4, Y2: y - 4, Class: "broke-rule"})
	g.Texts = append(g.Texts, label{X: gutter + 8, Y: y + 9, Anchor: "start", Class: "broke-lbl", Text: short(msg, (width-gutter-16)/7)})
	g.join()
	return g
}

// brokeRunes is the longest break label drawn, in runes.
const brokeRunes = 120

// brokeMsg is the label under the break row.
func brokeMsg(text string) string {
	msg := "✗ the property broke here"
	if text != "" {
		msg += ": " + oneLine(text)
	}
	return msg
}

// drawEvent draws one event at height y; x places a party's lane.
func drawEvent(e world.Event, y int, x func(world.PartyID) (int, bool), width int) drawn {
	g := drawn{Class: "ev-" + kindClass(e.Kind), Title: clean(e.Text())}
	g.Texts = append(g.Texts,
		label{X: 6, Y: y + 4, Anchor: "start", Class: "seq", Text: "#" + strconv.Itoa(e.Seq)},
		label{X: gutter - 6, Y: y + 4, Anchor: "end", Class: "seq", Text: fmt.Sprintf("%.3fs", float64(e.TimeMS)/1000)})
	fx, fok := x(e.From)
	tx, tok := x(e.To)
	switch e.Kind {
	case world.KindSend, world.KindDeliver, world.KindOnline, world.KindReject:
		text := e.Type
		if e.Kind == world.KindReject {
			text = "✗ " + e.Type
			if e.Code != "" {
				text += ": " + e.Code
			}
		}
		if e.Kind == world.KindOnline && e.Code != "" {
			text += " ✗ " + e.Code
		}
		if !fok || !tok {
			// One end is unknown: mark the lane we have.
			px := fx
			if !fok {
				px = tx
			}
			g.Circles = append(g.Circles, circle{X: px, Y: y, R: 4, Class: "mark"})
			g.Texts = append(g.Texts, label{X: px + 8, Y: y - 3, Anchor: "start", Class: "lbl", Text: short(oneLine(text), labelRune)})
			break
		}
		g = arrow(g, fx, tx, y, e.Kind == world.KindOnline, short(oneLine(text), labelRune))
		if e.Kind == world.KindReject {
			g.Lines = append(g.Lines,
				line{X1: tx - 6, Y1: y - 6, X2: tx + 6, Y2: y + 6, Class: "cross"},
				line{X1: tx - 6, Y1: y + 6, X2: tx + 6, Y2: y - 6, Class: "cross"})
		}
	case world.KindFault:
		text := "⚡ " + e.Fault
		if e.Type != "" {
			text += " " + e.Type
		}
		switch {
		case fok && tok && fx != tx:
			g.Lines = append(g.Lines, line{X1: fx, Y1: y, X2: tx, Y2: y, Class: "fault"})
			g.Polys = append(g.Polys, bolt((fx+tx)/2, y))
			g.Texts = append(g.Texts, label{X: (fx + tx) / 2, Y: y - 5, Anchor: "middle", Class: "lbl fault-lbl", Text: short(oneLine(text), labelRune)})
		case fok || tok:
			px := fx
			if !fok {
				px = tx
			}
			g.Polys = append(g.Polys, bolt(px, y))
			g.Texts = append(g.Texts, label{X: px + 10, Y: y + 4, Anchor: "start", Class: "lbl fault-lbl", Text: short(oneLine(text), labelRune)})
		default:
			// A fault of the whole world: a band across every lane.
			g.Lines = append(g.Lines, line{X1: gutter, Y1: y, X2: width - 10, Y2: y, Class: "fault"})
			g.Polys = append(g.Polys, bolt(gutter+12, y))
			g.Texts = append(g.Texts, label{X: gutter + 24, Y: y - 4, Anchor: "start", Class: "lbl fault-lbl", Text: short(oneLine(text), labelRune)})
		}
	case world.KindCrash:
		px := laneOr(fx, fok, tx, tok, gutter+12)
		g.Lines = append(g.Lines,
			line{X1: px - 7, Y1: y - 7, X2: px + 7, Y2: y + 7, Class: "crash"},
			line{X1: px - 7, Y1: y + 7, X2: px + 7, Y2: y - 7, Class: "crash"})
		g.Texts = append(g.Texts, label{X: px + 11, Y: y + 4, Anchor: "start", Class: "lbl crash-lbl", Text: "crash"})
	case world.KindRestart:
		px := laneOr(fx, fok, tx, tok, gutter+12)
		g.Circles = append(g.Circles, circle{X: px, Y: y, R: 6, Class: "restart"})
		g.Texts = append(g.Texts, label{X: px + 11, Y: y + 4, Anchor: "start", Class: "lbl restart-lbl", Text: "restart"})
	default: // state, note, persist, snapshot, device, link
		px := laneOr(fx, fok, tx, tok, gutter+12)
		text := string(e.Kind)
		if e.Detail != "" {
			text += ": " + e.Detail
		}
		g.Circles = append(g.Circles, circle{X: px, Y: y, R: 3, Class: "dot"})
		g.Texts = append(g.Texts, label{X: px + 8, Y: y + 4, Anchor: "start", Class: "note", Text: short(oneLine(text), labelRune+8)})
	}
	return g
}

func laneOr(fx int, fok bool, tx int, tok bool, def int) int {
	switch {
	case fok:
		return fx
	case tok:
		return tx
	}
	return def
}

// arrow draws a message from fx to tx at height y with its label above.
func arrow(g drawn, fx, tx, y int, both bool, text string) drawn {
	if fx == tx {
		// A message to oneself: a small loop.
		g.Lines = append(g.Lines,
			line{X1: fx, Y1: y - 6, X2: fx + 24, Y2: y - 6, Class: "msg"},
			line{X1: fx + 24, Y1: y - 6, X2: fx + 24, Y2: y + 2, Class: "msg"},
			line{X1: fx + 24, Y1: y + 2, X2: fx + 6, Y2: y + 2, Class: "msg"})
		g.Polys = append(g.Polys, head(fx, y+2, -1))
		g.Texts = append(g.Texts, label{X: fx + 30, Y: y + 1, Anchor: "start", Class: "lbl", Text: text})
		return g
	}
	dir := 1
	if tx < fx {
		dir = -1
	}
	g.Lines = append(g.Lines, line{X1: fx, Y1: y, X2: tx - dir*6, Y2: y, Class: "msg"})
	g.Polys = append(g.Polys, head(tx, y, dir))
	if both {
		g.Polys = append(g.Polys, head(fx, y, -dir))
	}
	g.Texts = append(g.Texts, label{X: (fx + tx) / 2, Y: y - 5, Anchor: "middle", Class: "lbl", Text: text})
	return g
}

// head is an arrowhead with its tip at (x, y) pointing in direction dir.
func head(x, y, dir int) poly {
	return poly{Points: fmt.Sprintf("%d,%d %d,%d %d,%d", x, y, x-dir*8, y-4, x-dir*8, y+4), Class: "head"}
}

// bolt is a small lightning mark centred on (x, y).
func bolt(x, y int) poly {
	return poly{Points: fmt.Sprintf("%d,%d %d,%d %d,%d %d,%d %d,%d %d,%d", x+2, y-9, x-5, y+1, x, y+1, x-2, y+9, x+5, y-1, x, y-1), Class: "bolt"}
}

func kindClass(k world.Kind) string {
	switch k {
	case world.KindDevice, world.KindLink, world.KindSend, world.KindDeliver, world.KindReject,
		world.KindFault, world.KindCrash, world.KindRestart, world.KindPersist, world.KindSnapshot,
		world.KindState, world.KindNote, world.KindOnline:
		return string(k)
	}
	return "other" // a kind from elsewhere never becomes a class name
}
