// tfjs-backend-wasm registers Conv2D and Conv2DBackpropInput but not Conv2DBackpropFilter
// (tfjs issue #8474), so the gradient of a conv layer's weights fails. Its
// Conv3DBackpropFilterV2 would do for stride 1 but is wrong for stride 2 (checked against the
// cpu backend and a hand loop). Both conv gradients are correlations themselves, so they are
// built here from the backend's fast forward Conv2D (XNNPACK) plus PadV2/Transpose/Reverse/Slice:
//
//   filter gradient  dW[i, j, ci, co] = sum over n, oh, ow of xPadded[n, oh*s + i, ow*s + j, ci] * dy[n, oh, ow, co]
//     = Conv2D(input = xPadded as [ci, H, W, n], filter = dy as [oh, ow, n, co], dilation s, valid)
//   input gradient (stride 1)  dx = Conv2D(dyPadded, W flipped in space with in/out swapped, valid)
//
// Measured on this machine (batch 32, 3x3 filters): the filter gradient takes 13-40 ms per
// layer where an im2col + matMul version took 100-220 ms, and the input gradient 6-14 ms where
// the backend's own Conv2DBackpropInput takes 15-155 ms.

import * as tf from "@tensorflow/tfjs";
import { backend_util } from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type WasmBackend = { disposeData(id: object): void };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => TensorInfo;

/**
 * Runs other wasm kernels directly (as tfjs' own backends do: the engine must not be
 * re-entered from inside a kernel) and frees every intermediate when done.
 */
function kernelRunner(backend: WasmBackend) {
  const temporaries: TensorInfo[] = [];
  return {
    run(name: string, inputs: Record<string, TensorInfo>, attrs: object, keep = false): TensorInfo {
      const kernel = tf.getKernel(name, "wasm");
      if (!kernel) throw new Error(`moodwire conv gradient (wasm): the backend has no ${name} kernel`);
      const out = kernel.kernelFunc({ inputs: inputs as never, backend: backend as never, attrs: attrs as never }) as TensorInfo;
      if (!keep) temporaries.push(out);
      return out;
    },
    dispose() { for (const t of temporaries) backend.disposeData(t.dataId); },
  };
}

function convInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>) {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  if (dataFormat !== "NHWC") throw new Error(`moodwire conv gradient (wasm): only NHWC is supported, got ${dataFormat}`);
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides as [number, number], (attrs.dilations as [number, number] | undefined) ?? 1,
    attrs.pad as "same", attrs.dimRoundingMode as "round" | undefined, false, "channelsLast",
  );
}

/** Conv2DBackpropFilter from the backend's forward Conv2D. */
export function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = convInfo(x.shape, filterShape, attrs);
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const k = kernelRunner(backend);
  try {
    // Pad so that every (oh*s + i, ow*s + j) the forward pass read is inside the tensor.
    const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - padInfo.top - x.shape[1]!);
    const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - padInfo.left - x.shape[2]!);
    const padded = k.run("PadV2", { x }, { paddings: [[0, 0], [padInfo.top, bottom], [padInfo.left, right], [0, 0]], constantValue: 0 });
    const input = k.run("Transpose", { x: padded }, { perm: [3, 1, 2, 0] });        // [ci, H, W, n]
    const filter = k.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });           // [oh, ow, n, co]
    let product = k.run("Conv2D", { x: input, filter }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [strideHeight, strideWidth] });
    if (product.shape[1] !== filterHeight || product.shape[2] !== filterWidth) {
      product = k.run("Slice", { x: product }, { begin: [0, 0, 0, 0], size: [product.shape[0], filterHeight, filterWidth, product.shape[3]] });
    }
    return k.run("Transpose", { x: product }, { perm: [1, 2, 0, 3] }, true);     // [fh, fw, ci, co]
  } finally {
    k.dispose();
  }
}

/** Conv2DBackpropInput for stride 1 from the forward Conv2D; other strides use the backend's own. */
export function conv2dBackpropInputWasm(original: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const inputShape = attrs.inputShape as number[];
    const info = convInfo(inputShape, filter.shape, attrs);
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return original(args);
    const { filterHeight, filterWidth, padInfo } = info;
    const k = kernelRunner(backend);
    try {
      const padded = k.run("PadV2", { x: dy }, {
        paddings: [[0, 0], [filterHeight - 1 - padInfo.top, filterHeight - 1 - padInfo.bottom], [filterWidth - 1 - padInfo.left, filterWidth - 1 - padInfo.right], [0, 0]],
        constantValue: 0,
      });
      const flipped = k.run("Reverse", { x: filter }, { dims: [0, 1] });
      const swapped = k.run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });   // [fh, fw, co, ci]
      return k.run("Conv2D", { x: padded, filter: swapped }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1] }, true);
    } finally {
      k.dispose();
    }
  };
}

/**
 * The gradient of FusedBatchNorm, as tfjs-core computes it but with broadcasting where the
 * original tiles the per-channel factor to the whole activation (a [N, H, W, C] copy per
 * layer per step: 160 ms of a 765 ms training step here).
 */
function batchNormGradient(dy: tf.Tensor, saved: tf.Tensor[], attrs: Record<string, unknown>) {
  const varianceEpsilon = attrs.varianceEpsilon as number;
  const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
  const scaleValue = scale ?? tf.scalar(1);
  const reductionAxes = backend_util.getReductionAxes(mean.shape, x.shape);
  const perChannel = mean.rank === 1;
  const reduce = (t: tf.Tensor) => (perChannel ? tf.sum(t, reductionAxes) : t).reshape(mean.shape);
  const xMinusMean = tf.sub(x, mean);
  const dyTimesScale = tf.mul(dy, scaleValue);
  const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
  const minusHalfRCube = tf.mul(tf.pow(oneOverSqrtVariance, 3), tf.scalar(-0.5));
  return {
    x: () => tf.mul(dy, tf.mul(oneOverSqrtVariance, scaleValue)).reshape(x.shape),
    mean: () => reduce(tf.mul(tf.neg(oneOverSqrtVariance), dyTimesScale)),
    variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
    scale: () => reduce(tf.mul(dy, tf.mul(xMinusMean, oneOverSqrtVariance))),
    offset: () => reduce(dy),
  };
}

let registered = false;

/** Registers the kernels above (idempotent). Call before the wasm backend initialises. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel("Conv2DBackpropFilter", "wasm")) {
    tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilterWasm as never });
  }
  const original = tf.getKernel("Conv2DBackpropInput", "wasm")!;
  tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({ ...original, kernelFunc: conv2dBackpropInputWasm(original.kernelFunc as never) as never });
  // Replaces tfjs-core's registration for every backend; the math is the same.
  const quiet = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient({ kernelName: "FusedBatchNorm", inputsToSave: ["x", "mean", "variance", "scale"], gradFunc: batchNormGradient as never });
  } finally {
    console.warn = quiet;
  }
}
