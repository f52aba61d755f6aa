import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NoiseClassifierError, describeValue } from '@noise-classifier/config';
import { readOnnxModelInfo, type OnnxTensorInfo } from '@noise-classifier/models';
import { onnxElemTypeName, toWireModelInspection, type ModelInspection } from '@noise-classifier/pipelines/wire';
import { readModelFile } from '@noise-classifier/runtime-node';
import type { CliIo, CommandModule } from './command-module';

export interface InspectOptions {
  /** Labels JSON file, for ONNX files from other tools that carry no metadata (default feature config then). */
  readonly labels?: string;
}

/** The file, its size and what it holds. */
export type InspectResult = ModelInspection;

/** Reads an ONNX file's metadata, inputs, outputs, opset and parameter count (the whole `inspect` command). */
export async function runInspect(file: string, options: InspectOptions = {}): Promise<InspectResult> {
  const bytes = await readModelFile(file);
  const labels = options.labels === undefined ? undefined : await readLabelsFile(options.labels);
  const info = readOnnxModelInfo(bytes, labels === undefined ? {} : { labels, featureConfig: {} });
  return { file, sizeBytes: bytes.byteLength, info };
}

export function formatInspect({ file, sizeBytes, info }: InspectResult): string {
  const m = info.metadata;
  const tensor = (t: OnnxTensorInfo) => `${t.name} ${onnxElemTypeName(t.elemType) ?? `type ${t.elemType}`} [${t.shape.map((d) => d ?? '?').join(', ')}]`;
  const f = m.featureConfig;
  const lines = [
    `${file} (${(sizeBytes / 1e6).toFixed(1)} MB)`,
    `  producer:    ${info.producerName || 'unknown'} ${info.producerVersion}, IR ${info.irVersion}, opset ${info.opset}`,
    `  model:       ${m.modelConfig.architecture}, ${m.modelConfig.inputChannels} input channel(s), ${m.labels.length} classes${m.untrained ? ', UNTRAINED (random weights)' : ''}`,
    `  parameters:  ${info.parameterCount.toLocaleString('en-US')} (float32 initialisers${info.producerName === '@noise-classifier/models' ? ', batch norm folded' : ''})`,
    `  inputs:      ${info.inputs.map(tensor).join('; ')}`,
    `  outputs:     ${info.outputs.map(tensor).join('; ')}`,
    `  features:    ${f.sampleRate} Hz, nFft ${f.nFft}, hop ${f.hopLength}, ${f.nMels} mels (${f.melScale}), window ${f.spectrogramHeight}×${f.spectrogramWidth}`,
    `  labels:      ${m.labels.slice(0, 8).join(', ')}${m.labels.length > 8 ? `, … (${m.labels.length - 8} more)` : ''}`,
  ];
  if (m.createdAt) lines.push(`  created:     ${m.createdAt}`);
  if (m.trainingMetrics) lines.push(`  training:    ${summariseTrainingMetrics(m.trainingMetrics)}`);
  return `${lines.join('\n')}\n`;
}

async function readLabelsFile(path: string): Promise<string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new NoiseClassifierError('E_LABEL', `cannot read labels from ${path}: ${(error as Error).message}`, { field: 'labels', expected: 'a JSON file with an array of labels', received: path, cause: error });
  }
  if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) {
    throw new NoiseClassifierError('E_LABEL', `labels file ${path} must hold a JSON array of strings`, { field: 'labels', expected: 'a JSON array of strings', received: describeValue(parsed) });
  }
  return parsed as string[];
}

export const inspectCommand: CommandModule = {
  name: 'inspect',
  register(program: Command, io: CliIo) {
    program
      .command('inspect')
      .description('print an ONNX model file\'s metadata, inputs, outputs, opset and parameter count')
      .argument('<model.onnx>', 'ONNX model file')
      .option('--json', 'print JSON (snake_case keys, pipelines\' wire format)')
      .option('--labels <file.json>', 'labels for an ONNX file from another tool that has no metadata')
      .action(async (file: string, opts: { json?: boolean; labels?: string }) => {
        const result = await runInspect(file, { labels: opts.labels });
        io.stdout(opts.json ? `${JSON.stringify(toWireModelInspection(result), null, 2)}\n` : formatInspect(result));
      });
  },
};

/** One line for people: scalars as they are, per-epoch curves as their length and last value (`--json` has all). */
function summariseTrainingMetrics(metrics: Readonly<Record<string, unknown>>): string {
  const describe = (value: unknown): string => {
    if (Array.isArray(value) && !value.every((v) => v === null || typeof v === 'number')) return value.map((v) => describe(v)).join(' + ');
    if (Array.isArray(value)) {
      const last = [...value].reverse().find((v) => v !== null);
      return `${value.length} epochs${typeof last === 'number' ? `, last ${Number(last.toFixed(4))}` : ''}`;
    }
    if (value !== null && typeof value === 'object') {
      return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${describe(v)}`).join('; ')} }`;
    }
    return JSON.stringify(value);
  };
  return Object.entries(metrics).map(([k, v]) => `${k} ${describe(v)}`).join(', ');
}

