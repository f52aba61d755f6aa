import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Tests that need real recordings read them from `../shared/datasets` beside the repository (CI puts `shared/`
 * there too). Third-party audio is never copied into the repo: its licences and attribution live in ../shared.
 * Paths are resolved from this file's place in the repo, not from the working directory.
 */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATASETS = path.resolve(REPO_ROOT, '..', 'shared', 'datasets');
const PRETRAINED = path.resolve(REPO_ROOT, '..', 'shared', 'pretrained');

/** Real clips several packages' tests share, relative to `../shared/datasets`. */
export const SHARED_CLIPS = {
  /** ESC-10 dog bark, OGG Vorbis 44.1 kHz mono, 5.001 s (CC0, Freesound 100032 by nfrae). */
  dogBark: 'esc10/audio/dog_bark/1-100032-A.ogg',
  /** UrbanSound8K drilling, WAV PCM16 22.05 kHz mono, 4 s (CC BY-NC 3.0, Freesound 14113). */
  drilling: 'urbansound8k_22k/audio/fold1/14113-4-0-0.wav',
} as const;

/**
 * Absolute path of `relative` (e.g. `esc10/audio/rain/1-17367-A.ogg`) under `../shared/datasets`. Fails, naming the
 * missing path, when the file is absent: a missing ../shared is a broken checkout, not a reason to skip.
 */
export function sharedDatasetPath(relative: string): string {
  return resolveShared(DATASETS, relative, 'sharedDatasetPath');
}

/**
 * Absolute path of `relative` (e.g. `efficientat-mn04-as/reference/index.json`) under `../shared/pretrained`
 * (pretrained weights and their reference tensors), failing like `sharedDatasetPath` when it is absent.
 */
export function sharedPretrainedPath(relative: string): string {
  return resolveShared(PRETRAINED, relative, 'sharedPretrainedPath');
}

function resolveShared(root: string, relative: string, caller: string): string {
  const absolute = path.resolve(root, relative);
  if (!absolute.startsWith(root + path.sep)) {
    throw new Error(`${caller}: ${JSON.stringify(relative)} is outside ${root}`);
  }
  if (!existsSync(absolute)) {
    throw new Error(
      `Test data missing: ${absolute} does not exist. Tests read third-party data from ../shared beside the ` +
        `repository (${REPO_ROOT}); put the shared folder there.`,
    );
  }
  return absolute;
}

/** The bytes of a file under `../shared/datasets` (a Buffer, so `.toString('base64')` works). */
export function readSharedClip(relative: string): Buffer {
  return readFileSync(sharedDatasetPath(relative));
}
