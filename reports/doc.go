// Package reports writes conformance results (package conformance/results,
// never the suites themselves) as one self-contained HTML compliance
// report, as JUnit XML, and (through the results' own WriteJSON) as JSON.
//
// The HTML report holds a summary matrix target × suite × requirement,
// whose every cell links to its detail: the sub-properties, runs, seeds
// and replay commands, the shrunk counterexample drawn as an inline-SVG
// message sequence diagram, the statistics of the anonymity games (R3),
// the mutant score, vector results by flag, the results of a `go test
// -json` stream, and the environment of the run. It loads nothing from
// outside the file: a strict Content-Security-Policy forbids every
// external load and every script, and a print stylesheet lays it out for
// paper.
//
// Every string in the results may have come from an implementation under
// test and is treated as hostile: it is rendered only through
// html/template's contextual escaping (never as template.HTML), its
// bidirectional-override and other control characters are made visible,
// and it never becomes a URL or an attribute name. Output is
// deterministic: the same Results and Options give the same bytes; the
// only date in it is the run's start from Env.
package reports
