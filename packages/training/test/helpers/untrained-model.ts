/*
 * A small randomly initialised ONNX model (cnn_small) exported by our own exporter, for service tests.
 * Built once per test process (tfjs cpu backend; BN statistics calibrated on random input so outputs are sane).
 */
import { buildModel, calibrateBatchNorm, createModelMetadata, exportOnnx, loadTf } from '@noise-classifier/models';

export const TEST_LABELS = ['dog_barking', 'rain_heavy', 'fire_alarm', 'silence', 'white_noise'];

const cache = new Map<string, Promise<Uint8Array>>();

export function untrainedOnnx(options: { labels?: string[]; inputChannels?: 1 | 3; sampleRate?: number } = {}): Promise<Uint8Array> {
  const labels = options.labels ?? TEST_LABELS;
  const inputChannels = options.inputChannels ?? 1;
  const sampleRate = options.sampleRate ?? 48_000;
  const key = JSON.stringify([labels, inputChannels, sampleRate]);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const tf = await loadTf();
      await tf.setBackend('cpu');
      const modelConfig = { architecture: 'cnn_small', labels, numClasses: labels.length, inputChannels };
      const featureConfig = { sampleRate };
      const model = await buildModel(modelConfig, featureConfig, { seed: 1 } as never);
      calibrateBatchNorm(model, tf, { batches: 1, batchSize: 2 } as never);
      const bytes = exportOnnx(model, createModelMetadata({ modelConfig, featureConfig, untrained: true }));
      model.dispose();
      return bytes;
    })();
    cache.set(key, p);
  }
  return p;
}
