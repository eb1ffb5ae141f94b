// The oracle as the live engine uses it: frame by frame, for days, with a bank of
// thresholds, motif events and a sliding-window recurrence analysis.
//
// Bounded memory (WindowedOracle): each oracle lives for `window` frames. When the
// serving oracle is half full, a fresh one starts beside it and both take every
// frame; when the serving one is full, the fresh one (now half full) takes over and
// the old one is dropped. So at most two oracles of at most `window` frames exist,
// every frame costs at most two adds, and there is no rebuild spike (the retired
// oracle is emptied and reused, so a hand-over allocates nothing). What this gives
// up against vmo's unbounded oracle: structure older than one window is forgotten,
// and right after a hand-over the serving oracle knows only half a window of past,
// so IR reads a little higher (more material looks new) than a full-history oracle.
//
// Shared frames: the two oracles of a window, and every oracle of a bank, take the same
// frames, so they share one SharedFrames: each frame is checked and written once, and
// each distance from it to an earlier frame is computed once (results are identical).

import { SharedFrames, VariableMarkovOracle, type DistanceFunction } from "./oracle.ts";
import { recurrenceMatrix, rqa, type RqaMeasures } from "./recurrence.ts";

export interface WindowedOracleOptions {
  dim: number;
  threshold: number;
  dfunc: DistanceFunction;
  /** Frames an oracle keeps (default 51,680: ten minutes at 44.1 kHz, hop 512). */
  window?: number;
  /** Clusters compared at the root at most (default 256). */
  maxRootCompare?: number;
  /** A bank's frames (the bank writes each frame there, then calls addShared()); default: its own. */
  shared?: SharedFrames;
}

/** Global frame number of an oracle's state: the oracle started at `start`. */
interface Slot {
  oracle: VariableMarkovOracle;
  start: number;
}

export class WindowedOracle {
  static readonly DEFAULT_WINDOW = 51_680;
  readonly threshold: number;
  readonly window: number;
  private readonly options: Required<Omit<WindowedOracleOptions, "shared">>;
  private readonly shared: SharedFrames;
  /** Whether `shared` is this window's own (add() writes it) or a bank's. */
  private readonly ownsShared: boolean;
  private serving: Slot;
  private next: Slot | null = null;
  /** The retired oracle, emptied, waiting to become the next one (no new allocation). */
  private spare: VariableMarkovOracle | null = null;
  private frames = 0;

  constructor(options: WindowedOracleOptions) {
    // `??`, not a spread: an explicit `window: undefined` must still get the default.
    this.options = { ...options, window: options.window ?? WindowedOracle.DEFAULT_WINDOW, maxRootCompare: options.maxRootCompare ?? 256 };
    if (!Number.isInteger(this.options.window) || this.options.window < 4) throw new Error(`window must be a whole number of frames >= 4, got ${this.options.window}`);
    this.threshold = options.threshold;
    this.window = this.options.window;
    this.ownsShared = !options.shared;
    this.shared = options.shared ?? new SharedFrames({ dim: options.dim, dfunc: options.dfunc, span: this.window });
    if (this.shared.span < this.window) throw new Error(`shared frames span ${this.shared.span} frames, the window is ${this.window}`);
    this.serving = this.open(0);
  }

  private open(start: number): Slot {
    if (this.spare) {
      const oracle = this.spare;
      this.spare = null;
      oracle.reset(start);
      return { oracle, start };
    }
    const { dim, threshold, dfunc, window, maxRootCompare } = this.options;
    return { oracle: new VariableMarkovOracle({ dim, threshold, dfunc, capacity: window, maxRootCompare, shared: this.shared, firstFrame: start }), start };
  }

  /** The oracle answering queries now, and the global frame of its first state. */
  get current(): Slot {
    return this.serving;
  }

  /** Frames added since construction. */
  get frameCount(): number {
    return this.frames;
  }

  /** Adds a frame (a window of a bank: the bank writes frames, use addShared()). */
  add(frame: ArrayLike<number>): void {
    if (!this.ownsShared) throw new Error("this window takes its frames from its bank: write them there, then addShared()");
    this.shared.write(frame);
    this.addShared();
  }

  /** Frees its oracles (and its own shared frames) inside the WASM instance, for reuse. */
  dispose(): void {
    this.serving.oracle.dispose();
    this.next?.oracle.dispose();
    this.spare?.dispose();
    this.next = null;
    this.spare = null;
    if (this.ownsShared) this.shared.dispose();
  }

  /** Adds the frame last written to the shared frames. */
  addShared(): void {
    this.serving.oracle.addShared();
    this.next?.oracle.addShared();
    this.frames++;
    if (this.frames - this.serving.start >= this.window && this.next) {
      this.spare = this.serving.oracle; // reset when it is opened again, with its new start
      this.serving = this.next;
      this.next = null;
    }
    // Half full (also right after a hand-over): start the successor with the next frame.
    if (!this.next && this.frames - this.serving.start >= Math.floor(this.window / 2)) this.next = this.open(this.frames);
  }
}

/** A repeated segment that just ended: frames [start, start + length) repeat [earlierStart, ...). */
export interface MotifEvent {
  start: number;
  length: number;
  earlierStart: number;
  /** Threshold of the oracle that heard it. */
  threshold: number;
}

/** What the listener knows after each frame (one object, updated in place). */
export interface OracleFrameState {
  frame: number;
  /** The bank's chosen threshold. */
  threshold: number;
  /** Causal IR ('cum3') of this frame under the chosen threshold. */
  ir: number;
  /** Sum of the causal IR over the choice window, per bank threshold. */
  windowedIr: Float64Array;
  /** Length of the repeated suffix ending at this frame (0: new material). */
  lrs: number;
  /** Global frame this frame's suffix link points to (-1: the root, i.e. new material). */
  sfx: number;
  /** The latest settled 'cum' IR (vmo's default IR, known when a Compror block closes)... */
  settledIr: number;
  /** ...and the frame it belongs to (-1 while none has settled). */
  settledFrame: number;
  /** Cluster (symbol) of this frame in the chosen oracle. */
  cluster: number;
}

export interface OracleListenerOptions {
  dim: number;
  dfunc?: DistanceFunction;
  /** Bank thresholds (default: 8 spaced evenly in log from 0.02 to 0.4 for cosine, 0.5 to 8 for euclidean). */
  thresholds?: number[];
  /** Frames per oracle before the bounded hand-over (see WindowedOracle). */
  window?: number;
  /** Frames of causal IR summed to compare thresholds (default 430: 5 s at 44.1 kHz, hop 512). */
  choiceWindow?: number;
  /** A challenger must beat the chosen threshold's windowed IR by this fraction... */
  switchMargin?: number;
  /** ...for this many frames in a row before the choice changes (default 86: 1 s at 44.1 kHz, hop 512). */
  switchHold?: number;
  /** Shortest repeated segment reported as a motif, frames (default 8). */
  minMotif?: number;
  maxRootCompare?: number;
}

export function defaultThresholds(dfunc: DistanceFunction, count = 8): number[] {
  const [lo, hi] = dfunc === "cosine" ? [0.02, 0.4] : [0.5, 8];
  return Array.from({ length: count }, (_, k) => lo * (hi / lo) ** (k / (count - 1)));
}

/**
 * Runs K oracles (a threshold bank) on the same frames, picks the threshold whose
 * recent causal IR is highest, and reports motifs as they close.
 *
 * Choice rule: every frame, each threshold's windowed IR is the sum of its 'cum3'
 * IR over the last `choiceWindow` frames. The chosen threshold changes only when
 * another one's windowed IR exceeds the chosen one's by `switchMargin` (default 10%)
 * for `switchHold` consecutive frames, so the choice does not flicker.
 */
export class OracleListener {
  readonly thresholds: number[];
  readonly state: OracleFrameState;
  private readonly bank: WindowedOracle[];
  /** The bank's frames: each written once, each distance computed once for all thresholds. */
  private readonly frames: SharedFrames;
  private readonly history: Float64Array[]; // ring of per-frame IR per threshold
  private readonly choiceWindow: number;
  private readonly switchMargin: number;
  private readonly switchHold: number;
  private readonly minMotif: number;
  private chosen = 0;
  private challenger = -1;
  private challengeFrames = 0;
  private previousLrs: number[];
  private readonly motifListeners: ((m: MotifEvent) => void)[] = [];

  constructor(options: OracleListenerOptions) {
    const dfunc = options.dfunc ?? "cosine";
    this.thresholds = options.thresholds ?? defaultThresholds(dfunc);
    this.choiceWindow = options.choiceWindow ?? 430;
    this.switchMargin = options.switchMargin ?? 0.1;
    this.switchHold = options.switchHold ?? 86;
    this.minMotif = options.minMotif ?? 8;
    this.frames = new SharedFrames({ dim: options.dim, dfunc, span: options.window ?? WindowedOracle.DEFAULT_WINDOW });
    this.bank = this.thresholds.map((threshold) => new WindowedOracle({ dim: options.dim, threshold, dfunc, window: options.window, maxRootCompare: options.maxRootCompare, shared: this.frames }));
    this.history = this.thresholds.map(() => new Float64Array(this.choiceWindow));
    this.previousLrs = this.thresholds.map(() => 0);
    this.chosen = Math.floor(this.thresholds.length / 2);
    this.state = { frame: -1, threshold: this.thresholds[this.chosen]!, ir: 0, windowedIr: new Float64Array(this.thresholds.length), lrs: 0, sfx: -1, settledIr: 0, settledFrame: -1, cluster: 0 };
  }

  /**
   * Frees every oracle of the bank inside the WASM instance, so a new listener (a restarted
   * analysis stage) reuses that memory instead of adding to it.
   */
  dispose(): void {
    for (const w of this.bank) w.dispose();
    this.frames.dispose();
  }

  onMotif(listener: (m: MotifEvent) => void): void {
    this.motifListeners.push(listener);
  }

  /** Adds a frame to every oracle of the bank and updates `state`. */
  add(frame: ArrayLike<number>): OracleFrameState {
    const frameIndex = this.state.frame + 1;
    const slot = frameIndex % this.choiceWindow;
    this.frames.write(frame);
    for (let k = 0; k < this.bank.length; k++) {
      const w = this.bank[k]!;
      w.addShared();
      const { oracle } = w.current;
      const state = oracle.nStates - 1;
      const ir = oracle.irCum3Of(state - 1);
      this.state.windowedIr[k] = this.state.windowedIr[k]! + ir - this.history[k]![slot]!;
      this.history[k]![slot] = ir;
      if (k === this.chosen) this.reportMotif(w, state);
      this.previousLrs[k] = oracle.lrsOf(state);
    }
    this.choose();
    const w = this.bank[this.chosen]!;
    const { oracle, start } = w.current;
    const state = oracle.nStates - 1;
    const sfx = oracle.sfxOf(state)!;
    const settled = oracle.settledFrames;
    this.state.sfx = sfx === 0 ? -1 : start + sfx - 1;
    if (settled > 0) {
      this.state.settledFrame = start + settled - 1;
      this.state.settledIr = oracle.irCumOf(settled - 1)!;
    }
    this.state.frame = frameIndex;
    this.state.threshold = this.thresholds[this.chosen]!;
    this.state.ir = oracle.irCum3Of(state - 1);
    this.state.lrs = oracle.lrsOf(state);
    this.state.cluster = oracle.symbolOf(state)!;
    return this.state;
  }

  /** lrs grows by one per frame while a repeat continues; when it stops, the repeat closed. */
  private reportMotif(w: WindowedOracle, state: number): void {
    const { oracle, start } = w.current;
    const previous = state - 1;
    if (previous < 1) return;
    const length = oracle.lrsOf(previous);
    if (length < this.minMotif || oracle.lrsOf(state) === length + 1) return;
    const endState = previous, earlierEnd = oracle.sfxOf(previous)!;
    const event: MotifEvent = {
      start: start + endState - length,
      length,
      earlierStart: start + earlierEnd - length,
      threshold: w.threshold,
    };
    for (const l of this.motifListeners) l(event);
  }

  private choose(): void {
    const ir = this.state.windowedIr;
    let best = this.chosen;
    for (let k = 0; k < ir.length; k++) if (ir[k]! > ir[best]!) best = k;
    if (best === this.chosen || ir[best]! <= ir[this.chosen]! * (1 + this.switchMargin)) {
      this.challenger = -1;
      this.challengeFrames = 0;
      return;
    }
    if (best !== this.challenger) {
      this.challenger = best;
      this.challengeFrames = 0;
    }
    if (++this.challengeFrames >= this.switchHold) {
      this.chosen = best;
      this.challenger = -1;
      this.challengeFrames = 0;
    }
  }

  /** RQA of the chosen oracle's last `frames` frames ('rsfx': shared clusters, or 'lrs' diagonals). */
  recurrence(frames = 256, method: "rsfx" | "lrs" = "rsfx"): RqaMeasures {
    return rqa(recurrenceMatrix(this.bank[this.chosen]!.current.oracle, method, frames));
  }
}
