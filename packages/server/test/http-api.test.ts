import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/create-server';
import { loadTestClassifier } from './helpers/classifier';
import { TOKEN, decode } from './helpers/server';
import { encodeWav, toPcm16, tone } from './helpers/wav';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

const auth = { authorization: `Bearer ${TOKEN}` };

describe('POST /api/audio/classify', () => {
  let app: FastifyInstance;
  const logLines: string[] = [];
  let classifier: Awaited<ReturnType<typeof loadTestClassifier>>;

  beforeAll(async () => {
    classifier = await loadTestClassifier();
    app = await createServer({
      classifier,
      decodeAudio: decode,
      tokens: [TOKEN, 'second-token'],
      bodyLimitBytes: 2 * 1024 * 1024,
      maxAudioSeconds: 10,
      rateLimit: { burst: 1000, perSecond: 1000 },
      logger: { level: 'info', stream: new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) }) },
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('classifies base64 WAV in JSON with the seed response keys', async () => {
    const wav = encodeWav(tone(1, 48000, 1000), 48000);
    const res = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: Buffer.from(wav).toString('base64'), sample_rate: 48000 } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['noise_type', 'confidence', 'all_predictions', 'model_version', 'predicted_class', 'top_k']));
    expect(body.noise_type).toBe(body.predicted_class);
    expect(body.top_k).toHaveLength(5);
    expect(body.top_k[0]).toEqual([body.predicted_class, body.confidence]);
    expect(Object.values(body.all_predictions as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(body.duration_seconds).toBeCloseTo(1, 3);
    // Every label marked with its source (trained head, mapped AudioSet evidence, or none).
    expect(Object.keys(body.label_sources).sort()).toEqual(Object.keys(body.all_predictions).sort());
    for (const source of Object.values(body.label_sources)) expect(['trained', 'mapped', 'none']).toContain(source);
  });

  it('gives the same answer for JSON, raw audio/* and multipart uploads of a real OGG clip', async () => {
    const ogg = readSharedClip(SHARED_CLIPS.dogBark);
    const viaJson = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: ogg.toString('base64') } });
    const viaRaw = await app.inject({ method: 'POST', url: '/api/audio/classify?top_k=3', headers: { ...auth, 'content-type': 'audio/ogg' }, payload: ogg });
    const boundary = 'xXbOuNdArYx';
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.ogg"\r\nContent-Type: audio/ogg\r\n\r\n`),
      ogg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const viaForm = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
    for (const r of [viaJson, viaRaw, viaForm]) expect(r.statusCode, r.body).toBe(200);
    expect(viaRaw.json().predicted_class).toBe(viaJson.json().predicted_class);
    expect(viaForm.json().all_predictions).toEqual(viaJson.json().all_predictions);
    expect(viaRaw.json().top_k).toHaveLength(3);
    expect(viaJson.json().duration_seconds).toBeCloseTo(5, 1);
  });

  it('reads headerless s16le PCM only with a sample rate', async () => {
    const pcm = toPcm16(tone(0.5, 16000, 2000));
    const ok = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: Buffer.from(pcm).toString('base64'), sample_rate: 16000 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().duration_seconds).toBeCloseTo(0.5, 5);
    const raw = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { ...auth, 'content-type': 'audio/pcm;rate=16000' }, payload: Buffer.from(pcm) });
    expect(raw.json().all_predictions).toEqual(ok.json().all_predictions);
    const missing = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: Buffer.from(pcm).toString('base64') } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('E_BAD_AUDIO');
    expect(missing.json().error.message).toMatch(/sample_rate/);
  });

  it('401 without or with a wrong token, in the JSON error shape', async () => {
    const payload = { audio_data: 'AAAA', sample_rate: 48000 };
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }]) {
      const res = await app.inject({ method: 'POST', url: '/api/audio/classify', headers, payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'E_UNAUTHORIZED', message: expect.any(String) } });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const second = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { authorization: 'Bearer second-token' }, payload: { audio_data: Buffer.from(encodeWav(tone(0.2), 48000)).toString('base64') } });
    expect(second.statusCode).toBe(200);
  });

  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"audio_data": ', 400, 'E_BAD_JSON'],
    ['empty JSON body', { 'content-type': 'application/json' }, '', 400, 'E_BAD_JSON'],
    ['missing audio_data', { 'content-type': 'application/json' }, '{"sample_rate": 48000}', 400, 'E_BAD_REQUEST'],
    ['bad base64', { 'content-type': 'application/json' }, '{"audio_data": "not*base64!"}', 400, 'E_BAD_BASE64'],
    ['broken WAV', { 'content-type': 'application/json' }, JSON.stringify({ audio_data: Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt garbage').toString('base64') }), 400, 'E_BAD_AUDIO'],
    ['text/plain', { 'content-type': 'text/plain' }, 'hello', 415, 'E_UNSUPPORTED_MEDIA_TYPE'],
    ['unknown audio type', { 'content-type': 'audio/x-made-up' }, 'xxxx', 415, 'E_UNSUPPORTED_MEDIA_TYPE'],
    ['WAV sent as audio/ogg', { 'content-type': 'audio/ogg' }, Buffer.from(encodeWav(tone(0.1), 8000)), 415, 'E_UNSUPPORTED_MEDIA_TYPE'],
    ['bad sample_rate', { 'content-type': 'application/json' }, '{"audio_data": "AAAA", "sample_rate": 5}', 400, 'E_BAD_REQUEST'],
  ])('%s → %i %s', async (_name, headers, payload, status, code) => {
    const res = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { ...auth, ...headers }, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(typeof res.json().error.message).toBe('string');
  });

  it('413 for a body over the limit and for audio longer than the maximum duration', async () => {
    const big = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { ...auth, 'content-type': 'audio/wav' }, payload: Buffer.alloc(3 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('E_BODY_TOO_LARGE');
    const long = encodeWav(new Float32Array(8000 * 11), 8000); // 11 s, max is 10 s, 176 kB
    const res = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { ...auth, 'content-type': 'audio/wav' }, payload: Buffer.from(long) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('E_AUDIO_TOO_LONG');
    const pcm = await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: Buffer.from(toPcm16(new Float32Array(1000 * 11))).toString('base64'), sample_rate: 1000 } });
    expect(pcm.statusCode).toBe(413);
  });

  it('groups concurrent requests into one classifyBatch call', async () => {
    classifier.calls.length = 0;
    const wav = Buffer.from(encodeWav(tone(0.25, 16000, 700), 16000)).toString('base64');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: wav } })),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(classifier.calls.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...classifier.calls)).toBeGreaterThan(1);
    expect(classifier.calls.length).toBeLessThan(12);
  });

  it('never logs the token or the audio', async () => {
    const secretAudio = Buffer.from(encodeWav(tone(0.1, 8000, 123, 99), 8000)).toString('base64');
    await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: secretAudio } });
    await app.inject({ method: 'POST', url: '/api/audio/classify', headers: { authorization: 'Bearer wrong-secret-token' }, payload: { audio_data: secretAudio } });
    const all = logLines.join('');
    expect(all).toContain('/api/audio/classify');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('wrong-secret-token');
    expect(all).not.toContain(secretAudio.slice(60, 120));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/etc/passwd' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('E_NOT_FOUND');
  });
});

describe('health, metrics, OpenAPI, rate limit', () => {
  it('health reports loading until the model is ready', async () => {
    let release!: (v: Awaited<ReturnType<typeof loadTestClassifier>>) => void;
    const pending = new Promise<Awaited<ReturnType<typeof loadTestClassifier>>>((r) => (release = r));
    const app = await createServer({ classifier: pending, decodeAudio: decode, tokens: [TOKEN] });
    const before = await app.inject({ method: 'GET', url: '/health' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ status: 'loading', model_loaded: false });
    release(await loadTestClassifier());
    await pending;
    const after = await app.inject({ method: 'GET', url: '/health' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'ok', model_loaded: true, model_version: expect.any(String) });
    await app.close();
  });

  it('exposes Prometheus metrics with counts by route and status, latency and inference histograms', async () => {
    const app = await createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: [TOKEN] });
    const wav = Buffer.from(encodeWav(tone(0.2), 48000)).toString('base64');
    await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: wav } });
    await app.inject({ method: 'POST', url: '/api/audio/classify', headers: auth, payload: { audio_data: wav } });
    await app.inject({ method: 'POST', url: '/api/audio/classify', payload: { audio_data: wav } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    const text = res.body;
    expect(text).toContain('noise_http_requests_total{method="POST",route="/api/audio/classify",status="200"} 2');
    expect(text).toContain('noise_http_requests_total{method="POST",route="/api/audio/classify",status="401"} 1');
    expect(text).toMatch(/noise_http_request_duration_seconds_bucket\{method="POST",route="\/api\/audio\/classify",le="\+Inf"\} 3/);
    expect(text).toMatch(/noise_model_inference_duration_seconds_count \d+/);
    expect(text).toContain('noise_model_loaded 1');
    // Every sample line parses as `name{labels} value`.
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$|Inf$/);
    await app.close();
  });

  it('documents every route in /openapi.json', async () => {
    const app = await createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: [TOKEN] });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const printed = app.printRoutes({ commonPrefix: false });
    for (const path of ['/api/audio/classify', '/api/jobs/train', '/api/jobs/classify-batch', '/api/jobs/{id}', '/health', '/metrics', '/openapi.json']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(printed).toContain('classify-batch');
    // The server refuses to get ready with an undocumented route.
    const { undocumentedRoutes } = await import('../src/http/openapi');
    expect(undocumentedRoutes(doc, [{ method: 'GET', url: '/api/jobs/:id' }, { method: ['GET', 'HEAD'], url: '/health' }])).toEqual([]);
    expect(undocumentedRoutes(doc, [{ method: 'DELETE', url: '/api/jobs/:id' }])).toEqual(['DELETE /api/jobs/:id']);
    expect(doc.paths['/api/audio/classify'].post.requestBody.content['application/json'].schema.required).toEqual(['audio_data']);
    await app.close();
  });

  it('429 per token once the bucket is empty, with Retry-After; other tokens unaffected', async () => {
    const app = await createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: ['a-token', 'b-token'], rateLimit: { burst: 3, perSecond: 0.5 } });
    const wav = Buffer.from(encodeWav(tone(0.05), 48000)).toString('base64');
    const send = (t: string) => app.inject({ method: 'POST', url: '/api/audio/classify', headers: { authorization: `Bearer ${t}` }, payload: { audio_data: wav } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await send('a-token')).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const limited = await send('a-token');
    expect(limited.json().error.code).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await send('b-token')).statusCode).toBe(200);
    await app.close();
  });

  it('refuses to start without any token', async () => {
    await expect(createServer({ classifier: await loadTestClassifier(), decodeAudio: decode, tokens: [] })).rejects.toThrow(/NOISE_CLASSIFIER_TOKENS/);
  });
});
