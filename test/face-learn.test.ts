// Calibration and learning from examples: units, then the CLI with a real socket.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE } from "../src/face/action-units.ts";
import { FaceEmotionTracker } from "../src/face/emotion.ts";
import { decodeFacePacket, type FaceGestures } from "../src/face/faceosc.ts";
import { KnnClassifier } from "../src/face/knn.ts";
import { calibrate, loadProfile, ProfileError } from "../src/face/profile.ts";
import { BIN } from "./run-cli.ts";

const osc = createRequire(import.meta.url)("osc") as { writePacket(p: unknown): Uint8Array; timeTag(s: number): unknown };
const dir = mkdtempSync(join(tmpdir(), "moodwire-learn-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bundle(g: Partial<FaceGestures>): Uint8Array {
  const v = { ...DEFAULT_PROFILE.neutral, ...g };
  const f = (value: number) => ({ type: "f", value });
  return osc.writePacket({ timeTag: osc.timeTag(0), packets: [
    { address: "/found", args: [{ type: "i", value: 1 }] },
    ...Object.entries({ "mouth/width": v.mouthWidth, "mouth/height": v.mouthHeight, "eyebrow/left": v.eyebrowLeft, "eyebrow/right": v.eyebrowRight, "eye/left": v.eyeLeft, "eye/right": v.eyeRight, jaw: v.jaw, nostrils: v.nostrils })
      .map(([k, x]) => ({ address: `/gesture/${k}`, args: [f(x)] })),
  ] });
}

const REST = { mouthWidth: 14, eyebrowLeft: 7.2, eyebrowRight: 7.1 }; // this performer's resting face
const BROWS_UP = { ...REST, eyebrowLeft: 8.3, eyebrowRight: 8.2 }; // their "happy": brows up, no smile

describe("calibration and examples", () => {
  it("centres the ranges on the performer's rest, widened to what was seen", () => {
    const p = calibrate([{ ...DEFAULT_PROFILE.neutral, mouthWidth: 13.5 }, { ...DEFAULT_PROFILE.neutral, mouthWidth: 14.5 }]);
    expect(p.neutral.mouthWidth).toBeCloseTo(14, 9);
    expect(p.max.mouthWidth - p.neutral.mouthWidth).toBeCloseTo(DEFAULT_PROFILE.max.mouthWidth - DEFAULT_PROFILE.neutral.mouthWidth, 9);
  });

  it("votes among the k nearest examples", () => {
    const knn = new KnnClassifier([
      ...Array.from({ length: 5 }, () => ({ label: "happy", au: [0.9, 0, 0, 0, 0, 0, 0] })),
      ...Array.from({ length: 5 }, () => ({ label: "neutral", au: [0, 0, 0, 0, 0, 0, 0] })),
    ]);
    expect(knn.scores([0.8, 0, 0, 0, 0, 0, 0])).toEqual({ happy: 1, neutral: 0 });
  });

  it("lets learned examples replace the rules", () => {
    const au = (g: Partial<FaceGestures>) => {
      const t = new FaceEmotionTracker({ profile: calibrate([{ ...DEFAULT_PROFILE.neutral, ...REST }]) });
      t.update(decodeFacePacket(bundle(g)).updates, 0);
      return ["AU1", "AU4", "AU6", "AU12", "AU15", "AU25", "AU26"].map((k) => t.state.au[k as "AU1"]);
    };
    const examples = [...Array(5).fill({ label: "happy", au: au(BROWS_UP) }), ...Array(5).fill({ label: "neutral", au: au(REST) })];
    const profile = calibrate([{ ...DEFAULT_PROFILE.neutral, ...REST }]);
    const rules = new FaceEmotionTracker({ profile });
    const learned = new FaceEmotionTracker({ profile, examples });
    for (const t of [rules, learned]) { t.update(decodeFacePacket(bundle(BROWS_UP)).updates, 0); t.update(decodeFacePacket(bundle(BROWS_UP)).updates, 500); }
    expect(rules.state.emotion).toBe("neutral");
    expect(learned.state.emotion).toBe("happy");
  });

  it("names the file and field of a broken profile", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ neutral: {}, min: {}, max: {} }));
    expect(() => loadProfile(bad)).toThrow(ProfileError);
    expect(() => loadProfile(bad)).toThrow(/bad\.json: neutral\.mouthWidth must be a number/);
    expect(() => loadProfile(join(dir, "none.json"))).toThrow(/no such profile/);
  });
});

describe("moodwire face calibrate / learn / --profile, over UDP", () => {
  async function runWhileSending(args: string[], face: Partial<FaceGestures>, port: number): Promise<{ code: number; out: string; err: string }> {
    const child = spawn(process.execPath, [BIN, ...args]);
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    while (!/recording for|listening for FaceOSC/.test(err)) await sleep(20);
    const sock = createSocket("udp4");
    let done = false;
    void exited.then(() => { done = true; });
    while (!done) {
      sock.send(bundle(face), port, "127.0.0.1");
      await sleep(33);
    }
    sock.close();
    return { code: await exited, out, err };
  }

  it("calibrates, learns a performer's own happy face, and recognises it", async () => {
    const profile = join(dir, "performer.json");
    const port = 19000 + Math.floor(Math.random() * 1000);
    const inArgs = ["--osc-in", `127.0.0.1:${port}`, "--profile", profile];
    let r = await runWhileSending(["face", "calibrate", "--seconds", "0.6", ...inArgs], REST, port);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(profile, "utf8")).neutral.mouthWidth).toBeCloseTo(14, 4);
    r = await runWhileSending(["face", "learn", "--label", "neutral", "--seconds", "0.6", ...inArgs], REST, port);
    expect(r.code, r.err).toBe(0);
    r = await runWhileSending(["face", "learn", "--label", "happy", "--seconds", "0.6", ...inArgs], BROWS_UP, port);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/now: neutral \d+, happy \d+/);
    r = await runWhileSending(["face", "--duration", "0.8", "--osc-out", "127.0.0.1:9", ...inArgs], BROWS_UP, port);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split("\n").map((l) => JSON.parse(l).emotion)).toContain("happy");
  });

  it("says when no face data arrived", async () => {
    const child = spawn(process.execPath, [BIN, "face", "calibrate", "--seconds", "0.3", "--osc-in", "127.0.0.1:19999", "--profile", join(dir, "x.json")]);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    expect(code).toBe(2);
    expect(err).toMatch(/no face data arrived in 0\.3 s: is FaceOSC sending to 127\.0\.0\.1:19999\?/);
  });
});
