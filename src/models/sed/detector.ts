// SoundEventDetector: the streaming face of the SED model for the live engine. Feed it audio
// (any rate: it resamples with the WASM kernel and extracts log-mel with the DSP kernel) or
// log-mel frames already computed with the model's front end; every 0.256 s it runs the model
// on the last second and reports probabilities, event-start and event-end.
//
// Runs on the main thread or a worker, never on the audio thread. Per window it reuses one
// input buffer; the tensors of an inference live inside tf.tidy, so tf.memory().numTensors
// stays flat however long it listens.

import { AudioFeed } from "../../dsp/audio-feed.ts";
import { loadModel } from "../io.ts";
import { tf } from "../tf.ts";
import { BIN_LAG, EVENT_RULE, EventTracker, type EventRule, type SoundEvent } from "./events.ts";
import { createSedExtractor, frameTiming, patchHopSeconds, type SedFrontEnd } from "./frontend.ts";
import type { SedMetadata } from "./train.ts";
import { ModelInputError } from "../errors.ts";

export interface SedListener {
  eventStart?(event: { label: string; onset: number; confidence: number }): void;
  eventEnd?(event: SoundEvent): void;
  /** Every window: its centre time (s from the start) and one probability per label (valid during the call). */
  probabilities?(time: number, values: Float32Array): void;
}

export interface DetectorOptions {
  /** Rate of the audio given to pushAudio (default: the model's). */
  inputRate?: number;
  /** Default: the model's own rule (with its per-class thresholds). */
  rule?: EventRule;
}

const RISE_FRAMES = 256;

export class SoundEventDetector {
  readonly labels: string[];
  readonly frontEnd: SedFrontEnd;
  readonly hopSeconds: number;
  private readonly model: tf.LayersModel;
  private readonly listeners: SedListener[] = [];
  private readonly tracker: EventTracker;
  /** The last patchFrames standardised log-mel rows, oldest first after `ringStart`. */
  private readonly ring: Float32Array;
  private readonly window: Float32Array;
  private readonly values: Float32Array;
  private ringStart = 0;
  /**
   * The onset strength of each of the last RISE_FRAMES frames (frame k at k % RISE_FRAMES):
   * an event becomes certain about 1 s after its first bin, and its attack is looked for up
   * to 0.4 s before that bin, so 4 s is plenty.
   */
  private readonly rises = new Float32Array(RISE_FRAMES);
  private frames = 0;
  private windows = 0;
  private readonly feed: AudioFeed;

  static async load(dir: string, options: DetectorOptions = {}): Promise<SoundEventDetector> {
    const { model, metadata } = await loadModel<SedMetadata>(dir);
    if (metadata.kind !== "moodwire-sed") throw new ModelInputError(`${dir} is not a moodwire SED model`);
    return new SoundEventDetector(model, metadata, options);
  }

  constructor(model: tf.LayersModel, metadata: SedMetadata, options: DetectorOptions = {}) {
    this.model = model;
    this.labels = metadata.classes;
    this.frontEnd = metadata.frontEnd;
    const f = this.frontEnd;
    this.hopSeconds = patchHopSeconds(f);
    this.ring = new Float32Array(f.patchFrames * f.nMels);
    this.window = new Float32Array(f.patchFrames * f.nMels);
    this.values = new Float32Array(this.labels.length);
    const riseAt = (k: number) => (k >= 0 && k < this.frames && this.frames - k <= RISE_FRAMES ? this.rises[k % RISE_FRAMES]! : NaN);
    this.tracker = new EventTracker(this.labels, this.hopSeconds, {
      start: (label, onset, confidence) => { for (const l of this.listeners) l.eventStart?.({ label, onset, confidence }); },
      end: (event) => { for (const l of this.listeners) l.eventEnd?.(event); },
    }, options.rule ?? metadata.eventRule ?? EVENT_RULE, { riseAt, timing: frameTiming(f) });
    const extractor = createSedExtractor(f);
    const [offset] = extractor.layout.logmel, onset = extractor.layout.onset;
    this.feed = new AudioFeed(options.inputRate ?? f.sampleRate, extractor, (row) => this.pushFrame(row.subarray(offset, offset + f.nMels), row[onset]!));
  }

  on(listener: SedListener): this {
    this.listeners.push(listener);
    return this;
  }

  /** Audio at `inputRate`, any block size. */
  pushAudio(samples: Float32Array): void {
    this.feed.push(samples);
  }

  /**
   * One log-mel frame (dB, nMels values) computed with the model's front end, and its onset
   * strength from the same kernel row; without it (NaN) events keep their onsets on bins.
   */
  pushFrame(logmelDb: ArrayLike<number>, onsetStrength = NaN): void {
    const f = this.frontEnd, n = f.nMels;
    const at = this.ringStart * n;
    for (let m = 0; m < n; m++) {
      const v = logmelDb[m]!;
      this.ring[at + m] = Number.isFinite(v) ? (v - f.mean) / f.std : (-100 - f.mean) / f.std;
    }
    this.ringStart = (this.ringStart + 1) % f.patchFrames;
    this.rises[this.frames % RISE_FRAMES] = onsetStrength;
    this.frames++;
    if (this.frames >= f.patchFrames && (this.frames - f.patchFrames) % f.patchHop === 0) this.infer();
  }

  /** Time (s) up to which audio has been analysed. */
  get seconds(): number {
    return (this.frames * this.frontEnd.hop) / this.frontEnd.sampleRate;
  }

  /** Closes open events (e.g. the input stopped). */
  finish(): void {
    this.tracker.finish(this.seconds);
  }

  private infer(): void {
    const f = this.frontEnd, n = f.nMels, size = f.patchFrames * n;
    // Unroll the ring into time order.
    const split = this.ringStart * n;
    this.window.set(this.ring.subarray(split), 0);
    this.window.set(this.ring.subarray(0, split), size - split);
    const out = tf.tidy(() => (this.model.predict(tf.tensor4d(this.window, [1, f.patchFrames, n, 1])) as tf.Tensor).dataSync());
    this.values.set(out);
    const centre = this.windows * this.hopSeconds + ((f.patchFrames - 1) * f.hop + f.nFft) / f.sampleRate / 2;
    for (const l of this.listeners) l.probabilities?.(centre, this.values);
    // The first window also stands for the bins before its centre.
    const repeats = this.windows === 0 ? BIN_LAG + 1 : 1;
    for (let r = 0; r < repeats; r++) this.tracker.push(this.values);
    this.windows++;
  }

  dispose(): void {
    this.model.dispose();
  }
}
