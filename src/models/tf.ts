// The one place that starts TensorFlow.js: the WASM backend (no native tfjs-node, no GPU),
// plus the kernel it is missing for training conv layers.
//
// tfjs-backend-wasm registers Conv2D and Conv2DBackpropInput but not Conv2DBackpropFilter
// (tfjs issue #8474), so the gradient of a conv layer's weights fails. Its
// Conv3DBackpropFilterV2 would do for stride 1 but is wrong for stride 2 (checked against the
// cpu backend and a hand loop), so the filter gradient is built here as im2col + one matMul
// from kernels the backend has (PadV2, StridedSlice, Concat, Reshape, BatchMatMul):
//   dW[i, j, ci, co] = sum over n, oh, ow of  xPadded[n, oh*sh + i, ow*sw + j, ci] * dy[n, oh, ow, co]

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { backend_util } from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: { disposeData(id: object): void }; attrs: Record<string, unknown> };

/**
 * Conv2DBackpropFilter from kernels the WASM backend has. Like tfjs' own backends, it calls
 * the other kernels directly (not through the engine, which must not be re-entered from a
 * kernel) and frees every intermediate buffer before returning.
 */
export function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  const filterShape = attrs.filterShape as [number, number, number, number];
  if (dataFormat !== "NHWC") throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${dataFormat}`);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, attrs.strides as [number, number], 1,
    attrs.pad as "same", attrs.dimRoundingMode as "round" | undefined, false, "channelsLast",
  );
  const { batchSize, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, inChannels, outChannels, padInfo } = info;
  const temporaries: TensorInfo[] = [];
  const run = (name: string, kernelInputs: Record<string, TensorInfo | TensorInfo[]>, kernelAttrs: object, temporary = true): TensorInfo => {
    const kernel = tf.getKernel(name, "wasm");
    if (!kernel) throw new Error(`Conv2DBackpropFilter (wasm): the backend has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs: kernelInputs as never, backend: backend as never, attrs: kernelAttrs as never }) as TensorInfo;
    if (temporary) temporaries.push(out);
    return out;
  };
  try {
    // Pad so that every (oh*s + i, ow*s + j) read by the forward pass is inside the tensor.
    const needH = (outHeight - 1) * strideHeight + filterHeight;
    const needW = (outWidth - 1) * strideWidth + filterWidth;
    const bottom = Math.max(0, needH - padInfo.top - x.shape[1]);
    const right = Math.max(0, needW - padInfo.left - x.shape[2]);
    const padded = run("PadV2", { x }, { paddings: [[0, 0], [padInfo.top, bottom], [padInfo.left, right], [0, 0]], constantValue: 0 });
    const columns: TensorInfo[] = [];
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        columns.push(run("StridedSlice", { x: padded }, {
          begin: [0, i, j, 0],
          end: [batchSize, i + (outHeight - 1) * strideHeight + 1, j + (outWidth - 1) * strideWidth + 1, inChannels],
          strides: [1, strideHeight, strideWidth, 1],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        }));
      }
    }
    const rows = batchSize * outHeight * outWidth;
    const stacked = columns.length === 1 ? columns[0] : run("Concat", columns as never, { axis: 3 });
    const im2col = run("Reshape", { x: stacked }, { shape: [1, rows, filterHeight * filterWidth * inChannels] });
    const grads = run("Reshape", { x: dy }, { shape: [1, rows, outChannels] });
    const product = run("BatchMatMul", { a: im2col, b: grads }, { transposeA: true, transposeB: false });
    return run("Reshape", { x: product }, { shape: filterShape }, false);
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

let ready: Promise<typeof tf> | undefined;

/**
 * Switches tfjs to the WASM backend once per process and registers the missing kernel.
 * Single-threaded in Node (the threaded build needs cross-origin isolation).
 */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    if (!tf.getKernel("Conv2DBackpropFilter", "wasm")) {
      tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilterWasm as never });
    }
    // PROD silences the "install tfjs-node" notice: running without it is the point.
    tf.env().set("PROD", true);
    if (!(await tf.setBackend("wasm"))) throw new Error("could not start the TensorFlow.js WASM backend");
    await tf.ready();
    return tf;
  })();
  return ready;
}

export { tf };
