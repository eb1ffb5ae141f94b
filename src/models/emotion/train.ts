// `moodwire train emotion` and `eval emotion`: windows of frames labelled every 0.5 s, the
// conv model and the descriptor baseline trained on the same windows, and the scores the
// issue asks for (RMSE and r^2 of valence and arousal, quadrant accuracy and confusion).

import { readAudioFile } from "../../audio/decode.ts";
import { saveModel } from "../io.ts";
import { cosineRate, setLearningRate } from "../schedule.ts";
import { seededRandom, shuffled, uniform } from "../random.ts";
import { tf } from "../tf.ts";
import { applyLinear, describeWindow, fitLinear, DESCRIPTORS } from "./baseline.ts";
import { gaussianQuadrantAccuracy, nearAxisShare } from "./axes.ts";
import { smoothAlongSongs } from "./smoothing.ts";
import { QUADRANTS, quadrantOf, type Quadrant } from "./circumplex.ts";
import type { EmotionDataset, EmotionSong } from "./dataset.ts";
import { CHANNEL, EMOTION_FRONTEND, emotionFrames, FRAME_CHANNELS, lastFrameAt, MODEL_CHANNELS, writeWindow, type EmotionFrontEnd } from "./frontend.ts";
import { averageEmotionModels, buildEmotionModel, EMOTION_ARCHITECTURE } from "./model.ts";
import { ModelInputError } from "../errors.ts";
import { CUE_NAMES, retimedLabels } from "./cues.ts";

export interface SongFrames { id: string; frames: number; data: Float32Array; labels: EmotionSong["labels"] }

export interface WindowSet {
  x: Float32Array;
  /** count x 2: valence, arousal. */
  va: Float32Array;
  /** count x 4 one-hot. */
  quadrant: Float32Array;
  /** count x CUE_NAMES.length when every label has its cues (moodwire's corpus). */
  cues?: Float32Array;
  /** Per window, seconds since its section began, NaN in a piece's first section (moodwire's corpus). */
  sinceChange?: Float32Array;
  descriptors: number[][];
  /** Per window, the index of its song: a song's windows are consecutive, in time order. */
  song: Int32Array;
  /** Per window, the song frame it ends on. */
  last: Int32Array;
  count: number;
}

export interface DimensionScores { rmse: number; r2: number }
export interface EmotionScores {
  valence: DimensionScores;
  arousal: DimensionScores;
  quadrantAccuracy: number;
  /** confusion[true][predicted], Q1..Q4. */
  confusion: number[][];
  windows: number;
  /** How well the cue head hears each cue (models with one, on moodwire's corpus). */
  cues?: Record<string, DimensionScores>;
  /** The same scores by time since the last section change (moodwire's corpus). */
  bySectionChange?: SectionChangeScores[];
  /** Where the true labels sit: the share within 0.1 of each axis (axes.ts). */
  nearAxis?: { valence: number; arousal: number };
  /** The same outputs smoothed along each song as the live tracker sends them (smoothing.ts). */
  smoothed?: { alpha: number; scores: EmotionScores };
  /** Quadrant accuracy if the errors were Gaussian: at these RMSEs, and at 0.15 and 0.10 in both. */
  quadrantIfGaussian?: { rmse: [number, number]; accuracy: number }[];
}

/** RMSEs (valence, arousal) at which eval also says what Gaussian errors would leave of quadrant accuracy. */
export const REFERENCE_RMSES: [number, number][] = [[0.15, 0.15], [0.1, 0.1]];

export interface SectionChangeScores {
  /** Seconds since the change: from, up to (not including) to; to null: no upper bound. */
  windows: { label: string; from: number; to: number | null };
  count: number;
  valenceRmse: number;
  arousalRmse: number;
  quadrantAccuracy: number;
  /** This group's part of all windows' squared valence error. */
  valenceErrorShare: number;
}

/**
 * Seconds since the last section change, in groups: a 3 s window ending within 3 s of a change
 * still holds the previous section, and there the label already describes the new one.
 */
export const SECTION_CHANGE_GROUPS: SectionChangeScores["windows"][] = [
  { label: "0-1 s after a change", from: 0, to: 1 },
  { label: "1-2 s after a change", from: 1, to: 2 },
  { label: "2-3 s after a change", from: 2, to: 3 },
  { label: "inside a section", from: 3, to: null },
];

export const SMOOTHING = { alpha: 0.5 };

export interface EmotionMetadata {
  kind: "moodwire-emotion";
  frontEnd: EmotionFrontEnd;
  /** members: how many networks the model averages (averageEmotion); absent for one. */
  architecture: typeof EMOTION_ARCHITECTURE & { cues?: string[]; members?: number };
  /** Exponential smoothing of valence/arousal and quadrant probabilities per 0.5 s update. */
  smoothing: typeof SMOOTHING;
  baseline: { descriptors: readonly string[]; valence: number[]; arousal: number[] };
  corpus: { layout: string; seed: number | null; trainSongs: number; testSongs: number };
  /** How the network was trained; for averaged networks (averageEmotion), each one's in members. */
  training: TrainingRecord & { members?: TrainingRecord[] };
  evaluation?: { split: string; model: EmotionScores; baseline: EmotionScores };
}

export interface TrainingRecord {
  epochs: number;
  seed?: number;
  /** The epoch kept (one network; an average of networks keeps each one's). */
  bestEpoch?: number;
  /** Mean of valence and arousal RMSE on the validation pieces. */
  validationRmse: number;
  seconds: number;
  learningRate?: [number, number];
  /** Tempo augmentation, when on (TrainEmotionOptions.tempoStretch). */
  tempoStretch?: number;
}

export async function readSongFrames(songs: EmotionSong[], f: EmotionFrontEnd, onSong?: (done: number, total: number) => void): Promise<SongFrames[]> {
  const out: SongFrames[] = [];
  for (const [i, song] of songs.entries()) {
    const audio = await readAudioFile(song.audio);
    const { frames, data } = emotionFrames(audio.samples, audio.sampleRate, f);
    out.push({ id: song.id, frames, data, labels: song.labels });
    onSong?.(i + 1, songs.length);
  }
  return out;
}

/** Per-channel mean and standard deviation over all frames of the songs. */
export function channelStatistics(songs: SongFrames[]): { mean: number[]; std: number[] } {
  const c = FRAME_CHANNELS, sum = new Float64Array(c), squares = new Float64Array(c);
  let n = 0;
  for (const s of songs) for (let k = 0; k < s.frames; k++, n++) for (let j = 0; j < c; j++) { const v = s.data[k * c + j]!; sum[j] += v; squares[j] += v * v; }
  const mean = Array.from(sum, (v) => v / Math.max(1, n));
  const std = Array.from(squares, (v, j) => Math.sqrt(Math.max(1e-6, v / Math.max(1, n) - mean[j]! ** 2)));
  // Pitch-class bins are rotated per window (key-relative), so they share one mean and deviation.
  const p = CHANNEL.pitchClass;
  const pitchMean = mean.slice(p, p + 12).reduce((a, b) => a + b, 0) / 12, pitchStd = std.slice(p, p + 12).reduce((a, b) => a + b, 0) / 12;
  for (let j = p; j < p + 12; j++) { mean[j] = pitchMean; std[j] = pitchStd; }
  return { mean, std };
}

export function buildWindows(songs: SongFrames[], f: EmotionFrontEnd): WindowSet {
  // Each label's window ends at its last frame; labels past the audio's end have none.
  const labelled = songs.flatMap((s, index) => s.labels.map((l) => ({ s, l, index, last: lastFrameAt(l.time, f) })).filter(({ last }) => last >= 0 && last < s.frames));
  const size = f.windowFrames * MODEL_CHANNELS, count = labelled.length;
  const x = new Float32Array(count * size), va = new Float32Array(count * 2), quadrant = new Float32Array(count * 4);
  const nCues = CUE_NAMES.length, cues = count > 0 && labelled.every(({ l }) => l.cues) ? new Float32Array(count * nCues) : undefined;
  const sinceChange = cues ? new Float32Array(count) : undefined;
  const descriptors: number[][] = [];
  const song = Int32Array.from(labelled, ({ index }) => index);
  const lasts = Int32Array.from(labelled, ({ last }) => last);
  const scratch = new Float32Array(f.windowFrames * FRAME_CHANNELS);
  labelled.forEach(({ s, l, last }, i) => {
    writeWindow(s.data, s.frames, last, f, x, i * size, scratch);
    va[i * 2] = l.valence;
    va[i * 2 + 1] = l.arousal;
    quadrant[i * 4 + QUADRANTS.indexOf(quadrantOf(l.valence, l.arousal))] = 1;
    cues?.set(l.cues!, i * nCues);
    if (sinceChange) sinceChange[i] = l.sinceChange ?? NaN;
    descriptors.push(describeWindow(s.data, last - f.windowFrames + 1, last + 1));
  });
  return { x, va, quadrant, cues, sinceChange, descriptors, song, last: lasts, count };
}

/** Model outputs for every window: [valence, arousal], quadrant probabilities and (with a cue head) the cues. */
export function predictWindows(model: tf.LayersModel, set: WindowSet, f: EmotionFrontEnd, batch = 256): { va: Float32Array; quadrant: Float32Array; cues?: Float32Array } {
  const size = f.windowFrames * MODEL_CHANNELS, nCues = model.outputs.length > 2 ? CUE_NAMES.length : 0;
  const va = new Float32Array(set.count * 2), quadrant = new Float32Array(set.count * 4), cues = nCues ? new Float32Array(set.count * nCues) : undefined;
  for (let at = 0; at < set.count; at += batch) {
    const n = Math.min(batch, set.count - at);
    tf.tidy(() => {
      const [v, q, c] = model.predict(tf.tensor3d(set.x.subarray(at * size, (at + n) * size), [n, f.windowFrames, MODEL_CHANNELS])) as tf.Tensor[];
      va.set(v!.dataSync(), at * 2);
      quadrant.set(q!.dataSync(), at * 4);
      if (cues) cues.set(c!.dataSync(), at * nCues);
    });
  }
  return { va, quadrant, cues };
}

/** RMSE and r^2 of column d of two count x width arrays. */
function dimensionScores(truth: ArrayLike<number>, predicted: ArrayLike<number>, width: number, d: number): DimensionScores {
  const n = truth.length / width;
  let se = 0, mean = 0, variance = 0;
  for (let i = 0; i < n; i++) mean += truth[i * width + d]! / n;
  for (let i = 0; i < n; i++) { se += (truth[i * width + d]! - predicted[i * width + d]!) ** 2; variance += (truth[i * width + d]! - mean) ** 2; }
  return { rmse: Math.sqrt(se / Math.max(1, n)), r2: variance > 0 ? 1 - se / variance : 0 };
}

export function scoreEmotion(truth: Float32Array, predicted: ArrayLike<number>, predictedQuadrant: (i: number) => Quadrant): EmotionScores {
  const n = truth.length / 2;
  const dim = (d: number) => dimensionScores(truth, predicted, 2, d);
  const confusion = QUADRANTS.map(() => [0, 0, 0, 0]);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = QUADRANTS.indexOf(quadrantOf(truth[i * 2]!, truth[i * 2 + 1]!)), p = QUADRANTS.indexOf(predictedQuadrant(i));
    confusion[t]![p]!++;
    if (t === p) correct++;
  }
  return { valence: dim(0), arousal: dim(1), quadrantAccuracy: correct / Math.max(1, n), confusion, windows: n };
}

/**
 * The model's scores on a window set; with `smoothing`, also the scores of its outputs smoothed
 * along each song as the live tracker sends them.
 */
export function scoreModel(model: tf.LayersModel, set: WindowSet, f: EmotionFrontEnd, smoothing?: { alpha: number }): EmotionScores {
  const out = predictWindows(model, set, f);
  const scores = scoreOutputs(set, out.va, out.quadrant);
  // Where the labels sit is the same for raw and smoothed outputs: said once, beside the raw scores.
  scores.nearAxis = nearAxisShare(set.va);
  scores.quadrantIfGaussian = [[scores.valence.rmse, scores.arousal.rmse] as [number, number], ...REFERENCE_RMSES]
    .map((rmse) => ({ rmse, accuracy: gaussianQuadrantAccuracy(set.va, rmse[0], rmse[1]) }));
  if (out.cues && set.cues) scores.cues = Object.fromEntries(CUE_NAMES.map((name, d) => [name, dimensionScores(set.cues!, out.cues!, CUE_NAMES.length, d)]));
  if (smoothing) {
    const smooth = (x: Float32Array, width: number) => smoothAlongSongs(x, width, set.song, smoothing.alpha);
    scores.smoothed = { alpha: smoothing.alpha, scores: scoreOutputs(set, smooth(out.va, 2), smooth(out.quadrant, 4)) };
  }
  return scores;
}

/** Scores of valence/arousal and quadrant probabilities (the largest names the quadrant), by section change too. */
function scoreOutputs(set: WindowSet, va: Float32Array, quadrant: Float32Array): EmotionScores {
  const predictedQuadrant = (i: number) => {
    const q = quadrant.subarray(i * 4, i * 4 + 4);
    return QUADRANTS[q.indexOf(Math.max(...q))]!;
  };
  const scores = scoreEmotion(set.va, va, predictedQuadrant);
  if (set.sinceChange) scores.bySectionChange = scoreBySectionChange(set.va, va, predictedQuadrant, set.sinceChange);
  return scores;
}

/** Valence and arousal RMSE and quadrant accuracy of the windows in each SECTION_CHANGE_GROUPS group. */
export function scoreBySectionChange(truth: Float32Array, predicted: ArrayLike<number>, predictedQuadrant: (i: number) => Quadrant, sinceChange: Float32Array): SectionChangeScores[] {
  let total = 0;
  for (let i = 0; i < sinceChange.length; i++) total += (truth[i * 2]! - predicted[i * 2]!) ** 2;
  return SECTION_CHANGE_GROUPS.map((g) => {
    let count = 0, valence = 0, arousal = 0, correct = 0;
    for (let i = 0; i < sinceChange.length; i++) {
      // A piece's first section has no change before it: its windows count as inside a section.
      const since = Number.isNaN(sinceChange[i]!) ? Infinity : sinceChange[i]!;
      if (since < g.from || (g.to !== null && since >= g.to)) continue;
      count++;
      valence += (truth[i * 2]! - predicted[i * 2]!) ** 2;
      arousal += (truth[i * 2 + 1]! - predicted[i * 2 + 1]!) ** 2;
      if (quadrantOf(truth[i * 2]!, truth[i * 2 + 1]!) === predictedQuadrant(i)) correct++;
    }
    const n = Math.max(1, count);
    return { windows: g, count, valenceRmse: Math.sqrt(valence / n), arousalRmse: Math.sqrt(arousal / n), quadrantAccuracy: correct / n, valenceErrorShare: total > 0 ? valence / total : 0 };
  });
}

export function scoreBaseline(weights: { valence: number[]; arousal: number[] }, set: WindowSet): EmotionScores {
  const predicted = new Float32Array(set.count * 2);
  set.descriptors.forEach((d, i) => { predicted[i * 2] = applyLinear(weights.valence, d); predicted[i * 2 + 1] = applyLinear(weights.arousal, d); });
  return scoreEmotion(set.va, predicted, (i) => quadrantOf(predicted[i * 2]!, predicted[i * 2 + 1]!));
}

export interface TrainEmotionOptions {
  dataset: EmotionDataset;
  out: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The rate the cosine decay ends at, after the last batch (default learningRate / 20). */
  finalLearningRate?: number;
  seed: number;
  corpusSeed: number | null;
  /** Learn the cues as a second task when the corpus has them (default true). */
  cueHead?: boolean;
  /**
   * Tempo augmentation (moodwire's corpus only: it needs the cues): each training window, with
   * probability 0.5, is read at a rate from 1 / (1 + tempoStretch) to 1 + tempoStretch, its
   * tempo cue and labels moved as the cue model says (retimedLabels). 0 or absent: off, and
   * no random number is drawn for it, so a seed trains the same network as before.
   */
  tempoStretch?: number;
  /** Score the model on the test split (default true; an average's members are scored together). */
  evaluate?: boolean;
  onLoad?: (done: number, total: number, what: string) => void;
  onProgress?: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number; validationRmse?: number }) => void;
}

export const EMOTION_TRAIN_DEFAULTS = { epochs: 16, batchSize: 64, learningRate: 1e-3, seed: 1 };
/** Draws the tenth of the training pieces that chooses the epoch (the shipped models' pieces). */
const VALIDATION_SEED = 1;

/**
 * The training pieces in two: those the network fits, and the tenth that chooses its epoch.
 * The validation pieces do not depend on --seed (which draws the weights and the batches), so
 * runs with different seeds choose their epoch on, and are compared on, the same pieces; and
 * so is a model averaging them (averageEmotion).
 */
export function splitValidation<T>(train: T[]): { fit: T[]; validation: T[] } {
  const order = shuffled(seededRandom(VALIDATION_SEED), train.map((_, i) => i));
  const validationIds = new Set(order.slice(0, Math.max(1, Math.round(train.length / 10))));
  return { fit: train.filter((_, i) => !validationIds.has(i)), validation: train.filter((_, i) => validationIds.has(i)) };
}

export async function trainEmotion(o: TrainEmotionOptions): Promise<EmotionMetadata> {
  const started = Date.now();
  const random = seededRandom(o.seed);
  const train = await readSongFrames(o.dataset.train, EMOTION_FRONTEND, (d, t) => o.onLoad?.(d, t, "train"));
  const f: EmotionFrontEnd = { ...EMOTION_FRONTEND, ...channelStatistics(train) };
  const pieces = splitValidation(train);
  const fit = buildWindows(pieces.fit, f);
  const validation = buildWindows(pieces.validation, f);
  const baseline = {
    descriptors: DESCRIPTORS,
    valence: fitLinear(fit.descriptors, Array.from({ length: fit.count }, (_, i) => fit.va[i * 2]!)),
    arousal: fitLinear(fit.descriptors, Array.from({ length: fit.count }, (_, i) => fit.va[i * 2 + 1]!)),
  };
  const nCues = o.cueHead !== false && fit.cues ? CUE_NAMES.length : 0;
  const model = buildEmotionModel(f, o.seed, nCues);
  const optimizer = tf.train.adam(o.learningRate);
  const finalRate = o.finalLearningRate ?? o.learningRate / 20;
  model.compile({ optimizer, loss: ["meanSquaredError", "categoricalCrossentropy", ...(nCues ? ["meanSquaredError"] : [])] });
  const size = f.windowFrames * MODEL_CHANNELS;
  const xb = new Float32Array(o.batchSize * size), vb = new Float32Array(o.batchSize * 2), qb = new Float32Array(o.batchSize * 4), cb = new Float32Array(o.batchSize * nCues);
  const stretch = o.tempoStretch && fit.cues ? o.tempoStretch : 0, scratch = new Float32Array(f.windowFrames * FRAME_CHANNELS);
  let best = { rmse: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const ids = shuffled(random, Array.from({ length: fit.count }, (_, i) => i));
    const batches = Math.ceil(ids.length / o.batchSize);
    let total = 0;
    for (let b = 0; b < batches; b++) {
      setLearningRate(optimizer, cosineRate(o.learningRate, finalRate, ((epoch - 1) * batches + b) / (o.epochs * batches)));
      const batch = ids.slice(b * o.batchSize, (b + 1) * o.batchSize);
      batch.forEach((id, i) => {
        xb.set(fit.x.subarray(id * size, (id + 1) * size), i * size);
        vb.set(fit.va.subarray(id * 2, id * 2 + 2), i * 2);
        qb.set(fit.quadrant.subarray(id * 4, id * 4 + 4), i * 4);
        if (nCues) cb.set(fit.cues!.subarray(id * nCues, (id + 1) * nCues), i * nCues);
        if (stretch && random() < 0.5) retime(fit, pieces.fit, id, Math.exp(uniform(random, -1, 1) * Math.log(1 + stretch)), f, { x: xb, va: vb, quadrant: qb, cues: nCues ? cb : undefined }, i, scratch);
      });
      const n = batch.length;
      const xs = tf.tensor3d(xb.subarray(0, n * size), [n, f.windowFrames, MODEL_CHANNELS]);
      const ys = [tf.tensor2d(vb.subarray(0, n * 2), [n, 2]), tf.tensor2d(qb.subarray(0, n * 4), [n, 4])];
      if (nCues) ys.push(tf.tensor2d(cb.subarray(0, n * nCues), [n, nCues]));
      const losses = (await model.trainOnBatch(xs, ys)) as number[];
      tf.dispose([xs, ...ys]);
      total += losses[0]!;
      o.onProgress?.({ epoch, epochs: o.epochs, batch: b + 1, batches, loss: total / (b + 1) });
    }
    const rmse = validationRmse(model, validation, f);
    o.onProgress?.({ epoch, epochs: o.epochs, batch: batches, batches, loss: total / batches, validationRmse: rmse });
    if (rmse < best.rmse) {
      tf.dispose(best.weights);
      best = { rmse, epoch, weights: model.getWeights().map((w) => w.clone()) };
    }
  }
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  const metadata: EmotionMetadata = {
    kind: "moodwire-emotion", frontEnd: f, architecture: { ...EMOTION_ARCHITECTURE, ...(nCues ? { cues: CUE_NAMES } : {}) }, smoothing: SMOOTHING, baseline,
    corpus: { layout: o.dataset.layout, seed: o.corpusSeed, trainSongs: o.dataset.train.length, testSongs: o.dataset.test.length },
    training: { epochs: o.epochs, seed: o.seed, bestEpoch: best.epoch, validationRmse: best.rmse, seconds: Math.round((Date.now() - started) / 1000), learningRate: [o.learningRate, finalRate], ...(stretch ? { tempoStretch: stretch } : {}) },
  };
  if (o.dataset.test.length > 0 && o.evaluate !== false) metadata.evaluation = { split: "test", ...await scoreSongs(model, o.dataset.test, metadata, o.onLoad) };
  await saveModel(model, o.out, metadata);
  model.dispose();
  return metadata;
}

/**
 * Writes window `id` of `set` read at `rate` (its music faster or slower) into batch slot `i`,
 * with the labels the cue model gives that tempo.
 */
function retime(set: WindowSet, songs: SongFrames[], id: number, rate: number, f: EmotionFrontEnd, batch: { x: Float32Array; va: Float32Array; quadrant: Float32Array; cues?: Float32Array }, i: number, scratch: Float32Array): void {
  const song = songs[set.song[id]!]!, nCues = CUE_NAMES.length, size = f.windowFrames * MODEL_CHANNELS;
  writeWindow(song.data, song.frames, set.last[id]!, f, batch.x, i * size, scratch, rate);
  const moved = retimedLabels(set.va[id * 2]!, set.va[id * 2 + 1]!, set.cues!.subarray(id * nCues, (id + 1) * nCues), rate);
  batch.va[i * 2] = moved.valence;
  batch.va[i * 2 + 1] = moved.arousal;
  batch.quadrant.fill(0, i * 4, i * 4 + 4);
  batch.quadrant[i * 4 + QUADRANTS.indexOf(quadrantOf(moved.valence, moved.arousal))] = 1;
  batch.cues?.set(moved.cues, i * nCues);
}

/** The number that chooses an epoch (and a number of averaged networks): the mean of valence and arousal RMSE. */
function validationRmse(model: tf.LayersModel, set: WindowSet, f: EmotionFrontEnd): number {
  const { va } = predictWindows(model, set, f);
  return (dimensionScores(set.va, va, 2, 0).rmse + dimensionScores(set.va, va, 2, 1).rmse) / 2;
}

/**
 * The model and its baseline scored on these songs (the test split), read with the model's front
 * end; the model's outputs also as the tracker smooths them. What train, average and eval report.
 */
export async function scoreSongs(model: tf.LayersModel, songs: EmotionSong[], metadata: Pick<EmotionMetadata, "frontEnd" | "baseline" | "smoothing">, onLoad?: (done: number, total: number, what: string) => void): Promise<{ model: EmotionScores; baseline: EmotionScores }> {
  const f = metadata.frontEnd;
  const set = buildWindows(await readSongFrames(songs, f, (d, t) => onLoad?.(d, t, "test")), f);
  return { model: scoreModel(model, set, f, metadata.smoothing), baseline: scoreBaseline(metadata.baseline, set) };
}

export interface AverageEmotionOptions {
  /** Networks trained by trainEmotion on the same corpus (any seeds). */
  members: { model: tf.LayersModel; metadata: EmotionMetadata }[];
  dataset: EmotionDataset;
  out: string;
  onLoad?: (done: number, total: number, what: string) => void;
}

/**
 * One model that averages the members' outputs (averageEmotionModels), scored as trainEmotion
 * scores one network: on the validation pieces that chose each member's epoch, and on the test
 * split. Saved with the members' training records.
 */
export async function averageEmotion(o: AverageEmotionOptions): Promise<EmotionMetadata> {
  const [first] = o.members;
  const same = (m: EmotionMetadata) => m.kind === "moodwire-emotion" && JSON.stringify(m.frontEnd) === JSON.stringify(first!.metadata.frontEnd) && JSON.stringify(m.corpus) === JSON.stringify(first!.metadata.corpus);
  if (first && !o.members.every((m) => same(m.metadata))) {
    throw new ModelInputError("the models to average were not trained on the same corpus (their corpus or front-end statistics differ): train each with train emotion on one corpus, with different --seed");
  }
  // Checks the networks fit together: two or more, one network each, the same heads.
  const model = averageEmotionModels(o.members.map((m) => m.model));
  const base = first!.metadata, f = base.frontEnd;
  try {
    const validation = buildWindows(await readSongFrames(splitValidation(o.dataset.train).validation, f, (d, t) => o.onLoad?.(d, t, "validation")), f);
    const records = o.members.map((m) => m.metadata.training);
    const metadata: EmotionMetadata = {
      ...base,
      architecture: { ...base.architecture, members: o.members.length },
      training: {
        epochs: base.training.epochs, learningRate: base.training.learningRate,
        validationRmse: validationRmse(model, validation, f), seconds: records.reduce((sum, r) => sum + r.seconds, 0), members: records,
      },
      evaluation: undefined,
    };
    if (o.dataset.test.length > 0) metadata.evaluation = { split: "test", ...await scoreSongs(model, o.dataset.test, metadata, o.onLoad) };
    await saveModel(model, o.out, metadata);
    return metadata;
  } finally {
    model.dispose();
  }
}
