package vectors

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Filter selects cases; an empty field matches everything. IDs, when not
// empty, selects exactly those tcIds.
type Filter struct {
	Scheme string
	Suite  string
	Kind   string
	Flag   string
	IDs    []string
}

// Match reports whether the filter selects test t of file f.
func (fl Filter) Match(f *File, t *Test) bool {
	if fl.Scheme != "" && fl.Scheme != f.Scheme || fl.Suite != "" && fl.Suite != f.Suite || fl.Kind != "" && fl.Kind != f.Kind {
		return false
	}
	if fl.Flag != "" {
		found := false
		for _, x := range t.Flags {
			found = found || x == fl.Flag
		}
		if !found {
			return false
		}
	}
	if len(fl.IDs) > 0 {
		for _, id := range fl.IDs {
			if id == t.TcID {
				return true
			}
		}
		return false
	}
	return true
}

// Status is the verdict of a run on one case.
type Status string

// The statuses.
const (
	StatusPass     Status = "pass"     // the outcome matches the expected result (and code)
	StatusMismatch Status = "mismatch" // a definite outcome that differs from the expected one
	StatusSkip     Status = "skip"     // the verifier declared the case unimplemented
	StatusError    Status = "error"    // the verifier failed on the case
)

// CaseResult is the result of one case.
type CaseResult struct {
	TcID        string   `json:"tcId"`
	File        string   `json:"file"`
	Requirement string   `json:"requirement"`
	Comment     string   `json:"comment,omitempty"` // the vector's comment
	Flags       []string `json:"flags"`
	Status      Status   `json:"status"`
	Expected    Outcome  `json:"expected"`
	Acceptable  bool     `json:"acceptable,omitempty"`
	Got         *Outcome `json:"got,omitempty"`
	Err         string   `json:"err,omitempty"`

	kind string // scheme/kind, for PerKind
	// Log is what the implementation logged while it decided this case
	// (an external implementation's stderr), kept for mismatches and
	// errors when the Verifier is a CaseLogger.
	Log string `json:"log,omitempty"`
}

// CaseLogger is implemented by a Verifier that can tell what the
// implementation logged while it decided the case with id tcID (the last
// one sent with that id).
type CaseLogger interface {
	CaseLog(tcID string) string
}

// LateFailure is a case whose answer turned out to break the protocol
// after the Verifier returned it: a duplicate answer, seen only when the
// next request was sent or at shutdown.
type LateFailure struct {
	TcID string
	Err  string
}

// LateFailer is implemented by a Verifier that learns of LateFailures;
// TakeLateFailures returns those not taken before.
type LateFailer interface {
	TakeLateFailures() []LateFailure
}

// Counts tallies statuses.
type Counts struct {
	Pass     int `json:"pass"`
	Mismatch int `json:"mismatch"`
	Skip     int `json:"skip"`
	Error    int `json:"error"`
}

func (c *Counts) Add(s Status) {
	switch s {
	case StatusPass:
		c.Pass++
	case StatusMismatch:
		c.Mismatch++
	case StatusSkip:
		c.Skip++
	case StatusError:
		c.Error++
	}
}

// Total is the number of cases counted.
func (c Counts) Total() int { return c.Pass + c.Mismatch + c.Skip + c.Error }

// Report is the result of a Run.
type Report struct {
	Cases    []CaseResult      `json:"cases"`
	Total    Counts            `json:"total"`
	PerFlag  map[string]Counts `json:"perFlag"`
	PerKind  map[string]Counts `json:"perKind"`
	Duration time.Duration     `json:"duration"`
}

// OK reports whether no case mismatched or errored.
func (r *Report) OK() bool { return r.Total.Mismatch == 0 && r.Total.Error == 0 }

// Failures returns the cases that mismatched or errored.
func (r *Report) Failures() []CaseResult {
	var out []CaseResult
	for _, c := range r.Cases {
		if c.Status == StatusMismatch || c.Status == StatusError {
			out = append(out, c)
		}
	}
	return out
}

// Charge makes the cases of fs errors (the last result of each tcId) and
// recounts the totals.
func (r *Report) Charge(fs []LateFailure) {
	for _, lf := range fs {
		for i := len(r.Cases) - 1; i >= 0; i-- {
			if c := &r.Cases[i]; c.TcID == lf.TcID {
				c.Status, c.Err = StatusError, lf.Err
				break
			}
		}
	}
	if len(fs) > 0 {
		r.tally()
	}
}

// tally recounts Total, PerFlag and PerKind from Cases.
func (r *Report) tally() {
	r.Total, r.PerFlag, r.PerKind = Counts{}, map[string]Counts{}, map[string]Counts{}
	for _, cr := range r.Cases {
		r.Total.Add(cr.Status)
		for _, fl := range cr.Flags {
			c := r.PerFlag[fl]
			c.Add(cr.Status)
			r.PerFlag[fl] = c
		}
		c := r.PerKind[cr.kind]
		c.Add(cr.Status)
		r.PerKind[cr.kind] = c
	}
}

// Judge compares an outcome with a test's expectation: valid needs
// Valid, invalid needs !Valid with the expected code, acceptable takes
// valid or any refusal with a known code.
func Judge(t *Test, o Outcome) Status {
	switch t.Result {
	case ResultValid:
		if o.Valid && o.Error == "" {
			return StatusPass
		}
	case ResultInvalid:
		if !o.Valid && o.Error == t.Error {
			return StatusPass
		}
	case ResultAcceptable:
		if o.Valid && o.Error == "" || !o.Valid && o.Error != "" && o.Error != "internal" {
			return StatusPass
		}
	}
	return StatusMismatch
}

// Run runs every embedded case selected by filter through v.
func Run(ctx context.Context, v Verifier, filter Filter) (*Report, error) {
	files, err := Files()
	if err != nil {
		return nil, err
	}
	return RunFiles(ctx, v, files, filter)
}

// RunFiles runs the selected cases of files through v, in file order. It
// stops early only when ctx is done, returning the partial report and
// ctx's error.
func RunFiles(ctx context.Context, v Verifier, files []*File, filter Filter) (*Report, error) {
	start := time.Now()
	r := &Report{}
	late, _ := v.(LateFailer)
	logs, _ := v.(CaseLogger)
	finish := func() {
		if late != nil {
			r.Charge(late.TakeLateFailures())
		}
		r.tally()
		r.Duration = time.Since(start)
	}
	for _, f := range files {
		for _, t := range f.Tests() {
			if !filter.Match(f, t) {
				continue
			}
			if err := ctx.Err(); err != nil {
				finish()
				return r, err
			}
			cr := CaseResult{
				TcID: t.TcID, File: f.Name, Requirement: t.Requirement, Comment: t.Comment, Flags: t.Flags,
				Expected:   Outcome{Valid: t.Result == ResultValid, Error: t.Error},
				Acceptable: t.Result == ResultAcceptable,
				kind:       f.Scheme + "/" + f.Kind,
			}
			o, err := callVerifier(ctx, v, f.Case(t))
			switch {
			case errors.Is(err, ErrUnimplemented):
				cr.Status, cr.Err = StatusSkip, err.Error()
			case err != nil:
				cr.Status, cr.Err = StatusError, err.Error()
			default:
				cr.Got = &o
				cr.Status = Judge(t, o)
				if err := CheckOutput(f.Case(t), o); cr.Status == StatusPass && err != nil {
					cr.Status, cr.Err = StatusMismatch, err.Error()
				}
			}
			if logs != nil && (cr.Status == StatusMismatch || cr.Status == StatusError) {
				cr.Log = logs.CaseLog(t.TcID)
			}
			r.Cases = append(r.Cases, cr)
			if late != nil {
				r.Charge(late.TakeLateFailures())
			}
		}
	}
	finish()
	return r, nil
}

// callVerifier turns a panicking verifier into an error for that case.
func callVerifier(ctx context.Context, v Verifier, c Case) (o Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("verifier panicked on %s: %v", c.TcID, p)
		}
	}()
	return v.VerifyVector(ctx, c)
}

// Flags returns the flags of a report in sorted order.
func (r *Report) Flags() []string {
	var fs []string
	for f := range r.PerFlag {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}
