// The live engine end to end with real parts: real files, the real analysis worklet in a
// realtime context (with a `none` sink), the shipped tfjs-wasm models, and real UDP
// sockets on 127.0.0.1 for FaceOSC in and OSC out.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createSocket } from "node:dgram";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig, mergeConfig, type EngineConfig } from "../src/engine/config.ts";
import { Engine } from "../src/engine/engine.ts";
import type { EngineEvent } from "../src/engine/events.ts";
import { OSC_ADDRESSES } from "../src/engine/osc-publisher.ts";
import { DEFAULT_PROFILE } from "../src/face/action-units.ts";
import { encodeWav } from "../src/audio/wav.ts";
import { faceBundle, freePort, oscReceiver, sleep } from "./net.ts";

const ALARM = "/usr/share/sounds/freedesktop/stereo/alarm-clock-elapsed.oga";
const dir = mkdtempSync(join(tmpdir(), "moodwire-engine-"));
const HAPPY = { ...DEFAULT_PROFILE.neutral, mouthWidth: 18.23, mouthHeight: 2.38, eyeLeft: 2.66, eyeRight: 2.66 };

/** A chord that moves every half second (so the oracle hears repeats), `seconds` long. */
function chordFile(name: string, seconds: number, sampleRate = 44100): string {
  const x = new Float32Array(seconds * sampleRate);
  const chords = [[261.6, 329.6, 392], [220, 261.6, 329.6], [174.6, 220, 261.6], [196, 246.9, 293.7]];
  for (let i = 0; i < x.length; i++) {
    const c = chords[Math.floor(i / (sampleRate / 2)) % chords.length]!;
    x[i] = 0.2 * c.reduce((s, f) => s + Math.sin((2 * Math.PI * f * i) / sampleRate), 0);
  }
  const path = join(dir, name);
  writeFileSync(path, encodeWav(x, sampleRate));
  return path;
}

async function engineWith(patch: unknown): Promise<{ engine: Engine; events: EngineEvent[]; log: string[] }> {
  const config = mergeConfig<EngineConfig>(defaultConfig(), patch);
  const log: string[] = [];
  const engine = new Engine(config, { log: (l) => log.push(l) });
  const events: EngineEvent[] = [];
  engine.on((e) => { if (e.type !== "features" && e.type !== "oracle" && e.type !== "output") events.push(e); });
  return { engine, events, log };
}

const engines: Engine[] = [];
afterAll(async () => { for (const e of engines) await e.stop(); });

describe.runIf(existsSync(ALARM))("moodwire listen --offline (the engine API)", () => {
  it("hears the alarm clock, and every stream of the OSC table arrives on a real socket", async () => {
    const out = await oscReceiver();
    const chords = chordFile("chords.wav", 12);
    const { engine, events } = await engineWith({ input: { files: [chords, ALARM], offline: true }, face: { listen: `127.0.0.1:${await freePort()}` }, osc: { out: [`127.0.0.1:${out.port}`] } });
    engines.push(engine);
    await engine.start();
    await engine.inputEnded();
    await sleep(200);
    const h = engine.health();
    await engine.stop();
    await out.close();

    expect(h.engineSeconds).toBeGreaterThan(17);
    expect(h.stages.map((s) => [s.name, s.errors])).toEqual([["oracle", 0], ["sound events", 0], ["music emotion", 0]]);
    const seen = new Set(out.messages.map((m) => m.address));
    const expected = OSC_ADDRESSES.map((a) => a.address).filter((a) => !a.startsWith("/moodwire/face") && a !== "/moodwire/health");
    for (const address of expected) expect(seen, address).toContain(address);
    // The alarm starts 12 s in; the detector calls it an alarm (times are engine seconds across the playlist).
    expect(out.messages.find((m) => m.address === "/moodwire/sound/event" && m.args[0] === "alarm" && m.args[1] === 1)).toBeDefined();
    const alarm = events.find((e) => e.type === "soundEvent" && e.label === "alarm" && e.phase === "start" && e.onset > 11);
    expect(alarm?.type === "soundEvent" && alarm.onset).toBeLessThan(13);
    // Emotion every 0.5 s of audio; the affect follows the music (the only live source).
    const emotion = events.filter((e) => e.type === "emotion");
    expect(emotion.length).toBeGreaterThanOrEqual(30);
    const affect = events.filter((e) => e.type === "affect").map((e) => e.type === "affect" && { ...e.state });
    expect(affect.at(-1)).toMatchObject({ sources: ["music"] });
    // The chord loop repeats: the oracle reports motifs within the first 12 s.
    expect(events.some((e) => e.type === "motif" && e.start < 12)).toBe(true);
  });
});

describe("moodwire listen, realtime (a file played on the wall clock; no sound card here) with a face", () => {
  it("fuses the music and a happy face into one affect; OSC rates follow the table", async () => {
    const out = await oscReceiver();
    const facePort = await freePort();
    const { engine, events } = await engineWith({ input: { files: [chordFile("loop.wav", 2)], loop: true }, face: { listen: `127.0.0.1:${facePort}` }, osc: { out: [`127.0.0.1:${out.port}`] } });
    engines.push(engine);
    await engine.start();
    const sender = createSocket("udp4");
    const bundle = faceBundle(HAPPY);
    const started = Date.now();
    while (Date.now() - started < 3500) {
      sender.send(bundle, facePort, "127.0.0.1");
      await sleep(33);
    }
    const h = engine.health();
    const audioSeconds = engine.pipeline.time, wallSeconds = (Date.now() - started) / 1000;
    await engine.stop();
    sender.close();
    await out.close();

    // Real time is kept: the audio analysed keeps up with the wall clock (it once ran at a
    // third of it, when the worklet's per-quantum hand-off paced a `none` sink).
    expect(audioSeconds).toBeGreaterThan(0.85 * wallSeconds);
    expect(audioSeconds).toBeLessThan(wallSeconds + 0.5);
    expect(h.input).toMatchObject({ kind: "file", state: "running", droppedFrames: 0 });
    expect(h.input.callbackLoad).toBeGreaterThan(0);
    expect(h.face.packets).toBeGreaterThan(80);
    const faces = events.filter((e) => e.type === "face" && e.changed).map((e) => e.type === "face" && e.emotion);
    expect(faces).toContain("happy");
    const last = events.filter((e) => e.type === "affect").at(-1);
    expect(last?.type === "affect" && last.state.sources).toEqual(expect.arrayContaining(["face"]));
    expect(last?.type === "affect" && last.state.valence).toBeGreaterThan(0.1);
    const count = (a: string) => out.messages.filter((m) => m.address === a).length;
    // ~3.5 s: features and affect at 10 Hz, music emotion at 2 Hz, face AUs per packet.
    expect(count("/moodwire/audio/features")).toBeGreaterThan(28);
    expect(count("/moodwire/audio/features")).toBeLessThan(40);
    expect(count("/moodwire/affect")).toBeGreaterThan(25);
    expect(count("/moodwire/affect")).toBeLessThan(45);
    expect(count("/moodwire/music/emotion")).toBeGreaterThanOrEqual(4);
    expect(count("/moodwire/music/emotion")).toBeLessThanOrEqual(8);
    expect(count("/moodwire/face/au")).toBeGreaterThan(80);
    expect(out.messages.find((m) => m.address === "/moodwire/face/state" && m.args[0] === "happy")).toBeDefined();
  });
});
