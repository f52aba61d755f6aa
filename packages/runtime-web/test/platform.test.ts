import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWithWebAudio, fetchModel, webRuntime } from '../src/index';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/model.onnx') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([7, 8, 9]));
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('web platform helpers', () => {
  it('fetchModel returns the bytes over HTTP', async () => {
    expect([...(await fetchModel(`${base}/model.onnx`))]).toEqual([7, 8, 9]);
    expect([...(await webRuntime.readFile(`${base}/model.onnx`))]).toEqual([7, 8, 9]);
  });

  it('fetchModel reports HTTP errors and unreachable hosts as E_MODEL_NOT_FOUND with the URL', async () => {
    await expect(fetchModel(`${base}/missing.onnx`)).rejects.toMatchObject({
      code: 'E_MODEL_NOT_FOUND',
      received: 'HTTP 404 Not Found',
      message: expect.stringContaining('/missing.onnx'),
    });
    await expect(fetchModel('http://127.0.0.1:1/model.onnx')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND', field: 'url' });
    await expect(webRuntime.readAudioFile!(`${base}/missing.wav`)).rejects.toMatchObject({ code: 'E_BAD_AUDIO', message: expect.stringContaining('audio') });
  });

  it('decodeWithWebAudio says it needs a browser when Web Audio is absent', async () => {
    expect(typeof (globalThis as { OfflineAudioContext?: unknown }).OfflineAudioContext).toBe('undefined');
    await expect(decodeWithWebAudio(new ArrayBuffer(8))).rejects.toMatchObject({
      code: 'E_RUNTIME_MISSING',
      message: expect.stringMatching(/decodeAudio from @noise-classifier\/features/),
    });
  });
});
