// A single-producer single-consumer ring of feature rows in a SharedArrayBuffer.
// The audio thread writes (never waits, never allocates: when the ring is full the
// frame is dropped and counted); the main thread reads and may sleep on
// Atomics.waitAsync until the writer notifies.

const WRITE = 0;
const READ = 1;
const DROPPED = 2;
const NON_FINITE = 3;
const CONTROL_INTS = 4;
/** Float64 metadata after the control ints: [0] context frame of the first quantum. */
const META_DOUBLES = 2;
const HEADER_BYTES = CONTROL_INTS * 4 + META_DOUBLES * 8;

export interface FrameRingBuffers {
  sab: SharedArrayBuffer;
  capacity: number;
  stride: number;
}

/** Allocates the shared memory for `capacity` rows of `stride` float32 values. */
export function createFrameRing(capacity: number, stride: number): FrameRingBuffers {
  const bytes = HEADER_BYTES + capacity * 8 + capacity * stride * 4;
  const sab = new SharedArrayBuffer(bytes);
  new Float64Array(sab, CONTROL_INTS * 4, META_DOUBLES)[0] = -1; // no quantum yet
  return { sab, capacity, stride };
}

class RingViews {
  protected readonly control: Int32Array;
  protected readonly meta: Float64Array;
  protected readonly indices: Float64Array;
  protected readonly data: Float32Array;
  protected readonly capacity: number;
  protected readonly stride: number;

  constructor({ sab, capacity, stride }: FrameRingBuffers) {
    this.capacity = capacity;
    this.stride = stride;
    this.control = new Int32Array(sab, 0, CONTROL_INTS);
    this.meta = new Float64Array(sab, CONTROL_INTS * 4, META_DOUBLES);
    this.indices = new Float64Array(sab, HEADER_BYTES, capacity);
    this.data = new Float32Array(sab, HEADER_BYTES + capacity * 8, capacity * stride);
  }

  /** Context sample frame of the worklet's first render quantum (-1 until it ran). */
  get startFrame(): number {
    return this.meta[0]!;
  }

  /** Frames the writer had to drop because the reader was behind. */
  get dropped(): number {
    return Atomics.load(this.control, DROPPED);
  }

  /** Non-finite input samples the writer replaced by 0. */
  get nonFinite(): number {
    return Atomics.load(this.control, NON_FINITE);
  }
}

/** The audio thread's side. */
export class FrameRingWriter extends RingViews {
  /** Copies a row in; returns false (and counts a drop) if the ring is full. */
  write(row: Float32Array, frameIndex: number): boolean {
    const written = Atomics.load(this.control, WRITE);
    const read = Atomics.load(this.control, READ);
    if (((written - read) | 0) >= this.capacity) {
      Atomics.add(this.control, DROPPED, 1);
      return false;
    }
    const slot = (written >>> 0) % this.capacity;
    const base = slot * this.stride;
    for (let i = 0; i < this.stride; i++) this.data[base + i] = row[i]!;
    this.indices[slot] = frameIndex;
    Atomics.store(this.control, WRITE, (written + 1) | 0);
    Atomics.notify(this.control, WRITE);
    return true;
  }

  setStartFrame(frame: number): void {
    this.meta[0] = frame;
  }

  setNonFinite(count: number): void {
    Atomics.store(this.control, NON_FINITE, count);
  }
}

/** The main thread's side. */
export class FrameRingReader extends RingViews {
  /** Delivers every row written since the last call; returns how many. */
  drain(onRow: (row: Float32Array, frameIndex: number) => void): number {
    const written = Atomics.load(this.control, WRITE);
    let read = Atomics.load(this.control, READ);
    let n = 0;
    while (read !== written) {
      const slot = (read >>> 0) % this.capacity;
      onRow(this.data.subarray(slot * this.stride, (slot + 1) * this.stride), this.indices[slot]!);
      read = (read + 1) | 0;
      Atomics.store(this.control, READ, read);
      n++;
    }
    return n;
  }

  /** Resolves when the writer has written past what was last drained (or after timeoutMs). */
  async waitForFrames(timeoutMs: number): Promise<void> {
    const read = Atomics.load(this.control, READ);
    const result = Atomics.waitAsync(this.control, WRITE, read, timeoutMs);
    if (result.async) await result.value;
  }
}
