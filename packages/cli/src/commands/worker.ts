import type { Command } from 'commander';
import type { CliIo, CommandModule } from './command-module';

export interface WorkerCommandOptions {
  redis: string;
  queue?: string;
  model?: string;
  dataRoot?: string;
  workDir?: string;
  concurrency: number;
  lockMs: number;
  stalledMs: number;
}

const number = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(value)}`);
  return n;
};

/** `noise-classifier worker --redis redis://…`: runs training and batch jobs from BullMQ. */
export const workerCommand: CommandModule = {
  name: 'worker',
  register: (program, io) => void registerWorkerCommand(program, io),
};

export function registerWorkerCommand(program: Command, io: CliIo): Command {
  return program
    .command('worker')
    .description('Run background jobs (train, classify-batch) from a BullMQ queue on Redis; start as many as you like')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue <name>', 'BullMQ queue name (must match the server)')
    .option('--model <file>', 'ONNX model for classify-batch jobs (default: the bundled model)')
    .option('--data-root <dir>', 'folder that jobs may name datasets/files in')
    .option('--work-dir <dir>', 'folder for checkpoints and trained models; share it between workers so a retried job resumes')
    .option('--concurrency <n>', 'jobs at a time', number('concurrency', 1, 64), 1)
    .option('--lock-ms <ms>', 'job lock duration: a dead worker\'s job is taken over after this', number('lock-ms', 100, 3_600_000), 30_000)
    .option('--stalled-ms <ms>', 'how often to look for jobs of dead workers', number('stalled-ms', 100, 3_600_000), 30_000)
    .action(async (options: WorkerCommandOptions) => {
      await runWorker(options, io);
    });
}

export async function runWorker(options: WorkerCommandOptions, io: CliIo) {
  const server = await import('@noise-classifier/server');
  const bullmq = await import('@noise-classifier/server/bullmq');
  const workDir = options.workDir ?? (await import('node:path')).join((await import('node:os')).tmpdir(), 'noise-classifier-work');
  const worker = await bullmq.startWorker({
    redisUrl: options.redis,
    ...(options.queue ? { queueName: options.queue } : {}),
    ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
    workDir,
    classifier: () => server.loadClassifier(options.model ? { modelPath: options.model } : {}),
    decodeAudio: server.decodeAudioFile,
    train: server.threadedTrainRunner(),
    concurrency: options.concurrency,
    lockDurationMs: options.lockMs,
    stalledIntervalMs: options.stalledMs,
  });
  io.stdout(`noise-classifier worker ready (queue ${options.queue ?? bullmq.DEFAULT_QUEUE_NAME})\n`);
  return worker;
}
