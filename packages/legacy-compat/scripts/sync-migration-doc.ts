/**
 * Rewrites the snippet and output blocks of docs/migration.md from examples/migration/ and real runs.
 * Usage (from packages/legacy-compat): npm run docs:sync
 */
import { writeFileSync } from 'node:fs';
import { DOC_PATH, docBlocks, readDoc, readExample, runExample } from '../test/helpers/migration-doc';
import { migrationWorkdir } from '../test/helpers/fixtures';

const doc = readDoc();
const cwd = await migrationWorkdir();
const replacements: { start: number; end: number; text: string }[] = [];
for (const block of docBlocks(doc)) {
  if (block.kind === 'snippet') {
    replacements.push({ start: block.start, end: block.end, text: readExample(block.file) });
  } else {
    const run = await runExample(block.file, cwd);
    if (run.code !== 0) throw new Error(`${block.file} failed:\n${run.stderr}`);
    replacements.push({ start: block.start, end: block.end, text: run.documented });
    console.log(`ran ${block.file}`);
  }
}
let out = doc;
for (const r of replacements.sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
writeFileSync(DOC_PATH, out);
console.log(`updated ${DOC_PATH}`);
