import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { BullmqJobQueue, BullmqJobWorker } from '../src/jobs/bullmq-queue';
import { JobFailedError, enqueueClassifyBatch, enqueueTraining } from '../src/jobs/job-queue';
import { createJobProcessor } from '../src/jobs/processors';
import { loadTestClassifier } from './helpers/classifier';
import { TINY_TRAINING, makeDataRoot } from './helpers/data-root';
import { threadedTrainRunner } from '../src/train-in-thread';
import { startRedis, type RedisHandle } from './helpers/redis';
import { TOKEN, decode } from './helpers/server';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('BullMQ backend on a real redis-server', () => {
  let redis: RedisHandle;
  let dirs: Awaited<ReturnType<typeof makeDataRoot>>;

  beforeAll(async () => {
    redis = await startRedis();
    dirs = await makeDataRoot();
  });
  afterAll(async () => {
    await redis?.stop();
    if (dirs) await rm(dirs.base, { recursive: true, force: true });
  });

  it('runs batch jobs through Redis; the HTTP API submits them and reads their state', async () => {
    const queueName = 'basic';
    const queue = new BullmqJobQueue({ redisUrl: redis.url, queueName });
    const worker = new BullmqJobWorker(
      createJobProcessor({ dataRoot: dirs.root, workDir: dirs.workDir, train: threadedTrainRunner(), classifier: loadTestClassifier, decodeAudio: decode }),
      { redisUrl: redis.url, queueName },
    );
    const app = await createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: [TOKEN], jobs: { queue, dataRoot: dirs.root } });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/jobs/classify-batch', headers: { authorization: `Bearer ${TOKEN}` }, payload: { items: [{ id: 'dog', path: 'tiny/dog_barking/dog.ogg' }] } });
      expect(res.statusCode).toBe(202);
      const id = res.json().job_id;
      const viaQueue = (await queue.waitForResult(id, 60_000)) as { results: { id: string; result: { predicted_class: string } }[] };
      expect(viaQueue.results.map((r) => r.id)).toEqual(['dog']);
      const status = (await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(status).toMatchObject({ state: 'completed', progress: 1, name: 'classify-batch', attempts_started: 1 });
      expect(status.result).toEqual(viaQueue);

      const batch = await enqueueClassifyBatch<{ results: { result: { predicted_class: string } }[] }>(queue, { items: [{ path: 'tiny/construction_drilling/drill.wav' }, { path: 'tiny/dog_barking/dog.ogg' }] });
      const out = await batch.result(20_000);
      expect(out.results).toHaveLength(2);
      expect(typeof out.results[0]?.result.predicted_class).toBe('string');

      // A bad dataset fails at once (no retries) and result() rejects like task.get() would.
      const bad = await enqueueTraining(queue, { dataset: '../secret.txt' });
      const error = (await bad.result(20_000).catch((e: unknown) => e)) as JobFailedError;
      expect(error).toBeInstanceOf(JobFailedError);
      expect(error.code).toBe('E_PATH_OUTSIDE_ROOT');
      expect((await bad.status())?.attemptsStarted).toBe(1);
    } finally {
      await app.close();
      await worker.close();
    }
  }, 120_000);

  it('a worker killed with SIGKILL mid-training does not lose the job: another worker resumes it from the last checkpoint', async () => {
    const queueName = 'stall';
    const queue = new BullmqJobQueue({ redisUrl: redis.url, queueName });
    const children: ChildProcess[] = [];
    const spawnWorker = async () => {
      const child = spawn(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', 'test/helpers/worker-child.ts'], {
        cwd: packageRoot,
        env: { ...process.env, REDIS_URL: redis.url, QUEUE_NAME: queueName, DATA_ROOT: dirs.root, WORK_DIR: dirs.workDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('worker-ready') && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
      return child;
    };
    try {
      const first = await spawnWorker();
      const handle = await enqueueTraining<{ epochs: number; resumed_from_epoch: number; history: { train_loss: number[] } }>(queue, { dataset: 'tiny', config: { ...TINY_TRAINING, num_epochs: 3 } });
      const checkpoint = path.join(dirs.workDir, 'jobs', handle.id, 'checkpoints', 'last.ckpt');
      // Wait for the first epoch's checkpoint, then kill the worker without warning.
      const epochDone = async () => existsSync(checkpoint) && Number((await handle.status())?.progressDetails?.epoch ?? 0) >= 1;
      for (let i = 0; i < 1200 && !(await epochDone()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await epochDone()).toBe(true);
      const exited = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await exited;
      expect((await handle.status())?.state).toBe('active'); // still locked by the dead worker
      expect(readdirSync(path.dirname(checkpoint))).toContain('last.ckpt');

      await spawnWorker();
      const result = await handle.result(200_000);
      expect(result.epochs).toBe(3);
      expect(result.history.train_loss).toHaveLength(3);
      expect(result.resumed_from_epoch).toBeGreaterThanOrEqual(1);
      expect(result.resumed_from_epoch).toBeLessThan(3);
      const status = await handle.status();
      expect(status?.state).toBe('completed');
      expect(status?.attemptsStarted).toBe(2);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      await queue.close();
    }
  }, 300_000);
});
