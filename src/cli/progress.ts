// Progress for long work (training, batch analysis, threshold search), on stderr.
// On a terminal: a one-line bar, redrawn at most every 100 ms.
// Elsewhere (nohup, a pipe, a CI log): plain lines, one per tenth of the work, so a
// two-hour training written to a log file still says how far it is and when it ends.
// Work that is over within QUIET_MS writes nothing there, so quick commands keep their
// stderr empty and CI logs stay clean.

export interface Progress {
  update(done: number, note?: string): void;
  finish(): void;
}

/** Off a terminal, nothing is written before the work has run this long. */
export const QUIET_MS = 10_000;

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr, clock: () => number = Date.now): Progress {
  const started = clock();
  const fractionOf = (done: number) => (total > 0 ? Math.min(1, done / total) : 1);
  const etaSeconds = (fraction: number) => {
    const elapsed = (clock() - started) / 1000;
    return fraction > 0 ? (elapsed / fraction - elapsed).toFixed(0) : "?";
  };
  return stream.isTTY ? terminalBar(label, total, stream, clock, fractionOf, etaSeconds) : logLines(label, total, stream, clock, started, fractionOf, etaSeconds);
}

function terminalBar(label: string, total: number, stream: NodeJS.WriteStream, clock: () => number, fractionOf: (done: number) => number, etaSeconds: (fraction: number) => string): Progress {
  let last = -Infinity; // the first update always draws
  const draw = (done: number, note = "") => {
    const width = 30;
    const fraction = fractionOf(done);
    const filled = Math.round(fraction * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    stream.write(`\r${label} [${bar}] ${done}/${total} ${(fraction * 100).toFixed(0)}% ETA ${etaSeconds(fraction)}s ${note}`.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(99, (stream.columns ?? 100) - 1)));
  };
  return {
    update(done, note) {
      const now = clock();
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

function logLines(label: string, total: number, stream: NodeJS.WriteStream, clock: () => number, started: number, fractionOf: (done: number) => number, etaSeconds: (fraction: number) => string): Progress {
  let lastTenth = -1, wrote = false;
  return {
    update(done, note) {
      if (clock() - started < QUIET_MS) return;
      const fraction = fractionOf(done);
      const tenth = Math.floor(fraction * 10);
      if (tenth <= lastTenth || fraction >= 1) return; // the end is finish()'s line
      lastTenth = tenth;
      wrote = true;
      stream.write(`${label}: ${done}/${total} ${(fraction * 100).toFixed(0)}% ETA ${etaSeconds(fraction)}s${note ? ` ${note}` : ""}\n`);
    },
    finish() {
      // Only a log that said it started says it ended.
      if (wrote) stream.write(`${label}: done, ${total}/${total} in ${((clock() - started) / 1000).toFixed(0)}s\n`);
      wrote = false;
    },
  };
}

/**
 * For work in phases (reading train, then test; then training): a callback that starts a
 * new bar whenever the phase's label or total changes, and closes it when it completes.
 */
export function createPhasedProgress(stream: NodeJS.WriteStream = process.stderr, clock: () => number = Date.now): (done: number, total: number, label: string, note?: string) => void {
  let bar: Progress | undefined, key = "";
  return (done, total, label, note) => {
    if (key !== `${label}\u0000${total}`) { key = `${label}\u0000${total}`; bar = createProgress(label, total, stream, clock); }
    bar!.update(done, note);
    if (done === total) bar!.finish();
  };
}
