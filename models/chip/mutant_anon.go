package chip

// None of them is the card's: three live in the agent bank and one in
// the issuer's personalisation, so a card served behind the adapter
// protocol cannot play them (CardMutants).
func init() {
	for _, n := range []string{"account-keyed-by-card", "agent-logs-small-payments", "agent-logs-no-payment"} {
		bankMutations[n] = true
	}
	offCardMutations["card-cert-names-holder"] = true
}
