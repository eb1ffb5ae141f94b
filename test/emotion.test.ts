// Music emotion: the cue model, the circumplex, the composed corpus (rendered with real
// FluidSynth), DEAM and PMEmo readers on fixtures in their layouts, training end to end,
// and the streaming tracker against the training windows.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../src/audio/wav.ts";
import { applyLinear, fitLinear, modeStrength, triadQuality } from "../src/models/emotion/baseline.ts";
import { gaussianQuadrantAccuracy, nearAxisShare, normalCdf } from "../src/models/emotion/axes.ts";
import { smoothAlongSongs } from "../src/models/emotion/smoothing.ts";
import { nearestEmotion, quadrantOf } from "../src/models/emotion/circumplex.ts";
import { composePiece, TEST_PROGRAMS, TEST_TEMPO_BANDS } from "../src/models/emotion/composer.ts";
import { attachCorpusCues, buildEmotionCorpus, labelPiece } from "../src/models/emotion/corpus.ts";
import { CUE_NAMES, CUE_WEIGHTS, cueAffect, type MusicalCues } from "../src/models/emotion/cues.ts";
import { readEmotionDataset } from "../src/models/emotion/dataset.ts";
import { EMOTION_FRONTEND, MODEL_CHANNELS } from "../src/models/emotion/frontend.ts";
import { averageEmotionModels, buildEmotionModel, EMOTION_ARCHITECTURE, emotionMemberPrefixes } from "../src/models/emotion/model.ts";
import { EmotionTracker } from "../src/models/emotion/tracker.ts";
import { FoldedEmotionNetwork } from "../src/models/emotion/folded.ts";
import { loadModel, saveModel } from "../src/models/io.ts";
import { buildWindows, channelStatistics, readSongFrames, scoreBySectionChange, SMOOTHING, type EmotionMetadata } from "../src/models/emotion/train.ts";
import { seededRandom } from "../src/models/random.ts";
import { loadTf, tf } from "../src/models/tf.ts";
import { moodwire } from "./run-cli.ts";

const cues = (o: Partial<MusicalCues>): MusicalCues => ({ mode: 1, tempo: 110, register: 66, velocity: 75, articulation: 0.625, brightness: 0, consonance: 0, contour: 0, ...o });

describe("cue model and circumplex", () => {
  it("weights of each dimension sum to 1, so values stay in [-1, 1]", () => {
    for (const w of [CUE_WEIGHTS.valence, CUE_WEIGHTS.arousal]) expect(Object.values(w).reduce((a, b) => a + Math.abs(b!), 0)).toBeCloseTo(1, 10);
    const extreme = cueAffect(cues({ mode: 1, tempo: 300, register: 120, velocity: 127, articulation: 0.25, brightness: 1, consonance: 1, contour: 1 }));
    expect(extreme.valence).toBeCloseTo(1, 9);
    expect(extreme.arousal).toBeCloseTo(1, 9);
  });

  it("follows the literature: major, fast, loud -> Q1; minor, slow, soft, dissonant -> Q3; minor loud fast dissonant -> Q2", () => {
    const q = (c: Partial<MusicalCues>) => { const a = cueAffect(cues(c)); return quadrantOf(a.valence, a.arousal); };
    expect(q({ mode: 1, tempo: 160, velocity: 110, consonance: 0.8 })).toBe("Q1");
    expect(q({ mode: -1, tempo: 60, velocity: 40, consonance: -0.5, register: 52 })).toBe("Q3");
    expect(q({ mode: -1, tempo: 160, velocity: 115, consonance: -0.9 })).toBe("Q2");
    expect(q({ mode: 1, tempo: 65, velocity: 45, consonance: 0.9, articulation: 1 })).toBe("Q4");
  });

  it("names the nearest ArtEmis emotion at the seed's coordinates", () => {
    expect(nearestEmotion(-0.82, -0.4)).toBe("sadness");
    expect(nearestEmotion(0.7, 0.72)).toBe("excitement");
    expect(nearestEmotion(0.8, -0.5)).toBe("contentment");
  });

  it("baseline parts: least squares recovers a line, mode strength tells a major from a minor triad", () => {
    const x = Array.from({ length: 50 }, (_, i) => [i / 10, Math.sin(i)]);
    const w = fitLinear(x, x.map(([a, b]) => 0.2 + 0.05 * a! - 0.3 * b!));
    expect(w.map((v) => +v.toFixed(4))).toEqual([0.2, 0.05, -0.3]);
    expect(applyLinear(w, [1, 0])).toBeCloseTo(0.25, 4);
    const triad = (third: number) => Array.from({ length: 12 }, (_, i) => ([2, 2 + third, 9].includes(i) ? 1 : 0.05)); // D major / D minor
    expect(modeStrength(triad(4))).toBeGreaterThan(0);
    expect(modeStrength(triad(3))).toBeLessThan(0);
    expect(modeStrength(triad(4)) - modeStrength(triad(3))).toBeGreaterThan(0.15);
    // Triad quality: the same in every key, and its sign is the chord's.
    const rotate = (p: number[], k: number) => p.map((_, i) => p[(i + 12 - k) % 12]!);
    for (let k = 0; k < 12; k++) {
      expect(triadQuality(rotate(triad(4), k))).toBeCloseTo(0.95, 6);
      expect(triadQuality(rotate(triad(3), k))).toBeCloseTo(-0.95, 6);
    }
    expect(triadQuality(new Float32Array([9, 9, ...triad(3)]), 2)).toBeCloseTo(-0.95, 6); // reads at an offset
  });
});

describe("composed corpus", () => {
  it("test pieces play only held-out instruments and tempo bands, training pieces never", () => {
    const random = seededRandom(5);
    const inBand = (t: number) => TEST_TEMPO_BANDS.some(([a, b]) => t >= a && t <= b);
    for (let i = 0; i < 40; i++) {
      const split = i % 2 ? "test" : "train";
      for (const s of composePiece(random, 30, split).sections) {
        expect(TEST_PROGRAMS.has(s.melodyProgram)).toBe(split === "test");
        expect(TEST_PROGRAMS.has(s.chordProgram)).toBe(split === "test");
        expect(inBand(s.cues.tempo)).toBe(split === "test");
      }
    }
  });

  it("never leaves a note hanging (a hanging organ note once made FluidSynth render forever)", () => {
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const piece = composePiece(random, 30, i % 5 ? "train" : "test");
      const sounding = new Map<string, number>();
      for (const [ms, status, note] of piece.events) {
        const key = `${status & 0x0f}:${note}`;
        if ((status & 0xf0) === 0x90) { expect(sounding.has(key)).toBe(false); sounding.set(key, ms); }
        if ((status & 0xf0) === 0x80) { expect(sounding.get(key), `piece ${i} note ${key} at ${ms}`).toBeLessThan(ms); sounding.delete(key); }
      }
      expect(sounding.size).toBe(0);
    }
  });

  it("labels every 0.5 s with the cue model and is the same for a seed", () => {
    const a = composePiece(seededRandom(9), 20, "train"), b = composePiece(seededRandom(9), 20, "train");
    expect(a).toEqual(b);
    const labels = labelPiece(a);
    expect(labels.length).toBe(40);
    expect(labels[0]!.time).toBe(0.5);
    const first = cueAffect(a.sections[0]!.cues);
    expect(labels[0]!.valence).toBeCloseTo(first.valence, 3);
  });
});

describe("scores by time since a section change", () => {
  it("gives each label of moodwire's corpus the time since its section began, after a change only", () => {
    const section = (start: number, end: number) => ({ start, end, cues: cues({}), tonic: 0, melodyProgram: 0, chordProgram: 0 });
    const song = { id: "1", labels: [0.5, 5, 5.5, 7, 8.5, 9].map((time) => ({ time })) as { time: number; cues?: number[]; sinceChange?: number }[] };
    attachCorpusCues(JSON.stringify({ pieces: [{ id: "1", sections: [section(0, 5), section(5, 8.5), section(8.5, 10)] }] }), [song]);
    // A label at a section's start describes the section ending there (labels look at t - 1e-6).
    expect(song.labels.map((l) => l.sinceChange)).toEqual([undefined, undefined, 0.5, 2, 3.5, 0.5]);
  });

  it("groups windows 0-1, 1-2, 2-3 s after a change and inside a section, each with its share of the valence error", () => {
    const truth = new Float32Array([0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
    const predicted = new Float32Array([0.4, 0.5, -0.5, 0.5, -0.5, -0.3, 0.5, -0.5]);
    const since = new Float32Array([0.5, 1.5, NaN, 7]);
    const byQuadrant = (i: number) => quadrantOf(predicted[i * 2]!, predicted[i * 2 + 1]!);
    const groups = scoreBySectionChange(truth, predicted, byQuadrant, since);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 0, 2]);
    expect(groups[0]!.valenceRmse).toBeCloseTo(0.1, 6);
    expect(groups[1]!.valenceRmse).toBeCloseTo(1, 6);
    expect(groups[1]!.quadrantAccuracy).toBe(0);
    expect(groups[3]!.arousalRmse).toBeCloseTo(Math.sqrt(0.04 / 2), 6);
    expect(groups[3]!.quadrantAccuracy).toBe(1);
    expect(groups.reduce((a, g) => a + g.valenceErrorShare, 0)).toBeCloseTo(1, 6);
    expect(groups[1]!.valenceErrorShare).toBeCloseTo(1 / 1.01, 6);
  });
});

describe("labels near the axes", () => {
  it("the normal distribution is right to 1e-6 where it is tabulated", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
  });

  it("counts labels near each axis and says what Gaussian errors leave of quadrant accuracy, as a simulation does", () => {
    const truth = new Float32Array([0.05, 0.5, -0.5, -0.02, 0.3, 0.08, -0.9, 0.9]);
    expect(nearAxisShare(truth)).toEqual({ valence: 0.25, arousal: 0.5 });
    // On an axis a window is a coin toss per dimension; far from both it never moves.
    expect(gaussianQuadrantAccuracy(new Float32Array([0, 0]), 0.1, 0.1)).toBeCloseTo(0.25, 6);
    expect(gaussianQuadrantAccuracy(new Float32Array([0.9, -0.9]), 0.1, 0.1)).toBeCloseTo(1, 6);
    const random = seededRandom(3), gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let stays = 0;
    const draws = 40_000;
    for (let k = 0; k < draws; k++) {
      const i = k % 4;
      const [v, a] = [truth[i * 2]!, truth[i * 2 + 1]!];
      if (quadrantOf(v + 0.2 * gauss(), a + 0.1 * gauss()) === quadrantOf(v, a)) stays++;
    }
    expect(gaussianQuadrantAccuracy(truth, 0.2, 0.1)).toBeCloseTo(stays / draws, 2);
  });
});

describe("smoothing along songs", () => {
  it("starts each song afresh and moves alpha of the way to each new value", () => {
    const values = new Float32Array([1, 10, 0, 20, 0, 30, 5, 40]);
    const smoothed = smoothAlongSongs(values, 2, new Int32Array([0, 0, 0, 1]), 0.5);
    expect(Array.from(smoothed)).toEqual([1, 10, 0.5, 15, 0.25, 22.5, 5, 40]);
  });
});

describe("the folded network of the live path", () => {
  beforeAll(async () => { await loadTf(); });
  const random = seededRandom(11);
  const windowOf = (frames: number) => new Float32Array(frames * MODEL_CHANNELS).map(() => random() * 4 - 2);
  const predicted = (model: tf.LayersModel, window: Float32Array, frames: number) =>
    tf.tidy(() => (model.predict(tf.tensor3d(window, [1, frames, MODEL_CHANNELS])) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));

  // Batch norm as training leaves it (not its identity at initialisation): scale, shift
  // and moving statistics of their own, so folding them into the convs is checked.
  const trainedLooking = (model: tf.LayersModel, seed: number) => {
    for (const layer of model.layers.filter((l) => l.name.startsWith("bn"))) {
      layer.setWeights(layer.getWeights().map((w, i) => tf.tidy(() => (i === 3 ? tf.randomUniform(w.shape, 0.2, 3, "float32", seed) : tf.randomNormal(w.shape, i === 0 ? 1 : 0, 0.5, "float32", seed + 2 + i)))));
    }
    return model;
  };

  it("gives the Layers model's outputs, batch norm folded in (with and without the cue head), and leaks no tensors", () => {
    for (const cues of [CUE_NAMES.length, 0]) {
      const model = trainedLooking(buildEmotionModel(EMOTION_FRONTEND, 3, cues), 5);
      const before = tf.memory().numTensors;
      const folded = new FoldedEmotionNetwork(model);
      for (let k = 0; k < 3; k++) {
        const window = windowOf(EMOTION_FRONTEND.windowFrames);
        const want = predicted(model, window, EMOTION_FRONTEND.windowFrames), got = folded.run(window);
        expect(got.map((h) => h.length)).toEqual(want.map((h) => h.length));
        want.forEach((head, h) => head.forEach((v, j) => expect(Math.abs(got[h]![j]! - v)).toBeLessThan(1e-4)));
      }
      folded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it("averages networks: the averaged model gives the mean of their outputs, folded too, and saves and loads as one model", async () => {
    const members = [trainedLooking(buildEmotionModel(EMOTION_FRONTEND, 3, CUE_NAMES.length), 5), trainedLooking(buildEmotionModel(EMOTION_FRONTEND, 4, CUE_NAMES.length), 9), trainedLooking(buildEmotionModel(EMOTION_FRONTEND, 8, CUE_NAMES.length), 13)];
    const averaged = averageEmotionModels(members);
    expect(emotionMemberPrefixes(averaged)).toEqual(["m1_", "m2_", "m3_"]);
    expect(emotionMemberPrefixes(members[0]!)).toEqual([""]);
    expect(averaged.outputNames).toEqual(["valence_arousal", "quadrant", "cues"]);
    const saved = mkdtempSync(join(tmpdir(), "moodwire-averaged-"));
    try {
      await saveModel(averaged, saved, { kind: "test" });
      const loaded = (await loadModel(saved)).model;
      const before = tf.memory().numTensors;
      const folded = new FoldedEmotionNetwork(loaded);
      for (let k = 0; k < 3; k++) {
        const frames = EMOTION_FRONTEND.windowFrames, window = windowOf(frames);
        const each = members.map((m) => predicted(m, window, frames)), want = predicted(averaged, window, frames);
        // The members differ, so the average is not any one of them (over every output: on a random
        // window one output of two members can come within 1e-3 by chance).
        expect(Math.max(...each[0]!.flatMap((head, h) => head.map((v, j) => Math.abs(v - each[1]![h]![j]!))))).toBeGreaterThan(1e-3);
        want.forEach((head, h) => head.forEach((v, j) => expect(Math.abs(v - each.reduce((sum, e) => sum + e[h]![j]!, 0) / members.length)).toBeLessThan(1e-5)));
        for (const got of [predicted(loaded, window, frames), folded.run(window)]) want.forEach((head, h) => head.forEach((v, j) => expect(Math.abs(got[h]![j]! - v)).toBeLessThan(1e-4)));
      }
      folded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // A busy rig may run only the first networks of an average; more than it has runs them all.
      const window = windowOf(EMOTION_FRONTEND.windowFrames), frames = EMOTION_FRONTEND.windowFrames;
      const first = new FoldedEmotionNetwork(loaded, { networks: 1 }), all = new FoldedEmotionNetwork(loaded, { networks: 9 });
      predicted(members[0]!, window, frames).forEach((head, h) => head.forEach((v, j) => expect(Math.abs(first.run(window)[h]![j]! - v)).toBeLessThan(1e-4)));
      predicted(averaged, window, frames).forEach((head, h) => head.forEach((v, j) => expect(Math.abs(all.run(window)[h]![j]! - v)).toBeLessThan(1e-4)));
      first.dispose();
      all.dispose();
      expect(() => new FoldedEmotionNetwork(loaded, { networks: 0 })).toThrow(/networks must be a whole number of 1 or more/);
      loaded.dispose();
    } finally {
      rmSync(saved, { recursive: true, force: true });
    }
    expect(() => averageEmotionModels([averaged, members[0]!])).toThrow(/one network, not an average/);
    expect(() => averageEmotionModels([members[0]!])).toThrow(/at least two/);
    expect(() => averageEmotionModels([members[0]!, buildEmotionModel(EMOTION_FRONTEND, 3, 0)])).toThrow(/same input and the same heads/);
    for (const m of [...members, averaged]) m.dispose();
  });

  it.runIf(existsSync(join(new URL("../models/emotion", import.meta.url).pathname, "model.json")))("gives the shipped model's outputs", async () => {
    const { model } = await loadModel(new URL("../models/emotion", import.meta.url).pathname);
    const folded = new FoldedEmotionNetwork(model), frames = model.inputs[0]!.shape[1]!;
    for (let k = 0; k < 3; k++) {
      const window = windowOf(frames), want = predicted(model, window, frames), got = folded.run(window);
      want.forEach((head, h) => head.forEach((v, j) => expect(Math.abs(got[h]![j]! - v)).toBeLessThan(1e-4)));
    }
    folded.dispose();
    model.dispose();
  });

  it.runIf(existsSync(join(new URL("../models/emotion", import.meta.url).pathname, "model.json")))("live, the shipped model's networks run one per block: the same updates, each sent two blocks later", async () => {
    const dir = new URL("../models/emotion", import.meta.url).pathname;
    const plain = await EmotionTracker.load(dir, { inputRate: 48000 }), spread = await EmotionTracker.load(dir, { inputRate: 48000, spreadNetworks: true });
    type Sent = { block: number; t: number; raw: [number, number]; q: number[] };
    const sent = { plain: [] as Sent[], spread: [] as Sent[] };
    let block = 0;
    plain.onUpdate((u) => sent.plain.push({ block, t: u.t, raw: [u.raw.valence, u.raw.arousal], q: u.quadrantProbabilities }));
    spread.onUpdate((u) => sent.spread.push({ block, t: u.t, raw: [u.raw.valence, u.raw.arousal], q: u.quadrantProbabilities }));
    const audio = new Float32Array(48000 * 4).map((_, i) => 0.2 * (Math.sin(i * 2 * Math.PI * 220 / 48000) + Math.sin(i * 2 * Math.PI * 277 / 48000) * (i > 96000 ? 1 : 0)));
    const before = tf.memory().numTensors;
    for (let at = 0; at < audio.length; at += 1024, block++) {
      plain.pushAudio(audio.subarray(at, at + 1024));
      spread.pushAudio(audio.subarray(at, at + 1024));
    }
    const lastBlockSent = sent.spread.length;
    spread.flush();
    expect(tf.memory().numTensors).toBe(before);
    expect(sent.plain.map((u) => u.t)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4].slice(0, sent.plain.length));
    expect(sent.plain.length).toBeGreaterThanOrEqual(7);
    expect(sent.spread.map((u) => u.t)).toEqual(sent.plain.map((u) => u.t));
    sent.plain.forEach((p, i) => {
      const s = sent.spread[i]!;
      expect(Math.abs(s.raw[0] - p.raw[0])).toBeLessThan(1e-6);
      expect(Math.abs(s.raw[1] - p.raw[1])).toBeLessThan(1e-6);
      s.q.forEach((v, j) => expect(Math.abs(v - p.q[j]!)).toBeLessThan(1e-6));
      // Three networks: the first runs in the block that completes the window, the third two blocks on.
      if (i < lastBlockSent) expect(s.block).toBe(p.block + 2);
    });
    plain.dispose();
    spread.dispose();
  });

  it("refuses a model that is not moodwire's emotion network in one clear error", () => {
    const input = tf.input({ shape: [EMOTION_FRONTEND.windowFrames, MODEL_CHANNELS] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor });
    expect(() => new FoldedEmotionNetwork(model)).toThrow(/no layer "conv1".*retrain/);
    model.dispose();
  });
});

describe("datasets, training and the tracker", () => {
  let dir: string;
  beforeAll(async () => {
    await loadTf();
    dir = mkdtempSync(join(tmpdir(), "moodwire-emotion-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders a small corpus with FluidSynth in DEAM's layout", async () => {
    const split = await buildEmotionCorpus({ out: join(dir, "corpus"), pieces: 5, seed: 2, seconds: 8, testFraction: 0.2 });
    expect(split.test).toEqual(["5"]);
    const header = readFileSync(join(dir, "corpus/annotations/valence.csv"), "utf8").split("\n")[0]!;
    expect(header.startsWith("song_id,sample_500ms,sample_1000ms")).toBe(true);
    const data = readEmotionDataset(join(dir, "corpus"));
    expect(data.layout).toBe("deam");
    expect(data.train.map((s) => s.id)).toEqual(["1", "2", "3", "4"]);
    expect(data.train[0]!.labels).toHaveLength(16);
    // corpus.json gives every label the cues behind it, the cue head's targets.
    for (const label of data.train[0]!.labels) {
      expect(label.cues).toHaveLength(CUE_NAMES.length);
      for (const c of label.cues!) expect(Math.abs(c)).toBeLessThanOrEqual(1);
    }
    const wav = readFileSync(join(dir, "corpus/audio/1.wav"));
    expect(wav.length).toBe(44 + 8 * 16000 * 2);
  }, 60_000);

  it("reads DEAM (nested folders, sample_15000ms columns, empty cells) and PMEmo layouts", () => {
    const deam = join(dir, "DEAM");
    const annotations = join(deam, "DEAM_Annotations/annotations/annotations averaged per song/dynamic (per second annotations)");
    mkdirSync(annotations, { recursive: true });
    mkdirSync(join(deam, "MEMD_audio"), { recursive: true });
    const ids = ["2", "3", "5", "7", "11"];
    const times = [15000, 15500, 16000, 16500];
    const header = ["song_id", ...times.map((t) => `sample_${t}ms`)].join(",");
    writeFileSync(join(annotations, "valence.csv"), [header, ...ids.map((id, i) => [id, ...times.map((_, k) => (k === 3 && i === 0 ? "" : (0.1 * i - 0.2).toFixed(3)))].join(","))].join("\n"));
    writeFileSync(join(annotations, "arousal.csv"), [header, ...ids.map((id, i) => [id, ...times.map(() => (0.3 - 0.1 * i).toFixed(3))].join(","))].join("\n"));
    for (const id of ids) writeFileSync(join(deam, "MEMD_audio", `${id}.wav`), encodeWav(new Float32Array(16000 * 17).map((_, i) => 0.1 * Math.sin(i * Number(id) / 50)), 16000));
    const d = readEmotionDataset(deam);
    expect(d.layout).toBe("deam");
    expect(d.train.length + d.test.length).toBe(5);
    const song2 = [...d.train, ...d.test].find((s) => s.id === "2")!;
    expect(song2.labels).toEqual([{ time: 15, valence: -0.2, arousal: 0.3 }, { time: 15.5, valence: -0.2, arousal: 0.3 }, { time: 16, valence: -0.2, arousal: 0.3 }]);

    const pmemo = join(dir, "PMEmo");
    mkdirSync(join(pmemo, "annotations"), { recursive: true });
    mkdirSync(join(pmemo, "chorus"), { recursive: true });
    writeFileSync(join(pmemo, "annotations/dynamic_annotations.csv"), "musicId,frameTime,Arousal(mean),Valence(mean)\n1,15.5,0.75,0.25\n1,16.0,0.5,0.5\n4,15.5,0.1,0.9\n");
    for (const id of ["1", "4"]) writeFileSync(join(pmemo, "chorus", `${id}.wav`), encodeWav(new Float32Array(16000 * 17), 16000));
    const p = readEmotionDataset(pmemo);
    expect(p.layout).toBe("pmemo");
    expect([...p.train, ...p.test].find((s) => s.id === "1")!.labels[0]).toEqual({ time: 15.5, valence: -0.5, arousal: 0.5 });
  });

  it("eval emotion on moodwire's corpus scores the windows by time since the last section change", async () => {
    const e = await moodwire(["eval", "emotion", "--corpus", join(dir, "corpus")]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/model by time since the last section change/);
    expect(e.stdout).toMatch(/labels within 0\.1 of an axis: valence [\d.]+%, arousal [\d.]+%/);
    // 1.000 where every window sits far from the axes (this small corpus, a good model).
    expect(e.stdout).toMatch(/quadrant accuracy if the errors were Gaussian: [01]\.\d{3} at RMSE/);
    expect(e.stdout).toMatch(/model, smoothed as the tracker sends it \(alpha 0\.5\):\n\s+0\.\d{3}/);
    expect(e.stdout).toMatch(/  smoothed as the tracker sends it:\n(.*after a change.*\n){3}.*inside a section/);
    const json = await moodwire(["eval", "emotion", "--corpus", join(dir, "corpus"), "--json"]);
    const groups = JSON.parse(json.stdout).model.bySectionChange as { count: number }[];
    expect(groups.map((g) => g.count).reduce((a, b) => a + b, 0)).toBe(JSON.parse(json.stdout).model.windows);
  }, 60_000);

  it("train emotion --deam runs end to end on the fixture and eval emotion scores it", async () => {
    const out = join(dir, "model");
    const r = await moodwire(["train", "emotion", "--deam", join(dir, "DEAM"), "--out", out, "--epochs", "1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valence RMSE/);
    expect(existsSync(join(out, "weights.bin"))).toBe(true);
    const e = await moodwire(["eval", "emotion", "--model", out, "--deam", join(dir, "DEAM"), "--json"]);
    expect(e.code, e.stderr).toBe(0);
    const scores = JSON.parse(e.stdout);
    expect(scores.model.windows).toBeGreaterThan(0);
    expect(scores.baseline.confusion).toHaveLength(4);
  }, 120_000);

  it("train emotion --seeds trains one network per seed and saves their average; --average joins trained ones, from one corpus only", async () => {
    const out = join(dir, "averaged"), corpus = join(dir, "corpus");
    const r = await moodwire(["train", "emotion", "--corpus", corpus, "--out", out, "--epochs", "1", "--seeds", "1,2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/seed 2 epoch 1\/1/);
    expect(r.stderr).toMatch(/validation RMSE: network 1 0\.\d{3}, network 2 0\.\d{3}; averaged 0\.\d{3}/);
    expect(r.stdout).toMatch(/valence RMSE/);
    const { model, metadata } = await loadModel<EmotionMetadata>(out);
    expect(emotionMemberPrefixes(model)).toEqual(["m1_", "m2_"]);
    expect(metadata.architecture.members).toBe(2);
    expect(metadata.training.members!.map((m) => m.seed)).toEqual([1, 2]);
    expect(metadata.evaluation!.model.windows).toBeGreaterThan(0);
    model.dispose();
    // Two networks trained apart, joined afterwards; eval reads the average like any model.
    // The second is trained with tempo augmentation, which its training record keeps.
    for (const [seed, extra] of [["3", []], ["4", ["--tempo-stretch", "0.2"]]] as const) expect((await moodwire(["train", "emotion", "--corpus", corpus, "--out", join(dir, `single-${seed}`), "--epochs", "1", "--seed", seed, ...extra])).code).toBe(0);
    for (const [seed, stretch] of [["3", undefined], ["4", 0.2]] as const) {
      const single = await loadModel<EmotionMetadata>(join(dir, `single-${seed}`));
      single.model.dispose();
      expect(single.metadata.training.tempoStretch).toBe(stretch);
    }
    const joined = await moodwire(["train", "emotion", "--corpus", corpus, "--out", join(dir, "joined"), "--average", `${join(dir, "single-3")},${join(dir, "single-4")}`]);
    expect(joined.code, joined.stderr).toBe(0);
    const e = await moodwire(["eval", "emotion", "--model", join(dir, "joined"), "--corpus", corpus, "--json"]);
    expect(e.code, e.stderr).toBe(0);
    const { metadata: joinedMetadata } = await loadModel<EmotionMetadata>(join(dir, "joined"));
    expect(JSON.parse(e.stdout).model.valence.rmse).toBeCloseTo(joinedMetadata.evaluation!.model.valence.rmse, 6);
    // A network from another corpus (the DEAM fixture's) cannot join: its inputs mean something else.
    const mixed = await moodwire(["train", "emotion", "--corpus", corpus, "--out", join(dir, "mixed"), "--average", `${join(dir, "single-3")},${join(dir, "model")}`]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/not trained on the same corpus/);
    expect(existsSync(join(dir, "mixed"))).toBe(false);
    const one = await moodwire(["train", "emotion", "--corpus", corpus, "--out", join(dir, "mixed"), "--seeds", "1"]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/--seeds needs two or more different seeds/);
    for (const [args, message] of [
      [["--corpus", corpus, "--tempo-stretch=-0.1"], /--tempo-stretch must be from 0 \(off\) to 1 .*got -0.1/],
      [["--corpus", corpus, "--tempo-stretch", "1.5"], /--tempo-stretch must be from 0 \(off\) to 1 .*got 1.5/],
      [["--deam", join(dir, "DEAM"), "--tempo-stretch", "0.2"], /--tempo-stretch needs moodwire's corpus/],
      [["--corpus", corpus, "--tempo-stretch", "0.2", "--average", `${join(dir, "single-3")},${join(dir, "single-4")}`], /--average joins networks already trained/],
    ] as const) {
      const refused = await moodwire(["train", "emotion", ...args, "--out", join(dir, "refused")]);
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, "refused"))).toBe(false);
    }
  }, 240_000);

  it("the live tracker sees exactly the training windows (same outputs at every 0.5 s) and leaks no tensors", async () => {
    const songs = await readSongFrames(readEmotionDataset(join(dir, "corpus")).train.slice(0, 1), EMOTION_FRONTEND);
    const f = { ...EMOTION_FRONTEND, ...channelStatistics(songs) };
    const model = buildEmotionModel(f, 4, CUE_NAMES.length);
    const metadata = { kind: "moodwire-emotion", frontEnd: f, smoothing: SMOOTHING, architecture: { ...EMOTION_ARCHITECTURE, cues: CUE_NAMES } } as EmotionMetadata;
    const set = buildWindows(songs, f);
    expect(set.cues).toHaveLength(set.count * CUE_NAMES.length);
    const [va, , cues] = tf.tidy(() => (model.predict(tf.tensor3d(set.x, [set.count, f.windowFrames, MODEL_CHANNELS])) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
    const { readAudioFile } = await import("../src/audio/decode.ts");
    const audio = await readAudioFile(join(dir, "corpus/audio/1.wav"));
    const tracker = new EmotionTracker(model, metadata, { inputRate: audio.sampleRate });
    const updates: { t: number; v: number; a: number; smoothed: [number, number]; cues?: Record<string, number> }[] = [];
    tracker.onUpdate((u) => updates.push({ t: u.t, v: u.raw.valence, a: u.raw.arousal, smoothed: [u.valence, u.arousal], cues: u.cues }));
    const before = tf.memory().numTensors;
    for (let at = 0; at < audio.samples.length; at += 333) tracker.pushAudio(audio.samples.subarray(at, at + 333));
    expect(tf.memory().numTensors).toBe(before);
    expect(updates.map((u) => u.t)).toEqual(songs[0]!.labels.map((l) => l.time));
    expect(updates).toHaveLength(set.count);
    // What it sends is what eval scores as "smoothed": the same outputs smoothed along the song.
    const smoothed = smoothAlongSongs(va!, 2, set.song, SMOOTHING.alpha);
    updates.forEach((u, i) => {
      expect(Math.abs(u.v - va![i * 2]!)).toBeLessThan(1e-4);
      expect(Math.abs(u.a - va![i * 2 + 1]!)).toBeLessThan(1e-4);
      expect(Math.abs(u.smoothed[0] - smoothed[i * 2]!)).toBeLessThan(1e-4);
      expect(Math.abs(u.smoothed[1] - smoothed[i * 2 + 1]!)).toBeLessThan(1e-4);
    });
    expect(updates.some((u, i) => i > 0 && Math.abs(u.smoothed[0] - u.v) > 1e-3), "smoothing changes something").toBe(true);
    // The cue head's outputs come named; the first update is not smoothed yet.
    expect(Object.keys(updates[0]!.cues!)).toEqual(CUE_NAMES);
    CUE_NAMES.forEach((name, j) => expect(updates[0]!.cues![name]).toBeCloseTo(cues![j]!, 4));
    model.dispose();
  }, 60_000);
});

describe.runIf(existsSync(join(new URL("../models/emotion", import.meta.url).pathname, "model.json")))("the shipped emotion model", () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "moodwire-emotion-cli-")); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("analyze --models emotion gives an update every 0.5 s and --plot draws the circumplex", async () => {
    const rate = 22050, x = new Float32Array(rate * 4);
    for (let i = 0; i < x.length; i++) x[i] = 0.2 * Math.sin(2 * Math.PI * 440 * i / rate) * (Math.floor(i / (rate / 4)) % 2);
    const file = join(dir, "beeps.wav");
    writeFileSync(file, encodeWav(x, rate));
    const plot = join(dir, "plot.svg");
    const r = await moodwire(["analyze", file, "--features", "rms", "--models", "emotion", "--plot", plot]);
    expect(r.code, r.stderr).toBe(0);
    const { emotion } = JSON.parse(r.stdout);
    expect(emotion.map((p: { t: number }) => p.t)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    for (const p of emotion) {
      expect(Math.abs(p.valence)).toBeLessThanOrEqual(1);
      expect(["Q1", "Q2", "Q3", "Q4"]).toContain(p.quadrant);
      expect(Object.keys(p.cues)).toEqual(CUE_NAMES);
    }
    const svg = readFileSync(plot, "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("sadness");
    expect((svg.match(/<line /g) ?? []).length).toBeGreaterThanOrEqual(2 + emotion.length - 1);
  }, 60_000);

  it("--plot needs --models emotion and an .svg or .png name", async () => {
    const a = await moodwire(["analyze", "x.wav", "--plot", "p.svg"]);
    expect(a.stderr).toMatch(/add --models emotion/);
    const b = await moodwire(["analyze", "x.wav", "--models", "emotion", "--plot", "p.jpg"]);
    expect(b.stderr).toMatch(/\.svg or \.png/);
  });
});
