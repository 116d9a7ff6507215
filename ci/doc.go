// Package ci holds no Go code: the folder carries the CI workflow
// (ci/github-workflow.yml, which runs the same .ci/run a clean clone runs)
// and, later, the configuration for fuzzing at scale.
package ci
