import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TOKEN } from './helpers/server';
import { encodeWav, tone } from './helpers/wav';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s lets an in-flight request finish, refuses new ones, exits 0', async (signal) => {
    const child = spawn(process.execPath, ['--conditions=@noise-classifier/source', '--import', 'tsx', 'test/helpers/serve-child.ts'], {
      cwd: packageRoot,
      env: { ...process.env, DELAY_MS: '1500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        const listening = /listening (\S+)/.exec(String(d))?.[1];
        if (listening) resolve(listening);
      });
      child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
    });
    const body = JSON.stringify({ audio_data: Buffer.from(encodeWav(tone(0.5), 48000)).toString('base64') });
    const inFlight = fetch(`${url}/api/audio/classify`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    await new Promise((r) => setTimeout(r, 400));
    const sentAt = Date.now();
    child.kill(signal);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).predicted_class).toEqual(expect.any(String));
    // New requests during shutdown are refused (503 on a kept-alive socket, or connection refused).
    const late = await fetch(`${url}/health`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(late);
    expect(await exit).toBe(0);
    expect(Date.now() - sentAt).toBeGreaterThan(500); // it waited for the request rather than dying at once
  }, 30_000);
});
