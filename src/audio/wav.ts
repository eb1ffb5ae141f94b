// A small, strict WAV reader: PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or
// WAVE_FORMAT_EXTENSIBLE, any channel count (mixed to mono by averaging). Every
// problem becomes an AudioFileError with a sentence a person can act on.

export class AudioFileError extends Error {
  override name = "AudioFileError";
}

export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  /** Mono samples (channels averaged), float32 in [-1, 1] for integer formats. */
  samples: Float32Array;
  /** Source description, e.g. "wav pcm 16-bit". */
  format: string;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === "RIFF" && ascii(bytes, 8) === "WAVE";
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function readFmt(view: DataView, at: number, size: number): FmtChunk {
  if (size < 16) throw new AudioFileError(`fmt chunk is ${size} bytes, expected at least 16`);
  let formatTag = view.getUint16(at, true);
  const fmt = {
    channels: view.getUint16(at + 2, true),
    sampleRate: view.getUint32(at + 4, true),
    blockAlign: view.getUint16(at + 12, true),
    bitsPerSample: view.getUint16(at + 14, true),
  };
  if (formatTag === EXTENSIBLE) {
    if (size < 40) throw new AudioFileError("WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
    formatTag = view.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  return { formatTag, ...fmt };
}

/** Decodes a WAV file's bytes; throws AudioFileError on anything it cannot read. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  if (!isWav(bytes)) throw new AudioFileError("not a WAV file (no RIFF/WAVE header)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: FmtChunk | undefined;
  let data: { at: number; size: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (body + size > bytes.length) throw new AudioFileError("truncated: the fmt chunk runs past the end of the file");
      fmt = readFmt(view, body, size);
    } else if (id === "data") {
      const available = bytes.length - body;
      if (size > available) {
        throw new AudioFileError(`truncated: the data chunk declares ${size} bytes but only ${available} are present`);
      }
      data = { at: body, size };
      break;
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw new AudioFileError("no fmt chunk: cannot tell the sample format");
  if (!data) throw new AudioFileError("no data chunk: the file holds no audio");
  const { formatTag, channels, sampleRate, bitsPerSample } = fmt;
  if (channels < 1) throw new AudioFileError("the fmt chunk declares 0 channels");
  if (sampleRate < 1) throw new AudioFileError("the fmt chunk declares a sample rate of 0");
  const read = sampleReader(view, formatTag, bitsPerSample);
  const bytesPerSample = bitsPerSample / 8;
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(data.size / frameBytes);
  const samples = new Float32Array(frames);
  const scale = 1 / channels;
  for (let i = 0, at = data.at; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += bytesPerSample) sum += read(at);
    samples[i] = channels === 1 ? sum : sum * scale;
  }
  const kind = formatTag === IEEE_FLOAT ? "float" : "pcm";
  return { sampleRate, channels, samples, format: `wav ${kind} ${bitsPerSample}-bit` };
}

function sampleReader(view: DataView, formatTag: number, bits: number): (at: number) => number {
  if (formatTag === IEEE_FLOAT) {
    if (bits === 32) return (at) => view.getFloat32(at, true);
    if (bits === 64) return (at) => view.getFloat64(at, true);
  } else if (formatTag === PCM) {
    if (bits === 8) return (at) => (view.getUint8(at) - 128) / 128;
    if (bits === 16) return (at) => view.getInt16(at, true) / 32768;
    if (bits === 24) return (at) => ((view.getInt8(at + 2) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at)) / 8388608;
    if (bits === 32) return (at) => view.getInt32(at, true) / 2147483648;
  } else {
    throw new AudioFileError(`unsupported WAV format tag ${formatTag} (only PCM and IEEE float are read)`);
  }
  throw new AudioFileError(`unsupported ${formatTag === PCM ? "PCM" : "float"} sample size of ${bits} bits`);
}

/** Encodes mono or interleaved float samples as a WAV (used by tests and corpus tools). */
export function encodeWav(samples: Float32Array, sampleRate: number, options: { bits?: 16 | 24 | 32; float?: boolean; channels?: number } = {}): Uint8Array {
  const channels = options.channels ?? 1;
  const float = options.float ?? true;
  const bits = float ? 32 : (options.bits ?? 16);
  const bytesPerSample = bits / 8;
  const dataSize = samples.length * bytesPerSample;
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => { for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i); };
  text(0, "RIFF"); view.setUint32(4, 36 + dataSize, true); text(8, "WAVE");
  text(12, "fmt "); view.setUint32(16, 16, true);
  view.setUint16(20, float ? IEEE_FLOAT : PCM, true); view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true); view.setUint32(28, sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true); view.setUint16(34, bits, true);
  text(36, "data"); view.setUint32(40, dataSize, true);
  for (let i = 0, at = 44; i < samples.length; i++, at += bytesPerSample) {
    const x = samples[i]!;
    if (float) view.setFloat32(at, x, true);
    else {
      const full = 2 ** (bits - 1);
      const q = Math.max(-full, Math.min(full - 1, Math.round(x * full)));
      if (bits === 16) view.setInt16(at, q, true);
      else if (bits === 32) view.setInt32(at, q, true);
      else { view.setUint8(at, q & 0xff); view.setUint8(at + 1, (q >> 8) & 0xff); view.setInt8(at + 2, q >> 16); }
    }
  }
  return bytes;
}
