import { existsSync } from 'node:fs';
import { NoiseClassifierService, defaultModelLocation, toWireClassification } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { describe, expect, it } from 'vitest';
import { silenceDeprecations } from '../src/deprecation';
import { MLService } from '../src/ml-service';
import { NoiseClassifierV2 } from '../src/noise-classifier-v2';
import { fixtureBytes } from './helpers/fixtures';

// The bundled default model is trained and committed by @noise-classifier/pipelines; until it is there these
// checks cannot run (the rest of the suite uses an untrained fixture model and does not depend on it).
const location = defaultModelLocation();
const bundled = location !== undefined && existsSync(location);

describe.runIf(bundled)('no model path: the bundled default model', () => {
  it('NoiseClassifierV2() and MLService() load it and agree with the service', async () => {
    silenceDeprecations();
    try {
      const service = await NoiseClassifierService.create({ runtime: nodeRuntime });
      const wav = await fixtureBytes('clip.wav');
      const expected = await service.classify(wav, undefined, { topK: 5 });
      const v2 = new NoiseClassifierV2({ runtime: nodeRuntime });
      expect(await v2.classify(wav)).toEqual(toWireClassification(expected));
      const ml = new MLService({ runtime: nodeRuntime });
      expect(ml.modelPath).toBeUndefined();
      const result = await ml.classify_noise(Buffer.from(wav).toString('base64'));
      expect(result.noise_type).toBe(expected.predictedClass);
      expect(result.all_predictions).toEqual(expected.probabilities);
      await Promise.all([service.dispose(), v2.dispose(), ml.dispose()]);
    } finally {
      silenceDeprecations(false);
    }
  });
});
