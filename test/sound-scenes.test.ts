// Scenes of the built-in sound, rendered offline: when the state changes, the new state's
// folder fades in while the old one fades out. The change is scheduled at a context time
// before rendering: node-web-audio-api 2.2.0 rejects OfflineAudioContext.suspend() in some
// processes ("InvalidStateError: Error in async function"; CI caught it), so nothing here suspends.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OfflineAudioContext } from "node-web-audio-api";
import { describe, expect, it } from "vitest";
import { encodeWav } from "../src/audio/wav.ts";
import { SceneMixer } from "../src/sound/scenes.ts";

const SR = 44100;

describe("scenes", () => {
  it("crossfade from one state's folder to the next", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moodwire-scenes-"));
    const scene = (name: string, hz: number) => {
      mkdirSync(join(dir, name));
      const x = new Float32Array(SR).map((_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / SR));
      writeFileSync(join(dir, name, "a.wav"), encodeWav(x, SR));
    };
    scene("happy", 880);
    scene("sad", 110);
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: 4 * SR, sampleRate: SR });
    const log: string[] = [];
    const mixer = new SceneMixer(ctx, ctx.destination as unknown as AudioNode, { from: "face.state", folders: { happy: join(dir, "happy"), sad: join(dir, "sad"), neutral: join(dir, "missing") }, crossfade_s: 1, gain: 1 }, log.push.bind(log));
    await mixer.setState("happy");
    // Change state 2 s in; then to a state whose folder is missing, which changes nothing.
    await mixer.setState("sad", 2);
    await mixer.setState("neutral", 2.5);
    const out = (await ctx.startRendering()).getChannelData(0);
    const energyAt = (hz: number, from: number) => {
      const x = out.subarray(from * SR, from * SR + 8820);
      let re = 0, im = 0;
      for (let i = 0; i < x.length; i++) { re += x[i]! * Math.cos((2 * Math.PI * hz * i) / SR); im += x[i]! * Math.sin((2 * Math.PI * hz * i) / SR); }
      return Math.hypot(re, im) / x.length;
    };
    expect(energyAt(880, 1.2)).toBeGreaterThan(0.2); // happy fully in
    expect(energyAt(110, 1.2)).toBeLessThan(0.01);
    // No jump at the change: the old scene fades from the level it had (0.25 is full level).
    expect(energyAt(880, 2.0)).toBeGreaterThan(0.18);
    expect(energyAt(110, 2.4)).toBeGreaterThan(0.02); // crossfading
    expect(energyAt(880, 2.4)).toBeGreaterThan(0.02);
    expect(energyAt(110, 3.5)).toBeGreaterThan(0.2); // sad fully in, happy gone
    expect(energyAt(880, 3.5)).toBeLessThan(0.01);
    // A missing folder is reported once and the scene playing goes on.
    expect(log.join("\n")).toMatch(/missing for "neutral": no such folder/);
  });
});
