// moodwire record and its clip cutter: real hand claps (hydrogen-drumkits) over a room's noise.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipRecorder, type RecordedClip } from "../src/audio/clip-recorder.ts";
import { readAudioFile } from "../src/audio/decode.ts";
import { encodeWav } from "../src/audio/wav.ts";
import { readExamples } from "../src/models/sed/learn.ts";
import type { SedFrontEnd } from "../src/models/sed/frontend.ts";
import { moodwire } from "./run-cli.ts";
import { resampleSignal } from "../src/dsp/resample.ts";
import { seededRandom } from "../src/models/random.ts";

const CLAP = "/usr/share/hydrogen/data/drumkits/ElectricEmpireKit/EE_Clap.flac";
const RATE = 44100;
const ONSETS = [1.0, 2.5, 4.0];

/** White noise at `db` dBFS RMS. */
function room(seconds: number, db: number, seed = 1): Float32Array {
  const random = seededRandom(seed), a = 10 ** (db / 20) * Math.sqrt(3);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => (random() * 2 - 1) * a);
}

function record(signal: Float32Array, blocks: number[] = [1024]): { clips: RecordedClip[]; recorder: ClipRecorder } {
  const clips: RecordedClip[] = [];
  const recorder = new ClipRecorder({ sampleRate: RATE }, (c) => clips.push(c));
  for (let at = 0, k = 0; at < signal.length; k++) {
    const n = blocks[k % blocks.length]!;
    recorder.pushAudio(signal.subarray(at, at + n));
    at += n;
  }
  recorder.flush();
  return { clips, recorder };
}

describe("ClipRecorder", () => {
  let clap: Float32Array;
  let scene: Float32Array;
  beforeAll(async () => {
    const audio = await readAudioFile(CLAP);
    const mono = audio.sampleRate === RATE ? audio.samples : resampleSignal(audio.samples, audio.sampleRate, RATE);
    const peak = mono.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    clap = mono.map((v) => (v / peak) * 0.5);
    scene = room(6, -50);
    for (const t of ONSETS) scene.set(clap.map((v, i) => v + scene[Math.round(t * RATE) + i]!), Math.round(t * RATE));
  });

  it("cuts one clip per clap, starting 0.1 s before it, with the input's own samples", () => {
    const { clips } = record(scene);
    expect(clips.map((c) => c.start)).toHaveLength(ONSETS.length);
    clips.forEach((c, k) => {
      // A clap's attack lies in the 10 ms whose level starts the clip; the clip keeps 0.1 s before that.
      expect(c.start).toBeGreaterThan(ONSETS[k]! - 0.111);
      expect(c.start).toBeLessThanOrEqual(ONSETS[k]! - 0.099);
      const seconds = c.samples.length / RATE;
      expect(seconds).toBeGreaterThan(0.15);
      expect(seconds).toBeLessThan(1);
      expect(c.cut).toBe(false);
      expect(c.peakDb).toBeGreaterThan(-20);
      expect(c.roomDb).toBeCloseTo(-50, 0);
      // Between the 5 ms fades, the clip is the input.
      const from = Math.round(c.start * RATE), fade = Math.round(0.005 * RATE);
      for (let i = fade; i < c.samples.length - fade; i += 97) expect(c.samples[i]).toBe(scene[from + i]);
    });
  });

  it("gives the same clips whatever the block sizes", () => {
    const whole = record(scene, [scene.length]).clips, odd = record(scene, [1, 127, 1000, 4093]).clips;
    expect(odd.map((c) => [c.start, c.samples.length])).toEqual(whole.map((c) => [c.start, c.samples.length]));
    expect(odd.map((c) => c.samples[2000])).toEqual(whole.map((c) => c.samples[2000]));
  });

  it("cuts a sustained sound at the longest clip and takes nothing more from it", () => {
    const signal = room(7, -50);
    for (let i = RATE; i < 4 * RATE; i++) signal[i]! += 0.25 * Math.sin((2 * Math.PI * 440 * i) / RATE);
    signal.set(clap.map((v, i) => v + signal[5 * RATE + i]!), 5 * RATE);
    const { clips } = record(signal);
    expect(clips.map((c) => [Math.round(c.start * 100) / 100, c.samples.length / RATE, c.cut])).toEqual([[0.9, 2, true], [4.9, expect.any(Number), false]]);
  });

  it("takes no clip from silence, a room getting louder, a click or a dropout, and survives NaN", () => {
    expect(record(new Float32Array(3 * RATE)).clips).toHaveLength(0);
    // A room that rises 10 dB over 5 s.
    const rising = room(5, -50).map((v, i) => v * 10 ** ((10 * i) / (5 * RATE) / 20));
    expect(record(rising).clips).toHaveLength(0);
    // A click: one sample at full scale.
    const click = room(2, -50);
    click[RATE] = 1;
    expect(record(click).clips).toHaveLength(0);
    // 50 ms of zeros, then 50 ms of NaN and infinities, in the room.
    const dropout = room(3, -50);
    dropout.fill(0, RATE, RATE + 0.05 * RATE);
    for (let i = 2 * RATE; i < 2.05 * RATE; i++) dropout[i] = i % 2 ? NaN : Infinity;
    const { clips, recorder } = record(dropout);
    expect(clips).toHaveLength(0);
    expect(recorder.badSamples).toBe(0.05 * RATE);
  });

  it("ends a sound in progress when the input ends", () => {
    const signal = room(2, -50);
    signal.set(clap.subarray(0, 0.1 * RATE), signal.length - 0.1 * RATE);
    const { clips } = record(signal);
    expect(clips).toHaveLength(1);
    expect(clips[0]!.start).toBeCloseTo(1.8, 1);
  });

  it("refuses settings that cannot work", () => {
    expect(() => new ClipRecorder({ sampleRate: RATE, thresholdDb: NaN }, () => {})).toThrow(/thresholdDb must be a number/);
    expect(() => new ClipRecorder({ sampleRate: RATE, thresholdDb: 3 }, () => {})).toThrow(/thresholdDb > 6/);
    expect(() => new ClipRecorder({ sampleRate: RATE, maxSeconds: 0 }, () => {})).toThrow(/maxSeconds > 0/);
  });
});

describe("moodwire record", () => {
  let dir: string;
  let wav: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "moodwire-record-"));
    // Four claps at 48 kHz (the engine analyses at 44.1 kHz, so the clips are resampled).
    const audio = await readAudioFile(CLAP);
    const clap = resampleSignal(audio.samples, audio.sampleRate, 48000);
    const random = seededRandom(3), signal = Float32Array.from({ length: 6 * 48000 }, () => (random() * 2 - 1) * 0.005);
    for (const t of [1, 2.2, 3.4, 4.6]) signal.set(clap.map((v, i) => v * 0.5 + signal[Math.round(t * 48000) + i]!), Math.round(t * 48000));
    wav = join(dir, "claps.wav");
    writeFileSync(wav, encodeWav(signal, 48000));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one clip per clap, numbers new clips after those in the folder, and learn reads them", async () => {
    const out = join(dir, "clips");
    const first = await moodwire(["record", "--input", wav, "--offline", "--count", "3", "--out", out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/clip 3 of 3: at 3\.3\d s/);
    expect(readdirSync(out)).toEqual(["clip-01.wav", "clip-02.wav", "clip-03.wav"]);
    const before = readFileSync(join(out, "clip-01.wav"));
    // More clips than claps: the four are written after the three, and the command says the input ended.
    const second = await moodwire(["record", "--input", wav, "--offline", "--count", "6", "--out", out]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/recorded 4 of 6 clips: the input ended first \(they are kept\)/);
    expect(readdirSync(out)).toHaveLength(7);
    expect(readFileSync(join(out, "clip-01.wav")).equals(before)).toBe(true);
    for (const name of readdirSync(out)) {
      const clip = await readAudioFile(join(out, name));
      expect(clip.sampleRate).toBe(44100);
      expect(clip.samples.length / 44100).toBeGreaterThan(0.15);
      expect(clip.samples.length / 44100).toBeLessThan(1);
    }
    // What learn does with the folder: every clip read, each cut to where it sounds.
    const sed = JSON.parse(readFileSync(new URL("../models/sed/model.json", import.meta.url), "utf8")) as { userDefinedMetadata: { frontEnd: SedFrontEnd } };
    const examples = await readExamples(out, sed.userDefinedMetadata.frontEnd);
    expect(examples).toHaveLength(7);
  });

  it("records from a file played in real time, and stops the live input when time runs out", async () => {
    const out = join(dir, "realtime");
    const started = Date.now();
    const played = await moodwire(["record", "--input", wav, "--count", "1", "--out", out]);
    expect(played.code, played.stderr).toBe(0);
    // The first clap is at 1 s and its clip ends about 0.35 s later: real time, not at once.
    expect(Date.now() - started).toBeGreaterThan(1200);
    expect(readdirSync(out)).toEqual(["clip-01.wav"]);
    // This machine has no sound card: the live input is the null device's silence.
    const live = await moodwire(["record", "--count", "2", "--seconds", "1", "--out", join(dir, "live")]);
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(/recorded 0 of 2 clips: time ran out/);
  });

  it("opens the input as the engine's configuration says (its sample rate)", async () => {
    const config = join(dir, "moodwire.config.json"), out = join(dir, "at-48k");
    writeFileSync(config, JSON.stringify({ input: { sampleRate: 48000 } }));
    const r = await moodwire(["record", "--config", config, "--input", wav, "--offline", "--count", "1", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readAudioFile(join(out, "clip-01.wav"))).sampleRate).toBe(48000);
    writeFileSync(config, JSON.stringify({ input: { sampleRate: "fast" } }));
    const bad = await moodwire(["record", "--config", config, "--input", wav, "--offline", "--out", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sampleRate/);
  });

  it("refuses what cannot work with one line", async () => {
    for (const [args, message] of [
      [["record"], /needs --out DIR/],
      [["record", "--out", dir, "--count", "0"], /--count must be a whole number of 1 or more/],
      [["record", "--out", dir, "--input", join(dir, "missing.wav")], /cannot read .*missing\.wav/],
      [["record", "--out", dir, "--offline"], /--offline needs --input FILE/],
      [["record", "--out", dir, "--threshold-db", "loud"], /--threshold-db needs a number/],
    ] as const) {
      const r = await moodwire([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
