// A test signal both the pitch-class and the emotion front-end tests use.

/**
 * Notes (MIDI) as harmonic tones (8 partials, amplitudes 0.1/h) at `sampleRate`, sounding
 * from `start` for `seconds` (silence before).
 */
export function chord(midis: number[], seconds: number, start = 0, sampleRate = 16000): Float32Array {
  const x = new Float32Array(Math.round((start + seconds) * sampleRate));
  for (const midi of midis) {
    const f0 = 440 * 2 ** ((midi - 69) / 12);
    for (let h = 1; h <= 8 && f0 * h < sampleRate / 2; h++) {
      for (let i = Math.round(start * sampleRate); i < x.length; i++) x[i] += (0.1 / h) * Math.sin((2 * Math.PI * f0 * h * i) / sampleRate);
    }
  }
  return x;
}
