// `moodwire train sed`: trains the SED model on a corpus's train split, keeps the epoch with
// the best validation segment F1, evaluates on the test split and ships model + metadata.

import { tf } from "../tf.ts";
import { saveModel } from "../io.ts";
import { seededRandom, shuffled, type Random } from "../random.ts";
import { AUGMENT_DEFAULTS, augmentPatch, type AugmentOptions } from "./augment.ts";
import { readSplit, toPatches, logmelStatistics, type PatchSet } from "./dataset.ts";
import { EVENT_RULE, sharedRule, type EventRule } from "./events.ts";
import { SED_FRONTEND, type SedFrontEnd } from "./frontend.ts";
import { evaluateSed, type SedScores } from "./metrics.ts";
import { buildSedModel, SED_ARCHITECTURE, type SedArchitecture } from "./model.ts";
import { eventsOfPatchSet, predictPatchSet } from "./predict.ts";
import { readFileSync } from "node:fs";
import { chooseRehearsal, saveRehearsal } from "./rehearsal.ts";
import { join } from "node:path";

export interface SedMetadata {
  kind: "moodwire-sed";
  classes: string[];
  frontEnd: SedFrontEnd;
  eventRule: EventRule;
  architecture: SedArchitecture & { adapter?: { units: number; learned: string } };
  corpus: { seed: number | null; trainScenes: number; testScenes: number };
  training: { epochs: number; bestEpoch: number; validationSegmentF1: number; seconds: number; batchSize: number; learningRate: number; patchFraction: number; augment?: AugmentOptions | false };
  /** Scores on the test split with the model's rule; `sharedRule`: the micro F1s with one on/off for every class. */
  evaluation?: { split: string; scores: SedScores; sharedRule?: { segmentF1: number; eventF1: number } };
  /** Set by `learn`: the class added and how. */
  learned?: { label: string; mode: string; examples: number; negatives?: number; epochs: number; averageEpochs?: number; runs?: number; rehearsalCopies?: number; distill?: boolean; clipsMedian?: number; onThreshold?: number; seconds: number; base: string };
}

export interface TrainProgress { epoch: number; epochs: number; batch: number; batches: number; loss: number; validationF1?: number }

export interface TrainSedOptions {
  corpus: string;
  out: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of the training patches drawn (fresh) each epoch: neighbours overlap by 75%. */
  patchFraction: number;
  /** Augment training patches (augment.ts); false trains on the patches as they are. */
  augment?: AugmentOptions | false;
  /** Default: SED_ARCHITECTURE. */
  architecture?: SedArchitecture;
  onLoad?: (done: number, total: number, what: string) => void;
  onProgress?: (p: TrainProgress) => void;
}

/** Patches per class, and with nothing on, kept for `learn` to rehearse. */
export const REHEARSAL_SIZE = { perClass: 40, empty: 60 };

export const TRAIN_DEFAULTS = { epochs: 16, batchSize: 32, learningRate: 1e-3, seed: 1, patchFraction: 0.5 };

/**
 * Rewrites a batch's labels from its patches as the model will see them (after augmentation):
 * `learn` gives the old classes the base model's outputs on exactly those patches.
 */
export type Relabel = (x: Float32Array, y: Float32Array, count: number) => void;

/** One pass over `order` in mini-batches, each patch augmented if `augment` is given; returns the mean loss. */
export async function trainEpoch(model: tf.LayersModel, set: PatchSet, order: number[], batchSize: number, f: SedFrontEnd, onBatch?: (batch: number, batches: number, loss: number) => void, augment?: { random: Random; options: AugmentOptions }, relabel?: Relabel): Promise<number> {
  const size = f.patchFrames * f.nMels, classes = set.y.length / set.count;
  const xb = new Float32Array(batchSize * size), yb = new Float32Array(batchSize * classes);
  const batches = Math.ceil(order.length / batchSize);
  let total = 0;
  for (let b = 0; b < batches; b++) {
    const ids = order.slice(b * batchSize, (b + 1) * batchSize);
    ids.forEach((id, i) => {
      if (augment) return augmentPatch(set, id, augment.random, f, augment.options, xb, i * size, yb, i * classes);
      xb.set(set.x.subarray(id * size, (id + 1) * size), i * size);
      yb.set(set.y.subarray(id * classes, (id + 1) * classes), i * classes);
    });
    relabel?.(xb, yb, ids.length);
    const xs = tf.tensor4d(xb.subarray(0, ids.length * size), [ids.length, f.patchFrames, f.nMels, 1]);
    const ys = tf.tensor2d(yb.subarray(0, ids.length * classes), [ids.length, classes]);
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    tf.dispose([xs, ys]);
    total += loss;
    onBatch?.(b + 1, batches, total / (b + 1));
  }
  return total / batches;
}

export function segmentF1(model: tf.LayersModel, set: PatchSet, labels: string[], f: SedFrontEnd, rule: EventRule = EVENT_RULE): SedScores {
  return scoreProbabilities(predictPatchSet(model, set, f), set, labels, f, rule);
}

/** Scores of probabilities already predicted (predictPatchSet) under `rule`: score one prediction under several rules. */
export function scoreProbabilities(probabilities: Float32Array[][], set: PatchSet, labels: string[], f: SedFrontEnd, rule: EventRule): SedScores {
  return evaluateSed(set.annotations, eventsOfPatchSet(probabilities, set, labels, f, rule), new Map(set.files.map((x) => [x.filename, x.seconds])), labels);
}

/** Candidate "on" thresholds per class; "off" sits 0.2 below (hysteresis), as in EVENT_RULE. */
export const THRESHOLD_CANDIDATES = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/**
 * Each class's on/off thresholds, chosen for the best segment F1 of that class on `set` (the
 * validation scenes). A class keeps the shared rule's unless another candidate beats it by
 * more than `margin`: the validation scenes are few, and a threshold fitted to noise would
 * only move errors around.
 */
export function tuneEventRule(model: tf.LayersModel, set: PatchSet, labels: string[], f: SedFrontEnd, base: EventRule = EVENT_RULE, margin = 0.01): EventRule {
  const probabilities = predictPatchSet(model, set, f), common = sharedRule(base);
  const offFor = (on: number) => Math.max(0.05, Math.round((on - (base.on - base.off)) * 100) / 100);
  const byCandidate = THRESHOLD_CANDIDATES.map((on) => ({ on, off: offFor(on), scores: scoreProbabilities(probabilities, set, labels, f, { ...common, on, off: offFor(on) }).segment.classes }));
  // The shared thresholds are one of the candidates (0.5 / 0.3): no second scoring.
  const shared = byCandidate.find((c) => c.on === base.on && c.off === base.off)?.scores ?? scoreProbabilities(probabilities, set, labels, f, common).segment.classes;
  const classes: Record<string, { on: number; off: number }> = {};
  for (const label of labels) {
    let best = { on: base.on, off: base.off, f1: (shared[label]?.f1 ?? 0) + margin };
    for (const c of byCandidate) if ((c.scores[label]?.f1 ?? 0) > best.f1) best = { on: c.on, off: c.off, f1: c.scores[label]!.f1 };
    if (best.on !== base.on) classes[label] = { on: best.on, off: best.off };
  }
  return { ...base, classes };
}

export async function trainSed(options: TrainSedOptions): Promise<SedMetadata> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  let corpusInfo: { seed?: number; classes?: string[] } = {};
  try { corpusInfo = JSON.parse(readFileSync(join(options.corpus, "corpus.json"), "utf8")); } catch { /* a corpus from elsewhere */ }
  const train = readSplit(options.corpus, "train", SED_FRONTEND, (d, t) => options.onLoad?.(d, t, "train"));
  const labels = corpusInfo.classes ?? [...new Set(train.annotations.map((a) => a.label))].sort();
  const frontEnd: SedFrontEnd = { ...SED_FRONTEND, ...logmelStatistics(train.scenes) };
  // A tenth of the training scenes, chosen by the seed, decide the best epoch.
  const order = shuffled(random, train.scenes.map((_, i) => i));
  const validationCount = Math.max(1, Math.round(train.scenes.length / 10));
  const validationIds = new Set(order.slice(0, validationCount));
  const fit = toPatches(train.scenes.filter((_, i) => !validationIds.has(i)), train.annotations, labels, frontEnd);
  const validation = toPatches(train.scenes.filter((_, i) => validationIds.has(i)), train.annotations, labels, frontEnd);

  const augment = options.augment === undefined ? AUGMENT_DEFAULTS : options.augment;
  const architecture = options.architecture ?? SED_ARCHITECTURE;
  const model = buildSedModel(frontEnd, labels.length, options.seed, architecture);
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: "binaryCrossentropy" });
  let best = { f1: -1, epoch: 0, weights: [] as tf.Tensor[] };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const patchOrder = shuffled(random, Array.from({ length: fit.count }, (_, i) => i)).slice(0, Math.ceil(fit.count * options.patchFraction));
    const loss = await trainEpoch(model, fit, patchOrder, options.batchSize, frontEnd,
      (batch, batches, l) => options.onProgress?.({ epoch, epochs: options.epochs, batch, batches, loss: l }),
      augment ? { random, options: augment } : undefined);
    const f1 = segmentF1(model, validation, labels, frontEnd).segment.micro.f1;
    options.onProgress?.({ epoch, epochs: options.epochs, batch: 1, batches: 1, loss, validationF1: f1 });
    if (f1 > best.f1) {
      tf.dispose(best.weights);
      best = { f1, epoch, weights: model.getWeights().map((w) => w.clone()) };
    }
  }
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  const eventRule = tuneEventRule(model, validation, labels, frontEnd);

  const metadata: SedMetadata = {
    kind: "moodwire-sed", classes: labels, frontEnd, eventRule, architecture,
    corpus: { seed: corpusInfo.seed ?? null, trainScenes: train.scenes.length, testScenes: 0 },
    training: { epochs: options.epochs, bestEpoch: best.epoch, validationSegmentF1: best.f1, seconds: Math.round((Date.now() - started) / 1000), batchSize: options.batchSize, learningRate: options.learningRate, patchFraction: options.patchFraction, augment },
  };
  try {
    const test = readSplit(options.corpus, "test", frontEnd, (d, t) => options.onLoad?.(d, t, "test"));
    metadata.corpus.testScenes = test.scenes.length;
    const testSet = toPatches(test.scenes, test.annotations, labels, frontEnd), probabilities = predictPatchSet(model, testSet, frontEnd);
    const shared = scoreProbabilities(probabilities, testSet, labels, frontEnd, sharedRule(eventRule));
    metadata.evaluation = {
      split: "test", scores: scoreProbabilities(probabilities, testSet, labels, frontEnd, eventRule),
      sharedRule: { segmentF1: shared.segment.micro.f1, eventF1: shared.event.micro.f1 },
    };
  } catch { /* no test split: scores are left out */ }
  await saveModel(model, options.out, metadata);
  saveRehearsal(options.out, chooseRehearsal(fit, labels, frontEnd, REHEARSAL_SIZE.perClass, REHEARSAL_SIZE.empty, options.seed));
  model.dispose();
  return metadata;
}
