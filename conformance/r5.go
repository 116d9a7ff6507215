package conformance

import (
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// r5Properties returns the properties of requirement R5, fairness.
func r5Properties() []Property {
	return []Property{
		{
			Sub:   "R5.2",
			Name:  "conserved-every-step",
			Doc:   "random sequences of withdrawals, payments under loss, duplication, reordering, delay and power cuts, reconciliations, deposits and restarts; after every step held + pending + mail + redeemed = issued and nothing is lost",
			Check: conservedEveryStep,
		},
	}
}

func conservedEveryStep(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		rt.Repeat(map[string]func(*rapid.T){
			"fund": func(rt *rapid.T) {
				_ = in.Fund(pick.Draw(rt, "wallet"), amount.Draw(rt, "amount"))
				checkBalanced(rt, in, "fund")
			},
			"pay": func(rt *rapid.T) {
				p, q := pick.Draw(rt, "payer"), pick.Draw(rt, "payee")
				if p == q {
					rt.Skip("a wallet does not pay itself")
				}
				plan := drawPlan(rt, crashFaults, wallets, 2)
				t.Witness(in.World(), plan)
				_, _ = in.Pay(p, q, amount.Draw(rt, "amount"), plan)
				checkBalanced(rt, in, "pay "+string(p)+"→"+string(q)+" under "+plan.String())
			},
			"reconcile": func(rt *rapid.T) {
				_ = in.Reconcile(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "reconcile")
			},
			"deposit": func(rt *rapid.T) {
				_, _ = in.Deposit(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "deposit")
			},
			"restart": func(rt *rapid.T) {
				in.Restart(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "restart")
			},
		})
	})
}

var _ = world.FaultDrop
