/** How a graph is written as ONNX: its own module, so the public declarations never reach onnx-proto's types. */
export interface ExportOptions {
  seed?: number;
  /** Add every layer's output as a graph output (for checking shapes against onnxruntime). */
  exposeAll?: boolean;
  producerVersion?: string;
}
