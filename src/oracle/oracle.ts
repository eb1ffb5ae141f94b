// The Variable Markov Oracle from TypeScript: one wrapper around
// bindings/wasm/oracle.wasm (assembly/oracle/), used by the CLI, the live engine and
// the tests. add() takes one feature frame; the arrays read back use vmo's indexing
// (state 0 is the root, frame t is state t + 1, sfx[0] is null).

import { readFileSync } from "node:fs";

const WASM_PATH = new URL("../../bindings/wasm/oracle.wasm", import.meta.url);

export type DistanceFunction = "euclidean" | "cosine";

interface OracleExports {
  memory: WebAssembly.Memory;
  createOracle(dim: number, threshold: number, dfunc: number, capacity: number, maxRootCompare: number): number;
  release(o: number): void;
  inputPointer(o: number): number;
  add(o: number): number;
  finish(o: number): void;
  reset(o: number): void;
  nStates(o: number): number;
  numClusters(o: number): number;
  sfx(o: number, i: number): number;
  lrs(o: number, i: number): number;
  symbol(o: number, i: number): number;
  trnFirst(o: number, i: number): number;
  edgeNext(o: number, e: number): number;
  edgeTarget(o: number, e: number): number;
  rsfxFirst(o: number, i: number): number;
  rsfxNext(o: number, i: number): number;
  codeCount(o: number): number;
  codeLen(o: number, k: number): number;
  codePos(o: number, k: number): number;
  settledFrames(o: number): number;
  irCum(o: number, frame: number): number;
  irCum3(o: number, frame: number): number;
  distancesComputed(o: number): number;
  createShared(stride: number, ringPow2: number): number;
  releaseShared(s: number): void;
  sharedInputPointer(s: number): number;
  sharedNext(s: number): void;
  attach(o: number, s: number, globalBase: number): void;
  liveObjects(): number;
}

let cachedModule: WebAssembly.Module | undefined;
export function loadOracleModule(): WebAssembly.Module {
  cachedModule ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  return cachedModule;
}

/**
 * All oracles of a thread share one instance, so the memory a disposed oracle leaves
 * is reused by the next one (a fresh instance's first touch of its memory costs
 * about 4 ms per MB in page faults on this VM, and find_threshold builds many).
 */
const sharedInstances = new WeakMap<WebAssembly.Module, OracleExports>();
function instanceFor(module: WebAssembly.Module): OracleExports {
  let x = sharedInstances.get(module);
  if (!x) {
    const instance = new WebAssembly.Instance(module, {
      env: { abort: (_m: number, _f: number, line: number, col: number) => { throw new OracleError(`oracle kernel aborted at ${line}:${col}`); } },
    });
    x = instance.exports as unknown as OracleExports;
    sharedInstances.set(module, x);
  }
  return x;
}

/** Oracles and SharedFrames of this thread not yet disposed. */
export function liveOracleObjects(module = loadOracleModule()): number {
  return instanceFor(module).liveObjects();
}

/** Bytes of WASM memory all oracles of this thread hold together. */
export function oracleMemoryBytes(module = loadOracleModule()): number {
  return instanceFor(module).memory.buffer.byteLength;
}

/**
 * The frames of a threshold bank (several oracles on one stream): each frame is checked
 * and written once, and each distance from it to an earlier frame is computed once for
 * all the attached oracles (they would all compute the same number). `span` is the most
 * frames any attached oracle holds (a WindowedOracle's window).
 */
export class SharedFrames {
  readonly dim: number;
  readonly dfunc: DistanceFunction;
  readonly span: number;
  /** @internal the instance and handle the attached oracles use */
  readonly x: OracleExports;
  /** @internal */
  readonly handle: number;
  private readonly inputOffset: number;
  private input: Float64Array;
  private disposed = false;

  constructor({ dim, dfunc, span }: { dim: number; dfunc: DistanceFunction; span: number }, module = loadOracleModule()) {
    if (!Number.isInteger(dim) || dim < 1) throw new OracleError(`dim must be a whole number >= 1, got ${dim}`);
    if (!Number.isInteger(span) || span < 1) throw new OracleError(`span must be a whole number of frames >= 1, got ${span}`);
    this.dim = dim;
    this.dfunc = dfunc;
    this.span = span;
    this.x = instanceFor(module);
    // The ring outnumbers the frames any oracle holds, so live frames never share a slot.
    this.handle = this.x.createShared((dim + 1) & ~1, 2 ** Math.ceil(Math.log2(span + 2)));
    this.inputOffset = this.x.sharedInputPointer(this.handle);
    this.input = new Float64Array(this.x.memory.buffer, this.inputOffset, dim);
  }

  /** Checks and writes the next frame for every attached oracle (then call their addShared()). */
  write(frame: ArrayLike<number>): void {
    checkFrame(frame, this.dim);
    if (this.input.buffer !== this.x.memory.buffer) this.input = new Float64Array(this.x.memory.buffer, this.inputOffset, this.dim);
    for (let k = 0; k < this.dim; k++) this.input[k] = frame[k]!;
    this.x.sharedNext(this.handle);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.releaseShared(this.handle);
  }
}

/** Frames with NaN or Inf, or the wrong length, are refused with an OracleError. */
function checkFrame(frame: ArrayLike<number>, dim: number): void {
  if (frame.length !== dim) throw new OracleError(`frame has ${frame.length} values, the oracle takes ${dim}`);
  for (let k = 0; k < dim; k++) {
    if (!Number.isFinite(frame[k])) throw new OracleError(`frame value ${k} is ${frame[k]}, not a finite number`);
  }
}

export interface OracleOptions {
  dim: number;
  /** Frames closer than this (strictly) count as the same symbol. */
  threshold: number;
  dfunc?: DistanceFunction;
  /** Expected number of frames (storage grows past it if needed). */
  capacity?: number;
  /**
   * Compare a new frame with at most this many (most recent) clusters at the root;
   * 0 (default) compares all, exactly as vmo. Bounds the worst-case cost per frame.
   */
  maxRootCompare?: number;
  /** Join a bank: frames come from `shared.write()` and are added with addShared(). */
  shared?: SharedFrames;
  /** With `shared`: the global frame number of this oracle's first frame (default 0). */
  firstFrame?: number;
}

export class OracleError extends Error {
  override name = "OracleError";
}

/** One oracle, built incrementally. */
export class VariableMarkovOracle {
  readonly dim: number;
  readonly threshold: number;
  readonly dfunc: DistanceFunction;
  private readonly x: OracleExports;
  private readonly handle: number;
  private readonly inputOffset: number;
  private input: Float64Array;
  private readonly shared: SharedFrames | null;
  private finished = false;
  private disposed = false;

  constructor({ dim, threshold, dfunc = "cosine", capacity = 1024, maxRootCompare = 0, shared, firstFrame = 0 }: OracleOptions, module = loadOracleModule()) {
    if (!Number.isInteger(dim) || dim < 1) throw new OracleError(`dim must be a whole number >= 1, got ${dim}`);
    if (!Number.isFinite(threshold) || threshold < 0) throw new OracleError(`threshold must be a number >= 0, got ${threshold}`);
    if (dfunc !== "euclidean" && dfunc !== "cosine") throw new OracleError(`dfunc must be euclidean or cosine, got ${dfunc}`);
    this.dim = dim;
    this.threshold = threshold;
    this.dfunc = dfunc;
    this.x = instanceFor(module);
    this.handle = this.x.createOracle(dim, threshold, dfunc === "cosine" ? 1 : 0, capacity + 1, maxRootCompare);
    this.inputOffset = this.x.inputPointer(this.handle);
    this.input = new Float64Array(this.x.memory.buffer, this.inputOffset, dim);
    this.shared = shared ?? null;
    if (shared) {
      if (shared.x !== this.x) throw new OracleError("shared frames belong to another oracle module");
      if (shared.dim !== dim || shared.dfunc !== dfunc) throw new OracleError(`shared frames are ${shared.dim}-dim ${shared.dfunc}, the oracle ${dim}-dim ${dfunc}`);
      if (capacity > shared.span) throw new OracleError(`an oracle of ${capacity} frames cannot share frames spanning ${shared.span}`);
      this.x.attach(this.handle, shared.handle, firstFrame);
    }
  }

  /**
   * Adds one frame and returns its state (frame index + 1). Frames with NaN or Inf,
   * or the wrong length, are refused with an OracleError (the oracle is unchanged).
   */
  add(frame: ArrayLike<number>): number {
    if (this.finished) throw new OracleError("the oracle was finished; create a new one to add frames");
    if (this.shared) throw new OracleError("this oracle takes its frames from its bank: write them there, then addShared()");
    checkFrame(frame, this.dim);
    // Memory may grow as the oracle grows, which detaches old views.
    if (this.input.buffer !== this.x.memory.buffer) this.input = new Float64Array(this.x.memory.buffer, this.inputOffset, this.dim);
    for (let k = 0; k < this.dim; k++) this.input[k] = frame[k]!;
    return this.x.add(this.handle);
  }

  /** Adds the frame last written to the bank's SharedFrames (checked there); returns its state. */
  addShared(): number {
    if (this.finished) throw new OracleError("the oracle was finished; create a new one to add frames");
    if (!this.shared) throw new OracleError("addShared() needs an oracle made with { shared }");
    return this.x.add(this.handle);
  }

  /** Closes the last Compror block so every frame's 'cum' IR is settled. */
  finish(): void {
    if (!this.finished) this.x.finish(this.handle);
    this.finished = true;
  }

  get nStates(): number { return this.x.nStates(this.handle); }
  /** Distances computed so far (vmo's cdist calls compare a frame with each candidate). */
  get distancesComputed(): number { return this.x.distancesComputed(this.handle); }
  get numClusters(): number { return this.x.numClusters(this.handle); }
  /** Frames whose 'cum' IR is settled (its Compror block has closed). */
  get settledFrames(): number { return this.x.settledFrames(this.handle); }

  sfxOf(i: number): number | null { const s = this.x.sfx(this.handle, i); return s < 0 ? null : s; }
  lrsOf(i: number): number { return this.x.lrs(this.handle, i); }
  /** Cluster label of state i (null for the root). */
  symbolOf(i: number): number | null { const s = this.x.symbol(this.handle, i); return s < 0 ? null : s; }
  /** IR 'cum3' of frame f (0-based): causal, exact as soon as the frame is added. */
  irCum3Of(f: number): number { return this.x.irCum3(this.handle, f); }
  /** IR 'cum' of frame f, or null while its Compror block is still open. */
  irCumOf(f: number): number | null { return f < this.settledFrames ? this.x.irCum(this.handle, f) : null; }

  trnOf(i: number): number[] {
    const out: number[] = [];
    for (let e = this.x.trnFirst(this.handle, i); e >= 0; e = this.x.edgeNext(this.handle, e)) out.push(this.x.edgeTarget(this.handle, e));
    return out;
  }

  rsfxOf(i: number): number[] {
    const out: number[] = [];
    for (let j = this.x.rsfxFirst(this.handle, i); j >= 0; j = this.x.rsfxNext(this.handle, j)) out.push(j);
    return out;
  }

  /** Compror code words [length, position] (length 0: a literal). */
  code(): [number, number][] {
    return Array.from({ length: this.x.codeCount(this.handle) }, (_, k) => [this.x.codeLen(this.handle, k), this.x.codePos(this.handle, k)]);
  }

  /**
   * Empties the oracle for reuse; its storage is kept, so this allocates nothing. In a
   * bank, `firstFrame` is the global frame number its next frame will have.
   */
  reset(firstFrame = 0): void {
    this.x.reset(this.handle);
    if (this.shared) this.x.attach(this.handle, this.shared.handle, firstFrame);
    this.finished = false;
  }

  /** Frees the oracle inside the shared WASM instance (its memory is reused). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.release(this.handle);
  }
}
