// MIDI out: a port (a virtual one named "moodwire", or an existing one by name)
// through easymidi, and/or a MIDI file. It remembers every sounding note so that
// nothing is left hanging: panic() ends them and sends All Notes Off on every
// channel used, and the CLI calls it on exit and on SIGINT/SIGTERM.

import { createRequire } from "node:module";
import { MidiFileWriter } from "./midi-file.ts";

interface EasyMidiOutput {
  send(type: string, data: Record<string, number>): void;
  close(): void;
}

export class MidiPortError extends Error {
  override name = "MidiPortError";
}

/** Opens a MIDI output port, or explains in one sentence why it cannot. */
export function openMidiPort(name: string): EasyMidiOutput {
  const easymidi = createRequire(import.meta.url)("easymidi") as {
    Output: new (name: string, virtual?: boolean) => EasyMidiOutput;
    getOutputs(): string[];
  };
  try {
    const existing = easymidi.getOutputs();
    return existing.includes(name) ? new easymidi.Output(name) : new easymidi.Output(name, true);
  } catch (err) {
    throw new MidiPortError(
      `cannot open MIDI port "${name}": no MIDI system is available (${(err as Error).message}); ` +
        `on Linux load the ALSA sequencer (sudo modprobe snd-seq), or use OSC out or --midi-file FILE instead`,
    );
  }
}

export class MidiOut {
  private port: EasyMidiOutput | null;
  /** Opens the port again after it vanished (null: no reconnection). */
  private readonly reopen: (() => EasyMidiOutput) | null;
  private readonly log: (line: string) => void;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectWaitMs = 1000;
  /** Called after every message (the dashboard's output activity). */
  onMessage: ((type: string, data: Record<string, number>) => void) | null = null;
  private readonly file: MidiFileWriter | null;
  /** Sounding notes, as channel * 128 + note. */
  private readonly sounding = new Set<number>();
  private readonly channels = new Set<number>();
  sent = 0;

  constructor({ port = null, file = null, reopen = null, log = (l) => process.stderr.write(`moodwire: ${l}\n`) }: { port?: EasyMidiOutput | null; file?: MidiFileWriter | null; reopen?: (() => EasyMidiOutput) | null; log?: (line: string) => void }) {
    this.port = port;
    this.file = file;
    this.reopen = reopen;
    this.log = log;
  }

  /** True while a port is open (false after it vanished, until it is back). */
  get connected(): boolean {
    return this.port !== null;
  }

  private emit(type: string, data: Record<string, number>, bytes: number[]): void {
    this.channels.add(data.channel ?? 0);
    if (this.port) {
      try {
        this.port.send(type, data);
      } catch (err) {
        this.portLost(err as Error);
      }
    }
    this.file?.write(bytes);
    this.sent++;
    this.onMessage?.(type, data);
  }

  /** The port vanished (a device unplugged): keep going without it and reopen it with a back-off. */
  private portLost(err: Error): void {
    try { this.port?.close(); } catch { /* already gone */ }
    this.port = null;
    this.log(`MIDI port lost (${err.message}); the MIDI file and OSC go on${this.reopen ? ", reconnecting" : ""}`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.reopen || this.reconnectTimer) return;
    const wait = this.reconnectWaitMs;
    this.reconnectWaitMs = Math.min(30_000, wait * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      try {
        this.port = this.reopen!();
        this.reconnectWaitMs = 1000;
        this.log("MIDI port reconnected");
      } catch {
        this.scheduleReconnect();
      }
    }, wait);
    this.reconnectTimer.unref();
  }

  noteOn(channel: number, note: number, velocity: number): void {
    this.emit("noteon", { channel, note, velocity }, [0x90 | channel, note, velocity]);
    if (velocity > 0) this.sounding.add(channel * 128 + note);
    else this.sounding.delete(channel * 128 + note);
  }

  noteOff(channel: number, note: number): void {
    this.emit("noteoff", { channel, note, velocity: 0 }, [0x80 | channel, note, 0]);
    this.sounding.delete(channel * 128 + note);
  }

  controlChange(channel: number, controller: number, value: number): void {
    this.emit("cc", { channel, controller, value }, [0xb0 | channel, controller, value]);
  }

  programChange(channel: number, program: number): void {
    this.emit("program", { channel, number: program }, [0xc0 | channel, program]);
  }

  /** Pitch bend, -8192..8191 (0 is centre). */
  pitchBend(channel: number, value: number): void {
    const v = Math.max(0, Math.min(16383, Math.round(value) + 8192));
    this.emit("pitch", { channel, value: v }, [0xe0 | channel, v & 0x7f, v >> 7]);
  }

  /** Notes still sounding (for tests and the dashboard). */
  get soundingNotes(): number {
    return this.sounding.size;
  }

  /** Ends every sounding note and sends All Notes Off (CC 123) on every channel used. */
  panic(): void {
    for (const key of [...this.sounding]) this.noteOff(Math.floor(key / 128), key % 128);
    for (const channel of [...this.channels]) this.controlChange(channel, 123, 0);
  }

  close(): void {
    this.panic();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.file?.close();
    try { this.port?.close(); } catch { /* already gone */ }
    this.port = null;
  }
}
