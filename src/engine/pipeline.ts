// The analysis half of the engine: DSP frames and raw audio in, typed events out.
//
//   DSP rows  -> features event (every frame)   -> oracle stage  -> oracle, motif events
//   raw audio -> sound event stage (SED model)  -> sound, soundEvent events
//             -> music emotion stage (model)    -> emotion events
//
// Each model stage is a SupervisedStage: if one throws it restarts alone. A model changed in
// the configuration while the engine runs (reconfigure) is loaded beside the running one and
// swapped in once it is ready; one that cannot load is reported and the running one goes on.
// The rows come from the analysis worklet (live) or from the same kernel run in-process
// (offline); the models resample the raw audio to their own front ends (src/dsp/audio-feed.ts).

import type { FrameLayout } from "../dsp/frame.ts";
import { EmotionTracker } from "../models/emotion/tracker.ts";
import { SoundEventDetector } from "../models/sed/detector.ts";
import { OracleListener } from "../oracle/listener.ts";
import type { EngineConfig } from "./config.ts";
import type { EngineEvent } from "./events.ts";
import { SupervisedStage, type AnalysisStage, type StageHealth } from "./stage.ts";

export interface PipelineOptions {
  config: EngineConfig["analysis"];
  sampleRate: number;
  hop: number;
  layout: FrameLayout;
  emit: (event: EngineEvent) => void;
  log: (line: string) => void;
}

/** Sound below this RMS (-60 dBFS) is silence: the music emotion then has no say in the affect. */
const SILENCE_RMS = 1e-3;

type ModelSettings = { sed: EngineConfig["analysis"]["sed"]; emotion: EngineConfig["analysis"]["emotion"] };
type ModelStageName = keyof ModelSettings;
const STAGE_NAMES: Record<ModelStageName, string> = { sed: "sound events", emotion: "music emotion" };

/** Whether two settings of a model stage are the same (they are flat objects of plain values). */
function sameSettings(a: ModelSettings[ModelStageName], b: ModelSettings[ModelStageName]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A model stage's model as the log and the health show it: its folder, and how many networks where not all. */
function describeModel(settings: ModelSettings[ModelStageName]): string {
  const networks = "networks" in settings ? settings.networks : null;
  return `${settings.model}${networks ? ` (${networks} network${networks > 1 ? "s" : ""})` : ""}`;
}

export class AnalysisPipeline {
  readonly stages: SupervisedStage[] = [];
  private readonly options: PipelineOptions;
  /** The model settings each model stage runs with. */
  private readonly models: ModelSettings;
  /** The latest settings asked for (reconfigure), which may still be loading: what a new configuration is compared with. */
  private readonly requested: ModelSettings;
  private samples = 0;
  private frames = 0;
  /** Loudest frame RMS over the last half second, for the music emotion's confidence. */
  private recentRms = 0;
  private recentRmsFrames = 0;

  constructor(options: PipelineOptions) {
    this.options = options;
    const { config, log } = options;
    this.models = { sed: { ...config.sed }, emotion: { ...config.emotion } };
    this.requested = { sed: { ...config.sed }, emotion: { ...config.emotion } };
    if (config.oracle.enabled) this.stages.push(new SupervisedStage("oracle", async () => this.oracleStage(), log));
    if (config.sed.enabled) this.stages.push(new SupervisedStage(STAGE_NAMES.sed, this.modelStage("sed", config.sed), log, describeModel(config.sed)));
    if (config.emotion.enabled) this.stages.push(new SupervisedStage(STAGE_NAMES.emotion, this.modelStage("emotion", config.emotion), log, describeModel(config.emotion)));
  }

  /**
   * Applies a new configuration's model settings while the engine runs: a stage whose model
   * (or number of networks) changed loads the new one beside the running one and swaps it
   * in; a stage switched on starts, one switched off stops (its open events end first).
   * A model that cannot load is reported in the returned lines and the running stage goes
   * on with the model it had. The oracle's settings wait for the next start: changing them
   * would forget what it has heard.
   */
  async reconfigure(config: EngineConfig["analysis"]): Promise<string[]> {
    const lines = await Promise.all([this.reconfigureStage("sed", config.sed), this.reconfigureStage("emotion", config.emotion)]);
    return lines.filter((line): line is string => line !== null);
  }

  private async reconfigureStage<K extends ModelStageName>(name: K, next: ModelSettings[K]): Promise<string | null> {
    if (sameSettings(this.requested[name], next)) return null;
    this.requested[name] = { ...next };
    const label = STAGE_NAMES[name], stage = this.stages.find((s) => s.name === label);
    const what = describeModel(next);
    if (!next.enabled) {
      this.models[name] = { ...next };
      if (!stage) return null;
      stage.stop();
      this.stages.splice(this.stages.indexOf(stage), 1);
      return `${label}: off`;
    }
    if (!stage) {
      this.models[name] = { ...next };
      const started = new SupervisedStage(label, this.modelStage(name, next), this.options.log, what);
      this.stages.push(started);
      await started.start();
      return started.running ? `${label}: on, ${what}` : `${label}: cannot load ${what} yet (${started.health.lastError}); retrying`;
    }
    try {
      if (!(await stage.replace(this.modelStage(name, next), what))) return null; // overtaken by a later change
    } catch (err) {
      // Asked for again (the file saved again), it is tried again.
      if (sameSettings(this.requested[name], next)) this.requested[name] = { ...this.models[name] };
      return `${label}: cannot load ${what} (${(err as Error).message}); the previous model keeps running`;
    }
    this.models[name] = { ...next };
    return `${label}: now ${what}`;
  }

  /** Loads the models (in parallel); a stage that cannot load keeps retrying on its own. */
  async start(): Promise<void> {
    await Promise.all(this.stages.map((s) => s.start()));
  }

  /** Engine time: seconds of audio analysed. */
  get time(): number {
    return this.samples / this.options.sampleRate;
  }

  get health(): StageHealth[] {
    return this.stages.map((s) => s.health);
  }

  pushAudio(block: Float32Array): void {
    this.samples += block.length;
    for (const s of this.stages) s.pushAudio(block);
  }

  pushRow(row: Float32Array, frame: number): void {
    const { layout, hop, sampleRate, emit } = this.options;
    this.frames = frame + 1;
    const rms = row[layout.rms]!;
    const halfSecond = Math.round((0.5 * sampleRate) / hop);
    if (rms > this.recentRms || this.recentRmsFrames++ > halfSecond) { this.recentRms = Number.isFinite(rms) ? rms : 0; this.recentRmsFrames = 0; }
    const [offset, n] = layout.logmel;
    emit({ type: "features", time: (frame * hop) / sampleRate, frame, rms, centroid: row[layout.centroid]!, flux: row[layout.flux]!, onset: row[layout.onset]!, logmel: row.subarray(offset, offset + n) });
    for (const s of this.stages) s.pushRow(row, frame);
  }

  /** The input ended or paused: close open sound events. */
  flush(): void {
    for (const s of this.stages) s.flush();
  }

  stop(): void {
    for (const s of this.stages) s.stop();
  }

  private oracleStage(): AnalysisStage {
    const { config, layout, hop, sampleRate, emit } = this.options;
    const [offset, dim] = config.oracle.features === "mfcc" ? layout.mfcc : layout.chroma;
    const listener = new OracleListener({ dim, dfunc: config.oracle.dfunc, window: config.oracle.windowFrames });
    // The oracle counts its own frames from 0; engine frames may have started earlier (a restart).
    let firstFrame = -1;
    const seconds = (oracleFrame: number) => ((oracleFrame + firstFrame) * hop) / sampleRate;
    listener.onMotif((m) => emit({ type: "motif", time: seconds(m.start + m.length), start: seconds(m.start), length: (m.length * hop) / sampleRate, earlierStart: seconds(m.earlierStart) }));
    return {
      pushRow: (row, frame) => {
        if (firstFrame < 0) firstFrame = frame;
        const s = listener.add(row.subarray(offset, offset + dim));
        emit({ type: "oracle", time: (frame * hop) / sampleRate, ir: s.ir, threshold: s.threshold, lrs: s.lrs, settledIr: s.settledIr });
      },
      // A restarted stage makes a new bank: this one's WASM memory is reused for it.
      dispose: () => listener.dispose(),
    };
  }

  /** The stage's factory (also its restarts'), for these settings. */
  private modelStage<K extends ModelStageName>(name: K, settings: ModelSettings[K]): () => Promise<AnalysisStage> {
    return name === "sed" ? () => this.sedStage(settings as ModelSettings["sed"]) : () => this.emotionStage(settings as ModelSettings["emotion"]);
  }

  private async sedStage(settings: ModelSettings["sed"]): Promise<AnalysisStage> {
    const { sampleRate, emit } = this.options;
    const detector = await SoundEventDetector.load(settings.model, { inputRate: sampleRate });
    const origin = this.time;
    detector.on({
      probabilities: (t, values) => emit({ type: "sound", time: origin + t, labels: detector.labels, probabilities: Array.from(values) }),
      eventStart: (e) => emit({ type: "soundEvent", time: this.time, label: e.label, phase: "start", confidence: e.confidence, onset: origin + e.onset }),
      eventEnd: (e) => emit({ type: "soundEvent", time: this.time, label: e.label, phase: "end", confidence: e.confidence, onset: origin + e.onset, offset: origin + e.offset }),
    });
    return { pushAudio: (b) => detector.pushAudio(b), flush: () => detector.finish(), dispose: () => detector.dispose() };
  }

  private async emotionStage(settings: ModelSettings["emotion"]): Promise<AnalysisStage> {
    const { sampleRate, emit } = this.options;
    const tracker = await EmotionTracker.load(settings.model, { inputRate: sampleRate, networks: settings.networks ?? undefined, spreadNetworks: true });
    const origin = this.time;
    tracker.onUpdate((u) => {
      const sounding = this.recentRms >= SILENCE_RMS;
      const confidence = sounding ? Math.max(...u.quadrantProbabilities) : 0;
      emit({ type: "emotion", time: origin + u.t, valence: u.valence, arousal: u.arousal, quadrant: u.quadrant, emotion: u.emotion, confidence, ...(u.cues ? { cues: u.cues } : {}) });
    });
    return { pushAudio: (b) => tracker.pushAudio(b), flush: () => tracker.flush(), dispose: () => tracker.dispose() };
  }
}
