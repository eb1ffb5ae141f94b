// Reads an audio file into mono float samples at the file's own sample rate.
// WAV is read by our own reader (src/audio/wav.ts); FLAC, Ogg (Vorbis/Opus) and MP3
// go through node-web-audio-api's decoder, in a context created at the rate read
// from the file's header so nothing is resampled.

import { readFile } from "node:fs/promises";
import { OfflineAudioContext } from "node-web-audio-api";
import { AudioFileError, decodeWav, isWav, type DecodedAudio } from "./wav.ts";

export { AudioFileError, type DecodedAudio } from "./wav.ts";

export const AUDIO_EXTENSIONS = [".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3"];

/** Native sample rate from a FLAC, Ogg or MP3 header; undefined if not recognised. */
export function sniffSampleRate(b: Uint8Array): number | undefined {
  const text = (at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
  if (text(0, 4) === "fLaC" && b.length >= 8 + 18) {
    // STREAMINFO: sample rate is the 20 bits after min/max block and frame sizes.
    const at = 8 + 10;
    return (b[at]! << 12) | (b[at + 1]! << 4) | (b[at + 2]! >> 4);
  }
  if (text(0, 4) === "OggS") {
    const segments = b[26]!;
    const packet = 27 + segments;
    if (text(packet + 1, 6) === "vorbis") return new DataView(b.buffer, b.byteOffset).getUint32(packet + 12, true);
    if (text(packet, 8) === "OpusHead") return 48000;
    return undefined;
  }
  let at = 0;
  if (text(0, 3) === "ID3" && b.length > 10) at = 10 + ((b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!);
  for (const end = Math.min(b.length - 4, at + 65536); at < end; at++) {
    if (b[at] === 0xff && (b[at + 1]! & 0xe0) === 0xe0) {
      const version = (b[at + 1]! >> 3) & 3; // 3: MPEG1, 2: MPEG2, 0: MPEG2.5
      const rateIndex = (b[at + 2]! >> 2) & 3;
      if (version === 1 || rateIndex === 3) continue;
      const base = [44100, 48000, 32000][rateIndex]!;
      return version === 3 ? base : version === 2 ? base / 2 : base / 4;
    }
  }
  return undefined;
}

async function decodeCompressed(bytes: Uint8Array): Promise<DecodedAudio> {
  const sampleRate = sniffSampleRate(bytes);
  if (sampleRate === undefined) throw new AudioFileError("not a recognised audio file (WAV, FLAC, Ogg Vorbis/Opus or MP3)");
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
  let buffer;
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    buffer = await context.decodeAudioData(copy);
  } catch (err) {
    throw new AudioFileError(`cannot decode: ${(err as Error).message.replace(/^Failed to execute 'decodeAudioData': /, "")}`);
  }
  const channels = buffer.numberOfChannels;
  const samples = new Float32Array(buffer.length);
  for (let c = 0; c < channels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < samples.length; i++) samples[i]! += data[i]! / channels;
  }
  return { sampleRate: buffer.sampleRate, channels, samples, format: "compressed" };
}

/** Reads and decodes a file; every failure is an AudioFileError naming the reason. */
export async function readAudioFile(path: string): Promise<DecodedAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : code === "EACCES" ? "permission denied" : (err as Error).message;
    throw new AudioFileError(reason);
  }
  return decodeAudioBytes(bytes);
}

/** Decodes a whole file's bytes (WAV, FLAC, Ogg, MP3), e.g. an entry read from an archive. */
export async function decodeAudioBytes(bytes: Uint8Array): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new AudioFileError("the file is empty");
  return isWav(bytes) ? decodeWav(bytes) : decodeCompressed(bytes);
}
