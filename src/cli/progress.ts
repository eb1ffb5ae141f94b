// A one-line progress bar on stderr, drawn only on a terminal (pipes and CI logs
// stay clean). Redraws at most every 100 ms.

export interface Progress {
  update(done: number, note?: string): void;
  finish(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let last = 0;
  const draw = (done: number, note = "") => {
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    stream.write(`\r${label} [${bar}] ${done}/${total} ${(fraction * 100).toFixed(0)}% ETA ${eta.toFixed(0)}s ${note}`.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(99, (stream.columns ?? 100) - 1)));
  };
  return {
    update(done, note) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, note);
    },
    finish() {
      draw(total);
      stream.write("\n");
    },
  };
}

/**
 * For work in phases (reading train, then test; then training): a callback that starts a
 * new bar whenever the phase's label or total changes, and closes it when it completes.
 */
export function createPhasedProgress(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number, label: string, note?: string) => void {
  let bar: Progress | undefined, key = "";
  return (done, total, label, note) => {
    if (key !== `${label}\u0000${total}`) { key = `${label}\u0000${total}`; bar = createProgress(label, total, stream); }
    bar!.update(done, note);
    if (done === total) bar!.finish();
  };
}
