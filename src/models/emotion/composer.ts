// Composes the pieces of the synthetic emotion corpus: sections of a few seconds, each with
// its own cues (mode, tempo, register, dynamics, articulation, instrument, harmony, contour),
// played as a melody over chords. The cue track of every piece is kept, so each 0.5 s can be
// labelled by the cue model (cues.ts).

import { pick, randomInt, uniform, type Random } from "../random.ts";
import { clamp, type MusicalCues } from "./cues.ts";

/** General MIDI programs (0-based) with a brightness from -1 (dark, soft) to 1 (bright). */
export const INSTRUMENTS: { program: number; name: string; brightness: number }[] = [
  { program: 0, name: "acoustic grand piano", brightness: 0 },
  { program: 4, name: "electric piano", brightness: -0.2 },
  { program: 11, name: "vibraphone", brightness: 0.1 },
  { program: 19, name: "church organ", brightness: 0.3 },
  { program: 22, name: "harmonica", brightness: 0.5 },
  { program: 24, name: "nylon guitar", brightness: -0.3 },
  { program: 27, name: "clean electric guitar", brightness: 0.3 },
  { program: 40, name: "violin", brightness: 0.2 },
  { program: 42, name: "cello", brightness: -0.6 },
  { program: 46, name: "harp", brightness: -0.4 },
  { program: 48, name: "string ensemble", brightness: -0.5 },
  { program: 56, name: "trumpet", brightness: 0.8 },
  { program: 61, name: "brass section", brightness: 0.8 },
  { program: 65, name: "alto sax", brightness: 0.4 },
  { program: 68, name: "oboe", brightness: 0.2 },
  { program: 71, name: "clarinet", brightness: -0.3 },
  { program: 73, name: "flute", brightness: -0.6 },
  { program: 80, name: "square lead", brightness: 1 },
  { program: 81, name: "sawtooth lead", brightness: 1 },
  { program: 89, name: "warm pad", brightness: -1 },
];

/** Instruments only the test split plays (the model must not pass by recognising a timbre). */
export const TEST_PROGRAMS = new Set([11, 27, 42, 56, 71]);
/** Tempo bands only the test split uses (bpm). */
export const TEST_TEMPO_BANDS: [number, number][] = [[88, 100], [136, 148]];

export type Split = "train" | "test";

export function drawTempo(random: Random, split: Split): number {
  for (;;) {
    const tempo = Math.round(uniform(random, 50, 170));
    const held = TEST_TEMPO_BANDS.some(([a, b]) => tempo >= a && tempo <= b);
    if (held === (split === "test")) return tempo;
  }
}

export interface Section {
  start: number;
  end: number;
  cues: MusicalCues;
  tonic: number;
  melodyProgram: number;
  chordProgram: number;
}

export interface Piece {
  seconds: number;
  sections: Section[];
  /** [time ms, status, data1, data2] in time order. */
  events: [number, number, number, number][];
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];
const PROGRESSION = [0, 3, 4, 0]; // scale degrees of chord roots: I IV V I

/** Cues at time t: each section's values, ramped over the first second of the next. */
export function cuesAt(piece: Pick<Piece, "sections">, t: number): MusicalCues {
  const i = Math.max(0, piece.sections.findIndex((s) => t >= s.start && t < s.end));
  const s = piece.sections[i]!;
  const previous = piece.sections[i - 1];
  const ramp = previous ? Math.min(1, (t - s.start) / 1) : 1;
  if (ramp >= 1 || !previous) return s.cues;
  const mix = (a: number, b: number) => a + (b - a) * ramp;
  const p = previous.cues, c = s.cues;
  return {
    mode: mix(p.mode, c.mode), tempo: mix(p.tempo, c.tempo), register: mix(p.register, c.register), velocity: mix(p.velocity, c.velocity),
    articulation: mix(p.articulation, c.articulation), brightness: mix(p.brightness, c.brightness), consonance: mix(p.consonance, c.consonance), contour: mix(p.contour, c.contour),
  };
}

function drawSection(random: Random, split: Split, start: number, end: number): Section {
  const programs = INSTRUMENTS.filter((x) => TEST_PROGRAMS.has(x.program) === (split === "test"));
  const melody = pick(random, programs), chords = pick(random, programs);
  const cues: MusicalCues = {
    mode: random() < 0.5 ? 1 : -1,
    tempo: drawTempo(random, split),
    register: randomInt(random, 50, 82),
    velocity: randomInt(random, 30, 120),
    articulation: uniform(random, 0.25, 1),
    brightness: clamp((melody.brightness * 2 + chords.brightness) / 3),
    consonance: uniform(random, -1, 1),
    contour: uniform(random, -1, 1),
  };
  return { start, end, cues, tonic: randomInt(random, 0, 11), melodyProgram: melody.program, chordProgram: chords.program };
}

/** A piece of `seconds` with sections of 5 to 12 s. */
export function composePiece(random: Random, seconds: number, split: Split): Piece {
  const sections: Section[] = [];
  for (let t = 0; t < seconds - 1e-9;) {
    const length = Math.min(seconds - t, uniform(random, 5, 12));
    sections.push(drawSection(random, split, t, t + length));
    t += length;
  }
  const piece: Piece = { seconds, sections, events: [] };
  const ev = piece.events;
  // Channel 0 melody, channel 1 chords.
  for (const s of sections) {
    ev.push([s.start * 1000, 0xc0, s.melodyProgram, 0], [s.start * 1000, 0xc1, s.chordProgram, 0]);
    const scale = s.cues.mode > 0 ? MAJOR : MINOR;
    const beat = 60 / s.cues.tempo;
    const dissonance = (1 - s.cues.consonance) / 2;
    let pitch = s.cues.register;
    let bar = 0;
    // Two beats per chord, I IV V I (i iv V i in minor: the raised leading tone of harmonic
    // minor makes the mode audible within a few seconds, as it does in real music).
    for (let t = s.start; t < s.end - 1e-9; t += 2 * beat, bar++) {
      // Chord: a triad about an octave below the melody but never below C3 (lower, semitones
      // are closer than the analysis can resolve).
      const degree = PROGRESSION[bar % PROGRESSION.length]!;
      const root = Math.max(48, 12 * Math.floor((s.cues.register - 12) / 12)) + s.tonic;
      const chord = [0, 2, 4].map((k) => root + scale[(degree + k) % 7]! + 12 * Math.floor((degree + k) / 7));
      if (s.cues.mode < 0 && degree === 4) chord[1]! += 1; // V in minor: major third (leading tone)
      const chordEnd = Math.min(s.end, t + 2 * beat * Math.max(0.5, s.cues.articulation));
      const chordVelocity = Math.round(s.cues.velocity * 0.6);
      // Dissonance is graded in every chord, not drawn per chord: a minor second above the
      // root grows with it, then a tritone joins. So the roughness a listener hears in any
      // one chord is the section's, and the label (cues.ts) describes what is sounding.
      const voices = chord.map((note) => [note, chordVelocity]);
      const second = Math.round(chordVelocity * Math.min(1, 2 * dissonance)), tritone = Math.round(chordVelocity * Math.max(0, 2 * dissonance - 1));
      if (second > 0) voices.push([chord[0]! + 1, second]);
      if (tritone > 0) voices.push([chord[0]! + 6, tritone]);
      if (chordEnd - t >= 0.02) {
        for (const [note, velocity] of voices) ev.push([t * 1000, 0x91, clampNote(note!), velocity!], [chordEnd * 1000 - 1, 0x81, clampNote(note!), 0]);
      }
      // Melody: eighth notes (some rests) drifting in the section's contour direction, mostly
      // on the chord's own notes.
      const chordClasses = chord.slice(0, 3).map((n) => ((n % 12) + 12) % 12);
      for (let k = 0; k < 4; k++) {
        const at = t + (k * beat) / 2;
        if (at >= s.end - 1e-9) break;
        if (random() < 0.15) continue;
        pitch += Math.round(s.cues.contour * 0.6 + uniform(random, -2.5, 2.5));
        if (Math.abs(pitch - s.cues.register) > 7) pitch = s.cues.register + Math.sign(pitch - s.cues.register) * 3;
        let note = random() < 0.7 ? nearestInClasses(pitch, chordClasses) : nearestInScale(pitch, s.tonic, scale);
        if (random() < dissonance * 0.3) note += 1; // chromatic clash
        const velocity = clampVelocity(s.cues.velocity + randomInt(random, -8, 8));
        const end = Math.min(s.end, at + (beat / 2) * s.cues.articulation);
        // A note cut to nothing by the section's end would sound on forever: skip it.
        if (end - at < 0.02) continue;
        ev.push([at * 1000, 0x90, clampNote(note), velocity], [end * 1000 - 1, 0x80, clampNote(note), 0]);
      }
    }
  }
  // All notes off on both channels at the end, whatever happened above.
  ev.push([seconds * 1000, 0xb0, 123, 0], [seconds * 1000, 0xb1, 123, 0]);
  // At equal times: note-offs, then program changes, then note-ons.
  const order = (status: number) => ({ 0x80: 0, 0xb0: 0, 0xc0: 1, 0x90: 2 })[status & 0xf0] ?? 3;
  ev.sort((a, b) => a[0] - b[0] || order(a[1]) - order(b[1]));
  return piece;
}

function nearestInClasses(pitch: number, classes: number[]): number {
  for (let d = 0; d < 12; d++) {
    for (const p of [pitch - d, pitch + d]) if (classes.includes(((p % 12) + 12) % 12)) return p;
  }
  return pitch;
}

function nearestInScale(pitch: number, tonic: number, scale: number[]): number {
  for (let d = 0; d < 12; d++) {
    for (const p of [pitch - d, pitch + d]) if (scale.includes((((p - tonic) % 12) + 12) % 12)) return p;
  }
  return pitch;
}

function clampNote(n: number): number {
  return Math.max(21, Math.min(108, Math.round(n)));
}

function clampVelocity(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}
