import { copyFile, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A temp data root with a tiny dataset, plus a secret file outside it and a symlink that points at it. */
export async function makeDataRoot() {
  const base = await mkdtemp(path.join(tmpdir(), 'nc-jobs-'));
  const root = path.join(base, 'data');
  const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
  await mkdir(path.join(root, 'tiny', 'audio'), { recursive: true });
  await copyFile(path.join(fixtures, 'dog-bark.ogg'), path.join(root, 'tiny', 'audio', 'dog.ogg'));
  await copyFile(path.join(fixtures, 'drilling.wav'), path.join(root, 'tiny', 'audio', 'drill.wav'));
  await writeFile(path.join(root, 'tiny', 'manifest.csv'), 'file,label\naudio/dog.ogg,dog_barking\naudio/drill.wav,construction_drilling\n');
  await writeFile(path.join(base, 'secret.txt'), 'top secret');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  await symlink(base, path.join(root, 'escape-dir'));
  return { base, root, workDir: path.join(base, 'work') };
}
