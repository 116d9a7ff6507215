package main

import (
	"fmt"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance/reader"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/device/vcard"
)

// cardCmd is "dualoffline card": a scheme's wallet card (models.CardWallet)
// as a smart card in a reader (serve) and the readers PC/SC knows (readers).
func cardCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "card",
		Short: "A scheme's wallet card in a PC/SC reader (" + strings.Join(cardSchemes(), ", ") + "): serve the reference card to vsmartcard's virtual reader, list readers",
	}
	cmd.AddCommand(cardServeCmd(), cardReadersCmd())
	return cmd
}

type cardServeFlags struct {
	scheme string
	state  string
	mutant string
	host   string
	port   int
}

func cardServeCmd() *cobra.Command {
	var f cardServeFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a scheme's reference wallet card (or a mutant's) to the vpcd virtual reader until interrupted",
		Long: `serve inserts the --scheme's wallet card (the chip model's: the
secure element the in-process runs use) into vsmartcard's virtual
reader: it dials the vpcd driver that pcscd loaded (localhost:35963 is
"Virtual PCD 00 00") and answers its power-on, power-off, reset, ATR and
APDU messages. The card keeps its store in --state (memory when not
given), written before each answer leaves, so a reader power-down is a
real power cut. A terminal (dualoffline check --reader) erases and
personalises the card at the start of every case.

--mutant serves a deliberately broken card of the scheme's catalogue (one of
the card's own bugs, not the banks'), to see the suites catch it through
the reader. Without pcscd, point it at a socket reader of check instead
(--port of "vpcd:HOST:PORT").`,
		Example: `  dualoffline card serve --scheme chip --state /tmp/card
  dualoffline card serve --scheme chip --mutant forget-spend-on-crash
  dualoffline card serve --scheme chip --port 35964   # check --reader vpcd:localhost:35964`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wallet, err := cardWallet(f.scheme)
			if err != nil {
				return err
			}
			if f.port <= 0 || f.port > 65535 {
				return usageErrorf("--port %d out of range", f.port)
			}
			c, err := vcard.Open(wallet, f.state, f.mutant)
			if err != nil {
				return usageErrorf("%v", err)
			}
			name := "the reference " + f.scheme + " card"
			if f.mutant != "" {
				name = "the " + f.scheme + " card of mutant " + f.mutant
			}
			out := cmd.ErrOrStderr()
			addr := net.JoinHostPort(f.host, strconv.Itoa(f.port))
			fmt.Fprintf(out, "card: %s, ATR %X, state in %s\n", name, vcard.ATR(), stateText(f.state))
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return vcard.Run(ctx, addr, c, func(format string, args ...any) {
				fmt.Fprintf(out, "card: "+format+"\n", args...)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scheme, "scheme", firstOr(cardSchemes(), ""), "the scheme whose wallet card to serve ("+strings.Join(cardSchemes(), ", ")+")")
	fl.StringVar(&f.state, "state", "", "directory of the card's persistent store (default: memory only, lost when serve exits)")
	fl.StringVar(&f.mutant, "mutant", "", "serve this card mutant of the scheme's catalogue instead of the reference ("+cardMutantsText()+")")
	fl.StringVar(&f.host, "host", "localhost", "host of the vpcd driver (or of a check --reader vpcd: socket)")
	fl.IntVar(&f.port, "port", vcard.DefaultPort, "port of the vpcd driver (35963 is its first reader)")
	cmd.Flags().SortFlags = false
	return cmd
}

// cardSchemes names the schemes whose wallet is a card.
func cardSchemes() []string {
	var out []string
	for _, sch := range all.Schemes() {
		if _, ok := sch.(models.CardWallet); ok {
			out = append(out, sch.Info().Name)
		}
	}
	return out
}

// cardMutantsText lists each card scheme's card mutants.
func cardMutantsText() string {
	var parts []string
	for _, name := range cardSchemes() {
		sch, _ := all.Lookup(name)
		parts = append(parts, name+": "+strings.Join(sch.(models.CardWallet).CardMutants(), ", "))
	}
	return strings.Join(parts, "; ")
}

// cardWallet returns the card capability of the scheme named name, or a
// usage error naming the schemes that have one.
func cardWallet(name string) (models.CardWallet, error) {
	sch, ok := all.Lookup(name)
	if !ok {
		return nil, usageErrorf("--scheme %q: no such scheme (have %s)", name, strings.Join(all.Names(), ", "))
	}
	w, ok := sch.(models.CardWallet)
	if !ok {
		return nil, usageErrorf("--scheme %q: its wallet is not a card (card wallets: %s)", name, strings.Join(cardSchemes(), ", "))
	}
	return w, nil
}

func firstOr(s []string, def string) string {
	if len(s) == 0 {
		return def
	}
	return s[0]
}

func stateText(dir string) string {
	if dir == "" {
		return "memory"
	}
	return dir
}

func cardReadersCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "readers",
		Short: "List the PC/SC readers (names for check --reader)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rs, err := reader.ListReaders()
			if err != nil {
				return fmt.Errorf("PC/SC: %w", err)
			}
			if len(rs) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no readers (is pcscd running?)")
			}
			for _, r := range rs {
				fmt.Fprintln(cmd.OutOrStdout(), r)
			}
			return nil
		},
	}
}
