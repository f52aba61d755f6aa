import type { Command } from 'commander';
import { NoiseClassifierError } from '@noise-classifier/config';
import { evaluate, toWireEvaluation, type EvaluationResult } from '@noise-classifier/pipelines';
import { createProgressBar } from '../output/progress-bar';
import type { CliIo, CommandModule } from './command-module';
import { loadEvaluationData } from './evaluation-data';
import { loadService, untrainedWarning } from './model-loading';

export interface EvaluateCommandOptions {
  /** One or more manifests / folders; their clips are pooled. */
  data: string | string[];
  model?: string;
  fold?: number;
  json?: boolean;
  cache?: string;
  tty?: boolean;
}

/** Evaluates a model on a manifest or a folder-per-class dataset (optionally one fold); prints and returns the report. */
export async function runEvaluate(options: EvaluateCommandOptions, io: CliIo): Promise<EvaluationResult> {
  const dataset = await loadEvaluationData(options.data, { ...(options.fold === undefined ? {} : { fold: options.fold }), ...(options.cache ? { cache: options.cache } : {}) });
  const service = await loadService(options.model);
  try {
    const warning = untrainedWarning(service);
    if (warning) io.stderr(warning);
    const progress = dataset.length >= 5 ? createProgressBar(io.stderr, dataset.length, options.tty ?? false, 'evaluate ') : null;
    const report = await evaluate(service, dataset, { onProgress: (done) => progress?.(done) });
    if (options.json) io.stdout(`${JSON.stringify(toWireEvaluation(report), null, 2)}\n`);
    else io.stdout(formatReport(report));
    return report;
  } finally {
    await service.dispose();
  }
}

function formatReport(r: EvaluationResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  let text = `clips ${r.sampleCount}  accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macroF1)}\n\n`;
  const w = Math.max(5, ...r.labels.map((l) => l.length));
  text += `${'class'.padEnd(w)}  precision  recall     F1  support\n`;
  // The report has a perClass entry and a confusion-matrix row for each of its labels.
  for (const l of r.labels) {
    const m = r.perClass[l]!;
    text += `${l.padEnd(w)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.f1).padStart(6)}  ${String(m.support).padStart(7)}\n`;
  }
  text += `\nconfusion matrix (rows: true, columns: predicted; order as above)\n`;
  for (const [i, row] of r.confusionMatrix.entries()) text += `${r.labels[i]!.padEnd(w)}  ${row.map((v) => String(v).padStart(4)).join('')}\n`;
  return text;
}

export const evaluateCommand: CommandModule = {
  name: 'evaluate',
  register(program: Command, io: CliIo) {
    program
      .command('evaluate')
      .description('clip-level accuracy, macro-F1, per-class figures and confusion matrix of a model on labelled data')
      .requiredOption('--data <manifest.csv|folder...>', 'manifests (file,label[,fold]) or folders with one sub-folder per class; repeat to pool several')
      .option('--model <model.onnx>', 'ONNX model written by this project (default: the bundled model)')
      .option('--fold <k>', 'evaluate only the clips of this fold (manifest fold column)', (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new NoiseClassifierError('E_CONFIG', '--fold must be a non-negative integer', { field: 'fold', expected: 'an integer ≥ 0', received: JSON.stringify(v) });
        return n;
      })
      .option('--cache <dir>', 'keep decoded features in this folder (reused by later runs)')
      .option('--json', 'snake_case JSON: accuracy, macro_f1, per_class, confusion_matrix, labels')
      .action(async (opts: EvaluateCommandOptions) => {
        await runEvaluate({ ...opts, tty: process.stderr.isTTY === true }, io);
      });
  },
};
