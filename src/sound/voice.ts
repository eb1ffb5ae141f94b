// The built-in synth voice (moodwire listen --sound): a sawtooth through a drive and a
// waveshaper, a low-pass that opens with the pitch, plus a noise layer. Four parameters,
// set by mapping routes with `"to": { "sound": ... }` (mappings/sound.json is the default:
// happy and energetic go up and louder, sad goes to noise and distortion, as in Mugeetion).
// Every change glides (setTargetAtTime, 80 ms) so control jumps never click.

import { AudioBuffer, AudioBufferSourceNode, BiquadFilterNode, GainNode, OscillatorNode, WaveShaperNode, type BaseAudioContext } from "node-web-audio-api";
import type { SoundSink } from "../mapping/engine.ts";
import type { SoundParameter } from "../mapping/mapping.ts";

const GLIDE = 0.08;
const midiToHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

/** tanh soft clipping, 1024 points over [-1, 1]. */
function softClipCurve(): Float32Array {
  const curve = new Float32Array(1024);
  for (let i = 0; i < curve.length; i++) curve[i] = Math.tanh(3 * ((i / (curve.length - 1)) * 2 - 1));
  return curve;
}

export class SynthVoice implements SoundSink {
  readonly values: Record<SoundParameter, number> = { pitch: 57, loudness: 0.2, noise: 0, distortion: 0 };
  private readonly context: BaseAudioContext;
  private readonly oscillator: OscillatorNode;
  private readonly drive: GainNode;
  private readonly clean: GainNode;
  private readonly dirty: GainNode;
  private readonly filter: BiquadFilterNode;
  private readonly noise: GainNode;
  private readonly noiseSource: AudioBufferSourceNode;
  private readonly master: GainNode;

  constructor(context: BaseAudioContext, destination: AudioNode) {
    this.context = context;
    this.oscillator = new OscillatorNode(context, { type: "sawtooth", frequency: midiToHz(this.values.pitch) });
    this.filter = new BiquadFilterNode(context, { type: "lowpass", frequency: 2000, Q: 0.7 });
    // Clean and driven paths in parallel; "distortion" crossfades between them.
    this.clean = new GainNode(context, { gain: 1 });
    this.drive = new GainNode(context, { gain: 1 });
    const shaper = new WaveShaperNode(context, { curve: softClipCurve(), oversample: "2x" });
    this.dirty = new GainNode(context, { gain: 0 });
    this.oscillator.connect(this.filter);
    this.filter.connect(this.clean);
    this.filter.connect(this.drive);
    this.drive.connect(shaper);
    shaper.connect(this.dirty);
    // White noise, two seconds, looped (a fixed seed so renders repeat exactly).
    const length = 2 * context.sampleRate;
    const buffer = new AudioBuffer({ length, numberOfChannels: 1, sampleRate: context.sampleRate });
    const white = new Float32Array(length);
    let seed = 12345;
    for (let i = 0; i < length; i++) { seed = (seed * 1664525 + 1013904223) >>> 0; white[i] = seed / 2 ** 31 - 1; }
    buffer.copyToChannel(white, 0);
    this.noiseSource = new AudioBufferSourceNode(context, { buffer, loop: true });
    this.noise = new GainNode(context, { gain: 0 });
    this.noiseSource.connect(this.noise);
    this.master = new GainNode(context, { gain: this.values.loudness });
    this.clean.connect(this.master);
    this.dirty.connect(this.master);
    this.noise.connect(this.master);
    this.master.connect(destination as never);
    this.oscillator.start();
    this.noiseSource.start();
  }

  set(parameter: SoundParameter, value: number): void {
    if (!Number.isFinite(value)) return;
    const t = this.context.currentTime;
    const v = parameter === "pitch" ? Math.max(0, Math.min(127, value)) : Math.max(0, Math.min(1, value));
    this.values[parameter] = v;
    switch (parameter) {
      case "pitch":
        this.oscillator.frequency.setTargetAtTime(midiToHz(v), t, GLIDE);
        this.filter.frequency.setTargetAtTime(Math.min(12000, midiToHz(v) * 8), t, GLIDE);
        break;
      case "loudness":
        this.master.gain.setTargetAtTime(v, t, GLIDE);
        break;
      case "noise":
        this.noise.gain.setTargetAtTime(v, t, GLIDE);
        break;
      case "distortion":
        this.drive.gain.setTargetAtTime(1 + 30 * v, t, GLIDE);
        this.dirty.gain.setTargetAtTime(v * 0.5, t, GLIDE);
        this.clean.gain.setTargetAtTime(1 - v, t, GLIDE);
        break;
    }
  }

  stop(): void {
    const t = this.context.currentTime;
    this.master.gain.setTargetAtTime(0, t, 0.02);
    try { this.oscillator.stop(t + 0.1); this.noiseSource.stop(t + 0.1); } catch { /* already stopped */ }
  }
}
