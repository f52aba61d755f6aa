import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHARED_CLIPS, sharedDatasetPath } from '../../../../tooling/shared-data';

/** Training settings that keep a real training run to seconds: two clips, 32×32 log-mel patches, cnn_small. */
export const TINY_TRAINING = {
  batch_size: 4,
  feature_config: { nMels: 32, nMfcc: 20, spectrogramHeight: 32, spectrogramWidth: 32 },
} as const;

/** First `seconds` of a PCM16 WAV (real audio, shorter to decode). */
function cutWav(wav: Buffer, seconds: number): Buffer {
  const rate = wav.readUInt32LE(24);
  const blockAlign = wav.readUInt16LE(32);
  const pcm = wav.subarray(44, 44 + Math.round(seconds * rate) * blockAlign);
  const header = Buffer.from(wav.subarray(0, 44));
  header.writeUInt32LE(36 + pcm.length, 4);
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/**
 * A temp data root with a tiny real dataset (`tiny/<label>/<clip>` plus `tiny/manifest.csv`), and, outside the
 * root, a secret file that symbolic links inside the root point at.
 */
export async function makeDataRoot() {
  const base = await mkdtemp(path.join(tmpdir(), 'nc-jobs-'));
  const root = path.join(base, 'data');
  await mkdir(path.join(root, 'tiny', 'dog_barking'), { recursive: true });
  await mkdir(path.join(root, 'tiny', 'construction_drilling'), { recursive: true });
  await copyFile(sharedDatasetPath(SHARED_CLIPS.dogBark), path.join(root, 'tiny', 'dog_barking', 'dog.ogg'));
  await writeFile(path.join(root, 'tiny', 'construction_drilling', 'drill.wav'), cutWav(await readFile(sharedDatasetPath(SHARED_CLIPS.drilling)), 1));
  await writeFile(path.join(root, 'tiny', 'manifest.csv'), 'file,label\ndog_barking/dog.ogg,dog_barking\nconstruction_drilling/drill.wav,construction_drilling\n');
  await writeFile(path.join(base, 'secret.txt'), 'top secret');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  await symlink(base, path.join(root, 'escape-dir'));
  return { base, root, workDir: path.join(base, 'work') };
}
