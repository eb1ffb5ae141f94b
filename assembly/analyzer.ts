// The streaming frame analyzer: samples in, one feature row out every `hop`
// samples once `nFft` samples are buffered (frame k covers [k*hop, k*hop + nFft)).
// Everything is allocated in the constructor; push() allocates nothing.

import { RealFft } from "./fft";
import { MelFilterbank, chromaFilterbank, dctMatrix, periodicHann, binFrequency, N_CHROMA } from "./filterbanks";
import { onsetStrength } from "./descriptors";
import { log10x2 } from "./fastlog";

/** Power floor of the log-mel: 10*log10(1e-10) = -100 dB, as librosa's amin. */
const POWER_FLOOR: f64 = 1e-10;

/**
 * The semitone profile: C2 (MIDI 36) to C7 (96), those below Nyquist. Below C2 even an
 * 8192-point frame at 16 kHz cannot tell neighbouring semitones apart. The pitch-class
 * profile folds its first part, C2 to C6 (84): above C6 the overtones of lower notes
 * outweigh the notes themselves.
 */
const PITCH_LOW: i32 = 36;
const PITCH_HIGH: i32 = 96;
const PITCH_CLASS_HIGH: i32 = 84;
export const N_SEMITONES: i32 = PITCH_HIGH - PITCH_LOW + 1;
/** Each semitone's peak is sought within +-2.9% (half a semitone) of its frequency. */
const PITCH_TOLERANCE: f64 = 0.029;

/** Per-frame sums from the spectral pass (one instance, reused). */
class SpectralSums {
  centroid: f64 = 0;
  flux: f64 = 0;
}

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
  readonly offsetPitchClass: i32;
  readonly offsetSemitones: i32;
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
  nonFiniteCount: i64 = 0;
  firstNonFiniteIndex: i64 = -1;

  // Per-frame work buffers and tables.
  private fft: RealFft;
  private windowEven: StaticArray<f64>;
  private windowOdd: StaticArray<f64>;
  private mel: MelFilterbank;
  private chroma: StaticArray<f32>;
  private dct: StaticArray<f32>;
  private dctStride: i32;
  private binFreq: StaticArray<f64>;
  private power: StaticArray<f64>;
  private powerF32: StaticArray<f32>;
  private magnitude: StaticArray<f64>;
  private previousMagnitude: StaticArray<f64>;
  private logmel: StaticArray<f64>;
  private previousLogmel: StaticArray<f64>;
  private sums: SpectralSums;
  private pitchFirstBin: StaticArray<i32>;
  private pitchLastBin: StaticArray<i32>;
  private pitchCount: i32;

  constructor(sampleRate: f64, nFft: i32, hop: i32, nMels: i32, nMfcc: i32, fmin: f64, fmax: f64, maxBlock: i32) {
    const nBins = (nFft >> 1) + 1;
    const nBinsPadded = (nBins + 3) & ~3;
    const offsetChroma = nMels + nMfcc;
    const stride = offsetChroma + N_CHROMA + 4 + N_CHROMA + N_SEMITONES;
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
    this.offsetPitchClass = offsetChroma + N_CHROMA + 4;
    this.offsetSemitones = offsetChroma + N_CHROMA + 4 + N_CHROMA;
    this.stride = stride;

    this.maxBlock = maxBlock;
    this.input = new StaticArray<f32>(maxBlock);
    this.maxFramesPerPush = maxFramesPerPush;
    this.output = new StaticArray<f32>(maxFramesPerPush * stride);

    // Every sample is written twice, at pos and pos + nFft, so the latest frame is
    // always one contiguous run ring[pos .. pos + nFft) and can be read with SIMD.
    this.ring = new StaticArray<f32>(2 * nFft);
    this.ringMask = nFft - 1;
    this.nextFrameEnd = nFft;

    // Per-bin arrays are padded to an even length for the two-at-a-time pass; the
    // padding bins stay 0 (the FFT writes 0 there too), so they add nothing.
    const nBinsEven = (nBins + 1) & ~1;
    const binFreq = new StaticArray<f64>(nBinsEven);
    for (let k = 0; k < nBins; k++) unchecked(binFreq[k] = binFrequency(k, sampleRate, nFft));

    this.fft = new RealFft(nFft);
    const window = periodicHann(nFft);
    const windowEven = new StaticArray<f64>(nFft >> 1), windowOdd = new StaticArray<f64>(nFft >> 1);
    for (let i = 0; i < nFft >> 1; i++) {
      unchecked(windowEven[i] = window[2 * i]);
      unchecked(windowOdd[i] = window[2 * i + 1]);
    }
    this.windowEven = windowEven;
    this.windowOdd = windowOdd;
    this.mel = new MelFilterbank(sampleRate, nFft, nMels, fmin, fmax);
    this.chroma = chromaFilterbank(sampleRate, nFft, nBinsPadded);
    // Float32 DCT rows padded to a multiple of four (see computeMfcc).
    const dctStride = (nMels + 3) & ~3;
    const dct64 = dctMatrix(nMels, nMfcc);
    const dct = new StaticArray<f32>(nMfcc * dctStride);
    for (let k = 0; k < nMfcc; k++) for (let i = 0; i < nMels; i++) unchecked(dct[k * dctStride + i] = <f32>dct64[k * nMels + i]);
    this.dct = dct;
    this.dctStride = dctStride;
    this.binFreq = binFreq;
    this.power = new StaticArray<f64>(nBinsEven);
    this.powerF32 = new StaticArray<f32>(nBinsPadded);
    this.magnitude = new StaticArray<f64>(nBinsEven);
    this.previousMagnitude = new StaticArray<f64>(nBinsEven);
    // Padded to even: the dB pass converts two bands at a time (pad holds the floor).
    const nMelsEven = (nMels + 1) & ~1;
    const logmel = new StaticArray<f64>(nMelsEven), previousLogmel = new StaticArray<f64>(nMelsEven);
    for (let m = nMels; m < nMelsEven; m++) {
      unchecked(logmel[m] = POWER_FLOOR);
      unchecked(previousLogmel[m] = POWER_FLOOR);
    }
    this.logmel = logmel;
    this.previousLogmel = previousLogmel;
    this.sums = new SpectralSums();
    // Semitone -> bin range [first, last] for the semitone and pitch-class profiles.
    const count = N_SEMITONES;
    this.pitchFirstBin = new StaticArray<i32>(count);
    this.pitchLastBin = new StaticArray<i32>(count);
    let used = 0;
    for (let i = 0; i < count; i++) {
      const f0 = 440.0 * Math.pow(2.0, <f64>(PITCH_LOW + i - 69) / 12.0);
      const centre = f0 * <f64>nFft / sampleRate;
      const reach = Math.max(0.5, centre * PITCH_TOLERANCE);
      const last = <i32>Math.ceil(centre + reach);
      if (last >= nBins) break;
      unchecked(this.pitchFirstBin[i] = <i32>Math.floor(centre - reach));
      unchecked(this.pitchLastBin[i] = last);
      used++;
    }
    this.pitchCount = used;
  }

  get melFilterbank(): MelFilterbank { return this.mel; }
  get chromaFilterbank(): StaticArray<f32> { return this.chroma; }
  get chromaStride(): i32 { return this.nBinsPadded; }

  /** Forget all buffered audio and history, as if just constructed. */
  reset(): void {
    for (let i = 0; i < 2 * this.nFft; i++) unchecked(this.ring[i] = 0);
    for (let k = 0; k < this.nBins; k++) unchecked(this.previousMagnitude[k] = 0);
    this.writePos = 0;
    this.samplesSeen = 0;
    this.nextFrameEnd = this.nFft;
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
        this.nextFrameEnd += this.hop;
      }
    }
    return frames;
  }

  private writeToRing(from: i32, count: i32): void {
    let pos = this.writePos;
    const mask = this.ringMask;
    const ring = changetype<usize>(this.ring);
    const mirror = ring + ((<usize>this.nFft) << 2);
    const input = changetype<usize>(this.input) + ((<usize>from) << 2);
    for (let i = 0; i < count; i++) {
      let x = load<f32>(input + ((<usize>i) << 2));
      if (!isFinite<f32>(x)) {
        if (this.firstNonFiniteIndex < 0) this.firstNonFiniteIndex = this.samplesSeen + i;
        this.nonFiniteCount++;
        x = 0;
      }
      const at = (<usize>pos) << 2;
      store<f32>(ring + at, x);
      store<f32>(mirror + at, x);
      pos = (pos + 1) & mask;
    }
    this.writePos = pos;
    this.samplesSeen += count;
  }

  private computeFrame(row: i32): void {
    const out = changetype<usize>(this.output) + ((<usize>(row * this.stride)) << 2);
    const nBins = this.nBins;

    // Window the last nFft samples (oldest first) into the FFT's packed input (even
    // samples to re, odd to im, at bit-reversed positions), four samples per step,
    // taking the RMS of the raw samples on the way.
    const fft = this.fft;
    const half = fft.half;
    const src = changetype<usize>(this.ring) + ((<usize>this.writePos) << 2);
    const winEven = changetype<usize>(this.windowEven), winOdd = changetype<usize>(this.windowOdd);
    const re = changetype<usize>(fft.re), im = changetype<usize>(fft.im);
    const bitrev = changetype<usize>(fft.bitrev);
    let squares = f64x2.splat(0);
    for (let i = 0; i < half; i += 2) {
      const v = v128.load(src + ((<usize>i) << 3)); // samples 2i .. 2i+3
      const even = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 0, 2, 1, 3));
      const odd = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 1, 3, 0, 2));
      squares = f64x2.add(squares, f64x2.add(f64x2.mul(even, even), f64x2.mul(odd, odd)));
      const we = f64x2.mul(even, v128.load(winEven + ((<usize>i) << 3)));
      const wo = f64x2.mul(odd, v128.load(winOdd + ((<usize>i) << 3)));
      const j0 = (<usize>load<i32>(bitrev + ((<usize>i) << 2))) << 3;
      const j1 = (<usize>load<i32>(bitrev + ((<usize>i) << 2), 4)) << 3;
      v128.store64_lane(re + j0, we, 0); v128.store64_lane(re + j1, we, 1);
      v128.store64_lane(im + j0, wo, 0); v128.store64_lane(im + j1, wo, 1);
    }
    const sumSquares = f64x2.extract_lane(squares, 0) + f64x2.extract_lane(squares, 1);
    fft.transform();

    // One pass over the bins, two at a time: power, magnitude, the float32 power for
    // the chroma product, and the sums behind the centroid and the flux.
    const first = this.nextFrameEnd == <i64>this.nFft;
    const spectral = this.spectralPass();

    this.computeLogmel(out);
    this.computeMfcc(out);
    this.computeChroma(out);
    this.computePitchProfiles(out);

    store<f32>(out + ((<usize>this.offsetCentroid) << 2), <f32>spectral.centroid);
    store<f32>(out + ((<usize>this.offsetRms) << 2), <f32>Math.sqrt(sumSquares / <f64>this.nFft));
    store<f32>(out + ((<usize>this.offsetFlux) << 2), first ? 0 : <f32>spectral.flux);
    store<f32>(out + ((<usize>this.offsetOnset) << 2), first ? 0 : <f32>onsetStrength(this.logmel, this.previousLogmel, this.nMels));

    // Keep this frame as the next one's history (swap, no copy).
    const m = this.previousMagnitude; this.previousMagnitude = this.magnitude; this.magnitude = m;
    const l = this.previousLogmel; this.previousLogmel = this.logmel; this.logmel = l;
  }

  /**
   * Power, magnitude and float32 power for every bin, with the spectral centroid and
   * flux sums, in one f64x2 pass (the FFT output arrays are padded to an even length).
   * Same definitions as the single-purpose functions in descriptors.ts, fused here
   * because this loop runs for every bin of every frame.
   */
  private spectralPass(): SpectralSums {
    const fft = this.fft;
    const re = changetype<usize>(fft.outRe), im = changetype<usize>(fft.outIm);
    const power = changetype<usize>(this.power), mag = changetype<usize>(this.magnitude);
    const prev = changetype<usize>(this.previousMagnitude), freq = changetype<usize>(this.binFreq);
    const pf32 = changetype<usize>(this.powerF32);
    const zero = f64x2.splat(0);
    let weighted = zero, total = zero, flux = zero;
    for (let k = 0; k < this.nBins; k += 2) {
      const off = (<usize>k) << 3;
      const xr = v128.load(re + off), xi = v128.load(im + off);
      const p = f64x2.add(f64x2.mul(xr, xr), f64x2.mul(xi, xi));
      const m = f64x2.sqrt(p);
      v128.store(power + off, p);
      v128.store(mag + off, m);
      v128.store64_lane(pf32 + ((<usize>k) << 2), f32x4.demote_f64x2_zero(p), 0);
      weighted = f64x2.add(weighted, f64x2.mul(v128.load(freq + off), m));
      total = f64x2.add(total, m);
      flux = f64x2.add(flux, f64x2.max(zero, f64x2.sub(m, v128.load(prev + off))));
    }
    const sums = this.sums;
    const w = f64x2.extract_lane(weighted, 0) + f64x2.extract_lane(weighted, 1);
    const t = f64x2.extract_lane(total, 0) + f64x2.extract_lane(total, 1);
    sums.centroid = t > 0 ? w / t : 0;
    sums.flux = f64x2.extract_lane(flux, 0) + f64x2.extract_lane(flux, 1);
    return sums;
  }

  private computeLogmel(out: usize): void {
    const mel = this.mel;
    const nMels = this.nMels;
    const logmel = changetype<usize>(this.logmel);
    // Mel power per band (sparse: each band only touches its own bins), floored.
    // Raw pointers hoisted out of the loops: field loads do not get hoisted for us.
    const weights = changetype<usize>(mel.weights), power = changetype<usize>(this.power);
    const starts = changetype<usize>(mel.start), offsets = changetype<usize>(mel.offset), lengths = changetype<usize>(mel.length);
    for (let m = 0; m < nMels; m++) {
      const mi = (<usize>m) << 2;
      const w = weights + ((<usize>load<i32>(offsets + mi)) << 3);
      const p = power + ((<usize>load<i32>(starts + mi)) << 3);
      const len = load<i32>(lengths + mi);
      let pair = f64x2.splat(0);
      let i = 0;
      for (; i + 1 < len; i += 2) {
        const off = (<usize>i) << 3;
        pair = f64x2.add(pair, f64x2.mul(v128.load(w + off), v128.load(p + off)));
      }
      let acc = f64x2.extract_lane(pair, 0) + f64x2.extract_lane(pair, 1);
      if (i < len) acc += load<f64>(w + ((<usize>i) << 3)) * load<f64>(p + ((<usize>i) << 3));
      store<f64>(logmel + ((<usize>m) << 3), Math.max(POWER_FLOOR, acc));
    }
    // Then dB, two bands at a time (the array is padded to an even length).
    const base = out + ((<usize>this.offsetLogmel) << 2);
    const ten = f64x2.splat(10.0);
    for (let m = 0; m < nMels; m += 2) {
      const p = logmel + ((<usize>m) << 3);
      const db = f64x2.mul(ten, log10x2(v128.load(p)));
      v128.store(p, db);
      store<f32>(base + ((<usize>m) << 2), <f32>f64x2.extract_lane(db, 0));
      if (m + 1 < nMels) store<f32>(base + ((<usize>(m + 1)) << 2), <f32>f64x2.extract_lane(db, 1));
    }
  }

  /**
   * MFCC = DCT-II of the log-mel, in float32 four bands at a time, reading the float32
   * log-mel this row already holds (float32 rounding is ~1e-4 against MFCC's
   * 1e-3 + 1e-5*|v| allowance). The DCT rows are zero-padded to a multiple of four,
   * so the few values read past the log-mel (this row's MFCC slots, always finite)
   * are multiplied by zero.
   */
  private computeMfcc(out: usize): void {
    const base = out + ((<usize>this.offsetMfcc) << 2);
    const logmel = out + ((<usize>this.offsetLogmel) << 2);
    const dct = changetype<usize>(this.dct);
    const stride = this.dctStride;
    for (let k = 0; k < this.nMfcc; k++) {
      const row = dct + ((<usize>(k * stride)) << 2);
      let acc = f32x4.splat(0);
      for (let i = 0; i < stride; i += 4) {
        const off = (<usize>i) << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(row + off), v128.load(logmel + off)));
      }
      store<f32>(base + ((<usize>k) << 2), horizontalSum(acc));
    }
  }

  private computeChroma(out: usize): void {
    const base = out + ((<usize>this.offsetChroma) << 2);
    const stride = this.nBinsPadded;
    const power = changetype<usize>(this.powerF32);
    const fb = changetype<usize>(this.chroma);
    // Four chroma rows per pass over the spectrum, so each power load serves four.
    let maxValue: f32 = 0;
    const rowBytes = (<usize>stride) << 2;
    for (let c = 0; c < N_CHROMA; c += 4) {
      const row0 = fb + (<usize>c) * rowBytes;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let k = 0; k < stride; k += 4) {
        const off = (<usize>k) << 2;
        const p = v128.load(power + off);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(row0 + off), p));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(row0 + rowBytes + off), p));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(row0 + 2 * rowBytes + off), p));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(row0 + 3 * rowBytes + off), p));
      }
      const v0 = horizontalSum(a0), v1 = horizontalSum(a1), v2 = horizontalSum(a2), v3 = horizontalSum(a3);
      const o = base + ((<usize>c) << 2);
      store<f32>(o, v0); store<f32>(o + 4, v1); store<f32>(o + 8, v2); store<f32>(o + 12, v3);
      maxValue = max(maxValue, max(max(v0, v1), max(v2, v3)));
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

  /**
   * The semitone and pitch-class profiles. For each semitone from C2 to C7 the strongest
   * spectral peak (a bin no lower than its neighbours) within half a semitone of it,
   * compressed (square root of the magnitude): that is the
   * semitone profile, normalised by its largest value. The pitch-class profile sums those of
   * C2 to C6 per pitch class and is normalised by its largest class. A silent frame leaves
   * both all zeros; semitones above Nyquist stay 0. Unlike librosa's chroma, whose filters
   * spread every bin over neighbouring classes, a semitone counts only where the spectrum
   * peaks on it, so with a long frame (8192 points at 16 kHz) the notes of a chord in the
   * bass register are told apart, and the semitone profile keeps the octave: where the
   * melody sits (register) and whether two notes a semitone apart sound together (a
   * cluster). The emotion front end reads mode, register and dissonance from them.
   * moodwire's own descriptors: librosa has no equivalent.
   */
  private computePitchProfiles(out: usize): void {
    const classes = out + ((<usize>this.offsetPitchClass) << 2);
    const semitones = out + ((<usize>this.offsetSemitones) << 2);
    for (let c = 0; c < N_CHROMA; c++) store<f32>(classes + ((<usize>c) << 2), 0);
    for (let i = 0; i < N_SEMITONES; i++) store<f32>(semitones + ((<usize>i) << 2), 0);
    const firsts = changetype<usize>(this.pitchFirstBin), lasts = changetype<usize>(this.pitchLastBin);
    const classCount = min(this.pitchCount, PITCH_CLASS_HIGH - PITCH_LOW + 1);
    let pitchClass = PITCH_LOW % N_CHROMA;
    let maxSemitone: f32 = 0;
    for (let i = 0; i < this.pitchCount; i++) {
      const first = load<i32>(firsts + ((<usize>i) << 2)), last = load<i32>(lasts + ((<usize>i) << 2));
      const value = <f32>Math.sqrt(this.localPeak(first, last));
      store<f32>(semitones + ((<usize>i) << 2), value);
      maxSemitone = max(maxSemitone, value);
      if (i < classCount) {
        const p = classes + ((<usize>pitchClass) << 2);
        store<f32>(p, load<f32>(p) + value);
      }
      pitchClass = pitchClass == N_CHROMA - 1 ? 0 : pitchClass + 1;
    }
    normaliseByMax(semitones, N_SEMITONES, maxSemitone);
    let maxClass: f32 = 0;
    for (let c = 0; c < N_CHROMA; c++) maxClass = max(maxClass, load<f32>(classes + ((<usize>c) << 2)));
    normaliseByMax(classes, N_CHROMA, maxClass);
  }

  /**
   * The largest local maximum of the magnitude in bins [first, last], 0 if none. Only peaks
   * count: in the bass a semitone is 4 bins wide at 8192 points, and the flank of a
   * neighbouring note's main lobe reaches into its half-semitone range.
   */
  private localPeak(first: i32, last: i32): f64 {
    const mag = changetype<usize>(this.magnitude);
    const top = this.nBins - 1;
    let peak: f64 = 0;
    // One load per bin: the window of three neighbours slides along the range.
    let below: f64 = first > 0 ? load<f64>(mag + ((<usize>(first - 1)) << 3)) : 0;
    let m = load<f64>(mag + ((<usize>first) << 3));
    for (let k = first; k <= last; k++) {
      const above: f64 = k < top ? load<f64>(mag + ((<usize>(k + 1)) << 3)) : 0;
      if (m >= below && m >= above) peak = Math.max(peak, m);
      below = m;
      m = above;
    }
    return peak;
  }
}

/** Divides count float32 values at p by largest (left as they are if it is 0: silence). */
function normaliseByMax(p: usize, count: i32, largest: f32): void {
  if (largest <= 0) return;
  const inv: f32 = 1 / largest;
  for (let i = 0; i < count; i++) {
    const q = p + ((<usize>i) << 2);
    store<f32>(q, load<f32>(q) * inv);
  }
}

// @ts-ignore: decorator
@inline
function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
