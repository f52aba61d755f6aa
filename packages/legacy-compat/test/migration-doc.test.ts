import { describe, expect, it } from 'vitest';
import { docBlocks, exampleFiles, isRunnable, readDoc, readExample, runExample, unmarkedMigrationBlocks } from './helpers/migration-doc';
import { migrationWorkdir } from './helpers/fixtures';

/**
 * docs/migration.md is executable: its snippets are the files in examples/migration/, each run here as a user
 * would run it, and the output shown under each snippet is what the run prints. Before/after pairs must print
 * the same result; only the old call warns.
 */
describe('docs/migration.md', () => {
  const doc = readDoc();
  const blocks = docBlocks(doc);
  const snippets = blocks.filter((b) => b.kind === 'snippet');
  const outputs = new Map(blocks.filter((b) => b.kind === 'output').map((b) => [b.file, b.content]));

  it('embeds every example file verbatim and nothing untested', () => {
    expect(unmarkedMigrationBlocks(doc)).toBe(0);
    expect(snippets.map((s) => s.file).sort()).toEqual(exampleFiles());
    for (const snippet of snippets) {
      expect(snippet.content, `${snippet.file} differs from the doc: run npm run docs:sync`).toBe(readExample(snippet.file));
      expect(outputs.has(snippet.file), `${snippet.file}: documented output`).toBe(isRunnable(snippet.file));
    }
  });

  const files = exampleFiles().filter(isRunnable);
  const runs = new Map<string, ReturnType<typeof runExample>>();
  const run = (file: string) => {
    if (!runs.has(file)) runs.set(file, migrationWorkdir().then((cwd) => runExample(file, cwd)));
    return runs.get(file)!;
  };

  it.concurrent.each(files)('%s runs and prints its documented output', async (file) => {
    const result = await run(file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.documented).toBe(outputs.get(file));
    const warnings = result.documented.split('\n').filter((l) => l.includes('DeprecationWarning'));
    if (file.includes('.before.')) {
      expect(warnings.length, 'an old call warns').toBeGreaterThan(0);
      // Once per symbol per process, however often the snippet calls it.
      const codes = warnings.map((w) => /\[(NCV2_\d{3})\]/.exec(w)?.[1]);
      expect(new Set(codes).size).toBe(codes.length);
    } else {
      expect(warnings, 'the new API does not warn').toEqual([]);
    }
  });

  const pairs = files.filter((f) => f.includes('.before.') && files.includes(f.replace('.before.', '.after.')));
  it.concurrent.each(pairs)('%s prints the same result as its .after twin', async (before) => {
    const [old, next] = await Promise.all([run(before), run(before.replace('.before.', '.after.'))]);
    expect(old.stdout).toBe(next.stdout);
  });
});
