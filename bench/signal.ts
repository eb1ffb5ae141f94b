// The benchmark's test signal: deterministic, music-like (changing chords with
// harmonics, a pulse of noise bursts), so every stage does real work.

export function benchSignal(seconds: number, sampleRate: number): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const x = new Float32Array(n);
  const chords = [[261.63, 329.63, 392.0], [220.0, 261.63, 329.63], [174.61, 220.0, 261.63], [196.0, 246.94, 293.66]];
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const chord = chords[Math.floor(t / 0.5) % chords.length]!;
    let v = 0;
    for (const f of chord) v += 0.15 * Math.sin(2 * Math.PI * f * t) + 0.05 * Math.sin(4 * Math.PI * f * t);
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const beat = t % 0.25;
    v += (beat < 0.03 ? 0.4 * (1 - beat / 0.03) : 0.01) * (seed / 2 ** 31 - 1);
    x[i] = v;
  }
  return x;
}
