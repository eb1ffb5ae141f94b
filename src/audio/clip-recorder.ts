// Cuts a performer's sounds out of an input, one clip per sound: what `moodwire record`
// writes for `moodwire learn`. A performer teaching a bell plays it ten times, a second or
// more apart; each time the input rises well above the room, a clip starts (with a little of
// the room before it, so the attack is whole) and ends once the sound has died away, or at
// the longest clip allowed. The room's level is tracked while nothing sounds, so a noisy
// stage needs a louder sound than a quiet studio, and nothing is taken for a sound because
// the room got louder slowly.
//
// It is an AudioTarget, so every source the engine has (live input, files in real time or
// offline) feeds it. Blocks arrive on the main thread; all buffers are allocated once, and
// only a finished clip is copied out.

import type { AudioTarget } from "../engine/sources.ts";

export interface ClipRecorderOptions {
  sampleRate: number;
  /** A sound starts when the input is this many dB above the room (default 15). */
  thresholdDb: number;
  /** ... and at least this loud, dBFS, so a silent input's noise floor never triggers (default -55). */
  minLevelDb: number;
  /** The longest clip, seconds (default 2): a sustained sound is cut there. */
  maxSeconds: number;
  /** Room kept before the sound's start, seconds (default 0.1). */
  preRollSeconds: number;
  /** A sound has ended after this long below the threshold (less 6 dB), seconds (default 0.25). */
  releaseSeconds: number;
  /** Room kept after the sound's last loud moment, seconds (default 0.1). */
  tailSeconds: number;
  /** Shorter sounds (a click, a bump of the microphone) make no clip, seconds (default 0.02). */
  minSoundSeconds: number;
}

export const CLIP_RECORDER_DEFAULTS: Omit<ClipRecorderOptions, "sampleRate"> = {
  thresholdDb: 15, minLevelDb: -55, maxSeconds: 2, preRollSeconds: 0.1, releaseSeconds: 0.25, tailSeconds: 0.1, minSoundSeconds: 0.02,
};

export interface RecordedClip {
  samples: Float32Array;
  /** Where the clip starts in the input, seconds from the first sample pushed. */
  start: number;
  /** Its loudest 10 ms, dBFS. */
  peakDb: number;
  /** The room's level when it started, dBFS. */
  roomDb: number;
  /** True when the sound was still going at the longest clip allowed. */
  cut: boolean;
}

/** Levels are measured every 10 ms. */
const HOP_SECONDS = 0.01;
/** Below the threshold by this much a sound counts as ended (hysteresis: a decaying bell does not stutter). */
const RELEASE_HYSTERESIS_DB = 6;
/**
 * How fast the room's level may follow the input while nothing sounds, dB per second: it
 * rises slowly (a room that gets louder over seconds is not a sound) and falls quickly, but
 * not at once (a dropout of the input, zeros for a moment, does not make the room silent).
 */
const ROOM_RISE_DB_PER_SECOND = 3;
const ROOM_FALL_DB_PER_SECOND = 20;
/** Fades at both ends of a clip, seconds: a sound cut at the longest clip would otherwise end on a click that learn would hear. */
const FADE_SECONDS = 0.005;
const SILENCE_DB = -120;

export class ClipRecorder implements AudioTarget {
  private readonly o: ClipRecorderOptions;
  private readonly onClip: (clip: RecordedClip) => void;
  private readonly hop: number;
  /** The last preRoll + hop samples, circular. */
  private readonly ring: Float32Array;
  private ringAt = 0;
  private readonly clip: Float32Array;
  private clipLength = 0;
  private recording = false;
  /** After a clip cut at the longest length: no new clip until that sound has ended. */
  private waitingForQuiet = false;
  private clipStart = 0;
  private soundStart = 0;
  /** Clip length at the end of the last loud hop. */
  private lastLoud = 0;
  private quietSamples = 0;
  private peakDb = SILENCE_DB;
  private hopEnergy = 0;
  private hopFill = 0;
  private pushed = 0;
  private room = NaN;
  private level = SILENCE_DB;
  /** Samples that were NaN or infinite, taken as silence. */
  badSamples = 0;

  constructor(options: Partial<ClipRecorderOptions> & { sampleRate: number }, onClip: (clip: RecordedClip) => void) {
    this.o = { ...CLIP_RECORDER_DEFAULTS, ...options };
    for (const [name, v] of Object.entries(this.o)) if (!Number.isFinite(v)) throw new RangeError(`clip recorder: ${name} must be a number, got ${v}`);
    if (this.o.sampleRate <= 0 || this.o.maxSeconds <= 0 || this.o.thresholdDb <= RELEASE_HYSTERESIS_DB) throw new RangeError(`clip recorder: needs sampleRate > 0, maxSeconds > 0 and thresholdDb > ${RELEASE_HYSTERESIS_DB}`);
    this.onClip = onClip;
    this.hop = Math.max(1, Math.round(this.o.sampleRate * HOP_SECONDS));
    this.ring = new Float32Array(Math.round(this.o.preRollSeconds * this.o.sampleRate) + this.hop);
    this.clip = new Float32Array(Math.round(this.o.maxSeconds * this.o.sampleRate));
  }

  /** The room's level, dBFS (NaN before the first 10 ms). */
  get roomDb(): number {
    return this.room;
  }

  /** The input's level over the last 10 ms, dBFS. */
  get levelDb(): number {
    return this.level;
  }

  get isRecording(): boolean {
    return this.recording;
  }

  pushAudio(block: Float32Array): void {
    for (let i = 0; i < block.length; i++) {
      let x = block[i]!;
      if (!Number.isFinite(x)) { x = 0; this.badSamples++; }
      this.ring[this.ringAt] = x;
      this.ringAt = (this.ringAt + 1) % this.ring.length;
      this.pushed++;
      if (this.recording) {
        this.clip[this.clipLength++] = x;
        if (this.clipLength === this.clip.length) { this.finish(true); continue; }
      }
      this.hopEnergy += x * x;
      if (++this.hopFill === this.hop) this.step();
    }
  }

  pushRow(): void {}

  /** The input ended or paused: a sound in progress ends here. */
  flush(): void {
    if (this.recording) this.finish(false);
    this.waitingForQuiet = false;
    this.hopEnergy = 0;
    this.hopFill = 0;
  }

  /** One 10 ms level: follow the room, or start, extend and end a sound. */
  private step(): void {
    const level = Math.max(SILENCE_DB, 10 * Math.log10(this.hopEnergy / this.hop + 1e-30));
    this.level = level;
    this.hopEnergy = 0;
    this.hopFill = 0;
    const { thresholdDb, minLevelDb, sampleRate } = this.o;
    if (Number.isNaN(this.room)) this.room = level;
    if (this.waitingForQuiet) {
      if (level < this.room + thresholdDb - RELEASE_HYSTERESIS_DB) this.waitingForQuiet = false;
      return;
    }
    if (!this.recording) {
      if (level >= this.room + thresholdDb && level >= minLevelDb) {
        // The ring holds the pre-roll and this hop, whose level started the sound.
        this.recording = true;
        for (let k = 0; k < this.ring.length; k++) this.clip[k] = this.ring[(this.ringAt + k) % this.ring.length]!;
        this.clipLength = this.ring.length;
        this.clipStart = Math.max(0, this.pushed - this.ring.length) / sampleRate;
        this.soundStart = this.ring.length - this.hop;
        this.lastLoud = this.clipLength;
        this.quietSamples = 0;
        this.peakDb = level;
        return;
      }
      // Nothing sounds: the room's level follows, falling faster than it rises.
      this.room = level < this.room ? Math.max(level, this.room - ROOM_FALL_DB_PER_SECOND * HOP_SECONDS) : Math.min(level, this.room + ROOM_RISE_DB_PER_SECOND * HOP_SECONDS);
      return;
    }
    this.peakDb = Math.max(this.peakDb, level);
    if (level >= this.room + thresholdDb - RELEASE_HYSTERESIS_DB) {
      this.lastLoud = this.clipLength;
      this.quietSamples = 0;
    } else if ((this.quietSamples += this.hop) >= this.o.releaseSeconds * sampleRate) {
      this.finish(false);
    }
  }

  private finish(cut: boolean): void {
    const { sampleRate } = this.o;
    this.recording = false;
    this.waitingForQuiet = cut;
    const end = cut ? this.clipLength : Math.min(this.clipLength, this.lastLoud + Math.round(this.o.tailSeconds * sampleRate));
    if ((this.lastLoud - this.soundStart) / sampleRate < this.o.minSoundSeconds) return;
    const samples = this.clip.slice(0, end);
    const fade = Math.min(Math.round(FADE_SECONDS * sampleRate), samples.length >> 1);
    for (let k = 0; k < fade; k++) {
      samples[k]! *= k / fade;
      samples[samples.length - 1 - k]! *= k / fade;
    }
    this.onClip({ samples, start: this.clipStart, peakDb: this.peakDb, roomDb: this.room, cut });
  }
}
