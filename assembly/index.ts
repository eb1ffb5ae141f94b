// The WASM module's surface, kept flat (numbers and pointers only) so the one
// TypeScript wrapper (src/dsp/kernels.ts) can drive it from the CLI, the worklet and
// the tests alike. An analyzer handle is the pointer of a FrameAnalyzer.

import { FrameAnalyzer } from "./analyzer";

export function createAnalyzer(sampleRate: f64, nFft: i32, hop: i32, nMels: i32, nMfcc: i32, fmin: f64, fmax: f64, maxBlock: i32): FrameAnalyzer {
  return new FrameAnalyzer(sampleRate, nFft, hop, nMels, nMfcc, fmin, fmax, maxBlock);
}

export function push(a: FrameAnalyzer, count: i32): i32 { return a.push(count); }
export function reset(a: FrameAnalyzer): void { a.reset(); }

export function inputPointer(a: FrameAnalyzer): usize { return changetype<usize>(a.input); }
export function maxBlock(a: FrameAnalyzer): i32 { return a.maxBlock; }
export function outputPointer(a: FrameAnalyzer): usize { return changetype<usize>(a.output); }
export function maxFramesPerPush(a: FrameAnalyzer): i32 { return a.maxFramesPerPush; }

export function stride(a: FrameAnalyzer): i32 { return a.stride; }
export function offsetLogmel(a: FrameAnalyzer): i32 { return a.offsetLogmel; }
export function offsetMfcc(a: FrameAnalyzer): i32 { return a.offsetMfcc; }
export function offsetChroma(a: FrameAnalyzer): i32 { return a.offsetChroma; }
export function offsetCentroid(a: FrameAnalyzer): i32 { return a.offsetCentroid; }
export function offsetRms(a: FrameAnalyzer): i32 { return a.offsetRms; }
export function offsetFlux(a: FrameAnalyzer): i32 { return a.offsetFlux; }
export function offsetOnset(a: FrameAnalyzer): i32 { return a.offsetOnset; }
export function offsetPitchClass(a: FrameAnalyzer): i32 { return a.offsetPitchClass; }
export function offsetSemitones(a: FrameAnalyzer): i32 { return a.offsetSemitones; }

// i32 (saturating) rather than f64: the worklet reads it every quantum, and an f64
// return is boxed into a fresh heap number on the JS side.
export function nonFiniteCount(a: FrameAnalyzer): i32 { return <i32>min<i64>(a.nonFiniteCount, 0x3fffffff); }
export function firstNonFiniteIndex(a: FrameAnalyzer): f64 { return <f64>a.firstNonFiniteIndex; }

/** The dense float32 [mel][bin] filterbank, for tests and the plain-JS peer. */
export function melFilterbankPointer(a: FrameAnalyzer): usize { return changetype<usize>(a.melFilterbank.dense); }
/** The float32 [12][chromaStride] chroma filterbank (zero-padded columns). */
export function chromaFilterbankPointer(a: FrameAnalyzer): usize { return changetype<usize>(a.chromaFilterbank); }
export function chromaStride(a: FrameAnalyzer): i32 { return a.chromaStride; }

// ---- Sample-rate conversion (assembly/resample.ts). A handle is the pointer of a Resampler.

import { Resampler } from "./resample";

export function createResampler(inRate: f64, outRate: f64, maxBlock: i32): Resampler {
  return new Resampler(inRate, outRate, maxBlock);
}
export function resamplerPush(r: Resampler, count: i32): i32 { return r.push(count); }
export function resamplerReset(r: Resampler): void { r.reset(); }
export function resamplerInputPointer(r: Resampler): usize { return changetype<usize>(r.input); }
export function resamplerOutputPointer(r: Resampler): usize { return changetype<usize>(r.output); }
export function resamplerReach(r: Resampler): i32 { return r.reach; }
