import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The import graph of one package's `src/`: relative imports only (type-only ones included, since a type import
 * back up is still a dependency back up). Used by each package's `test/import-layers.test.ts`.
 */
export interface ImportGraph {
  /** File (relative to src, e.g. `core/front-end.ts`) → files it imports. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, base);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path.relative(base, full).split(path.sep).join('/')] : [];
  });
}

export function importGraph(srcDir: string): ImportGraph {
  const files = new Set(sourceFiles(srcDir));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(path.join(srcDir, file), 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (spec === undefined) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const target = [`${resolved}.ts`, `${resolved}/index.ts`, resolved].find((candidate) => files.has(candidate));
      if (target === undefined) throw new Error(`${file}: import '${spec}' does not resolve to a file of this package`);
      targets.push(target);
    }
    edges.set(file, targets);
  }
  return { edges };
}

/** Top-level folder of a file; files directly in src/ belong to '.'. */
export function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/**
 * Imports that go against the layer order: `layers` lists the folders from the bottom up ('.' for files directly in
 * src/); a file may import its own folder and lower layers only. `entries` (folders such as 'node', or files such
 * as 'index.ts') sit above every layer and nothing imports them. A folder in neither list is reported too, so a new
 * folder has to be placed.
 */
export function backEdges(graph: ImportGraph, layers: readonly string[], entries: readonly string[]): string[] {
  const rank = new Map(layers.map((folder, i) => [folder, i] as const));
  const isEntry = (file: string) => entries.includes(file) || entries.includes(folderOf(file));
  const rankOf = (file: string) => (isEntry(file) ? layers.length : rank.get(folderOf(file)));
  const problems: string[] = [];
  for (const [file, targets] of graph.edges) {
    const from = folderOf(file);
    const fromRank = rankOf(file);
    if (fromRank === undefined) problems.push(`${file}: folder '${from}' has no layer`);
    for (const target of targets) {
      const to = folderOf(target);
      if (isEntry(target)) {
        if (!isEntry(file) || to !== from) problems.push(`${file} imports the entry ${target}`);
        continue;
      }
      if (to === from) continue;
      const toRank = rankOf(target);
      if (toRank === undefined) problems.push(`${file} imports ${target}: folder '${to}' has no layer`);
      else if (fromRank !== undefined && toRank >= fromRank) problems.push(`${file} (${from}) imports ${target} (${to}), a layer at or above its own`);
    }
  }
  return problems;
}

/** Every import cycle between files, each as the path around it (a → b → a). */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.edges.get(file) ?? []) {
      const seen = state.get(target);
      if (seen === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target]);
      else if (seen === undefined) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.edges.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
