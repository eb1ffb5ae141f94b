// OSC out over UDP to one or more targets (default 127.0.0.1:9000). Sending never
// throws into the engine: a failing target is reported once and skipped.

import { createSocket, type Socket } from "node:dgram";
import { createRequire } from "node:module";

const osc = createRequire(import.meta.url)("osc") as { writePacket(p: unknown): Uint8Array };

export type OscValue = number | string | { type: "i" | "f"; value: number };

export interface OscTarget {
  host: string;
  port: number;
}

/** Parses "HOST:PORT" (or just "PORT"), with a message a person can act on. */
export function parseHostPort(text: string, defaultHost = "127.0.0.1"): OscTarget {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`"${text}" is not HOST:PORT (e.g. 127.0.0.1:9000)`);
  return { host: m[1] ?? defaultHost, port };
}

function toArg(v: OscValue): { type: string; value: unknown } {
  if (typeof v === "string") return { type: "s", value: v };
  if (typeof v === "number") return { type: "f", value: v };
  return v;
}

export class OscOut {
  readonly targets: OscTarget[];
  sent = 0;
  /** Called after every send (the dashboard's output activity). */
  onSend: ((address: string, args: OscValue[]) => void) | null = null;
  private readonly socket: Socket;
  private readonly failing = new Set<string>();
  private readonly log: (line: string) => void;

  constructor(targets: OscTarget[], log: (line: string) => void = (l) => process.stderr.write(`moodwire: ${l}\n`)) {
    this.targets = targets;
    this.log = log;
    this.socket = createSocket("udp4");
    this.socket.on("error", (err) => this.log(`OSC out: ${err.message}`));
  }

  send(address: string, args: OscValue[]): void {
    const data = osc.writePacket({ address, args: args.map(toArg) });
    for (const t of this.targets) {
      this.socket.send(data, t.port, t.host, (err) => {
        const key = `${t.host}:${t.port}`;
        if (err && !this.failing.has(key)) {
          this.failing.add(key);
          this.log(`OSC out to ${key} failed (${err.message}); still trying`);
        } else if (!err) this.failing.delete(key);
      });
    }
    this.sent++;
    this.onSend?.(address, args);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
