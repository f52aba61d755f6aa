import { ACCEPTED_AUDIO_TYPES } from '../audio-input';
import {
  classificationResponse,
  classifyBatchJobBody,
  classifyJsonBody,
  errorSchema,
  healthResponse,
  jobAccepted,
  jobIdParams,
  jobStatusResponse,
  trainJobBody,
} from './route-schemas';

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (description: string, schema: unknown) => ({ description, content: { 'application/json': { schema } } });
const authErrors = { '401': err('Missing or wrong bearer token'), '429': err('Per-token rate limit exceeded (see Retry-After)') };

/** The OpenAPI 3.1 document served at GET /openapi.json. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const audioBody: Record<string, unknown> = {};
  for (const type of ACCEPTED_AUDIO_TYPES) audioBody[type] = { schema: { type: 'string', format: 'binary' } };
  return {
    openapi: '3.1.0',
    info: {
      title: '@noise-classifier/server',
      version,
      description: 'Environmental noise classification over HTTP. Errors are always {"error": {"code", "message"}}.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema, Classification: classificationResponse, JobStatus: jobStatusResponse },
    },
    paths: {
      '/api/audio/classify': {
        post: {
          summary: 'Classify one clip',
          security: [{ bearer: [] }],
          parameters: [
            { name: 'sample_rate', in: 'query', required: false, schema: { type: 'integer' }, description: 'For raw PCM bodies (audio/pcm), if Content-Type has no rate= parameter.' },
            { name: 'top_k', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: classifyJsonBody },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', format: 'binary' }, sample_rate: { type: 'integer' }, top_k: { type: 'integer' } },
                },
              },
              ...audioBody,
            },
          },
          responses: {
            '200': json('Classification', { $ref: '#/components/schemas/Classification' }),
            '400': err('Malformed JSON, base64 or audio'),
            ...authErrors,
            '413': err('Body or audio duration over the configured maximum'),
            '415': err('Unsupported media type'),
            '503': err('Model not loaded yet'),
          },
        },
      },
      '/api/jobs/train': {
        post: {
          summary: 'Start a training job on a dataset under the server data root',
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: trainJobBody } } },
          responses: { '202': json('Job accepted', jobAccepted), '400': err('Bad request or path outside the data root'), ...authErrors },
        },
      },
      '/api/jobs/classify-batch': {
        post: {
          summary: 'Classify many clips in the background',
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: classifyBatchJobBody } } },
          responses: { '202': json('Job accepted', jobAccepted), '400': err('Bad request or path outside the data root'), ...authErrors },
        },
      },
      '/api/jobs/{id}': {
        get: {
          summary: 'State, progress, result or error of a job',
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: jobIdParams.properties.id }],
          responses: { '200': json('Job status', { $ref: '#/components/schemas/JobStatus' }), '404': err('No such job'), ...authErrors },
        },
      },
      '/health': {
        get: {
          summary: 'Liveness and whether the model is loaded',
          responses: { '200': json('Alive, model loaded', healthResponse), '503': json('Model loading or failed', healthResponse) },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text format 0.0.4)',
          responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': json('OpenAPI 3.1 document', { type: 'object' }) } },
      },
    },
  };
}

/** Routes registered on the server that the document does not describe (fastify `:id` → OpenAPI `{id}`). */
export function undocumentedRoutes(doc: Record<string, unknown>, routes: readonly { method: string | string[]; url: string }[]): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  const missing: string[] = [];
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of ([] as string[]).concat(route.method)) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (!paths[path]?.[method.toLowerCase()]) missing.push(`${method} ${route.url}`);
    }
  }
  return missing;
}
