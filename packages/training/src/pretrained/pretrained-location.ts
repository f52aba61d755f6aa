import { NoiseClassifierError } from '@noise-classifier/config';
import { joinLocation } from '@noise-classifier/pipelines';
import { PRETRAINED_BACKBONES, type PretrainedBackboneSpec } from './pretrained-backbone';

/** The environment variable naming a folder of pretrained weights folders (like `../shared/pretrained`). */
export const PRETRAINED_ROOT_ENV = 'NOISE_CLASSIFIER_PRETRAINED';

export interface ResolvePretrainedOptions {
  /** Whether a folder exists (Node: fs.stat). */
  readonly isDirectory: (location: string) => Promise<boolean>;
  /** `--pretrained-root`: searched first for a name. */
  readonly root?: string;
  /** The value of NOISE_CLASSIFIER_PRETRAINED, searched second. */
  readonly envRoot?: string;
  /** The working directory: `<cwd>/../shared/pretrained` is searched last. */
  readonly cwd?: string;
}

export interface ResolvedPretrained {
  readonly spec: PretrainedBackboneSpec;
  /** The folder holding the weights file. */
  readonly folder: string;
}

/**
 * `--pretrained <dir|name>`: a known name (`efficientat_mn04`) is looked up as `<root>/<folder>` in the explicit
 * root, then NOISE_CLASSIFIER_PRETRAINED, then `../shared/pretrained` beside the working directory; anything else
 * is a folder read directly (it holds the default backbone's weights file). Nothing is ever downloaded: a name not
 * found anywhere, or a folder that does not exist, is E_MODEL_NOT_FOUND listing where it looked.
 */
export async function resolvePretrainedLocation(nameOrFolder: string, options: ResolvePretrainedOptions): Promise<ResolvedPretrained> {
  if (typeof nameOrFolder !== 'string' || nameOrFolder.trim() === '') {
    throw new NoiseClassifierError('E_CONFIG', 'The pretrained weights need a name or a folder', {
      field: '--pretrained', expected: `a folder or one of ${[...PRETRAINED_BACKBONES.keys()].join(', ')}`, received: JSON.stringify(nameOrFolder),
    });
  }
  const spec = PRETRAINED_BACKBONES.get(nameOrFolder);
  if (spec) {
    const roots = [options.root, options.envRoot, options.cwd === undefined ? undefined : joinLocation(options.cwd, '../shared/pretrained')]
      .filter((r): r is string => typeof r === 'string' && r !== '');
    for (const root of roots) {
      const folder = joinLocation(root, spec.folder);
      if (await options.isDirectory(folder)) return { spec, folder };
    }
    throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `No ${spec.folder} folder for the pretrained backbone ${spec.name} (nothing is downloaded)`, {
      field: '--pretrained',
      expected: `a folder ${spec.folder}/ holding ${spec.weightsFile} under --pretrained-root, $${PRETRAINED_ROOT_ENV} or ../shared/pretrained`,
      received: roots.length ? `none in ${roots.join(', ')}` : 'no place to look',
    });
  }
  if (!(await options.isDirectory(nameOrFolder))) {
    throw new NoiseClassifierError('E_MODEL_NOT_FOUND', `The pretrained weights folder ${nameOrFolder} does not exist`, {
      field: '--pretrained',
      expected: `an existing folder, or one of the names ${[...PRETRAINED_BACKBONES.keys()].join(', ')}`,
      received: nameOrFolder,
    });
  }
  // A folder: the one backbone we know how to read (its weights file decides; a wrong file is caught when loaded).
  return { spec: PRETRAINED_BACKBONES.values().next().value as PretrainedBackboneSpec, folder: nameOrFolder };
}
