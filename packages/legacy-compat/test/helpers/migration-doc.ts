import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * docs/migration.md embeds runnable files from examples/migration/ verbatim:
 *
 *   <!-- snippet: examples/migration/01-x.before.ts -->      followed by a ```ts migration fence
 *   <!-- output: examples/migration/01-x.before.ts -->       followed by a ```text fence
 *
 * The test checks every embedded block equals its file, every file is embedded, and that running a file prints
 * its documented output (stdout, preceded by the NCV2 deprecation warnings it writes to stderr).
 * `npm run docs:sync` (scripts/sync-migration-doc.ts) rewrites the blocks from the files and real runs.
 */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = resolve(PACKAGE_ROOT, '../..');
export const DOC_PATH = join(REPO_ROOT, 'docs/migration.md');
export const EXAMPLES_DIR = join(PACKAGE_ROOT, 'examples/migration');
/** Absolute, so examples can run with a working directory outside the repo. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface DocBlock {
  readonly kind: 'snippet' | 'output';
  /** Path relative to the package root, as written in the marker. */
  readonly file: string;
  readonly content: string;
  /** Offsets of the fenced block's body in the doc (for rewriting). */
  readonly start: number;
  readonly end: number;
}

const BLOCK = /<!-- (snippet|output): (\S+) -->\n```(?:ts migration|text)\n([\s\S]*?)```/g;

export function readDoc(): string {
  return readFileSync(DOC_PATH, 'utf8');
}

export function docBlocks(doc: string): DocBlock[] {
  return [...doc.matchAll(BLOCK)].map((m) => {
    const [whole, kind, file, content] = m;
    if (kind === undefined || file === undefined || content === undefined) throw new Error(`BLOCK matched without its groups at ${m.index}`);
    const bodyStart = m.index + whole.length - 3 - content.length;
    return { kind: kind as DocBlock['kind'], file, content, start: bodyStart, end: bodyStart + content.length };
  });
}

/** Fenced ```ts migration blocks that carry no snippet marker (they would go untested). */
export function unmarkedMigrationBlocks(doc: string): number {
  const all = doc.match(/```ts migration\n/g)?.length ?? 0;
  return all - docBlocks(doc).filter((b) => b.kind === 'snippet').length;
}

/** Shared modules (`*.data.ts`) are embedded in the doc but run only through the snippets that import them. */
export function isRunnable(file: string): boolean {
  return !file.endsWith('.data.ts');
}

export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `examples/migration/${f}`);
}

export function readExample(file: string): string {
  return readFileSync(join(PACKAGE_ROOT, file), 'utf8');
}

export interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the doc shows: NCV2 warning lines (pid normalised) then stdout. */
  readonly documented: string;
}

/**
 * Runs one example as a user would (Node + tsx, workspace packages from source) in `cwd`,
 * where the fixtures the snippets name (model.onnx, clip.wav) live.
 */
export async function runExample(file: string, cwd: string, env: Record<string, string | undefined> = {}): Promise<ExampleRun> {
  // Two at a time: the snippets start Node, tsx and often onnxruntime, and the machine may have two cores.
  while (running >= MAX_PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await spawnExample(file, cwd, env);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const MAX_PARALLEL_RUNS = 2;
let running = 0;
const waiting: (() => void)[] = [];

function spawnExample(file: string, cwd: string, env: Record<string, string | undefined>): Promise<ExampleRun> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv.NOISE_CLASSIFIER_NO_DEPRECATION;
  delete childEnv.ML_MODEL_V2_PATH;
  delete childEnv.NODE_OPTIONS;
  delete childEnv.VITEST;
  Object.assign(childEnv, env);
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ['--conditions=@noise-classifier/source', '--import', TSX_LOADER, join(PACKAGE_ROOT, file)],
      { cwd, env: childEnv as NodeJS.ProcessEnv, timeout: 120_000, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolvePromise({ code: typeof code === 'number' ? code : 1, stdout, stderr, documented: documentedOutput(stdout, stderr) });
      },
    );
  });
}

export function documentedOutput(stdout: string, stderr: string): string {
  const warnings = stderr
    .split('\n')
    .filter((line) => /\[NCV2_\d{3}\] DeprecationWarning/.test(line))
    .map((line) => line.replace(/^\(node:\d+\)/, '(node:PID)'));
  return [...warnings, ...stdout.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '')]
    .map((line) => `${line}\n`)
    .join('');
}
