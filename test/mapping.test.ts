// The mapping layer: validation with lines, the route engine, hot reload, and the
// face pipeline driving MIDI through a mapping end to end.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MidiOut } from "../src/bridges/midi-out.ts";
import { OscOut } from "../src/bridges/osc-out.ts";
import { DEFAULT_PROFILE } from "../src/face/action-units.ts";
import { applyCurve, MappingEngine } from "../src/mapping/engine.ts";
import { MappingError, parseMapping, type Mapping } from "../src/mapping/mapping.ts";
import { loadMapping, watchMapping } from "../src/mapping/watch.ts";
import { midiSignals } from "../src/bridges/midi-in.ts";
import { moodwire, BIN } from "./run-cli.ts";

const osc = createRequire(import.meta.url)("osc") as { writePacket(p: unknown): Uint8Array; readPacket(d: Uint8Array, o: unknown): { address: string; args: unknown[] } };
const { parseMidi } = createRequire(import.meta.url)("midi-file") as { parseMidi(d: Uint8Array): { tracks: { type: string; noteNumber?: number; programNumber?: number }[][] } };
const dir = mkdtempSync(join(tmpdir(), "moodwire-mapping-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for a condition (file watching is polled; a loaded machine is slower). */
async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  for (const start = Date.now(); !condition(); await sleep(25)) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
  }
}

/** A MIDI port that records what reaches it (real ports cannot open on this machine). */
function recordingMidi() {
  const sent: string[] = [];
  const port = { send: (type: string, d: Record<string, number>) => sent.push(`${type} ${Object.values(d).join(" ")}`), close() {} };
  return { midi: new MidiOut({ port }), sent };
}
const engineWith = (mapping: Mapping) => {
  const { midi, sent } = recordingMidi();
  const engine = new MappingEngine({ midi });
  engine.setMapping(mapping);
  return { engine, sent, midi };
};

describe("validation", () => {
  it("accepts the shipped example mappings", () => {
    expect(loadMapping("mappings/emotion-program.json").routes).toHaveLength(2);
    expect(loadMapping("mappings/mouth-notes.json").routes).toHaveLength(2);
  });

  it("names file, line and problem for each mistake", () => {
    const text = `{\n  "routes": [\n    { "from": "face.gesture.jaw",\n      "to": { "midi": "cc", "channel": 0 } },\n    { "from": "face.state", "to": { "midi": "program" } }\n  ]\n}\n`;
    expect(() => parseMapping(text, "set.json")).toThrow(MappingError);
    let message = "";
    try { parseMapping(text, "set.json"); } catch (err) { message = (err as Error).message; }
    expect(message.split("\n")).toEqual([
      "set.json:4: /routes/0/to/channel must be a whole number 1..16, got 0",
      "set.json:4: /routes/0/to/controller is required (a whole number 0..127)",
      'set.json:5: /routes/1/table is required for face.state: which number each state sends (e.g. { "happy": 1, "sad": 2 })',
    ]);
  });

  it("reports broken JSON with where it broke", () => {
    expect(() => parseMapping('{ "routes": [ }', "x.json")).toThrow(/x\.json: not valid JSON/);
  });

  it("moodwire mapping validate: ok, or every problem and exit 2", async () => {
    expect(await moodwire(["mapping", "validate", "mappings/mouth-notes.json"])).toMatchObject({ code: 0, stdout: "mappings/mouth-notes.json: ok (2 routes)\n" });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ routes: [{ from: "face.nose", to: { osc: "/x" } }] }, null, 2));
    const r = await moodwire(["mapping", "validate", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:4: \/routes\/0\/from must name a signal/);
  });
});

describe("the route engine", () => {
  it("scales, clamps and sends CC only when the value changes", () => {
    const { engine, sent } = engineWith({ routes: [{ from: "face.gesture.jaw", in: [19, 23], out: [0, 127], to: { midi: "cc", channel: 2, controller: 7 } }] });
    for (const [x, t] of [[19, 0], [21, 10], [21, 20], [25, 30]] as const) engine.signal("face.gesture.jaw", x, t);
    expect(sent).toEqual(["cc 1 7 0", "cc 1 7 64", "cc 1 7 127"]);
  });

  it("shapes with curves that keep 0 and 1 in place", () => {
    for (const c of ["linear", "exp", "log"] as const) {
      expect(applyCurve(0, c)).toBeCloseTo(0, 12);
      expect(applyCurve(1, c)).toBeCloseTo(1, 12);
    }
    expect(applyCurve(0.5, "exp")).toBeLessThan(0.5);
    expect(applyCurve(0.5, "log")).toBeGreaterThan(0.5);
  });

  it("smooths with a one-pole filter of the given time constant", () => {
    const { engine, sent } = engineWith({ routes: [{ from: "face.au.AU12", smooth_ms: 100, to: { midi: "cc", controller: 1 } }] });
    engine.signal("face.au.AU12", 0, 0);
    engine.signal("face.au.AU12", 1, 100); // one time constant: 1 - 1/e of the way
    expect(sent.at(-1)).toBe(`cc 0 1 ${Math.round(127 * (1 - Math.exp(-1)))}`);
  });

  it("limits the rate", () => {
    const { engine, sent } = engineWith({ routes: [{ from: "face.au.AU12", rate_hz: 10, to: { midi: "cc", controller: 1 } }] });
    for (let t = 0; t < 1000; t += 10) engine.signal("face.au.AU12", (t % 200) / 200, t);
    expect(sent.length).toBeLessThanOrEqual(10);
    expect(sent.length).toBeGreaterThanOrEqual(8);
  });

  it("plays notes through a gate with hysteresis, changing pitch while open and ending the note when it closes", () => {
    const { engine, sent, midi } = engineWith({ routes: [{ from: "face.gesture.mouthHeight", in: [0, 1], out: [60, 72], gate: { on: 0.5, off: 0.3 }, to: { midi: "note", velocity: 90 } }] });
    for (const [x, t] of [[0.4, 0], [0.5, 10], [0.75, 20], [0.4, 30], [0.31, 40], [0.3, 50], [0.4, 60]] as const) engine.signal("face.gesture.mouthHeight", x, t);
    // 0.4 and 0.31 are above the off level: the gate stays open and the pitch follows.
    expect(sent).toEqual(["noteon 0 66 90", "noteoff 0 66 0", "noteon 0 69 90", "noteoff 0 69 0", "noteon 0 65 90", "noteoff 0 65 0", "noteon 0 64 90", "noteoff 0 64 0"]);
    expect(midi.soundingNotes).toBe(0);
  });

  it("maps states through a table, and ends timed notes on tick", () => {
    const { engine, sent } = engineWith({ routes: [
      { from: "face.state", table: { happy: 1, sad: 2 }, to: { midi: "program", channel: 3 } },
      { from: "face.state", table: { happy: 76 }, to: { midi: "note", duration_ms: 100 } },
    ] });
    engine.signal("face.state", "happy", 0);
    engine.signal("face.state", "neutral", 50); // not in the tables: nothing
    engine.signal("face.state", "sad", 60);
    engine.tick(120);
    expect(sent).toEqual(["program 2 1", "noteon 0 76 100", "program 2 2", "noteoff 0 76 0"]);
  });

  it("ends a route's notes when the mapping changes", () => {
    const { engine, sent, midi } = engineWith({ routes: [{ from: "face.au.AU25", gate: { on: 0.5, off: 0.2 }, to: { midi: "note", pitch: 40 } }] });
    engine.signal("face.au.AU25", 0.9, 0);
    expect(midi.soundingNotes).toBe(1);
    engine.setMapping({ routes: [] });
    expect(sent.at(-1)).toBe("noteoff 0 40 0");
    expect(midi.soundingNotes).toBe(0);
  });

  it("sends OSC messages from a template over a real socket", async () => {
    const receiver = createSocket("udp4");
    const got: { address: string; args: unknown[] }[] = [];
    receiver.on("message", (m) => got.push(osc.readPacket(m, {})));
    await new Promise<void>((r) => receiver.bind(0, "127.0.0.1", () => r()));
    const out = new OscOut([{ host: "127.0.0.1", port: receiver.address().port }]);
    const engine = new MappingEngine({ osc: out });
    engine.setMapping({ routes: [{ from: "face.state", to: { osc: "/style", args: ["$state", 1] } }, { from: "face.au.AU12", out: [0, 10], to: { osc: "/smile" } }] });
    engine.signal("face.state", "happy", 0);
    engine.signal("face.au.AU12", 0.5, 0);
    await sleep(100);
    receiver.close();
    await out.close();
    expect(got).toEqual([{ address: "/style", args: ["happy", 1] }, { address: "/smile", args: [5] }]);
  });
});

describe("MIDI in as signals", () => {
  it("turns notes and CC into 0..1 signals a route can use", () => {
    expect(midiSignals({ type: "cc", channel: 0, controller: 74, value: 127 })).toEqual([["midi.cc.74", 1]]);
    expect(midiSignals({ type: "noteon", channel: 0, note: 60, velocity: 127 })).toEqual([["midi.note", 60], ["midi.note.60", 1]]);
    expect(midiSignals({ type: "noteon", channel: 0, note: 60, velocity: 0 })).toEqual([["midi.note", -1], ["midi.note.60", 0]]);
    const { engine, sent } = engineWith(parseMapping(JSON.stringify({ routes: [{ from: "midi.cc.74", to: { midi: "cc", controller: 10 } }] })));
    for (const [n, v] of midiSignals({ type: "cc", channel: 0, controller: 74, value: 64 })) engine.signal(n, v, 0);
    expect(sent).toEqual(["cc 0 10 64"]);
  });

  it("routes Wekinator inputs (wek.<i>) like any other signal", async () => {
    const port = 23000 + Math.floor(Math.random() * 1000);
    const path = join(dir, "wek.json"), midiPath = join(dir, "wek.mid");
    writeFileSync(path, JSON.stringify({ routes: [{ from: "wek.1", to: { midi: "cc", controller: 20 } }] }));
    const child = spawn(process.execPath, [BIN, "face", "--osc-in", `127.0.0.1:${port}`, "--osc-out", "127.0.0.1:9", "--mapping", path, "--midi-file", midiPath, "--duration", "1"]);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    while (!err.includes("listening for FaceOSC")) await sleep(20);
    const sock = createSocket("udp4");
    sock.send(osc.writePacket({ address: "/wek/inputs", args: [{ type: "f", value: 0.1 }, { type: "f", value: 0.5 }] }), port, "127.0.0.1");
    await sleep(200);
    sock.close();
    expect(await exited).toBe(0);
    const events = parseMidi(readFileSync(midiPath)).tracks[0]! as { type: string; controllerType?: number; value?: number }[];
    expect(events.filter((e) => e.type === "controller" && e.controllerType === 20).map((e) => e.value)).toEqual([64]);
  });

  it("says in one sentence why a MIDI input cannot open here", async () => {
    const r = await moodwire(["face", "--osc-in", `127.0.0.1:${22000 + Math.floor(Math.random() * 1000)}`, "--osc-out", "127.0.0.1:9", "--midi-in", "keys", "--duration", "0.3"]);
    expect(r.code).toBe(0);
    const line = r.stderr.split("\n").find((l) => l.startsWith("moodwire: cannot open MIDI input"));
    if (line) expect(line).toMatch(/load the ALSA sequencer \(sudo modprobe snd-seq\)\. Going on without it\./);
  });
});

describe("hot reload", () => {
  it("reloads a changed mapping and keeps the previous one when the new one is invalid", async () => {
    const path = join(dir, "live.json");
    writeFileSync(path, JSON.stringify({ routes: [{ from: "face.au.AU12", to: { midi: "cc", controller: 1 } }] }));
    const { engine, sent } = engineWith(loadMapping(path));
    const errors: string[] = [];
    const watcher = watchMapping(path, (m) => engine.setMapping(m), (e) => errors.push(e), 50);
    try {
      writeFileSync(path, '{ "routes": [ { "from": "face.au.AU12", "to": { "midi": "cc", "controller": 300 } } ] }');
      await until(() => errors.length > 0);
      expect(errors[0]).toMatch(/live\.json:1: \/routes\/0\/to\/controller must be a whole number 0\.\.127, got 300\n\(the previous mapping keeps running\)/);
      engine.signal("face.au.AU12", 1, 0);
      expect(sent.at(-1)).toBe("cc 0 1 127"); // still the first mapping
      writeFileSync(path, JSON.stringify({ routes: [{ from: "face.au.AU12", to: { midi: "cc", controller: 2 } }] }));
      await until(() => { engine.signal("face.au.AU12", 0.5, 10); return sent.at(-1) === "cc 0 2 64"; });
      expect(sent.at(-1)).toBe("cc 0 2 64");
    } finally {
      watcher.close();
    }
  });
});

describe("moodwire face --mapping, end to end", () => {
  it("turns mouth height into notes in the MIDI file (the seeds' mouth-to-notes use)", async () => {
    const port = 20000 + Math.floor(Math.random() * 1000);
    const midiPath = join(dir, "mouth.mid");
    const child = spawn(process.execPath, [BIN, "face", "--osc-in", `127.0.0.1:${port}`, "--osc-out", "127.0.0.1:9", "--mapping", "mappings/mouth-notes.json", "--midi-file", midiPath, "--duration", "2"]);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    while (!err.includes("listening for FaceOSC")) await sleep(20);
    const sock = createSocket("udp4");
    const send = (mouthHeight: number) => sock.send(osc.writePacket({ address: "/gesture/mouth/height", args: [{ type: "f", value: mouthHeight }] }), port, "127.0.0.1");
    for (const h of [1.0, 2.5, 2.5, 2.9, 2.9, 1.0, 1.0]) { send(h); await sleep(120); }
    sock.close();
    expect(await exited, err).toBe(0);
    const events = parseMidi(readFileSync(midiPath)).tracks[0]!;
    const ons = events.filter((e) => e.type === "noteOn").map((e) => e.noteNumber);
    const offs = events.filter((e) => e.type === "noteOff").map((e) => e.noteNumber);
    expect(ons.length).toBeGreaterThanOrEqual(1);
    expect(ons.every((n) => n! >= 48 && n! <= 84)).toBe(true);
    expect(offs.length).toBe(ons.length); // every note ended
  });
});
