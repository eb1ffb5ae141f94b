// Pure Data, headless: the shipped face simulator (bindings/pd/faceosc-sim.pd: oscformat +
// netsend -u -b, loose messages with /found as a float) into moodwire face and moodwire listen,
// and the shipped abstraction (bindings/pd/moodwire-receive.pd) receiving the engine's OSC.
import { execFileSync, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav } from "../src/audio/wav.ts";
import { freePort, startCli } from "./net.ts";
import { BIN } from "./run-cli.ts";

const hasPd = (() => { try { execFileSync("which", ["pd"]); return true; } catch { return false; } })();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(hasPd)("the Pd face simulator against moodwire face", () => {
  it("plays neutral, happy and sad faces that moodwire recognises", async () => {
    const port = 21000 + Math.floor(Math.random() * 1000);
    const face = spawn(process.execPath, [BIN, "face", "--osc-in", `127.0.0.1:${port}`, "--osc-out", "127.0.0.1:9", "--duration", "6"]);
    let out = "", err = "";
    face.stdout.on("data", (d) => (out += d));
    face.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number>((r) => face.on("exit", (c) => r(c ?? -1)));
    while (!err.includes("listening for FaceOSC")) await sleep(20);
    for (const preset of ["neutral", "happy", "sad"]) {
      const pd = spawn("pd", ["-nogui", "-noaudio", "-nomidi", "-open", "bindings/pd/faceosc-sim.pd", "-send", `faceosc-port ${port}; faceosc-preset ${preset}`]);
      let pdErr = "";
      pd.stderr.on("data", (d) => (pdErr += d));
      await sleep(1200);
      pd.kill();
      expect(pdErr).not.toMatch(/error/i);
    }
    expect(await exited).toBe(0);
    const emotions = out.trim().split("\n").map((l) => JSON.parse(l).emotion);
    expect(emotions.slice(0, 3)).toEqual(["neutral", "happy", "sad"]);
    expect(err).toMatch(/stopped: (\d+) packets, \1 messages, 0 dropped/);
  });
});

describe.runIf(hasPd)("Pure Data against the running engine", () => {
  it("the face simulator drives moodwire listen, and moodwire-receive.pd routes its OSC to outlets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "moodwire-pd-"));
    const sr = 44100, x = new Float32Array(2 * sr).map((_, i) => 0.3 * Math.sin((2 * Math.PI * (i < sr ? 262 : 330) * i) / sr));
    writeFileSync(join(dir, "loop.wav"), encodeWav(x, sr));
    const facePort = await freePort(), oscPort = await freePort();
    // A harness patch using the shipped abstraction: three of its outlets printed.
    writeFileSync(join(dir, "harness.pd"), [
      "#N canvas 0 0 400 300 12;",
      `#X obj 10 10 moodwire-receive ${oscPort};`,
      "#X obj 10 100 print affect;",
      "#X obj 100 100 print sources;",
      "#X obj 200 100 print face;",
      "#X obj 300 100 print music;",
      "#X obj 10 200 print cues;",
      "#X connect 0 0 1 0;", "#X connect 0 1 2 0;", "#X connect 0 7 3 0;", "#X connect 0 2 4 0;", "#X connect 0 10 5 0;", "",
    ].join("\n"));
    const receiver = spawn("pd", ["-nogui", "-noaudio", "-nomidi", "-stderr", "-path", "bindings/pd", "-open", join(dir, "harness.pd")]);
    let printed = "";
    receiver.stderr.on("data", (d) => (printed += d));
    const engine = startCli(["listen", "--input", join(dir, "loop.wav"), "--loop", "--face-in", `127.0.0.1:${facePort}`, "--osc-out", `127.0.0.1:${oscPort}`, "--no-dashboard", "--duration", "7"]);
    await engine.waitFor("listening:");
    const face = spawn("pd", ["-nogui", "-noaudio", "-nomidi", "-open", "bindings/pd/faceosc-sim.pd", "-send", `faceosc-port ${facePort}; faceosc-preset happy`]);
    await sleep(3500);
    face.kill();
    expect(await engine.exited).toBe(0);
    receiver.kill();
    expect(printed).not.toMatch(/error|couldn't create/i);
    expect(printed).toMatch(/face: happy 0\.\d+/);
    expect(printed).toMatch(/music: -?[\d.e-]+ -?[\d.e-]+ Q[1-4] \w+ [\d.e-]+/);
    expect(printed).toMatch(/affect: -?[\d.e-]+ -?[\d.e-]+ Q[1-4] \w+ [\d.e-]+/);
    expect(printed).toMatch(/cues:( -?[\d.e-]+){8}\s/);
    expect(printed).toMatch(/sources: (music face|face music|face)/);
    expect(engine.stderr()).toMatch(/\d+ face packets \(0 dropped\)/);
  });
});
