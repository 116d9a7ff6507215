package bank_test

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Two-tier issuance at par: a customer withdraws ¥3.88 from her account as
// coins the central bank issues against her agent bank's reserve, then
// deposits them again.
func Example() {
	w := world.New(1)
	cb, err := bank.NewCentralBank(w, suite.Default())
	if err != nil {
		panic(err)
	}
	agent, err := cb.AddAgent("AGENT-1", 10_000)
	if err != nil {
		panic(err)
	}
	key, err := suite.Default().GenerateKey(w.Rand("wallet-A"))
	if err != nil {
		panic(err)
	}
	if _, err := cb.Certify("wallet-A", devcert.RoleWallet, key.Public()); err != nil {
		panic(err)
	}
	agent.Open("wallet-A", 1_000)

	coins, err := agent.Withdraw("wallet-A", 388)
	if err != nil {
		panic(err)
	}
	for _, h := range coins {
		o, err := cb.Registry().VerifyHolding(h)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s holds %d fen\n", o.Holder, o.Value)
	}
	fmt.Println("account", agent.Balance("wallet-A"), "reserve", agent.Reserve, "liability", cb.Liability())

	// To deposit, the wallet signs a record paying each coin to the agent.
	var items []bank.DepositItem
	for i, h := range coins {
		o, _ := cb.Registry().VerifyHolding(h)
		rec, err := bank.DepositRecord(key, "wallet-A", agent.ID, h, o.Value, uint64(i+1))
		if err != nil {
			panic(err)
		}
		items = append(items, bank.DepositItem{Holding: h, Record: rec})
	}
	credited, err := agent.Deposit("wallet-A", items)
	if err != nil {
		panic(err)
	}
	fmt.Println("credited", credited, "account", agent.Balance("wallet-A"), "reserve", agent.Reserve, "liability", cb.Liability())

	// Presenting the same deposit again (a wallet that lost power before
	// it saw the answer) credits nothing and is no error…
	again, err := agent.Deposit("wallet-A", items)
	fmt.Println("same deposit again: credited", again, "error", err)
	// …but a new record spending a redeemed coin is a double spend.
	rec, _ := bank.DepositRecord(key, "wallet-A", agent.ID, items[0].Holding, 200, 99)
	_, err = agent.Deposit("wallet-A", []bank.DepositItem{{Holding: items[0].Holding, Record: rec}})
	fmt.Println("new record for a redeemed coin:", spec.CodeOf(err))
	// Output:
	// wallet-A holds 200 fen
	// wallet-A holds 100 fen
	// wallet-A holds 50 fen
	// wallet-A holds 20 fen
	// wallet-A holds 10 fen
	// wallet-A holds 5 fen
	// wallet-A holds 2 fen
	// wallet-A holds 1 fen
	// account 612 reserve 9612 liability 388
	// credited 388 account 1000 reserve 10000 liability 0
	// same deposit again: credited 0 error <nil>
	// new record for a redeemed coin: double-spend
}
