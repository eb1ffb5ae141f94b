// npm run bench:models [-- --json] [--quick] [--only sed|emotion] [--learn-seeds N (3; --quick 1; 0: timings only)] [--development] [--class NAME] [--average-epochs N] [--runs N]
// Every timing is taken in three rounds and reported as the median round and the range.
// Each network is also timed beside a plain-TypeScript forward pass of the same weights
// (bench/peers/plain-sed.ts, plain-emotion.ts; a test checks they compute the same outputs),
// the two alternately in one run: this VM's absolute times swing by 2x from day to day, the
// ratio much less.
// The SED model on tfjs-wasm, one core: inference latency (batch 1, one 1 s window, as the
// live detector runs it), training time per epoch (the default corpus' 197 batches of 32,
// timed on 40 batches), `learn` time for 10 clips, model size; then the thesis' Table 3.1:
// F1 of the old classes before and after learning a new class, and of the new class, for
// the neural adapter and for simple transfer, with the old classes learning the base's own
// outputs or the rehearsal labels. The test scenes come from
// `corpus sed --seed 1 --train 0 --test 100 --new-class gunshot|tambourine` (the same
// recording split as the training corpus: only recordings no model heard). One more row
// splits the tambourines by recording (`--new-class-split recording`): the test scenes
// strike the clips' own tambourines again, a performer's case. And one passes 10 "not this"
// clips (glass and bells from training recordings: `corpus sed --negatives glass,bell`) to
// `learn --negatives`. Each run also prints the new class's F1 at several on-thresholds and
// at its clips' median output + a margin (the rule newClassThresholds in learn.ts tried and rejected);
// --development learns the development classes instead, djembe and cymbal (`--new-class
// djembe|cymbal`, with and without "not this" clips), on which the learned class's threshold
// was chosen. --class NAME learns only that class's rows. --average-epochs N learns every row
// with learn --average-epochs N (the mean of the last N epochs' weights; default 1), --runs N
// with learn --runs N (the mean of N runs' weights, seeds S to S + N - 1 for each learn seed S:
// `--learn-seeds 1 --runs 3` learns the soup of the seeds 1, 2 and 3 the default rows learn apart).

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SED_MODEL } from "../src/cli/sed.ts";
import { loadModel } from "../src/models/io.ts";
import { buildSedCorpus, NEGATIVE_EXAMPLES, type NewClassSplit } from "../src/models/sed/corpus.ts";
import { readSplit, toPatches } from "../src/models/sed/dataset.ts";
import { learnedClassThresholds, learnNewClass, LEARN_DEFAULTS } from "../src/models/sed/learn.ts";
import { EVENT_RULE } from "../src/models/sed/events.ts";
import { predictPatchSet } from "../src/models/sed/predict.ts";
import { buildSedModel } from "../src/models/sed/model.ts";
import { scoreProbabilities, segmentF1, trainEpoch, type SedMetadata } from "../src/models/sed/train.ts";
import { loadTf, tf } from "../src/models/tf.ts";
import { DEFAULT_EMOTION_MODEL } from "../src/cli/emotion.ts";
import { buildEmotionCorpus } from "../src/models/emotion/corpus.ts";
import { EmotionTracker } from "../src/models/emotion/tracker.ts";
import { FoldedEmotionNetwork, foldEmotionModel } from "../src/models/emotion/folded.ts";
import type { EmotionMetadata } from "../src/models/emotion/train.ts";
import { PlainEmotionNetwork } from "./peers/plain-emotion.ts";
import { PlainSedNetwork } from "./peers/plain-sed.ts";
import { formatLatency, spread, timeAlternately, timeRounds, type Spread } from "./stats.ts";

const { values } = parseArgs({ options: { json: { type: "boolean" }, quick: { type: "boolean" }, only: { type: "string" }, "learn-seeds": { type: "string" }, development: { type: "boolean" }, class: { type: "string" }, "average-epochs": { type: "string" }, runs: { type: "string" } } });
const log = (s: string) => { if (!values.json) process.stderr.write(s + "\n"); };
// Every latency is measured in ROUNDS rounds and reported as the median round and the range.
const ROUNDS = 3;
/** On-thresholds the learned class is scored at (each run's log line; the table with --development). */
const ON_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9];
/** Margins over the median output on its clips the learned class is scored at (the rule learn.ts tried and rejected: newClassThresholds). */
const ON_MARGINS = [0, 0.05, 0.1, 0.15, 0.2];

/** That rule's "on": the median output on its clips + `margin`, to the nearest 0.05, from 0.3 to 0.9. */
function medianPlusMargin(median: number, margin: number): number {
  return Math.min(0.9, Math.max(0.3, Math.round((median + margin) * 20) / 20));
}

await loadTf();
const results: Record<string, unknown> = {};
if (values.only !== "emotion") results.sed = await benchSed();
if (values.only !== "sed") results.emotion = await benchEmotion();
if (values.json) process.stdout.write(JSON.stringify(results) + "\n");

async function benchSed() {
  const { model, metadata } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
  const f = metadata.frontEnd;

  // Inference, batch 1.
  const window = new Float32Array(f.patchFrames * f.nMels).map((_, i) => Math.sin(i) * 0.5);
  const inference = timeRounds(ROUNDS, values.quick ? 200 : 2000, 50, () => {
    const t = performance.now();
    tf.tidy(() => (model.predict(tf.tensor4d(window, [1, f.patchFrames, f.nMels, 1])) as tf.Tensor).dataSync());
    return performance.now() - t;
  });
  log(`SED inference (batch 1): ${formatLatency(inference)}`);
  // The same inference beside the plain-TS peer (bench/peers/plain-sed.ts), alternately in this
  // run: a ratio that compares across days of this VM, where the absolute times swing.
  const plain = new PlainSedNetwork(model, metadata.architecture!);
  const [wasm, ts] = timeAlternately(ROUNDS, values.quick ? 40 : 200, 20, () => tf.tidy(() => (model.predict(tf.tensor4d(window, [1, f.patchFrames, f.nMels, 1])) as tf.Tensor).dataSync()), () => plain.run(window));
  log(`SED network beside its plain-TS peer, one window: tfjs-wasm ${formatLatency(wasm)}; plain TS ${formatLatency(ts)}; tfjs-wasm ${(ts.p50.median / wasm.p50.median).toFixed(1)}x faster at p50, ${(ts.p99.median / wasm.p99.median).toFixed(1)}x at p99; plain TS p99 / p50 ${(ts.p99.median / ts.p50.median).toFixed(2)}`);
  const againstPlainTs = { tfjsWasm: wasm, plainTs: ts, p50Ratio: ts.p50.median / wasm.p50.median, p99Ratio: ts.p99.median / wasm.p99.median };

  // Training speed: 40 batches of 32 random patches through a fresh model.
  const fresh = buildSedModel(f, metadata.classes.length, 1, metadata.architecture);
  fresh.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  const n = 40 * 32, size = f.patchFrames * f.nMels, c = metadata.classes.length;
  const set = { x: new Float32Array(n * size).map(() => Math.random() * 2 - 1), y: new Float32Array(n * c).map(() => (Math.random() < 0.1 ? 1 : 0)), count: n, files: [], annotations: [] };
  await trainEpoch(fresh, set, Array.from({ length: 64 }, (_, i) => i), 32, f); // warm-up
  const batchTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t = performance.now();
    await trainEpoch(fresh, set, Array.from({ length: n }, (_, i) => i), 32, f);
    batchTimes.push((performance.now() - t) / 40);
  }
  const perBatch = spread(batchTimes);
  log(`training: ${perBatch.median.toFixed(0)} ms per batch of 32 (${perBatch.min.toFixed(0)}-${perBatch.max.toFixed(0)} over ${ROUNDS} rounds of 40) -> ${(perBatch.median * 197 / 1000).toFixed(0)} s per epoch of the default corpus (197 batches)`);
  fresh.dispose();

  const modelBytes = statSync(join(DEFAULT_SED_MODEL, "weights.bin")).size;
  const jsonBytes = statSync(join(DEFAULT_SED_MODEL, "model.json")).size;
  const rehearsalBytes = statSync(join(DEFAULT_SED_MODEL, "rehearsal.bin")).size;
  log(`model size: weights ${(modelBytes / 1024).toFixed(0)} KiB, model.json ${(jsonBytes / 1024).toFixed(0)} KiB, rehearsal set ${(rehearsalBytes / 1024).toFixed(0)} KiB`);

  // Learning a new class, and Table 3.1: each new class's test scenes are built once; the
  // base model's old-class F1 is measured on the same scenes as each learned model's.
  const dir = mkdtempSync(join(tmpdir(), "moodwire-bench-models-"));
  // The tambourine scenes also get "not this" clips of glass and bells (what the learned
  // tambourine fired on), for the row that passes them to learn --negatives.
  const negativesOf: Record<string, string[]> = { tambourine: ["glass", "bell"], djembe: ["clap", "door"], cymbal: ["glass", "bell"] };
  type Case = { label: string; split: NewClassSplit; mode: "adapter" | "transfer"; distill: boolean; negatives?: boolean };
  // --development: the classes the learned class's threshold is chosen on (newClassThresholds in learn.ts),
  // instead of Table 3.1's: djembe ("not this": clap and door), on which a median + margin
  // rule was chosen, and cymbal ("not this": glass and bell), on which it then failed.
  const development: Case[] = [
    { label: "djembe", split: "source", mode: "adapter", distill: true },
    { label: "djembe", split: "source", mode: "adapter", distill: true, negatives: true },
    { label: "cymbal", split: "source", mode: "adapter", distill: true },
    { label: "cymbal", split: "source", mode: "adapter", distill: true, negatives: true },
  ];
  const report: Case[] = [
    { label: "gunshot", split: "source", mode: "adapter", distill: true },
    { label: "gunshot", split: "source", mode: "adapter", distill: false },
    { label: "gunshot", split: "source", mode: "transfer", distill: false },
    { label: "tambourine", split: "source", mode: "adapter", distill: true },
    { label: "tambourine", split: "source", mode: "adapter", distill: true, negatives: true },
    { label: "tambourine", split: "recording", mode: "adapter", distill: true },
  ];
  // --class NAME: only that new class's rows.
  const cases = (values.development ? development : report).filter((c) => !values.class || c.label === values.class);
  if (!cases.length) throw new Error(`--class ${values.class}: no ${values.development ? "development" : "report"} rows learn it`);
  // One learn run's scores move by a few hundredths with its seed (the mixtures, their
  // augmentation and the batch order), more than most settings differ, so every row is
  // learned with --learn-seeds seeds (3; --quick: 1) and reported as the mean with the range.
  const seeds = Array.from({ length: Number(values["learn-seeds"] ?? (values.quick ? 1 : 3)) }, (_, i) => i + 1);
  type Run = { seed: number; oldF1: number; drop: number; newF1: number; newPrecision: number; newRecall: number; curve: number[]; byMargin: number[]; seconds: number };
  const table: { label: string; split: NewClassSplit; mode: string; negatives: boolean; oldLabels: string; baseOldF1: number; runs: Run[]; drop: Spread; newF1: Spread; newPrecision: number; newRecall: number; seconds: number }[] = [];
  try {
    const old = metadata.classes;
    // --learn-seeds 0 skips Table 3.1 (the timings alone take a few minutes; the table, an hour).
    for (const key of seeds.length ? [...new Set(cases.map((c) => `${c.label}/${c.split}`))] : []) {
      const [label, split] = key.split("/") as [string, NewClassSplit];
      log(`building the test scenes with the new class (${label}, split by ${split}) ...`);
      const scenes = join(dir, `${label}-${split}`);
      await buildSedCorpus({ out: scenes, seed: 1, trainScenes: 0, testScenes: values.quick ? 30 : 100, newClass: label, newClassExamples: 10, newClassSplit: split, negatives: negativesOf[label] });
      const test = readSplit(scenes, "test", f);
      const patches = toPatches(test.scenes, test.annotations, [...old, label], f);
      const baseOldF1 = segmentF1(model, toPatches(test.scenes, test.annotations, old, f), old, f, metadata.eventRule).segment.micro.f1;
      log(`base model, old classes: segment F1 ${baseOldF1.toFixed(3)}`);
      for (const c of cases.filter((k) => k.label === label && k.split === split)) {
        const oldLabels = c.distill ? "base outputs" : "rehearsal labels", runs: Run[] = [];
        for (const seed of seeds) {
          const out = join(dir, `learned-${label}-${split}-${c.mode}-${c.distill}-${c.negatives ?? false}-${seed}`);
          const started = performance.now();
          await learnNewClass({ ...LEARN_DEFAULTS, averageEpochs: Number(values["average-epochs"] ?? LEARN_DEFAULTS.averageEpochs), runs: Number(values.runs ?? LEARN_DEFAULTS.runs), base: DEFAULT_SED_MODEL, label, examples: join(scenes, `new-class/${label}`), negatives: c.negatives ? join(scenes, `new-class/not-${label}`) : undefined, out, mode: c.mode, distill: c.distill, seed });
          const seconds = (performance.now() - started) / 1000;
          const learned = await loadModel<SedMetadata>(out);
          // Predicted once, scored under the learned rule and, for comparison, with the new
          // class at other thresholds.
          const probabilities = predictPatchSet(learned.model, patches, f), rule = learned.metadata.eventRule;
          const scores = scoreProbabilities(probabilities, patches, [...old, label], f, rule).segment;
          /** The new class's segment F1 with its "on" at `on` (off 0.2 below), the rest of the rule as learned. */
          const newClassF1At = (on: number) => scoreProbabilities(probabilities, patches, [...old, label], f, { ...rule, classes: { ...rule.classes, [label]: learnedClassThresholds(on) } }).segment.classes[label]!.f1;
          const sum = (k: "tp" | "fp" | "fn") => old.reduce((a, l) => a + scores.classes[l]!.counts[k], 0);
          const oldF1 = (2 * sum("tp")) / (2 * sum("tp") + sum("fp") + sum("fn"));
          const n = scores.classes[label]!;
          // The new class's F1 at each on-threshold (off 0.2 below) and at each run's median
          // output on its clips + a margin: on the --development rows, what newClassThresholds was chosen on.
          const median = learned.metadata.learned!.clipsMedian!;
          const curve = ON_THRESHOLDS.map(newClassF1At), byMargin = ON_MARGINS.map((margin) => newClassF1At(medianPlusMargin(median, margin)));
          runs.push({ seed, oldF1, drop: baseOldF1 - oldF1, newF1: n.f1, newPrecision: n.precision, newRecall: n.recall, curve, byMargin, seconds });
          log(`${label} (split by ${split}), ${c.mode}${c.negatives ? ` + not-this clips (${negativesOf[label]!.join(", ")})` : ""}, old classes from ${oldLabels}, seed ${seed}: learned in ${seconds.toFixed(0)} s; old classes F1 ${oldF1.toFixed(3)} (was ${baseOldF1.toFixed(3)}), ${label} F1 ${n.f1.toFixed(3)} (on ${rule.classes![label]!.on}; its median output on its clips ${median}); by on-threshold: ${curve.map((v, i) => `${ON_THRESHOLDS[i]} ${v.toFixed(3)}`).join(", ")}`);
          learned.model.dispose();
          rmSync(out, { recursive: true, force: true });
        }
        const mean = (k: "newPrecision" | "newRecall" | "seconds") => runs.reduce((a, r) => a + r[k], 0) / runs.length;
        table.push({ label, split, mode: c.mode, negatives: c.negatives ?? false, oldLabels, baseOldF1, runs, drop: spread(runs.map((r) => r.drop)), newF1: spread(runs.map((r) => r.newF1)), newPrecision: mean("newPrecision"), newRecall: mean("newRecall"), seconds: mean("seconds") });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const result = {
    inference,
    againstPlainTs,
    training: { msPerBatch32: perBatch, secondsPerEpoch: (perBatch.median * 197) / 1000 },
    size: { weightsBytes: modelBytes, modelJsonBytes: jsonBytes, rehearsalBytes },
    learn: table,
    shippedScores: { segmentF1: metadata.evaluation?.scores.segment.micro.f1, eventF1: metadata.evaluation?.scores.event.micro.f1 },
  };
  if (!values.json && table.length) {
    const range = (v: Spread) => (seeds.length > 1 ? ` (${v.min.toFixed(3)} to ${v.max.toFixed(3)})` : "");
    log(`\nmean over learn seeds ${seeds.join(", ")}, range in brackets:`);
    log(`| new class, 10 clips | test sounds | method | old classes learn | old F1 before | drop | new class F1 (on ${EVENT_RULE.on}) | P / R | time |`);
    log("|---|---|---|---|---:|---:|---:|---:|---:|");
    for (const r of table) log(`| ${r.label} | ${r.split === "source" ? "other sources" : "same sources, other recordings"} | ${r.mode === "adapter" ? "neural adapter" : "simple transfer"}${r.negatives ? ` + ${negativesOf[r.label]!.length * NEGATIVE_EXAMPLES} "not this" clips (${negativesOf[r.label]!.join(", ")})` : ""} | ${r.oldLabels} | ${r.baseOldF1.toFixed(3)} | ${r.drop.mean.toFixed(3)}${range(r.drop)} | ${r.newF1.mean.toFixed(3)}${range(r.newF1)} | ${r.newPrecision.toFixed(2)} / ${r.newRecall.toFixed(2)} | ${r.seconds.toFixed(0)} s |`);
    log(`\nnew class F1 by its on-threshold (off 0.2 below), mean over the seeds:`);
    log(`| new class | method | ${ON_THRESHOLDS.join(" | ")} |`);
    log(`|---|---|${ON_THRESHOLDS.map(() => "---:").join("|")}|`);
    // Each run's F1 list `key` averaged over the runs given (a row's seeds, or every run), one cell per entry.
    const meanCells = (runs: Run[], key: "curve" | "byMargin") => runs[0]![key].map((_, i) => (runs.reduce((a, run) => a + run[key][i]!, 0) / runs.length).toFixed(3)).join(" | ");
    const rowName = (r: (typeof table)[number]) => `${r.label} (${r.split}) | ${r.mode}${r.negatives ? " + not this" : ""}, ${r.oldLabels}`;
    // With --development, the last line (every run of every row) is what the choice is made on.
    const everyRun = table.flatMap((r) => r.runs);
    for (const r of table) log(`| ${rowName(r)} | ${meanCells(r.runs, "curve")} |`);
    if (table.length > 1) log(`| all rows | mean of ${everyRun.length} runs | ${meanCells(everyRun, "curve")} |`);
    log(`\nnew class F1 with its on at the median output on its clips + a margin (to the nearest 0.05, 0.3 to 0.9), mean over the seeds:`);
    log(`| new class | method | ${ON_MARGINS.map((m) => `+${m}`).join(" | ")} |`);
    log(`|---|---|${ON_MARGINS.map(() => "---:").join("|")}|`);
    for (const r of table) log(`| ${rowName(r)} | ${meanCells(r.runs, "byMargin")} |`);
    if (table.length > 1) log(`| all rows | mean of ${everyRun.length} runs | ${meanCells(everyRun, "byMargin")} |`);
  }
  return result;
}

/**
 * The emotion network alone, one window, batch 1: the folded tfjs-wasm path the tracker runs
 * against the same weights in plain TypeScript (bench/peers/plain-emotion.ts), the two timed
 * alternately in this run. The ratio compares across days, when this VM's absolute times
 * swing by 2x; the peer is a plain loop whose p99 sits near its p50 on a quiet machine, so its
 * p99 / p50 also says how quiet the run was.
 */
function timeAgainstPlainPeer(model: tf.LayersModel, networks: number) {
  const rows = [];
  for (const n of networks > 1 ? [1, networks] : [1]) {
    const tfjs = new FoldedEmotionNetwork(model, { networks: n });
    const folded = foldEmotionModel(model, { networks: n }), plain = new PlainEmotionNetwork(folded);
    const window = Float32Array.from({ length: folded.frames * folded.channels }, (_, i) => 1.5 * Math.sin(i * 0.37) * Math.cos(i / 500));
    const [wasm, ts] = timeAlternately(ROUNDS, values.quick ? 40 : 200, 20, () => tfjs.run(window), () => plain.run(window));
    tfjs.dispose();
    const name = n > 1 ? `${n} networks` : "one network";
    log(`emotion network alone, ${name}, one window: tfjs-wasm (folded) ${formatLatency(wasm)}; plain TS ${formatLatency(ts)}; tfjs-wasm ${(ts.p50.median / wasm.p50.median).toFixed(1)}x faster at p50, ${(ts.p99.median / wasm.p99.median).toFixed(1)}x at p99; plain TS p99 / p50 ${(ts.p99.median / ts.p50.median).toFixed(2)}`);
    rows.push({ networks: n, tfjsWasm: wasm, plainTs: ts, p50Ratio: ts.p50.median / wasm.p50.median, p99Ratio: ts.p99.median / wasm.p99.median });
  }
  return rows;
}

// Music emotion: one 0.5 s update (0.5 s of audio at once; and live, the tick alone), corpus rendering speed, size.
// An averaged model is timed with all its networks and, in the same run, with the first only
// (analysis.emotion.networks: 1), so the price of the average is a ratio from one run.
async function benchEmotion() {
  const { model, metadata } = await loadModel<EmotionMetadata>(DEFAULT_EMOTION_MODEL);
  const f = metadata.frontEnd;
  const networks = metadata.architecture.members ?? 1;
  const updates = values.quick ? 100 : 1000;
  const timeUpdates = (options: { networks?: number }, name: string) => {
    const tracker = new EmotionTracker(model, metadata, options);
    let started = 0, updateMs: number | undefined;
    tracker.onUpdate(() => { updateMs = performance.now() - started; });
    // 8,000 samples (0.5 s) per push: each push completes exactly one update, whose time is
    // the feature extraction of 0.5 s plus the window and the model. The first 20 warm up.
    const second = new Float32Array(f.sampleRate / 2).map((_, i) => 0.3 * Math.sin(i / 7) * Math.sin(i / 3000));
    const batch = timeRounds(ROUNDS, updates, 20, () => {
      updateMs = undefined;
      started = performance.now();
      tracker.pushAudio(second);
      return updateMs;
    });
    log(`emotion update, ${name} (0.5 s of audio -> valence/arousal): ${formatLatency(batch)}`);
    return { updateMs: batch, liveTickMs: timeLive(options, `${name} (1024-sample blocks at 48 kHz; that block + window + model)`) };
  };
  // Live, the engine hands the pipeline blocks of 1024 samples at its own rate (48 kHz here)
  // and the kernels analyse each frame as it completes, so the update tick itself costs
  // the window and the model plus that one block: time the push that produces an update.
  // With spreadNetworks (as the engine runs an averaged model) an update's networks run in
  // the block that completes its window and the next ones: each update counts its heaviest block.
  const timeLive = (options: { networks?: number; spreadNetworks?: boolean }, name: string) => {
    const live = new EmotionTracker(model, metadata, { ...options, inputRate: 48000 });
    let updated = false;
    live.onUpdate(() => { updated = true; });
    const block = new Float32Array(1024), recent = new Array<number>(options.spreadNetworks ? networks : 1).fill(0);
    let at = 0, pushes = 0;
    const tick = timeRounds(ROUNDS, updates, 20, () => {
      for (let j = 0; j < block.length; j++, at++) block[j] = 0.3 * Math.sin(at / 21) * Math.sin(at / 9000);
      updated = false;
      const t = performance.now();
      live.pushAudio(block);
      recent[pushes++ % recent.length] = performance.now() - t;
      return updated ? Math.max(...recent) : undefined;
    });
    log(`emotion update tick, live, ${name}: ${formatLatency(tick)}, ${updates} updates each`);
    return tick;
  };
  const peer = timeAgainstPlainPeer(model, networks);
  const all = timeUpdates({}, networks > 1 ? `${networks} networks` : "1 network");
  const first = networks > 1 ? timeUpdates({ networks: 1 }, "first network only") : undefined;
  const spreadTickMs = networks > 1 ? timeLive({ spreadNetworks: true }, `${networks} networks one per block, as the engine runs them (the heaviest block of each update)`) : undefined;
  if (first) {
    const ratio = (a: { p50: Spread; p99: Spread }, b: { p50: Spread; p99: Spread }) => `p50 ${(a.p50.median / b.p50.median).toFixed(2)}x, p99 ${(a.p99.median / b.p99.median).toFixed(2)}x`;
    log(`emotion, ${networks} networks against the first only: live tick ${ratio(all.liveTickMs, first.liveTickMs)}; 0.5 s update ${ratio(all.updateMs, first.updateMs)}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "moodwire-bench-emotion-"));
  let renderSeconds = 0;
  try {
    const t0 = performance.now();
    await buildEmotionCorpus({ out: dir, pieces: values.quick ? 3 : 10, seed: 1, seconds: 30, testFraction: 0.2 });
    renderSeconds = (performance.now() - t0) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pieces = values.quick ? 3 : 10;
  log(`emotion corpus: ${pieces} pieces of 30 s composed and rendered in ${renderSeconds.toFixed(1)} s (${((pieces * 30) / renderSeconds).toFixed(0)}x real time)`);
  const bytes = statSync(join(DEFAULT_EMOTION_MODEL, "weights.bin")).size;
  log(`emotion model size: weights ${(bytes / 1024).toFixed(0)} KiB (${networks} network${networks > 1 ? "s, averaged" : ""})`);
  return { networks, networkAgainstPlainTs: peer, ...all, firstNetworkOnly: first, spreadTickMs, corpusRealTime: (pieces * 30) / renderSeconds, weightsBytes: bytes, scores: metadata.evaluation };
}
