import type { Command } from 'commander';
import type { CliIo, CommandModule } from './command-module';

export interface ServeCommandOptions {
  port: number;
  host: string;
  model?: string;
  token: string[];
  maxBodyMb: number;
  maxSeconds: number;
  rate: number;
  burst: number;
  batchWindowMs: number;
  maxBatch: number;
  threads?: number;
  dataRoot?: string;
  workDir?: string;
  redis?: string;
  queue?: string;
  logLevel: string;
}

const number = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}, received ${JSON.stringify(value)}`);
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, value];

/** `noise-classifier serve`: the HTTP API. */
export const serveCommand: CommandModule = {
  name: 'serve',
  register: (program, io) => void registerServeCommand(program, io),
};

export function registerServeCommand(program: Command, io: CliIo): Command {
  return program
    .command('serve')
    .description('Start the HTTP API: POST /api/audio/classify, /api/jobs/*, GET /health, /metrics, /openapi.json')
    .option('--port <port>', 'TCP port', number('port', 0, 65535), 5000)
    .option('--host <host>', 'interface to listen on (0.0.0.0 for all)', '127.0.0.1')
    .option('--model <file>', 'ONNX model file (default: the bundled model)')
    .option('--token <token>', 'accepted bearer token, repeatable (default: NOISE_CLASSIFIER_TOKENS, comma-separated; prefer the variable: arguments show in ps)', collect, [])
    .option('--max-body-mb <mb>', 'largest request body', number('max-body-mb', 0.001, 1024), 16)
    .option('--max-seconds <s>', 'longest clip', number('max-seconds', 0.01, 86400), 60)
    .option('--rate <n>', 'sustained requests per second per token', number('rate', 0.001, 1e6), 50)
    .option('--burst <n>', 'burst size per token', number('burst', 1, 1e6), 100)
    .option('--batch-window-ms <ms>', 'micro-batching window', number('batch-window-ms', 0, 1000), 3)
    .option('--max-batch <n>', 'most clips per model call', number('max-batch', 1, 1024), 16)
    .option('--threads <n>', 'onnxruntime intra-op threads', number('threads', 1, 1024))
    .option('--data-root <dir>', 'folder that job requests may name datasets/files in')
    .option('--work-dir <dir>', 'folder for job checkpoints and trained models')
    .option('--redis <url>', 'submit jobs to BullMQ on Redis (run `noise-classifier worker`) instead of in-process')
    .option('--queue <name>', 'BullMQ queue name')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent', 'info')
    .action(async (options: ServeCommandOptions) => {
      await runServe(options, io);
    });
}

export async function runServe(options: ServeCommandOptions, io: CliIo) {
  const server = await import('@noise-classifier/server');
  const workDir = options.workDir ?? (await import('node:path')).join((await import('node:os')).tmpdir(), 'noise-classifier-work');
  // BullMQ is loaded only when a Redis URL asks for it (see @noise-classifier/server/bullmq).
  const queue = options.redis
    ? new (await import('@noise-classifier/server/bullmq')).BullmqJobQueue({ redisUrl: options.redis, ...(options.queue ? { queueName: options.queue } : {}) })
    : undefined;
  const running = await server.startServer({
    port: options.port,
    host: options.host,
    classifier: () =>
      server.loadClassifier({
        ...(options.model ? { modelPath: options.model } : {}),
        config: { maxBatchSize: Math.max(32, options.maxBatch), ...(options.threads ? { numThreads: options.threads } : {}) },
      }),
    decodeAudio: server.decodeAudioFile,
    ...(options.token.length > 0 ? { tokens: options.token } : {}),
    bodyLimitBytes: Math.round(options.maxBodyMb * 1024 * 1024),
    maxAudioSeconds: options.maxSeconds,
    rateLimit: { perSecond: options.rate, burst: options.burst },
    batching: { windowMs: options.batchWindowMs, maxBatch: options.maxBatch },
    jobs: {
      ...(queue ? { queue } : {}),
      ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
      workDir,
      train: server.threadedTrainRunner(),
    },
    logger: { level: options.logLevel },
  });
  io.stdout(`noise-classifier API listening on ${running.url}\n`);
  return running;
}
