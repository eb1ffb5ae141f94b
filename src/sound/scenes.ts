// Scenes for the built-in sound (as in Mugeetion): a folder of audio files per state (a
// quadrant, an emotion, a face state). When the state changes, the next file of the new
// state's folder fades in, looped, while the old one fades out over `crossfade_s`.
// A folder that is missing or holds nothing playable is reported once; the scene playing
// goes on.

import { readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { AudioBuffer, AudioBufferSourceNode, GainNode, type BaseAudioContext } from "node-web-audio-api";
import { AUDIO_EXTENSIONS, readAudioFile } from "../audio/decode.ts";
import type { Scenes } from "../mapping/mapping.ts";

interface Playing {
  source: AudioBufferSourceNode;
  gain: GainNode;
  /** Its fade, kept so the level at any time is known without reading the param. */
  ramp: { t0: number; v0: number; t1: number; v1: number };
}

/** The level of a linear ramp at time t (held before and after it). */
function levelAt(r: Playing["ramp"], t: number): number {
  if (t <= r.t0) return r.v0;
  if (t >= r.t1) return r.v1;
  return r.v0 + ((r.v1 - r.v0) * (t - r.t0)) / (r.t1 - r.t0);
}

export class SceneMixer {
  readonly scenes: Scenes;
  /** The state whose scene is (fading) in, null before the first. */
  current: string | null = null;
  private playing: Playing | null = null;
  private readonly next = new Map<string, number>();
  private readonly reported = new Set<string>();
  private changing: Promise<void> = Promise.resolve();

  private readonly context: BaseAudioContext;
  private readonly destination: AudioNode;
  private readonly log: (line: string) => void;

  constructor(context: BaseAudioContext, destination: AudioNode, scenes: Scenes, log: (line: string) => void) {
    this.context = context;
    this.destination = destination;
    this.log = log;
    this.scenes = scenes;
  }

  /**
   * A new state: crossfade to its scene (changes are applied in order). `at` is the context
   * time the crossfade starts (default: now, or as soon as the file is decoded); a time
   * ahead lets an offline render, or a cue list, schedule changes without suspending.
   */
  setState(state: string, at?: number): Promise<void> {
    if (state === this.current) return this.changing;
    this.current = state;
    this.changing = this.changing.then(() => this.crossfade(state, at)).catch((err) => this.log(`scene for "${state}": ${(err as Error).message}`));
    return this.changing;
  }

  private async crossfade(state: string, at: number | undefined): Promise<void> {
    const folder = this.scenes.folders[state];
    if (!folder) return;
    let files: string[];
    try {
      files = readdirSync(folder).filter((f) => AUDIO_EXTENSIONS.includes(extname(f).toLowerCase())).sort();
    } catch (err) {
      files = [];
      if (!this.reported.has(folder)) this.log(`scene folder ${folder} for "${state}": ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : (err as Error).message}`);
    }
    if (files.length === 0) {
      if (!this.reported.has(folder)) this.log(`scene folder ${folder} for "${state}" has no audio files; the current scene goes on`);
      this.reported.add(folder);
      return;
    }
    const index = this.next.get(state) ?? 0;
    this.next.set(state, (index + 1) % files.length);
    const audio = await readAudioFile(join(folder, files[index]!));
    if (this.current !== state) return; // the state moved on while the file was decoding
    const ctx = this.context;
    const buffer = new AudioBuffer({ length: Math.max(1, audio.samples.length), numberOfChannels: 1, sampleRate: audio.sampleRate });
    buffer.copyToChannel(audio.samples as Float32Array<ArrayBuffer>, 0);
    const source = new AudioBufferSourceNode(ctx, { buffer, loop: true });
    const gain = new GainNode(ctx, { gain: 0 });
    source.connect(gain);
    gain.connect(this.destination as never);
    const t = Math.max(ctx.currentTime, at ?? 0), fade = this.scenes.crossfade_s ?? 3, level = this.scenes.gain ?? 0.5;
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(level, t + fade);
    source.start(t);
    const old = this.playing;
    if (old) {
      // The old scene fades out from the level it has at t (it may still be fading in).
      // Not the param's .value (that is now, not t) nor cancelAndHoldAtTime (after a
      // finished ramp it holds nothing, and the next ramp would start from the ramp's end).
      const from = levelAt(old.ramp, t);
      old.gain.gain.cancelScheduledValues(t);
      old.gain.gain.setValueAtTime(from, t);
      old.gain.gain.linearRampToValueAtTime(0, t + fade);
      old.source.stop(t + fade + 0.05);
    }
    this.playing = { source, gain, ramp: { t0: t, v0: 0, t1: t + fade, v1: level } };
  }

  stop(): void {
    try { this.playing?.source.stop(); } catch { /* already stopped */ }
    this.playing = null;
  }
}
