import { DEFAULT_AUDIO_FEATURE_CONFIG, NoiseClassifierError, describeValue, type AudioFeatureConfig } from '@noise-classifier/config';
import type { ModelInputBatch, Spectrogram } from './types';

export interface ModelWindowOptions {
  /** Supplies `spectrogramHeight` × `spectrogramWidth` (default 128 × 128). */
  readonly config?: AudioFeatureConfig;
  /** Frames between window starts, 1..width (so no frame is skipped); default half a window (`floor(width / 2)`). */
  readonly hopFrames?: number;
  /**
   * First and second deltas of the same spectrogram, for 3-channel input (log-mel, delta, delta-delta).
   * Omit for 1 channel.
   */
  readonly deltas?: readonly [Spectrogram, Spectrogram];
  /**
   * Value for frames past the end of short audio, channel 0. Default: the spectrogram's minimum, which is what
   * silence looks like in a top_db-clamped dB spectrogram. Delta channels are padded with 0 (the delta of silence).
   */
  readonly padValue?: number;
}

function bad(field: string, message: string, expected: string, received: string): NoiseClassifierError {
  return new NoiseClassifierError('E_BAD_AUDIO', message, { field, expected, received });
}

function checkSpectrogram(spec: Spectrogram, field: string): void {
  if (!spec || !(spec.data instanceof Float32Array) || !Number.isInteger(spec.bins) || !Number.isInteger(spec.frames)) {
    throw bad(field, `${field} is not a spectrogram`, '{ data: Float32Array, bins, frames }', describeValue(spec));
  }
  if (spec.frames < 1 || spec.bins < 1) throw bad(field, `${field} is empty`, 'at least one bin and one frame', `${spec.bins} bins × ${spec.frames} frames`);
  if (spec.data.length !== spec.bins * spec.frames) {
    throw bad(`${field}.data`, `${field}.data length does not match bins × frames`, `${spec.bins * spec.frames} values`, `${spec.data.length}`);
  }
}

/**
 * Start frames of the windows covering `frames` frames: 0, hop, 2·hop, … and finally `frames − width`, so the
 * last window ends on the last frame and nothing is dropped. One window (start 0) when the audio is shorter.
 */
export function windowStarts(frames: number, width: number, hopFrames: number): number[] {
  if (frames <= width) return [0];
  const starts: number[] = [];
  for (let s = 0; s + width < frames; s += hopFrames) starts.push(s);
  const last = frames - width;
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}

/**
 * Cuts a [bins × frames] dB log-mel spectrogram into fixed `spectrogramHeight × spectrogramWidth` patches, NCHW.
 * Short audio: one window, the real frames on the left, the rest padded (see `padValue`).
 * Long audio: windows every `hopFrames`, the last aligned to the end.
 */
export function makeModelWindows(spec: Spectrogram, options: ModelWindowOptions = {}): ModelInputBatch {
  const config = options.config ?? DEFAULT_AUDIO_FEATURE_CONFIG;
  const height = config.spectrogramHeight;
  const width = config.spectrogramWidth;
  checkSpectrogram(spec, 'spectrogram');
  if (spec.bins !== height) {
    throw new NoiseClassifierError('E_CONFIG', `Spectrogram has ${spec.bins} bins but the model input is ${height} high`, {
      field: 'spectrogramHeight',
      expected: `a spectrogram with spectrogramHeight = ${height} bins (set nMels = spectrogramHeight)`,
      received: `${spec.bins} bins`,
    });
  }
  const hop = options.hopFrames ?? Math.max(1, Math.floor(width / 2));
  // A hop longer than the window would skip frames between windows.
  if (!Number.isInteger(hop) || hop < 1 || hop > width) {
    throw new NoiseClassifierError('E_CONFIG', 'hopFrames must be an integer from 1 to the window width', { field: 'hopFrames', expected: `an integer in 1..${width}`, received: describeValue(hop) });
  }
  const channels = [spec];
  if (options.deltas) {
    options.deltas.forEach((d, i) => {
      checkSpectrogram(d, `deltas[${i}]`);
      if (d.bins !== spec.bins || d.frames !== spec.frames) {
        throw bad(`deltas[${i}]`, `deltas[${i}] does not match the spectrogram's shape`, `${spec.bins} × ${spec.frames}`, `${d.bins} × ${d.frames}`);
      }
      channels.push(d);
    });
  }
  let padValue = options.padValue;
  if (padValue === undefined) {
    padValue = Number.POSITIVE_INFINITY;
    for (const value of spec.data) if (value < padValue) padValue = value;
  }
  if (!Number.isFinite(padValue)) throw bad('padValue', 'padValue must be finite', 'a finite number', describeValue(padValue));

  const starts = windowStarts(spec.frames, width, hop);
  const plane = height * width;
  const data = new Float32Array(starts.length * channels.length * plane);
  const validFrames: number[] = [];
  starts.forEach((start, w) => {
    const valid = Math.min(width, spec.frames - start);
    validFrames.push(valid);
    channels.forEach((source, c) => {
      const base = (w * channels.length + c) * plane;
      for (let b = 0; b < height; b++) {
        const row = base + b * width;
        data.set(source.data.subarray(b * spec.frames + start, b * spec.frames + start + valid), row);
        if (valid < width) data.fill(c === 0 ? padValue : 0, row + valid, row + width);
      }
    });
  });
  return { data, count: starts.length, channels: channels.length, height, width, startFrames: starts, validFrames };
}

/** Time in seconds of frame `frame`'s centre (with `center`, frame f is centred on sample f·hopLength). */
export function framesToSeconds(frame: number, config: AudioFeatureConfig = DEFAULT_AUDIO_FEATURE_CONFIG): number {
  const offset = config.center ? 0 : config.nFft / 2;
  return (frame * config.hopLength + offset) / config.sampleRate;
}

/** The frame whose centre is nearest to `seconds` (inverse of `framesToSeconds`, rounded). */
export function secondsToFrames(seconds: number, config: AudioFeatureConfig = DEFAULT_AUDIO_FEATURE_CONFIG): number {
  const offset = config.center ? 0 : config.nFft / 2;
  return Math.max(0, Math.round((seconds * config.sampleRate - offset) / config.hopLength));
}

/** Start and end time (frame centres) of each window's real frames. */
export function windowTimes(batch: Pick<ModelInputBatch, 'startFrames' | 'validFrames'>, config: AudioFeatureConfig = DEFAULT_AUDIO_FEATURE_CONFIG): { startSeconds: number; endSeconds: number }[] {
  const { startFrames, validFrames } = batch;
  if (validFrames.length !== startFrames.length) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'A window batch needs one validFrames entry per window', {
      field: 'validFrames', expected: `${startFrames.length} entries (as startFrames)`, received: `${validFrames.length} entries`,
    });
  }
  return startFrames.map((start, i) => ({
    startSeconds: framesToSeconds(start, config),
    endSeconds: framesToSeconds(start + validFrames[i]! - 1, config),
  }));
}

/**
 * Joins window batches of the same [channels × height × width] into one, in order, so windows of several clips
 * can go to the model in a single call.
 */
export function concatModelInputBatches(batches: readonly ModelInputBatch[]): ModelInputBatch {
  const [first] = batches;
  if (first === undefined) {
    throw new NoiseClassifierError('E_BAD_AUDIO', 'No window batches to join', { field: 'batches', expected: 'at least one batch', received: 'none' });
  }
  const { channels, height, width } = first;
  for (const [i, b] of batches.entries()) {
    if (b.channels !== channels || b.height !== height || b.width !== width) {
      throw new NoiseClassifierError('E_BAD_AUDIO', 'Window batches of different shapes cannot be joined', {
        field: `batches[${i}]`,
        expected: `windows of ${channels}×${height}×${width}`,
        received: `windows of ${b.channels}×${b.height}×${b.width}`,
      });
    }
  }
  const count = batches.reduce((n, b) => n + b.count, 0);
  const data = new Float32Array(count * channels * height * width);
  let offset = 0;
  for (const b of batches) {
    data.set(b.data, offset);
    offset += b.data.length;
  }
  return {
    data,
    count,
    channels,
    height,
    width,
    startFrames: batches.flatMap((b) => b.startFrames),
    validFrames: batches.flatMap((b) => b.validFrames),
  };
}
