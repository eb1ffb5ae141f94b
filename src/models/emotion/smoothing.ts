// The tracker's smoothing, in one place: an exponential moving average per 0.5 s update
// (alpha 0.5: a change is 75% through after one second). The live tracker applies it update
// by update; eval applies it along each song's windows, so it can score what a performer
// receives as well as the network's raw outputs.

/** One step: the first value passes as it is, then alpha of the new value and 1 - alpha of the last. */
export function smoothStep(alpha: number, now: number, before: number | undefined): number {
  return before === undefined ? now : alpha * now + (1 - alpha) * before;
}

/**
 * count x width values (windows of one song consecutive and in time order, song[i] naming
 * window i's song), smoothed along each song as the tracker would have sent them.
 */
export function smoothAlongSongs(values: ArrayLike<number>, width: number, song: ArrayLike<number>, alpha: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < song.length; i++) {
    const first = i === 0 || song[i] !== song[i - 1];
    for (let d = 0; d < width; d++) out[i * width + d] = smoothStep(alpha, values[i * width + d]!, first ? undefined : out[(i - 1) * width + d]!);
  }
  return out;
}
