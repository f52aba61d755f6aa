import { describeValue } from '@noise-classifier/config';

/** The parts of an Ajv error the message needs (Ajv runs with `verbose`, so `data` holds the offending value). */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly data?: unknown;
}

/**
 * One sentence naming the field, what was expected and what arrived, e.g.
 * `Invalid request body: field config.num_epochs; expected integer; received "abc"`.
 */
export function formatSchemaErrors(errors: readonly SchemaError[], dataVar: string): Error {
  const e = errors[0];
  if (e === undefined) return Object.assign(new Error(`Invalid request ${dataVar}`), { validation: errors, validationContext: dataVar });
  const where = e.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let field = where.join('.');
  let expected = e.message ?? e.keyword;
  let received = describeValue(e.data);
  if (e.keyword === 'required') {
    field = [...where, String(e.params.missingProperty)].join('.');
    expected = 'a value (the field is required)';
    received = 'nothing';
  } else if (e.keyword === 'additionalProperties') {
    field = [...where, String(e.params.additionalProperty)].join('.');
    expected = 'no such field (see /openapi.json for the accepted fields)';
    received = 'an unknown field';
  } else if (e.keyword === 'type') {
    expected = `a value of type ${String(e.params.type)}`;
  } else if (e.keyword === 'enum') {
    expected = `one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const error = new Error(`Invalid request ${dataVar}: field ${field || '(the whole body)'}; expected ${expected}; received ${received}`);
  return Object.assign(error, { validation: errors, validationContext: dataVar });
}
