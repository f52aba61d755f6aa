#!/usr/bin/env node
// Adds up the vitest JSON reports of every package into one closing line: "tests: N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'apps']) {
  const groupDir = path.join(root, group);
  if (!fs.existsSync(groupDir)) continue;
  for (const name of fs.readdirSync(groupDir)) {
    const report = path.join(groupDir, name, '.test-results', 'vitest.json');
    if (!fs.existsSync(report)) continue;
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    failed += json.numFailedTests;
    skipped += json.numPendingTests + (json.numTodoTests ?? 0);
    console.log(`${group}/${name}: ${json.numPassedTests} passed, ${json.numFailedTests} failed`);
  }
}
const checksLog = path.join(root, '.package-checks.log');
if (fs.existsSync(checksLog)) {
  const match = /package-checks: (\d+) passed, (\d+) failed/.exec(fs.readFileSync(checksLog, 'utf8'));
  if (match) {
    passed += Number(match[1]);
    failed += Number(match[2]);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
