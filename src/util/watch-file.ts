// Polls a file (size and modification time) and calls back when it changes or goes away.
// Polling, not fs.watch: editors replace files by renaming, which fs.watch loses track of.
// The baseline is taken now, synchronously, so a change made right after this call is
// never missed (fs.watchFile takes its first look later, and can fold an early edit into it).

import { statSync } from "node:fs";

export function watchFile(path: string, onChange: () => void, onGone: () => void = () => {}, intervalMs = 250): { close(): void } {
  const fingerprint = () => {
    try {
      const st = statSync(path);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return "missing";
    }
  };
  let last = fingerprint();
  const timer = setInterval(() => {
    const now = fingerprint();
    if (now === last) return;
    last = now;
    if (now === "missing") onGone();
    else onChange();
  }, intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
