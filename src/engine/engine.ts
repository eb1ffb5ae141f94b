// The live engine: wires the parts together, one way.
//
//   source (file / device / offline) -> AnalysisPipeline (features, oracle, SED, emotion)
//   FaceOSC (UDP) -> FaceInput                                \
//                                  -> events -> AffectFusion  -> OSC publisher, mapping
//                                                               (MIDI, OSC), dashboard, sound
//
// Every part sits behind a small interface; the engine only routes events. It owns the
// clock: engine seconds are seconds of audio analysed when offline, wall-clock seconds
// since start when live (so the face and the affect keep moving with no sound).

import { AffectFusion } from "../affect/fusion.ts";
import { MidiFileWriter } from "../bridges/midi-file.ts";
import { openMidiInput } from "../bridges/midi-in.ts";
import { MidiOut, MidiPortError, openMidiPort } from "../bridges/midi-out.ts";
import { OscOut, parseHostPort } from "../bridges/osc-out.ts";
import { AU_ORDER } from "../face/emotion.ts";
import { FaceInput } from "../face/face-input.ts";
import { loadProfile } from "../face/profile.ts";
import { MappingEngine, type SignalValue } from "../mapping/engine.ts";
import type { Mapping } from "../mapping/mapping.ts";
import { loadMapping, watchMapping } from "../mapping/watch.ts";
import type { EngineConfig } from "./config.ts";
import { EventHub, type EngineEvent, type EngineListener } from "./events.ts";
import { OscPublisher } from "./osc-publisher.ts";
import { AnalysisPipeline } from "./pipeline.ts";
import { engineLayout, LiveDevice, OfflineFiles, RealtimeFiles, type AudioSource, type AudioTarget, type InputStatus } from "./sources.ts";
import type { StageHealth } from "./stage.ts";

export interface EngineHealth {
  uptimeSeconds: number;
  engineSeconds: number;
  input: InputStatus;
  stages: StageHealth[];
  face: { listening: string | null; packets: number; dropped: number; refused: number };
  outputs: { osc: number; midi: number; midiConnected: boolean | null; soundingNotes: number };
  mapping: { file: string | null; routes: number; error: string | null };
}

/** Something the engine feeds besides OSC and MIDI (the dashboard, the built-in sound). */
export interface EngineOutput {
  handle(event: EngineEvent): void;
  health?(h: EngineHealth): void;
  close?(): Promise<void> | void;
}

const TICK_SECONDS = 0.1;

export class Engine {
  readonly config: EngineConfig;
  readonly hub: EventHub;
  readonly affect: AffectFusion;
  readonly pipeline: AnalysisPipeline;
  readonly source: AudioSource;
  readonly osc: OscOut;
  readonly midi: MidiOut;
  readonly mapping: MappingEngine;
  face: FaceInput | null = null;
  private faceAddress: string | null = null;
  private readonly publisher: OscPublisher;
  private readonly outputs: EngineOutput[] = [];
  private readonly log: (line: string) => void;
  private readonly started = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private mappingWatcher: { close(): void } | null = null;
  private mappingState: EngineHealth["mapping"] = { file: null, routes: 0, error: null };
  private midiIn: { close(): void } | null = null;
  private nextTick = 0;
  private sourceDone: Promise<void> | null = null;
  private closed = false;
  /** Engine time is audio time (files analysed as fast as possible, or a custom offline source). */
  private readonly offline: boolean;

  /**
   * `source` replaces the configured input (the soak benchmark feeds synthetic audio); it
   * must then count as offline (engine time = audio time) if `input.offline` is set.
   */
  constructor(config: EngineConfig, { log = (l: string) => process.stderr.write(`moodwire: ${l}\n`), source }: { log?: (line: string) => void; source?: (target: AudioTarget) => AudioSource } = {}) {
    this.config = config;
    this.log = log;
    this.hub = new EventHub(log);
    this.affect = new AffectFusion(config.affect);
    const sampleRate = config.input.sampleRate;
    const { layout, hop } = engineLayout(sampleRate);
    this.pipeline = new AnalysisPipeline({ config: config.analysis, sampleRate, hop, layout, emit: (e) => this.hub.emit(e), log });
    const target = {
      pushAudio: (b: Float32Array) => this.pipeline.pushAudio(b),
      pushRow: (r: Float32Array, k: number) => this.pipeline.pushRow(r, k),
      flush: () => this.pipeline.flush(),
    };
    const sourceOptions = { sampleRate, retryMs: config.input.retryMs, log, audible: config.sound.enabled };
    const { files, loop, offline, device } = config.input;
    this.offline = offline && (files.length > 0 || source !== undefined);
    this.source = source ? source(target) : files.length === 0
      ? new LiveDevice(device, target, sourceOptions)
      : offline ? new OfflineFiles(files, loop, target, sourceOptions) : new RealtimeFiles(files, loop, target, sourceOptions);

    this.osc = new OscOut(config.osc.out.map((t) => parseHostPort(t)), log);
    this.osc.onSend = (address, args) => this.hub.emit({ type: "output", kind: "osc", text: `${address} ${args.map((a) => (typeof a === "object" ? a.value : typeof a === "number" ? Number(a.toFixed(3)) : a)).join(" ")}` });
    this.midi = this.openMidi();
    this.midi.onMessage = (type, data) => this.hub.emit({ type: "output", kind: "midi", text: `${type} ${Object.entries(data).map(([k, v]) => `${k}=${v}`).join(" ")}` });
    this.mapping = new MappingEngine({ midi: this.midi, osc: this.osc });
    this.publisher = new OscPublisher(this.osc);
    this.hub.on((e) => this.publisher.handle(e));
    this.hub.on((e) => this.route(e));
  }

  private openMidi(): MidiOut {
    const { out, file } = this.config.midi;
    let port = null;
    if (out) {
      try {
        port = openMidiPort(out);
      } catch (err) {
        if (!(err instanceof MidiPortError)) throw err;
        this.log(`${err.message}. Going on without it.`);
      }
    }
    return new MidiOut({ port, file: file ? new MidiFileWriter(file) : null, reopen: out && port ? () => openMidiPort(out) : null, log: this.log });
  }

  /** Adds an output (dashboard, sound) that sees every event and the health once a second. */
  addOutput(output: EngineOutput): void {
    this.outputs.push(output);
    this.hub.on((e) => output.handle(e));
  }

  on(listener: EngineListener): () => void {
    return this.hub.on(listener);
  }

  /** Engine seconds (see the header). */
  now(): number {
    return this.offline ? this.pipeline.time : (Date.now() - this.started) / 1000;
  }

  /** Binds the face input, loads mapping and models, starts the sound. Throws on what a person must fix (a port in use, a bad mapping). */
  async start(): Promise<void> {
    const c = this.config;
    if (c.mapping) this.setMappingFile(c.mapping, true);
    if (c.face.enabled) {
      const profile = c.face.profile ? loadProfile(c.face.profile) : undefined;
      const { host, port } = parseHostPort(c.face.listen);
      this.face = new FaceInput({
        host, port, profile, examples: profile?.examples, extended: c.face.extended, allowFrom: c.face.allowFrom, log: this.log,
        onWekinator: (inputs) => { const ms = this.now() * 1000; inputs.forEach((v, i) => this.mapping.signal(`wek.${i}`, v, ms)); },
        onState: (s, updates) => {
          const gestures: [string, number][] = [];
          for (const u of updates) if (u.kind === "gesture") gestures.push([u.name, u.value]);
          this.hub.emit({ type: "face", time: this.now(), found: s.found, emotion: s.emotion, confidence: s.confidence, au: s.au, changed: s.changed, gestures });
        },
      });
      const bound = await this.face.listen();
      this.faceAddress = `${host}:${bound}`;
    }
    if (c.midi.in) {
      try {
        this.midiIn = openMidiInput(c.midi.in, (name, value) => this.mapping.signal(name, value, this.now() * 1000));
      } catch (err) {
        if (!(err instanceof MidiPortError)) throw err;
        this.log(`${err.message}. Going on without it.`);
      }
    }
    await this.pipeline.start();
    // Live: the affect, the mapping's note timers and the summaries tick on the wall clock.
    if (!this.offline) this.timers.push(setInterval(() => this.tick(this.now()), TICK_SECONDS * 1000));
    this.timers.push(setInterval(() => this.reportHealth(), 1000));
    this.sourceDone = this.source.run().catch((err) => {
      this.log(`audio input stopped: ${(err as Error).message}`);
    });
  }

  /** Resolves when the input has ended (files without loop), or never for live input. */
  async inputEnded(): Promise<void> {
    await this.sourceDone;
  }

  /** Loads a mapping file (and watches it). At start a bad file is an error; later the previous mapping keeps running. */
  setMappingFile(path: string, throwOnError = false): void {
    let mapping: Mapping;
    try {
      mapping = loadMapping(path);
    } catch (err) {
      this.mappingState.error = (err as Error).message;
      if (throwOnError) throw err;
      this.log(`${(err as Error).message}\n(the previous mapping keeps running)`);
      return;
    }
    this.applyMapping(path, mapping);
    this.mappingWatcher?.close();
    this.mappingWatcher = watchMapping(path, (m) => { this.applyMapping(path, m); this.log(`reloaded ${path} (${m.routes.length} routes)`); }, (message) => {
      this.mappingState.error = message;
      this.log(message);
    });
  }

  private applyMapping(path: string, mapping: Mapping): void {
    this.mapping.setMapping(mapping);
    this.mappingState = { file: path, routes: mapping.routes.length, error: null };
    for (const o of this.outputs) (o as { mapping?(m: Mapping): void }).mapping?.(mapping);
  }

  /** Every event becomes mapping signals and feeds the affect. */
  private route(e: EngineEvent): void {
    const ms = (t: number) => t * 1000;
    const signal = (name: string, value: SignalValue, t: number) => this.mapping.signal(name, value, ms(t));
    switch (e.type) {
      case "features":
        signal("audio.rms", e.rms, e.time);
        signal("audio.centroid", e.centroid, e.time);
        signal("audio.flux", e.flux, e.time);
        signal("audio.onset", e.onset, e.time);
        // Offline, engine time is audio time: tick on it.
        if (this.offline && e.time >= this.nextTick) {
          this.nextTick = e.time + TICK_SECONDS;
          this.tick(e.time);
        }
        break;
      case "oracle":
        signal("oracle.ir", e.ir, e.time);
        break;
      case "motif":
        signal("oracle.motif", e.length, e.time);
        break;
      case "soundEvent":
        signal(`audio.event.${e.label}`, e.phase === "start" ? 1 : 0, e.time);
        break;
      case "emotion":
        signal("audio.valence", e.valence, e.time);
        signal("audio.arousal", e.arousal, e.time);
        signal("audio.quadrant", e.quadrant, e.time);
        signal("audio.emotion", e.emotion, e.time);
        for (const [cue, value] of Object.entries(e.cues ?? {})) signal(`audio.cue.${cue}`, value, e.time);
        this.affect.music(e.valence, e.arousal, e.confidence, this.now());
        break;
      case "face": {
        const t = e.time;
        if (e.changed) signal("face.state", e.emotion, t);
        signal("face.found", e.found, t);
        for (const k of AU_ORDER) signal(`face.au.${k}`, e.au[k], t);
        for (const [name, value] of e.gestures) signal(`face.gesture.${name}`, value, t);
        this.affect.face(e.found ? e.emotion : "none", e.confidence, this.now());
        break;
      }
      case "affect": {
        const s = e.state, t = s.time;
        signal("affect.valence", s.valence, t);
        signal("affect.arousal", s.arousal, t);
        signal("affect.confidence", s.confidence, t);
        signal("affect.quadrant", s.quadrant, t);
        signal("affect.emotion", s.emotion, t);
        break;
      }
      default:
        break;
    }
  }

  private tick(now: number): void {
    this.hub.emit({ type: "affect", state: this.affect.update(now) });
    this.mapping.tick(now * 1000);
  }

  /** A snapshot: later changes (a stop, a retry) do not reach a report already taken. */
  health(): EngineHealth {
    const f = this.face;
    return {
      uptimeSeconds: (Date.now() - this.started) / 1000,
      engineSeconds: this.now(),
      input: { ...this.source.status },
      stages: this.pipeline.health.map((s) => ({ ...s })),
      face: { listening: this.faceAddress, packets: f?.packets ?? 0, dropped: f ? Object.values(f.drops).reduce((a, b) => a + b, 0) : 0, refused: f?.refused ?? 0 },
      outputs: { osc: this.osc.sent, midi: this.midi.sent, midiConnected: this.config.midi.out ? this.midi.connected : null, soundingNotes: this.midi.soundingNotes },
      mapping: { ...this.mappingState },
    };
  }

  private reportHealth(): void {
    const h = this.health();
    this.publisher.health(h);
    for (const o of this.outputs) o.health?.(h);
  }

  /** Stops everything: every note released, All Notes Off sent, the MIDI file flushed, sockets closed. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.mappingWatcher?.close();
    await this.source.stop();
    this.pipeline.flush();
    this.pipeline.stop();
    this.mapping.release();
    this.midi.close();
    this.midiIn?.close();
    await this.face?.close();
    for (const o of this.outputs) await o.close?.();
    await this.osc.close();
  }
}
