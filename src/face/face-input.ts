// FaceOSC over UDP: a real socket (127.0.0.1:8338 by default, FaceOSC's port) that
// decodes every datagram, counts what it drops by reason, logs drops at most once a
// second, and keeps the face state current. Garbage never stops valid traffic.

import { createSocket, type Socket } from "node:dgram";
import { decodeFacePacket, type DropReason, type FaceUpdate } from "./faceosc.ts";
import { FaceEmotionTracker, type EmotionOptions, type FaceState } from "./emotion.ts";

export interface FaceInputOptions extends EmotionOptions {
  host?: string;
  port?: number;
  /** Where drop reports go (default: stderr), at most once per second. */
  log?: (line: string) => void;
  onState?: (state: FaceState, updates: FaceUpdate[]) => void;
  onWekinator?: (values: number[]) => void;
  /** Only datagrams from these sender addresses are read (empty or absent: any sender). */
  allowFrom?: string[];
}

export class FaceInput {
  readonly tracker: FaceEmotionTracker;
  readonly drops: Record<DropReason, number> = { "malformed-packet": 0, "unknown-address": 0, "wrong-arity": 0, "wrong-type": 0, "not-finite": 0 };
  packets = 0;
  messages = 0;
  /** Datagrams from senders not in allowFrom (ignored unread). */
  refused = 0;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dropsSinceLog = 0;
  private lastLog = 0;
  private readonly options: FaceInputOptions;

  constructor(options: FaceInputOptions = {}) {
    this.options = options;
    this.tracker = new FaceEmotionTracker(options);
  }

  /** Binds the socket; resolves with the bound port (0 asks the OS for a free one). */
  async listen(): Promise<number> {
    const { host = "127.0.0.1", port = 8338 } = this.options;
    // A large receive buffer: bursts (1,000 bundles/s, or a sender flushing a backlog)
    // must queue in the kernel rather than be dropped while the event loop is busy.
    const socket = createSocket({ type: "udp4", recvBufferSize: 4 << 20 });
    this.socket = socket;
    const allowed = this.options.allowFrom?.length ? new Set(this.options.allowFrom) : null;
    socket.on("message", (data, rinfo) => {
      if (allowed && !allowed.has(rinfo.address)) {
        if (this.refused++ === 0) this.log(`ignoring OSC from ${rinfo.address} (not in the allowed senders: ${[...allowed].join(", ")})`);
        return;
      }
      this.receive(data, Date.now());
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "EADDRINUSE" ? `OSC input ${host}:${port} is already in use (is another FaceOSC listener running?); choose another with --osc-in HOST:PORT` : `cannot listen for OSC on ${host}:${port}: ${err.message}`)));
      socket.bind(port, host, () => resolve());
    });
    socket.on("error", (err) => this.log(`OSC input error: ${err.message}`));
    this.timer = setInterval(() => {
      const s = this.tracker.tick(Date.now());
      if (s.changed) this.options.onState?.(s, []);
    }, 50);
    return socket.address().port;
  }

  /** Handles one datagram (public so the benchmark and tests can time it). */
  receive(data: Uint8Array, now: number): void {
    this.packets++;
    const { updates, drops } = decodeFacePacket(data);
    this.messages += updates.length;
    for (const reason of drops) this.drops[reason]++;
    if (drops.length > 0) this.noteDrops(drops.length, now);
    const wek = updates.find((u) => u.kind === "wekinator");
    if (wek && wek.kind === "wekinator") this.options.onWekinator?.(wek.values);
    if (updates.length > 0) {
      // Update first: inside `onState?.(...)` the update would be skipped with no listener.
      const state = this.tracker.update(updates, now);
      this.options.onState?.(state, updates);
    }
  }

  private noteDrops(n: number, now: number): void {
    this.dropsSinceLog += n;
    if (now - this.lastLog < 1000) return;
    const counts = Object.entries(this.drops).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
    this.log(`dropped ${this.dropsSinceLog} bad OSC message(s) in the last second (totals: ${counts})`);
    this.dropsSinceLog = 0;
    this.lastLog = now;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`moodwire: ${l}\n`)))(line);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
