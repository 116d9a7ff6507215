package spec

// Source references used across the catalogue. Each names a document and,
// where it helps, the part of it an entry draws on; the Note of each Source
// says in our own words what that part contributes.
const (
	refPBOC2016       = "CN107230079B (PBOC 2016, 使用数字货币芯片卡进行离线支付的方法及系统)"
	refICBC2018       = "ICBC 2018 patent (基于数字货币的离线支付方法、终端及代理投放设备)"
	refICBC2019       = "ICBC 2019 patent (基于区块链的离线支付系统及方法)"
	refPolaris        = "BIS Innovation Hub, Project Polaris offline CBDC handbook (2023)"
	refECB            = "ECB, digital euro offline functionality"
	refBoE            = "Bank of England, offline payment experiments"
	refWhitePaper     = "PBOC, e-CNY white paper (2021), managed anonymity"
	refHardWallet     = "e-CNY hard wallet offline limits, press reports (January 2023)"
	refTaler          = "GNU Taler"
	refBFQ            = "Bauer, Fuchsbauer, Qian, transferable e-cash (PKC 2021)"
	refTendyron       = "Tendyron CN111915283A / US11887111"
	refPBOC2016Card   = refPBOC2016 + ", description (chip card issuance)"
	refICBC2018Flow   = refICBC2018 + ", payment flow"
	refICBC2018Coin   = refICBC2018 + ", coin format"
	refICBC2019Flow   = refICBC2019 + ", payment flow"
	refICBC2019Blocks = refICBC2019 + ", confirmation"
)

// background returns the reference to item n of the CN107230079B
// background, where the six requirements are listed.
func background(n string) string { return refPBOC2016 + ", background (" + n + ")" }

// catalogue is the requirement catalogue. Ids are stable: never renumber,
// never reuse; retire a sub-property by setting Retired and add new ones at
// the next free number. spec/requirements.md is the same catalogue in prose
// and catalogue_test.go keeps the two in step.
var catalogue = []Requirement{
	{
		ID:       "R1",
		Name:     "security",
		Slug:     "security",
		Stated:   "Security: no party to a transaction can alter the digital currency or use it illegitimately.",
		StatedZH: "安全性:能防止商务中的任意一方更改或非法使用数字货币",
		Rationale: "Altering the currency means altering a message or a coin in transit, so R1.1 mutates every field of every message. " +
			"Illegitimate use means using a message, a key or a coin outside the context it was made for: again (R1.2), " +
			"without a valid certificate (R1.3), after revocation or expiry (R1.4), by a party it was not addressed to (R1.5), " +
			"or from a distance the payer did not intend (R1.6). Forgery of coins themselves is R4.",
		Subs: []SubProperty{
			{
				ID:    "R1.1",
				Title: "Field mutations rejected",
				Statement: "Every single-field mutation (bit flip, substitution of a field from another valid message, truncation, extension) " +
					"of every message of every flow, delivered in place of the original, is rejected by the receiver with a canonical error code " +
					"other than internal, and leaves every party's persistent state unchanged.",
				Threat: ThreatNetwork,
				Sources: []Source{
					{Ref: background("1"), Note: "No party may alter the currency; a channel adversary is the cheapest way to try."},
					{Ref: refICBC2018Flow, Note: "The payee verifies the payer's signature over the transaction before anything is deducted, so every altered field must be caught there."},
				},
			},
			{
				ID:    "R1.2",
				Title: "Replay never credits twice",
				Statement: "A message that was accepted once is never accepted again. Replayed into another session or redirected to another payee, " +
					"it is rejected with replay or wrong-recipient. Delivered again in the same session, it is rejected with replay, ignored " +
					"(no answer, no state change), or answered with exactly the reply its first delivery got (an idempotent resend, which makes " +
					"nothing new). Either way the total value credited to all payees is unchanged by it.",
				Threat: ThreatNetwork,
				Sources: []Source{
					{Ref: refICBC2019Flow, Note: "The payment carries an agreed nonce and a timestamp, which only help if a receiver refuses a second use."},
					{Ref: background("1"), Note: "Using a valid message a second time is illegitimate use."},
				},
			},
			{
				ID:    "R1.3",
				Title: "Uncertified device keys refused",
				Statement: "A handshake presenting a device key whose certificate does not chain to the central bank root, is self-signed, " +
					"or belongs to another crypto suite is refused with untrusted-issuer, bad-signature or wrong-suite before any value moves, " +
					"and no party's state changes.",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: refICBC2018Flow, Note: "Payer and payee exchange identifiers, public keys and certificates and check them before the transaction."},
					{Ref: refPBOC2016Card, Note: "Only cards made by qualified manufacturers and issued through banks take part; a device outside that chain is not a party."},
				},
			},
			{
				ID:    "R1.4",
				Title: "Expired, revoked and blacklisted devices refused",
				Statement: "A device whose certificate is outside its validity period at the verifier's notion of the current time, " +
					"whose certificate serial is on the revocation list, or whose id is on the offline blacklist the verifier last synchronised, " +
					"is refused as payer and as payee with cert-expired, cert-not-yet-valid or cert-revoked before any value moves.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refICBC2018Flow, Note: "The payee proceeds only if the counterpart's certificate is within its validity period."},
					{Ref: refTendyron, Note: "The payer checks the payee's offline account against an offline blacklist before signing."},
					{Ref: refBoE, Note: "Cards have no clock, so validity is judged against the last trusted time the device saw; the suite injects clock skew."},
				},
			},
			{
				ID:    "R1.5",
				Title: "Sealed coin bound to its payee",
				Statement: "A coin sealed to payee A's public key, delivered to or intercepted by any other device B, " +
					"is refused by B's wallet with bad-seal or wrong-recipient, is refused with wrong-recipient when B offers it for deposit, " +
					"and never raises B's balance.",
				Threat: ThreatNetwork,
				Sources: []Source{
					{Ref: refICBC2018Flow, Note: "The offline coin in the transaction is encrypted with the payee's public key."},
				},
			},
			{
				ID:    "R1.6",
				Title: "Relay gives no value",
				Statement: "With a relay adversary forwarding, dropping, reordering and redirecting the messages of a payer and a payee that are not in proximity, " +
					"the adversary's own wallets and accounts end every run with no value credited, and every value the payer is debited is credited " +
					"only to the payee its signed transfer names.",
				Threat: ThreatNetwork,
				Sources: []Source{
					{Ref: refECB, Note: "Relay attacks make physical proximity unenforceable, so proximity cannot be a security assumption."},
					{Ref: refPBOC2016Card, Note: "Transfers run over NFC, Bluetooth or infrared; all three can be relayed."},
				},
			},
		},
	},
	{
		ID:       "R2",
		Name:     "no double spend",
		Slug:     "no-double-spend",
		Stated:   "No double spending: digital currency can be used only once, and a repeated spend is easily detected.",
		StatedZH: "不可重复花费性:数字货币只能使用一次,重复花费能被容易地检查出来",
		Rationale: "The requirement has two halves. Used only once: an honest device never spends twice even when it loses power (R2.1), " +
			"a payee refuses a repeat it can see offline (R2.2), and of two conflicting spends at most one becomes final (R2.6). " +
			"Easily detected: a cloned or rolled-back device can spend twice offline, so every such spend must be found at the first " +
			"reconciliation that sees it (R2.3), pinned on the right device with evidence anyone can check (R2.4), never pinned on " +
			"an honest one (R2.5), and found the same way whatever the order of uploads (R2.7).",
		Subs: []SubProperty{
			{
				ID:    "R2.1",
				Title: "Honest device never spends twice across crashes",
				Statement: "With a power loss injected at every step of every flow on an honest device, and the device restarted from what it persisted, " +
					"no coin it held is accepted by two payees or spent again after it was split or transferred, " +
					"and no reconciliation raises a double-spend flag against it.",
				Threat: ThreatCrash,
				Sources: []Source{
					{Ref: background("2"), Note: "A coin can be used only once; a device that forgets a spend after power loss breaks this without any attacker."},
					{Ref: refBoE, Note: "Secure-element storage and counters are the device's only memory of what it spent offline."},
				},
			},
			{
				ID:    "R2.2",
				Title: "Repeat spend to the same payee refused offline",
				Statement: "A second, validly signed transfer of a coin serial to a payee that already received that serial is refused " +
					"by the payee offline with double-spend, before any reconciliation, and does not raise its balance.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refICBC2018Flow, Note: "The payee registers each offline transaction record, which is what lets it recognise a serial it already holds."},
					{Ref: background("2"), Note: "Detection should be easy; the cheapest detection is the payee's own record."},
				},
			},
			{
				ID:    "R2.3",
				Title: "Every double spend flagged at first reconciliation",
				Statement: "When a cloned or rolled-back device pays the same coin to two or more payees, every double-spent serial is flagged " +
					"with double-spend at the first reconciliation that has received two conflicting spends of it, and no such serial leaves " +
					"that reconciliation unflagged.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: background("2"), Note: "Repeated spending must be easy to detect."},
					{Ref: refBoE, Note: "Double spends by a compromised secure element are found only after the fact, at upload and reconciliation."},
					{Ref: refPolaris, Note: "Treats double spending as the central risk of offline payments and detection at synchronisation as a necessary control."},
				},
			},
			{
				ID:    "R2.4",
				Title: "Culprit named with publicly verifiable evidence",
				Statement: "Every double-spend flag names one device certificate and carries two distinct transfers of the same serial signed under " +
					"its key; a verifier holding only public data (the central bank root, the device certificates, the revocation list) " +
					"confirms that both signatures verify under the named key and that both transfers spend the flagged serial.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refBFQ, Note: "Soundness: every rejected deposit names a user together with a proof that verifies."},
					{Ref: background("2"), Note: "Detection is only useful if it identifies who spent twice."},
				},
			},
			{
				ID:    "R2.5",
				Title: "Honest holder never accused",
				Statement: "For every device that followed the protocol, whatever crashes, replays, duplicates or reorderings befell it, " +
					"no reconciliation flag names it, and no evidence that payees, agent banks and the network can construct together " +
					"from its messages verifies as a double spend by it.",
				Threat: ThreatMaliciousPayee,
				Sources: []Source{
					{Ref: refBFQ, Note: "Exculpability: honest users cannot be accused, even by colluding users and banks."},
				},
			},
			{
				ID:    "R2.6",
				Title: "At most one conflicting spend becomes final",
				Statement: "Of two conflicting spends of the same coin, at most one ever becomes final: in the chain scheme at most one is ever " +
					"in a block followed by k blocks on the chain the honest master nodes adopt, and the other is rejected with double-spend; " +
					"in the other schemes at most one is credited at settlement.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refICBC2019Blocks, Note: "A transfer is complete once it is packed into a block and a number of later blocks follow it."},
					{Ref: background("2"), Note: "A coin can be used only once."},
				},
			},
			{
				ID:    "R2.7",
				Title: "Reconciliation independent of upload order",
				Statement: "Reconciling the same set of uploads in different orders and batchings (every permutation for up to six uploads, " +
					"N seeded random permutations beyond) yields the same flagged serials, the same named culprits and the same accept " +
					"or reject decision for every upload.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refBoE, Note: "Offline devices reconnect in no particular order, so the order of uploads is arbitrary."},
					{Ref: refICBC2019Flow, Note: "Wallets upload to master nodes whenever they are online again."},
				},
			},
		},
	},
	{
		ID:       "R3",
		Name:     "controllable anonymity",
		Slug:     "controllable-anonymity",
		Stated:   "Controllable anonymity: even banks and merchants colluding cannot trace the use of the digital currency; the system must be unable to link an e-cash user's purchases together, so that the user's purchase history stays hidden, while the issuer of the digital currency can trace its use.",
		StatedZH: "可控匿名性:银行和商家相互勾结也不可能跟踪数字货币的使用,要求系统无法将电子现金的用户的购买行为联系到一起,从而隐藏数字货币用户的购买历史,但数字货币的发行方可跟踪数字货币的使用",
		Rationale: "The adversary is the merchant and the agent bank pooling everything they see. They must not learn who paid (R3.1), " +
			"must not link two payments to one payer (R3.2), and must not find the payer's identity in any byte they hold (R3.3). " +
			"The control half: the central bank recovers the payer every time (R3.4) and a payer cannot opt out of that (R3.5). " +
			"R3.6 fixes how the e-CNY's managed anonymity splits small payments, anonymous to operators, from large ones, traceable.",
		Subs: []SubProperty{
			{
				ID:    "R3.1",
				Title: "Colluding merchant and agent bank cannot tell which payer paid",
				Statement: "In the anonymity game, two honest payers each withdraw from the adversary's agent bank, one of them chosen by a fair coin " +
					"pays the adversary's merchant an amount of at most the anonymity threshold T, and the adversary guesses which one from the " +
					"merchant's and agent bank's complete views, including reconciliation records; over N trials (default 4021) the 99% " +
					"confidence interval of every documented distinguisher's success rate lies within epsilon (default 0.05) of 1/2, " +
					"and the report gives N, the success rate and the interval.",
				Threat: ThreatCollusion,
				Sources: []Source{
					{Ref: background("3"), Note: "Banks and merchants, even colluding, cannot trace the use of the currency."},
					{Ref: refTaler, Note: "Anonymity is defined with the exchange and the merchant as the adversary."},
					{Ref: refBFQ, Note: "Coin and user anonymity as indistinguishability games."},
				},
			},
			{
				ID:    "R3.2",
				Title: "Payments unlinkable",
				Statement: "In the linking game, the adversary's merchants receive two payments of at most T each, made by the same honest payer " +
					"or by two different honest payers as chosen by a fair coin, and guess which from the merchants' and agent bank's complete views; " +
					"over N trials (default 4021) the 99% confidence interval of every documented distinguisher's success rate lies within " +
					"epsilon (default 0.05) of 1/2.",
				Threat: ThreatCollusion,
				Sources: []Source{
					{Ref: background("3"), Note: "The system must not be able to link a user's purchases together, so the purchase history stays hidden."},
				},
			},
			{
				ID:    "R3.3",
				Title: "No payer identity in the clear",
				Statement: "For every payment of at most T, no byte string the merchant or agent bank receives or stores (messages, records, " +
					"reconciliation uploads) contains an encoding of the payer's account number, registered wallet id or real-name certificate " +
					"subject, and none decrypts to one under any key the merchant or agent bank holds.",
				Threat: ThreatCollusion,
				Sources: []Source{
					{Ref: background("3"), Note: "Banks and merchants cannot trace use; an identity field in the clear would let either one do so alone."},
					{Ref: refECB, Note: "Details of an offline payment are known only to payer and payee."},
				},
			},
			{
				ID:    "R3.4",
				Title: "Central bank trace recovers the payer",
				Statement: "For every settled payment in N trials, the central bank, applying its trace key to the records the merchant and agent bank uploaded, " +
					"recovers a registered payer identity, and that identity is the actual payer in every trial.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: background("3"), Note: "The issuer of the currency can trace its use."},
					{Ref: refWhitePaper, Note: "Anonymity is managed: it is controllable by the central bank, not absolute."},
				},
			},
			{
				ID:    "R3.5",
				Title: "Trace cannot be evaded",
				Statement: "A payer that omits, corrupts or substitutes the identity escrow of a payment (garbage, another payer's escrow, " +
					"an escrow to another key) is either refused by the payee or flagged at the first reconciliation that sees the payment, " +
					"and in no run does a payment settle whose trace yields no payer or the wrong payer.",
				Threat: ThreatMaliciousPayer,
				Sources: []Source{
					{Ref: background("3"), Note: "Traceability by the issuer is part of the requirement, so a payer must not be able to opt out."},
					{Ref: refWhitePaper, Note: "Managed anonymity keeps the means to combat money laundering and illegal use."},
				},
			},
			{
				ID:    "R3.6",
				Title: "Large value traceable, small value anonymous",
				Statement: "With anonymity threshold T (a run parameter, reported), a payment of T + 1 fen is bound to the payer's registered identity " +
					"in the record the payer's agent bank receives at reconciliation, checkable by the agent bank without the central bank's trace key, " +
					"while a payment of T fen passes R3.1 to R3.3; offline limits are set so both payments are allowed.",
				Threat: ThreatCollusion,
				Sources: []Source{
					{Ref: refWhitePaper, Note: "Small-value payments are anonymous; large-value payments are traceable in accordance with the law."},
				},
			},
		},
	},
	{
		ID:       "R4",
		Name:     "unforgeability",
		Slug:     "unforgeability",
		Stated:   "Unforgeability: users cannot forge counterfeit digital currency.",
		StatedZH: "不可伪造性:用户不能伪造假的数字货币",
		Rationale: "A forger can fabricate a coin (R4.1), alter a genuine one (R4.2), fake where a coin came from (R4.3), " +
			"claim an issuer that was never authorised (R4.4), or edit the storage of a device it controls (R4.6). Each must be refused " +
			"by wallets and again at deposit. R4.5 is the sum of all of them as a ledger invariant: deposits never exceed issuance.",
		Subs: []SubProperty{
			{
				ID:    "R4.1",
				Title: "Coins not signed by the issuer refused",
				Statement: "A coin whose seal or signature does not verify under the issuer's coin-signing key (fabricated, signed with another key, " +
					"or carrying another coin's signature) is refused by every receiving wallet with bad-signature, bad-seal or untrusted-issuer, " +
					"is refused at deposit by every agent bank, and never changes any balance. This holds wherever the coin sits in a payment: " +
					"paid together with genuine coins, before or after them, it is refused all the same (the genuine coins may still reach " +
					"the payee at reconciliation; the forgery may not).",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: background("4"), Note: "Users cannot forge currency."},
					{Ref: refICBC2018Coin, Note: "The coin carries a digital signature and is sealed by a hardware security module into an encrypted string."},
					{Ref: refPBOC2016Card, Note: "The chip card checks the authenticity of the currency it receives."},
				},
			},
			{
				ID:    "R4.2",
				Title: "Re-denominated coins refused",
				Statement: "A genuine coin with its denomination, currency, unit or version altered is refused by every receiving wallet and at deposit, " +
					"with bad-signature, or with bad-denomination, bad-currency or unknown-version when the new value is outside the published tables, " +
					"and never changes any balance.",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: refICBC2018Coin, Note: "Denomination, currency, unit and version are fields of the signed coin."},
					{Ref: background("4"), Note: "Raising the face value of a genuine coin is forgery."},
				},
			},
			{
				ID:    "R4.3",
				Title: "Forged lineage refused",
				Statement: "A coin whose previous-holder serial does not name its actual parent, or a set of children whose values do not sum to " +
					"their parent's value, is refused by every receiving wallet and at deposit with value-mismatch or bad-signature, " +
					"and never changes any balance.",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: refICBC2018Coin, Note: "Each coin records the serial of the coin it came from (前手币编号)."},
					{Ref: refBFQ, Note: "Transferable coins must not let a holder create value while passing them on."},
				},
			},
			{
				ID:    "R4.4",
				Title: "Coins from an unauthorised agent refused",
				Statement: "A coin whose issuing-agent id names no agent the central bank authorised, or an agent whose authorisation was withdrawn " +
					"before the coin was issued, is refused by every receiving wallet and at deposit with untrusted-issuer, and never changes any balance, " +
					"also when it is paid together with genuine coins.",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: refICBC2018Coin, Note: "The coin names the agent institution that put it into circulation (代理投放机构标识)."},
				},
			},
			{
				ID:    "R4.5",
				Title: "Deposits never exceed issuance",
				Statement: "Under any interleaving of withdrawals, offline payments, splits, deposits, forgeries and double spends the suite generates, " +
					"after every step the total value credited to accounts by deposit is at most the total value the central bank issued.",
				Threat: ThreatForger,
				Sources: []Source{
					{Ref: refBFQ, Note: "Unforgeability as a ledger statement: deposits never exceed withdrawals."},
					{Ref: background("4"), Note: "Users cannot forge currency; summed over every attempt, no deposit is backed by nothing."},
				},
			},
			{
				ID:    "R4.6",
				Title: "Tampered device storage creates no value",
				Statement: "When the secure storage of a device its holder controls is edited to raise its balance or rewind its spend counter, " +
					"no value beyond what the device legitimately received is ever credited at deposit, and the first reconciliation that sees " +
					"the excess names the device.",
				Threat: ThreatClonedDevice,
				Sources: []Source{
					{Ref: refBoE, Note: "A compromised secure element can manipulate its counter; counterfeits are found only after the fact."},
					{Ref: refPolaris, Note: "Device security is one layer of defence, not the only one."},
				},
			},
		},
	},
	{
		ID:       "R5",
		Name:     "fairness",
		Slug:     "fairness",
		Stated:   "Fairness: the payment process is fair; either the transaction succeeds for both parties or neither party loses anything, so that no party suffers a loss in the transaction.",
		StatedZH: "公平性:支付过程是公平的,保证要么双方交易成功,要么双方都没有损失,防止某一交易方在交易中蒙受损失",
		Rationale: "Fairness is atomicity of a payment seen from both sides. Against faults: every crash or lost message at every step ends, " +
			"after reconciliation, in both post-states or both pre-states (R5.1), value is conserved at every step (R5.2), nothing stays pending " +
			"for ever (R5.6), and the time a party is exposed offline is bounded and reported (R5.3). Against a dishonest counterpart: " +
			"a malicious payee gains nothing the payer did not pay (R5.4) and a malicious payer cannot leave an accepted payment unpaid and unattributed (R5.5).",
		Subs: []SubProperty{
			{
				ID:    "R5.1",
				Title: "Both post-state or both pre-state",
				Statement: "With a power loss on either device, or the loss of any one message, injected at every step of every payment flow, " +
					"once both parties have recovered and reconciled, the payer and the payee are either both in the post-state (payer debited " +
					"by the amount, payee credited with it) or both in the pre-state, never one of each.",
				Threat: ThreatCrash,
				Sources: []Source{
					{Ref: background("5"), Note: "Either both parties' transaction succeeds or neither loses anything."},
					{Ref: refICBC2018Flow, Note: "The payer deducts before the payee registers the payment, so a lost deduct-success notice splits the two sides."},
				},
			},
			{
				ID:    "R5.2",
				Title: "Value conserved at every step",
				Statement: "After every step of every run, including steps at which a fault fired, the sum of wallet balances, pending value and " +
					"redeemed value equals the total value issued, exactly, in fen.",
				Threat: ThreatCrash,
				Sources: []Source{
					{Ref: refTaler, Note: "Conservation of value holds even when protocols are aborted part way."},
					{Ref: background("5"), Note: "A party loses nothing only if no value vanishes between the two sides."},
				},
			},
			{
				ID:    "R5.3",
				Title: "Offline exposure window bounded and reported",
				Statement: "For every party of every payment flow the suite measures its exposure window, the simulated time and number of steps " +
					"from the party's first state change until its outcome can no longer be reversed (by an acknowledgement, k confirmations or " +
					"reconciliation), reports it, and checks that it is finite and at most the bound the scheme declares.",
				Threat: ThreatCrash,
				Sources: []Source{
					{Ref: refICBC2019Blocks, Note: "A transfer is final only after upload and k further blocks, which leaves a window of uncertainty."},
					{Ref: refPolaris, Note: "Offline risk grows with time offline and is managed with limits on value, count and duration."},
				},
			},
			{
				ID:    "R5.4",
				Title: "Malicious payee cannot gain without the payer paying",
				Statement: "A payee that deviates arbitrarily (withholding acknowledgements, replaying, forging a deduct-success notice or receipt, " +
					"aborting after it received the coin, depositing a coin it never confirmed) ends no run credited, in its wallet or at settlement, " +
					"with more than the payer was debited for the payment, and whenever the honest payer is debited it holds a receipt that " +
					"reconciliation accepts as proof of payment.",
				Threat: ThreatMaliciousPayee,
				Sources: []Source{
					{Ref: background("5"), Note: "No party may suffer a loss in the transaction."},
					{Ref: refICBC2018Flow, Note: "The payee decides when to tell the payer to deduct, so the flow must not let it keep the coin without that."},
				},
			},
			{
				ID:    "R5.5",
				Title: "Malicious payer cannot leave an accepted payment unpaid",
				Statement: "A payer that deviates arbitrarily (aborting after the payee accepted, cutting its own power, replaying, restoring an earlier snapshot) " +
					"never leaves an honest payee that accepted a payment without either the value settling to the payee at reconciliation " +
					"or the payer being named with the evidence of R2.4.",
				Threat: ThreatMaliciousPayer,
				Sources: []Source{
					{Ref: background("5"), Note: "The payee must not suffer a loss either."},
					{Ref: refBFQ, Note: "A user who cheats is identified rather than the loss silently falling on the receiver."},
				},
			},
			{
				ID:    "R5.6",
				Title: "Pending value resolved at reconciliation",
				Statement: "Every value pending when both parties come online (sent but unconfirmed, sealed but unregistered, signed but without " +
					"k confirmations) is resolved by the first reconciliation to which both have uploaded: afterwards it is in exactly one wallet " +
					"or account and the payment has no pending value left.",
				Threat: ThreatCrash,
				Sources: []Source{
					{Ref: refBoE, Note: "Offline and online balances are kept apart and brought together at reconnection."},
					{Ref: background("5"), Note: "Value stuck in an in-between state for ever is a loss to whoever it belonged to."},
				},
			},
		},
	},
	{
		ID:       "R6",
		Name:     "compatibility with cash",
		Slug:     "compatibility",
		Stated:   "Compatibility: the issuance process and the circulation of digital currency in the central bank digital currency system follow the issuance and circulation of physical currency as closely as possible.",
		StatedZH: "兼容性:央行数字货币系统中的数字货币发行流程与流通环节尽可能参照实物货币发行与流通",
		Rationale: "Physical cash is issued by the central bank to commercial banks and by them to the public (R6.1), comes in fixed " +
			"denominations (R6.2), carries serial numbers and series versions (R6.3), passes from hand to hand (R6.4), is exchanged for deposits " +
			"at face value (R6.5), and is a liability of the central bank equal to what circulates (R6.7). Offline risk limits (R6.6) are the " +
			"one deliberate difference, taken from the e-CNY hard wallet.",
		Subs: []SubProperty{
			{
				ID:    "R6.1",
				Title: "Two-tier issuance",
				Statement: "Every coin a wallet holds traces through its lineage to a coin the central bank issued to an authorised agent bank against that " +
					"agent's reserve; the central bank never issues to a wallet directly, and no agent bank issues more than its reserve covers.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: refPBOC2016Card, Note: "Cards are made by qualified manufacturers and put into use through commercial banks."},
					{Ref: refICBC2018, Note: "An agent issuance device (代理投放设备) assembles and issues coins on the central bank's behalf."},
					{Ref: refWhitePaper, Note: "The e-CNY uses a two-tier operating system: the central bank issues to authorised operators, who serve the public."},
				},
			},
			{
				ID:    "R6.2",
				Title: "Denominations from the published table",
				Statement: "Every coin issued and every child coin created by a split or transfer has a denomination from the published denomination table, " +
					"and an issuance or split request for any other value is refused with bad-denomination.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: refICBC2018Coin, Note: "Denomination is a field of the coin, as on a banknote."},
					{Ref: background("6"), Note: "Issuance follows physical currency, which comes in fixed denominations."},
				},
			},
			{
				ID:    "R6.3",
				Title: "Serial, version and lineage like banknotes",
				Statement: "Every coin carries a serial unique among all coins ever issued in the run, a version, currency and unit, its issuing agent id " +
					"and its previous-holder serial; the registry reconstructs every coin's lineage back to its issuance, and no two coins in any run share a serial.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: refICBC2018Coin, Note: "Serial, denomination, currency, unit, version, previous-holder serial, issuing agent id and signature make up a coin."},
				},
			},
			{
				ID:    "R6.4",
				Title: "Received value spendable onward",
				Statement: "Value a wallet received offline is paid onward offline to a third wallet, and from it to a fourth, without any of them going online, " +
					"and each receiver accepts it and can deposit it at par.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: background("6"), Note: "Circulation follows physical cash, which passes from hand to hand."},
					{Ref: refBFQ, Note: "Transferable e-cash: a received coin can be spent again without going through the bank."},
				},
			},
			{
				ID:    "R6.5",
				Title: "Deposit and withdrawal at par",
				Statement: "Withdrawing v fen debits the account by exactly v fen and adds exactly v fen to the wallet, and depositing a valid coin of v fen " +
					"credits exactly v fen; no fee, rounding or exchange loss appears at any step.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: background("6"), Note: "Cash is exchanged for deposits at face value."},
					{Ref: refWhitePaper, Note: "The e-CNY is loosely coupled to bank accounts and settles on payment; deposits and e-CNY convert one for one."},
				},
			},
			{
				ID:    "R6.6",
				Title: "Offline limits enforced and reset online",
				Statement: "With the default offline limits (50000 fen cumulative amount and 10 payments since the last online synchronisation), " +
					"a wallet refuses with limit-exceeded, before any value moves, an offline payment that would take its offline amount above " +
					"50000 fen or its count above 10, and the same payment succeeds after the wallet synchronises with its agent bank, which resets both counters to zero. " +
					"A payment counts towards both from the moment the payer commits it (the value has left it), whether or not the payee's " +
					"acknowledgement reaches the payer, and a power cycle of the wallet resets neither.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: refHardWallet, Note: "The holder sets a limit of up to 500 yuan and up to 10 payments before the wallet must be re-authorised online."},
					{Ref: refBoE, Note: "Secure-element storage caps how many payments fit before reconnecting."},
					{Ref: refPolaris, Note: "Limits on offline value and number of transactions are the main risk control."},
				},
			},
			{
				ID:    "R6.7",
				Title: "Outstanding liability equals circulation",
				Statement: "After every step, the central bank's outstanding liability (value issued minus value redeemed) equals the total value of " +
					"unredeemed coins in circulation: held in wallets, pending, or deposited with agent banks and not yet redeemed at the central bank.",
				Threat: ThreatHonest,
				Sources: []Source{
					{Ref: background("6"), Note: "Cash in circulation is a liability of the central bank."},
					{Ref: refWhitePaper, Note: "The e-CNY is a liability of the central bank, like banknotes and coins."},
				},
			},
		},
	},
}
