import fastifyMultipart from '@fastify/multipart';
import { NoiseClassifierError } from '@noise-classifier/config';
import { toWireHealth, toWireJobAccepted, toWireJobStatus, toWireServiceResponse } from '@noise-classifier/pipelines/wire';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AudioDecoder, Classifier, ClipInput, ServedClassification } from '../classifier';
import { InProcessJobQueue } from '../jobs/in-process-queue';
import type { JobDataMap, JobName, JobQueue } from '../jobs/job-queue';
import { createJobProcessor, validateJobData, type TrainRunner } from '../jobs/processors';
import { ApiError, toErrorResponse } from '../api-error';
import { checkSampleRate, containerForMediaType, decodeAudioBytes, decodeBase64Field } from '../audio-input';
import { TokenVerifier, resolveTokens } from './auth';
import { writeClientError } from './client-error';
import { parseJsonBody } from './json-body';
import { formatSchemaErrors } from './validation-message';
import { createServerMetrics } from './metrics';
import { MicroBatcher } from './micro-batcher';
import { buildOpenApiDocument, undocumentedRoutes } from './openapi';
import { TokenBucketLimiter, type RateLimitOptions } from './rate-limiter';
import { classifyBatchJobBody, classifyJsonBody, jobIdParams, trainJobBody } from './route-schemas';

export interface ServerOptions {
  /** The model; a promise (or factory) lets the server answer /health while it loads. */
  readonly classifier: Classifier | Promise<Classifier> | (() => Promise<Classifier>);
  /** Decodes WAV/OGG/FLAC/MP3 bytes (features' `decodeAudio`). */
  readonly decodeAudio: AudioDecoder;
  /** Accepted bearer tokens; default: `NOISE_CLASSIFIER_TOKENS` (comma-separated). At least one is required. */
  readonly tokens?: readonly string[];
  /** Largest request body in bytes (default 16 MiB). */
  readonly bodyLimitBytes?: number;
  /** Longest clip in seconds (default 60). */
  readonly maxAudioSeconds?: number;
  /** Per-token token bucket (default burst 100, 50 requests/s); false turns it off. */
  readonly rateLimit?: RateLimitOptions | false;
  /**
   * Slow clients: a request whose headers are not in after `headersMs` (default 5 s), or whose body is not in
   * after `requestMs` (default 10 s), gets 408 and its socket is closed.
   */
  readonly timeouts?: { headersMs?: number; requestMs?: number };
  /** Micro-batching of concurrent classify requests (default 3 ms window, batches of at most 16, ≤ 20 ms wait for announced requests). */
  readonly batching?: { windowMs?: number; maxBatch?: number; maxWaitMs?: number };
  readonly jobs?: {
    /** Default: an in-process queue running jobs in this server. */
    readonly queue?: JobQueue;
    /** Client paths for training and batch jobs must lie under this folder. */
    readonly dataRoot?: string;
    /** Server-owned folder for checkpoints and trained models (default: a `noise-classifier-work` folder in the OS temp dir). */
    readonly workDir?: string;
    readonly train?: TrainRunner;
  };
  /** Fastify logger (true, false or pino options). Authorization headers and bodies are never logged. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Reported in the OpenAPI document. */
  readonly apiVersion?: string;
}

const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'headers.authorization', 'body', 'audio_data'];

/** Builds the HTTP API (not listening yet: call `listen`, or `inject` in tests). */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const tokens = resolveTokens(options.tokens);
  if (tokens.length === 0) {
    throw new NoiseClassifierError('E_CONFIG', 'No API tokens configured', {
      field: 'tokens',
      expected: 'at least one token: the tokens option (--token) or NOISE_CLASSIFIER_TOKENS (comma-separated)',
      received: 'none',
    });
  }
  const verifier = new TokenVerifier(tokens);
  const limiter = options.rateLimit === false ? undefined : new TokenBucketLimiter(options.rateLimit ?? { burst: 100, perSecond: 50 });
  const bodyLimit = options.bodyLimitBytes ?? 16 * 1024 * 1024;
  const limits = { maxAudioSeconds: options.maxAudioSeconds ?? 60 };
  const metrics = createServerMetrics();
  const started = Date.now();

  // Model state: loading → ready | failed.
  let classifier: Classifier | undefined;
  let loadError: unknown;
  const loading = (typeof options.classifier === 'function' ? options.classifier() : Promise.resolve(options.classifier)).then(
    (c) => {
      classifier = c;
      metrics.modelLoaded.set(1);
      return c;
    },
    (e) => {
      loadError = e;
      metrics.modelLoaded.set(0);
      throw e;
    },
  );
  loading.catch(() => {});
  metrics.modelLoaded.set(0);

  const batcher = new MicroBatcher<ClipInput, ServedClassification>(
    async (items) => {
      if (!classifier) throw new ApiError(503, 'E_UNAVAILABLE', 'Model is not loaded yet');
      return classifier.classifyBatch(items);
    },
    { windowMs: options.batching?.windowMs ?? 3, maxBatch: options.batching?.maxBatch ?? 16, maxWaitMs: options.batching?.maxWaitMs ?? 20 },
    (size, seconds) => {
      metrics.batchSize.observe(size);
      metrics.inferenceSeconds.observe(seconds);
    },
  );

  const jobQueue =
    options.jobs?.queue ??
    new InProcessJobQueue(
      createJobProcessor({
        dataRoot: options.jobs?.dataRoot,
        workDir: options.jobs?.workDir ?? (await defaultWorkDir()),
        classifier: () => loading,
        decodeAudio: options.decodeAudio,
        train: options.jobs?.train,
        maxAudioSeconds: limits.maxAudioSeconds,
        logError: (message, error) => app.log.error({ err: error }, message),
      }),
    );

  const loggerOption =
    options.logger === undefined || options.logger === false
      ? false
      : { ...(options.logger === true ? {} : options.logger), redact: { paths: REDACT, censor: '[redacted]' } };

  const headersMs = options.timeouts?.headersMs ?? 5_000;
  const requestMs = Math.max(options.timeouts?.requestMs ?? 10_000, headersMs);
  const app = Fastify({
    logger: loggerOption as never,
    bodyLimit,
    // Request ids are generated, never taken from the client.
    genReqId: undefined,
    // Node checks these every `connectionsCheckingInterval`; the defaults (60 s headers, no body limit, 30 s checks)
    // let a few clients that announce a body and never send it hold sockets for minutes.
    requestTimeout: requestMs,
    http: { headersTimeout: headersMs, connectionsCheckingInterval: Math.min(1_000, headersMs) },
    // Fastify's own replies (closing, client errors, URL errors) are replaced below by the API's error shape.
    return503OnClosing: false,
    clientErrorHandler: writeClientError,
    frameworkErrors: (error, _request, reply) => {
      const tooLong = (error as { statusCode?: number }).statusCode === 414;
      const body = { error: { code: tooLong ? 'E_URI_TOO_LONG' : 'E_BAD_REQUEST', message: tooLong ? 'A path parameter is too long' : 'Malformed URL' } };
      void (reply as FastifyReply).code(tooLong ? 414 : 400).send(body);
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, verbose: true, allErrors: false, allowUnionTypes: true } },
    schemaErrorFormatter: (errors, dataVar) => formatSchemaErrors(errors as never, dataVar),
  });
  let closing = false;
  app.addHook('preClose', async () => void (closing = true));
  app.addHook('onRequest', async (request) => {
    if (closing) throw new ApiError(503, 'E_UNAVAILABLE', 'Server is shutting down');
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send the body uncompressed`);
    }
  });
  // text/plain would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain');
  // JSON with a depth limit and clear errors for invalid JSON and __proto__ keys (see parseJsonBody).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(/^audio\/[a-z0-9.+-]+/i, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  await app.register(fastifyMultipart, { limits: { fileSize: bodyLimit, files: 1, fields: 8, parts: 10, fieldSize: 1024 } });

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body, headers } = toErrorResponse(error);
    if (statusCode >= 500) request.log.error({ err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'request failed');
    void reply.code(statusCode).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'E_NOT_FOUND', message: `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 100)}` } });
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe(reply.elapsedTime / 1000, { method: request.method, route });
  });

  // Auth and rate limit run before the body is read, so rejected requests cost nothing to parse.
  const owners = new WeakMap<FastifyRequest, string>();
  const protect = async (request: FastifyRequest) => {
    const identity = verifier.verify(request.headers.authorization);
    owners.set(request, identity);
    limiter?.take(identity);
  };

  const openapi = buildOpenApiDocument(options.apiVersion ?? '0.1.0');
  // Every route must appear in the OpenAPI document: checked when the server gets ready.
  const routes: { method: string | string[]; url: string }[] = [];
  app.addHook('onRoute', (route) => void routes.push({ method: route.method, url: route.url }));
  app.addHook('onReady', async () => {
    const missing = undocumentedRoutes(openapi, routes);
    if (missing.length > 0) throw new Error(`Routes missing from the OpenAPI document: ${missing.join(', ')}`);
  });

  app.get('/health', async (_request, reply) => {
    const status = classifier ? 'ok' : loadError ? 'error' : 'loading';
    return reply.code(classifier ? 200 : 503).send(toWireHealth({ status, model: classifier?.modelInfo(), uptimeSeconds: (Date.now() - started) / 1000 }));
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.registry.render()),
  );

  app.get('/openapi.json', async () => openapi);

  app.post(
    '/api/audio/classify',
    {
      onRequest: protect,
      schema: { body: { content: { 'application/json': { schema: classifyJsonBody } } } },
    },
    async (request, reply) => {
      let arrived: (() => void) | undefined;
      let clip: Awaited<ReturnType<typeof decodeAudioBytes>>;
      let topK: number | undefined;
      try {
        const query = request.query as Record<string, unknown>;
        const input = await readAudioRequest(request, query);
        // Announced once its body is in (multipart parts included), so the batcher waits for clips being decoded
        // but never for bodies still on the wire (a slow client would otherwise delay everyone's batch).
        arrived = batcher.expect();
        topK = input.topK;
        clip = await decodeAudioBytes(input.bytes, input.sampleRate, options.decodeAudio, limits, input.declared);
        if (!classifier) {
          if (loadError) throw new ApiError(503, 'E_UNAVAILABLE', 'Model failed to load');
          await loading.catch(() => undefined);
          if (!classifier) throw new ApiError(503, 'E_UNAVAILABLE', 'Model is not loaded');
        }
      } catch (error) {
        arrived?.();
        throw error;
      }
      const result = await batcher.submit({ samples: clip.samples, sampleRate: clip.sampleRate }, arrived);
      return reply.send(toResponse(result, classifier!.modelInfo().modelVersion, topK ?? 5, clip.durationSeconds));
    },
  );

  const submit = async <N extends JobName>(name: N, data: JobDataMap[N], request: FastifyRequest, reply: FastifyReply) => {
    await validateJobData(name, data, { dataRoot: options.jobs?.dataRoot });
    const id = await jobQueue.add(name, data, { owner: owners.get(request) });
    metrics.jobs.inc({ kind: name });
    return reply.code(202).send(toWireJobAccepted({ id, statusUrl: `/api/jobs/${id}` }));
  };

  // A training request is a path and a small config: 64 KiB is plenty.
  app.post('/api/jobs/train', { onRequest: protect, bodyLimit: 64 * 1024, schema: { body: trainJobBody } }, async (request, reply) =>
    submit('train', request.body as JobDataMap['train'], request, reply),
  );
  app.post('/api/jobs/classify-batch', { onRequest: protect, schema: { body: classifyBatchJobBody } }, async (request, reply) =>
    submit('classify-batch', request.body as JobDataMap['classify-batch'], request, reply),
  );
  app.get('/api/jobs/:id', { onRequest: protect, schema: { params: jobIdParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const status = await jobQueue.getStatus(id);
    // Another token's job is answered exactly like a missing one, so job ids cannot be probed across tokens.
    if (!status || status.owner !== owners.get(request)) throw new ApiError(404, 'E_NOT_FOUND', `No job ${id}`);
    return reply.send(toWireJobStatus(status));
  });

  // In-flight requests finish first (fastify closes the listener and waits), then jobs and the model go.
  app.addHook('onClose', async () => {
    await jobQueue.close();
    const c = classifier ?? (await loading.catch(() => undefined));
    await c?.dispose?.();
  });

  return app;
}

async function readAudioRequest(request: FastifyRequest, query: Record<string, unknown>) {
  const topK = query.top_k === undefined ? undefined : checkTopK(query.top_k);
  if (request.isMultipart()) {
    let bytes: Uint8Array | undefined;
    const fields: Record<string, string> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (bytes) throw new ApiError(400, 'E_BAD_REQUEST', 'Send exactly one file');
        bytes = new Uint8Array(await part.toBuffer());
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
    if (!bytes || bytes.length === 0) throw new ApiError(400, 'E_BAD_AUDIO', 'Multipart upload holds no file (send it in a field named "file")');
    const rate = fields.sample_rate ?? query.sample_rate;
    return {
      bytes,
      sampleRate: rate === undefined ? undefined : checkSampleRate(rate),
      declared: undefined,
      topK: fields.top_k !== undefined ? checkTopK(fields.top_k) : topK,
    };
  }
  const body = request.body;
  if (Buffer.isBuffer(body)) {
    const { kind, rate } = containerForMediaType(String(request.headers['content-type']));
    const given = rate ?? query.sample_rate;
    return { bytes: new Uint8Array(body), sampleRate: given === undefined ? undefined : checkSampleRate(given), declared: kind, topK };
  }
  if (body && typeof body === 'object') {
    const json = body as { audio_data: string; sample_rate?: number; top_k?: number };
    return {
      bytes: decodeBase64Field(json.audio_data, 'audio_data'),
      sampleRate: json.sample_rate === undefined ? undefined : checkSampleRate(json.sample_rate),
      declared: undefined,
      topK: json.top_k ?? topK,
    };
  }
  throw new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', 'Send application/json, multipart/form-data or an audio/* body');
}

function checkTopK(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100) {
    throw new ApiError(400, 'E_BAD_REQUEST', 'top_k must be an integer from 1 to 100');
  }
  return n;
}

/** The response: the seed MLService keys plus the v2 keys (pipelines' wire map); top_k is cut to this request's k. */
export function toResponse(result: ServedClassification, modelVersion: string, k: number, durationSeconds?: number) {
  return toWireServiceResponse(result, { modelVersion, topK: k, ...(durationSeconds === undefined ? {} : { durationSeconds }) });
}

async function defaultWorkDir(): Promise<string> {
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  return join(tmpdir(), 'noise-classifier-work');
}
