import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { NoiseClassifierError, NOISE_LABELS, describeValue } from '@noise-classifier/config';
import {
  buildModel,
  calibrateBatchNorm,
  countParameters,
  createModelMetadata,
  exportOnnx,
  listArchitectures,
  loadTf,
  loadTfjsModel,
  saveTfjsModel,
  TFJS_WEIGHTS_FILE,
  type ModelMetadata,
} from '@noise-classifier/models';
import { readModelFile, writeFileAtomic } from '@noise-classifier/runtime-node';
import type * as Tf from '@tensorflow/tfjs';
import type { CliIo, CommandModule } from './command-module';
import { resolveCheckpointDir } from './export-checkpoint';

export const EXPORT_FORMATS = ['onnx', 'tfjs', 'torchscript'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Architecture name for `untrained` (see listArchitectures()). */
  readonly arch?: string;
  /** A randomly initialised, batch-norm-calibrated model (benchmarks, checks). */
  readonly untrained?: boolean;
  /** Or: a tfjs-format checkpoint directory (model.json + weights.bin) to convert. */
  readonly from?: string;
  readonly inChannels?: 1 | 3;
  /** 'default' (the 59-class taxonomy) or a JSON file holding an array of label strings. */
  readonly labels?: string;
  readonly format?: ExportFormat;
  /** File (onnx) or directory (tfjs). */
  readonly out: string;
  readonly seed?: number;
}

export interface ExportResult {
  readonly format: 'onnx' | 'tfjs';
  readonly out: string;
  readonly bytes: number;
  readonly metadata: ModelMetadata;
  readonly trainableParameters: number;
}

/** The whole `export` command, callable without a process. */
export async function runExport(options: ExportOptions): Promise<ExportResult> {
  const format = options.format ?? 'onnx';
  if (format === 'torchscript') {
    throw new NoiseClassifierError(
      'E_UNSUPPORTED_FORMAT',
      'torchscript is a PyTorch format that cannot be produced here; export ONNX instead (--format onnx): PyTorch users load it with onnxruntime or onnx2torch',
      { field: 'format', expected: 'onnx or tfjs', received: '"torchscript"' },
    );
  }
  if (!EXPORT_FORMATS.includes(format)) {
    throw new NoiseClassifierError('E_UNSUPPORTED_FORMAT', 'unknown export format', { field: 'format', expected: 'onnx or tfjs', received: describeValue(format) });
  }
  if (typeof options.out !== 'string' || options.out.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'export needs --out', { field: 'out', expected: format === 'onnx' ? 'a .onnx file path' : 'a directory', received: describeValue(options.out) });
  }
  if (Boolean(options.untrained) === Boolean(options.from)) {
    throw new NoiseClassifierError('E_CONFIG', 'export needs exactly one model: --untrained --arch <name> (random weights) or --from <checkpoint dir>', {
      field: 'untrained',
      expected: '--untrained or --from, not both',
      received: options.untrained ? 'both' : 'neither',
    });
  }

  const tf = await loadTf();
  await useFastTfjsBackend(tf);
  let model: Tf.LayersModel;
  let metadata: ModelMetadata;
  if (options.untrained) {
    const arch = options.arch;
    if (arch === undefined || !listArchitectures().includes(arch)) {
      throw new NoiseClassifierError('E_CONFIG', '--untrained needs a known --arch', {
        field: 'arch',
        expected: `one of ${listArchitectures().join(', ')}`,
        received: describeValue(arch),
      });
    }
    const labels = await readLabels(options.labels);
    const modelConfig = { architecture: arch, inputChannels: options.inChannels ?? 1, labels, numClasses: labels.length, pretrained: false };
    metadata = createModelMetadata({ modelConfig, featureConfig: {}, labels, untrained: true, createdAt: new Date().toISOString() });
    model = await buildModel(metadata.modelConfig, metadata.featureConfig, options.seed === undefined ? {} : { seed: options.seed });
    // Initial batch-norm statistics make a deep untrained net decay to denormal floats: calibrate on random input.
    calibrateBatchNorm(model, tf, { seed: options.seed ?? 0 });
  } else {
    const dir = options.from!;
    const loaded = await loadTfjsModel({
      modelJson: new TextDecoder().decode(await readModelFile(join(dir, 'model.json'))),
      weightsBin: await readModelFile(join(dir, TFJS_WEIGHTS_FILE)),
    });
    model = loaded.model;
    metadata = options.labels === undefined ? loaded.metadata : createModelMetadata({ ...loaded.metadata, labels: await readLabels(options.labels) });
  }

  try {
    const trainableParameters = countParameters(model).trainable;
    if (format === 'onnx') {
      const bytes = exportOnnx(model, metadata);
      await writeFileAtomic(options.out, bytes);
      return { format, out: options.out, bytes: bytes.byteLength, metadata, trainableParameters };
    }
    const files = await saveTfjsModel(model, metadata);
    await mkdir(options.out, { recursive: true });
    await writeFileAtomic(join(options.out, 'model.json'), files.modelJson);
    await writeFileAtomic(join(options.out, TFJS_WEIGHTS_FILE), files.weightsBin);
    return { format, out: options.out, bytes: files.modelJson.length + files.weightsBin.byteLength, metadata, trainableParameters };
  } finally {
    model.dispose();
  }
}

/** tfjs's wasm backend is ~20× faster than its pure-JS cpu backend for building and calibrating EfficientNets. */
async function useFastTfjsBackend(tf: Awaited<ReturnType<typeof loadTf>>): Promise<void> {
  if (tf.getBackend() === 'wasm') return;
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  } catch {
    // Optional: the cpu backend gives the same weights, only slower.
  }
}

async function readLabels(spec: string | undefined): Promise<string[]> {
  if (spec === undefined || spec === 'default') return [...NOISE_LABELS];
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(spec, 'utf8'));
  } catch (error) {
    throw new NoiseClassifierError('E_LABEL', `cannot read labels from ${spec}: ${(error as Error).message}`, {
      field: 'labels',
      expected: '"default" or a JSON file holding an array of label strings',
      received: spec,
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((l) => typeof l === 'string' && l.length > 0)) {
    throw new NoiseClassifierError('E_LABEL', `labels file ${spec} must hold a non-empty JSON array of strings`, {
      field: 'labels',
      expected: 'a JSON array of non-empty strings',
      received: describeValue(parsed),
    });
  }
  if (new Set(parsed).size !== parsed.length) {
    throw new NoiseClassifierError('E_LABEL', `labels file ${spec} repeats a label`, { field: 'labels', expected: 'distinct labels', received: `${parsed.length} labels, ${new Set(parsed).size} distinct` });
  }
  return parsed as string[];
}

const channels = (value: string): 1 | 3 => {
  if (value !== '1' && value !== '3') {
    throw new NoiseClassifierError('E_CONFIG', '--in-channels must be 1 or 3', { field: 'in-channels', expected: '1 (log-mel) or 3 (log-mel, delta, delta-delta)', received: JSON.stringify(value) });
  }
  return Number(value) as 1 | 3;
};
const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new NoiseClassifierError('E_CONFIG', '--seed must be an integer', { field: 'seed', expected: 'an integer', received: JSON.stringify(value) });
  return n;
};

export const exportCommand: CommandModule = {
  name: 'export',
  register(program: Command, io: CliIo) {
    program
      .command('export')
      .description('write a model file: ONNX (self-describing: labels and feature config inside) or a tfjs checkpoint directory')
      .option('--arch <name>', `architecture for --untrained (${listArchitectures().join(', ')})`)
      .option('--untrained', 'random weights with calibrated batch-norm statistics (benchmarks and checks; predictions are meaningless)')
      .option('--from <dir>', 'convert a tfjs-format checkpoint directory (model.json + weights.bin)')
      .option('--checkpoint <dir>', 'convert a checkpoint: a `train --out` folder, a tfjs folder or a model.json')
      .option('--in-channels <n>', '1 = log-mel, 3 = log-mel + delta + delta-delta (default 1)', channels)
      .option('--labels <spec>', '"default" (59 classes; the default for --untrained) or a JSON file with an array of labels')
      .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).default('onnx'))
      .option('--seed <n>', 'seed for the random weights', integer)
      .requiredOption('--out <path>', 'output .onnx file, or directory for --format tfjs')
      .action(async (opts: Record<string, unknown>) => {
        const result = await runExport({
          arch: opts.arch as string | undefined,
          untrained: opts.untrained as boolean | undefined,
          from: (opts.from as string | undefined) ?? (opts.checkpoint === undefined ? undefined : await resolveCheckpointDir(opts.checkpoint as string)),
          inChannels: opts.inChannels as 1 | 3 | undefined,
          labels: opts.labels as string | undefined,
          format: opts.format as ExportFormat,
          out: opts.out as string,
          seed: opts.seed as number | undefined,
        });
        const m = result.metadata;
        io.stdout(
          `${result.format === 'onnx' ? 'ONNX' : 'tfjs'} ${m.modelConfig.architecture} (${m.modelConfig.inputChannels} input channel(s), ${m.labels.length} classes, ` +
            `${result.trainableParameters.toLocaleString('en-US')} parameters${m.untrained ? ', untrained' : ''}) → ${result.out} (${(result.bytes / 1e6).toFixed(1)} MB)\n`,
        );
        if (m.untrained) io.stderr('note: untrained weights: for benchmarks and checks only, predictions are meaningless\n');
      });
  },
};
