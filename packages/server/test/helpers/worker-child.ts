// A BullMQ worker in its own process, so a test can kill -9 it mid-job.
import { startWorker } from '../../src/worker';
import { loadTestClassifier } from './classifier';
import { interimTrainer } from './interim-trainer';
import { decode } from './server';

const env = process.env;
await startWorker({
  redisUrl: env.REDIS_URL!,
  queueName: env.QUEUE_NAME,
  dataRoot: env.DATA_ROOT,
  workDir: env.WORK_DIR!,
  classifier: loadTestClassifier,
  decodeAudio: decode,
  train: interimTrainer(Number(env.EPOCH_MS ?? 300)),
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
});
process.stdout.write('worker-ready\n');
