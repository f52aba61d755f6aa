import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { NoiseClassifierError } from '@noise-classifier/config';
import { toWireClassification, type ClassificationResult, type WireClassification } from '@noise-classifier/pipelines';
import { createProgressBar } from '../output/progress-bar';
import type { CliIo, CommandModule } from './command-module';
import { loadService, untrainedWarning } from './model-loading';

const AUDIO = /\.(wav|wave|ogg|oga|flac|mp3)$/i;
/** AudioSet tags listed by a bare `--audioset`. */
const DEFAULT_AUDIOSET_TAGS = 5;

export interface ClassifyCommandOptions {
  model?: string;
  topK: number;
  window?: number;
  hop?: number;
  json?: boolean;
  /** Also list this many AudioSet tags per file (models with an AudioSet output); 0 or absent: none. */
  audioSet?: number;
  /** Progress bar from this many files on (default 5). */
  progressFrom?: number;
  tty?: boolean;
}

export interface ClassifiedFile {
  readonly file: string;
  readonly result: ClassificationResult;
}

/** Files named directly, plus audio files found (recursively, sorted) in folders. */
export async function expandAudioPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (error) {
      throw new NoiseClassifierError('E_BAD_AUDIO', `${p} does not exist`, { field: 'files', expected: 'audio files or folders', received: p, cause: error });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      const nested = await expandAudioPaths(entries.filter((e) => e.isDirectory() || AUDIO.test(e.name)).map((e) => join(p, e.name)));
      out.push(...nested);
    } else out.push(p);
  }
  return out;
}

/** The command's whole job, testable without a process: classifies every file, returns results in order. */
export async function runClassify(paths: readonly string[], options: ClassifyCommandOptions, io: CliIo): Promise<ClassifiedFile[]> {
  const files = await expandAudioPaths(paths);
  if (files.length === 0) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'No audio files to classify', { field: 'files', expected: '.wav/.ogg/.flac/.mp3 files or folders holding them', received: paths.join(', ') });
  }
  const service = await loadService(options.model);
  try {
    const warning = untrainedWarning(service);
    if (warning) io.stderr(warning);
    if (options.audioSet && !service.hasAudioSetOutput) {
      throw new NoiseClassifierError('E_MODEL_MISMATCH', `--audioset needs a model with an AudioSet output; ${options.model ?? 'the default model'} has none`, {
        field: 'audioset',
        expected: 'a model built on an AudioSet-pretrained backbone (output audioset_logits)',
        received: options.model ?? 'the default model',
      });
    }
    const progress = files.length >= (options.progressFrom ?? 5) ? createProgressBar(io.stderr, files.length, options.tty ?? false, 'classify ') : null;
    const results: ClassifiedFile[] = [];
    const failures: string[] = [];
    for (const [i, file] of files.entries()) {
      try {
        const bytes = new Uint8Array(await readFile(file));
        const result = await service.classify(bytes, undefined, {
          topK: options.topK,
          ...(options.window === undefined ? {} : { windowSeconds: options.window }),
          ...(options.hop === undefined ? {} : { hopSeconds: options.hop }),
          // The timeline only when asked for (--window / --hop): a table row per file otherwise.
          returnWindows: options.window !== undefined || options.hop !== undefined,
          ...(options.audioSet ? { audioSetTopK: options.audioSet } : {}),
        });
        results.push({ file, result });
      } catch (error) {
        if (!(error instanceof NoiseClassifierError) && !(error as NodeJS.ErrnoException).code) throw error;
        failures.push(file);
        io.stderr(`noise-classifier: ${file}: ${error instanceof NoiseClassifierError ? `${error.code}: ` : ''}${(error as Error).message}\n`);
      }
      progress?.(i + 1);
    }
    if (options.json) {
      const wire: (WireClassification & { file: string })[] = results.map(({ file, result }) => ({ file, ...toWireClassification(result) }));
      io.stdout(`${JSON.stringify(wire, null, 2)}\n`);
    } else if (results.length > 0) io.stdout(formatTable(results, options.topK)); // no empty table when every file failed
    if (failures.length > 0) {
      throw new NoiseClassifierError('E_BAD_AUDIO', `${failures.length} of ${files.length} files could not be classified`, {
        field: 'files',
        expected: 'readable audio files',
        received: failures.slice(0, 5).join(', ') + (failures.length > 5 ? ', …' : ''),
      });
    }
    return results;
  } finally {
    await service.dispose();
  }
}

function formatTable(results: readonly ClassifiedFile[], topK: number): string {
  const rows = results.map(({ file, result }) => ({
    result,
    cells: [
      file,
      withSource(result, result.predictedClass),
      `${(result.confidence * 100).toFixed(1)}%`,
      result.topK
        .slice(1, topK)
        .map(([l, p]) => `${withSource(result, l)} ${(p * 100).toFixed(1)}%`)
        .join(', '),
    ],
  }));
  const header = ['file', 'predicted', 'confidence', 'runners-up'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r.cells[c]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ');
  let text = `${line(header)}\n`;
  for (const { result, cells } of rows) {
    text += `${line(cells)}\n`;
    const tags = result.audioSetTags;
    if (tags) text += `    AudioSet: ${tags.map((t) => `${t.name} ${(t.score * 100).toFixed(1)}%`).join(', ')}\n`;
    for (const w of result.windows ?? []) {
      text += `    ${w.startSeconds.toFixed(2)}–${w.endSeconds.toFixed(2)} s  ${w.label} ${(w.confidence * 100).toFixed(1)}%\n`;
    }
  }
  return text;
}

/** Marks labels whose probability comes from AudioSet evidence rather than the trained head. */
function withSource(result: ClassificationResult, label: string): string {
  return result.labelSources?.[label] === 'mapped' ? `${label} (mapped)` : label;
}

const positive = (name: string, integer = false) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new NoiseClassifierError('E_CONFIG', `--${name} must be a positive ${integer ? 'integer' : 'number'}`, {
      field: name,
      expected: integer ? 'an integer ≥ 1' : 'a number > 0',
      received: JSON.stringify(value),
    });
  }
  return n;
};

export const classifyCommand: CommandModule = {
  name: 'classify',
  register(program: Command, io: CliIo) {
    program
      .command('classify')
      .description('classify audio files (or every audio file in folders) with the default model or --model')
      .argument('<files...>', 'WAV, OGG Vorbis, FLAC or MP3 files, or folders')
      .option('--model <model.onnx>', 'ONNX model written by this project (default: the bundled model)')
      .option('--top-k <n>', 'number of labels per file', positive('top-k', true), 5)
      .option('--window <seconds>', 'timeline segment length (default: one model window, ~1.36 s)', positive('window'))
      .option('--hop <seconds>', 'hop between timeline segments (default: half a segment)', positive('hop'))
      .option('--json', 'snake_case JSON on stdout: one object per file with "file"')
      .option('--audioset [k]', 'also list the k highest-scoring AudioSet classes (models with an AudioSet output; default k 5)', positive('audioset', true))
      .action(async (paths: string[], opts: { model?: string; topK: number; window?: number; hop?: number; json?: boolean; audioset?: number | true }) => {
        const { audioset, ...rest } = opts;
        const audioSet = audioset === true ? DEFAULT_AUDIOSET_TAGS : audioset;
        await runClassify(paths, { ...rest, ...(audioSet === undefined ? {} : { audioSet }), tty: process.stderr.isTTY === true }, io);
      });
  },
};
