// The analysis half of the engine: DSP frames and raw audio in, typed events out.
//
//   DSP rows  -> features event (every frame)   -> oracle stage  -> oracle, motif events
//   raw audio -> sound event stage (SED model)  -> sound, soundEvent events
//             -> music emotion stage (model)    -> emotion events
//
// Each model stage is a SupervisedStage: if one throws it restarts alone. The rows come
// from the analysis worklet (live) or from the same kernel run in-process (offline); the
// models resample the raw audio to their own front ends (src/dsp/audio-feed.ts).

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

export class AnalysisPipeline {
  readonly stages: SupervisedStage[] = [];
  private readonly options: PipelineOptions;
  private samples = 0;
  private frames = 0;
  /** Loudest frame RMS over the last half second, for the music emotion's confidence. */
  private recentRms = 0;
  private recentRmsFrames = 0;

  constructor(options: PipelineOptions) {
    this.options = options;
    const { config, log } = options;
    if (config.oracle.enabled) this.stages.push(new SupervisedStage("oracle", async () => this.oracleStage(), log));
    if (config.sed.enabled) this.stages.push(new SupervisedStage("sound events", () => this.sedStage(), log));
    if (config.emotion.enabled) this.stages.push(new SupervisedStage("music emotion", () => this.emotionStage(), log));
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

  private async sedStage(): Promise<AnalysisStage> {
    const { config, sampleRate, emit } = this.options;
    const detector = await SoundEventDetector.load(config.sed.model, { inputRate: sampleRate });
    const origin = this.time;
    detector.on({
      probabilities: (t, values) => emit({ type: "sound", time: origin + t, labels: detector.labels, probabilities: Array.from(values) }),
      eventStart: (e) => emit({ type: "soundEvent", time: this.time, label: e.label, phase: "start", confidence: e.confidence, onset: origin + e.onset }),
      eventEnd: (e) => emit({ type: "soundEvent", time: this.time, label: e.label, phase: "end", confidence: e.confidence, onset: origin + e.onset, offset: origin + e.offset }),
    });
    return { pushAudio: (b) => detector.pushAudio(b), flush: () => detector.finish(), dispose: () => detector.dispose() };
  }

  private async emotionStage(): Promise<AnalysisStage> {
    const { config, sampleRate, emit } = this.options;
    const tracker = await EmotionTracker.load(config.emotion.model, { inputRate: sampleRate, networks: config.emotion.networks ?? undefined, spreadNetworks: true });
    const origin = this.time;
    tracker.onUpdate((u) => {
      const sounding = this.recentRms >= SILENCE_RMS;
      const confidence = sounding ? Math.max(...u.quadrantProbabilities) : 0;
      emit({ type: "emotion", time: origin + u.t, valence: u.valence, arousal: u.arousal, quadrant: u.quadrant, emotion: u.emotion, confidence, ...(u.cues ? { cues: u.cues } : {}) });
    });
    return { pushAudio: (b) => tracker.pushAudio(b), flush: () => tracker.flush(), dispose: () => tracker.dispose() };
  }
}
