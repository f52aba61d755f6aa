import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWav, tone } from './wav';

/** Content of the file outside the root that hostile manifests and links point at; must never appear in a reply. */
export const SECRET = 'vm.secret-outside-the-root';

/**
 * A temp data root holding synthetic WAV clips plus every way a dataset can try to reach a file outside the root:
 * manifest rows with `..` and absolute paths, a symbolic link to an outside file inside a class folder, and a class
 * folder that is a link to an outside folder. `good/` is a clean dataset (with an in-root link) for comparison.
 */
export async function makeHostileDataRoot() {
  const base = await mkdtemp(path.join(tmpdir(), 'nc-hostile-'));
  const root = path.join(base, 'data');
  const outside = path.join(base, 'outside');
  await mkdir(outside, { recursive: true });
  const secret = path.join(outside, 'secret.wav');
  await writeFile(secret, SECRET);
  const clip = (hz: number) => encodeWav(tone(0.5, 16000, hz), 16000);

  for (const [label, hz] of [['siren', 900], ['engine_idling', 120]] as const) {
    await mkdir(path.join(root, 'good', label), { recursive: true });
    await writeFile(path.join(root, 'good', label, 'a.wav'), clip(hz));
  }
  // A link that stays inside the root is fine.
  await symlink(path.join(root, 'good', 'siren', 'a.wav'), path.join(root, 'good', 'siren', 'b.wav'));

  const manifest = (name: string, rows: string[]) => writeFile(path.join(root, 'manifests', name), `file,label\n${rows.join('\n')}\n`);
  await mkdir(path.join(root, 'manifests'), { recursive: true });
  await manifest('dotdot.csv', ['../good/siren/a.wav,siren', '../../../../../../../../etc/passwd,engine_idling']);
  await manifest('absolute.csv', ['../good/siren/a.wav,siren', `${secret},engine_idling`]);
  await manifest('etc.csv', ['../good/siren/a.wav,siren', '/etc/hostname,engine_idling']);
  await manifest('url.csv', ['../good/siren/a.wav,siren', `file://${secret},engine_idling`]);
  await manifest('not-audio.csv', ['../good/siren/a.wav,siren', 'dotdot.csv,engine_idling']);

  // A class folder with one real clip and one link to the outside file.
  await mkdir(path.join(root, 'linked-file', 'siren'), { recursive: true });
  await mkdir(path.join(root, 'linked-file', 'engine_idling'), { recursive: true });
  await writeFile(path.join(root, 'linked-file', 'siren', 'a.wav'), clip(900));
  await symlink(secret, path.join(root, 'linked-file', 'engine_idling', 'passwd.wav'));

  // A class folder that is itself a link to a folder outside the root.
  await mkdir(path.join(root, 'linked-folder', 'siren'), { recursive: true });
  await writeFile(path.join(root, 'linked-folder', 'siren', 'a.wav'), clip(900));
  await symlink(outside, path.join(root, 'linked-folder', 'engine_idling'));

  return { base, root, outside, workDir: path.join(base, 'work') };
}
