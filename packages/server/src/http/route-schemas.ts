/**
 * Hand-written JSON schemas: request parts are given to fastify for validation, and the same objects
 * (plus the response schemas) form the OpenAPI document, so the two cannot drift apart.
 */
const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', examples: ['E_BAD_AUDIO'] }, message: { type: 'string' } },
    },
  },
} as const;

const topK = {
  type: 'array',
  description: 'Highest probabilities first, as [label, probability] pairs.',
  items: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 2, maxItems: 2 },
} as const;

export const classifyJsonBody = {
  type: 'object',
  required: ['audio_data'],
  properties: {
    audio_data: {
      type: 'string',
      minLength: 1,
      description: 'Base64 of a WAV, OGG Vorbis, FLAC or MP3 file (a data: URL prefix is accepted), or of headerless PCM (signed 16-bit little-endian mono) together with sample_rate.',
    },
    sample_rate: {
      type: 'integer',
      minimum: 1000,
      maximum: 384000,
      description: 'Needed only for headerless PCM; encoded files carry their own rate, which wins.',
    },
    top_k: { type: 'integer', minimum: 1, maximum: 100, description: 'Entries in top_k (default 5).' },
  },
} as const;

export const classificationResponse = {
  type: 'object',
  required: ['noise_type', 'confidence', 'all_predictions', 'model_version', 'predicted_class', 'top_k'],
  properties: {
    noise_type: { type: 'string', description: 'Predicted label (the seed MLService key).' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    all_predictions: { type: 'object', additionalProperties: { type: 'number' }, description: 'Probability per label.' },
    model_version: { type: 'string' },
    predicted_class: { type: 'string', description: 'Same as noise_type (the v2 key).' },
    top_k: topK,
    duration_seconds: { type: 'number' },
    label_sources: {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['trained', 'mapped', 'none'] },
      description: 'Where each label\'s probability comes from: the trained head, mapped AudioSet evidence, or none (0).',
    },
  },
} as const;

/** Both spellings (snake_case, camelCase) of each field, with one schema. */
function bothSpellings(fields: Record<string, object>): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [snake, schema] of Object.entries(fields)) {
    out[snake] = schema;
    out[snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = schema;
  }
  return out;
}

const scalar = { type: ['string', 'number', 'boolean', 'null'] } as const;

/**
 * A training job's `config`: types here (numbers must be JSON numbers), ranges in the config factories, which the
 * server also runs at submit (`validateTrainConfig`). Nested configs hold flat values only.
 */
export const trainConfigSchema = {
  type: 'object',
  additionalProperties: false,
  maxProperties: 40,
  description: 'TrainingConfig overrides (snake_case or camelCase) plus optional model_config and feature_config.',
  properties: bothSpellings({
    num_epochs: { type: 'integer' },
    batch_size: { type: 'integer' },
    learning_rate: { type: 'number' },
    weight_decay: { type: 'number' },
    early_stopping_patience: { type: 'integer' },
    device: { type: 'string', enum: ['auto', 'cpu', 'wasm', 'cuda'] },
    checkpoint_dir: { type: 'string', maxLength: 1024, description: 'Ignored: the job owns its checkpoint folder.' },
    seed: { type: 'integer' },
    gradient_accumulation_steps: { type: 'integer' },
    class_weighting: { anyOf: [{ type: 'string', enum: ['none', 'balanced'] }, { type: 'array', maxItems: 1000, items: { type: 'number' } }] },
    mixup_alpha: { type: 'number' },
    model_config: {
      type: 'object',
      maxProperties: 16,
      description: 'ModelConfig fields, e.g. {"architecture": "cnn_small"}.',
      additionalProperties: { anyOf: [scalar, { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 200 } }] },
    },
    feature_config: { type: 'object', maxProperties: 40, description: 'AudioFeatureConfig fields.', additionalProperties: scalar },
  }),
} as const;

export const trainJobBody = {
  type: 'object',
  required: ['dataset'],
  additionalProperties: false,
  properties: {
    dataset: { type: 'string', minLength: 1, maxLength: 1024, description: 'Folder or manifest, relative to the server data root.' },
    config: trainConfigSchema,
  },
} as const;

export const classifyBatchJobBody = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string', maxLength: 200 },
          audio_data: { type: 'string', minLength: 1 },
          path: { type: 'string', minLength: 1, maxLength: 1024, description: 'A file relative to the data root.' },
          sample_rate: { type: 'integer', minimum: 1000, maximum: 384000 },
        },
      },
    },
  },
} as const;

export const jobAccepted = {
  type: 'object',
  required: ['job_id', 'state'],
  properties: { job_id: { type: 'string' }, state: { type: 'string' }, status_url: { type: 'string' } },
} as const;

export const jobStatusResponse = {
  type: 'object',
  required: ['job_id', 'name', 'state', 'progress'],
  properties: {
    job_id: { type: 'string' },
    name: { type: 'string', enum: ['train', 'classify-batch'] },
    state: { type: 'string', enum: ['waiting', 'active', 'completed', 'failed', 'delayed', 'unknown'] },
    progress: { type: 'number', minimum: 0, maximum: 1 },
    progress_details: { type: 'object' },
    result: {},
    error: errorSchema.properties.error,
    attempts_started: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
  },
} as const;

export const jobIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } },
} as const;

export const healthResponse = {
  type: 'object',
  required: ['status', 'model_loaded'],
  properties: {
    status: { type: 'string', enum: ['ok', 'loading', 'error'] },
    model_loaded: { type: 'boolean' },
    model_version: { type: 'string' },
    untrained: { type: 'boolean' },
    uptime_seconds: { type: 'number' },
  },
} as const;

export { errorSchema };
