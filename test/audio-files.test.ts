// Reading audio files: our WAV reader for every sample format, and FLAC/Ogg through
// node-web-audio-api's decoder (fixtures made with sox, a real peer).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AudioFileError, readAudioFile, sniffSampleRate } from "../src/audio/decode.ts";
import { decodeWav, encodeWav } from "../src/audio/wav.ts";

const dir = mkdtempSync(join(tmpdir(), "moodwire-audio-"));
const sine = (n: number, sr: number, f = 440) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / sr));
const hasSox = (() => { try { execFileSync("sox", ["--version"]); return true; } catch { return false; } })();

describe("WAV reader", () => {
  const x = sine(1000, 8000);
  it.each([
    [{ float: true }, 0],
    [{ float: false, bits: 16 as const }, 1 / 32768],
    [{ float: false, bits: 24 as const }, 1 / 8388608],
    [{ float: false, bits: 32 as const }, 1e-7],
  ])("reads %o", (format, tolerance) => {
    const decoded = decodeWav(encodeWav(x, 8000, format));
    expect(decoded.sampleRate).toBe(8000);
    expect(decoded.samples.length).toBe(x.length);
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(decoded.samples[i]! - x[i]!));
    expect(err).toBeLessThanOrEqual(tolerance + 1e-9);
  });

  it("mixes channels to mono by averaging", () => {
    const interleaved = Float32Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.5 : -0.25));
    const decoded = decodeWav(encodeWav(interleaved, 16000, { channels: 2 }));
    expect(decoded.channels).toBe(2);
    expect(decoded.samples.length).toBe(100);
    expect(decoded.samples.every((v) => Math.abs(v - 0.125) < 1e-7)).toBe(true);
  });

  it("names what is wrong with truncated, foreign or empty files", async () => {
    const wav = encodeWav(x, 8000);
    expect(() => decodeWav(wav.subarray(0, 200))).toThrow(/truncated: the data chunk declares 4000 bytes but only 156 are present/);
    expect(() => decodeWav(new TextEncoder().encode("hello world, not audio"))).toThrow(/not a WAV file/);
    const empty = join(dir, "empty.wav");
    writeFileSync(empty, "");
    await expect(readAudioFile(empty)).rejects.toThrow(/the file is empty/);
    await expect(readAudioFile(join(dir, "missing.wav"))).rejects.toThrow(AudioFileError);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "just some text that is long enough to look at");
    await expect(readAudioFile(text)).rejects.toThrow(/not a recognised audio file/);
  });
});

describe.runIf(hasSox)("compressed files through node-web-audio-api's decoder", () => {
  const wavPath = join(dir, "tone.wav");
  writeFileSync(wavPath, encodeWav(sine(22050, 22050, 1000), 22050, { float: false, bits: 16 }));

  it.each(["flac", "ogg"])("reads %s at the file's own sample rate", async (ext) => {
    const path = join(dir, `tone.${ext}`);
    execFileSync("sox", [wavPath, path]);
    const audio = await readAudioFile(path);
    expect(audio.sampleRate).toBe(22050);
    expect(Math.abs(audio.samples.length - 22050)).toBeLessThan(2048);
    const peak = audio.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(0.4);
    expect(peak).toBeLessThan(0.6);
  });

  it("sniffs the rate from FLAC and Ogg Vorbis headers", () => {
    execFileSync("sox", [wavPath, "-r", "32000", join(dir, "r.flac")]);
    execFileSync("sox", [wavPath, "-r", "32000", join(dir, "r.ogg")]);
    expect(sniffSampleRate(readFileSync(join(dir, "r.flac")))).toBe(32000);
    expect(sniffSampleRate(readFileSync(join(dir, "r.ogg")))).toBe(32000);
  });

  it("reports a corrupt compressed file as an AudioFileError", async () => {
    const bad = join(dir, "bad.flac");
    writeFileSync(bad, Buffer.concat([Buffer.from("fLaC"), Buffer.alloc(60, 7)]));
    await expect(readAudioFile(bad)).rejects.toThrow(AudioFileError);
  });
});
