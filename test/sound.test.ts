// The built-in sonification, rendered offline through node-web-audio-api: the voice follows
// its four parameters (happy: higher, clean; sad: noise and distortion), the default sound
// mapping drives it from the affect (scenes: sound-scenes.test.ts).
import { OfflineAudioContext } from "node-web-audio-api";
import { describe, expect, it } from "vitest";
import { MappingEngine } from "../src/mapping/engine.ts";
import { checkMapping } from "../src/mapping/mapping.ts";
import { loadMapping } from "../src/mapping/watch.ts";
import { DEFAULT_SOUND_MAPPING } from "../src/sound/sonify.ts";
import { SynthVoice } from "../src/sound/voice.ts";

const SR = 44100;

async function renderVoice(setup: (voice: SynthVoice) => void, seconds = 1): Promise<Float32Array> {
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: seconds * SR, sampleRate: SR });
  const voice = new SynthVoice(ctx, ctx.destination as unknown as AudioNode);
  setup(voice);
  const out = await ctx.startRendering();
  return out.getChannelData(0).slice(Math.floor(0.5 * SR)); // after the glide
}

/** Fundamental by autocorrelation between 40 and 2000 Hz. */
function pitchHz(x: Float32Array): number {
  let best = 0, lag0 = 0;
  for (let lag = Math.floor(SR / 2000); lag < SR / 40; lag++) {
    let s = 0;
    for (let i = 0; i + lag < 8192; i++) s += x[i]! * x[i + lag]!;
    if (s > best) { best = s; lag0 = lag; }
  }
  return SR / lag0;
}

/** How much of the signal is not periodic: 1 - normalised autocorrelation at the period. */
function roughness(x: Float32Array, hz: number): number {
  const lag = Math.round(SR / hz);
  let s = 0, e = 0;
  for (let i = 0; i + lag < 16384; i++) { s += x[i]! * x[i + lag]!; e += x[i]! * x[i]!; }
  return 1 - s / e;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe("the synth voice", () => {
  it("plays the pitch it is given, louder with loudness", async () => {
    const a = await renderVoice((v) => { v.set("pitch", 69); v.set("loudness", 0.4); });
    const low = await renderVoice((v) => { v.set("pitch", 57); v.set("loudness", 0.1); });
    expect(pitchHz(a)).toBeCloseTo(440, -1);
    expect(pitchHz(low)).toBeCloseTo(220, -1);
    expect(rms(a) / rms(low)).toBeGreaterThan(3);
  });

  it("goes to noise and distortion when told (the sad end of the default mapping)", async () => {
    const clean = await renderVoice((v) => { v.set("pitch", 57); v.set("loudness", 0.3); });
    const sad = await renderVoice((v) => { v.set("pitch", 57); v.set("loudness", 0.3); v.set("noise", 0.5); v.set("distortion", 0.9); });
    expect(roughness(sad, 220)).toBeGreaterThan(roughness(clean, 220) + 0.2);
  });

  it("follows the affect through mappings/sound.json: happy is higher and cleaner than sad", async () => {
    const mapping = loadMapping(DEFAULT_SOUND_MAPPING);
    expect(checkMapping(mapping)).toEqual([]);
    const drive = (valence: number, arousal: number) => (voice: SynthVoice) => {
      const m = new MappingEngine({});
      m.sound = voice;
      m.setMapping(mapping);
      m.signal("affect.valence", valence, 0);
      m.signal("affect.arousal", arousal, 0);
    };
    let happyVoice: SynthVoice | undefined, sadVoice: SynthVoice | undefined;
    const happy = await renderVoice((v) => { happyVoice = v; drive(0.8, 0.6)(v); });
    const sad = await renderVoice((v) => { sadVoice = v; drive(-0.8, -0.4)(v); });
    expect(happyVoice!.values.pitch).toBeGreaterThan(sadVoice!.values.pitch + 12);
    expect(happyVoice!.values.noise).toBe(0);
    expect(sadVoice!.values.distortion).toBeGreaterThan(0.6);
    expect(pitchHz(happy)).toBeGreaterThan(pitchHz(sad) * 1.8);
    expect(roughness(sad, pitchHz(sad))).toBeGreaterThan(roughness(happy, pitchHz(happy)));
    expect(rms(happy)).toBeGreaterThan(rms(sad) * 0.9);
  });
});
