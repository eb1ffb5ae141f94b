// Tempo augmentation for the emotion model: a window read faster or slower, and the labels the
// cue model gives the new tempo.
import { describe, expect, it } from "vitest";
import { CUE_NAMES, CUE_WEIGHTS, retimedLabels } from "../src/models/emotion/cues.ts";
import { CHANNEL, EMOTION_FRONTEND, FRAME_CHANNELS, MODEL_CHANNELS, writeWindow } from "../src/models/emotion/frontend.ts";

const f = EMOTION_FRONTEND, c = FRAME_CHANNELS, W = f.windowFrames;

/** 400 frames whose RMS channel pulses every 8 frames (frames 0, 8, 16, ...): a beat. */
function pulses(): Float32Array {
  const frames = new Float32Array(400 * c);
  for (let k = 0; k < 400; k += 8) frames[k * c + CHANNEL.rms] = 1;
  return frames;
}

function window(rate: number, last = 392): Float32Array {
  const out = new Float32Array(W * MODEL_CHANNELS);
  writeWindow(pulses(), 400, last, f, out, 0, undefined, rate);
  return out;
}

const beats = (x: Float32Array) => Array.from({ length: W }, (_, w) => w).filter((w) => x[w * MODEL_CHANNELS + CHANNEL.rms]! > 0.99);

describe("emotion tempo augmentation", () => {
  it("reads the window's frames as they are at rate 1, and the beat twice as often at rate 2, ending on the same frame", () => {
    const plain = new Float32Array(W * MODEL_CHANNELS);
    writeWindow(pulses(), 400, 392, f, plain, 0);
    expect(window(1)).toEqual(plain);
    // The window ends on a beat (frame 392); at rate 2 the beats come every 4 window frames.
    const at1 = beats(window(1)), at2 = beats(window(2));
    expect(at1[1]! - at1[0]!).toBe(8);
    expect(at2[1]! - at2[0]!).toBe(4);
    expect(at2.length).toBeGreaterThan(at1.length * 1.9);
    // Slower (rate 0.5): one beat every 16 frames, some of them between two frames (halved).
    const slow = window(0.5);
    const peaks = Array.from({ length: W }, (_, w) => slow[w * MODEL_CHANNELS + CHANNEL.rms]!).filter((v) => v > 0.99).length;
    expect(peaks).toBe(Math.floor(W / 16));
  });

  it("leaves the start of a song empty as before, however fast it is read", () => {
    const out = new Float32Array(W * MODEL_CHANNELS);
    writeWindow(pulses(), 400, 40, f, out, 0, undefined, 1.5);
    // Frames before the song began read nothing: 40 / 1.5 -> 27 frames of song, then zeros before.
    const heard = Array.from({ length: W }, (_, w) => out[w * MODEL_CHANNELS + MODEL_CHANNELS - 2]! !== 0 || out[w * MODEL_CHANNELS + CHANNEL.rms]! !== 0);
    expect(heard.slice(0, W - 28).every((h) => !h)).toBe(true);
  });

  it("moves the tempo cue and its share of valence and arousal, nothing else", () => {
    const cues = CUE_NAMES.map((name) => (name === "tempo" ? 0 : 0.5)); // 110 bpm
    const moved = retimedLabels(0.2, -0.1, cues, 1.2); // 132 bpm
    const tempo = (132 - 110) / 60;
    expect(moved.cues[CUE_NAMES.indexOf("tempo")]).toBeCloseTo(tempo, 6);
    expect(moved.valence).toBeCloseTo(0.2 + CUE_WEIGHTS.valence.tempo! * tempo, 6);
    expect(moved.arousal).toBeCloseTo(-0.1 + CUE_WEIGHTS.arousal.tempo! * tempo, 6);
    moved.cues.forEach((v, i) => { if (CUE_NAMES[i] !== "tempo") expect(v).toBe(0.5); });
    // The scale clamps at 170 bpm: 160 bpm played 1.2 times as fast is 1, not 1.53.
    const fast = retimedLabels(0.2, 0.5, CUE_NAMES.map((name) => (name === "tempo" ? (160 - 110) / 60 : 0)), 1.2);
    expect(fast.cues[CUE_NAMES.indexOf("tempo")]).toBe(1);
    expect(fast.arousal).toBeCloseTo(0.5 + CUE_WEIGHTS.arousal.tempo! * (1 - 50 / 60), 6);
  });
});
