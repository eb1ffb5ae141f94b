// Pure Data, headless, playing the shipped face simulator (bindings/pd/faceosc-sim.pd:
// oscformat + netsend -u -b, loose messages with /found as a float) into moodwire face.
import { execFileSync, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
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
