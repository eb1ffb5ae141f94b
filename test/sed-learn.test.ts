// Learning a new sound with the neural adapter: a synthetic class (a rising whistle) taught
// from six clips. The source branch must stay bit-identical to the base model (batch-norm
// statistics included), and the new class must be detected on clips it never saw.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../src/audio/wav.ts";
import { DEFAULT_SED_MODEL, learnedSummary } from "../src/cli/sed.ts";
import { loadModel } from "../src/models/io.ts";
import { seededRandom } from "../src/models/random.ts";
import { buildLearner, clipsMedian, learnedClassThresholds, learningSet, learnNewClass, readExamples, type LearnOptions } from "../src/models/sed/learn.ts";
import { predictPatches } from "../src/models/sed/predict.ts";
import { loadRehearsal } from "../src/models/sed/rehearsal.ts";
import type { SedMetadata } from "../src/models/sed/train.ts";
import { loadTf, tf } from "../src/models/tf.ts";
import { moodwire } from "./run-cli.ts";

function whistle(rate: number, seconds: number, from: number, to: number, gain: number): Float32Array {
  const x = new Float32Array(Math.round(rate * (seconds + 0.2)));
  let phase = 0;
  for (let i = 0; i < rate * seconds; i++) {
    const t = i / (rate * seconds);
    phase += 2 * Math.PI * (from + (to - from) * t) / rate;
    const envelope = Math.min(1, i / (0.01 * rate), (rate * seconds - i) / (0.02 * rate));
    x[i + Math.round(0.1 * rate)] = gain * envelope * (Math.sin(phase) + 0.3 * Math.sin(2 * phase));
  }
  return x;
}

function writeClips(dir: string, clips: [number, number, number, number][]): void {
  mkdirSync(dir, { recursive: true });
  clips.forEach(([seconds, from, to, gain], i) => writeFileSync(join(dir, `whistle-${i}.wav`), encodeWav(whistle(22050, seconds, from, to, gain), 22050)));
}

function f1(probabilities: Float32Array[], y: Float32Array, classes: number, c: number): number {
  let tp = 0, fp = 0, fn = 0;
  probabilities.forEach((p, i) => {
    const on = p[c]! >= 0.5, truth = y[i * classes + c] === 1;
    if (on && truth) tp++; else if (on) fp++; else if (truth) fn++;
  });
  return (2 * tp) / Math.max(1, 2 * tp + fp + fn);
}

/**
 * A learn run trains for a minute or two alone; on a runner busy with other work it took over
 * three (186 s, CI beside a training). A timeout says nothing about correctness, so it is wide.
 */
const LEARN_TIMEOUT_MS = 600_000;

/** The adapter's last kernel: runs that learned differently differ here, so it tells models apart. */
function adapterKernel(m: tf.LayersModel): number[] {
  return Array.from(m.getLayer("adapter_2").getWeights()[0]!.dataSync());
}

/**
 * Checks that `mean`'s learning branches (target and adapter) are the mean of `a`'s and `b`'s
 * and that its frozen source is the base's bit for bit.
 */
async function expectLearnedMean(mean: tf.LayersModel, a: tf.LayersModel, b: tf.LayersModel): Promise<void> {
  const { model: base } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
  const values = (m: tf.LayersModel, name: string) => m.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
  let learning = 0;
  for (const layer of mean.layers) {
    if (layer.getWeights().length === 0) continue;
    const [x, y, m] = [values(a, layer.name), values(b, layer.name), values(mean, layer.name)];
    if (layer.name.startsWith("source_")) {
      // The frozen source is the base's, bit for bit, whatever is averaged.
      if (layer.name !== "source_logits") expect(m, layer.name).toEqual(values(base, layer.name.slice("source_".length)));
      continue;
    }
    learning++;
    m.forEach((w, j) => w.forEach((v, k) => expect(v, `${layer.name}[${j}][${k}]`).toBeCloseTo((x[j]![k]! + y[j]![k]!) / 2, 5)));
  }
  expect(learning).toBeGreaterThan(5); // target convs, batch norms and dense, and the adapter
  base.dispose();
}

describe.runIf(existsSync(join(DEFAULT_SED_MODEL, "model.json")))("learn a new sound (neural adapter)", () => {
  let dir: string;
  beforeAll(async () => {
    await loadTf();
    dir = mkdtempSync(join(tmpdir(), "moodwire-learn-"));
    writeClips(join(dir, "train"), [[0.4, 1500, 3000, 0.5], [0.5, 1400, 2800, 0.3], [0.35, 1600, 3200, 0.6], [0.6, 1500, 2900, 0.2], [0.45, 1450, 3100, 0.4], [0.4, 1550, 3000, 0.7]]);
    writeClips(join(dir, "heldout"), [[0.42, 1520, 2950, 0.5], [0.55, 1480, 3050, 0.3], [0.38, 1580, 3150, 0.6], [0.5, 1430, 2850, 0.4]]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A short learn run of the whistle (one epoch, 5 mixtures per clip, one rehearsal copy, seed 5 unless given), and the model it wrote. */
  async function learnShort(name: string, options: Partial<LearnOptions>) {
    const metadata = await learnNewClass({ base: DEFAULT_SED_MODEL, label: "whistle", examples: join(dir, "train"), mode: "adapter", epochs: 1, mixesPerExample: 5, learningRate: 1e-3, seed: 5, rehearsalCopies: 1, ...options, out: join(dir, name) });
    return { metadata, model: (await loadModel<SedMetadata>(join(dir, name))).model };
  }

  it("raises the new class's F1 and leaves the frozen source bit-identical", async () => {
    const { model: base, metadata } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
    const f = metadata.frontEnd, classes = metadata.classes.length;
    const out = join(dir, "learned");
    const learned = await learnNewClass({ base: DEFAULT_SED_MODEL, label: "whistle", examples: join(dir, "train"), out, mode: "adapter", epochs: 4, mixesPerExample: 20, learningRate: 1e-3, seed: 3, rehearsalCopies: 3 });
    expect(learned.classes).toEqual([...metadata.classes, "whistle"]);
    expect(learned.architecture.adapter).toEqual({ units: 32, learned: "whistle" });
    // The old classes followed the base's outputs, so the base's per-class thresholds still fit
    // them; the new class turns on at the shared threshold, and how sure it is of its own clips is recorded.
    const { clipsMedian: median, onThreshold } = learned.learned!;
    expect(median).toBeGreaterThan(0.5); // sure of its own clips after learning
    expect(onThreshold).toBe(metadata.eventRule.on);
    expect(learned.eventRule).toEqual({ ...metadata.eventRule, classes: { ...metadata.eventRule.classes, whistle: { on: metadata.eventRule.on, off: expect.closeTo(metadata.eventRule.on - 0.2, 9) } } });
    // Three rehearsal copies keep this CI case short; what was used is recorded.
    expect(learned.learned).toMatchObject({ distill: true, rehearsalCopies: 3, averageEpochs: 1 });

    const { model } = await loadModel<SedMetadata>(out);
    // Every weight of the source branch (conv kernels, batch-norm gamma/beta and moving statistics, dense) is untouched.
    for (const layer of base.layers) {
      if (layer.getWeights().length === 0 || layer.name === "logits") continue;
      const before = layer.getWeights().map((w) => Array.from(w.dataSync()));
      const after = model.getLayer(`source_${layer.name}`).getWeights().map((w) => Array.from(w.dataSync()));
      expect(after, layer.name).toEqual(before);
    }

    // Held-out whistles mixed into the rehearsal patches: detected after learning, not before.
    const heldOut = learningSet(loadRehearsal(DEFAULT_SED_MODEL), await readExamples(join(dir, "heldout"), f), 15, f, seededRandom(99));
    const untrained = buildLearner(base, metadata, "adapter");
    const before = f1(predictPatches(untrained, heldOut.x, 0, heldOut.count, f), heldOut.y, classes + 1, classes);
    const after = f1(predictPatches(model, heldOut.x, 0, heldOut.count, f), heldOut.y, classes + 1, classes);
    expect(before).toBe(0); // the new class starts off
    expect(after).toBeGreaterThan(0.35); // whistles at -6..+20 dB over rooms and old events: some are inaudible
    // Without forgetting: on those patches the old classes answer as the base did.
    const baseOld = predictPatches(base, heldOut.x, 0, heldOut.count, f), learnedOld = predictPatches(model, heldOut.x, 0, heldOut.count, f);
    let moved = 0;
    baseOld.forEach((p, i) => { for (let k = 0; k < classes; k++) moved += Math.abs(learnedOld[i]![k]! - p[k]!) / (classes * baseOld.length); });
    expect(moved).toBeLessThan(0.05);
    // The median is the learned model's, on mixtures of the clips: recomputed, it is the same;
    // the untrained learner (new class off) is far below it.
    const rehearsal = loadRehearsal(DEFAULT_SED_MODEL), clips = await readExamples(join(dir, "train"), f);
    expect(clipsMedian(model, rehearsal, clips, f, 3)).toBeCloseTo(median!, 3);
    expect(clipsMedian(untrained, rehearsal, clips, f, 3)).toBeLessThan(0.1);
    for (const m of [base, model, untrained]) m.dispose();
  }, LEARN_TIMEOUT_MS);

  it("with averageEpochs (--average-epochs) keeps the mean of the last epochs' weights, the frozen source untouched", async () => {
    // learn is seeded, so a one-epoch run's weights are the two-epoch run's after its first
    // epoch: the model averaged over two epochs is the mean of the one- and two-epoch models.
    const one = await learnShort("epoch-1", { epochs: 1 }), two = await learnShort("epoch-2", { epochs: 2 }), averaged = await learnShort("averaged-2", { epochs: 2, averageEpochs: 2 });
    expect(averaged.metadata.learned).toMatchObject({ epochs: 2, averageEpochs: 2 });
    expect(two.metadata.learned).toMatchObject({ averageEpochs: 1 });
    await expectLearnedMean(averaged.model, one.model, two.model);
    // The averaged model is not simply one of the runs.
    expect(adapterKernel(averaged.model)).not.toEqual(adapterKernel(two.model));
    for (const m of [one.model, two.model, averaged.model]) m.dispose();
  }, LEARN_TIMEOUT_MS);

  it("with clips it must not fire on (--negatives), fires less on sounds like them", async () => {
    // Steady beeps: the same timbre, in the band the whistle sweeps, but not sweeping. The
    // model learned without them is the previous test's (dir/learned).
    writeClips(join(dir, "beeps"), [[0.4, 2200, 2200, 0.5], [0.5, 1900, 1900, 0.3], [0.45, 2600, 2600, 0.6], [0.4, 2400, 2400, 0.4]]);
    writeClips(join(dir, "beeps-heldout"), [[0.42, 2100, 2100, 0.5], [0.5, 2500, 2500, 0.4], [0.38, 2300, 2300, 0.6]]);
    const { metadata } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
    const f = metadata.frontEnd, classes = metadata.classes.length;
    const out = join(dir, "learned-negatives");
    // An on-threshold given (learn --on-threshold) replaces the shared one.
    const learned = await learnNewClass({ base: DEFAULT_SED_MODEL, label: "whistle", examples: join(dir, "train"), negatives: join(dir, "beeps"), out, mode: "adapter", epochs: 4, mixesPerExample: 20, learningRate: 1e-3, seed: 3, rehearsalCopies: 3, onThreshold: 0.55 });
    expect(learned.learned).toMatchObject({ examples: 6, negatives: 4, onThreshold: 0.55 });
    expect(learned.eventRule.classes?.whistle).toEqual({ on: 0.55, off: 0.35 });

    const rehearsal = loadRehearsal(DEFAULT_SED_MODEL);
    const rising = learningSet(rehearsal, await readExamples(join(dir, "heldout"), f), 15, f, seededRandom(99));
    // Beeps mixed into rehearsal patches (their labels unused: only the new class's output is read).
    const beeps = learningSet(rehearsal, await readExamples(join(dir, "beeps-heldout"), f), 15, f, seededRandom(98), 0);
    const meanNew = (model: tf.LayersModel, set: typeof beeps) => predictPatches(model, set.x, 0, set.count, f).reduce((sum, p) => sum + p[classes]! / set.count, 0);
    const without = (await loadModel<SedMetadata>(join(dir, "learned"))).model, withNegatives = (await loadModel<SedMetadata>(out)).model;
    const beepsWithout = meanNew(without, beeps), beepsWith = meanNew(withNegatives, beeps);
    expect(beepsWith).toBeLessThan(0.85 * beepsWithout);
    // ... and still hears the new sound, if less often: the new class grows more careful
    // overall (here F1 0.62 -> 0.40 on held-out whistles, 0.27 -> 0.21 mean output on beeps).
    expect(f1(predictPatches(withNegatives, rising.x, 0, rising.count, f), rising.y, classes + 1, classes)).toBeGreaterThan(0.35);
    without.dispose();
    withNegatives.dispose();
  }, LEARN_TIMEOUT_MS);

  it("puts the negative clips into the learning set with the new class off", async () => {
    const { metadata } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
    const f = metadata.frontEnd, classes = metadata.classes.length, size = f.patchFrames * f.nMels;
    const rehearsal = loadRehearsal(DEFAULT_SED_MODEL);
    const examples = await readExamples(join(dir, "train"), f), negatives = await readExamples(join(dir, "beeps"), f, "negative clip", 1);
    const set = learningSet(rehearsal, examples, 2, f, seededRandom(1), 1, negatives);
    expect(set.count).toBe(2 * examples.length + 2 * negatives.length + rehearsal.count);
    const newClass = Array.from({ length: set.count }, (_, i) => set.y[i * (classes + 1) + classes]);
    expect(newClass.slice(0, 2 * examples.length).every((v) => v === 1)).toBe(true);
    expect(newClass.slice(2 * examples.length).every((v) => v === 0)).toBe(true);
    // Each negative mixture holds its clip: it equals no rehearsal patch as it is.
    const unchanged = (i: number) => Array.from({ length: rehearsal.count }, (_, r) => r).some((r) => {
      for (let j = 0; j < size; j++) if (Math.abs(set.x[i * size + j]! - (rehearsal.db[r * size + j]! - f.mean) / f.std) > 1e-4) return false;
      return true;
    });
    for (let i = 2 * examples.length; i < 2 * (examples.length + negatives.length); i++) expect(unchanged(i), `mixture ${i}`).toBe(false);
    // The plain rehearsal patches that follow are the rehearsal set as it is.
    expect(unchanged(2 * (examples.length + negatives.length))).toBe(true);
  });

  it("learn tells the performer where the new class turns on and how sure it is of its clips, with a hint when it is less sure than that", () => {
    const learned = (clipsMedian: number, onThreshold: number) => ({ learned: { label: "bell2", mode: "adapter", examples: 10, negatives: 0, epochs: 8, clipsMedian, onThreshold, seconds: 200, base: "models/sed" } }) as SedMetadata;
    expect(learnedSummary(learned(0.83, 0.5), false)).toBe('learned "bell2" from 10 clips in 200 s; it turns on at 0.5 (the shared threshold); its median output on mixtures of its own clips is 0.83');
    expect(learnedSummary(learned(0.41, 0.5), false)).toMatch(/is 0.41 \(below that: it may miss its own sound; more clips, or a lower --on-threshold\)$/);
    expect(learnedSummary(learned(0.83, 0.9), true)).toMatch(/turns on at 0.9; .* is 0.83 \(below that/);
  });

  it("the new class's thresholds: off 0.2 below on, and an impossible on refused", () => {
    expect(learnedClassThresholds(0.6)).toEqual({ on: 0.6, off: 0.4 });
    expect(learnedClassThresholds(0.35)).toEqual({ on: 0.35, off: 0.15 });
    for (const bad of [0.2, 1, Number.NaN, "0.7" as unknown as number]) expect(() => learnedClassThresholds(bad)).toThrow(/on threshold must be/);
  });

  it("with runs (--runs) keeps the mean of runs learned with seeds seed, seed + 1, ..., each what that seed alone learns", async () => {
    // Every run starts from the same weights and has its own seed, so the soup of two runs is the
    // mean of the models `--seed 5` and `--seed 6` learn on their own; the source stays the base's.
    const five = await learnShort("seed-5", { seed: 5 }), six = await learnShort("seed-6", { seed: 6 }), soup = await learnShort("soup-5-6", { seed: 5, runs: 2 });
    expect(soup.metadata.learned).toMatchObject({ runs: 2, averageEpochs: 1 });
    expect(five.metadata.learned).toMatchObject({ runs: 1 });
    await expectLearnedMean(soup.model, five.model, six.model);
    // The two runs learned differently, so the soup is neither of them.
    expect(adapterKernel(five.model)).not.toEqual(adapterKernel(six.model));
    expect(adapterKernel(soup.model)).not.toEqual(adapterKernel(five.model));
    for (const m of [five.model, six.model, soup.model]) m.dispose();
  }, LEARN_TIMEOUT_MS);

  it("learn refuses a label the model knows, too few clips, a missing negatives folder and impossible counts, in one line", async () => {
    const few = join(dir, "few");
    writeClips(few, [[0.4, 1500, 3000, 0.5]]);
    for (const [args, message] of [
      [["--label", "clap", "--examples", join(dir, "train")], /already knows "clap"/],
      [["--label", "whistle", "--examples", few], /at least 3/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--negatives", join(dir, "missing")], /cannot read the negative clips folder/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--rehearsal-copies", "0"], /rehearsal copies must be a whole number >= 1, got 0/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--epochs", "2.5"], /epochs must be a whole number >= 1, got 2.5/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--average-epochs", "0"], /epochs averaged must be a whole number >= 1, got 0/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--runs", "0"], /runs must be a whole number >= 1, got 0/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--on-threshold", "0.1"], /on threshold must be a number above 0.2 and below 1 .*got 0.1/],
      [["--label", "whistle", "--examples", join(dir, "train"), "--on-threshold", "1"], /on threshold must be .*got 1$/m],
    ] as const) {
      const r = await moodwire(["learn", ...args, "--out", join(dir, "x")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  }, 60_000);
});
