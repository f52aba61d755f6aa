#!/usr/bin/env node
// Checks every published package the way a user meets it: packed by npm, linted by publint and
// arethetypeswrong, installed from the tarballs into a scratch project outside the workspace, then
// imported from ESM and from CommonJS with no install scripts and no global side effects.
// Run after `nx run-many -t build`. Prints "N passed, N failed" as its last line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { checkNodeConsumers, checkViteConsumer } from './zero-config-checks.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = path.join(root, 'packages');
const results = [];

function record(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}


const packages = fs
  .readdirSync(packagesDir)
  .map((dir) => path.join(packagesDir, dir))
  .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'noise-classifier-consumer-'));
const tarballDir = path.join(scratch, 'tarballs');
fs.mkdirSync(tarballDir);

const tarballs = [];
for (const { dir, manifest } of packages) {
  const name = manifest.name;
  const lifecycle = ['preinstall', 'install', 'postinstall'].filter((s) => manifest.scripts?.[s]);
  record(`${name}: no install scripts`, lifecycle.length === 0, lifecycle.join(', '));
  if (!fs.existsSync(path.join(dir, 'dist'))) {
    record(`${name}: built`, false, 'dist/ missing: run the build first');
    continue;
  }
  const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true });
  record(`${name}: publint`, messages.length === 0, messages.map((m) => `${m.code} ${JSON.stringify(m.args)}`).join('; '));

  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballDir], { cwd: dir }));
  const tarball = path.join(tarballDir, packed[0].filename);
  tarballs.push({ name, tarball, manifest });
  try {
    // Profile node16: our engines field is Node >= 20.19, whose resolution (like bundlers') follows `exports`; the
    // node10 profile ignores `exports` and cannot see subpath entries such as `/register`.
    run(path.join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'ascii', '--no-color', '--profile', 'node16'], { cwd: dir });
    record(`${name}: arethetypeswrong`, true);
  } catch (error) {
    record(`${name}: arethetypeswrong`, false, `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().slice(0, 2000));
  }
}

// A consumer project outside the workspace that installs only the tarballs (and what they depend on).
const consumer = path.join(scratch, 'consumer');
fs.mkdirSync(consumer);
fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }));
fs.writeFileSync(path.join(consumer, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
let installed = false;
try {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((t) => t.tarball)], {
    cwd: consumer,
    maxBuffer: 64 * 1024 * 1024,
  });
  installed = true;
  record('consumer project installs every tarball', true);
} catch (error) {
  record('consumer project installs every tarball', false, String(error.stderr ?? error).slice(0, 2000));
}

if (installed) {
  for (const { name } of tarballs) {
    // A fresh process per package and module system: exports must load, and importing must not add globals.
    const probe = (loader) => `
      const before = new Set(Object.getOwnPropertyNames(globalThis));
      const mod = ${loader};
      const names = Object.keys(mod).filter((k) => k !== 'default' && k !== '__esModule');
      const added = Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k));
      if (names.length === 0) throw new Error('no named exports');
      if (added.length) throw new Error('globals added on import: ' + added.join(', '));
      console.log(names.length);`;
    for (const [kind, args] of [
      ['ESM import', ['--input-type=module', '-e', probe(`await import(${JSON.stringify(name)})`)]],
      ['CommonJS require', ['--input-type=commonjs', '-e', probe(`require(${JSON.stringify(name)})`)]],
    ]) {
      try {
        const count = run(process.execPath, args, { cwd: consumer }).trim();
        record(`${name}: ${kind}`, true, `${count} exports`);
      } catch (error) {
        record(`${name}: ${kind}`, false, String(error.stderr ?? error).trim().split('\n').slice(0, 8).join(' | '));
      }
    }
  }
  // `NoiseClassifierService.create()` and nothing else, from ESM, CommonJS and a Vite-built page.
  const nodeResult = checkNodeConsumers(consumer, record);
  await checkViteConsumer(consumer, root, record, nodeResult);
}

// PACKAGE_CHECKS_KEEP=1 keeps the scratch project (tarballs, consumer, built page) for a look.
if (process.env.PACKAGE_CHECKS_KEEP === '1') console.log(`scratch project kept: ${scratch}`);
else fs.rmSync(scratch, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok).length;
console.log(`\npackage-checks: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
