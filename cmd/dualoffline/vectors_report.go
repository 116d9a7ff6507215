package main

import (
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/reports"
	"github.com/dualoffline/dualoffline/vectors"
)

// vectorRuns turns a vector report into the report's by-flag view: one
// VectorRun per vector file, in file order, its flags sorted.
func vectorRuns(target string, files []*vectors.File, rep *vectors.Report) []reports.VectorRun {
	if rep == nil {
		return nil
	}
	byFile := map[string][]vectors.CaseResult{}
	for _, c := range rep.Cases {
		byFile[c.File] = append(byFile[c.File], c)
	}
	var runs []reports.VectorRun
	for _, f := range files {
		cases := byFile[f.Name]
		if len(cases) == 0 {
			continue
		}
		run := reports.VectorRun{Target: target, Suite: f.Suite, File: f.Name}
		counts := map[string]*reports.FlagCount{}
		for _, c := range cases {
			for _, fl := range c.Flags {
				fc := counts[fl]
				if fc == nil {
					fc = &reports.FlagCount{Flag: fl}
					counts[fl] = fc
				}
				switch c.Status {
				case vectors.StatusPass:
					fc.Pass++
				case vectors.StatusMismatch:
					fc.Mismatch++
				case vectors.StatusSkip:
					fc.Skip++
				case vectors.StatusError:
					fc.Errors++
				}
			}
			if c.Status == vectors.StatusMismatch || c.Status == vectors.StatusError {
				vc := vectorCase(c)
				detail := "expected " + vc.Expected + ", got " + vc.Got
				if c.Status == vectors.StatusError {
					detail = "expected " + vc.Expected + ", error: " + c.Err
				}
				run.Failures = append(run.Failures, reports.VectorFailure{TcID: c.TcID, File: c.File, Status: string(c.Status), Detail: detail, Flags: c.Flags})
			}
		}
		flags := make([]string, 0, len(counts))
		for fl := range counts {
			flags = append(flags, fl)
		}
		sort.Strings(flags)
		for _, fl := range flags {
			run.PerFlag = append(run.PerFlag, *counts[fl])
		}
		runs = append(runs, run)
	}
	return runs
}

func vectorCase(c vectors.CaseResult) reports.VectorCase {
	vc := reports.VectorCase{TcID: c.TcID, File: c.File, Requirement: c.Requirement, Flags: c.Flags,
		Status: string(c.Status), Expected: outcomeText(c.Expected, c.Acceptable), Err: c.Err}
	if c.Got != nil {
		vc.Got = outcomeText(*c.Got, false)
	}
	return vc
}

// vectorsVersion names the vector set in the report.
func vectorsVersion(files []*vectors.File) string {
	return "generator version " + vectors.GeneratorVersion + ", " + strconv.Itoa(len(files)) + " files"
}

// writeVectorsOutputs writes the HTML report and JUnit XML of a vectors
// verify run (an empty path skips that form).
func writeVectorsOutputs(htmlPath, junitPath string, out *vectorsReport, files []*vectors.File, started time.Time) error {
	h := out.Implementation
	params := map[string]string{
		"implementation": strings.TrimSpace(h.Name + " " + h.Version),
		"protocol":       h.Protocol,
		"command":        strings.Join(out.Command, " "),
		"restarts":       strconv.Itoa(out.Restarts),
	}
	if out.Config != "" {
		params["config"] = out.Config
	}
	if out.Unusable != "" {
		params["unusable"] = out.Unusable
	}
	if htmlPath != "" {
		env := conformance.NewEnv(conformance.Options{})
		env.Seed, env.Checks, env.Steps, env.Suites = 0, 0, 0, h.Suites
		env.Started = started.UTC().Truncate(time.Second)
		env.Params = params
		if r := out.Report; r != nil {
			env.Params["vector cases"] = strconv.Itoa(r.Total.Total())
			env.Params["vector results"] = strconv.Itoa(r.Total.Pass) + " pass, " + strconv.Itoa(r.Total.Mismatch) + " mismatch, " +
				strconv.Itoa(r.Total.Skip) + " skip, " + strconv.Itoa(r.Total.Error) + " error"
		}
		rs := &conformance.Results{Schema: conformance.SchemaVersion, Env: env}
		opts := reports.Options{Title: "dualoffline vector report: " + params["implementation"],
			Vectors: vectorRuns(h.Name, files, out.Report), VectorsVersion: vectorsVersion(files)}
		if err := writeFile(htmlPath, "--report", func(w io.Writer) error { return reports.WriteHTML(w, rs, opts) }); err != nil {
			return err
		}
	}
	if junitPath != "" {
		run := reports.VectorsRun{Name: "dualoffline vectors " + params["implementation"], Started: started}
		for _, k := range []string{"implementation", "protocol", "command", "config", "restarts", "unusable"} {
			if v, ok := params[k]; ok {
				run.Properties = append(run.Properties, [2]string{k, v})
			}
		}
		run.Properties = append(run.Properties, [2]string{"vectors", vectorsVersion(files)})
		if r := out.Report; r != nil {
			run.Duration = r.Duration
			for _, c := range r.Cases {
				run.Cases = append(run.Cases, vectorCase(c))
			}
		}
		if err := writeFile(junitPath, "--junit", func(w io.Writer) error { return reports.WriteVectorsJUnit(w, run) }); err != nil {
			return err
		}
	}
	return nil
}
