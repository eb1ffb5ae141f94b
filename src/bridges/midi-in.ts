// MIDI in: notes and control changes from a port become moodwire signals that a
// mapping can route (midi.note, midi.note.<n>, midi.cc.<n>), values scaled to 0..1.

import { createRequire } from "node:module";
import { MidiPortError } from "./midi-out.ts";

export interface MidiInMessage {
  type: "noteon" | "noteoff" | "cc";
  channel: number;
  note?: number;
  velocity?: number;
  controller?: number;
  value?: number;
}

/** The signals one incoming message produces: [name, value] pairs. */
export function midiSignals(m: MidiInMessage): [string, number][] {
  if (m.type === "cc") return [[`midi.cc.${m.controller}`, (m.value ?? 0) / 127]];
  const velocity = m.type === "noteon" ? (m.velocity ?? 0) / 127 : 0;
  // A note-on with velocity 0 is a note-off, as MIDI defines it.
  return [["midi.note", velocity > 0 ? m.note! : -1], [`midi.note.${m.note}`, velocity]];
}

interface EasyMidiInput {
  on(event: string, listener: (m: Record<string, number>) => void): void;
  close(): void;
}

/** Opens a MIDI input by name and calls onSignal for each note and CC. */
export function openMidiInput(name: string, onSignal: (name: string, value: number) => void): { close(): void } {
  const easymidi = createRequire(import.meta.url)("easymidi") as { Input: new (name: string, virtual?: boolean) => EasyMidiInput; getInputs(): string[] };
  let input: EasyMidiInput;
  try {
    input = easymidi.getInputs().includes(name) ? new easymidi.Input(name) : new easymidi.Input(name, true);
  } catch (err) {
    throw new MidiPortError(`cannot open MIDI input "${name}": no MIDI system is available (${(err as Error).message}); on Linux load the ALSA sequencer (sudo modprobe snd-seq)`);
  }
  for (const type of ["noteon", "noteoff", "cc"] as const) {
    input.on(type, (m) => { for (const [n, v] of midiSignals({ type, ...m } as MidiInMessage)) onSignal(n, v); });
  }
  return input;
}
