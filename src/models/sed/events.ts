// From per-window class probabilities to sound events: hysteresis thresholds (a class turns
// on at `on` and off below `off`, per class where the model's rule names one), gaps up to
// `maxGap` bridged, events shorter than `minDuration` dropped. Time bin k (width = the
// patch hop, 0.256 s) takes the probability of the window centred in it, so an event's
// times are those of the sound, not of window edges. Where the rule has an onset search and
// the log-mel's rises are known, an event's onset then moves to its attack (onsets.ts).
//
// One state machine (EventTracker) serves both the live detector, which emits event-start /
// event-end as bins arrive, and offline analysis, which feeds it a whole file.

import type { Annotation } from "./soundscape.ts";
import { ONSET_SEARCH, sharpestRise, type FrameTiming, type OnsetSearch } from "./onsets.ts";

export interface ClassThresholds { on: number; off: number }

export interface EventRule extends ClassThresholds {
  /** Thresholds of single classes, where they differ from on/off (chosen on validation scenes by training). */
  classes?: Record<string, ClassThresholds>;
  /** Seconds. */
  minDuration: number;
  /** Seconds of "off" bridged inside one event. */
  maxGap: number;
  /** Where to look for an event's attack around its first bin (models trained before it have none: onsets stay on bins). */
  onsetSearch?: OnsetSearch;
}

export const EVENT_RULE: EventRule = { on: 0.5, off: 0.3, minDuration: 0.25, maxGap: 0.3, onsetSearch: ONSET_SEARCH };

/** Each frame's onset strength (the log-mel's rise), for moving onsets to attacks (onsets.ts). */
export interface RiseSource {
  /** Frame k's rise, NaN where unknown (a plain function: the tracker passes it on as it is). */
  riseAt: (frame: number) => number;
  timing: FrameTiming;
}

/** The rule with one on/off for every class (its per-class thresholds dropped). */
export function sharedRule(rule: EventRule): EventRule {
  const { classes: _perClass, ...shared } = rule;
  return shared;
}

export interface SoundEvent {
  label: string;
  onset: number;
  offset: number;
  /** Highest probability inside the event. */
  confidence: number;
}

/** Bin k shows window k - BIN_LAG: window p is centred in bin p + 2. */
export const BIN_LAG = 2;

export interface EventListener {
  /** The event became certain (on for minDuration); `onset` is when it began. */
  start?(label: string, onset: number, confidence: number): void;
  /** The event ended (off for longer than maxGap). */
  end?(event: SoundEvent): void;
}

interface ClassState { active: boolean; started: boolean; start: number; lastOn: number; peak: number; onset: number }

export class EventTracker {
  private readonly states: ClassState[];
  private bin = 0;
  readonly labels: string[];
  readonly hopSeconds: number;
  readonly rule: EventRule;
  private readonly listener: EventListener;
  /** Each class's thresholds, in label order. */
  private readonly thresholds: ClassThresholds[];
  private readonly rises?: RiseSource;

  /** With `rises`, onsets move to the attack the rule's onset search finds. */
  constructor(labels: string[], hopSeconds: number, listener: EventListener, rule: EventRule = EVENT_RULE, rises?: RiseSource) {
    this.labels = labels;
    this.hopSeconds = hopSeconds;
    this.rule = rule;
    this.listener = listener;
    this.rises = rises;
    this.thresholds = labels.map((label) => rule.classes?.[label] ?? rule);
    this.states = labels.map(() => ({ active: false, started: false, start: 0, lastOn: -1, peak: 0, onset: 0 }));
  }

  /** Bins seen so far. */
  get bins(): number { return this.bin; }

  /** One time bin's probabilities (one per class). */
  push(probabilities: ArrayLike<number>): void {
    const k = this.bin++;
    const { minDuration, maxGap } = this.rule;
    const gapBins = Math.round(maxGap / this.hopSeconds);
    this.states.forEach((s, c) => {
      const v = probabilities[c]!, { on, off } = this.thresholds[c]!;
      if (s.active && v >= off) {
        s.lastOn = k;
        s.peak = Math.max(s.peak, v);
      } else if (!s.active && v >= on) {
        Object.assign(s, { active: true, started: false, start: k, lastOn: k, peak: v });
      } else if (s.active && k - s.lastOn > gapBins) {
        this.close(c);
      }
      if (s.active && !s.started && (s.lastOn + 1 - s.start) * this.hopSeconds >= minDuration - 1e-9) {
        s.started = true;
        s.onset = this.attack(s);
        this.listener.start?.(this.labels[c]!, round3(s.onset), round3(s.peak));
      }
    });
  }

  /** Ends every open event (end of file, or the detector stopping); `seconds` caps offsets. */
  finish(seconds = Infinity): void {
    this.states.forEach((s, c) => { if (s.active) this.close(c, seconds); });
  }

  private close(c: number, seconds = Infinity): void {
    const s = this.states[c]!;
    s.active = false;
    if (!s.started) return;
    const offset = Math.min(seconds, (s.lastOn + 1) * this.hopSeconds);
    this.listener.end?.({ label: this.labels[c]!, onset: round3(Math.min(s.onset, offset)), offset: round3(offset), confidence: round3(s.peak) });
  }

  /**
   * The onset of an event that has just become certain: its first bin, or the attack near it.
   * Decided once, when it starts, so the live start and end report the same onset; kept
   * 10 ms before the end the event has reached so far.
   */
  private attack(s: ClassState): number {
    const onset = s.start * this.hopSeconds, search = this.rule.onsetSearch;
    if (!this.rises || !search) return onset;
    const attack = sharpestRise(this.rises.riseAt, onset, search, this.rises.timing);
    return Math.max(0, Math.min(attack, (s.lastOn + 1) * this.hopSeconds - 0.01));
  }
}

/** Number of time bins covering `seconds` of audio. */
export function binCount(seconds: number, hopSeconds: number): number {
  return Math.max(1, Math.ceil(seconds / hopSeconds - 1e-9));
}

/** Events of a whole signal from its windows' probabilities (windows x classes), and its log-mel's rises for sharper onsets. */
export function detectEvents(probabilities: ArrayLike<number>[], labels: string[], hopSeconds: number, seconds: number, rule: EventRule = EVENT_RULE, rises?: RiseSource): SoundEvent[] {
  const events: SoundEvent[] = [];
  const tracker = new EventTracker(labels, hopSeconds, { end: (e) => events.push(e) }, rule, rises);
  const last = probabilities.length - 1;
  const bins = binCount(seconds, hopSeconds);
  for (let k = 0; k < bins; k++) tracker.push(probabilities[Math.max(0, Math.min(last, k - BIN_LAG))]!);
  tracker.finish(seconds);
  return events.sort((a, b) => a.onset - b.onset || a.label.localeCompare(b.label));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A whole signal's onset strengths (logmelFrames' `onsets`) as a RiseSource. */
export function risesOfSignal(rises: Float32Array, timing: FrameTiming): RiseSource {
  return { riseAt: (k) => (k >= 0 && k < rises.length ? rises[k]! : NaN), timing };
}

export function eventsAsAnnotations(filename: string, events: SoundEvent[]): Annotation[] {
  return events.map((e) => ({ filename, onset: e.onset, offset: e.offset, label: e.label }));
}
