import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory holding model.onnx and clip.wav (built once per run). */
    fixturesDir: string;
  }
}

/**
 * Builds the fixtures once for every test file (building the model takes seconds). In a child process with the
 * workspace source condition, since global setup does not resolve sibling packages from source.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-compat-fixtures-'));
  const script = join(dirname(fileURLToPath(import.meta.url)), '../scripts/build-fixtures.ts');
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  execFileSync(process.execPath, ['--conditions=@noise-classifier/source', '--import', tsx, script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  project.provide('fixturesDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
