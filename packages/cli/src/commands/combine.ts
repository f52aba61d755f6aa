import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AUDIOSET_MAPPED_LABELS, NoiseClassifierError } from '@noise-classifier/config';
import {
  combineModelWithAudioSet,
  combinerExamples,
  fitAudioSetCombiner,
  parseManifest,
  type AudioSetCombinerParams,
} from '@noise-classifier/pipelines';
import { toWireCombinerCalibration, type WireCombinerCalibration } from '@noise-classifier/pipelines/wire';
import type { CliIo, CommandModule } from './command-module';
import { loadService } from './model-loading';

export interface CombineCommandOptions {
  /** The trained model (head + AudioSet output) to extend to all 59 labels. */
  model: string;
  out: string;
  /** A model trained the same way without `valFold`, whose predictions on that fold calibrate the combination. */
  calibrate?: string;
  data?: string[];
  valFold?: number;
  /** Fixed parameters instead of a calibration. */
  scale?: number;
  offset?: number;
  /** fitAudioSetCombiner's mappedShare (default 0.5). */
  mappedShare?: number;
}

/**
 * `combine`: the trained labels of `--model` stay trained, every other taxonomy label with AudioSet evidence is
 * mapped, the rest are 0. The two combiner numbers come from `--calibrate` (held-out predictions of a model trained
 * without `--val-fold`) or are given with `--scale`/`--offset`.
 */
export async function runCombine(options: CombineCommandOptions, io: CliIo): Promise<AudioSetCombinerParams> {
  const fixed = options.scale !== undefined || options.offset !== undefined;
  if (fixed === (options.calibrate !== undefined)) {
    throw new NoiseClassifierError('E_CONFIG', 'combine needs either --calibrate (with --data and --val-fold) or --scale and --offset', {
      field: 'calibrate',
      expected: '--calibrate heldout.onnx --data manifest.csv --val-fold k, or --scale s --offset o',
      received: fixed ? 'both' : 'neither',
    });
  }
  let params: AudioSetCombinerParams;
  let notes: WireCombinerCalibration;
  if (fixed) {
    params = { mappedScale: options.scale ?? 1, mappedOffset: options.offset ?? 0 };
    notes = toWireCombinerCalibration({ description: 'given on the command line' });
  } else {
    if (!options.data?.length || options.valFold === undefined) {
      throw new NoiseClassifierError('E_CONFIG', '--calibrate needs --data and --val-fold (the fold the calibration model did not train on)', {
        field: 'val-fold',
        expected: '--data manifest.csv … --val-fold k',
        received: `${options.data?.length ?? 0} manifests, fold ${options.valFold ?? 'none'}`,
      });
    }
    const clips: { audio: Uint8Array; label: string }[] = [];
    for (const manifest of options.data) {
      for (const entry of parseManifest(await readFile(manifest, 'utf8'), manifest)) {
        if (entry.fold === options.valFold) clips.push({ audio: new Uint8Array(await readFile(entry.file)), label: entry.label });
      }
    }
    const service = await loadService(options.calibrate);
    try {
      const inHead = clips.filter((c) => service.labels.includes(c.label));
      if (inHead.length === 0) {
        throw new NoiseClassifierError('E_CONFIG', `No clip of fold ${options.valFold} has a label of the calibration model`, {
          field: 'val-fold',
          expected: `clips labelled ${service.labels.join(', ')}`,
          received: `${clips.length} clips in fold ${options.valFold}`,
        });
      }
      const examples = await combinerExamples(service, inHead);
      const fit = fitAudioSetCombiner(examples, {
        trainedLabels: service.labels,
        mappedLabels: AUDIOSET_MAPPED_LABELS.filter((l) => !service.labels.includes(l)),
        ...(options.mappedShare === undefined ? {} : { mappedShare: options.mappedShare }),
      });
      params = { mappedScale: fit.mappedScale, mappedOffset: fit.mappedOffset };
      notes = toWireCombinerCalibration({
        description: `fitAudioSetCombiner on fold ${options.valFold} (${inHead.length} clips) of a model trained without it`,
        fit,
      });
      io.stderr(`calibrated on ${inHead.length} clips of fold ${options.valFold}: scale ${fit.mappedScale.toFixed(3)}, offset ${fit.mappedOffset.toFixed(3)} ` +
        `(loss ${fit.initialLoss.toFixed(3)} → ${fit.loss.toFixed(3)}; held-out labels win ${(100 * fit.heldOutTop1).toFixed(1)}% of their clips)\n`);
    } finally {
      await service.dispose();
    }
  }
  const combined = combineModelWithAudioSet(new Uint8Array(await readFile(options.model)), params, notes);
  const temporary = `${options.out}.tmp-${process.pid}`;
  await writeFile(temporary, combined);
  await rename(temporary, options.out);
  io.stdout(`wrote ${options.out}: all taxonomy labels (trained from ${options.model}, the others mapped from AudioSet or 0); scale ${params.mappedScale.toFixed(3)}, offset ${params.mappedOffset.toFixed(3)}\n`);
  return params;
}

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new NoiseClassifierError('E_CONFIG', `--${name} must be a number`, { field: name, expected: 'a finite number', received: JSON.stringify(value) });
  }
  return n;
};

export const combineCommand: CommandModule = {
  name: 'combine',
  register(program: Command, io: CliIo) {
    program
      .command('combine')
      .description('extend a model trained on an AudioSet backbone to all 59 labels: its labels stay trained, the others come from the AudioSet label map')
      .requiredOption('--model <m.onnx>', 'trained model with an AudioSet output (train --pretrained efficientat_mn04 --head-input embedding+audioset)')
      .requiredOption('--out <m59.onnx>', 'the combined model')
      .option('--calibrate <heldout.onnx>', 'the same recipe trained without --val-fold: its predictions there fit the combination')
      .option('--data <manifest.csv>', 'manifest(s) holding the --val-fold clips (repeatable)', (v: string, all: string[] = []) => [...all, v])
      .option('--val-fold <k>', 'the fold the calibration model did not train on', number('val-fold'))
      .option('--scale <s>', 'fixed mapped scale instead of a calibration', number('scale'))
      .option('--offset <o>', 'fixed mapped offset instead of a calibration', number('offset'))
      .option('--mapped-share <f>', 'calibration weight of clips of mapped labels, 0–1 (default 0.5)', number('mapped-share'))
      .action(async (opts: CombineCommandOptions) => {
        await runCombine(opts, io);
      });
  },
};
