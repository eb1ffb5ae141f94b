// Reliability and security of the live engine: a stage that crashes restarts alone; the
// input that disappears is retried and reported; SIGTERM releases every note and leaves a
// complete MIDI file; a vanished MIDI port reconnects; nothing listens beyond 127.0.0.1
// unless told, and then the dashboard needs a token; OSC senders can be restricted.
import { createSocket } from "node:dgram";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MidiOut } from "../src/bridges/midi-out.ts";
import { ConfigError, parseConfig } from "../src/engine/config.ts";
import { SupervisedStage } from "../src/engine/stage.ts";
import { FaceInput } from "../src/face/face-input.ts";
import { encodeWav } from "../src/audio/wav.ts";
import { faceBundle, freePort, oscReceiver, sleep, startCli } from "./net.ts";
import { moodwire } from "./run-cli.ts";

const { parseMidi } = createRequire(import.meta.url)("midi-file") as { parseMidi(data: Uint8Array): { tracks: { type: string; noteNumber?: number; velocity?: number; controllerType?: number; channel?: number }[][] } };
const dir = mkdtempSync(join(tmpdir(), "moodwire-faults-"));

function toneFile(name: string, seconds: number): string {
  const sr = 44100, x = new Float32Array(seconds * sr);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 330 * i) / sr) * (Math.floor(i / (sr / 4)) % 2 ? 1 : 0.05);
  const path = join(dir, name);
  writeFileSync(path, encodeWav(x, sr));
  return path;
}

describe("a crashing analysis stage", () => {
  it("is logged and restarted while the other stages go on", async () => {
    const log: string[] = [];
    let made = 0, healthyRows = 0;
    const flaky = new SupervisedStage("flaky", async () => {
      made++;
      let rows = 0;
      return { pushRow: () => { if (++rows === 3 && made === 1) throw new Error("boom"); } };
    }, (l) => log.push(l));
    const healthy = new SupervisedStage("healthy", async () => ({ pushRow: () => { healthyRows++; } }), (l) => log.push(l));
    await flaky.start();
    await healthy.start();
    const row = new Float32Array(4);
    for (let k = 0; k < 40; k++) {
      flaky.pushRow(row, k);
      healthy.pushRow(row, k);
      await sleep(25);
    }
    expect(healthyRows).toBe(40);
    expect(flaky.health).toMatchObject({ status: "running", errors: 1, restarts: 1, lastError: "boom" });
    expect(made).toBe(2);
    expect(log.join("\n")).toMatch(/flaky stopped with an error \(boom\); restarting in 0\.5 s, the other stages go on/);
    flaky.stop();
    healthy.stop();
  });
});

describe("a stage replaced while it runs (a model changed in the configuration)", () => {
  it("takes over only once the new one is made; the old one is flushed (its events end) and disposed", async () => {
    const seen: string[] = [];
    const make = (name: string) => async () => ({ pushRow: () => { seen.push(name); }, flush: () => { seen.push(`${name} flushed`); }, dispose: () => { seen.push(`${name} disposed`); } });
    const stage = new SupervisedStage("models", make("old"), () => {});
    await stage.start();
    const row = new Float32Array(4);
    let ready!: () => void;
    const swapping = stage.replace(async () => { await new Promise<void>((r) => { ready = r; }); return make("new")(); });
    stage.pushRow(row, 0); // still the old one while the new one loads
    ready();
    expect(await swapping).toBe(true);
    stage.pushRow(row, 1);
    expect(seen).toEqual(["old", "old flushed", "old disposed", "new"]);
    stage.stop();
  });

  it("keeps the running one when the new one cannot be made, and only the latest of two replacements takes over", async () => {
    const seen: string[] = [];
    const make = (name: string, waitMs = 0) => async () => { await sleep(waitMs); return { pushRow: () => { seen.push(name); }, dispose: () => { seen.push(`${name} disposed`); } }; };
    const stage = new SupervisedStage("models", make("old"), () => {});
    await stage.start();
    await expect(stage.replace(async () => { throw new Error("no such model"); })).rejects.toThrow("no such model");
    stage.pushRow(new Float32Array(4), 0);
    expect(seen).toEqual(["old"]);
    expect(stage.health).toMatchObject({ status: "running", errors: 0 });
    const slow = stage.replace(make("slow", 200)), quick = stage.replace(make("quick"));
    expect(await quick).toBe(true);
    expect(await slow).toBe(false);
    stage.pushRow(new Float32Array(4), 1);
    expect(seen).toEqual(["old", "old disposed", "slow disposed", "quick"]);
    stage.stop();
  });
});

describe("a stage replaced while it restarts", () => {
  it("runs the replacement, and the restart that was loading is thrown away", async () => {
    const seen: string[] = [];
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw new Error("not there yet");
      await sleep(400); // the restart (after 0.5 s) is still loading when the replacement arrives
      return { pushRow: () => { seen.push("restarted"); }, dispose: () => { seen.push("restarted disposed"); } };
    };
    const stage = new SupervisedStage("models", flaky, () => {});
    await stage.start();
    expect(stage.running).toBe(false);
    await sleep(650);
    expect(calls).toBe(2);
    expect(await stage.replace(async () => ({ pushRow: () => { seen.push("new"); } }), "new-model")).toBe(true);
    await sleep(400);
    stage.pushRow(new Float32Array(4), 0);
    expect(seen).toEqual(["restarted disposed", "new"]);
    expect(stage.health).toMatchObject({ status: "running", model: "new-model" });
    stage.stop();
  });
  it("a replacement that cannot load leaves the restart that was loading to take over", async () => {
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw new Error("not there yet");
      await sleep(400);
      return { pushRow: () => {} };
    };
    const stage = new SupervisedStage("models", flaky, () => {});
    await stage.start();
    await sleep(650);
    await expect(stage.replace(async () => { throw new Error("no such model"); })).rejects.toThrow("no such model");
    await sleep(400);
    expect(stage.running).toBe(true);
    expect(stage.health).toMatchObject({ status: "running", restarts: 1 });
    stage.stop();
  });
});

describe("listening beyond this computer", () => {
  it("needs allowRemote, and then the dashboard needs a token", () => {
    expect(() => parseConfig(`{\n  "face": { "listen": "0.0.0.0:8338" }\n}`, "c.json")).toThrow(/c\.json:2: \/face\/listen listens on 0\.0\.0\.0, beyond this computer/);
    expect(() => parseConfig(`{ "allowRemote": true, "dashboard": { "listen": "0.0.0.0:8765" } }`, "c.json")).toThrow(/\/dashboard\/token is required/);
    const ok = parseConfig(`{ "allowRemote": true, "dashboard": { "listen": "0.0.0.0:8765", "token": "s3cret-token" } }`);
    expect(ok.dashboard).toMatchObject({ listen: "0.0.0.0:8765", token: "s3cret-token" });
    expect(parseConfig("{}").face.listen).toBe("127.0.0.1:8338");
    expect(parseConfig("{}").dashboard.listen).toBe("127.0.0.1:8765");
  });

  it("reports every schema problem with its line", () => {
    let message = "";
    try { parseConfig(`{\n  "input": { "loop": "yes" },\n  "oracle": {}\n}`, "bad.json"); } catch (err) { message = (err as ConfigError).message; }
    expect(message).toMatch(/bad\.json:2: \/input\/loop must be boolean/);
    expect(message).toMatch(/bad\.json:1: \(top\) must NOT have additional properties "oracle"/);
  });

  it("runs all of an averaged emotion model's networks unless told how many", () => {
    expect(parseConfig("{}").analysis.emotion.networks).toBeNull();
    expect(parseConfig(`{ "analysis": { "emotion": { "networks": 1 } } }`).analysis.emotion.networks).toBe(1);
    expect(() => parseConfig(`{\n  "analysis": { "emotion": { "networks": 0 } }\n}`, "c.json")).toThrow(/c\.json:2: \/analysis\/emotion\/networks must be >= 1/);
    expect(() => parseConfig(`{ "analysis": { "emotion": { "networks": 1.5 } } }`, "c.json")).toThrow(/networks must be integer/);
  });

  it("moodwire config validate and listen say so on the command line", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, `{\n  "osc": { "out": ["nowhere"] }\n}\n`);
    const r = await moodwire(["config", "validate", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:2: \/osc\/out\/0 must match pattern/);
    const remote = await moodwire(["listen", "--face-in", "0.0.0.0:9999"]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/beyond this computer: set "allowRemote": true \(or --allow-remote\)/);
    const good = await moodwire(["config", "validate", "config/example.config.json"]);
    expect(good).toMatchObject({ code: 0, stdout: "config/example.config.json: valid\n" });
  });

  it("OSC input restricted to listed senders ignores everyone else", async () => {
    const port = await freePort();
    const face = new FaceInput({ host: "127.0.0.1", port, allowFrom: ["10.1.2.3"], log: () => {} });
    await face.listen();
    const s = createSocket("udp4");
    for (let i = 0; i < 5; i++) s.send(faceBundle({ mouthWidth: 14 }), port, "127.0.0.1");
    await sleep(200);
    s.close();
    await face.close();
    expect(face.refused).toBe(5);
    expect(face.packets).toBe(0);
  });
});

describe("a MIDI port that vanishes", () => {
  it("keeps the MIDI file going and reconnects with a back-off", async () => {
    const log: string[] = [];
    const sent: string[] = [];
    let alive = false, opens = 0;
    const port = () => ({ send: (type: string) => { if (!alive) throw new Error("device unplugged"); sent.push(type); }, close: () => {} });
    const midi = new MidiOut({ port: port(), reopen: () => { opens++; if (opens < 2) throw new Error("not back yet"); alive = true; return port(); }, log: (l) => log.push(l) });
    midi.noteOn(0, 60, 100); // the port is gone: this send fails
    expect(midi.connected).toBe(false);
    expect(log[0]).toMatch(/MIDI port lost \(device unplugged\); the MIDI file and OSC go on, reconnecting/);
    await sleep(3300); // 1 s (fails), then 2 s (succeeds)
    expect(opens).toBe(2);
    expect(midi.connected).toBe(true);
    midi.noteOn(0, 62, 100);
    expect(sent).toEqual(["noteon"]);
    midi.close();
    expect(log.at(-1)).toBe("MIDI port reconnected");
  });
});

describe("moodwire listen, from the command line", () => {
  it("SIGTERM releases every note and leaves a complete MIDI file", async () => {
    const input = toneFile("pulse.wav", 2);
    const mapping = join(dir, "rms-notes.json");
    writeFileSync(mapping, JSON.stringify({ routes: [{ from: "audio.rms", in: [0, 0.3], gate: { on: 0.5, off: 0.2 }, to: { midi: "note", pitch: 60, channel: 2 } }] }));
    const midiFile = join(dir, "set.mid");
    const run = startCli(["listen", "--input", input, "--loop", "--no-models", "--no-dashboard", "--no-face", "--osc-out", `127.0.0.1:${await freePort()}`, "--mapping", mapping, "--midi-file", midiFile]);
    await run.waitFor("listening:");
    await sleep(1600);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/stopped \(SIGTERM\)/);
    const events = parseMidi(readFileSync(midiFile)).tracks[0]!;
    const on = events.filter((e) => e.type === "noteOn" && (e.velocity ?? 0) > 0).length;
    const off = events.filter((e) => e.type === "noteOff" || (e.type === "noteOn" && e.velocity === 0)).length;
    expect(on).toBeGreaterThanOrEqual(3); // the pulse gates the note on and off every 0.25 s
    expect(off).toBe(on);
    expect(events.at(-2)).toMatchObject({ type: "controller", controllerType: 123, channel: 1 });
    expect(events.at(-1)!.type).toBe("endOfTrack");
  });

  it("swaps the sound event model when the configuration names another, keeps it when the next cannot load, and stops it when switched off", async () => {
    // Another model with other labels: the shipped one with "alarm" called "kettle".
    const renamed = join(dir, "sed-renamed");
    cpSync("models/sed", renamed, { recursive: true });
    const json = JSON.parse(readFileSync(join(renamed, "model.json"), "utf8"));
    const meta = json.userDefinedMetadata;
    meta.classes = meta.classes.map((c: string) => (c === "alarm" ? "kettle" : c));
    meta.eventRule.classes.kettle = meta.eventRule.classes.alarm;
    delete meta.eventRule.classes.alarm;
    writeFileSync(join(renamed, "model.json"), JSON.stringify(json));
    const config = join(dir, "swap.config.json");
    const writeConfig = (sed: object) => writeFileSync(config, JSON.stringify({ analysis: { oracle: { enabled: false }, emotion: { enabled: false }, sed } }));
    writeConfig({});
    const osc = await oscReceiver();
    const dashboard = await freePort();
    const run = startCli(["listen", "--config", config, "--input", toneFile("swap.wav", 2), "--loop", "--no-face", "--dashboard", `127.0.0.1:${dashboard}`, "--osc-out", `127.0.0.1:${osc.port}`]);
    const stage = async () => ((await (await fetch(`http://127.0.0.1:${dashboard}/health`)).json()) as { stages: { name: string; status: string; model?: string }[] }).stages.find((s) => s.name === "sound events");
    const labels = () => osc.messages.filter((m) => m.address === "/moodwire/sound/labels").map((m) => m.args as string[]);
    const probabilities = () => osc.messages.filter((m) => m.address === "/moodwire/sound/probabilities").length;
    const until = async (ok: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !ok(); i++) await sleep(50);
      if (!ok()) throw new Error(`timed out waiting for ${what}; stderr:\n${run.stderr()}`);
    };
    try {
      await run.waitFor("listening:");
      await until(() => labels().some((l) => l[0] === "alarm"), "the shipped model's labels");
      writeConfig({ model: renamed });
      await run.waitFor(/sound events: now .*sed-renamed/);
      // The labels are sent at once when they change, not at the next 5 s.
      await until(() => labels().some((l) => l[0] === "kettle"), "the new model's labels");
      expect(labels().at(-1)).toEqual(["kettle", ...meta.classes.slice(1)]);
      expect(await stage()).toMatchObject({ status: "running", model: renamed });
      writeConfig({ model: join(dir, "no-such-model") });
      await run.waitFor(/sound events: cannot load .*no-such-model .*; the previous model keeps running/);
      const before = probabilities();
      await sleep(800);
      expect(probabilities()).toBeGreaterThan(before); // still listening, with the renamed model
      expect(labels().at(-1)![0]).toBe("kettle");
      expect((await stage())!.model).toBe(renamed);
      writeConfig({ enabled: false });
      await run.waitFor("sound events: off");
      expect(await stage()).toBeUndefined();
      await sleep(300);
      const off = probabilities();
      await sleep(800);
      expect(probabilities()).toBe(off);
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
      expect(run.stderr()).toMatch(/reloaded .*swap\.config\.json \(mapping, affect and models apply now/);
    } finally {
      run.child.kill("SIGKILL");
      await osc.close();
    }
  }, 60_000);

  it("an unreadable input is retried with a back-off, shown in the health, and plays once it is there", async () => {
    const missing = join(dir, "later.wav");
    const config = join(dir, "retry.config.json");
    writeFileSync(config, JSON.stringify({ input: { retryMs: [300, 1200] } }));
    const dashboard = await freePort();
    const run = startCli(["listen", "--config", config, "--input", missing, "--no-models", "--no-face", "--dashboard", `127.0.0.1:${dashboard}`, "--osc-out", `127.0.0.1:${await freePort()}`, "--duration", "8"]);
    await run.waitFor("retrying in");
    const health = async () => (await (await fetch(`http://127.0.0.1:${dashboard}/health`)).json()) as { input: { state: string; errors: number; detail: string } };
    const before = await health();
    expect(before.input.state).toBe("retrying");
    expect(before.input.detail).toMatch(/cannot read .*later\.wav: no such file/);
    await sleep(1000);
    copyFileSync(toneFile("ready.wav", 1), missing);
    let after = await health();
    for (let i = 0; i < 40 && after.input.state === "retrying"; i++) { await sleep(100); after = await health(); }
    expect(["running", "ended"]).toContain(after.input.state);
    expect(after.input.errors).toBeGreaterThanOrEqual(2);
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/no input could be read; retrying in 0\.3 s[\s\S]*retrying in 0\.6 s/);
  });
});

// Machines without a sound card (this project's CI) have only the system's null device.
describe.runIf(!existsSync("/dev/snd"))("the live input with no sound card", () => {
  it("says so in one line and on the dashboard, and goes on (face, OSC) with the silent device", async () => {
    const dashboard = await freePort();
    const run = startCli(["listen", "--no-models", "--no-face", "--dashboard", `127.0.0.1:${dashboard}`, "--osc-out", `127.0.0.1:${await freePort()}`, "--duration", "6"]);
    await run.waitFor("audio input:");
    expect(run.stderr()).toMatch(/audio input: no sound card found, only the system's null device .*which gives silence; play a file with --input FILE/);
    const health = (await (await fetch(`http://127.0.0.1:${dashboard}/health`)).json()) as { input: { kind: string; state: string; detail: string } };
    expect(health.input).toMatchObject({ kind: "device", state: "running", detail: "no sound card: null device (silence)" });
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });
});
