// `moodwire face` end to end with real peers: liblo's oscsend plays a face,
// liblo's oscdump receives moodwire's OSC, and the MIDI file is read back with
// the midi-file package.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE } from "../src/face/action-units.ts";
import type { FaceGestures } from "../src/face/faceosc.ts";
import { BIN } from "./run-cli.ts";
import { freePort } from "./net.ts";

const { parseMidi } = createRequire(import.meta.url)("midi-file") as { parseMidi(data: Uint8Array): { tracks: { type: string; programNumber?: number; controllerType?: number }[][] } };
const dir = mkdtempSync(join(tmpdir(), "moodwire-face-"));
const has = (cmd: string) => { try { execFileSync("which", [cmd]); return true; } catch { return false; } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function start(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; ready: Promise<void>; exited: Promise<number> } {
  const child = spawn(process.execPath, [BIN, ...args]);
  let out = "", err = "";
  child.stdout!.on("data", (d) => (out += d));
  const ready = new Promise<void>((resolve) => child.stderr!.on("data", (d) => { err += d; if (err.includes("listening for FaceOSC")) resolve(); }));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, stdout: () => out, stderr: () => err, ready, exited };
}

/** Plays a face with oscsend: every gesture, then /found twice 250 ms apart (the state must hold 150 ms). */
async function playFace(port: number, g: Partial<FaceGestures>) {
  const v = { ...DEFAULT_PROFILE.neutral, ...g };
  for (const [address, value] of [["/gesture/mouth/width", v.mouthWidth], ["/gesture/mouth/height", v.mouthHeight], ["/gesture/eyebrow/left", v.eyebrowLeft], ["/gesture/eyebrow/right", v.eyebrowRight], ["/gesture/eye/left", v.eyeLeft], ["/gesture/eye/right", v.eyeRight]] as const) {
    execFileSync("oscsend", ["127.0.0.1", String(port), address, "f", String(value)]);
  }
  execFileSync("oscsend", ["127.0.0.1", String(port), "/found", "i", "1"]);
  await sleep(250);
  execFileSync("oscsend", ["127.0.0.1", String(port), "/found", "i", "1"]);
  await sleep(150);
}

const HAPPY = { mouthWidth: 18.23, mouthHeight: 2.38, eyeLeft: 2.66, eyeRight: 2.66 };
const SAD = { mouthWidth: 8.5, mouthHeight: 1.0, eyebrowLeft: 6.9, eyebrowRight: 6.8 };

describe.runIf(has("oscsend") && has("oscdump"))("moodwire face with liblo's oscsend and oscdump", () => {
  it("turns neutral -> happy -> sad into /moodwire/face/state messages and program changes in the MIDI file", async () => {
    const inPort = await freePort(), outPort = await freePort();
    const dump = spawn("oscdump", ["-L", String(outPort)]); // -L: line-buffered into the pipe
    let dumped = "";
    dump.stdout.on("data", (d) => (dumped += d));
    await sleep(300);
    const midiPath = join(dir, "face.mid");
    const run = start(["face", "--osc-in", `127.0.0.1:${inPort}`, "--osc-out", `127.0.0.1:${outPort}`, "--midi-file", midiPath, "--duration", "4"]);
    await run.ready;
    await playFace(inPort, {});
    await playFace(inPort, HAPPY);
    await playFace(inPort, SAD);
    expect(await run.exited).toBe(0);
    dump.kill();

    const emotions = run.stdout().trim().split("\n").map((l) => JSON.parse(l).emotion);
    // After the last frame the face goes quiet, and is reported lost 0.5 s later.
    expect(emotions).toEqual(["neutral", "happy", "sad", "none"]);
    expect(dumped).toMatch(/\/moodwire\/face\/state sf "happy" 0\.\d+/);
    expect(dumped).toMatch(/\/moodwire\/face\/state sf "sad" 0\.\d+/);
    expect(dumped).toMatch(/\/moodwire\/face\/au fffffff /);
    expect(dumped).toMatch(/\/moodwire\/face\/found i 1/);

    const events = parseMidi(readFileSync(midiPath)).tracks[0]!;
    expect(events.filter((e) => e.type === "programChange").map((e) => e.programNumber)).toEqual([0, 1, 2]);
    expect(events.at(-2)).toMatchObject({ type: "controller", controllerType: 123 }); // All Notes Off on exit
    expect(events.at(-1)!.type).toBe("endOfTrack");
  });

  it("flushes a valid MIDI file and exits cleanly on SIGTERM", async () => {
    const inPort = await freePort();
    const midiPath = join(dir, "term.mid");
    const run = start(["face", "--osc-in", `127.0.0.1:${inPort}`, "--osc-out", `127.0.0.1:${await freePort()}`, "--midi-file", midiPath]);
    await run.ready;
    await playFace(inPort, HAPPY);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const events = parseMidi(readFileSync(midiPath)).tracks[0]!;
    expect(events.filter((e) => e.type === "programChange").map((e) => e.programNumber)).toEqual([1]);
  });
});

describe("moodwire face without a MIDI system", () => {
  it("says in one sentence why the MIDI port cannot open, and goes on with its other outputs", async () => {
    const run = start(["face", "--osc-in", `127.0.0.1:${await freePort()}`, "--midi-out", "moodwire", "--duration", "0.5"]);
    expect(await run.exited).toBe(0);
    const line = run.stderr().split("\n").find((l) => l.startsWith("moodwire: cannot open MIDI port"));
    // Where a MIDI system exists (not this machine), the port simply opens.
    if (line) expect(line).toMatch(/load the ALSA sequencer \(sudo modprobe snd-seq\), or use OSC out or --midi-file FILE instead\. Going on without it\./);
    expect(run.stderr()).toMatch(/listening for FaceOSC/);
  });

  it.each([["--osc-in", "nonsense"], ["--osc-out", "host:99999"], ["--duration", "-1"], ["--duration=-1", undefined]])("rejects %s %s with one clear line", async (flag, value) => {
    const run = start(["face", flag, ...(value === undefined ? [] : [value])]);
    expect(await run.exited).toBe(2);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  });
});
