import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDatasetPath } from '../../../../tooling/shared-data';

/** Six real 5-second ESC-10 clips (CC0), one per ESC fold 1–3 and class: [project label, ESC-10 folder, file]. */
const CLIPS = [
  ['dog_barking', 'dog_bark', '1-100032-A.ogg'],
  ['dog_barking', 'dog_bark', '2-114587-A.ogg'],
  ['dog_barking', 'dog_bark', '3-144028-A.ogg'],
  ['rain_heavy', 'rain', '1-17367-A.ogg'],
  ['rain_heavy', 'rain', '2-117625-A.ogg'],
  ['rain_heavy', 'rain', '3-132852-A.ogg'],
] as const;

/**
 * A temp folder laid out one folder per project label (`dog_barking/`, `rain_heavy/`, what `fromDirectory` reads)
 * with the six clips copied from ../shared/datasets/esc10, and `test/fixtures/clips/manifest.csv` beside them.
 * The recordings stay in ../shared; only our manifest is committed.
 */
export function stageEsc10Clips(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nc-esc10-clips-'));
  for (const [label, escFolder, file] of CLIPS) {
    mkdirSync(join(dir, label), { recursive: true });
    copyFileSync(sharedDatasetPath(`esc10/audio/${escFolder}/${file}`), join(dir, label, file));
  }
  copyFileSync(fileURLToPath(new URL('../fixtures/clips/manifest.csv', import.meta.url)), join(dir, 'manifest.csv'));
  return dir;
}
