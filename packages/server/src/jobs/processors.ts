import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { toWireBatchJobResult, toWireTrainingJobResult, toWireTrainingProgress } from '@noise-classifier/pipelines/wire';
import type { AudioDecoder, Classifier, ServedClassification } from '../classifier';
import { ApiError } from '../api-error';
import { decodeAudioBytes, decodeBase64Field } from '../audio-input';
import { resolveUnderRoot } from './data-root';
import { validateTrainConfig } from './train-config';
import type { ClassifyBatchItem, ClassifyBatchJobData, JobContext, JobDataMap, JobName, JobProcessor, TrainJobData } from './job-queue';

/** What a training run needs; paths are already resolved and safe. */
export interface TrainRunRequest {
  /** Folder or manifest inside the data root. */
  readonly datasetPath: string;
  /**
   * The data root: when given, the dataset is read through a confined file access, so every manifest row and every
   * file found in a folder must resolve (symbolic links followed) inside it, and errors name root-relative paths.
   */
  readonly dataRoot?: string;
  /** Per-job folder for epoch checkpoints; the same for every attempt of a job, so a retry resumes. */
  readonly checkpointDir: string;
  /** Where the trained model (ONNX) is written. */
  readonly outputPath: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Called after each epoch. */
  onEpoch(epoch: number, totalEpochs: number, metrics: Record<string, number>): Promise<void>;
}

export interface TrainRunResult {
  /** Epochs run in total (including those before a resume). */
  readonly epochs: number;
  /** The epoch the run resumed after (0 for a fresh start). */
  readonly resumedFromEpoch: number;
  readonly history?: unknown;
  readonly metrics?: Record<string, unknown>;
}

export type TrainRunner = (request: TrainRunRequest) => Promise<TrainRunResult>;

export interface JobProcessorOptions {
  /** Client paths (datasets, batch files) are resolved inside this folder only. */
  readonly dataRoot?: string;
  /** Server-owned folder for checkpoints and trained models (`<workDir>/jobs/<job id>/`). */
  readonly workDir: string;
  readonly classifier?: () => Promise<Classifier>;
  readonly decodeAudio?: AudioDecoder;
  readonly train?: TrainRunner;
  readonly maxAudioSeconds?: number;
  /** Most items in one classify-batch job. */
  readonly maxBatchItems?: number;
  /** Where unexpected job errors go (their details are not shown to clients); default stderr. */
  readonly logError?: (message: string, error: unknown) => void;
}

/** The processors of the two job kinds, shared by the in-process queue and BullMQ workers. */
export function createJobProcessor(options: JobProcessorOptions): JobProcessor {
  const processor = async (name: JobName, data: unknown, context: JobContext): Promise<unknown> => {
    try {
      return await dispatch(name, data, context);
    } catch (error) {
      throw scrubError(error, options, await serverFolders(options));
    }
  };
  const dispatch = async (name: JobName, data: unknown, context: JobContext): Promise<unknown> => {
    switch (name) {
      case 'train':
        return runTraining(data as TrainJobData, context, options);
      case 'classify-batch':
        return runClassifyBatch(data as ClassifyBatchJobData, context, options);
      default:
        throw new ApiError(400, 'E_BAD_REQUEST', `Unknown job kind ${JSON.stringify(name)}`);
    }
  };
  return processor as JobProcessor;
}

/** Checks a job request before it is queued, so the client learns of a bad path at once (the worker checks again). */
export async function validateJobData<N extends JobName>(name: N, data: JobDataMap[N], options: Pick<JobProcessorOptions, 'dataRoot' | 'maxBatchItems'>): Promise<void> {
  if (name === 'train') {
    await resolveUnderRoot(options.dataRoot, (data as TrainJobData).dataset, 'dataset');
    await validateTrainConfig((data as TrainJobData).config);
    return;
  }
  const items = (data as ClassifyBatchJobData).items;
  const max = options.maxBatchItems ?? 256;
  if (!Array.isArray(items) || items.length === 0 || items.length > max) {
    throw new ApiError(400, 'E_BAD_REQUEST', `items must be an array of 1 to ${max} entries`);
  }
  for (const [i, item] of items.entries()) {
    if (item.path !== undefined) await resolveUnderRoot(options.dataRoot, item.path, `items[${i}].path`);
    else if (typeof item.audio_data === 'string') decodeBase64Field(item.audio_data, `items[${i}].audio_data`);
    else throw new ApiError(400, 'E_BAD_REQUEST', `items[${i}] needs audio_data or path`);
  }
}

async function runTraining(data: TrainJobData, context: JobContext, options: JobProcessorOptions): Promise<unknown> {
  if (!options.train) throw new ApiError(400, 'E_BAD_REQUEST', 'This worker cannot train (no trainer configured)');
  const datasetPath = await resolveUnderRoot(options.dataRoot, data.dataset, 'dataset');
  // Again in the worker: jobs queued from code skip the HTTP checks, and a bad config must fail here as E_CONFIG
  // (not retried), not later inside the training thread.
  await validateTrainConfig(data.config);
  const jobDir = path.join(options.workDir, 'jobs', safeId(context.jobId));
  const checkpointDir = path.join(jobDir, 'checkpoints');
  await mkdir(checkpointDir, { recursive: true });
  const outputPath = path.join(jobDir, 'model.onnx');
  const result = await options.train({
    datasetPath,
    ...(options.dataRoot === undefined ? {} : { dataRoot: options.dataRoot }),
    checkpointDir,
    outputPath,
    config: data.config ?? {},
    onEpoch: (epoch, total, metrics) => context.reportProgress(epoch / total, toWireTrainingProgress({ epoch, totalEpochs: total }, metrics)),
  });
  return toWireTrainingJobResult({
    ...result,
    // Relative to the server's work folder: the job id is enough to find it, no absolute path leaks.
    modelFile: path.join('jobs', safeId(context.jobId), 'model.onnx'),
  });
}

async function runClassifyBatch(data: ClassifyBatchJobData, context: JobContext, options: JobProcessorOptions) {
  if (!options.classifier || !options.decodeAudio) throw new ApiError(400, 'E_BAD_REQUEST', 'This worker cannot classify (no model configured)');
  await validateJobData('classify-batch', data, options);
  const classifier = await options.classifier();
  const limits = { maxAudioSeconds: options.maxAudioSeconds ?? 600 };
  const results: { id: string; result?: ServedClassification; error?: { code: string; message: string } }[] = [];
  for (const [i, item] of data.items.entries()) {
    const id = item.id ?? String(i);
    try {
      const bytes = await itemBytes(item, i, options.dataRoot);
      const clip = await decodeAudioBytes(bytes, item.sample_rate, options.decodeAudio, limits);
      const [result] = await classifier.classifyBatch([clip]);
      results.push({ id, result });
    } catch (error) {
      const e = error as { code?: string; message?: string };
      results.push({ id, error: { code: e.code ?? 'E_INTERNAL', message: e instanceof ApiError || e.code ? String(e.message) : 'Classification failed' } });
    }
    await context.reportProgress((i + 1) / data.items.length, { done: i + 1, total: data.items.length });
  }
  return toWireBatchJobResult({ modelVersion: classifier.modelInfo().modelVersion, results });
}

/** A batch item's audio: its file inside the data root, or its base64 `audio_data`. */
async function itemBytes(item: ClassifyBatchItem, i: number, dataRoot: string | undefined): Promise<Uint8Array> {
  if (item.path !== undefined) return readItemFile(await resolveUnderRoot(dataRoot, item.path, `items[${i}].path`), `items[${i}].path`);
  if (typeof item.audio_data === 'string') return decodeBase64Field(item.audio_data, `items[${i}].audio_data`);
  throw new ApiError(400, 'E_BAD_REQUEST', `items[${i}] needs audio_data or path`);
}

/** A batch item's file; a folder or an unreadable file is the client's error, never a raw errno (EISDIR). */
async function readItemFile(file: string, field: string): Promise<Uint8Array> {
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApiError(400, 'E_BAD_REQUEST', `${field} ${code === 'EISDIR' ? 'is a folder, not an audio file' : `cannot be read (${code ?? 'error'})`}`);
  }
}

/**
 * Job errors are shown to API clients: domain errors keep their code and message with the server's folders
 * replaced by <data>/<work>; anything else (a crash, an fs error) becomes a generic message.
 */
function scrubError(error: unknown, options: JobProcessorOptions, folders: [string, string][]): Error {
  const e = error as { code?: unknown; message?: unknown };
  const known = error instanceof ApiError || (typeof e?.code === 'string' && /^E_[A-Z_]+$/.test(e.code));
  if (!known) {
    (options.logError ?? ((m, e) => process.stderr.write(`${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)))('job failed', error);
    return Object.assign(new Error('Job failed with an internal error'), { code: 'E_INTERNAL' });
  }
  let message = String(e.message);
  for (const [dir, name] of folders) message = message.split(dir).join(name);
  // Decoder messages describe a bad file by its first bytes ("3 bytes starting 76 6d 0a ("vm.")"): a job's error
  // must not echo file contents, so only the size stays.
  message = message.replace(/(\d+ bytes) starting (?:[0-9a-f]{2}(?: [0-9a-f]{2})*|\(nothing\))(?: \("[^"]*"\))?/g, '$1');
  return Object.assign(new Error(message), { code: e.code });
}

/** The data and work folders as given and with links resolved (longest first), for replacing in job messages. */
async function serverFolders(options: JobProcessorOptions): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const [dir, name] of [[options.dataRoot, '<data>'], [options.workDir, '<work>']] as const) {
    if (!dir) continue;
    out.push([path.resolve(dir), name]);
    const real = await realpath(dir).catch(() => undefined);
    if (real && real !== path.resolve(dir)) out.push([real, name]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}

function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
