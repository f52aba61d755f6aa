/**
 * Cross-check of `resample` against torchaudio 0.13 over many rate pairs (0.5 s of noise + chirp + tone each),
 * and its speed. Needs Debian's python3-torchaudio; not part of the tests.
 *
 *   cd packages/features && npx tsx bench/resample-crosscheck.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resample } from '../src/io/resample';

const dir = mkdtempSync(join(tmpdir(), 'resample-xcheck-'));
const script = fileURLToPath(new URL('./resample-reference.py', import.meta.url));
execFileSync('/usr/bin/python3', [script, dir, 'wide'], { stdio: 'inherit' });
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
  cases: { name: string; fromRate: number; toRate: number; options: Record<string, unknown>; torchaudioMsPerSecond: number }[];
};
const f32 = (name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const maxAbs = (a: Float32Array, b: Float32Array) => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

console.log('pair                  | max |ours − torchaudio f32| | max |ours − torchaudio f64| | ours ms/s of input | torchaudio ms/s | ours / torchaudio');
let worst32 = 0;
let worst64 = 0;
for (const c of index.cases) {
  const input = f32(`${c.name}.in.f32`);
  const ours = resample(input, c.fromRate, c.toRate, c.options);
  const d32 = maxAbs(ours, f32(`${c.name}.out.f32`));
  const d64 = maxAbs(ours, f32(`${c.name}.out64.f32`));
  worst32 = Math.max(worst32, d32);
  worst64 = Math.max(worst64, d64);
  // Time on 10 s of input, after a warm-up.
  const long = new Float32Array(c.fromRate * 10);
  for (let i = 0; i < long.length; i++) long[i] = input[i % input.length]!;
  resample(long.subarray(0, c.fromRate), c.fromRate, c.toRate, c.options);
  let ms = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    resample(long, c.fromRate, c.toRate, c.options);
    ms = Math.min(ms, (performance.now() - t0) / 10);
  }
  const ref = c.torchaudioMsPerSecond;
  console.log(
    `${c.name.padEnd(21)} | ${d32.toExponential(2).padStart(26)} | ${d64.toExponential(2).padStart(26)} | ${ms.toFixed(2).padStart(18)} | ${ref.toFixed(2).padStart(15)} | ${(ms / ref).toFixed(2)}`,
  );
}
console.log(`worst: ${worst32.toExponential(2)} vs float32 torchaudio, ${worst64.toExponential(2)} vs float64 torchaudio`);
rmSync(dir, { recursive: true, force: true });
