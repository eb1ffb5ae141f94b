// The streaming frame analyzer: samples in, one feature row out every `hop`
// samples once `nFft` samples are buffered (frame k covers [k*hop, k*hop + nFft)).
// Everything is allocated in the constructor; push() allocates nothing.

import { RealFft } from "./fft";
import { MelFilterbank, chromaFilterbank, dctMatrix, periodicHann, binFrequency, N_CHROMA } from "./filterbanks";
import { spectralCentroid, spectralFlux, onsetStrength } from "./descriptors";

/** Power floor of the log-mel: 10*log10(1e-10) = -100 dB, as librosa's amin. */
const POWER_FLOOR: f64 = 1e-10;

export class FrameAnalyzer {
  readonly sampleRate: f64;
  readonly nFft: i32;
  readonly hop: i32;
  readonly nMels: i32;
  readonly nMfcc: i32;
  readonly nBins: i32;
  private nBinsPadded: i32;

  // Output row layout, in float32 values.
  readonly offsetLogmel: i32;
  readonly offsetMfcc: i32;
  readonly offsetChroma: i32;
  readonly offsetCentroid: i32;
  readonly offsetRms: i32;
  readonly offsetFlux: i32;
  readonly offsetOnset: i32;
  readonly stride: i32;

  /** Samples are written here by the host, then push(count) consumes them. */
  readonly input: StaticArray<f32>;
  readonly maxBlock: i32;
  /** One row per frame produced by the last push(). */
  readonly output: StaticArray<f32>;
  readonly maxFramesPerPush: i32;

  // Streaming state.
  private ring: StaticArray<f32>;
  private ringMask: i32;
  private writePos: i32 = 0;
  private samplesSeen: i64 = 0;
  private nextFrameEnd: i64;
  framesEmitted: i64 = 0;
  nonFiniteCount: i64 = 0;
  firstNonFiniteIndex: i64 = -1;

  // Per-frame work buffers and tables.
  private fft: RealFft;
  private window: StaticArray<f64>;
  private mel: MelFilterbank;
  private chroma: StaticArray<f32>;
  private dct: StaticArray<f64>;
  private binFreq: StaticArray<f64>;
  private power: StaticArray<f64>;
  private powerF32: StaticArray<f32>;
  private magnitude: StaticArray<f64>;
  private previousMagnitude: StaticArray<f64>;
  private logmel: StaticArray<f64>;
  private previousLogmel: StaticArray<f64>;

  constructor(sampleRate: f64, nFft: i32, hop: i32, nMels: i32, nMfcc: i32, fmin: f64, fmax: f64, maxBlock: i32) {
    const nBins = (nFft >> 1) + 1;
    const nBinsPadded = (nBins + 3) & ~3;
    const offsetChroma = nMels + nMfcc;
    const stride = offsetChroma + N_CHROMA + 4;
    const maxFramesPerPush = maxBlock / hop + 1;

    this.sampleRate = sampleRate;
    this.nFft = nFft;
    this.hop = hop;
    this.nMels = nMels;
    this.nMfcc = nMfcc;
    this.nBins = nBins;
    this.nBinsPadded = nBinsPadded;

    this.offsetLogmel = 0;
    this.offsetMfcc = nMels;
    this.offsetChroma = offsetChroma;
    this.offsetCentroid = offsetChroma + N_CHROMA;
    this.offsetRms = offsetChroma + N_CHROMA + 1;
    this.offsetFlux = offsetChroma + N_CHROMA + 2;
    this.offsetOnset = offsetChroma + N_CHROMA + 3;
    this.stride = stride;

    this.maxBlock = maxBlock;
    this.input = new StaticArray<f32>(maxBlock);
    this.maxFramesPerPush = maxFramesPerPush;
    this.output = new StaticArray<f32>(maxFramesPerPush * stride);

    this.ring = new StaticArray<f32>(nFft);
    this.ringMask = nFft - 1;
    this.nextFrameEnd = nFft;

    const binFreq = new StaticArray<f64>(nBins);
    for (let k = 0; k < nBins; k++) unchecked(binFreq[k] = binFrequency(k, sampleRate, nFft));

    this.fft = new RealFft(nFft);
    this.window = periodicHann(nFft);
    this.mel = new MelFilterbank(sampleRate, nFft, nMels, fmin, fmax);
    this.chroma = chromaFilterbank(sampleRate, nFft, nBinsPadded);
    this.dct = dctMatrix(nMels, nMfcc);
    this.binFreq = binFreq;
    this.power = new StaticArray<f64>(nBins);
    this.powerF32 = new StaticArray<f32>(nBinsPadded);
    this.magnitude = new StaticArray<f64>(nBins);
    this.previousMagnitude = new StaticArray<f64>(nBins);
    this.logmel = new StaticArray<f64>(nMels);
    this.previousLogmel = new StaticArray<f64>(nMels);
  }

  get melFilterbank(): MelFilterbank { return this.mel; }
  get chromaFilterbank(): StaticArray<f32> { return this.chroma; }
  get chromaStride(): i32 { return this.nBinsPadded; }

  /** Forget all buffered audio and history, as if just constructed. */
  reset(): void {
    for (let i = 0; i < this.nFft; i++) unchecked(this.ring[i] = 0);
    for (let k = 0; k < this.nBins; k++) unchecked(this.previousMagnitude[k] = 0);
    this.writePos = 0;
    this.samplesSeen = 0;
    this.nextFrameEnd = this.nFft;
    this.framesEmitted = 0;
    this.nonFiniteCount = 0;
    this.firstNonFiniteIndex = -1;
  }

  /**
   * Consumes input[0..count) and returns how many frames were written to `output`.
   * Non-finite samples (NaN, +-Inf) are replaced by 0 and counted: a live engine must
   * keep going, and one bad sample must not poison every later frame.
   */
  push(count: i32): i32 {
    let consumed = 0;
    let frames = 0;
    while (consumed < count) {
      const untilFrame = <i32>(this.nextFrameEnd - this.samplesSeen);
      const take = min(untilFrame, count - consumed);
      this.writeToRing(consumed, take);
      consumed += take;
      if (this.samplesSeen == this.nextFrameEnd) {
        this.computeFrame(frames);
        frames++;
        this.framesEmitted++;
        this.nextFrameEnd += this.hop;
      }
    }
    return frames;
  }

  private writeToRing(from: i32, count: i32): void {
    let pos = this.writePos;
    const mask = this.ringMask;
    for (let i = 0; i < count; i++) {
      let x = unchecked(this.input[from + i]);
      if (!isFinite<f32>(x)) {
        if (this.firstNonFiniteIndex < 0) this.firstNonFiniteIndex = this.samplesSeen + i;
        this.nonFiniteCount++;
        x = 0;
      }
      unchecked(this.ring[pos] = x);
      pos = (pos + 1) & mask;
    }
    this.writePos = pos;
    this.samplesSeen += count;
  }

  private computeFrame(row: i32): void {
    const out = changetype<usize>(this.output) + ((<usize>(row * this.stride)) << 2);
    const nBins = this.nBins;

    // Window the last nFft samples (oldest first) into the FFT's packed input, and
    // take the RMS of the raw samples on the way.
    const fft = this.fft;
    const half = fft.half;
    const mask = this.ringMask;
    let start = this.writePos; // the oldest sample sits where the next one goes
    let sumSquares: f64 = 0;
    for (let i = 0; i < half; i++) {
      const a = <f64>unchecked(this.ring[(start + 2 * i) & mask]);
      const b = <f64>unchecked(this.ring[(start + 2 * i + 1) & mask]);
      sumSquares += a * a + b * b;
      const j = unchecked(fft.bitrev[i]);
      unchecked(fft.re[j] = a * this.window[2 * i]);
      unchecked(fft.im[j] = b * this.window[2 * i + 1]);
    }
    fft.transform();

    // Power, magnitude, and the float32 power used by the chroma product.
    for (let k = 0; k < nBins; k++) {
      const xr = unchecked(fft.outRe[k]), xi = unchecked(fft.outIm[k]);
      const p = xr * xr + xi * xi;
      unchecked(this.power[k] = p);
      unchecked(this.powerF32[k] = <f32>p);
      unchecked(this.magnitude[k] = Math.sqrt(p));
    }

    this.computeLogmel(out);
    this.computeMfcc(out);
    this.computeChroma(out);

    store<f32>(out + ((<usize>this.offsetCentroid) << 2), <f32>spectralCentroid(this.magnitude, this.binFreq, nBins));
    store<f32>(out + ((<usize>this.offsetRms) << 2), <f32>Math.sqrt(sumSquares / <f64>this.nFft));
    const first = this.framesEmitted == 0;
    store<f32>(out + ((<usize>this.offsetFlux) << 2), first ? 0 : <f32>spectralFlux(this.magnitude, this.previousMagnitude, nBins));
    store<f32>(out + ((<usize>this.offsetOnset) << 2), first ? 0 : <f32>onsetStrength(this.logmel, this.previousLogmel, this.nMels));

    // Keep this frame as the next one's history (swap, no copy).
    const m = this.previousMagnitude; this.previousMagnitude = this.magnitude; this.magnitude = m;
    const l = this.previousLogmel; this.previousLogmel = this.logmel; this.logmel = l;
  }

  private computeLogmel(out: usize): void {
    const mel = this.mel;
    const base = out + ((<usize>this.offsetLogmel) << 2);
    for (let m = 0; m < this.nMels; m++) {
      const s = unchecked(mel.start[m]), o = unchecked(mel.offset[m]), len = unchecked(mel.length[m]);
      let acc: f64 = 0;
      for (let i = 0; i < len; i++) acc += unchecked(mel.weights[o + i]) * unchecked(this.power[s + i]);
      const db = 10.0 * Math.log10(Math.max(POWER_FLOOR, acc));
      unchecked(this.logmel[m] = db);
      store<f32>(base + ((<usize>m) << 2), <f32>db);
    }
  }

  private computeMfcc(out: usize): void {
    const nMels = this.nMels;
    const base = out + ((<usize>this.offsetMfcc) << 2);
    const logmel = changetype<usize>(this.logmel);
    const dct = changetype<usize>(this.dct);
    const pairs = nMels & ~1;
    for (let k = 0; k < this.nMfcc; k++) {
      const row = dct + ((<usize>(k * nMels)) << 3);
      let acc = f64x2.splat(0);
      for (let i = 0; i < pairs; i += 2) {
        const off = (<usize>i) << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(row + off), v128.load(logmel + off)));
      }
      let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (pairs < nMels) sum += load<f64>(row + ((<usize>pairs) << 3)) * load<f64>(logmel + ((<usize>pairs) << 3));
      store<f32>(base + ((<usize>k) << 2), <f32>sum);
    }
  }

  private computeChroma(out: usize): void {
    const base = out + ((<usize>this.offsetChroma) << 2);
    const stride = this.nBinsPadded;
    const power = changetype<usize>(this.powerF32);
    const fb = changetype<usize>(this.chroma);
    let maxValue: f32 = 0;
    for (let c = 0; c < N_CHROMA; c++) {
      const row = fb + ((<usize>(c * stride)) << 2);
      let acc = f32x4.splat(0);
      for (let k = 0; k < stride; k += 4) {
        const off = (<usize>k) << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(row + off), v128.load(power + off)));
      }
      const v = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      store<f32>(base + ((<usize>c) << 2), v);
      if (v > maxValue) maxValue = v;
    }
    // librosa normalizes by the max (norm=inf); a silent frame stays all zeros.
    if (maxValue > 0) {
      const inv: f32 = 1 / maxValue;
      for (let c = 0; c < N_CHROMA; c++) {
        const p = base + ((<usize>c) << 2);
        store<f32>(p, load<f32>(p) * inv);
      }
    }
  }
}
