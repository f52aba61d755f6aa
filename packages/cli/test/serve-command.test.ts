import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_CLIPS, readSharedClip, sharedDatasetPath } from '../../../tooling/shared-data';

const run = promisify(execFile);
const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const serverTestHelpers = new URL('../../server/test/helpers/classifier.ts', import.meta.url).href;

/** `noise-classifier …` from source (what bin/noise-classifier.js runs once built). */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: cliRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve(m);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${out.slice(-2000)}`)));
  });
}

describe('noise-classifier serve', () => {
  let child: ChildProcess;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    const { testModelPath } = (await import(serverTestHelpers)) as { testModelPath: () => Promise<string> };
    dir = await mkdtemp(path.join(tmpdir(), 'nc-serve-'));
    child = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--model', await testModelPath(), '--token', 'token', '--log-level', 'warn']);
    url = (await waitFor(child, /listening on (http:\/\/\S+)/))[1]!;
    for (let i = 0; i < 200; i++) {
      const health = await fetch(`${url}/health`).then((r) => r.status, () => 0);
      if (health === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("answers the seed's curl example verbatim, with a real base64 clip", async () => {
    const clip = readSharedClip(SHARED_CLIPS.dogBark).toString('base64');
    // The seed's command, with the base64 of a real clip in place of "base64encodedaudio" (the seed's port 5000 is
    // replaced by a free port).
    const body = path.join(dir, 'body.json');
    const data = `{\n    "audio_data": "${clip}",\n    "sample_rate": 48000\n  }`;
    await writeFile(body, data);
    const { stdout } = await run('curl', [
      '-X', 'POST', `${url}/api/audio/classify`,
      '-H', 'Authorization: Bearer token',
      '-H', 'Content-Type: application/json',
      '-d', data,
    ]);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['noise_type', 'confidence', 'all_predictions', 'model_version', 'predicted_class', 'top_k']));
    expect(result.noise_type).toBe(result.predicted_class);
    const { stdout: denied } = await run('curl', ['-s', '-X', 'POST', `${url}/api/audio/classify`, '-H', 'Authorization: Bearer wrong', '-H', 'Content-Type: application/json', '-d', `@${body}`]);
    expect(JSON.parse(denied).error.code).toBe('E_UNAUTHORIZED');
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start without a token', async () => {
    const noToken = startCli(['serve', '--port', '0'], { NOISE_CLASSIFIER_TOKENS: '' });
    const code = await new Promise<number | null>((r) => noToken.once('exit', (c) => r(c)));
    expect(code).toBe(1);
  }, 60_000);
});

describe('noise-classifier worker', () => {
  it('runs a classify-batch job from BullMQ on a real redis-server and exits 0 on SIGTERM', async () => {
    const helpers = new URL('../../server/test/helpers/', import.meta.url).href;
    const { startRedis } = (await import(`${helpers}redis.ts`)) as typeof import('../../server/test/helpers/redis');
    const { testModelPath } = (await import(serverTestHelpers)) as { testModelPath: () => Promise<string> };
    const { enqueueClassifyBatch } = await import('@noise-classifier/server');
    const { BullmqJobQueue } = await import('@noise-classifier/server/bullmq');
    const redis = await startRedis();
    // The worker reads the real UrbanSound8K clip straight from ../shared (the data root is only read).
    const drilling = sharedDatasetPath(SHARED_CLIPS.drilling);
    const dataRoot = path.dirname(drilling);
    const worker = startCli(['worker', '--redis', redis.url, '--queue', 'cli', '--data-root', dataRoot, '--model', await testModelPath()]);
    const queue = new BullmqJobQueue({ redisUrl: redis.url, queueName: 'cli' });
    try {
      await waitFor(worker, /worker ready/);
      const job = await enqueueClassifyBatch<{ results: { id: string; result: { predicted_class: string } }[] }>(queue, { items: [{ id: 'clip', path: path.basename(drilling) }] });
      const out = await job.result(60_000);
      expect(out.results.map((r) => r.id)).toEqual(['clip']);
      expect(typeof out.results[0]?.result.predicted_class).toBe('string');
      const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
      await queue.close();
      await redis.stop();
    }
  }, 120_000);
});
