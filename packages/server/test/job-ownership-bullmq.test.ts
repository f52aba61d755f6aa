import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { BullmqJobQueue, BullmqJobWorker } from '../src/jobs/bullmq-queue';
import { createJobProcessor } from '../src/jobs/processors';
import { enqueueClassifyBatch } from '../src/jobs/job-queue';
import { tokenIdentity } from '../src/http/auth';
import { loadTestClassifier } from './helpers/classifier';
import { makeHostileDataRoot } from './helpers/hostile-data-root';
import { startRedis, type RedisHandle } from './helpers/redis';
import { decode } from './helpers/server';

const A = 'token-a-5d1e';
const B = 'token-b-93f0';
const headers = (token: string) => ({ authorization: `Bearer ${token}` });

describe('job ownership with BullMQ on a real redis-server', () => {
  let redis: RedisHandle;
  let dirs: Awaited<ReturnType<typeof makeHostileDataRoot>>;

  beforeAll(async () => {
    redis = await startRedis();
    dirs = await makeHostileDataRoot();
  });
  afterAll(async () => {
    await redis?.stop();
    if (dirs) await rm(dirs.base, { recursive: true, force: true });
  });

  it('a job is visible to its token on every server sharing the queue, and 404 to other tokens; no token is stored', async () => {
    const queueName = 'ownership';
    const [firstQueue, secondQueue] = [new BullmqJobQueue({ redisUrl: redis.url, queueName }), new BullmqJobQueue({ redisUrl: redis.url, queueName })];
    const worker = new BullmqJobWorker(createJobProcessor({ dataRoot: dirs.root, workDir: dirs.workDir, classifier: loadTestClassifier, decodeAudio: decode }), { redisUrl: redis.url, queueName });
    const classifier = loadTestClassifier;
    // Two servers with the tokens in different orders: the owner is the token's hash, not its position.
    const first = await createServer({ classifier, decodeAudio: decode, tokens: [A, B], jobs: { queue: firstQueue, dataRoot: dirs.root } });
    const second = await createServer({ classifier, decodeAudio: decode, tokens: [B, A], jobs: { queue: secondQueue, dataRoot: dirs.root } });
    try {
      const res = await first.inject({ method: 'POST', url: '/api/jobs/classify-batch', headers: headers(A), payload: { items: [{ path: 'good/siren/a.wav' }] } });
      expect(res.statusCode).toBe(202);
      const id = res.json().job_id as string;
      await firstQueue.waitForResult(id, 60_000);
      for (const app of [first, second]) {
        const mine = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: headers(A) });
        expect(mine.statusCode).toBe(200);
        expect(mine.json()).toMatchObject({ state: 'completed', name: 'classify-batch' });
        const theirs = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: headers(B) });
        expect(theirs.statusCode).toBe(404);
        expect(theirs.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: `No job ${id}` } });
      }
      // What Redis holds for the job names its owner by a hash only.
      const stored = JSON.stringify(await (await import('bullmq')).Job.fromId((firstQueue as unknown as { queue: import('bullmq').Queue }).queue, id));
      expect(stored).toMatch(/"owner_identity\\?":\\?"[0-9a-f]{32}\\?"/);
      expect(stored).not.toContain(A);

      // Jobs queued from code are shown over HTTP only to the token named as their owner.
      const owned = await enqueueClassifyBatch(firstQueue, { items: [{ path: 'good/siren/a.wav' }] }, { owner: tokenIdentity(B) });
      const ownerless = await enqueueClassifyBatch(firstQueue, { items: [{ path: 'good/siren/a.wav' }] });
      await owned.result(60_000);
      await ownerless.result(60_000);
      const status = async (id: string, token: string) => (await second.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: headers(token) })).statusCode;
      expect([await status(owned.id, B), await status(owned.id, A), await status(ownerless.id, A), await status(ownerless.id, B)]).toEqual([200, 404, 404, 404]);
    } finally {
      await first.close();
      await second.close();
      await worker.close();
    }
  }, 120_000);
});
