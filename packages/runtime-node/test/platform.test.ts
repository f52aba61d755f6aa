import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRuntime, readAudioFile, readModelFile, writeFileAtomic } from '../src/index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nc-runtime-node-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Node platform helpers', () => {
  it('readModelFile returns the bytes, and E_MODEL_NOT_FOUND with the path when missing', async () => {
    const path = join(dir, 'm.onnx');
    await writeFile(path, new Uint8Array([1, 2, 3, 250]));
    expect([...(await readModelFile(path))]).toEqual([1, 2, 3, 250]);
    const missing = join(dir, 'nope.onnx');
    await expect(readModelFile(missing)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND', field: 'path', message: expect.stringContaining(missing) });
    await expect(readModelFile(dir)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND', message: expect.stringMatching(/is a directory/) });
    await expect(readModelFile('')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND', field: 'path' });
  });

  it('readAudioFile reads bytes and reports a missing file as E_BAD_AUDIO', async () => {
    const path = join(dir, 'a.wav');
    await writeFile(path, 'RIFF');
    expect(new TextDecoder().decode(await readAudioFile(path))).toBe('RIFF');
    await expect(readAudioFile(join(dir, 'gone.wav'))).rejects.toMatchObject({ code: 'E_BAD_AUDIO', message: expect.stringContaining('gone.wav') });
  });

  it('writeFileAtomic replaces the file whole and leaves no temporary behind', async () => {
    const path = join(dir, 'out.bin');
    await writeFile(path, 'old contents');
    const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
    await writeFileAtomic(path, bytes);
    expect(Buffer.compare(await readFile(path), Buffer.from(bytes))).toBe(0);
    await writeFileAtomic(path, 'text');
    expect(await readFile(path, 'utf8')).toBe('text');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await expect(writeFileAtomic(join(dir, 'no-such-dir', 'x.bin'), 'x')).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('nodeRuntime bundles the backend and the helpers', () => {
    expect(nodeRuntime.name).toBe('node');
    expect(nodeRuntime.backends.map((b) => b.name)).toEqual(['onnxruntime-node']);
    expect(nodeRuntime.readFile).toBe(readModelFile);
    expect(nodeRuntime.writeFileAtomic).toBe(writeFileAtomic);
  });
});
