// The moodwire command line, run as a user runs it (a child process).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeWav } from "../src/audio/wav.ts";
import { referenceCases } from "./reference.ts";
import { BIN, moodwire } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "moodwire-cli-"));

describe("moodwire analyze", () => {
  const c = referenceCases().find((r) => r.name.startsWith("mix"))!;
  const args = [c.wavPath, "--n-fft", String(c.n_fft), "--hop", String(c.hop), "--n-mels", String(c.n_mels), "--n-mfcc", String(c.n_mfcc)];

  it.each(["kernel", "worklet"])("matches librosa through the %s engine", async (engine) => {
    const { code, stdout, stderr } = await moodwire(["analyze", ...args, "--features", "logmel,mfcc,chroma,centroid,rms", "--engine", engine]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect([out.sr, out.n_fft, out.hop, out.frames]).toEqual([c.sr, c.n_fft, c.hop, c.frames]);
    const maxErr = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, k) => row.map((v, i) => Math.abs(v - b[k]![i]!))));
    expect(maxErr(out.logmel, c.logmel)).toBeLessThan(1e-3);
    expect(maxErr(out.chroma, c.chroma)).toBeLessThan(1e-4);
    expect(maxErr(out.mfcc, c.mfcc)).toBeLessThan(1e-3 + 1e-5 * 1100);
    expect(maxErr([out.rms], [c.rms])).toBeLessThan(2e-6);
    expect(maxErr([out.spectral_centroid_hz], [c.spectral_centroid_hz])).toBeLessThan(1e-4 * 12000);
  });

  it.each(["kernel", "worklet"])("warns about NaN samples (replaced by 0) through the %s engine", async (engine) => {
    const x = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i / 5));
    x[1000] = NaN; x[3000] = NaN;
    const path = join(dir, "nan.wav");
    writeFileSync(path, encodeWav(x, 16000));
    const { code, stderr } = await moodwire(["analyze", path, "--n-fft", "512", "--hop", "256", "--features", "rms", "--engine", engine]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/nan\.wav: 2 non-finite samples replaced by 0 \(first at sample 1000\)/);
  });

  it("prints only the requested features", async () => {
    const { stdout } = await moodwire(["analyze", ...args, "--features", "rms,onset"]);
    expect(Object.keys(JSON.parse(stdout)).filter((k) => Array.isArray(JSON.parse(stdout)[k]))).toEqual(["rms", "onset_strength"]);
    const pitch = JSON.parse((await moodwire(["analyze", ...args, "--features", "pitchclass,semitones"])).stdout);
    expect(pitch.pitch_class[0]).toHaveLength(12);
    expect(pitch.semitones[0]).toHaveLength(61);
  });

  it("writes CSV with a header and one row per frame", async () => {
    const { code, stdout } = await moodwire(["analyze", ...args, "--features", "chroma,rms", "--format", "csv"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe(["frame", "time_s", ...Array.from({ length: 12 }, (_, i) => `chroma_${i}`), "rms"].join(","));
    expect(lines.length).toBe(c.frames + 1);
    expect(Number(lines[1]!.split(",").at(-1))).toBeCloseTo(c.rms[0]!, 5);
  });

  it("analyses a folder into --out, reports unreadable files at the end and exits 1", async () => {
    const input = join(dir, "set");
    mkdirSync(join(input, "sub"), { recursive: true });
    const tone = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 10));
    writeFileSync(join(input, "a.wav"), encodeWav(tone, 8000));
    writeFileSync(join(input, "sub", "b.wav"), encodeWav(tone, 8000, { float: false, bits: 24 }));
    writeFileSync(join(input, "broken.wav"), "RIFF....WAVEjunk");
    writeFileSync(join(input, "readme.txt"), "not audio, not picked up");
    const out = join(dir, "features");
    const { code, stderr } = await moodwire(["analyze", input, "--out", out, "--n-fft", "512", "--hop", "256", "--features", "rms"]);
    expect(code).toBe(1);
    expect(existsSync(join(out, "a.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "sub", "b.json"), "utf8")).frames).toBe(30);
    expect(stderr).toMatch(/analysed 2 of 3 files/);
    expect(stderr).toMatch(/failed: .*broken\.wav: no fmt chunk/);
  });

  it.each([
    [["analyze", "/no/such/file.wav"], /^moodwire: \/no\/such\/file\.wav: no such file\n$/],
    [["analyze", BIN], /^moodwire: .*moodwire\.js: not a recognised audio file/],
    [["analyze", "x.wav", "--hop", "abc"], /^moodwire: --hop needs a number, got "abc"\n$/],
    [["analyze", "x.wav", "--features", "loudness"], /unknown feature "loudness"/],
    [["analyze", "x.wav", "--bogus"], /Unknown option '--bogus'/],
    [["analyze"], /needs exactly one FILE or FOLDER/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["corpus", "sed", "--out", "/tmp/never-written", "--new-class", "tambourine", "--new-class-split", "take"], /^moodwire: --new-class-split must be source or recording, not "take"\n$/],
    [["corpus", "sed", "--out", "/tmp/never-written", "--new-class", "tambourine", "--negatives", "tambourine"], /^moodwire: negative clips must be of a base class \(.*\), not "tambourine"\n$/],
    [["train", "sed", "--corpus", "/tmp/never-read", "--out", "/tmp/never-written", "--view", "mel"], /^moodwire: --view must be one of raw, centred, got "mel"\n$/],
    [["train", "sed", "--corpus", "/tmp/never-read", "--out", "/tmp/never-written", "--pooling", "avg"], /^moodwire: --pooling must be one of flatten, time, got "avg"\n$/],
  ])("fails with one clear line and exit 2: %j", async (argv, message) => {
    const { code, stderr, stdout } = await moodwire(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a bad configuration for the file with a clear line", async () => {
    const { code, stderr } = await moodwire(["analyze", c.wavPath, "--n-fft", "1000"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/mix_48000_1024_256_40\.wav: n_fft must be a power of two, got 1000/);
  });

  it("has --help on every subcommand and at the top", async () => {
    const top = await moodwire(["--help"]);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^  (\w[\w-]*) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toContain("analyze");
    for (const name of commands) {
      const { code, stdout } = await moodwire([name, "--help"]);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: moodwire ${name}`));
    }
  });
});
