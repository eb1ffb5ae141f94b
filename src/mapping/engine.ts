// Applies a mapping: every signal that arrives runs through the routes that listen
// to it (scale, curve, clamp, smoothing, gate, rate limit, state table) and out to
// MIDI or OSC. Notes a route started are always ended: by its gate, its duration,
// a mapping change or release().

import type { MidiOut } from "../bridges/midi-out.ts";
import type { OscOut, OscValue } from "../bridges/osc-out.ts";
import type { Curve, Mapping, Route, SoundParameter } from "./mapping.ts";

/** Where `{ "sound": ... }` routes go: the built-in voice (src/sound/). */
export interface SoundSink {
  set(parameter: SoundParameter, value: number): void;
}

export type SignalValue = number | string | boolean;

interface RouteState {
  smoothed: number | undefined;
  lastTime: number;
  lastSent: number | string | undefined;
  lastSendTime: number;
  gateOpen: boolean;
  note: number | undefined;
  noteOffAt: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** exp: slow start (2^(4t)-1)/15; log: fast start log2(1+15t)/4; both map 0->0 and 1->1. */
export function applyCurve(t: number, curve: Curve = "linear"): number {
  if (curve === "exp") return (2 ** (4 * t) - 1) / 15;
  if (curve === "log") return Math.log2(1 + 15 * Math.max(t, -1 / 15 + 1e-12)) / 4;
  return t;
}

function defaultOut(route: Route): [number, number] {
  if ("sound" in route.to) return route.to.sound === "pitch" ? [36, 84] : [0, 1];
  if ("osc" in route.to) return [0, 1];
  return route.to.midi === "pitchbend" ? [-8192, 8191] : [0, 127];
}

export class MappingEngine {
  private routes: Route[] = [];
  private states: RouteState[] = [];
  private readonly midi: MidiOut | null;
  private readonly osc: OscOut | null;
  /** The built-in voice, once --sound has made one. */
  sound: SoundSink | null = null;

  constructor({ midi = null, osc = null }: { midi?: MidiOut | null; osc?: OscOut | null }) {
    this.midi = midi;
    this.osc = osc;
  }

  /** Swaps in a new mapping; notes the old one started are ended first. */
  setMapping(mapping: Mapping): void {
    this.release();
    this.routes = mapping.routes;
    this.states = this.routes.map(() => ({ smoothed: undefined, lastTime: 0, lastSent: undefined, lastSendTime: -Infinity, gateOpen: false, note: undefined, noteOffAt: Infinity }));
  }

  /** Ends every note a route is holding. */
  release(): void {
    this.routes.forEach((r, i) => this.endNote(r, this.states[i]!));
  }

  /** Ends notes whose duration is over; call regularly (the engine's timers do). */
  tick(now: number): void {
    this.routes.forEach((r, i) => {
      const st = this.states[i]!;
      if (st.note !== undefined && now >= st.noteOffAt) this.endNote(r, st);
    });
  }

  signal(name: string, value: SignalValue, now: number): void {
    this.tick(now);
    this.routes.forEach((route, i) => {
      if (route.from === name) this.run(route, this.states[i]!, value, now);
    });
  }

  private run(route: Route, st: RouteState, value: SignalValue, now: number): void {
    if (typeof value === "string") {
      // A state: the table gives the number to send; OSC can also send the name.
      const mapped = route.table?.[value];
      if (mapped === undefined && !("osc" in route.to && !route.table)) return;
      if ("sound" in route.to && mapped === undefined) return;
      this.send(route, st, mapped ?? 0, mapped ?? 0, now, value, true);
      return;
    }
    const x = typeof value === "boolean" ? (value ? 1 : 0) : value;
    if (!Number.isFinite(x)) return;
    const [in0, in1] = route.in ?? [0, 1];
    let t = (x - in0) / (in1 - in0);
    if (route.clamp !== false) t = clamp(t, 0, 1);
    t = applyCurve(t, route.curve);
    if (route.smooth_ms && st.smoothed !== undefined) {
      const dt = Math.max(0, now - st.lastTime);
      st.smoothed += (t - st.smoothed) * (1 - Math.exp(-dt / route.smooth_ms));
    } else {
      st.smoothed = t;
    }
    st.lastTime = now;
    const [out0, out1] = route.out ?? defaultOut(route);
    this.send(route, st, st.smoothed, out0 + st.smoothed * (out1 - out0), now, undefined, false);
  }

  private rateAllows(route: Route, st: RouteState, now: number): boolean {
    return !route.rate_hz || now - st.lastSendTime >= 1000 / route.rate_hz;
  }

  private send(route: Route, st: RouteState, unit: number, value: number, now: number, state: string | undefined, isEvent: boolean): void {
    const to = route.to;
    const channel = "midi" in to ? (to.channel ?? 1) - 1 : 0;
    if ("sound" in to) {
      if (!this.rateAllows(route, st, now)) return;
      this.sound?.set(to.sound, value);
      st.lastSendTime = now;
      return;
    }
    if ("osc" in to) {
      const key = state ?? Number(value.toFixed(6));
      if (key === st.lastSent || !this.rateAllows(route, st, now)) return;
      const args: OscValue[] = (to.args ?? ["$value"]).map((a) => (a === "$value" ? value : a === "$state" ? state ?? "" : a));
      this.osc?.send(to.osc, args);
      st.lastSent = key;
      st.lastSendTime = now;
      return;
    }
    if (to.midi === "note") {
      const pitch = to.pitch ?? Math.round(clamp(value, 0, 127));
      const velocity = to.velocity ?? 100;
      if (route.gate && !isEvent) {
        if (st.gateOpen && unit <= route.gate.off) {
          st.gateOpen = false;
          this.endNote(route, st);
          return;
        }
        if (!st.gateOpen && unit >= route.gate.on) st.gateOpen = true;
        if (!st.gateOpen || pitch === st.note || !this.rateAllows(route, st, now)) return;
      } else if (pitch === st.lastSent || !this.rateAllows(route, st, now)) {
        return;
      }
      this.endNote(route, st);
      this.midi?.noteOn(channel, pitch, velocity);
      st.note = pitch;
      st.lastSent = pitch;
      st.lastSendTime = now;
      const duration = to.duration_ms ?? (route.gate && !isEvent ? undefined : 250);
      st.noteOffAt = duration === undefined ? Infinity : now + duration;
      return;
    }
    const limits: [number, number] = to.midi === "pitchbend" ? [-8192, 8191] : [0, 127];
    const v = Math.round(clamp(value, ...limits));
    if (v === st.lastSent || !this.rateAllows(route, st, now)) return;
    if (to.midi === "cc") this.midi?.controlChange(channel, to.controller, v);
    else if (to.midi === "program") this.midi?.programChange(channel, v);
    else this.midi?.pitchBend(channel, v);
    st.lastSent = v;
    st.lastSendTime = now;
  }

  private endNote(route: Route, st: RouteState): void {
    if (st.note === undefined) return;
    const channel = "midi" in route.to ? (route.to.channel ?? 1) - 1 : 0;
    this.midi?.noteOff(channel, st.note);
    st.note = undefined;
    st.noteOffAt = Infinity;
    // A trigger route may play the same pitch again once its note has ended.
    if (!route.gate) st.lastSent = undefined;
  }
}
