// The emotion front end: a short analysis (log-mel, loudness, onsets) and a long one (the
// pitch-class profile) of the same audio, kept in step.
import { describe, expect, it } from "vitest";
import { chord } from "./chord.ts";
import { SEMITONE_LOW } from "../src/dsp/frame.ts";
import { CHANNEL, EMOTION_FRONTEND, EmotionAnalysis, emotionFrames, FRAME_CHANNELS, modelChannels, prepareWindow } from "../src/models/emotion/frontend.ts";

const sr = 16000;


describe("emotion front end", () => {
  it("keeps the long and the short analysis in step: a chord starting at 1 s reaches both in the same frame", () => {
    const x = chord([57, 61, 64], 1, 1); // A major from 1 s
    const { frames, data } = emotionFrames(x, sr, EMOTION_FRONTEND);
    const c = FRAME_CHANNELS, loudness = (k: number) => data[k * c + CHANNEL.rms]!, pitchA = (k: number) => data[k * c + CHANNEL.pitchClass + 9]!;
    // Both profiles are all zeros in silence, so the long analysis' first non-zero frame is the chord's.
    const heard = (k: number) => Math.max(...data.subarray(k * c + CHANNEL.semitones, (k + 1) * c)) > 0;
    const frameNumbers = Array.from({ length: frames }, (_, k) => k);
    const firstLoud = frameNumbers.find((k) => loudness(k) > -60)!;
    const firstPitch = frameNumbers.find(heard)!;
    // Frame k ends at k*hop + 2048 samples in both analyses: the first frame reaching past
    // 1 s (16000 samples) is k = 28 (ends at 16048).
    expect(firstLoud).toBe(28);
    expect(firstPitch).toBe(28);
    // 48 samples of the chord make no spectral peak yet; one hop later A leads the profile
    // and A3 its semitone.
    expect(pitchA(29)).toBe(1);
    expect(data[29 * c + CHANNEL.semitones + (57 - SEMITONE_LOW)]).toBeGreaterThan(0.9);
  });

  it("gives the same channels fed in blocks of any size as in one go", () => {
    const x = chord([50, 53, 57], 2, 0.3);
    const whole = emotionFrames(x, sr, EMOTION_FRONTEND).data;
    const analysis = new EmotionAnalysis(EMOTION_FRONTEND), rows: number[] = [];
    for (let at = 0, b = 0; at < x.length; b++) {
      const n = [1, 127, 5000, 333][b % 4]!;
      analysis.push(x.subarray(at, Math.min(x.length, at + n)), (row) => rows.push(...row));
      at += n;
    }
    expect(rows.length).toBe(whole.length);
    let worst = 0;
    for (let i = 0; i < rows.length; i++) worst = Math.max(worst, Math.abs(rows[i]! - whole[i]!));
    expect(worst).toBe(0);
  });

  it("views the pitch classes relative to the whole window's key and to its last 1.5 s's key", () => {
    // 2 s in C major, then 1 s in F# minor (Krumhansl-Kessler profiles as the frames' pitch
    // classes), standardised by mean 0 and deviation 1 so the model input is the raw value.
    const major = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    const minor = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
    const f = { ...EMOTION_FRONTEND, mean: new Array(FRAME_CHANNELS).fill(0), std: new Array(FRAME_CHANNELS).fill(1) };
    const n = f.windowFrames, c = FRAME_CHANNELS, change = n - 32, fSharp = 6;
    const raw = new Float32Array(n * c);
    for (let w = 0; w < n; w++) {
      for (let j = 0; j < 12; j++) raw[w * c + CHANNEL.pitchClass + j] = w < change ? major[j]! : minor[(j - fSharp + 12) % 12]!;
    }
    const m = modelChannels(f);
    expect(f.recentKeyFrames).toBe(48);
    expect(m).toBe(c + 2 + 13);
    const out = new Float32Array(n * m);
    prepareWindow(raw, n, f, out, 0);
    const last = (n - 1) * m;
    // The whole window is C major: its tonic C stays bin 0, and its mode strength is major.
    expect(out[last + CHANNEL.pitchClass]).toBeCloseTo(raw[(n - 1) * c + CHANNEL.pitchClass + 0]!, 5);
    expect(out[last + c]).toBeGreaterThan(0);
    // The last 1.5 s (16 C major frames, 32 F# minor) are F# minor: F# is bin 0 of the recent view.
    for (let j = 0; j < 12; j++) expect(out[last + c + 2 + j]).toBeCloseTo(minor[j]!, 5);
    expect(out[last + c + 14]).toBeLessThan(0);
    // The first frame is rotated the same way (one view per window, not per frame).
    expect(out[c + 2 + 0]).toBeCloseTo(major[fSharp]!, 5);

    // A model from before the recent view gets exactly the channels it was trained on.
    const before = { ...f, recentKeyFrames: undefined };
    const old = new Float32Array(n * modelChannels(before));
    prepareWindow(raw, n, before, old, 0);
    expect(modelChannels(before)).toBe(c + 2);
    for (let w = 0; w < n; w++) for (let j = 0; j < c + 2; j++) expect(old[w * (c + 2) + j]).toBe(out[w * m + j]);

    // Frames before the signal began are zeros in every view; the recent key comes from the
    // frames there are.
    const short = new Float32Array(n * m);
    prepareWindow(raw, 20, f, short, 0);
    expect(Array.from(short.subarray(0, (n - 20) * m - 1)).every((v, i) => v === 0 || i % m === c || i % m === c + 14)).toBe(true);
    for (let j = 0; j < 12; j++) expect(short[last + c + 2 + j]).toBeCloseTo(minor[j]!, 5);
  });
});
