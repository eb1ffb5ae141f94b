// From per-window class probabilities to sound events: hysteresis thresholds (a class turns
// on at `on` and off below `off`), gaps shorter than `maxGap` bridged, events shorter than
// `minDuration` dropped. Time bin k (width = the patch hop) takes the probability of the
// window centred in it, so an event's times are those of the sound, not of the window edges.

import type { Annotation } from "./soundscape.ts";

export interface EventRule {
  on: number;
  off: number;
  /** Seconds. */
  minDuration: number;
  /** Seconds of "off" bridged inside one event. */
  maxGap: number;
}

export const EVENT_RULE: EventRule = { on: 0.5, off: 0.3, minDuration: 0.25, maxGap: 0.3 };

export interface SoundEvent {
  label: string;
  onset: number;
  offset: number;
  /** Highest probability inside the event. */
  confidence: number;
}

/** Bins before the first window's centre: bin k shows window k - BIN_LAG (clamped). */
export const BIN_LAG = 2;

/** probabilities: windows x classes. Returns the per-bin probability series of one class. */
export function binSeries(probabilities: ArrayLike<number>[], c: number, bins: number): number[] {
  const last = probabilities.length - 1;
  return Array.from({ length: bins }, (_, k) => probabilities[Math.max(0, Math.min(last, k - BIN_LAG))]![c]!);
}

/** Number of time bins covering `seconds` of audio. */
export function binCount(seconds: number, hopSeconds: number): number {
  return Math.max(1, Math.ceil(seconds / hopSeconds - 1e-9));
}

export function detectEvents(probabilities: ArrayLike<number>[], labels: string[], hopSeconds: number, seconds: number, rule: EventRule = EVENT_RULE): SoundEvent[] {
  const bins = binCount(seconds, hopSeconds);
  const events: SoundEvent[] = [];
  for (const [c, label] of labels.entries()) {
    const p = binSeries(probabilities, c, bins);
    let active = false, start = 0, lastOn = -1, peak = 0;
    const close = () => {
      const onset = start * hopSeconds, offset = Math.min(seconds, (lastOn + 1) * hopSeconds);
      if (offset - onset >= rule.minDuration - 1e-9) events.push({ label, onset: round3(onset), offset: round3(offset), confidence: round3(peak) });
      active = false;
    };
    for (let k = 0; k < bins; k++) {
      const v = p[k]!;
      if (!active) {
        if (v >= rule.on) {
          // Bridge a short gap back to the previous event of this class.
          const previous = events.at(-1);
          if (previous?.label === label && k * hopSeconds - previous.offset <= rule.maxGap + 1e-9) {
            events.pop();
            start = Math.round(previous.onset / hopSeconds);
            peak = previous.confidence;
          } else {
            start = k;
            peak = 0;
          }
          active = true;
          lastOn = k;
          peak = Math.max(peak, v);
        }
      } else if (v >= rule.off) {
        lastOn = k;
        peak = Math.max(peak, v);
      } else {
        close();
      }
    }
    if (active) close();
  }
  return events.sort((a, b) => a.onset - b.onset || a.label.localeCompare(b.label));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function eventsAsAnnotations(filename: string, events: SoundEvent[]): Annotation[] {
  return events.map((e) => ({ filename, onset: e.onset, offset: e.offset, label: e.label }));
}
