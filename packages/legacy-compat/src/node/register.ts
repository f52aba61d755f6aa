/*
 * `import '@noise-classifier/legacy-compat/register-node'` — kept as a no-op so existing code keeps working. It used
 * to set Node's file access and onnxruntime-node for the old classes; the service now picks the platform runtime
 * itself (pipelines' `#default-runtime`, chosen by export conditions), so `new NoiseClassifierV2('model.onnx')` and
 * `new MLService()` work in Node with no import at all.
 */
export {};
