package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// implFlags are check's flags for the interactive suites.
type implFlags struct {
	cmd         string
	roles       []string
	config      string
	callTimeout time.Duration
	games       bool
}

func (f *implFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.cmd, "impl", "", "run the interactive suites with this implementation's wallet (a command line speaking the adapter protocol)")
	fl.StringSliceVar(&f.roles, "role", nil, "with --impl: the roles its wallet plays: payer, payee, wallet (default all three)")
	fl.StringVar(&f.config, "config", "", "with --impl: the vendor config file (error names → canonical codes)")
	fl.DurationVar(&f.callTimeout, "call-timeout", adapter.DefaultCallTimeout, "with --impl: time limit per device call; on expiry the device is killed and restarted")
	fl.BoolVar(&f.games, "games", false, "with --impl: play the anonymity games (R3.1, R3.2, R3.6) even for a scheme whose reference passes them, all N trials of each through the adapter")
}

// implRun is an interactive run: the targets, the reference schemes they
// are held to, and the devices.
type implRun struct {
	targets []models.Scheme
	bases   []models.Scheme
	devices *adapter.Devices
}

// judge runs the reference schemes with the same options and holds the
// implementation's results to theirs (interactive.Judge).
func (r *implRun) judge(ctx context.Context, rs *conformance.Results, opts conformance.Options) error {
	opts.Progress = nil
	ref, err := conformance.CheckAll(ctx, r.bases, opts)
	if err != nil {
		return usageErrorf("%v", err)
	}
	interactive.Judge(rs, ref)
	return nil
}

func (r *implRun) close(w io.Writer) {
	r.devices.CloseAll()
	fmt.Fprintf(w, "%d wallet devices started\n", r.devices.Started())
}

// implTargets starts the implementation once to read its capabilities,
// and returns one target per scheme and role: the scheme with the
// implementation's devices in the role.
func implTargets(w io.Writer, f checkFlags, opts *conformance.Options) (*implRun, error) {
	argv, err := splitCommand(f.impl.cmd)
	if err != nil {
		return nil, usageErrorf("--impl: %v", err)
	}
	if len(argv) == 0 {
		return nil, usageErrorf("--impl: empty command")
	}
	var vendor *adapter.VendorConfig
	if f.impl.config != "" {
		if vendor, err = adapter.LoadConfig(f.impl.config); err != nil {
			return nil, usageErrorf("%v", err)
		}
	}
	roles, err := parseRoles(f.impl.roles, interactive.Roles)
	if err != nil {
		return nil, err
	}
	cfg := adapter.Config{Command: argv, CallTimeout: f.impl.callTimeout}
	probe, err := adapter.Start(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("implementation unusable: %w", err)
	}
	hello := probe.Hello()
	_ = probe.Close()
	fmt.Fprintf(w, "implementation: %s %s (%s)\n  wallets of %s; roles %s; suites %s\n", hello.Name, hello.Version, hello.Protocol,
		listOr(hello.Devices), listOr(hello.Roles), listOr(hello.Suites))

	// The schemes: those named, else every scheme whose wallet it plays.
	var names []string
	if len(f.schemes) > 0 {
		for _, s := range f.schemes {
			sc, ok := all.Lookup(s)
			if !ok {
				return nil, usageErrorf("unknown scheme %q (have %s)", s, strings.Join(all.Names(), ", "))
			}
			if !hello.PlaysWallet(device.WalletOf(sc)) {
				return nil, usageErrorf("the implementation does not declare the %s wallet (its hello lists devices %s)", s, listOr(hello.Devices))
			}
			names = append(names, s)
		}
	} else {
		for _, sc := range all.Schemes() {
			if hello.PlaysWallet(device.WalletOf(sc)) {
				names = append(names, sc.Info().Name)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("implementation unusable: it declares no wallet it can play (hello.devices is %s)", listOr(hello.Devices))
		}
	}
	for _, r := range roles {
		if !hello.PlaysRole(string(r)) {
			return nil, usageErrorf("the implementation does not declare role %s (its hello lists %s)", r, listOr(hello.Roles))
		}
	}
	// The suites: those named, else every suite it declares.
	if opts.Suites == nil {
		for _, s := range suite.All() {
			if hello.HasSuite(string(s.ID())) {
				opts.Suites = append(opts.Suites, s)
			}
		}
		if len(opts.Suites) == 0 {
			return nil, fmt.Errorf("implementation unusable: it declares no crypto suite (hello.suites is %s)", listOr(hello.Suites))
		}
	}
	for _, s := range opts.Suites {
		if !hello.HasSuite(string(s.ID())) {
			return nil, usageErrorf("the implementation does not declare suite %s (its hello lists %s)", s.ID(), listOr(hello.Suites))
		}
	}
	run := &implRun{devices: &adapter.Devices{Config: cfg, Vendor: vendor}}
	for _, name := range names {
		base, _ := all.Lookup(name)
		run.bases = append(run.bases, base)
		for _, r := range roles {
			t := interactive.Target(base, r, run.devices.Dial)
			if f.impl.games {
				t = interactive.WithGames(t)
			}
			run.targets = append(run.targets, t)
		}
	}
	opts.ReplayFlags = " --impl " + shellQuote(f.impl.cmd)
	if f.impl.config != "" {
		opts.ReplayFlags += " --config " + shellQuote(f.impl.config)
	}
	return run, nil
}

func listOr(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	return strings.Join(list, ", ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// parseRoles reads --role's values, each once in the order given; none
// gives def. An unknown role is a usage error.
func parseRoles(names []string, def []interactive.Role) ([]interactive.Role, error) {
	if len(names) == 0 {
		return def, nil
	}
	var roles []interactive.Role
	for _, r := range names {
		role, err := interactive.ParseRole(r)
		if err != nil {
			return nil, usageErrorf("--role: %v", err)
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	return roles, nil
}
