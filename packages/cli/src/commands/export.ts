import { mkdir, readFile, rm } from 'node:fs/promises';
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
import { isFloat16StoredModel, readOnnxModelInfo, widenFloat16Weights } from '@noise-classifier/models';
import type * as Tf from '@tensorflow/tfjs';
import type { CliIo, CommandModule } from './command-module';
import { resolveCheckpointDir } from './export-checkpoint';
import { loadEvaluationData, loadOtherFolds } from './evaluation-data';
import { CLI_QUANTIZATIONS, DEFAULT_MAX_ACCURACY_DROP, quantizeWithAccuracyGate, type CliQuantization, type QuantizeGateResult } from './quantize-gate';

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
  /** Or: an existing fp32 ONNX file (only with `quantize`). */
  readonly model?: string;
  /** Write the model quantised (ONNX only), after the accuracy gate on `data` passes. */
  readonly quantize?: CliQuantization;
  /** Held-out clips for the accuracy gate: manifests or folders (pooled), optionally one `fold`. */
  readonly data?: string | readonly string[];
  readonly fold?: number;
  /** Largest allowed held-out top-1 loss against fp32, in percentage points (default 1). */
  readonly maxAccuracyDrop?: number;
  /** Gate progress (clips done per model). */
  readonly onGateProgress?: (stage: string, done: number, total: number) => void;
}

export interface ExportResult {
  readonly format: 'onnx' | 'tfjs';
  readonly out: string;
  readonly bytes: number;
  readonly metadata: ModelMetadata;
  readonly trainableParameters: number;
  /** With `quantize`: the fp32 file's size and the gate's measurements. */
  readonly fp32Bytes?: number;
  readonly gate?: QuantizeGateResult;
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
  if (options.quantize !== undefined) return exportQuantized(options, format);
  if (options.model !== undefined) {
    throw new NoiseClassifierError('E_CONFIG', '--model (an existing ONNX file) is only read by --quantize', {
      field: 'model',
      expected: '--quantize int8|fp16 with --model, or --untrained / --from without it',
      received: options.model,
    });
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

/**
 * `export --quantize`: the fp32 ONNX model (an existing file, or exported from --untrained/--from first), quantised,
 * measured against fp32 on the held-out data, and written only when the gate passes.
 */
async function exportQuantized(options: ExportOptions, format: ExportFormat): Promise<ExportResult> {
  const mode = options.quantize!;
  if (!CLI_QUANTIZATIONS.includes(mode)) {
    throw new NoiseClassifierError('E_CONFIG', 'unknown --quantize mode', { field: 'quantize', expected: CLI_QUANTIZATIONS.join(', '), received: describeValue(mode) });
  }
  if (format !== 'onnx') {
    throw new NoiseClassifierError('E_CONFIG', '--quantize writes ONNX models only', { field: 'format', expected: 'onnx', received: JSON.stringify(format) });
  }
  const data = options.data;
  if (data === undefined || (typeof data !== 'string' && data.length === 0)) {
    throw new NoiseClassifierError('E_CONFIG', '--quantize needs held-out data for its accuracy gate', {
      field: 'data',
      expected: '--data <manifest.csv|folder…> [--fold k]: clips the model did not train on',
      received: 'no --data',
    });
  }
  const maxDrop = options.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP;
  if (typeof maxDrop !== 'number' || !Number.isFinite(maxDrop) || maxDrop < 0) {
    throw new NoiseClassifierError('E_CONFIG', '--max-accuracy-drop must be a number of percentage points ≥ 0', { field: 'max-accuracy-drop', expected: 'a number ≥ 0', received: describeValue(maxDrop) });
  }
  let fp32: Uint8Array;
  if (options.model !== undefined) {
    if (options.untrained || options.from) {
      throw new NoiseClassifierError('E_CONFIG', 'export needs exactly one model', { field: 'model', expected: '--model, --untrained or --from, one of them', received: 'more than one' });
    }
    fp32 = await readModelFile(options.model);
    // The bundled default model ships with float16-stored weights; its float32 form computes the same function.
    if (isFloat16StoredModel(fp32)) fp32 = widenFloat16Weights(fp32);
  } else {
    const staged = `${options.out}.fp32-${process.pid}.tmp`;
    try {
      await runExport({ ...options, quantize: undefined, out: staged });
      fp32 = await readModelFile(staged);
    } finally {
      await rm(staged, { force: true });
    }
  }
  const dataset = await loadEvaluationData(data, options.fold === undefined ? {} : { fold: options.fold });
  // Static int8 calibrates on the other folds when there are any, so the gate measures on clips calibration never saw.
  const calibration = options.fold === undefined ? undefined : await loadOtherFolds(data, options.fold);
  const gate = await quantizeWithAccuracyGate(fp32, mode, dataset, {
    maxDropPoints: maxDrop,
    ...(calibration && calibration.length > 0 ? { calibration } : {}),
    ...(options.onGateProgress ? { onProgress: options.onGateProgress } : {}),
  });
  await writeFileAtomic(options.out, gate.quantized.bytes);
  const { metadata, parameterCount } = readOnnxModelInfo(fp32); // weights in the fp32 original (after folding)
  return { format: 'onnx', out: options.out, bytes: gate.quantized.bytes.byteLength, metadata, trainableParameters: parameterCount, fp32Bytes: fp32.byteLength, gate };
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
      .addOption(
        new Option('--quantize <mode>', 'write a quantised ONNX model if the accuracy gate passes: int8 (static, calibrated: integer convolutions), int8-weights or fp16 (weights only)').choices([
          ...CLI_QUANTIZATIONS,
        ]),
      )
      .option('--model <model.onnx>', 'with --quantize: an existing fp32 ONNX model (e.g. the bundled default model)')
      .option('--data <manifest.csv|folder...>', 'with --quantize: held-out clips for the accuracy gate (manifests or class folders, pooled)')
      .option('--fold <k>', 'with --quantize: only this fold of --data (the fold the model did not train on)', (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new NoiseClassifierError('E_CONFIG', '--fold must be a non-negative integer', { field: 'fold', expected: 'an integer ≥ 0', received: JSON.stringify(v) });
        return n;
      })
      .option('--max-accuracy-drop <points>', `with --quantize: largest allowed held-out top-1 loss against fp32, in points (default ${DEFAULT_MAX_ACCURACY_DROP})`, (v: string) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new NoiseClassifierError('E_CONFIG', '--max-accuracy-drop must be a number ≥ 0', { field: 'max-accuracy-drop', expected: 'percentage points ≥ 0', received: JSON.stringify(v) });
        return n;
      })
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
          model: opts.model as string | undefined,
          quantize: opts.quantize as CliQuantization | undefined,
          data: opts.data as string[] | undefined,
          fold: opts.fold as number | undefined,
          maxAccuracyDrop: opts.maxAccuracyDrop as number | undefined,
        });
        const m = result.metadata;
        if (result.gate) {
          const g = result.gate;
          const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
          io.stdout(
            `accuracy gate: ${g.quantized.mode} ${pct(g.quantizedAccuracy)} vs fp32 ${pct(g.fp32Accuracy)} on ${g.clips} held-out clips (drop ${g.dropPoints.toFixed(1)} points): passed\n` +
              `${g.quantized.description}${g.quantized.calibrationWindows === undefined ? '' : `; calibrated on ${g.quantized.calibrationWindows} windows`}\n` +
              `${result.out}: ${(result.bytes / 1e6).toFixed(2)} MB (fp32 ${((result.fp32Bytes ?? 0) / 1e6).toFixed(2)} MB)\n`,
          );
          return;
        }
        io.stdout(
          `${result.format === 'onnx' ? 'ONNX' : 'tfjs'} ${m.modelConfig.architecture} (${m.modelConfig.inputChannels} input channel(s), ${m.labels.length} classes, ` +
            `${result.trainableParameters.toLocaleString('en-US')} parameters${m.untrained ? ', untrained' : ''}) → ${result.out} (${(result.bytes / 1e6).toFixed(1)} MB)\n`,
        );
        if (m.untrained) io.stderr('note: untrained weights: for benchmarks and checks only, predictions are meaningless\n');
      });
  },
};
