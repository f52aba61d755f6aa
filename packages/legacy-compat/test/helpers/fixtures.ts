import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let workdir: Promise<string> | undefined;

/** One scratch directory per test process holding what the migration snippets open by relative path. */
export function migrationWorkdir(): Promise<string> {
  workdir ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-compat-migration-'));
    return dir;
  })();
  return workdir;
}
