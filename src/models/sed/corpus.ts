// `moodwire corpus sed`: writes a DCASE-style corpus folder.
//
//   DIR/audio/train/scene-0000.wav ...   16 kHz mono 16-bit, 10 s each
//   DIR/audio/test/...
//   DIR/annotations/train.tsv, test.tsv  filename onset offset event_label
//   DIR/new-class/<label>/*.wav          (with --new-class) a few clips to teach with `learn`
//   DIR/new-class/not-<label>/*.wav      (with --negatives) clips of base classes it must not fire on
//   DIR/corpus.json                      seed, classes, which recordings went to which split
//
// Recordings are split by group before any mixing, so test scenes only contain sounds
// (and backgrounds) that no training scene contains.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeWav } from "../../audio/wav.ts";
import { seededRandom, shuffled, uniform, type Random } from "../random.ts";
import { formatAnnotations, makeEvent, makeScene, splitBackgrounds, splitByGroup, splitWithinGroups, type Annotation, type ClassPool } from "./soundscape.ts";
import { CORPUS_RATE, CYMBAL_CLASS, DJEMBE_CLASS, GUNSHOT_CLASS, TAMBOURINE_CLASS, loadBackgrounds, SED_CLASSES, type Recording, type SoundClass } from "./sources.ts";
import { ModelInputError } from "../errors.ts";

/** How a new class' recordings are split between the `learn` clips and the test scenes (CorpusOptions.newClassSplit). */
export const NEW_CLASS_SPLITS = ["source", "recording"] as const;
export type NewClassSplit = (typeof NEW_CLASS_SPLITS)[number];

export interface CorpusOptions {
  out: string;
  seed: number;
  trainScenes: number;
  testScenes: number;
  /** A class left out of training: its test-group sounds join the test scenes, a few train-group clips are written for `learn`. */
  newClass?: string;
  newClassExamples: number;
  /**
   * How the new class is split: "source" (default) keeps its test sources out of the clips
   * (other instruments, other weapons); "recording" holds out other recordings of the same
   * sources (a performer's own instrument, other strokes). Base classes are always split by source.
   */
  newClassSplit?: NewClassSplit;
  /**
   * Base classes to write "not this" clips of beside the new class' (for `learn --negatives`):
   * NEGATIVE_EXAMPLES of each, from its training recordings, all in new-class/not-LABEL/.
   */
  negatives?: string[];
  /** Restrict to these base classes (tests use a few to stay fast). */
  classes?: string[];
  onProgress?: (done: number, total: number, note: string) => void;
}

export const CORPUS_DEFAULTS = { seed: 1, trainScenes: 400, testScenes: 100, newClassExamples: 10 };
/** "Not this" clips per class named in CorpusOptions.negatives. */
export const NEGATIVE_EXAMPLES = 5;

export const EXTRA_CLASSES: SoundClass[] = [GUNSHOT_CLASS, TAMBOURINE_CLASS, DJEMBE_CLASS, CYMBAL_CLASS];

export interface CorpusSummary {
  seed: number;
  sampleRate: number;
  sceneSeconds: number;
  classes: string[];
  newClass?: string;
  /** How the new class was split (see CorpusOptions). */
  newClassSplit?: NewClassSplit;
  scenes: { train: number; test: number };
  /** Distinct recordings and groups per class and split. */
  recordings: Record<string, { train: { recordings: number; groups: number }; test: { recordings: number; groups: number } }>;
  events: { train: Record<string, number>; test: Record<string, number> };
  sources: Record<string, { train: string[]; test: string[] }>;
}

function countBy(rows: Annotation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of rows) out[a.label] = (out[a.label] ?? 0) + 1;
  return out;
}

/** `count` short clips of a pool's sound alone (0.1 s of silence each side), as a performer records them. */
function writeClips(dir: string, pool: ClassPool, count: number, random: Random): void {
  mkdirSync(dir, { recursive: true });
  const order = shuffled(random, pool.recordings);
  for (let k = 0; k < count; k++) {
    const event = makeEvent({ sound: pool.sound, recordings: [order[k % order.length]!] }, random);
    const clip = new Float32Array(event.length + Math.round(0.2 * CORPUS_RATE));
    const gain = uniform(random, 0.3, 0.8);
    for (let i = 0; i < event.length; i++) clip[i + Math.round(0.1 * CORPUS_RATE)] = gain * event[i]!;
    writeFileSync(join(dir, `${pool.sound.label}-${String(k).padStart(2, "0")}.wav`), encodeWav(clip, CORPUS_RATE, { float: false, bits: 16 }));
  }
}

export async function buildSedCorpus(options: CorpusOptions): Promise<CorpusSummary> {
  const { out, seed } = options;
  const random = seededRandom(seed);
  const base = options.classes ? SED_CLASSES.filter((c) => options.classes!.includes(c.label)) : SED_CLASSES;
  if (options.classes && base.length !== options.classes.length) {
    throw new ModelInputError(`unknown class in ${options.classes.join(",")}; known: ${SED_CLASSES.map((c) => c.label).join(", ")}`);
  }
  const extra = options.newClass ? EXTRA_CLASSES.find((c) => c.label === options.newClass) : undefined;
  if (options.newClass && !extra) throw new ModelInputError(`unknown new class ${options.newClass}; known: ${EXTRA_CLASSES.map((c) => c.label).join(", ")}`);
  const all = extra ? [...base, extra] : base;
  for (const label of options.negatives ?? []) {
    if (!extra) throw new ModelInputError("negative clips go with a new class: give --new-class too");
    if (!base.some((c) => c.label === label)) throw new ModelInputError(`negative clips must be of a base class (${base.map((c) => c.label).join(", ")}), not "${label}"`);
  }

  const train: ClassPool[] = [], test: ClassPool[] = [];
  const summary: CorpusSummary = {
    seed, sampleRate: CORPUS_RATE, sceneSeconds: 10, classes: base.map((c) => c.label), newClass: extra?.label, newClassSplit: extra ? options.newClassSplit ?? "source" : undefined,
    scenes: { train: options.trainScenes, test: options.testScenes }, recordings: {}, events: { train: {}, test: {} }, sources: {},
  };
  const describe = (rs: Recording[]) => ({ recordings: rs.length, groups: new Set(rs.map((r) => r.group)).size });
  for (const [i, sound] of all.entries()) {
    options.onProgress?.(i, all.length, `loading ${sound.label}`);
    const recordings = await sound.load();
    // The split by source runs even when it is not used: the shared generator then advances
    // as always, and a split by recording draws from its own, so the base classes, the rooms
    // and the scenes' timing are the same under either split.
    const bySource = splitByGroup(recordings, random);
    const split = sound === extra && options.newClassSplit === "recording" ? splitWithinGroups(recordings, seededRandom(seed + 1_000_003)) : bySource;
    train.push({ sound, recordings: split.train });
    test.push({ sound, recordings: split.test });
    summary.recordings[sound.label] = { train: describe(split.train), test: describe(split.test) };
    summary.sources[sound.label] = { train: [...new Set(split.train.map((r) => r.source))], test: [...new Set(split.test.map((r) => r.source))] };
  }
  const backgrounds = splitBackgrounds(await loadBackgrounds(), random);
  summary.recordings.background = { train: describe(backgrounds.train), test: describe(backgrounds.test) };
  summary.sources.background = { train: backgrounds.train.map((r) => r.source), test: backgrounds.test.map((r) => r.source) };

  const total = options.trainScenes + options.testScenes;
  let done = 0;
  for (const [split, count, pools, bgs] of [
    ["train", options.trainScenes, train.filter((p) => p.sound !== extra), backgrounds.train],
    ["test", options.testScenes, test, backgrounds.test],
  ] as const) {
    const dir = join(out, "audio", split);
    mkdirSync(dir, { recursive: true });
    const rows: Annotation[] = [];
    for (let s = 0; s < count; s++) {
      const filename = `scene-${String(s).padStart(4, "0")}.wav`;
      const scene = makeScene(filename, pools, bgs, random);
      writeFileSync(join(dir, filename), encodeWav(scene.samples, CORPUS_RATE, { float: false, bits: 16 }));
      rows.push(...scene.annotations);
      options.onProgress?.(++done, total, `${split} ${filename}`);
    }
    mkdirSync(join(out, "annotations"), { recursive: true });
    writeFileSync(join(out, "annotations", `${split}.tsv`), formatAnnotations(rows));
    summary.events[split] = countBy(rows);
  }

  if (extra) {
    // A performer's few examples: short clips of the new sound alone, from its training groups.
    writeClips(join(out, "new-class", extra.label), train.find((p) => p.sound === extra)!, options.newClassExamples, random);
    // What it must not fire on, from the training recordings of the classes named: their
    // own generator, so the corpus is otherwise the same with or without them.
    const negativeRandom = seededRandom(seed + 2_000_003);
    for (const label of options.negatives ?? []) {
      writeClips(join(out, "new-class", `not-${extra.label}`), train.find((p) => p.sound.label === label)!, NEGATIVE_EXAMPLES, negativeRandom);
    }
  }
  writeFileSync(join(out, "corpus.json"), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}
