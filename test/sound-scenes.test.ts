// Scenes of the built-in sound, rendered offline: when the state changes, the new state's
// folder fades in while the old one fades out. In a file of its own: node-web-audio-api 2.2.0
// rejects OfflineAudioContext.suspend() in a process where another offline context has
// already rendered ("InvalidStateError: Error in async function"), and this test needs suspend.
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
    // Change state 2 s in: suspend the render there.
    const switched = ctx.suspend((Math.round((2 * SR) / 128) * 128) / SR).then(async () => { await mixer.setState("sad"); await mixer.setState("neutral"); await ctx.resume(); });
    const out = (await ctx.startRendering()).getChannelData(0);
    await switched;
    const energyAt = (hz: number, from: number) => {
      const x = out.subarray(from * SR, from * SR + 8820);
      let re = 0, im = 0;
      for (let i = 0; i < x.length; i++) { re += x[i]! * Math.cos((2 * Math.PI * hz * i) / SR); im += x[i]! * Math.sin((2 * Math.PI * hz * i) / SR); }
      return Math.hypot(re, im) / x.length;
    };
    expect(energyAt(880, 1.2)).toBeGreaterThan(0.2); // happy fully in
    expect(energyAt(110, 1.2)).toBeLessThan(0.01);
    expect(energyAt(110, 2.4)).toBeGreaterThan(0.02); // crossfading
    expect(energyAt(880, 2.4)).toBeGreaterThan(0.02);
    expect(energyAt(110, 3.5)).toBeGreaterThan(0.2); // sad fully in, happy gone
    expect(energyAt(880, 3.5)).toBeLessThan(0.01);
    // A missing folder is reported once and the scene playing goes on.
    expect(log.join("\n")).toMatch(/missing for "neutral": no such folder/);
  });
});
