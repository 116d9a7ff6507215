package chip

// The mutants of the issuance desk and the sealed uploads (SOURCES.md
// D2, issue 15): each opens one of the four channels the completion
// closes. They live at the desk and in the card's host, off the card,
// but for records-count-card-wide, the card's own.
func init() {
	for _, n := range []string{"desk-reuses-pseudonym", "pseudonyms-sent-unsealed", "sync-uploads-in-clear", "sync-skips-exchange", "desk-counts-handovers"} {
		offCardMutations[n] = true
	}
}
