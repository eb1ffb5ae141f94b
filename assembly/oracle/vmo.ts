// The Variable Markov Oracle (Wang & Dubnov), built incrementally one feature frame
// at a time, following wangsix/vmo 0.30.5's MO with suffix_method='inc' decision for
// decision: the suffix walk, the closest-candidate rule, the common-suffix lrs rule
// and _find_better. Distances are float64 so the threshold decisions match.
//
// State 0 is the empty root; frame t is state t + 1. "None" in the original is -1.
// Per-state lists (rsfx, cluster members) are intrusive linked lists because every
// state sits in exactly one of each; forward links (trn) live in an edge pool.

export const DFUNC_EUCLIDEAN: i32 = 0;
export const DFUNC_COSINE: i32 = 1;

const NONE: i32 = -1;

/**
 * log2 of the whole numbers below 2^16, filled as needed: every frame of every oracle
 * takes two (cluster count and repeated-suffix length, for the causal IR) and WASM has
 * no log instruction. Shared by all oracles of the module (512 KB). 0 marks a gap.
 */
const LOG2_TABLE_SIZE: i32 = 1 << 16;
const log2Table = new StaticArray<f64>(LOG2_TABLE_SIZE);
@inline function log2Of(n: i32): f64 {
  if (n >= LOG2_TABLE_SIZE || n < 2) return Math.log2(<f64>n);
  let v = unchecked(log2Table[n]);
  if (v == 0) {
    v = Math.log2(<f64>n);
    unchecked(log2Table[n] = v);
  }
  return v;
}

/** A growable int list that reuses its storage (grows by doubling, never shrinks). */
class IntPool {
  data: StaticArray<i32>;
  length: i32 = 0;
  constructor(capacity: i32) { this.data = new StaticArray<i32>(max(capacity, 16)); }
  /** Inlined: a dozen pushes per state per oracle; growth is the rare, separate case. */
  @inline push(v: i32): i32 {
    if (this.length == this.data.length) this.grow();
    unchecked(this.data[this.length] = v);
    return this.length++;
  }
  private grow(): void {
    const grown = new StaticArray<i32>(this.data.length << 1);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.data), <usize>this.length << 2);
    this.data = grown;
  }
  @inline get(i: i32): i32 { return unchecked(this.data[i]); }
  @inline set(i: i32, v: i32): void { unchecked(this.data[i] = v); }
}

/**
 * The frames of a threshold bank. Every oracle of a bank takes the same input frame and
 * stores an identical copy of every frame, so the distance from the input to global
 * frame g is the same number (bit for bit) in each of them. The input lives here once,
 * and a ring indexed by global frame keeps each distance computed for the current
 * input, so the bank computes it once: the small thresholds of a bank, where every
 * frame is new, all compare the input with the same most recent frames.
 * The ring must hold more frames than any attached oracle spans (the host checks it).
 */
export class SharedFrames {
  readonly input: StaticArray<f64>;
  readonly mask: i32;
  /**
   * The kept distances, one 16-byte slot per ring position: the i32 stamp at byte 0, the
   * f64 distance at byte 8. Stamp and value side by side cost one cache miss per lookup,
   * not two: a bank's root scans look up thousands of slots spread over the whole window.
   */
  readonly slots: StaticArray<f64>;
  /** The current input's serial number; a ring entry is valid when its stamp equals it. */
  epoch: i32 = 0;
  // The closest of a run of consecutive global frames to the current input (first on
  // ties), as the root walk of an oracle where every recent frame is new finds it: the
  // same run, and so the same answer, for every such oracle of the bank.
  rangeEpoch: i32 = -1;
  rangeFirst: i32 = 0;
  rangeCount: i32 = 0;
  rangeMin: f64 = Infinity;
  rangeArg: i32 = -1;

  constructor(stride: i32, ringPow2: i32) {
    this.input = new StaticArray<f64>(stride);
    this.mask = ringPow2 - 1;
    this.slots = new StaticArray<f64>(2 * ringPow2);
    this.clearStamps();
  }

  /** A new input frame was written: every kept distance is stale. */
  next(): void {
    // After 2^31 frames (290 days at 86 frames/s) the serial would repeat: clear instead.
    if (this.epoch == i32.MAX_VALUE) {
      this.clearStamps();
      this.rangeEpoch = -1;
      this.epoch = 0;
    } else {
      this.epoch++;
    }
  }

  private clearStamps(): void {
    const base = changetype<usize>(this.slots);
    for (let k = 0; k <= this.mask; k++) store<i32>(base + ((<usize>k) << 4), -1);
  }
}

export class Oracle {
  readonly dim: i32;
  /** Floats per stored feature: dim rounded up to even (zero pad) for f64x2 loops. */
  readonly stride: i32;
  readonly threshold: f64;
  readonly dfunc: i32;
  /**
   * At most this many clusters are compared at the root (the most recent ones); 0
   * compares all, as vmo does. Every new cluster adds a root link, so without a cap
   * a frame unlike anything costs one distance per cluster ever seen.
   */
  readonly maxRootCompare: i32;
  /** Number of states including the root (n_states). */
  n: i32 = 1;
  numClusters: i32 = 0;
  /** Distances computed so far (the cost of the suffix walks). */
  distances: f64 = 0;

  /** The frame the host writes before add() (the bank's, when attached to SharedFrames). */
  input: StaticArray<f64>;
  /** Set when the oracle is part of a bank: distances are looked up there first. */
  private shared: SharedFrames | null = null;
  /** Global frame number of state 1 (state t is frame globalBase + t - 1). */
  private globalBase: i32 = 0;

  // Per-state data (index = state), grown together.
  features: StaticArray<f64>;
  norms: StaticArray<f64>;
  sfx: IntPool;
  lrs: IntPool;
  symbol: IntPool;
  trnHead: IntPool;
  trnTail: IntPool;
  rsfxHead: IntPool;
  rsfxTail: IntPool;
  rsfxNext: IntPool;
  clusterNext: IntPool;
  /** Targets of the root's forward links, in order (for the capped root walk). */
  rootTargets: IntPool;
  // Forward-link edge pool.
  edgeTarget: IntPool;
  edgeNext: IntPool;
  // Per-cluster first/last member.
  clusterHead: IntPool;
  clusterTail: IntPool;

  // Compror encoding, advanced as states arrive (see advanceEncoding).
  codeLen: IntPool;
  codePos: IntPool;
  private encJ: i32 = 0;
  private encI: i32 = 0;
  private literals: i32 = 0;
  /** IR 'cum' per frame (0-based), valid for frames < settledFrames. */
  irCum: StaticArray<f64>;
  settledFrames: i32 = 0;
  /** IR 'cum3' per frame, exact as soon as the frame is added. */
  irCum3: StaticArray<f64>;
  private newClusterStates: i32 = 0;

  constructor(dim: i32, threshold: f64, dfunc: i32, capacity: i32, maxRootCompare: i32) {
    const cap = max(capacity, 16);
    const stride = (dim + 1) & ~1;
    this.dim = dim;
    this.stride = stride;
    this.threshold = threshold;
    this.dfunc = dfunc;
    this.maxRootCompare = maxRootCompare;
    this.input = new StaticArray<f64>(stride);
    this.features = new StaticArray<f64>(cap * stride);
    this.norms = new StaticArray<f64>(cap);
    this.sfx = new IntPool(cap);
    this.lrs = new IntPool(cap);
    this.symbol = new IntPool(cap);
    this.trnHead = new IntPool(cap);
    this.trnTail = new IntPool(cap);
    this.rsfxHead = new IntPool(cap);
    this.rsfxTail = new IntPool(cap);
    this.rsfxNext = new IntPool(cap);
    this.clusterNext = new IntPool(cap);
    this.rootTargets = new IntPool(64);
    this.edgeTarget = new IntPool(cap * 2);
    this.edgeNext = new IntPool(cap * 2);
    this.clusterHead = new IntPool(64);
    this.clusterTail = new IntPool(64);
    this.codeLen = new IntPool(64);
    this.codePos = new IntPool(64);
    this.irCum = new StaticArray<f64>(cap);
    this.irCum3 = new StaticArray<f64>(cap);
    this.pushStateSlots(NONE, 0, NONE);
  }

  /** Joins a bank: the input is the bank's, and state 1 will be global frame `globalBase`. */
  attach(shared: SharedFrames, globalBase: i32): void {
    this.shared = shared;
    this.input = shared.input;
    this.globalBase = globalBase;
  }

  /** Empties the oracle, keeping its storage: reuse costs no allocation. */
  reset(): void {
    this.n = 1;
    this.numClusters = 0;
    this.distances = 0;
    this.encJ = 0;
    this.encI = 0;
    this.literals = 0;
    this.settledFrames = 0;
    this.newClusterStates = 0;
    this.sfx.length = 0; this.lrs.length = 0; this.symbol.length = 0;
    this.trnHead.length = 0; this.trnTail.length = 0;
    this.rsfxHead.length = 0; this.rsfxTail.length = 0; this.rsfxNext.length = 0;
    this.clusterNext.length = 0; this.clusterHead.length = 0; this.clusterTail.length = 0;
    this.rootTargets.length = 0; this.edgeTarget.length = 0; this.edgeNext.length = 0;
    this.codeLen.length = 0; this.codePos.length = 0;
    this.pushStateSlots(NONE, 0, NONE);
  }

  private pushStateSlots(sfx: i32, lrs: i32, symbol: i32): void {
    this.sfx.push(sfx);
    this.lrs.push(lrs);
    this.symbol.push(symbol);
    this.trnHead.push(NONE);
    this.trnTail.push(NONE);
    this.rsfxHead.push(NONE);
    this.rsfxTail.push(NONE);
    this.rsfxNext.push(NONE);
    this.clusterNext.push(NONE);
  }

  private ensureFeatureCapacity(states: i32): void {
    if (states * this.stride <= this.features.length) return;
    let cap = this.norms.length;
    while (cap < states) cap <<= 1;
    const f = new StaticArray<f64>(cap * this.stride);
    memory.copy(changetype<usize>(f), changetype<usize>(this.features), (<usize>this.n * this.stride) << 3);
    this.features = f;
    const nn = new StaticArray<f64>(cap);
    memory.copy(changetype<usize>(nn), changetype<usize>(this.norms), (<usize>this.n) << 3);
    this.norms = nn;
    const c = new StaticArray<f64>(cap);
    memory.copy(changetype<usize>(c), changetype<usize>(this.irCum), (<usize>this.n) << 3);
    this.irCum = c;
    const c3 = new StaticArray<f64>(cap);
    memory.copy(changetype<usize>(c3), changetype<usize>(this.irCum3), (<usize>this.n) << 3);
    this.irCum3 = c3;
  }

  private appendTrn(from: i32, to: i32): void {
    if (from == 0) this.rootTargets.push(to);
    const e = this.edgeTarget.push(to);
    this.edgeNext.push(NONE);
    const tail = this.trnTail.get(from);
    if (tail == NONE) this.trnHead.set(from, e);
    else this.edgeNext.set(tail, e);
    this.trnTail.set(from, e);
  }

  private appendRsfx(to: i32, state: i32): void {
    const tail = this.rsfxTail.get(to);
    if (tail == NONE) this.rsfxHead.set(to, state);
    else this.rsfxNext.set(tail, state);
    this.rsfxTail.set(to, state);
  }

  private appendCluster(c: i32, state: i32): void {
    if (c == this.clusterHead.length) {
      this.clusterHead.push(state);
      this.clusterTail.push(state);
      return;
    }
    this.clusterNext.set(this.clusterTail.get(c), state);
    this.clusterTail.set(c, state);
  }

  /**
   * The bank's kept distance to state t, or computed and kept. Everything comes in as
   * locals the walk hoisted (field loads in the loop would be repeated on every
   * candidate: the stores into the ring stop the optimizer from hoisting them), so a
   * kept distance costs two loads and a compare, where computing one reads 2 x dim floats.
   * `pruneBeyond`: euclidean, d(x, y) >= |‖x‖ - ‖y‖|, so a candidate whose norm is further
   * than this from the frame's cannot be under the threshold; it gets Infinity, not its
   * distance, and nothing is kept (a larger threshold of the bank may need the true
   * distance). Infinity: no bound (cosine, or a scan that must see every distance).
   */
  @inline private sharedDistance(t: i32, inputNorm: f64, slots: usize, mask: i32, epoch: i32, slotBase: i32, norms: usize, pruneBeyond: f64): f64 {
    const at = slots + ((<usize>((slotBase + t) & mask)) << 4);
    if (load<i32>(at) == epoch) return load<f64>(at, 8);
    if (Math.abs(inputNorm - load<f64>(norms + ((<usize>t) << 3))) > pruneBeyond) return Infinity;
    const d = this.computeDistance(t, inputNorm);
    store<i32>(at, epoch);
    store<f64>(at, d, 8);
    return d;
  }

  /**
   * Distance between the input frame and state t's feature (scipy's definitions),
   * two dimensions per step (features are zero-padded to an even length). `distances`
   * counts these (in a bank, a kept distance is counted once, by the oracle that computed it).
   */
  private computeDistance(t: i32, inputNorm: f64): f64 {
    this.distances++;
    const pairs = this.stride;
    const a = changetype<usize>(this.input);
    const b = changetype<usize>(this.features) + ((<usize>(t * pairs)) << 3);
    let acc = f64x2.splat(0);
    if (this.dfunc == DFUNC_COSINE) {
      for (let k = 0; k < pairs; k += 2) {
        const off = (<usize>k) << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(a + off), v128.load(b + off)));
      }
      const uv = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      return 1.0 - uv / (inputNorm * unchecked(this.norms[t]));
    }
    for (let k = 0; k < pairs; k += 2) {
      const off = (<usize>k) << 3;
      const d = f64x2.sub(v128.load(a + off), v128.load(b + off));
      acc = f64x2.add(acc, f64x2.mul(d, d));
    }
    return Math.sqrt(f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
  }

  /** Length of the common suffix rule (vmo's _len_common_suffix). */
  private lenCommonSuffix(p1: i32, p2: i32): i32 {
    const s1 = this.sfx.get(p1);
    if (p2 == s1) return this.lrs.get(p1);
    while (this.sfx.get(p2) != s1 && p2 != 0) p2 = this.sfx.get(p2);
    return min(this.lrs.get(p1), this.lrs.get(p2));
  }

  /** Adds the frame in `input`; returns the new state's index. */
  add(): i32 {
    const i = this.n;
    this.ensureFeatureCapacity(i + 1);
    let norm2: f64 = 0;
    const dst = changetype<usize>(this.features) + ((<usize>(i * this.stride)) << 3);
    for (let k = 0; k < this.stride; k++) {
      const v = unchecked(this.input[k]);
      store<f64>(dst + ((<usize>k) << 3), v);
      norm2 += v * v;
    }
    const inputNorm = Math.sqrt(norm2);
    unchecked(this.norms[i] = inputNorm);
    this.pushStateSlots(0, 0, NONE);
    this.n = i + 1;

    this.appendTrn(i - 1, i);
    let k = this.sfx.get(i - 1);
    let pi1 = i - 1;
    let candidate = 0;
    // In a bank, the kept distances (hoisted once: the walks below are the hot loops).
    const shared = this.shared;
    const slots: usize = shared === null ? 0 : changetype<usize>(shared.slots);
    const mask = shared === null ? 0 : shared.mask;
    const epoch = shared === null ? 0 : shared.epoch;
    const threshold = this.threshold;
    // Ring slot of state t is (slotBase + t) & mask: state t is global frame globalBase + t - 1.
    const slotBase = this.globalBase - 1;
    const norms = changetype<usize>(this.norms); // after ensureFeatureCapacity: it stays put
    // The margin covers rounding, so no decision changes.
    const pruneBeyond = this.dfunc == DFUNC_EUCLIDEAN ? threshold * (1 + 1e-9) + 1e-12 : Infinity;
    while (k != NONE) {
      // The closest forward-link target under the threshold (first one on ties).
      let best = NONE;
      let bestDistance = Infinity;
      const roots = this.rootTargets.length;
      const cap = this.maxRootCompare;
      if (k == 0 && cap > 0 && roots > cap && shared !== null && this.rootTargets.get(roots - 1) - this.rootTargets.get(roots - cap) == cap - 1) {
        // The last `cap` root targets are consecutive states (root targets only grow), so
        // they are the global frames [g, g + cap): the closest of them is the bank's
        // answer for every oracle whose recent frames are all new. Found once per input,
        // exactly (no norm bound, so it holds for every threshold).
        const first = this.rootTargets.get(roots - cap);
        const g = this.globalBase + first - 1;
        if (shared.rangeEpoch != epoch || shared.rangeFirst != g || shared.rangeCount != cap) {
          let m = Infinity, arg = NONE;
          for (let t = first; t < first + cap; t++) {
            const d = this.sharedDistance(t, inputNorm, slots, mask, epoch, slotBase, norms, Infinity);
            if (d < m) { m = d; arg = t; }
          }
          shared.rangeEpoch = epoch;
          shared.rangeFirst = g;
          shared.rangeCount = cap;
          shared.rangeMin = m;
          shared.rangeArg = arg == NONE ? NONE : g + (arg - first);
        }
        if (shared.rangeMin < threshold) {
          best = shared.rangeArg - this.globalBase + 1;
          bestDistance = shared.rangeMin;
        }
      } else if (k == 0 && cap > 0 && roots > cap) {
        // The targets' storage, hoisted: rootTargets only grows after this scan (appendTrn(0, i)).
        const targets = changetype<usize>(this.rootTargets.data);
        for (let r = roots - cap; r < roots; r++) {
          const t = load<i32>(targets + ((<usize>r) << 2));
          const d = shared === null ? this.computeDistance(t, inputNorm) : this.sharedDistance(t, inputNorm, slots, mask, epoch, slotBase, norms, pruneBeyond);
          if (d < threshold && d < bestDistance) {
            best = t;
            bestDistance = d;
          }
        }
      } else {
        for (let e = this.trnHead.get(k); e != NONE; e = this.edgeNext.get(e)) {
          const t = this.edgeTarget.get(e);
          const d = shared === null ? this.computeDistance(t, inputNorm) : this.sharedDistance(t, inputNorm, slots, mask, epoch, slotBase, norms, pruneBeyond);
          if (d < threshold && d < bestDistance) {
            best = t;
            bestDistance = d;
          }
        }
      }
      if (best == NONE) {
        this.appendTrn(k, i);
        pi1 = k;
        k = this.sfx.get(k);
      } else {
        candidate = best;
        break;
      }
    }

    if (k == NONE) {
      // Nothing like it before: a new cluster (symbol).
      const c = this.numClusters++;
      this.symbol.set(i, c);
      this.appendCluster(c, i);
      this.newClusterStates++;
    } else {
      this.sfx.set(i, candidate);
      this.lrs.set(i, this.lenCommonSuffix(pi1, candidate - 1) + 1);
      const c = this.symbol.get(candidate);
      this.symbol.set(i, c);
      this.appendCluster(c, i);
    }

    // _find_better: a state in rsfx[sfx[i]] with the same lrs whose preceding symbol
    // matches extends the repeated suffix by one. rsfx lists are ascending by
    // construction (states are appended in order), as vmo's sort makes them.
    // A state that just started a cluster is skipped: its symbol is brand new, so no
    // earlier state can match it, and scanning rsfx[0] (every cluster's first state)
    // would make each new frame cost O(frames), as it does in vmo.
    const lrsI = this.lrs.get(i);
    const wanted = this.symbol.get(i - lrsI);
    const startedCluster = k == NONE;
    for (let j = startedCluster ? NONE : this.rsfxHead.get(this.sfx.get(i)); j != NONE; j = this.rsfxNext.get(j)) {
      if (this.lrs.get(j) == lrsI && j - lrsI > 0 && this.symbol.get(j - lrsI) == wanted) {
        this.lrs.set(i, lrsI + 1);
        this.sfx.set(i, j);
        break;
      }
    }
    this.appendRsfx(this.sfx.get(i), i);

    this.updateCum3(i);
    this.advanceEncoding(false);
    return i;
  }

  /** IR 'cum3' for the new state: causal, exact per frame. */
  private updateCum3(i: i32): void {
    const h0 = log2Of(this.newClusterStates);
    const m = this.lrs.get(i);
    const h1 = m == 0 ? h0 : (h0 + log2Of(m)) / <f64>m;
    unchecked(this.irCum3[i - 1] = max(0.0, h0 - h1));
  }

  /**
   * Compror encoding (vmo's _encode), advanced as far as the states decide it: a
   * block [j, i] grows while the next state's lrs covers it, and closes when one
   * does not. The block still growing at the end is closed only when `final`.
   * Closing a block settles the 'cum' IR of its frames.
   */
  advanceEncoding(final: bool): void {
    const last = this.n - 1;
    let j = this.encJ, i = this.encI;
    while (j < last) {
      while (i < last && this.lrs.get(i + 1) >= i - j + 1) i++;
      if (i == last && !final) break;
      let length: i32;
      if (i == j) {
        i++;
        this.codeLen.push(0);
        this.codePos.push(i);
        this.literals++;
        length = 1;
      } else {
        this.codeLen.push(i - j);
        this.codePos.push(this.sfx.get(i) - i + j + 1);
        length = i - j;
      }
      // Frames j .. j+length-1 share the block's IR.
      const h0 = log2Of(this.literals);
      const h1 = log2Of(this.codeLen.length) / <f64>length;
      const ir = max(0.0, h0 - h1);
      for (let f = j; f < j + length; f++) unchecked(this.irCum[f] = ir);
      this.settledFrames = j + length;
      j = i;
    }
    this.encJ = j;
    this.encI = i;
  }
}
