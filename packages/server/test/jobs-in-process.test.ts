import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { InProcessJobQueue } from '../src/jobs/in-process-queue';
import { JobFailedError, enqueueClassifyBatch, enqueueTraining } from '../src/jobs/job-queue';
import { createJobProcessor } from '../src/jobs/processors';
import { loadTestClassifier } from './helpers/classifier';
import { TINY_TRAINING, makeDataRoot } from './helpers/data-root';
import { threadedTrainRunner } from '../src/train-in-thread';
import { loadClassifier } from '../src/service-classifier';
import path from 'node:path';
import { TOKEN, decode } from './helpers/server';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

const auth = { authorization: `Bearer ${TOKEN}` };

describe('job API with the in-process queue', () => {
  let app: FastifyInstance;
  let dirs: Awaited<ReturnType<typeof makeDataRoot>>;

  beforeAll(async () => {
    dirs = await makeDataRoot();
    app = await createServer({
      classifier: await loadTestClassifier(),
      decodeAudio: decode,
      tokens: [TOKEN],
      jobs: { dataRoot: dirs.root, workDir: dirs.workDir, train: threadedTrainRunner() },
    });
  });
  afterAll(async () => {
    await app.close();
    await rm(dirs.base, { recursive: true, force: true });
  });

  async function poll(id: string) {
    for (let i = 0; i < 1200; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: auth });
      const body = res.json();
      if (body.state === 'completed' || body.state === 'failed') return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('job did not finish');
  }

  it('POST /api/jobs/train → 202 with job_id; GET shows the result; the trained ONNX model classifies', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/jobs/train', headers: auth, payload: { dataset: 'tiny', config: { ...TINY_TRAINING, num_epochs: 1 } } });
    expect(res.statusCode).toBe(202);
    const { job_id } = res.json();
    expect(job_id).toMatch(/^[0-9a-f-]{36}$/);
    const done = await poll(job_id);
    expect(done).toMatchObject({ state: 'completed', progress: 1, name: 'train', attempts_started: 1 });
    expect(done.result).toMatchObject({ epochs: 1, resumed_from_epoch: 0, model_file: `jobs/${job_id}/model.onnx` });
    expect(done.result.history.train_loss).toHaveLength(1);
    // In Node the job trains with the onnxruntime gradient engine.
    expect(done.result.metrics.engine).toMatch(/^onnxruntime/);
    const trained = await loadClassifier({ modelPath: path.join(dirs.workDir, done.result.model_file) });
    expect([...trained.modelInfo().labels].sort()).toEqual(['construction_drilling', 'dog_barking']);
    expect(trained.modelInfo().untrained).toBe(false);
    const [clip] = await trained.classifyBatch([await decode(readSharedClip(SHARED_CLIPS.dogBark))]);
    expect(['construction_drilling', 'dog_barking']).toContain(clip?.predicted_class);
    await trained.dispose!();
  }, 180_000);

  it.each([
    ['../secret.txt', 'E_PATH_OUTSIDE_ROOT'],
    ['tiny/../../secret.txt', 'E_PATH_OUTSIDE_ROOT'],
    ['/etc/passwd', 'E_PATH_OUTSIDE_ROOT'],
    ['escape.txt', 'E_PATH_OUTSIDE_ROOT'],
    ['escape-dir/secret.txt', 'E_PATH_OUTSIDE_ROOT'],
    ['C:\\Windows', 'E_PATH_OUTSIDE_ROOT'],
    ['tiny\u0000/x', 'E_PATH_OUTSIDE_ROOT'],
    ['no-such-folder', 'E_BAD_REQUEST'],
  ])('rejects dataset %j outside the data root (%s) without naming server paths', async (dataset, code) => {
    const res = await app.inject({ method: 'POST', url: '/api/jobs/train', headers: auth, payload: { dataset } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).not.toContain(dirs.base);
  });

  it('rejects batch items whose path escapes the root', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/jobs/classify-batch', headers: auth, payload: { items: [{ path: '../secret.txt' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('E_PATH_OUTSIDE_ROOT');
  });

  it('classify-batch job classifies base64 and data-root files; per-item errors do not fail the job', async () => {
    const ogg = readSharedClip(SHARED_CLIPS.dogBark).toString('base64');
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs/classify-batch',
      headers: auth,
      payload: { items: [{ id: 'a', audio_data: ogg }, { id: 'b', path: 'tiny/dog_barking/dog.ogg' }, { id: 'c', path: 'tiny/manifest.csv' }] },
    });
    expect(res.statusCode).toBe(202);
    const done = await poll(res.json().job_id);
    expect(done.state).toBe('completed');
    const [a, b, c] = done.result.results;
    expect(a.result.predicted_class).toBe(b.result.predicted_class);
    expect(a.result.probabilities).toEqual(b.result.probabilities);
    expect(c.error.code).toBe('E_BAD_AUDIO');
  });

  it('GET of an unknown job is a JSON 404; job routes need the token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/jobs/nope', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/jobs/nope' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/jobs/train', payload: { dataset: 'tiny' } })).statusCode).toBe(401);
  });
});

describe('enqueueTraining from TypeScript', () => {
  it('returns a handle whose result() resolves like task.get(), and rejects with the job error', async () => {
    const dirs = await makeDataRoot();
    const queue = new InProcessJobQueue(createJobProcessor({ dataRoot: dirs.root, workDir: dirs.workDir, train: threadedTrainRunner(), classifier: loadTestClassifier, decodeAudio: decode }));
    const handle = await enqueueTraining<{ epochs: number }>(queue, { dataset: 'tiny/manifest.csv', config: { ...TINY_TRAINING, num_epochs: 1 } });
    expect((await handle.status())?.state).toMatch(/waiting|active/);
    await expect(handle.result(170_000)).resolves.toMatchObject({ epochs: 1 });
    expect((await handle.status())?.state).toBe('completed');

    const bad = await enqueueTraining(queue, { dataset: '../secret.txt' });
    const error = (await bad.result().catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.code).toBe('E_PATH_OUTSIDE_ROOT');

    const batch = await enqueueClassifyBatch<{ results: unknown[] }>(queue, { items: [{ path: 'tiny/construction_drilling/drill.wav' }] });
    expect((await batch.result()).results).toHaveLength(1);
    await queue.close();
    await rm(dirs.base, { recursive: true, force: true });
  }, 180_000);
});
