// A BullMQ worker in its own process (the real trainer and classifier), so a test can kill -9 it mid-job.
import { decodeAudioFile } from '../../src/service-classifier';
import { threadedTrainRunner } from '../../src/train-in-thread';
import { startWorker } from '../../src/worker';
import { loadTestClassifier } from './classifier';

const env = process.env;
await startWorker({
  redisUrl: env.REDIS_URL!,
  queueName: env.QUEUE_NAME,
  dataRoot: env.DATA_ROOT,
  workDir: env.WORK_DIR!,
  classifier: loadTestClassifier,
  decodeAudio: decodeAudioFile,
  train: threadedTrainRunner(),
  // Short enough for a fast test, long enough that a training step (which blocks the event loop) does not
  // outlast the lock of a live worker.
  lockDurationMs: 4000,
  stalledIntervalMs: 1000,
});
process.stdout.write('worker-ready\n');
