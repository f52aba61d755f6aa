import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadTf } from '@noise-classifier/models';
import { loadPretrainedBackbone, type PretrainedBackbone } from '../pretrained/pretrained-backbone';
import { PRETRAINED_ROOT_ENV, resolvePretrainedLocation } from '../pretrained/pretrained-location';

export interface LoadPretrainedFromDiskOptions {
  /** Folder searched first for a name (then $NOISE_CLASSIFIER_PRETRAINED, then ../shared/pretrained). */
  readonly root?: string;
  /** Model window width in frames (the weights fix the rest of the front end). */
  readonly windowFrames?: number;
}

/** Finds pretrained weights by folder or name on disk (never downloaded) and loads the backbone. */
export async function loadPretrainedFromDisk(nameOrFolder: string, options: LoadPretrainedFromDiskOptions = {}): Promise<PretrainedBackbone> {
  const envRoot = process.env[PRETRAINED_ROOT_ENV];
  const { folder } = await resolvePretrainedLocation(nameOrFolder, {
    isDirectory: async (location) => (await stat(location).catch(() => null))?.isDirectory() === true,
    ...(options.root === undefined ? {} : { root: path.resolve(options.root) }),
    ...(envRoot ? { envRoot: path.resolve(envRoot) } : {}),
    cwd: process.cwd(),
  });
  return loadPretrainedBackbone(folder, {
    tf: await loadTf(),
    readFile: async (location) => new Uint8Array(await readFile(location)),
    ...(options.windowFrames === undefined ? {} : { windowFrames: options.windowFrames }),
  });
}
