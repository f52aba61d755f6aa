import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { BullmqJobQueue, BullmqJobWorker } from '../src/jobs/bullmq-queue';
import { JobFailedError, enqueueClassifyBatch, enqueueTraining } from '../src/jobs/job-queue';
import { createJobProcessor } from '../src/jobs/processors';
import { loadTestClassifier } from './helpers/classifier';
import { makeDataRoot } from './helpers/data-root';
import { interimTrainer } from './helpers/interim-trainer';
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

  it('runs training and batch jobs through Redis; the HTTP API reads their state', async () => {
    const queueName = 'basic';
    const queue = new BullmqJobQueue({ redisUrl: redis.url, queueName });
    const worker = new BullmqJobWorker(
      createJobProcessor({ dataRoot: dirs.root, workDir: dirs.workDir, train: interimTrainer(20), classifier: loadTestClassifier, decodeAudio: decode }),
      { redisUrl: redis.url, queueName },
    );
    const app = await createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: [TOKEN], jobs: { queue, dataRoot: dirs.root } });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/jobs/train', headers: { authorization: `Bearer ${TOKEN}` }, payload: { dataset: 'tiny', config: { epochs: 2 } } });
      expect(res.statusCode).toBe(202);
      const id = res.json().job_id;
      await expect(queue.waitForResult(id, 20_000)).resolves.toMatchObject({ epochs: 2, resumed_from_epoch: 0 });
      const status = (await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: { authorization: `Bearer ${TOKEN}` } })).json();
      expect(status).toMatchObject({ state: 'completed', progress: 1, name: 'train', attempts_started: 1 });

      const batch = await enqueueClassifyBatch<{ results: { result: { predicted_class: string } }[] }>(queue, { items: [{ path: 'tiny/audio/drill.wav' }, { path: 'tiny/audio/dog.ogg' }] });
      const out = await batch.result(20_000);
      expect(out.results).toHaveLength(2);
      expect(typeof out.results[0].result.predicted_class).toBe('string');

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
  });

  it('a worker killed with SIGKILL mid-training does not lose the job: another worker resumes it from the last checkpoint', async () => {
    const queueName = 'stall';
    const queue = new BullmqJobQueue({ redisUrl: redis.url, queueName });
    const children: ChildProcess[] = [];
    const spawnWorker = async () => {
      const child = spawn(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', 'test/helpers/worker-child.ts'], {
        cwd: packageRoot,
        env: { ...process.env, REDIS_URL: redis.url, QUEUE_NAME: queueName, DATA_ROOT: dirs.root, WORK_DIR: dirs.workDir, EPOCH_MS: '400' },
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
      const handle = await enqueueTraining<{ epochs: number; resumed_from_epoch: number }>(queue, { dataset: 'tiny', config: { epochs: 6 } });
      const checkpoints = path.join(dirs.workDir, 'jobs', handle.id, 'checkpoints');
      // Wait for two epochs' checkpoints, then kill the worker without warning.
      for (let i = 0; i < 200 && !existsSync(path.join(checkpoints, 'epoch-2.json')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(path.join(checkpoints, 'epoch-2.json'))).toBe(true);
      const exited = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await exited;
      expect((await handle.status())?.state).toBe('active'); // still locked by the dead worker

      await spawnWorker();
      const result = await handle.result(30_000);
      expect(result.epochs).toBe(6);
      expect(result.resumed_from_epoch).toBeGreaterThanOrEqual(2);
      expect(result.resumed_from_epoch).toBeLessThan(6);
      const status = await handle.status();
      expect(status?.state).toBe('completed');
      expect(status?.attemptsStarted).toBe(2);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      await queue.close();
    }
  }, 60_000);
});
