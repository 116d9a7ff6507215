package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/device/qr"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

type simulateFlags struct {
	scheme  string
	seed    uint64
	faults  string
	suite   string
	amount  int64
	verbose bool
	json    bool
	qrOut   string    // chain: write the A→B payment QR code here (PNG)
	qrIn    string    // chain: wallet-B scans this image ("-": payload bytes on stdin)
	stdin   io.Reader // what --qr-in - reads
}

func simulateCmd() *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run one scripted scenario of a scheme and print it as a message sequence",
		Long: `simulate runs a fixed scenario in a deterministic world: wallet-A withdraws,
pays wallet-B under the given faults, wallet-B pays part of it onward to
wallet-C, and all three go online to reconcile. It prints every message,
fault, refusal and state change, then the balances and the bank's books.
The same seed and faults print the same bytes.

Faults apply to the A→B payment, written KIND@STEP[:ARG][=PARTY] (a skew:
skew@STEP=±DURATION, the recipient's clock offset; a partition of the
master nodes: partition@STEP=0,1|2,3, groups of node indexes, which lasts
past the payment until heal@STEP or, failing that, until simulate heals it
after the three reconciliations and reconciles all three again; a drop
naming a master node, drop@STEP[:ARG]=NODE, delivers the step's message and
loses instead the ARG-th block, from 0, the nodes gossip to NODE from then
on, the node staying up: the trace shows the loss and the block sent
again); the kinds are ` + strings.Join(faultKinds(), ", ") + `.

In the chain schemes the A→B payment travels as a QR code: --qr-out FILE
draws the code wallet-A shows (byte mode, error-correction level M, the
smallest version that holds it, version 25 at most) as a PNG image, and
--qr-in FILE has wallet-B scan FILE instead (decoded with zbarimg, Debian's
zbar-tools; "-" reads the decoded payload bytes from standard input, as
zbarimg --raw -Sbinary prints them). Run with the seed, suite and amount of
the run that drew it, the scanned payment answers wallet-B's request and
the run ends as that one did; another code is refused as the payee refuses
any payment that does not answer its request.`,
		Example: `  dualoffline simulate --scheme chip --seed 1
  dualoffline simulate --scheme chip --seed 7 --faults crash-at@3
  dualoffline simulate --scheme chip --faults drop@3,duplicate@1 --suite INTL
  dualoffline simulate --scheme chip --faults redirect@2=wallet-C
  dualoffline simulate --scheme cert --faults skew@2=-18000h
  dualoffline simulate --scheme chain --faults partition@1=0,1|2,3
  dualoffline simulate --scheme chain --faults drop@1:1=ABC-NODE
  dualoffline simulate --scheme chip --json > trace.json
  dualoffline simulate --scheme chain --qr-out pay.png
  dualoffline simulate --scheme chain --qr-in pay.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.stdin = cmd.InOrStdin()
			return simulate(cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().StringVar(&f.scheme, "scheme", all.Names()[0], "scheme to run: "+strings.Join(all.Names(), ", "))
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "world seed")
	cmd.Flags().StringVar(&f.faults, "faults", "", "fault plan for the A→B payment")
	cmd.Flags().StringVar(&f.suite, "suite", "GM", "crypto suite: GM or INTL")
	cmd.Flags().Int64Var(&f.amount, "amount", 230, "amount of the A→B payment, fen")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "include persistence events")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the trace as JSON")
	cmd.Flags().StringVar(&f.qrOut, "qr-out", "", "chain schemes: write the A→B payment QR code to this PNG file")
	cmd.Flags().StringVar(&f.qrIn, "qr-in", "", "chain schemes: wallet-B scans this QR image (zbarimg) in place of wallet-A's code; - reads the scanned payload bytes from stdin")
	return cmd
}

func faultKinds() []string {
	var out []string
	for _, k := range append(append([]world.FaultKind(nil), world.ChannelFaults...), world.NetworkFaults...) {
		out = append(out, string(k))
	}
	return out
}

// splitAtEnd reports whether plan leaves the node network split: its last
// network fault is a partition.
func splitAtEnd(plan world.Plan) bool {
	split := false
	for _, f := range plan {
		switch f.Kind {
		case world.FaultPartition:
			split = true
		case world.FaultHeal:
			split = false
		}
	}
	return split
}

// usageError marks errors in what the user asked for (exit status 2).
type usageError struct{ error }

func simulate(out io.Writer, f simulateFlags) error {
	sch, ok := all.Lookup(f.scheme)
	if !ok {
		return usageError{fmt.Errorf("unknown scheme %q (known: %s)", f.scheme, strings.Join(all.Names(), ", "))}
	}
	s, err := suite.ByID(suite.ID(f.suite))
	if err != nil {
		return usageError{err}
	}
	plan, err := world.ParsePlan(f.faults)
	if err != nil {
		return usageError{err}
	}
	if f.amount <= 0 || f.amount > 50000 {
		return usageError{fmt.Errorf("amount %d fen outside 1..50000", f.amount)}
	}
	a, b, c := world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
	w := world.New(f.seed)
	in, err := sch.New(w, models.Config{Suite: s})
	if err != nil {
		return err
	}
	var cam models.QRPayer
	if f.qrOut != "" || f.qrIn != "" {
		var ok bool
		if cam, ok = in.(models.QRPayer); !ok {
			var qr []string
			for _, sc := range all.Schemes() {
				if sc.Info().Channel == world.QR {
					qr = append(qr, sc.Info().Name)
				}
			}
			return usageError{fmt.Errorf("--qr-out and --qr-in need a scheme whose payment is a QR code (%s), not %s", strings.Join(qr, ", "), f.scheme)}
		}
	}
	var scanned []byte
	if f.qrIn != "" {
		if scanned, err = readScan(f.qrIn, f.stdin, cam.MaxQRVersion()); err != nil {
			return usageError{err}
		}
	}
	var qrErr error
	shownQR := false
	if cam != nil {
		err := cam.SetCamera(a, func(shown []byte) ([]byte, error) {
			shownQR = true
			if f.qrOut != "" {
				var c *qr.Code
				if c, qrErr = writeQR(f.qrOut, shown, cam.MaxQRVersion()); qrErr != nil {
					return nil, qrErr
				}
				w.Trace().Note("simulate", "the payment QR code, %d bytes, version %d-%s (%d×%d modules), is drawn to %s", len(shown), c.Version, qr.Level, c.Size, c.Size, f.qrOut)
			}
			if scanned == nil {
				return shown, nil
			}
			w.Trace().Note("simulate", "%s scans %s: %d bytes, %s what %s shows", b, f.qrIn, len(scanned), sameOrNot(scanned, shown), a)
			return scanned, nil
		})
		if err != nil {
			return err
		}
	}
	step := func(what string, err error) {
		if err != nil {
			w.Trace().Note("simulate", "%s: %v", what, err)
		}
	}
	step("fund", in.Fund(a, 1000))
	w.Advance(60_000_000_000) // a minute later, at the till
	_, err = in.Pay(a, b, f.amount, plan)
	step("pay A→B", err)
	if cam != nil && !shownQR && qrErr == nil {
		qrErr = fmt.Errorf("--qr-out/--qr-in: %s showed no payment QR code (the trace says why the payment stopped)", a)
		if err != nil {
			qrErr = fmt.Errorf("--qr-out/--qr-in: %s showed no payment QR code: pay A→B: %w", a, err)
		}
	}
	if cam != nil {
		step("camera", cam.SetCamera(a, nil)) // B→C is scanned as always
	}
	w.Advance(60_000_000_000)
	_, err = in.Pay(b, c, min(100, f.amount), nil)
	step("pay B→C", err)
	for _, p := range []world.PartyID{a, b, c} {
		w.Advance(3_600_000_000_000)
		step("reconcile "+string(p), in.Reconcile(p))
	}
	if _, split := in.(models.Network); split && splitAtEnd(plan) {
		// The split outlived the payment and the reconciliations above;
		// heal it and reconcile again, so the trace shows the fork resolve.
		w.Trace().Note("simulate", "the network partition heals")
		w.Heal()
		for _, p := range []world.PartyID{a, b, c} {
			w.Advance(3_600_000_000_000)
			step("reconcile "+string(p), in.Reconcile(p))
		}
	}
	if qrErr != nil {
		return qrErr
	}
	if f.json {
		_, err := out.Write(append(w.Trace().JSON(), '\n'))
		return err
	}
	fmt.Fprintf(out, "# %s, suite %s, seed %d", sch.Info().Title, s.ID(), f.seed)
	if len(plan) > 0 {
		fmt.Fprintf(out, ", faults %s", plan)
	}
	fmt.Fprintf(out, "\n# replay: dualoffline simulate --scheme %s --seed %d --suite %s --amount %d", f.scheme, f.seed, s.ID(), f.amount)
	if len(plan) > 0 {
		fmt.Fprintf(out, " --faults %s", plan)
	}
	fmt.Fprintln(out)
	if err := w.Trace().WriteText(out, f.verbose); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nbalances (fen):")
	for _, p := range in.Wallets() {
		v := in.View(p)
		fmt.Fprintf(out, "  %-10s card %6d  account %7d\n", p, v.Offline(), v.Account)
	}
	l, au := in.Ledger(), in.Audit()
	fmt.Fprintf(out, "books: issued %d, redeemed %d, held %d, pending %d, mail %d, lost %d, double spends %d — conserved: %v\n",
		l.Issued, l.Redeemed, au.Held, au.Pending, au.Mail, au.Lost, len(l.DoubleSpends), au.Balanced())
	return nil
}

// writeQR draws payload as a QR code into the PNG file path; a payload
// that fits no version up to maxVersion (the scheme's) is refused before
// drawing.
func writeQR(path string, payload []byte, maxVersion int) (*qr.Code, error) {
	c, err := qr.Draw(payload, maxVersion)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := c.WritePNG(&buf); err != nil {
		return nil, err
	}
	return c, os.WriteFile(path, buf.Bytes(), 0o644)
}

// readScan returns what a scanner reads from path: the QR code in an
// image, decoded with zbarimg, or with path "-" the decoded payload bytes
// on stdin.
func readScan(path string, stdin io.Reader, maxVersion int) ([]byte, error) {
	if path == "-" {
		if stdin == nil {
			return nil, fmt.Errorf("--qr-in -: no standard input")
		}
		limit := qr.Capacity(maxVersion) // what the scheme's largest code holds
		b, err := io.ReadAll(io.LimitReader(stdin, int64(limit)+1))
		if err != nil {
			return nil, err
		}
		if len(b) > limit {
			return nil, fmt.Errorf("--qr-in -: more than %d bytes, more than a version-%d QR code holds", limit, maxVersion)
		}
		return b, nil
	}
	return qr.ScanImage(path)
}

func sameOrNot(scanned, shown []byte) string {
	if bytes.Equal(scanned, shown) {
		return "exactly"
	}
	return "not"
}
