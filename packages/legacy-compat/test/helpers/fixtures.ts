import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtures } from './build-fixtures';

let scratch: Promise<string> | undefined;

/**
 * The directory with model.onnx and clip.wav: the one global setup built (inside vitest), or a fresh one
 * (the docs:sync script).
 */
export async function migrationWorkdir(): Promise<string> {
  const provided = await providedDir();
  if (provided !== undefined) return provided;
  scratch ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-compat-migration-'));
    await writeFixtures(dir);
    return dir;
  })();
  return scratch;
}

async function providedDir(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject('fixturesDir');
}

export async function fixtureBytes(name: 'model.onnx' | 'clip.wav'): Promise<Uint8Array> {
  return new Uint8Array(readFileSync(join(await migrationWorkdir(), name)));
}
