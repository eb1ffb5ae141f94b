// The harmonic-attributed pitch-class profile (src/dsp/harmonics.ts) on real kernel frames.
import { describe, expect, it } from "vitest";
import { chord } from "./chord.ts";
import { N_SEMITONES } from "../src/dsp/frame.ts";
import { attributedPitchClasses } from "../src/dsp/harmonics.ts";
import { CHANNEL, EMOTION_FRONTEND, emotionFrames, FRAME_CHANNELS } from "../src/models/emotion/frontend.ts";

const c = FRAME_CHANNELS;
/** The last frame of an A2 minor chord (A2 C3 E3, eight harmonics each) through the kernel, without attribution. */
function kernelFrame(): Float32Array {
  const { frames, data } = emotionFrames(chord([45, 48, 52], 1.5), 16000, { ...EMOTION_FRONTEND, harmonicWeight: 0 });
  return data.subarray((frames - 1) * c, frames * c);
}

describe("harmonic attribution", () => {
  it("with weight 0 gives the kernel's own pitch-class profile back", () => {
    const frame = kernelFrame(), out = new Float64Array(12);
    attributedPitchClasses(frame.subarray(CHANNEL.semitones, CHANNEL.semitones + N_SEMITONES), 0, out);
    for (let j = 0; j < 12; j++) expect(out[j]).toBeCloseTo(frame[CHANNEL.pitchClass + j]!, 5);
  });

  it("gives an A minor chord's 5th harmonics (C sharp, G sharp) back to A and E, so it no longer looks major", () => {
    const frame = kernelFrame(), out = new Float64Array(12);
    const kernel = Array.from(frame.subarray(CHANNEL.pitchClass, CHANNEL.pitchClass + 12));
    attributedPitchClasses(frame.subarray(CHANNEL.semitones, CHANNEL.semitones + N_SEMITONES), 2, out);
    const [A, C, Cs, E, Gs] = [9, 0, 1, 4, 8];
    // The kernel hears A major's third (C#5, A2's 5th harmonic) at a tenth of the profile or more.
    expect(kernel[Cs]).toBeGreaterThan(0.1);
    expect(out[Cs]).toBeLessThan(kernel[Cs]! / 4);
    expect(out[Gs]).toBeLessThan(kernel[Gs]! / 4);
    // The chord's own notes stay the three strongest classes.
    const top3 = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!).slice(0, 3).sort((a, b) => a - b);
    expect(top3).toEqual([C, E, A]);
    expect(Math.max(...out)).toBe(1);
  });

  it("leaves silence silent and allocates nothing with its scratch", () => {
    const out = new Float32Array(12).fill(7);
    attributedPitchClasses(new Float32Array(N_SEMITONES), 2, out, new Float64Array(N_SEMITONES));
    expect(Array.from(out)).toEqual(new Array(12).fill(0));
  });

  it("is what the emotion front end puts in the pitch-class channels at the front end's weight", () => {
    const f = EMOTION_FRONTEND, x = chord([45, 48, 52], 1.5);
    expect(f.harmonicWeight).toBe(2);
    const { frames, data } = emotionFrames(x, 16000, f);
    const out = new Float64Array(12);
    for (let k = 0; k < frames; k++) {
      attributedPitchClasses(data.subarray(k * c + CHANNEL.semitones, k * c + CHANNEL.semitones + N_SEMITONES), 2, out);
      for (let j = 0; j < 12; j++) expect(data[k * c + CHANNEL.pitchClass + j]).toBeCloseTo(out[j]!, 5);
    }
  });
});
