// Package conformance turns the requirement catalogue of spec into
// executable properties and runs them against the reference models and
// against vendor implementations.
//
// Planned API: Run(t, target) runs every property as subtests (the shape of
// golang.org/x/net/nettest.TestConn) and Check(ctx, target, opts) returns
// Results for use outside go test; an external-process adapter lets
// implementations in any language take part.
//
// Not built yet: this package holds only its documentation until the
// conformance suites land.
package conformance
