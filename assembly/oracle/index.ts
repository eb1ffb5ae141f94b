// The oracle module's flat surface (numbers and pointers), driven by
// src/oracle/oracle.ts. A handle is the pointer of an Oracle.

import { Oracle, SharedFrames } from "./vmo";

// The garbage collector only sees references held inside WASM, so every oracle
// handed to the host stays here until release().
const live = new Set<Oracle>();
const liveShared = new Set<SharedFrames>();

export function createOracle(dim: i32, threshold: f64, dfunc: i32, capacity: i32, maxRootCompare: i32): Oracle {
  const o = new Oracle(dim, threshold, dfunc, capacity, maxRootCompare);
  live.add(o);
  return o;
}
export function release(o: Oracle): void { live.delete(o); }
export function createShared(stride: i32, ringPow2: i32): SharedFrames {
  const s = new SharedFrames(stride, ringPow2);
  liveShared.add(s);
  return s;
}
export function releaseShared(s: SharedFrames): void { liveShared.delete(s); }
/** Oracles and shared frames not yet released (a leak shows here first). */
export function liveObjects(): i32 { return live.size + liveShared.size; }
export function sharedInputPointer(s: SharedFrames): usize { return changetype<usize>(s.input); }
export function sharedNext(s: SharedFrames): void { s.next(); }
export function attach(o: Oracle, s: SharedFrames, globalBase: i32): void { o.attach(s, globalBase); }
export function inputPointer(o: Oracle): usize { return changetype<usize>(o.input); }
export function add(o: Oracle): i32 { return o.add(); }
export function finish(o: Oracle): void { o.advanceEncoding(true); }
export function reset(o: Oracle): void { o.reset(); }
export function nStates(o: Oracle): i32 { return o.n; }
export function numClusters(o: Oracle): i32 { return o.numClusters; }
export function sfx(o: Oracle, i: i32): i32 { return o.sfx.get(i); }
export function lrs(o: Oracle, i: i32): i32 { return o.lrs.get(i); }
export function symbol(o: Oracle, i: i32): i32 { return o.symbol.get(i); }
export function trnFirst(o: Oracle, i: i32): i32 { return o.trnHead.get(i); }
export function edgeNext(o: Oracle, e: i32): i32 { return o.edgeNext.get(e); }
export function edgeTarget(o: Oracle, e: i32): i32 { return o.edgeTarget.get(e); }
export function rsfxFirst(o: Oracle, i: i32): i32 { return o.rsfxHead.get(i); }
export function rsfxNext(o: Oracle, i: i32): i32 { return o.rsfxNext.get(i); }
export function codeCount(o: Oracle): i32 { return o.codeLen.length; }
export function codeLen(o: Oracle, k: i32): i32 { return o.codeLen.get(k); }
export function codePos(o: Oracle, k: i32): i32 { return o.codePos.get(k); }
export function settledFrames(o: Oracle): i32 { return o.settledFrames; }
export function irCum(o: Oracle, frame: i32): f64 { return unchecked(o.irCum[frame]); }
export function irCum3(o: Oracle, frame: i32): f64 { return unchecked(o.irCum3[frame]); }
export function distancesComputed(o: Oracle): f64 { return o.distances; }
