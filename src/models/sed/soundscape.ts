// DCASE-style soundscapes: 10 s of a room tone plus noise, with events from the sound
// classes placed at random times and levels, annotated as `filename onset offset event_label`.
// Everything is drawn from one seeded generator, so a seed always gives the same corpus.

import { CORPUS_RATE, type Recording, type SoundClass } from "./sources.ts";
import { pick, randomInt, shuffled, uniform, type Random } from "../random.ts";
import { ModelInputError } from "../errors.ts";

export interface Annotation {
  filename: string;
  onset: number;
  offset: number;
  label: string;
}

export interface ClassPool {
  sound: SoundClass;
  recordings: Recording[];
}

/** Splits a class's recordings by group: `testFraction` of the groups (at least one) go to test. */
export function splitByGroup(recordings: Recording[], random: Random, testFraction = 0.25): { train: Recording[]; test: Recording[] } {
  const groups = shuffled(random, [...new Set(recordings.map((r) => r.group))].sort());
  const testCount = Math.max(1, Math.round(groups.length * testFraction));
  const testGroups = new Set(groups.slice(0, testCount));
  if (groups.length < 2) throw new ModelInputError(`class ${recordings[0]?.label} has ${groups.length} recording group(s): at least 2 are needed to keep test sounds out of training`);
  return {
    train: recordings.filter((r) => !testGroups.has(r.group)),
    test: recordings.filter((r) => testGroups.has(r.group)),
  };
}

/**
 * Splits a class's recordings within each group: `testFraction` of every group's recordings
 * (at least one, when the group has two or more) go to test. Test then holds other
 * recordings of the same sources, the case of a performer who teaches moodwire the very
 * instrument they will play (another stroke of the same tambourine), not another instrument.
 */
export function splitWithinGroups(recordings: Recording[], random: Random, testFraction = 0.25): { train: Recording[]; test: Recording[] } {
  const test = new Set<Recording>();
  for (const group of [...new Set(recordings.map((r) => r.group))].sort()) {
    const members = recordings.filter((r) => r.group === group);
    if (members.length < 2) continue;
    for (const r of shuffled(random, members).slice(0, Math.max(1, Math.round(members.length * testFraction)))) test.add(r);
  }
  if (test.size === 0) throw new ModelInputError(`class ${recordings[0]?.label} has no group with two or more recordings to split`);
  return { train: recordings.filter((r) => !test.has(r)), test: recordings.filter((r) => test.has(r)) };
}

/** Backgrounds: one recording of every kind with two or more goes to test, the rest to train. */
export function splitBackgrounds(recordings: Recording[], random: Random): { train: Recording[]; test: Recording[] } {
  const kinds = [...new Set(recordings.map((r) => r.label))].sort();
  const test = new Set<Recording>();
  for (const kind of kinds) {
    const members = recordings.filter((r) => r.label === kind);
    if (members.length >= 2) test.add(pick(random, members));
  }
  return { train: recordings.filter((r) => !test.has(r)), test: recordings.filter((r) => test.has(r)) };
}

function rms(x: Float32Array): number {
  let a = 0;
  for (const v of x) a += v * v;
  return Math.sqrt(a / Math.max(1, x.length));
}

/** One event's audio: a single recording, or a sequence (steps, key presses) from one pool. */
export function makeEvent(pool: ClassPool, random: Random): Float32Array {
  const { shape } = pool.sound;
  if (shape === "single") return pick(random, pool.recordings).samples;
  const { min, max, gapMin, gapMax } = shape.sequence;
  // Footsteps keep one surface: draw the group first, then its recordings.
  const group = pick(random, pool.recordings).group;
  const sameGroup = pool.sound.label === "footsteps" ? pool.recordings.filter((r) => r.group === group) : pool.recordings;
  const count = randomInt(random, min, max);
  const parts: { at: number; samples: Float32Array }[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const samples = pick(random, sameGroup).samples;
    parts.push({ at, samples });
    at += Math.round(uniform(random, gapMin, gapMax) * CORPUS_RATE);
  }
  const length = Math.max(...parts.map((p) => p.at + p.samples.length));
  const out = new Float32Array(length);
  for (const p of parts) {
    const gain = uniform(random, 0.6, 1);
    for (let i = 0; i < p.samples.length; i++) out[p.at + i]! += gain * p.samples[i]!;
  }
  return out;
}

export interface SceneOptions {
  seconds: number;
  /** Largest number of events in a scene (0 .. max, a tenth of scenes are empty). */
  maxEvents: number;
}

export const SCENE_DEFAULTS: SceneOptions = { seconds: 10, maxEvents: 4 };

/** Mixes one soundscape; returns the audio and its annotations (times in seconds). */
export function makeScene(filename: string, pools: ClassPool[], backgrounds: Recording[], random: Random, options: SceneOptions = SCENE_DEFAULTS): { samples: Float32Array; annotations: Annotation[] } {
  const n = Math.round(options.seconds * CORPUS_RATE);
  const out = new Float32Array(n);
  // Room tone: a background recording (looped if short) at -45..-25 dBFS RMS, plus a little noise.
  const background = pick(random, backgrounds).samples;
  const start = randomInt(random, 0, Math.max(0, background.length - 1));
  const backgroundLevel = 10 ** (uniform(random, -45, -25) / 20);
  const backgroundGain = backgroundLevel / Math.max(1e-6, rms(background));
  const noiseGain = 10 ** (uniform(random, -65, -45) / 20) * Math.sqrt(3);
  for (let i = 0; i < n; i++) out[i] = backgroundGain * background[(start + i) % background.length]! + noiseGain * (2 * random() - 1);
  // Sometimes a second room tone underneath, so the model meets more kinds of background.
  if (backgrounds.length > 1 && random() < 0.3) {
    const second = pick(random, backgrounds).samples;
    const at = randomInt(random, 0, Math.max(0, second.length - 1));
    const gain = (backgroundLevel * 10 ** (uniform(random, -12, 0) / 20)) / Math.max(1e-6, rms(second));
    for (let i = 0; i < n; i++) out[i]! += gain * second[(at + i) % second.length]!;
  }
  const annotations: Annotation[] = [];
  const events = random() < 0.1 ? 0 : randomInt(random, 1, options.maxEvents);
  for (let e = 0; e < events; e++) {
    const pool = pick(random, pools);
    let samples = makeEvent(pool, random);
    if (samples.length > n) samples = samples.subarray(0, n);
    // Event-to-background ratio from -6 to +20 dB: some events are barely there.
    const level = backgroundLevel * 10 ** (uniform(random, -6, 20) / 20);
    const gain = Math.min(level / Math.max(1e-6, rms(samples)), 0.9);
    const at = randomInt(random, 0, n - samples.length);
    for (let i = 0; i < samples.length; i++) out[at + i]! += gain * samples[i]!;
    annotations.push({ filename, onset: round3(at / CORPUS_RATE), offset: round3((at + samples.length) / CORPUS_RATE), label: pool.sound.label });
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0.99) for (let i = 0; i < n; i++) out[i]! *= 0.99 / peak;
  annotations.sort((a, b) => a.onset - b.onset || a.label.localeCompare(b.label));
  return { samples: out, annotations };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const TSV_HEADER = "filename\tonset\toffset\tevent_label";

export function formatAnnotations(rows: Annotation[]): string {
  return [TSV_HEADER, ...rows.map((a) => `${a.filename}\t${a.onset.toFixed(3)}\t${a.offset.toFixed(3)}\t${a.label}`)].join("\n") + "\n";
}

/** Parses a DCASE annotation TSV (header optional; rows without a label mark empty files). */
export function parseAnnotations(text: string): Annotation[] {
  const rows: Annotation[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim() || (i === 0 && line.startsWith("filename"))) continue;
    const [filename, onset, offset, label] = line.split("\t");
    if (!filename || onset === undefined || offset === undefined || !label) continue;
    const a = { filename, onset: Number(onset), offset: Number(offset), label };
    if (!Number.isFinite(a.onset) || !Number.isFinite(a.offset) || a.offset < a.onset) throw new ModelInputError(`annotation line ${i + 1} is not "filename onset offset label": ${line}`);
    rows.push(a);
  }
  return rows;
}
