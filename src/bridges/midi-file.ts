// Every MIDI message the engine emits, also written with its time to a Standard
// MIDI File (format 0, one track, 1 tick = 1 ms). The file is valid after every
// flush: new events overwrite the end-of-track marker, which is written again after
// them, and the track length in the header is patched in place. Flushed every
// second, so a crash loses at most the last second; nothing is rewritten.

import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

const PPQ = 500; // with the default tempo of 500,000 us per beat: 1 tick = 1 ms
const HEADER = 14 + 8; // MThd chunk + MTrk header
const END_OF_TRACK = [0x00, 0xff, 0x2f, 0x00];

function varLen(n: number): number[] {
  const bytes = [n & 0x7f];
  while ((n >>>= 7) > 0) bytes.unshift((n & 0x7f) | 0x80);
  return bytes;
}

export class MidiFileWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly start: number;
  private lastTick = 0;
  private trackBytes = 0; // written events, not counting the end-of-track marker
  private pending: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(path: string, now = Date.now()) {
    this.path = path;
    this.start = now;
    this.fd = openSync(path, "w");
    const header = Buffer.alloc(HEADER);
    header.write("MThd", 0, "latin1");
    header.writeUInt32BE(6, 4);
    header.writeUInt16BE(0, 8); // format 0
    header.writeUInt16BE(1, 10); // one track
    header.writeUInt16BE(PPQ, 12);
    header.write("MTrk", 14, "latin1");
    writeSync(this.fd, header, 0, HEADER, 0);
    this.flush();
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  /** Queues one message (status byte first) at time `now` (ms). */
  write(message: number[], now = Date.now()): void {
    if (this.closed) return;
    const tick = Math.max(this.lastTick, Math.round(now - this.start));
    this.pending.push(...varLen(tick - this.lastTick), ...message);
    this.lastTick = tick;
  }

  /** Appends queued events, re-terminates the track and fixes its length. */
  flush(): void {
    if (this.closed) return;
    const events = Buffer.from([...this.pending, ...END_OF_TRACK]);
    writeSync(this.fd, events, 0, events.length, HEADER + this.trackBytes);
    this.trackBytes += this.pending.length;
    this.pending = [];
    const length = Buffer.alloc(4);
    length.writeUInt32BE(this.trackBytes + END_OF_TRACK.length);
    writeSync(this.fd, length, 0, 4, 18);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    clearInterval(this.timer);
    this.closed = true;
    closeSync(this.fd);
  }
}
