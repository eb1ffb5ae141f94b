// Band-limited sample-rate conversion: a Kaiser-windowed sinc evaluated at the exact
// fractional position of every output sample (table lookup with linear interpolation),
// streaming, with no allocation after construction.
//
// The low-pass cutoff is 0.95 of the lower Nyquist frequency, so downsampling rejects what
// would alias; 32 zero crossings each side and Kaiser beta 9 give about 90 dB of stopband.

const ZERO_CROSSINGS: i32 = 32;
const PHASES: i32 = 256;          // table entries per zero crossing
const KAISER_BETA: f64 = 9.0;
const ROLLOFF: f64 = 0.95;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast here). */
function besselI0(x: f64): f64 {
  let sum: f64 = 1.0, term: f64 = 1.0;
  const q = x * x * 0.25;
  for (let k = 1; k < 64; k++) {
    term *= q / (<f64>k * <f64>k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export class Resampler {
  readonly inRate: f64;
  readonly outRate: f64;
  /** Input samples advanced per output sample. */
  readonly step: f64;
  /** Cutoff as a fraction of the input Nyquist. */
  readonly cutoff: f64;
  /** Input samples the filter reaches on each side of an output instant. */
  readonly reach: i32;
  readonly maxBlock: i32;
  /** Caller writes up to maxBlock float32 samples here, then calls push(). */
  readonly input: StaticArray<f32>;
  /** push() writes its outputs here (at most maxOutput). */
  readonly output: StaticArray<f32>;
  readonly maxOutput: i32;
  private readonly table: StaticArray<f64>;
  private readonly buffer: StaticArray<f64>;
  private bufferLength: i32 = 0;
  /** Time of the next output sample, in buffer sample coordinates. */
  private position: f64 = 0;

  constructor(inRate: f64, outRate: f64, maxBlock: i32) {
    const step = inRate / outRate;
    const cutoff = min<f64>(1.0, outRate / inRate) * ROLLOFF;
    const reach = <i32>Math.ceil(<f64>ZERO_CROSSINGS / cutoff);
    const maxOutput = <i32>Math.ceil(<f64>(maxBlock + 2 * reach + 2) / step) + 2;
    const n = ZERO_CROSSINGS * PHASES;
    this.inRate = inRate;
    this.outRate = outRate;
    this.step = step;
    this.cutoff = cutoff;
    this.reach = reach;
    this.maxBlock = maxBlock;
    this.maxOutput = maxOutput;
    this.input = new StaticArray<f32>(maxBlock);
    this.output = new StaticArray<f32>(maxOutput);
    this.buffer = new StaticArray<f64>(maxBlock + 2 * reach + 4);
    this.table = new StaticArray<f64>(n + 2);
    const i0beta = besselI0(KAISER_BETA);
    for (let i = 0; i <= n; i++) {
      const x = <f64>i / <f64>PHASES;                 // in zero crossings
      const r = x / <f64>ZERO_CROSSINGS;
      const window = besselI0(KAISER_BETA * Math.sqrt(max<f64>(0, 1 - r * r))) / i0beta;
      const sinc = i == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
      this.table[i] = window * sinc;
    }
    this.table[n + 1] = 0;
    this.reset();
  }

  /** Forgets all input; the next sample pushed is time zero again. */
  reset(): void {
    // `reach` zeros of history, so the first output (at input sample 0) sees a full kernel.
    for (let i = 0; i < this.reach; i++) this.buffer[i] = 0;
    this.bufferLength = this.reach;
    this.position = <f64>this.reach;
  }

  @inline private kernel(distance: f64): f64 {
    const x = Math.abs(distance) * this.cutoff * <f64>PHASES;
    const index = <i32>x;
    if (index >= ZERO_CROSSINGS * PHASES) return 0;
    const frac = x - <f64>index;
    const a = unchecked(this.table[index]);
    return a + (unchecked(this.table[index + 1]) - a) * frac;
  }

  /** Consumes `count` samples from input; returns how many outputs were written. */
  push(count: i32): i32 {
    const buffer = this.buffer;
    let length = this.bufferLength;
    for (let i = 0; i < count; i++) unchecked(buffer[length + i] = <f64>unchecked(this.input[i]));
    length += count;
    let produced = 0;
    const reach = this.reach;
    const gain = this.cutoff;
    let t = this.position;
    // An output at time t needs input samples up to floor(t) + reach.
    while (<i32>t + reach < length && produced < this.maxOutput) {
      const center = <i32>t;
      let acc: f64 = 0;
      for (let i = center - reach + 1; i <= center + reach; i++) {
        acc += unchecked(buffer[i]) * this.kernel(t - <f64>i);
      }
      unchecked(this.output[produced] = <f32>(acc * gain));
      produced++;
      t += this.step;
    }
    // Keep only the history the next output can still reach.
    const drop = min<i32>(<i32>t - reach + 1, length);
    if (drop > 0) {
      for (let i = drop; i < length; i++) unchecked(buffer[i - drop] = buffer[i]);
      length -= drop;
      t -= <f64>drop;
    }
    this.bufferLength = length;
    this.position = t;
    return produced;
  }
}
