// The emotion front end: a short analysis (log-mel, loudness, onsets) and a long one (the
// pitch-class profile) of the same audio, kept in step.
import { describe, expect, it } from "vitest";
import { chord } from "./chord.ts";
import { SEMITONE_LOW } from "../src/dsp/frame.ts";
import { CHANNEL, EMOTION_FRONTEND, EmotionAnalysis, emotionFrames, FRAME_CHANNELS } from "../src/models/emotion/frontend.ts";

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
});
