// Package ci holds no Go code: the folder carries the CI configuration.
//
//   - github-workflow.yml is the GitHub Actions workflow every push and pull
//     request runs; it runs the same .ci/run a clean clone runs.
//   - sharded-workflow.yml runs the conformance matrix as N shard jobs
//     (check --shard i/N --json) and a merge job (dualoffline merge) that
//     publishes the HTML report and JUnit XML; nightly-workflow.yml runs
//     it at depth (--checks 1000, seeds 1..20). README.md says how
//     sharding works, how its cost table is kept honest and how to size N.
//     .ci/run checks every workflow here with actionlint.
//   - clusterfuzzlite/ is the fuzzing-at-scale setup: ClusterFuzzLite (the
//     OSS-Fuzz toolchain, run from CI) builds every native Go fuzz target of
//     the packages under fuzz/ into a libFuzzer binary with
//     compile_native_go_fuzzer, each from its own package (Dockerfile FROM
//     gcr.io/oss-fuzz-base/base-builder-go, build.sh, project.yaml with
//     language: go) and packs each target's committed seed corpus,
//     <package>/testdata/fuzz/<Name>/*, as <Name>_seed_corpus.zip beside
//     the binary. Those files are in the Go fuzzing corpus format; the
//     libFuzzer harness reads them as raw input bytes, so they give a long
//     campaign realistic starting bytes rather than exact replays of the Go
//     seeds. build.sh lists the targets as package and name, and
//     fuzz/clusterfuzzlite_test.go fails if a Fuzz function is missing
//     from the list, is listed under another package, or the list names
//     one that does not exist.
//   - clusterfuzzlite-workflow.yml runs it on GitHub: code-change fuzzing
//     (10 minutes) on pull requests, a batch campaign (an hour) nightly.
//     Copy it to .github/workflows/; ClusterFuzzLite expects its files in
//     .clusterfuzzlite/ at the root, so the job copies this folder there.
//
// Local fuzzing needs no container: go test -run XXX -fuzz FuzzCoin
// -fuzztime 1m ./fuzz/ (one target of one package at a time, the package
// being the one build.sh names; BENCHMARKS.md has the throughput of each).
package ci
