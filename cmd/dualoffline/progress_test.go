package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vbauerster/mpb/v8"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestCheckProgressQuiet: with stderr not a terminal, check draws no
// progress bar: stderr stays empty and stdout holds no bar characters.
func TestCheckProgressQuiet(t *testing.T) {
	if newProgress(&bytes.Buffer{}, "x", 3) != nil {
		t.Fatal("a progress bar on a bytes.Buffer")
	}
	var out, errb bytes.Buffer
	code := run([]string{"check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "3"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("stderr not empty: %q", errb.String())
	}
	for _, s := range []string{"\r", "\x1b", "[=", "=>", "--]"} {
		if strings.Contains(out.String(), s) {
			t.Errorf("progress output %q on stdout:\n%s", s, out.String())
		}
	}
}

// TestCheckProgressCallback: Progress is called once per result, from
// the workers, and Total predicts how many calls there will be.
func TestCheckProgressCallback(t *testing.T) {
	gm, err := suite.ByID(suite.GM)
	if err != nil {
		t.Fatal(err)
	}
	chip, _ := all.Lookup("chip")
	cert, _ := all.Lookup("cert")
	targets := []models.Scheme{chip, cert}
	var calls atomic.Int64
	opts := conformance.Options{Checks: 3, Suites: []suite.Suite{gm}, Only: []string{"R6.5"},
		Progress: func(conformance.Result) { calls.Add(1) }}
	rs, err := conformance.CheckAll(context.Background(), targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	n := len(rs.Results)
	if n == 0 || int(calls.Load()) != n || conformance.Total(opts, targets) != n {
		t.Errorf("%d results, %d Progress calls, Total %d", n, calls.Load(), conformance.Total(opts, targets))
	}
	calls.Store(0)
	rs, err = conformance.Check(context.Background(), chip, opts)
	if err != nil {
		t.Fatal(err)
	}
	if int(calls.Load()) != len(rs.Results) {
		t.Errorf("Check: %d results, %d Progress calls", len(rs.Results), calls.Load())
	}
}

// TestCheckProgressBar: forced onto a buffer, the bar draws its name
// and finishes at its total.
func TestCheckProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := startProgress(&b, "properties", 4, mpb.WithAutoRefresh())
	for range 4 {
		p.Increment()
	}
	p.Done()
	if !strings.Contains(b.String(), "properties") || !strings.Contains(b.String(), "4/4") {
		t.Errorf("bar output: %q", b.String())
	}
	var nilBar *progress
	nilBar.Increment()
	nilBar.Done()
}

// TestCheckVectors: check --vectors runs the published vectors through
// the reference verifier and puts them by flag in the HTML report.
func TestCheckVectors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	out, code := runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "3", "--vectors", "--report", path)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "vectors (reference verifier") || !strings.Contains(out, " 0 mismatch, 0 error") {
		t.Errorf("no vector summary:\n%s", out)
	}
	html := readString(t, path)
	if !strings.Contains(html, "spec_GM_coin_test.json") || !strings.Contains(html, "HighS") {
		t.Errorf("vectors missing from the report")
	}
}

func TestCheckProgressSpinner(t *testing.T) {
	var b bytes.Buffer
	p := startProgress(&b, "mutants", 0, mpb.WithAutoRefresh())
	p.Done()
	if !strings.Contains(b.String(), "mutants") {
		t.Errorf("spinner output: %q", b.String())
	}
}
