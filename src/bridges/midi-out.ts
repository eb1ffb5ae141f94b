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
  private readonly port: EasyMidiOutput | null;
  private readonly file: MidiFileWriter | null;
  /** Sounding notes, as channel * 128 + note. */
  private readonly sounding = new Set<number>();
  private readonly channels = new Set<number>();
  sent = 0;

  constructor({ port = null, file = null }: { port?: EasyMidiOutput | null; file?: MidiFileWriter | null }) {
    this.port = port;
    this.file = file;
  }

  private emit(type: string, data: Record<string, number>, bytes: number[]): void {
    this.channels.add(data.channel ?? 0);
    this.port?.send(type, data);
    this.file?.write(bytes);
    this.sent++;
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
    this.file?.close();
    this.port?.close();
  }
}
