// One analysis stage (oracle, sound events, music emotion) under supervision: an error
// thrown while it works is logged, the stage is thrown away and made again after a
// back-off (0.5 s, doubling up to 30 s), and the other stages never notice. While a
// stage is (re)starting, the input it would have seen is skipped, not queued. A stage can
// also be replaced while it runs (a model changed in the configuration): the new one is
// made beside it, and only once it is ready does it take over.

export interface AnalysisStage {
  /** Mono audio at the engine's sample rate, any block size. */
  pushAudio?(block: Float32Array): void;
  /** One DSP frame row (the engine's FeatureExtractor layout), frame index k. */
  pushRow?(row: Float32Array, frame: number): void;
  /** Input ended or paused: close anything open (events). */
  flush?(): void;
  dispose?(): void;
}

export type StageStatus = "off" | "starting" | "running" | "restarting";

export interface StageHealth {
  name: string;
  status: StageStatus;
  errors: number;
  restarts: number;
  lastError: string | null;
  /** The model the stage runs (model stages): it changes when a new one is swapped in. */
  model?: string;
}

export class SupervisedStage {
  readonly name: string;
  readonly health: StageHealth;
  private stage: AnalysisStage | null = null;
  private create: () => Promise<AnalysisStage>;
  /** Counts replace() calls, so that only the latest one takes over. */
  private replacements = 0;
  /** Counts takeovers by replace(), so that a (re)start still loading the old stage is thrown away. */
  private epoch = 0;
  private readonly log: (line: string) => void;
  private backoffMs = 500;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(name: string, create: () => Promise<AnalysisStage>, log: (line: string) => void, model?: string) {
    this.name = name;
    this.create = create;
    this.log = log;
    this.health = { name, status: "off", errors: 0, restarts: 0, lastError: null, ...(model ? { model } : {}) };
  }

  /** Makes the stage; a failure to load (a missing model) is reported and retried like a crash. */
  async start(): Promise<void> {
    this.health.status = this.health.restarts > 0 ? "restarting" : "starting";
    const epoch = this.epoch;
    try {
      const stage = await this.create();
      // Stopped, or replaced while this (re)start was loading: the replacement runs, not this.
      if (this.stopped || epoch !== this.epoch) { stage.dispose?.(); return; }
      this.stage = stage;
      this.health.status = "running";
    } catch (err) {
      if (epoch === this.epoch) this.fail(err);
    }
  }

  get running(): boolean {
    return this.stage !== null;
  }

  pushAudio(block: Float32Array): void {
    const s = this.stage;
    if (!s?.pushAudio) return;
    try { s.pushAudio(block); } catch (err) { this.fail(err); }
  }

  pushRow(row: Float32Array, frame: number): void {
    const s = this.stage;
    if (!s?.pushRow) return;
    try { s.pushRow(row, frame); } catch (err) { this.fail(err); }
  }

  flush(): void {
    try { this.stage?.flush?.(); } catch (err) { this.fail(err); }
  }

  /**
   * Makes a new stage with `create` while this one keeps running, then swaps it in: the old
   * one is flushed (its open events end, so no note is left hanging) and disposed, and
   * restarts use `create` from then on. If `create` fails the error is thrown and the old
   * stage goes on as before; if a later replace() overtakes this one, this one's stage is
   * thrown away. Resolves true when it took over.
   */
  async replace(create: () => Promise<AnalysisStage>, model?: string): Promise<boolean> {
    const replacement = ++this.replacements;
    const next = await create();
    if (this.stopped || replacement !== this.replacements) { next.dispose?.(); return false; }
    this.create = create;
    this.epoch++; // a (re)start still loading with the old create() is thrown away when it ends
    if (this.timer) { clearTimeout(this.timer); this.timer = null; } // a stage waiting to restart runs the new one instead
    const old = this.stage;
    this.stage = next;
    this.health.status = "running";
    if (model) this.health.model = model;
    this.backoffMs = 500;
    try { old?.flush?.(); } catch { /* it is being replaced */ }
    try { old?.dispose?.(); } catch { /* it is being replaced */ }
    return true;
  }

  private fail(err: unknown): void {
    const message = (err as Error)?.message ?? String(err);
    this.health.errors++;
    this.health.lastError = message;
    const old = this.stage;
    this.stage = null;
    try { old?.dispose?.(); } catch { /* it is being thrown away */ }
    if (this.stopped) return;
    this.health.status = "restarting";
    this.log(`${this.name} stopped with an error (${message}); restarting in ${(this.backoffMs / 1000).toFixed(1)} s, the other stages go on`);
    const wait = this.backoffMs;
    this.backoffMs = Math.min(30_000, this.backoffMs * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.health.restarts++;
      void this.start().then(() => { if (this.stage) this.backoffMs = Math.max(500, this.backoffMs / 2); });
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.flush();
    this.stage?.dispose?.();
    this.stage = null;
    this.health.status = "off";
  }
}
