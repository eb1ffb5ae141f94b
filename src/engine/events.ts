// What the engine tells its outputs (OSC, dashboard, mapping, sonification): one typed
// event per thing that happened. Times are engine seconds (audio analysed so far), so
// offline runs and live runs read the same.

import type { AffectState } from "../affect/fusion.ts";
import type { FaceEmotion } from "../face/emotion.ts";
import type { ActionUnits } from "../face/action-units.ts";
import type { Quadrant } from "../models/emotion/circumplex.ts";

export type EngineEvent =
  /** Every DSP frame. `logmel` is only valid during the call (copy what you keep). */
  | { type: "features"; time: number; frame: number; rms: number; centroid: number; flux: number; onset: number; logmel: Float32Array }
  /** Every DSP frame the oracle took: causal IR under the chosen threshold. */
  | { type: "oracle"; time: number; ir: number; threshold: number; lrs: number; settledIr: number }
  /** A repeated segment closed: times in seconds. */
  | { type: "motif"; time: number; start: number; length: number; earlierStart: number }
  /** Sound event probabilities, every 0.256 s. */
  | { type: "sound"; time: number; labels: string[]; probabilities: number[] }
  | { type: "soundEvent"; time: number; label: string; phase: "start" | "end"; confidence: number; onset: number; offset?: number }
  /** Music emotion, every 0.5 s. */
  | { type: "emotion"; time: number; valence: number; arousal: number; quadrant: Quadrant; emotion: string; confidence: number; cues?: Record<string, number> }
  /** Every face packet (and state changes from the face tracker's timer). `gestures`: FaceOSC gestures in this packet. */
  | { type: "face"; time: number; found: boolean; emotion: FaceEmotion; confidence: number; au: ActionUnits; changed: boolean; gestures: [string, number][] }
  | { type: "affect"; state: AffectState }
  /** A message that left the engine (for the dashboard's output activity). */
  | { type: "output"; kind: "osc" | "midi"; text: string };

export type EngineListener = (event: EngineEvent) => void;

/** Fan-out to listeners; one listener failing is logged and never stops the others. */
export class EventHub {
  private readonly listeners: EngineListener[] = [];
  private readonly log: (line: string) => void;
  private failures = 0;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  on(listener: EngineListener): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i >= 0) this.listeners.splice(i, 1); };
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        // At most one line per 100 failures: a broken listener must not flood the log.
        if (this.failures++ % 100 === 0) this.log(`an output failed on a "${event.type}" event: ${(err as Error).message}`);
      }
    }
  }
}
