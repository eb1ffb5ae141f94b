// The one place that starts TensorFlow.js: the WASM backend (no native tfjs-node, no GPU),
// plus the training kernels it is missing or that are slow (src/models/wasm-kernels.ts).

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "./wasm-kernels.ts";

let ready: Promise<typeof tf> | undefined;

/**
 * Switches tfjs to the WASM backend once per process and registers the missing kernel.
 * Single-threaded in Node (the threaded build needs cross-origin isolation).
 */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    registerWasmTrainingKernels();
    // PROD silences the "install tfjs-node" notice: running without it is the point.
    tf.env().set("PROD", true);
    if (!(await tf.setBackend("wasm"))) throw new Error("could not start the TensorFlow.js WASM backend");
    await tf.ready();
    return tf;
  })();
  return ready;
}

export { tf };
