// Package reports will write conformance results as one self-contained
// HTML compliance report (matrix, counterexample sequence diagrams, seeds
// and replay commands), JUnit XML and JSON. It depends only on the result
// types of conformance.
//
// Not built yet: this package holds only its documentation until the
// reports land.
package reports
