// Package chain is the executable model of the ICBC blockchain scheme of
// 2019, patent application "基于区块链的离线支付系统及方法" (offline payment
// system and method based on a blockchain): the master nodes of the banks
// form the backbone of a blockchain and wallets join it as light nodes;
// the payer's wallet signs the wallet address, the amount, an agreed nonce
// and a timestamp and encrypts the transfer with the chain's public key;
// signature, encrypted transfer and certificate make a payment QR code;
// the payee scans and counter-signs it and uploads it to a master node
// once online; the payment is final once k further blocks follow the
// block that packs it.
//
// SOURCES.md quotes every step and field of the published payment from
// the seed article, with where the model implements it, lists what the
// model adds and why, and the departures, which repair the published
// flow: the model seals the inputs, the payee and an escrow but sends
// payer address, amount, nonce, time and certificate in the clear, where
// the source encrypts address, amount, nonce and timestamp to the chain
// key (a payee could check none of them offline); it binds signature and
// ciphertext by a signed commitment, not a lock step; it settles a
// payment without the payee's signature (so a payee that never uploads
// cannot lock the payer's coins). Scheme.Literal (chain-literal,
// literal.go) is the payment as published beside it: address, amount,
// nonce and timestamp sealed with the inputs, a lock, and a payee that
// can check only the certificate, the lock and the signature.
// Where the source is silent the model completes it: its nodes refuse a
// payment made after its payer's revocation (revocation.go), and a
// payment whose sealed inputs are invalid or whose sealed payee is not
// its clear one, with evidence a majority of them sign that names the
// payer (refusal.go).
//
// # Parties
//
// The central bank (models/bank) is the root authority and issuer. It
// generates the chain key pair and provisions its private half to every
// master node, keeping it: it can open every sealed transfer (identity
// escrow, TracePayer). Each of Scheme.Nodes agent banks (ICBC, ABC, BOC,
// CCB, …) keeps customer accounts and runs one master node
// (devcert.RoleNode certificate). Wallet i is a customer of bank i mod
// Nodes and syncs with its node (SetGateway changes that). Wallets are
// phones: they have clocks.
//
// # Coins and issuance
//
// A coin is an output on the chain: (transaction id, index, value, owner
// address), the address being the first 20 bytes of the suite hash of the
// owner key's SubjectPublicKeyInfo. Issuance is two-tier: Fund has the
// wallet's agent bank withdraw from its account (bank.Agent.Withdraw: the
// central bank issues coins of table denominations against the agent's
// reserve, and the agent's signed record hands each to the wallet), then
// the agent's node takes a Mint transaction whose holdings are exactly
// those coins; nodes check the issuer's signature, the agent's record and
// that no root serial is minted twice. A payment creates the amount for
// the payee and the change for the payer, each split into table
// denominations (largest first, payee first), so outputs are derived and
// never listed. Deposit pays the wallet's final coins to its bank's
// redemption address; the bank credits the account, and the central bank
// counts them redeemed, when that payment is final on the bank's node.
//
// # Block production and fork rule
//
// Time advances in slots of SlotDuration (the backbone runs slots while a
// wallet is online and waits for it). The proposer of slot s is node
// s mod n. It extends its best chain with a block (height = parent + 1,
// slot > parent's slot) if it has work: pool transactions valid on that
// chain, or a transaction on it short of k confirmations (empty blocks
// bury those). A block holds, in ascending transaction id, every pool
// transaction that spends only unspent outputs of the chain it extends,
// none twice (so of two conflicting transactions the lower id goes
// first); a block never spends an output it creates. Signer limit (as in
// Clique): a node proposes at most one of any ⌊n/2⌋+1 consecutive blocks.
// After each slot every node floods the blocks and transactions it holds
// to the nodes of its partition group (Partition, Heal); across groups
// nothing passes until Heal (that is the model of gossip delay), so
// partitioned groups build competing chains. Fork choice: the highest
// chain, ties broken by the lower block id.
//
// Finality: a transaction is final at a node once k blocks follow its
// block on the node's best chain, and k ≥ ⌊n/2⌋ is required. With the
// signer limit, nodes of a minority group (at most ⌊n/2⌋ of them) can
// extend a fork by at most ⌊n/2⌋ blocks, so nothing becomes final on a
// minority fork; and every chain segment of k+1 blocks was built by a
// majority, which any later majority meets in at least one node that
// carries it. So of two conflicting transfers at most one ever becomes
// final anywhere (TestSafetyUnderPartitions checks it against random
// partition schedules), and a minority partition stalls instead of
// finalising. A stalled backbone leaves what is pending pending.
//
// Instance implements models.Network (Nodes, Partition, SetGateway, Heal)
// and registers with the world, so a fault plan's partition@N=0,1|2,3 and
// heal@N split and join the master nodes, and the suites' partition
// properties (conformance/partition.go) generate splits and heals with
// payments and deposits on either side. Four mutants
// (mutant_partition.go) are bugs only a split reaches: the signer limit
// not enforced, a node that never reorganises, double spends checked only
// in uploads, a bank that settles a deposit before it is final.
//
// # Payment flow
//
//  1. AGREE (the till → the payer's wallet, keyed in): the amount, the
//     payee's address and a nonce the payee drew, with a 4-byte check
//     code. The payer's wallet refuses a wrong check code, an agreement it
//     already paid, a blacklisted payee, and what its offline limits or
//     its spendable coins do not cover. It then seals the Transfer (which
//     coins, to whom, its certificate serial as identity escrow, a salt)
//     to the chain key, signs the payment and, in one write, removes the
//     spent coins, adds its change and logs the payment, before it shows
//     the QR code.
//  2. QR (payer → payee, scanned): the payee checks the certificate
//     (root, its clock, its revocation list), that the address is the
//     certificate's, that it is the payee, the amount it asked, its nonce,
//     a timestamp within Window of its clock, and the signature; it stores
//     the payment with its counter-signed receipt. Nothing goes back.
//
// The payer never sees the payee's certificate, only its address: nodes
// (which know every certificate the central bank issued) refuse a payment
// to an address no certified wallet or bank holds, and the payer's coins
// come back at its next sync.
//
// What the payee cannot check offline is which coins pay it and whether
// they are unspent: the transfer is sealed. A double spend is therefore
// detected only on the chain, when a node holds two payments spending one
// coin: it is flagged (Ledger().DoubleSpends, evidence in evidence.go,
// VerifyEvidence), and whichever reaches a block first (across a fork: the
// chain the fork rule keeps) becomes final; the other can never be final
// and its payee's wallet drops it. Value received offline is spendable
// only once final; a payer may spend its own unconfirmed change.
//
// Reconcile uploads the wallet's log and inbox (payments whose coins the
// node does not know yet are kept and tried again, except that a payment
// of the payer's own log still spending a coin no node knows once the
// whole log is uploaded is refused and its payer named: refusal.go),
// waits for the backbone to settle, syncs the wallet's final coins from
// its node, drops settled and void payments, and resets the offline
// limits. Nodes refuse a payment made after its payer's revocation
// (revocation.go).
//
// # Formats
//
// Strict DER (spec/der), [APPLICATION n] tags 24..30 of the range 24..31
// allocated to this package (31 would need the high-tag-number form,
// which der.Application does not build): 24 Payment (the QR payload), 25
// PaymentTBS, 26 Transfer (the sealed plaintext), 27 Mint, 28 Block, 29
// Header, 30 Receipt. The ASN.1 of each is beside its type in formats.go;
// chain-literal's payment is version 2 of Payment, PaymentTBS and
// Transfer (literal.go), and each variant refuses the other's version
// with unknown-version. Refusal evidence (refusal.go) is universal DER.
// Ids are suite hashes: a payment's id hashes its TBS, a block's its
// header, never a signature (ECDSA signatures have two encodings). Every
// parser caps what it reads and returns *spec.Error.
//
// # QR code
//
// The payment travels as one QR code of version QRVersion (25, 117×117
// modules) at error-correction level QRLevel (M) in byte mode: binary DER,
// no text encoding, at most MaxPaymentDER = 997 bytes, which is the byte
// capacity of that code; a payment spends at most MaxInputs = 4 coins to
// stay within it (about 980 bytes at most under either suite, the
// payer's certificate, about 460 bytes, travelling whole so the payee can
// verify offline). TestQRPayloadFits encodes the largest payload with
// rsc.io/qr and checks the version. models/device/qr draws a payload at
// the smallest version that holds it and refuses, with malformed, one
// that fits no version up to QRVersion (MaxQRVersion, models.QRPayer), and
// reads a code back with zbarimg -Sbinary; a Camera set on a payer
// (SetCamera, qr.go) puts such a drawing and reading between its display
// and the payee.
//
// # Store layout
//
// Wallets: see wallet.go (keys, coins, the write-ahead log of payments
// sent, the inbox of payments received, the agreements paid). Nodes: every
// block and every transaction they took; everything else is rebuilt.
//
// # External wallets
//
// The bank side (Instance) reaches every wallet through Device
// (device.go): the model's own wallet implements it, and so does an
// external wallet, a vendor's implementation behind a models.Link
// (Config.External, remote.go), which the interactive suites drive. The
// bank side reads a wallet out (Device.State), uploads what it reports,
// computes from its node what the wallet learns, and hands that back in
// one write (Device.Sync, Device.Redeem); the harness owns simulated
// time, so the operations that read the wallet's clock carry its reading.
// Host (host.go) serves the reference wallet behind those operations.
// Corruption and injection reach inside the model's own wallets only.
//
// # Audit
//
// Audit takes the best chain any node holds and adds every transaction
// known off it (node pools, payers' logs, payees' inboxes) whose inputs
// exist and are not spent on that chain. A live coin is Held when a
// wallet can spend it or holds the counter-signed payment that creates it
// for itself, Pending when only the payer's log has the payment (or it is
// paid to a redemption address and not credited yet), Mail when it is on
// the chain or in a pool and its owner has not synced it, and Lost
// otherwise; credited redemptions are the central bank's Redeemed.
//
// # Not modelled
//
// Consensus beyond this rule (no BFT voting, no view change, no
// slashing); node crashes and byzantine master nodes (a node's store holds every
// block and transaction it took, and TestNodeRecover rebuilds a node from
// it, but no test cuts a node's power mid-write); light
// wallets verifying block headers (they trust their own bank's node);
// mempool eviction and fees; the chain key's own protection (a threshold
// key among the nodes would be the obvious refinement); camera and
// display, and the QR code's error correction beyond its capacity;
// certificate by reference (the certificate travels whole).
package chain
