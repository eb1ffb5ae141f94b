// Percentiles of timings, and their spread over repeated rounds. This VM's timings move
// by up to 2x between runs of an unchanged model, so a latency is measured in several
// rounds and reported as the median round with the range beside it: one number alone
// cannot tell a change in the code from a busy neighbour.

/** The p-quantile (0..1) of the values, nearest rank; NaN when there are none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

/** A statistic over rounds or seeds: their median and mean, and the lowest and highest. */
export interface Spread {
  median: number;
  mean: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  return { median: percentile(values, 0.5), mean: values.reduce((a, v) => a + v, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Times `rounds` rounds of `perRound` samples, after `warmUp` samples thrown away, and
 * summarises them. `sample` returns one timing in ms, or undefined when this call produced
 * nothing to time (a live push that completed no update); those are not counted.
 */
export function timeRounds(rounds: number, perRound: number, warmUp: number, sample: () => number | undefined): ReturnType<typeof latencyRounds> {
  const taken: number[][] = [];
  for (let round = -1; round < rounds; round++) {
    const times: number[] = [];
    while (times.length < (round < 0 ? warmUp : perRound)) {
      const t = sample();
      if (t !== undefined) times.push(t);
    }
    if (round >= 0) taken.push(times);
  }
  return latencyRounds(taken);
}

/**
 * Times a and b alternately, one call each per sample, so both see the same moments of a
 * busy VM: `rounds` rounds of `perRound` samples after `warmUp`, as timeRounds does.
 */
export function timeAlternately(rounds: number, perRound: number, warmUp: number, a: () => void, b: () => void) {
  const taken: [number[], number[]][] = [];
  for (let round = -1; round < rounds; round++) {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < (round < 0 ? warmUp : perRound); i++) {
      for (const [k, run] of [a, b].entries()) {
        const t = performance.now();
        run();
        times[k]!.push(performance.now() - t);
      }
    }
    if (round >= 0) taken.push(times);
  }
  return [latencyRounds(taken.map((t) => t[0])), latencyRounds(taken.map((t) => t[1]))] as const;
}

/** p50 and p99 of each round of latencies, summarised over the rounds. */
export function latencyRounds(rounds: number[][]): { p50: Spread; p99: Spread; rounds: number } {
  return { p50: spread(rounds.map((r) => percentile(r, 0.5))), p99: spread(rounds.map((r) => percentile(r, 0.99))), rounds: rounds.length };
}

/** "p50 1.70 ms (1.62-1.81), p99 3.38 ms (2.90-3.52) over 3 rounds". */
export function formatLatency(l: { p50: Spread; p99: Spread; rounds: number }): string {
  const one = (s: Spread) => `${s.median.toFixed(2)} ms${l.rounds > 1 ? ` (${s.min.toFixed(2)}-${s.max.toFixed(2)})` : ""}`;
  return `p50 ${one(l.p50)}, p99 ${one(l.p99)}${l.rounds > 1 ? ` over ${l.rounds} rounds` : ""}`;
}
