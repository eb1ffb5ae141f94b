// npm run bench:soak [-- --hours 24] [--sample-minutes 10] [--out out/soak] | [-- --replot DIR]
// The soak: hours of synthetic audio (chords in major and minor, arpeggios, noise bursts,
// claps, bells, silence; deterministic) analysed offline, faster than real time, through the
// whole engine (DSP kernel, oracle bank with its bounded window, SED and emotion models on
// tfjs-wasm, affect, mapping, OSC out to a real socket). Every `sample-minutes` of audio it
// samples RSS, V8 heap, external memory and tfjs tensors; at the end it reports growth after
// the warm-up (the first hour: the oracle window is ten minutes, so by then both oracles of
// every bank threshold have filled) and writes the curve as JSON and SVG.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createSocket } from "node:dgram";
import { defaultConfig, mergeConfig, type EngineConfig } from "../src/engine/config.ts";
import { Engine } from "../src/engine/engine.ts";
import { ENGINE_DSP, initialStatus, KernelFeeder, type AudioSource, type AudioTarget } from "../src/engine/sources.ts";
import { seededRandom } from "../src/models/random.ts";
import { tf } from "../src/models/tf.ts";

const { values } = parseArgs({ options: { hours: { type: "string", default: "24" }, "sample-minutes": { type: "string", default: "10" }, out: { type: "string", default: "out/soak" }, replot: { type: "string" } } });
if (values.replot) {
  // Redraw DIR/soak.svg from DIR/soak.json (an earlier run's curve), without running.
  const earlier = JSON.parse(readFileSync(join(values.replot, "soak.json"), "utf8")) as { samples: Sample[]; warmupHours: number };
  writeFileSync(join(values.replot, "soak.svg"), plot(earlier.samples, earlier.warmupHours));
  process.exit(0);
}
const HOURS = Number(values.hours);
const SAMPLE_SECONDS = Number(values["sample-minutes"]) * 60;
const SR = 44100;
const SCENE_SECONDS = 10;

const MAJOR = [0, 4, 7, 12].map((s) => 2 ** (s / 12));
const MINOR = [0, 3, 7, 12].map((s) => 2 ** (s / 12));
/** A bell's inharmonic partials: [frequency ratio, amplitude]. */
const BELL: readonly (readonly [number, number])[] = [[1, 0.3], [2.76, 0.15], [5.4, 0.08]];

/**
 * One 10 s scene of synthetic audio into `x` (reused). Nothing is allocated per sample:
 * the soak measures the heap, so the generator must not churn it.
 */
function scene(x: Float32Array, index: number, rand: () => number): void {
  const kind = index % 6;
  const root = 110 * 2 ** (Math.floor(rand() * 12) / 12);
  for (let i = 0; i < x.length; i++) {
    const t = i / SR;
    let v = 0;
    switch (kind) {
      case 0: { // major arpeggio, quick
        const step = Math.floor(t * 8), f = root * 2 * MAJOR[step % 4]!;
        v = 0.3 * Math.sin(2 * Math.PI * f * t) * Math.exp(-((t * 8) % 1) * 3);
        break;
      }
      case 1: { // minor chord, slow swell
        for (let n = 0; n < MINOR.length; n++) v += 0.12 * Math.sin(2 * Math.PI * root * MINOR[n]! * t);
        v *= 0.5 + 0.5 * Math.sin(2 * Math.PI * 0.2 * t);
        break;
      }
      case 2: // noise bursts (door, footsteps)
        v = (t % 1.3) < 0.15 ? 0.5 * (rand() * 2 - 1) * Math.exp(-(t % 1.3) * 20) : 0.003 * (rand() * 2 - 1);
        break;
      case 3: // claps: short noise with a fast decay, twice a second
        v = 0.6 * (rand() * 2 - 1) * Math.exp(-(t % 0.5) * 60);
        break;
      case 4: // a bell: inharmonic partials, decaying, every 2.5 s
        for (let n = 0; n < BELL.length; n++) v += BELL[n]![1] * Math.sin(2 * Math.PI * root * 4 * BELL[n]![0] * t) * Math.exp(-(t % 2.5) * 1.5);
        break;
      default: // near silence
        v = 0.0005 * (rand() * 2 - 1);
    }
    x[i] = v;
  }
}

/** Synthetic audio through the offline feeder, scene after scene, until `seconds` are done. */
class SyntheticSource implements AudioSource {
  readonly status = initialStatus("offline");
  readonly context = null;
  private stopped = false;
  private readonly feeder: KernelFeeder;
  private readonly seconds: number;
  private readonly onScene: (seconds: number) => void;

  constructor(target: AudioTarget, seconds: number, onScene: (seconds: number) => void) {
    this.feeder = new KernelFeeder(SR, target);
    this.seconds = seconds;
    this.onScene = onScene;
  }

  async run(): Promise<void> {
    const x = new Float32Array(SCENE_SECONDS * SR);
    const rand = seededRandom(24);
    this.status.state = "running";
    this.status.detail = "synthetic scenes";
    for (let k = 0; k * SCENE_SECONDS < this.seconds && !this.stopped; k++) {
      scene(x, k, rand);
      await this.feeder.feed(x, () => this.stopped);
      this.onScene((k + 1) * SCENE_SECONDS);
    }
    this.status.state = "ended";
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

interface Sample { hours: number; wallSeconds: number; rssMb: number; heapMb: number; externalMb: number; arrayBuffersMb: number; tensors: number }

const sink = createSocket("udp4");
await new Promise<void>((r) => sink.bind(0, "127.0.0.1", () => r()));
sink.on("message", () => {});
const config = mergeConfig<EngineConfig>(defaultConfig(), {
  input: { offline: true }, face: { enabled: false }, dashboard: { enabled: false },
  osc: { out: [`127.0.0.1:${sink.address().port}`] }, mapping: "mappings/affect-midi.json",
});
const samples: Sample[] = [];
const t0 = performance.now();
let nextSample = 0;
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
const take = (seconds: number) => {
  const m = process.memoryUsage();
  const s: Sample = { hours: seconds / 3600, wallSeconds: (performance.now() - t0) / 1000, rssMb: mb(m.rss), heapMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), tensors: tf.memory().numTensors };
  samples.push(s);
  process.stderr.write(`soak: ${s.hours.toFixed(2)} h of audio in ${s.wallSeconds.toFixed(0)} s (${((s.hours * 3600) / s.wallSeconds).toFixed(0)}x real time): RSS ${s.rssMb} MB, heap ${s.heapMb} MB, external ${s.externalMb} MB, tensors ${s.tensors}\n`);
};
const engine = new Engine(config, {
  log: (l) => process.stderr.write(`moodwire: ${l}\n`),
  source: (target) => new SyntheticSource(target, HOURS * 3600, (seconds) => {
    if (seconds >= nextSample) {
      nextSample += SAMPLE_SECONDS;
      (globalThis as { gc?: () => void }).gc?.();
      take(seconds);
    }
  }),
});
await engine.start();
await engine.inputEnded();
const health = engine.health();
await engine.stop();
sink.close();

// Growth after warm-up: from the first sample at or after one hour (or a fifth of a short
// run, but never before the oracle windows have filled: until then memory grows by design).
const windowHours = (config.analysis.oracle.windowFrames * ENGINE_DSP.hop) / SR / 3600;
const warm = samples.find((s) => s.hours >= Math.max(windowHours, Math.min(1, HOURS / 5))) ?? samples[0]!;
const last = samples.at(-1)!;
const growth = (k: keyof Sample) => (last[k] - warm[k]) / warm[k];
const report = {
  hours: HOURS, wallSeconds: last.wallSeconds, realTimeFactor: (HOURS * 3600) / last.wallSeconds,
  warmupHours: warm.hours,
  rssGrowth: growth("rssMb"), heapGrowth: growth("heapMb"), externalGrowth: growth("externalMb"),
  tensorsAtWarmup: warm.tensors, tensorsAtEnd: last.tensors,
  stageErrors: health.stages.reduce((n, s) => n + s.errors, 0), oscMessages: health.outputs.osc, midiMessages: health.outputs.midi,
  samples,
};
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, "soak.json"), JSON.stringify(report, null, 1));
writeFileSync(join(values.out, "soak.svg"), plot(samples, warm.hours));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
process.stdout.write(`soak: ${HOURS} h of audio through the full engine in ${(last.wallSeconds / 60).toFixed(1)} min (${report.realTimeFactor.toFixed(0)}x real time)\n` +
  `  after warm-up (${warm.hours.toFixed(2)} h -> ${last.hours.toFixed(2)} h): RSS ${warm.rssMb} -> ${last.rssMb} MB (${pct(report.rssGrowth)}), ` +
  `heap ${warm.heapMb} -> ${last.heapMb} MB (${pct(report.heapGrowth)}), external ${warm.externalMb} -> ${last.externalMb} MB (${pct(report.externalGrowth)})\n` +
  `  tfjs tensors ${warm.tensors} -> ${last.tensors}; stage errors ${report.stageErrors}; OSC ${report.oscMessages}, MIDI ${report.midiMessages}\n` +
  `  curve: ${join(values.out, "soak.json")}, ${join(values.out, "soak.svg")}\n`);
process.exit(0);

/** RSS, heap and external memory against hours of audio; a dashed line where warm-up ends. */
function plot(points: Sample[], warmupHours: number): string {
  const W = 720, H = 320, L = 60, B = 40, maxH = Math.max(...points.map((p) => p.hours), 1e-9);
  const digits = maxH >= 4 ? 0 : maxH >= 0.4 ? 1 : 2;
  const maxMb = Math.max(...points.map((p) => p.rssMb)) * 1.1;
  const x = (h: number) => L + (h / maxH) * (W - L - 20), y = (v: number) => H - B - (v / maxMb) * (H - B - 40);
  const line = (k: "rssMb" | "heapMb" | "externalMb", colour: string) => `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${x(p.hours).toFixed(1)},${y(p[k]).toFixed(1)}`).join(" ")}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<line x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}" stroke="#444"/><line x1="${L}" y1="40" x2="${L}" y2="${H - B}" stroke="#444"/>
<text x="${W / 2}" y="${H - 8}" text-anchor="middle">hours of audio</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">MB</text>
<line x1="${x(warmupHours)}" y1="40" x2="${x(warmupHours)}" y2="${H - B}" stroke="#888" stroke-dasharray="4 3"/><text x="${x(warmupHours) + 4}" y="${H - B - 6}" fill="#666">warm-up ends</text>
${[0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${x(f * maxH)}" y="${H - B + 16}" text-anchor="middle">${(f * maxH).toFixed(digits)}</text><text x="${L - 6}" y="${y(f * maxMb) + 4}" text-anchor="end">${Math.round(f * maxMb)}</text>`).join("")}
${line("rssMb", "#c0392b")}${line("heapMb", "#2471a3")}${line("externalMb", "#27ae60")}
<text x="${L + 10}" y="22" fill="#c0392b">RSS</text><text x="${L + 50}" y="22" fill="#2471a3">V8 heap</text><text x="${L + 115}" y="22" fill="#27ae60">external (WASM, buffers)</text>
</svg>`;
}
