import { readFileSync } from 'node:fs';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { useExampleModel } from './helpers/model';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

// The handler reads NOISE_CLASSIFIER_MODEL when its module loads, as in a Lambda container.
let modelPath: string;
let handler: typeof import('../src/lambda/handler').handler;
let modelLoadCount: typeof import('../src/lambda/handler').modelLoadCount;
beforeAll(async () => {
  modelPath = await useExampleModel();
  ({ handler, modelLoadCount } = await import('../src/lambda/handler'));
});

/**
 * The files in test/events are real Lambda event shapes. Their audio is a placeholder `<<shared:PATH>>`, filled here
 * with the base64 of that clip from ../shared/datasets (recordings are not committed). A body flagged
 * `isBase64Encoded` is committed as readable text and base64-encoded here, as API Gateway does.
 */
function event(name: string) {
  const text = readFileSync(new URL(`./events/${name}.json`, import.meta.url), 'utf8');
  const parsed = JSON.parse(text.replace(/<<shared:([^>]+)>>/g, (_, file: string) => readSharedClip(file).toString('base64')));
  if (parsed?.isBase64Encoded === true) parsed.body = Buffer.from(parsed.body, 'utf8').toString('base64');
  return parsed;
}

describe('Lambda handler invoked with real event JSON', () => {
  it('loads the model once per container, even for concurrent cold invocations', async () => {
    expect(modelLoadCount()).toBe(0);
    const results = await Promise.all([handler(event('direct-ogg'), {}), handler(event('api-gateway-proxy'), {}), handler(event('direct-wav'), {})]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    await handler(event('api-gateway-proxy-base64-body'), {});
    expect(modelLoadCount()).toBe(1);
  });

  it('gives what NoiseClassifierService says for the same clip, in every event shape', async () => {
    const service = await NoiseClassifierService.create({ runtime: nodeRuntime, modelPath });
    const expected = await service.classify(readSharedClip(SHARED_CLIPS.dogBark));
    for (const name of ['direct-ogg', 'api-gateway-proxy', 'api-gateway-proxy-base64-body']) {
      const res = await handler(event(name), {});
      expect(res.statusCode, name).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      const body = JSON.parse(res.body);
      expect(body.predicted_class).toBe(expected.predictedClass);
      expect(body.noise_type).toBe(expected.predictedClass);
      expect(body.confidence).toBeCloseTo(expected.confidence, 6);
      expect(body.top_k.map((p: [string, number]) => p[0])).toEqual(expected.topK.map((p) => p[0]));
      expect(typeof body.model_version).toBe('string');
    }
    const wav = JSON.parse((await handler(event('direct-wav'), {})).body);
    expect(wav.predicted_class).toBe((await service.classify(readSharedClip(SHARED_CLIPS.drilling))).predictedClass);
    await service.dispose();
  });

  it.each([
    ['api-gateway-bad-base64', 400, 'E_BAD_BASE64'],
    ['api-gateway-malformed-json', 400, 'E_BAD_JSON'],
    ['direct-corrupt-wav', 400, undefined],
  ])('%s → %i with a JSON error', async (name, status, code) => {
    const res = await handler(event(name), {});
    expect(res.statusCode).toBe(status);
    const body = JSON.parse(res.body);
    expect(typeof body.error.message).toBe('string');
    if (code) expect(body.error.code).toBe(code);
  });

  it('400 for events without audio', async () => {
    for (const e of [{}, { body: '{}' }, null, 'text']) expect((await handler(e, {})).statusCode).toBe(400);
  });
});
