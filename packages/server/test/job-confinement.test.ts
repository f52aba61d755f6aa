import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { loadTrainRunner } from '../src/train-runner';
import { confinedDatasetFiles } from '../src/jobs/confined-files';
import { InProcessJobQueue } from '../src/jobs/in-process-queue';
import { enqueueTraining } from '../src/jobs/job-queue';
import { createJobProcessor } from '../src/jobs/processors';
import { loadTestClassifier } from './helpers/classifier';
import { SECRET, makeHostileDataRoot } from './helpers/hostile-data-root';
import { TOKEN, decode } from './helpers/server';

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const TINY = { num_epochs: 1, batch_size: 2, feature_config: { nMels: 32, nMfcc: 20, spectrogramHeight: 32, spectrogramWidth: 32 } };

describe('training and batch jobs stay inside the data root (real server on loopback)', () => {
  let app: FastifyInstance;
  let url: string;
  let dirs: Awaited<ReturnType<typeof makeHostileDataRoot>>;

  beforeAll(async () => {
    dirs = await makeHostileDataRoot();
    app = await createServer({
      classifier: loadTestClassifier,
      decodeAudio: decode,
      tokens: [TOKEN],
      jobs: { dataRoot: dirs.root, workDir: dirs.workDir, train: await loadTrainRunner() },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await rm(dirs.base, { recursive: true, force: true });
  });

  async function runJob(route: string, body: unknown) {
    const res = await fetch(`${url}${route}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    for (let i = 0; i < 600; i++) {
      const status = (await (await fetch(`${url}/api/jobs/${job_id}`, { headers: auth })).json()) as Record<string, unknown>;
      if (status.state === 'completed' || status.state === 'failed') return { status, text: JSON.stringify(status) };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${job_id} did not finish`);
  }

  const mustNotLeak = (text: string) => {
    expect(text).not.toContain(dirs.base);
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/bytes starting/);
    expect(text).not.toMatch(/root:x:0/);
  };

  it.each([
    ['manifests/dotdot.csv', 'a manifest row with ../ escapes'],
    ['manifests/absolute.csv', 'a manifest row with an absolute path'],
    ['manifests/etc.csv', 'a manifest row naming /etc/hostname'],
    ['manifests/url.csv', 'a manifest row with a file:// URL'],
    ['linked-file', 'a symbolic link to an outside file inside a class folder'],
    ['linked-folder', 'a class folder that links outside'],
  ])('%s (%s) fails with E_PATH_OUTSIDE_ROOT and a root-relative message', async (dataset) => {
    const { status, text } = await runJob('/api/jobs/train', { dataset, config: TINY });
    expect(status.state, text).toBe('failed');
    expect((status.error as { code: string }).code, text).toBe('E_PATH_OUTSIDE_ROOT');
    mustNotLeak(text);
  }, 60_000);

  it('a non-audio file listed in a manifest fails without echoing its bytes', async () => {
    const { status, text } = await runJob('/api/jobs/train', { dataset: 'manifests/not-audio.csv', config: TINY });
    expect(status.state, text).toBe('failed');
    expect((status.error as { message: string }).message).toMatch(/manifests\/dotdot\.csv/);
    mustNotLeak(text);
  }, 60_000);

  it('a batch item that is a folder gets E_BAD_REQUEST, not a raw EISDIR; an in-root link is read', async () => {
    const { status, text } = await runJob('/api/jobs/classify-batch', { items: [{ path: 'good/siren' }, { path: 'good/siren/b.wav' }] });
    expect(status.state, text).toBe('completed');
    const { results } = status.result as { results: { error?: { code: string; message: string }; result?: unknown }[] };
    expect(results).toHaveLength(2);
    const [folder, linked] = results;
    expect(folder?.error?.code).toBe('E_BAD_REQUEST');
    expect(folder?.error?.message).toMatch(/items\[0\]\.path is a folder/);
    expect(text).not.toMatch(/EISDIR/);
    expect(linked?.result).toBeDefined();
  }, 60_000);
});

describe('confinedDatasetFiles', () => {
  it('reads in-root files and links, lists linked folders, refuses everything that leaves the root', async () => {
    const dirs = await makeHostileDataRoot();
    const files = confinedDatasetFiles(dirs.root);
    expect((await files.readFile('good/siren/b.wav')).length).toBeGreaterThan(44);
    expect(await files.listDirectory('linked-folder')).toEqual(
      expect.arrayContaining([{ name: 'engine_idling', isDirectory: true }, { name: 'siren', isDirectory: true }]),
    );
    for (const location of ['../outside/secret.wav', '/etc/passwd', 'C:\\Windows\\win.ini', 'file:///etc/passwd', 'linked-file/engine_idling/passwd.wav', 'linked-folder/engine_idling', 'a\0b']) {
      const error = await files.readFile(location).then(() => undefined, (e: unknown) => e as { code: string; message: string });
      expect(error?.code, location).toBe('E_PATH_OUTSIDE_ROOT');
      expect(error?.message).not.toContain(dirs.base);
    }
    await expect(files.listDirectory('linked-folder/engine_idling')).rejects.toMatchObject({ code: 'E_PATH_OUTSIDE_ROOT' });
    await expect(files.readFile('good/missing.wav')).rejects.toMatchObject({ code: 'E_DATASET', message: expect.stringContaining('"good/missing.wav" does not exist') });
    await rm(dirs.base, { recursive: true, force: true });
  });
});

describe('training jobs queued from code', () => {
  it('a config the HTTP schema would refuse fails the job with E_CONFIG before any thread starts', async () => {
    const dirs = await makeHostileDataRoot();
    let started = 0;
    const queue = new InProcessJobQueue(
      createJobProcessor({ dataRoot: dirs.root, workDir: dirs.workDir, train: async () => ((started += 1), { epochs: 0, resumedFromEpoch: 0 }) }),
    );
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    for (const config of [{ num_epochs: 1e12 }, { feature_config: deep }, { model_config: { architecture: '../../x' } }]) {
      const handle = await enqueueTraining(queue, { dataset: 'good', config });
      await expect(handle.result(10_000)).rejects.toMatchObject({ code: 'E_CONFIG' });
    }
    expect(started).toBe(0);
    await queue.close();
    await rm(dirs.base, { recursive: true, force: true });
  });
});
