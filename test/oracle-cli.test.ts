// `moodwire oracle` end to end: features JSON and audio files.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeWav } from "../src/audio/wav.ts";
import { moodwire } from "./run-cli.ts";
import { SHARED_DIR } from "./reference.ts";

const VMO = SHARED_DIR.replace(/\/?$/, "/") + "reference/vmo/";
const dir = mkdtempSync(join(tmpdir(), "moodwire-oracle-"));

describe("moodwire oracle", () => {
  it("prints vmo's oracle for a features JSON", async () => {
    const { code, stdout } = await moodwire(["oracle", VMO + "input_chroma300.json", "--threshold", "0.2", "--dfunc", "cosine", "--patterns", "4"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const ref = (await import(VMO + "oracle_cosine_t0.2.json", { with: { type: "json" } })).default;
    expect(out.sfx).toEqual(ref.sfx);
    expect(out.code).toEqual(ref.code);
    expect(out.patterns).toEqual(ref.find_repeated_patterns_lower4);
    expect(out.ir.cum.total).toBeCloseTo(ref.ir.cum.total, 9);
  });

  it("searches thresholds", async () => {
    const { code, stdout } = await moodwire(["oracle", VMO + "input_chroma300.json", "--find-threshold", "0.05,0.45,0.05", "--dfunc", "euclidean"]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.threshold).toBe(0.4);
    expect(out.tried).toHaveLength(8);
  });

  it("hears the repeats in an audio file (A B C A B C ... as chords)", async () => {
    const sr = 22050, beat = 0.5;
    const chords = [[261.63, 329.63, 392.0], [293.66, 369.99, 440.0], [196.0, 246.94, 293.66]];
    const beats = 18;
    const x = new Float32Array(Math.round(sr * beat * beats));
    for (let i = 0; i < x.length; i++) {
      const chord = chords[Math.floor(i / (sr * beat)) % 3]!;
      x[i] = chord.reduce((s, f) => s + 0.2 * Math.sin((2 * Math.PI * f * i) / sr), 0);
    }
    const wav = join(dir, "abc.wav");
    writeFileSync(wav, encodeWav(x, sr));
    const { code, stdout, stderr } = await moodwire(["oracle", wav, "--features", "chroma", "--threshold", "0.1", "--dfunc", "cosine"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    // Three chords, so a handful of clusters (transitions between chords add a few),
    // and by the end the repeated suffix spans many beats.
    expect(out.num_clusters).toBeGreaterThanOrEqual(3);
    expect(out.num_clusters).toBeLessThan(12);
    expect(Math.max(...out.lrs)).toBeGreaterThan(out.n_states / 2);
    expect(out.patterns.length).toBeGreaterThan(0);
    expect(out.ir.cum.total).toBeGreaterThan(0);
  });

  it("draws the IR curve and the patterns as SVG and PNG", async () => {
    const svgPath = join(dir, "plot.svg"), pngPath = join(dir, "plot.png");
    for (const out of [svgPath, pngPath]) {
      const { code, stderr } = await moodwire(["oracle-plot", VMO + "input_chroma300.json", "--threshold", "0.2", "--out", out]);
      expect(code, stderr).toBe(0);
    }
    const svg = readFileSync(svgPath, "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toMatch(/10 clusters, 21 patterns, total IR 735\.6/);
    const ref = JSON.parse(readFileSync(VMO + "oracle_cosine_t0.2.json", "utf8"));
    const occurrences = (ref.find_repeated_patterns_lower1 as [number[], number][]).reduce((n, p) => n + p[0].length, 0);
    expect((svg.match(/<title>pattern /g) ?? []).length).toBe(occurrences); // one bar per occurrence
    const png = readFileSync(pngPath);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1000); // width from the IHDR chunk
  });

  it.each([
    [["oracle-plot", VMO + "input_chroma300.json", "--threshold", "0.2", "--out", "x.gif"], /--out must name a \.svg or \.png file/],
    [["oracle", "/no/such.json", "--threshold", "0.1"], /no such file/],
    [["oracle", VMO + "input_chroma300.json"], /give --threshold T/],
    [["oracle", VMO + "input_chroma300.json", "--threshold", "0.1", "--dfunc", "manhattan"], /--dfunc must be one of cosine, euclidean/],
    [["oracle", VMO + "input_chroma300.json", "--find-threshold", "0,1"], /START,STOP,STEP/],
  ])("fails with one clear line: %j", async (argv, message) => {
    const { code, stderr } = await moodwire(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a features file with a bad value, naming the frame", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ features: [[1, 2], [3, "x"]] }));
    const { code, stderr } = await moodwire(["oracle", bad, "--threshold", "0.1"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/frame 1 value 1 is "x", not a finite number/);
  });
});
