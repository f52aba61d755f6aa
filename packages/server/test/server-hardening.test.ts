import { connect, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { loadTestClassifier } from './helpers/classifier';
import { makeHostileDataRoot } from './helpers/hostile-data-root';
import { TOKEN, decode } from './helpers/server';
import { encodeWav, tone } from './helpers/wav';

const OTHER_TOKEN = 'other-token-41c2';
const json = (token = TOKEN) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const wavBase64 = Buffer.from(encodeWav(tone(0.5, 16000, 700), 16000)).toString('base64');

/** Sends raw bytes on a fresh loopback socket and collects everything until the server closes it. */
function rawExchange(port: number, request: string, timeoutMs = 5_000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`socket still open after ${timeoutMs} ms: ${text}`))), timeoutMs);
    socket.on('data', (d) => (text += String(d)));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve({ text, closedAfterMs: Date.now() - started })));
    socket.write(request);
  });
}

const errorBodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };

describe('server hardening (real server on loopback)', () => {
  let app: FastifyInstance;
  let url: string;
  let port: number;
  let dirs: Awaited<ReturnType<typeof makeHostileDataRoot>>;

  beforeAll(async () => {
    dirs = await makeHostileDataRoot();
    app = await createServer({
      classifier: await loadTestClassifier(),
      decodeAudio: decode,
      tokens: [TOKEN, OTHER_TOKEN],
      rateLimit: false,
      timeouts: { headersMs: 1_000, requestMs: 2_000 },
      // A long wait for announced requests: if bodies still on the wire were announced, a normal request would wait 1 s.
      batching: { windowMs: 3, maxBatch: 16, maxWaitMs: 1_000 },
      // These tests look at submit and ownership only: accepted training jobs fail at once instead of training.
      jobs: { dataRoot: dirs.root, workDir: dirs.workDir, train: async () => Promise.reject(Object.assign(new Error('no training in this test'), { code: 'E_TRAINING' })) },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(url).port);
  });
  afterAll(async () => {
    await app.close();
    await rm(dirs.base, { recursive: true, force: true });
  });

  const post = (route: string, body: string | object, headers: Record<string, string> = json()) =>
    fetch(`${url}${route}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  describe('training job configs are validated at submit', () => {
    it.each([
      [{ num_epochs: 1e12 }, /numEpochs.*expected an integer in \[1, 100000\].*received 1000000000000/],
      [{ num_epochs: -1 }, /numEpochs.*received -1/],
      [{ num_epochs: 'abc' }, /field config\.num_epochs; expected a value of type integer; received "abc"/],
      [{ batch_size: 1e9 }, /batchSize.*expected an integer in \[1, 65536\]/],
      [{ learning_rate: 'NaN' }, /field config\.learning_rate; expected a value of type number; received "NaN"/],
      [{ model_config: { architecture: '../../x' } }, /architecture.*received "\.\.\/\.\.\/x"/],
      [{ model_config: { architecture: 'resnet_9000' } }, /Unknown architecture "resnet_9000".*one of .*cnn_small/],
      [{ feature_config: { nMels: { deep: 1 } } }, /field config\.feature_config\.nMels; expected a value of type string,number,boolean,null; received an object/],
      [{ epochs_typo: 5 }, /field config\.epochs_typo; expected no such field/],
    ])('%j → 400 naming the field, what was expected and what arrived', async (config, message) => {
      const res = await post('/api/jobs/train', { dataset: 'good', config });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error.code).toBe('E_BAD_REQUEST');
      expect(body.error.message).toMatch(message);
    });

    it('deeply nested JSON is refused before parsing (never reaching a job or a worker thread)', async () => {
      const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const bodies: [route: string, body: string][] = [
        ['/api/jobs/train', `{"dataset":"good","config":{"feature_config":${nest(40)}}}`],
        ['/api/jobs/classify-batch', `{"items":[{"id":"x","audio_data":"AAAA"}],"x":${nest(20_000)}}`],
      ];
      for (const [route, body] of bodies) {
        const res = await post(route, body);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nested too deeply; expected at most 32 levels/);
      }
      // A training request is small: 64 KiB at most.
      const big = await post('/api/jobs/train', `{"dataset":"good","config":{"feature_config":${nest(20_000)}}}`);
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ error: { code: 'E_BODY_TOO_LARGE' } });
    });

    it('a valid config is accepted (202)', async () => {
      const res = await post('/api/jobs/train', { dataset: 'good', config: { num_epochs: 2, batch_size: 4, learning_rate: 0.001, model_config: { architecture: 'cnn_small' }, feature_config: { n_mels: 32, n_mfcc: 20, spectrogram_height: 32 } } });
      expect(res.status, await res.clone().text()).toBe(202);
    });
  });

  it('jobs belong to the token that created them: another token gets 404, for training and batch jobs', async () => {
    for (const [route, body] of [['/api/jobs/train', { dataset: 'good' }], ['/api/jobs/classify-batch', { items: [{ audio_data: wavBase64 }] }]] as const) {
      const res = await post(route, body);
      expect(res.status).toBe(202);
      const { job_id } = (await res.json()) as { job_id: string };
      const mine = await fetch(`${url}/api/jobs/${job_id}`, { headers: json() });
      expect(mine.status).toBe(200);
      expect(JSON.stringify(await mine.json())).not.toContain(TOKEN);
      const theirs = await fetch(`${url}/api/jobs/${job_id}`, { headers: json(OTHER_TOKEN) });
      expect(theirs.status).toBe(404);
      expect(await theirs.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: `No job ${job_id}` } });
    }
  });

  describe('numbers are numbers, JSON is parsed strictly', () => {
    it.each([
      ['audio_data 12345', { audio_data: 12345 }, /field audio_data; expected a value of type string; received 12345/],
      ['sample_rate "16000"', { audio_data: wavBase64, sample_rate: '16000' }, /field sample_rate; expected a value of type integer; received "16000"/],
      ['top_k "5"', { audio_data: wavBase64, top_k: '5' }, /field top_k; expected a value of type integer; received "5"/],
    ])('classify with %s → 400', async (_label, body, message) => {
      const res = await post('/api/audio/classify', body);
      const out = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status).toBe(400);
      expect(out.error).toMatchObject({ code: 'E_BAD_REQUEST', message: expect.stringMatching(message) });
    });

    it('a valid JSON body with a __proto__ key is refused as such, not as invalid JSON', async () => {
      const res = await post('/api/audio/classify', `{"audio_data":"${wavBase64}","__proto__":{"polluted":true}}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'E_BAD_REQUEST', message: expect.stringContaining('"__proto__" is not accepted') } });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const broken = await post('/api/audio/classify', '{"audio_data":');
      expect(await broken.json()).toMatchObject({ error: { code: 'E_BAD_JSON' } });
    });

    it('Content-Encoding gzip → 415', async () => {
      const res = await post('/api/audio/classify', { audio_data: wavBase64 }, { ...json(), 'content-encoding': 'gzip' });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'E_UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('"gzip"') } });
    });
  });

  describe("fastify's and Node's own error replies use the API's shape", () => {
    it('431 for oversized headers', async () => {
      const { text } = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(text).toMatch(/^HTTP\/1\.1 431/);
      expect(errorBodyOf(text).error.code).toBe('E_HEADERS_TOO_LARGE');
    });

    it('414 for an over-long path parameter', async () => {
      const res = await fetch(`${url}/api/jobs/${'a'.repeat(300)}`, { headers: json() });
      expect(res.status).toBe(414);
      expect(await res.json()).toMatchObject({ error: { code: 'E_URI_TOO_LONG' } });
    });

    it('400 for a malformed request line', async () => {
      const { text } = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(text).toMatch(/^HTTP\/1\.1 400/);
      expect(errorBodyOf(text).error.code).toBe('E_BAD_REQUEST');
    });
  });

  it('slow clients are dropped within a few seconds and do not slow down a normal request', async () => {
    // 20 clients announce a 100 kB classify body and send 4 bytes; 2 more never finish their headers.
    const sockets: Socket[] = [];
    const closed: Promise<{ text: string; ms: number }>[] = [];
    const started = Date.now();
    for (let i = 0; i < 22; i++) {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('error', () => undefined);
      closed.push(new Promise((resolve) => socket.on('close', () => resolve({ text, ms: Date.now() - started }))));
      socket.write(
        i < 20
          ? `POST /api/audio/classify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"au`
          : `POST /api/audio/classify HTTP/1.1\r\nHost: x\r\n`,
      );
    }
    try {
      // Meanwhile a normal request answers promptly (the batcher does not wait for the 20 announced bodies).
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      const res = await post('/api/audio/classify', { audio_data: wavBase64 });
      const normalMs = Date.now() - t0;
      expect(res.status, await res.clone().text()).toBe(200);
      expect(normalMs).toBeLessThan(800);
      const results = await Promise.race([
        Promise.all(closed),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('slow sockets still open after 8 s')), 8_000)),
      ]);
      for (const r of results) expect(r.ms).toBeLessThan(6_000);
      // Those with complete headers get a 408 in the API's shape before the close.
      const answered = results.filter((r) => r.text.startsWith('HTTP/1.1 408'));
      expect(answered.length).toBeGreaterThan(0);
      for (const r of answered) expect(errorBodyOf(r.text).error.code).toBe('E_TIMEOUT');
    } finally {
      for (const s of sockets) s.destroy();
    }
  }, 20_000);
});
