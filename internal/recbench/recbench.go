// Package recbench generates offline payment records at scale and
// reconciles them as the central bank does, for `dualoffline bench
// reconcile`: every signature verified, in parallel on every core, every
// double spend found with a compact index (internal/dsindex), and the
// figures that matter set against the machine's own raw
// signature-verification throughput, measured in the same process.
//
// The workload is deterministic in its seed. Coins are issued by the
// central bank's coin key to a few agent banks; each coin then travels a
// lineage of Hops transfer records (spec/transfer): the agent hands it to
// a wallet, which pays another wallet, and so on, each payment splitting
// the coin into table denominations. An upload is what models/bank's
// registry consumes: the holding the record spends (DER) and the signed
// record (DER). A fraction DoubleSpendRate of the records are second
// records a holder signed for a coin it had already spent, to another
// payee: injected double spends, which reconciliation must flag, and
// nothing else.
//
// Reconciliation checks every upload without trusting its order: it parses
// the record and the holding down to its last hop (transfer.ParseTip),
// validates the record, checks that it spends the holding's coin and is
// signed by its holder (a certified agent for a coin's first hop, a
// certified wallet after), verifies the record's signature and, where the
// holding is a bare issued coin, the issuer's signature on it. Records
// earlier in a holding's chain are uploads of their own, each parsed and
// verified once there, so a lineage is proved by induction: every spent
// instance must be an issued coin or an output of a verified record,
// which the index checks once all uploads are in. (models/bank's registry
// instead re-verifies a holding's whole lineage on every record: right
// for a few uploads at a time, quadratic in hops at this scale.)
package recbench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/internal/dsindex"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Defaults of Config.
const (
	DefaultRecords         = 1_000_000
	DefaultDoubleSpendRate = 0.001
	DefaultHops            = 4
	DefaultWallets         = 256
	DefaultAgents          = 4
	DefaultChunk           = 4096 // coins generated and reconciled at a time
)

// Config sets the workload. The zero value of a field means its default,
// except DoubleSpendRate, whose zero means no double spend.
type Config struct {
	Records         int         // records in all, injected double spends included
	Seed            uint64      // every random choice derives from it
	Suite           suite.Suite // nil means suite.Default()
	DoubleSpendRate float64     // fraction of records that are double spends, 0 for none (the command's default is DefaultDoubleSpendRate)
	Hops            int         // records per coin lineage
	Wallets         int
	Agents          int
	Workers         int // goroutines; 0 means runtime.GOMAXPROCS(0)
	Chunk           int // coins per generate/reconcile round
}

func (c Config) withDefaults() Config {
	if c.Records <= 0 {
		c.Records = DefaultRecords
	}
	if c.Suite == nil {
		c.Suite = suite.Default()
	}
	if c.Hops <= 0 {
		c.Hops = DefaultHops
	}
	if c.Wallets <= 1 {
		c.Wallets = DefaultWallets
	}
	if c.Agents <= 0 {
		c.Agents = DefaultAgents
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Chunk <= 0 {
		c.Chunk = DefaultChunk
	}
	return c
}

// Report is what a run measured. Durations are wall time.
type Report struct {
	Suite    suite.ID
	Workers  int
	Records  int // uploads reconciled
	Coins    int // coins issued
	Verifies int // signature verifications during reconciliation

	Injected    int // double-spent instances the generator made
	Found       int // double-spent instances reconciliation flagged
	Missed      int // injected but not flagged
	FalseFlags  int // flagged but not injected
	Invalid     int // uploads refused (an honest workload has none)
	FirstReason string
	Orphans     int // spent instances that no verified record created

	Setup, Generate, Reconcile, Total time.Duration

	RecordsPerSec   float64 // uploads reconciled per second
	VerifiesPerSec  float64 // signature verifications per second while reconciling
	RawVerifyPerSec float64 // the machine's parallel verification throughput, same suite and workers
	Ratio           float64 // VerifiesPerSec / RawVerifyPerSec
	// The same comparison in process CPU time, which a shared machine's
	// load does not move: raw CPU per verification over reconciliation
	// CPU per verification (0 where the platform does not report CPU
	// time).
	ReconcileCPU, RawCPUPerVerify time.Duration
	CPURatio                      float64

	IndexCoins    int // instances in the double-spend index
	IndexBytes    int
	BytesPerCoin  float64
	LookupsPerSec float64 // single goroutine, present keys in random order

	PeakHeapBytes  uint64 // peak heap objects, sampled
	PeakTotalBytes uint64 // peak memory mapped by the Go runtime, sampled
}

// OK reports whether every injected double spend was found, nothing else
// was flagged, and every upload reconciled.
func (r *Report) OK() bool {
	return r.Missed == 0 && r.FalseFlags == 0 && r.Invalid == 0 && r.Orphans == 0 && r.Found == r.Injected
}

// world is the fixed cast: the issuer, agents and wallets, their keys and
// certificates.
type world struct {
	s       suite.Suite
	issuer  suite.PrivateKey
	agents  []string
	wallets []string
	keys    map[string]suite.PrivateKey
	certs   map[string]*devcert.Certificate
}

func newWorld(c Config) (*world, error) {
	r := detrand.New(c.Seed, "recbench/keys")
	w := &world{s: c.Suite, keys: map[string]suite.PrivateKey{}, certs: map[string]*devcert.Certificate{}}
	rootKey, err := c.Suite.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := devcert.NewRoot(c.Suite, rootKey, "PBOC", 1, at, at.AddDate(10, 0, 0))
	if err != nil {
		return nil, err
	}
	if w.issuer, err = c.Suite.GenerateKey(r); err != nil {
		return nil, err
	}
	serial := uint64(2)
	add := func(id string, role devcert.Role) error {
		k, err := c.Suite.GenerateKey(r)
		if err != nil {
			return err
		}
		cert, err := ca.Issue(devcert.Template{Serial: serial, ID: id, Role: role, PublicKey: k.Public(), NotBefore: at, NotAfter: at.AddDate(2, 0, 0)})
		if err != nil {
			return err
		}
		// The reconciler trusts a certificate once it has checked it
		// against the root, once, before the run.
		if err := cert.Verify(ca.Cert, at, nil); err != nil {
			return err
		}
		serial++
		w.keys[id], w.certs[id] = k, cert
		return nil
	}
	for i := range c.Agents {
		id := fmt.Sprintf("AGENT-%d", i)
		if err := add(id, devcert.RoleAgent); err != nil {
			return nil, err
		}
		w.agents = append(w.agents, id)
	}
	for i := range c.Wallets {
		id := fmt.Sprintf("wallet-%04d", i)
		if err := add(id, devcert.RoleWallet); err != nil {
			return nil, err
		}
		w.wallets = append(w.wallets, id)
	}
	return w, nil
}

// upload is one record with the holding it spends, as DER.
type upload struct {
	holding, record []byte
}

// rootValues are the denominations coins are issued in.
var rootValues = []int64{10000, 5000, 2000}

// genCoin generates the uploads of coin number n: its lineage of hops
// records, some of them double spends. It returns the uploads and the
// keys of the instances spent twice.
func (w *world) genCoin(c Config, n, records int) ([]upload, []dsindex.Key, error) {
	r := detrand.New(c.Seed, fmt.Sprintf("recbench/coin/%d", n))
	var serial coin.Serial
	r.Read(serial[:])
	agent := w.agents[n%len(w.agents)]
	root, err := coin.Sign(w.issuer, coin.New(serial, rootValues[r.IntN(len(rootValues))], coin.Serial{}, agent))
	if err != nil {
		return nil, nil, err
	}
	h := &transfer.Holding{Root: root, Serial: serial}
	// The holding the previous honest record spent, its holder, value
	// and payee.
	var prev *transfer.Holding
	var prevPayer, prevPayee string
	var prevValue int64
	holder, value := agent, root.Denomination
	ups := make([]upload, 0, records)
	var doubles []dsindex.Key
	lastDouble := false
	for hop := range records {
		counter := uint64(n)*uint64(c.Hops) + uint64(hop)
		if hop > 0 && !lastDouble && r.Float64() < c.DoubleSpendRate {
			// The previous payer spends the coin it just spent again, to
			// another payee.
			rec, err := w.pay(r, prev, prevPayer, prevValue, counter, prevPayee)
			if err != nil {
				return nil, nil, err
			}
			ups = append(ups, upload{prev.Marshal(), rec.Marshal()})
			doubles = append(doubles, dsindex.KeyOf(creatorOf(prev), prev.Serial))
			lastDouble = true
			continue
		}
		lastDouble = false
		rec, err := w.pay(r, h, holder, value, counter, "")
		if err != nil {
			return nil, nil, err
		}
		ups = append(ups, upload{h.Marshal(), rec.Marshal()})
		prev, prevPayer, prevPayee, prevValue = h, holder, rec.Payee, value
		out := rec.Outputs[0] // the payee's largest coin travels on
		h = h.Extend(rec, out.Serial)
		holder, value = out.Holder, out.Value
	}
	return ups, doubles, nil
}

func creatorOf(h *transfer.Holding) [32]byte {
	if n := len(h.Chain); n > 0 {
		return h.Chain[n-1].ID()
	}
	return [32]byte{}
}

// pay signs a record in which payer spends h (worth value) to a random
// wallet other than payer and not, when given, avoid.
func (w *world) pay(r *detrand.Source, h *transfer.Holding, payer string, value int64, counter uint64, avoid string) (*transfer.Signed, error) {
	var payee string
	for payee == "" || payee == payer || payee == avoid {
		payee = w.wallets[r.IntN(len(w.wallets))]
	}
	var challenge [transfer.ChallengeSize]byte
	r.Read(challenge[:])
	for range 64 {
		amount := 1 + r.Int64N(value)
		outs, err := transfer.Split(h.Serial, value, amount, payer, payee)
		if err != nil {
			continue // too many outputs: draw another amount
		}
		return transfer.Sign(w.keys[payer], transfer.Record{
			Version: transfer.Version1, Parent: h.Serial, ParentValue: value, Outputs: outs,
			Payer: payer, Payee: payee, Challenge: challenge, Counter: counter,
		})
	}
	return nil, spec.Errorf(spec.CodeInternal, "no split of %d fen in 64 draws", value)
}

// checked is what reconciling one upload yields for the index.
type checked struct {
	err      error
	spends   dsindex.Key
	creates  []dsindex.Key
	verifies int
}

// check reconciles one upload (see the package comment).
func (w *world) check(u upload) checked {
	var c checked
	// The holding down to its last hop: every earlier record is an
	// upload of its own, checked there (see the package comment).
	h, err := transfer.ParseTip(u.holding)
	if err != nil {
		return checked{err: err}
	}
	rec, err := transfer.Parse(u.record)
	if err != nil {
		return checked{err: err}
	}
	if err := rec.Validate(); err != nil {
		return checked{err: err}
	}
	var owner string
	var value int64
	var creator [32]byte
	wantRole := devcert.RoleWallet
	if h.Last == nil {
		root, err := coin.Parse(h.Root)
		if err != nil {
			return checked{err: err}
		}
		if h.Serial != root.Serial {
			return checked{err: spec.Errorf(spec.CodeValueMismatch, "bare holding names %s, its coin is %s", h.Serial, root.Serial)}
		}
		if err := root.Check(w.issuer.Public()); err != nil {
			return checked{err: err}
		}
		c.verifies++
		owner, value, wantRole = root.Agent, root.Denomination, devcert.RoleAgent
	} else {
		for _, o := range h.Last.Outputs {
			if o.Serial == h.Serial {
				owner, value = o.Holder, o.Value
			}
		}
		if owner == "" {
			return checked{err: spec.Errorf(spec.CodeValueMismatch, "the holding's last record creates no coin %s", h.Serial)}
		}
		creator = sha256.Sum256(h.LastTBS) // h.Last.ID()
	}
	if rec.Parent != h.Serial || rec.ParentValue != value || rec.Payer != owner {
		return checked{err: spec.Errorf(spec.CodeValueMismatch, "record does not spend the holding's coin as its holder")}
	}
	cert, ok := w.certs[rec.Payer]
	if !ok || cert.Role != wantRole {
		return checked{err: spec.Errorf(spec.CodeUntrustedIssuer, "signer %q is not a certified %s", rec.Payer, wantRole)}
	}
	// rec.Verify and rec.ID over the signed bytes as uploaded: Parse
	// accepted them, and an accepted record re-encodes to exactly its
	// input (fuzz/FuzzRecord checks it), so they are rec.TBS().
	tbs := der.Open(u.record, der.Application(transfer.TagRecord), transfer.MaxRecordDER, "record").
		Element("tbs", der.Application(transfer.TagRecordTBS), transfer.MaxRecordDER)
	if err := cert.PublicKey.Verify(tbs, rec.Signature); err != nil {
		return checked{err: err}
	}
	c.verifies++
	c.spends = dsindex.KeyOf(creator, h.Serial)
	mine := dsindex.CreatorOf(sha256.Sum256(tbs))
	c.creates = make([]dsindex.Key, len(rec.Outputs))
	for i, o := range rec.Outputs {
		c.creates[i] = mine.Instance(o.Serial)
	}
	return c
}

// parallel runs f(i) for i in [0, n) on workers goroutines.
func parallel(workers, n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// Raw measures the machine's parallel signature-verification
// throughput: goroutines verifying one record signature under one wallet
// key, nothing else. Measure it in the process, and at the times, whose
// throughput it is set against: on a shared machine the figure moves with
// the load.
type Raw struct {
	workers int
	items   []rawItem
	ops     int
	elapsed time.Duration
	cpu     time.Duration
}

// rawItem is one signed message under one key.
type rawItem struct {
	tbs, sig []byte
	pub      suite.PublicKey
}

// rawKeys is how many keys and records Raw cycles through, as a bank
// verifying many devices' records does (one key and message over and
// over would flatter the machine's caches).
const rawKeys = 64

// NewRaw prepares a measurement of suite s on workers goroutines: rawKeys
// transfer records, each signed by its own wallet key.
func NewRaw(s suite.Suite, workers int) (*Raw, error) {
	r := detrand.New(1, "recbench/raw")
	m := &Raw{workers: workers}
	for i := range rawKeys {
		k, err := s.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		var parent coin.Serial
		r.Read(parent[:])
		outs, err := transfer.Split(parent, 10000, 1+r.Int64N(9999), "wallet-a", "wallet-b")
		if err != nil {
			return nil, err
		}
		rec, err := transfer.Sign(k, transfer.Record{Version: transfer.Version1, Parent: parent, ParentValue: 10000, Outputs: outs, Payer: "wallet-a", Payee: "wallet-b", Counter: uint64(i)})
		if err != nil {
			return nil, err
		}
		m.items = append(m.items, rawItem{tbs: rec.TBS(), sig: rec.Signature, pub: k.Public()})
	}
	return m, nil
}

// Burst verifies about n signatures on every worker and adds them to the
// measurement.
func (m *Raw) Burst(n int) error {
	per := max(1, n/m.workers)
	var bad atomic.Int64
	start := time.Now()
	cpu0, _ := cputime.Process()
	// Uncached: the memos of spec/suite would answer the items after
	// their first verification, and time a map lookup.
	suite.Uncached(func() {
		parallel(m.workers, m.workers, func(w int) {
			for j := range per {
				it := &m.items[(w*per+j)%len(m.items)]
				if it.pub.Verify(it.tbs, it.sig) != nil {
					bad.Add(1)
				}
			}
		})
	})
	m.elapsed += time.Since(start)
	cpu1, _ := cputime.Process()
	m.cpu += cpu1 - cpu0
	m.ops += per * m.workers
	if bad.Load() > 0 {
		return errors.New("recbench: a good signature failed to verify")
	}
	return nil
}

// PerSec returns the verifications per second measured so far.
func (m *Raw) PerSec() float64 { return float64(m.ops) / m.elapsed.Seconds() }

// CPUPerOp returns the process CPU time per verification measured so
// far, or 0 where the platform does not report CPU time.
func (m *Raw) CPUPerOp() time.Duration { return m.cpu / time.Duration(max(1, m.ops)) }

// memSampler records peak memory until stopped.
type memSampler struct {
	stop        chan struct{}
	done        chan struct{}
	heap, total atomic.Uint64
}

func startMem() *memSampler {
	m := &memSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	read := func() {
		metrics.Read(samples)
		heap := samples[0].Value.Uint64()
		total := samples[1].Value.Uint64() - samples[2].Value.Uint64()
		if heap > m.heap.Load() {
			m.heap.Store(heap)
		}
		if total > m.total.Load() {
			m.total.Store(total)
		}
	}
	go func() {
		defer close(m.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-m.stop:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) end() (heap, total uint64) {
	close(m.stop)
	<-m.done
	return m.heap.Load(), m.total.Load()
}

// Run generates and reconciles the workload. It returns an error only if
// the workload cannot be built or ctx ends; what reconciliation found is
// in the Report (see Report.OK). It runs suite.Uncached: every signature
// is made and verified as a bank would, none answered from spec/suite's
// memos (an earlier run of the seed in the process would fill them).
func Run(ctx context.Context, cfg Config) (rep *Report, err error) {
	suite.Uncached(func() { rep, err = run(ctx, cfg) })
	return rep, err
}

func run(ctx context.Context, cfg Config) (*Report, error) {
	c := cfg.withDefaults()
	if c.Records > dsindex.MaxRecord {
		return nil, fmt.Errorf("recbench: at most %d records", dsindex.MaxRecord)
	}
	mem := startMem()
	t0 := time.Now()
	w, err := newWorld(c)
	if err != nil {
		mem.end()
		return nil, err
	}
	rep := &Report{Suite: c.Suite.ID(), Workers: c.Workers, Records: c.Records}
	raw, err := NewRaw(c.Suite, c.Workers)
	if err != nil {
		mem.end()
		return nil, err
	}
	coins := (c.Records + c.Hops - 1) / c.Hops
	rep.Coins = coins
	// Every coin is issued (one instance); a record creates up to
	// MaxOutputs, fewer than ten on average in this workload (a payment
	// of a random amount in table denominations, and the change).
	idx := dsindex.New(coins + 10*c.Records)
	// The issuance ledger: every issued coin is an instance, known
	// before any upload.
	for n := range coins {
		idx.Create(dsindex.KeyOf([32]byte{}, issuedSerial(c, n)))
	}
	rep.Setup = time.Since(t0)
	injected := map[dsindex.Key]bool{}
	flagged := map[dsindex.Key]bool{}
	var rec uint32
	for first := 0; first < coins; first += c.Chunk {
		if err := ctx.Err(); err != nil {
			mem.end()
			return nil, err
		}
		n := min(c.Chunk, coins-first)
		// Generate.
		g0 := time.Now()
		perCoin := make([][]upload, n)
		doubles := make([][]dsindex.Key, n)
		errs := make([]error, n)
		parallel(c.Workers, n, func(i int) {
			coinN := first + i
			records := min(c.Hops, c.Records-coinN*c.Hops)
			perCoin[i], doubles[i], errs[i] = w.genCoin(c, coinN, records)
		})
		if err := errors.Join(errs...); err != nil {
			mem.end()
			return nil, err
		}
		var ups []upload
		for i := range n {
			ups = append(ups, perCoin[i]...)
			for _, k := range doubles[i] {
				injected[k] = true
			}
		}
		perCoin = nil
		// Collect the generator's garbage now, so that reconciliation
		// is not charged for it.
		runtime.GC()
		rep.Generate += time.Since(g0)
		// Reconcile: check every upload in parallel, then index them.
		r0 := time.Now()
		c0, _ := cputime.Process()
		// Each worker indexes what it checked under one lock: the
		// critical section is a few lookups against a check of tens of
		// microseconds, and keeps both cores busy to the end.
		var mu sync.Mutex
		firstBad := -1
		parallel(c.Workers, len(ups), func(i int) {
			ch := w.check(ups[i])
			n := rec + uint32(i)
			mu.Lock()
			defer mu.Unlock()
			if ch.err != nil {
				rep.Invalid++
				if firstBad < 0 || i < firstBad {
					firstBad, rep.FirstReason = i, ch.err.Error()
				}
				return
			}
			rep.Verifies += ch.verifies
			if _, dup := idx.Spend(ch.spends, n); dup {
				flagged[ch.spends] = true
			}
			for _, k := range ch.creates {
				idx.Create(k)
			}
		})
		rec += uint32(len(ups))
		rep.Reconcile += time.Since(r0)
		c1, _ := cputime.Process()
		rep.ReconcileCPU += c1 - c0
		// Raw throughput is sampled after every chunk, a sixteenth of
		// the chunk's work, so it sees the same machine load.
		if err := raw.Burst(max(2*c.Workers, len(ups)/16)); err != nil {
			mem.end()
			return nil, err
		}
	}
	// Every spent instance must be issued or created by a verified record.
	r0 := time.Now()
	c0, _ := cputime.Process()
	idx.All(func(_ dsindex.Key, e dsindex.Entry) bool {
		if e.Spent && !e.Created {
			rep.Orphans++
		}
		return true
	})
	rep.Reconcile += time.Since(r0)
	c1, _ := cputime.Process()
	rep.ReconcileCPU += c1 - c0
	rep.RawVerifyPerSec = raw.PerSec()
	if rep.RawCPUPerVerify = raw.CPUPerOp(); rep.RawCPUPerVerify > 0 && rep.ReconcileCPU > 0 {
		rep.CPURatio = float64(rep.RawCPUPerVerify) * float64(rep.Verifies) / float64(rep.ReconcileCPU)
	}

	rep.Injected, rep.Found = len(injected), len(flagged)
	for k := range injected {
		if !flagged[k] {
			rep.Missed++
		}
	}
	for k := range flagged {
		if !injected[k] {
			rep.FalseFlags++
		}
	}
	rep.RecordsPerSec = float64(c.Records) / rep.Reconcile.Seconds()
	rep.VerifiesPerSec = float64(rep.Verifies) / rep.Reconcile.Seconds()
	rep.Ratio = rep.VerifiesPerSec / rep.RawVerifyPerSec
	rep.IndexCoins, rep.IndexBytes = idx.Len(), idx.Bytes()
	rep.BytesPerCoin = float64(idx.Bytes()) / float64(idx.Len())
	rep.LookupsPerSec = lookups(c.Seed, idx)
	rep.PeakHeapBytes, rep.PeakTotalBytes = mem.end()
	rep.Total = time.Since(t0)
	return rep, nil
}

// issuedSerial is the serial of coin n, as genCoin draws it.
func issuedSerial(c Config, n int) coin.Serial {
	r := detrand.New(c.Seed, fmt.Sprintf("recbench/coin/%d", n))
	var s coin.Serial
	r.Read(s[:])
	return s
}

// maxLookups bounds the keys lookups times.
const maxLookups = 1 << 22

// lookups times looking up keys of idx (all, or the first maxLookups in
// table order) in a seeded shuffle of that order, on one goroutine, and
// returns the median lookups per second of three passes. The table order depends on the index's
// random hash seed; the figure does not.
func lookups(seed uint64, idx *dsindex.Index) float64 {
	keys := make([]dsindex.Key, 0, min(idx.Len(), maxLookups))
	idx.All(func(k dsindex.Key, _ dsindex.Entry) bool {
		keys = append(keys, k)
		return len(keys) < maxLookups
	})
	detrand.New(seed, "recbench/lookups").Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	// The median of three passes: one pass is at the mercy of whatever
	// else the machine runs at that moment.
	var rates []float64
	for range 3 {
		start := time.Now()
		miss := 0
		for _, k := range keys {
			if _, ok := idx.Lookup(k); !ok {
				miss++
			}
		}
		el := time.Since(start)
		if miss > 0 || len(keys) == 0 {
			return 0
		}
		rates = append(rates, float64(len(keys))/el.Seconds())
	}
	slices.Sort(rates)
	return rates[1]
}
