import { NoiseClassifierError, describeValue } from './errors';
import { checkObject } from './field-checks';

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Accepts camelCase keys and the seed's Python snake_case spelling, returns camelCase.
 * Unknown keys are an error (a typo must not silently fall back to a default), and so is
 * giving the same field in both spellings with different values.
 */
export function normalizeKeys(
  configName: string,
  input: unknown,
  knownKeys: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  const source = checkObject(configName, input);
  const known = new Set(knownKeys);
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const key = aliases[rawKey] ?? snakeToCamel(rawKey);
    if (!known.has(key)) {
      throw new NoiseClassifierError('E_CONFIG', `Unknown field "${rawKey}" in ${configName}`, {
        field: `${configName}.${rawKey}`,
        expected: `one of ${knownKeys.join(', ')} (camelCase or snake_case)`,
        received: describeValue(value),
      });
    }
    if (key in out && out[key] !== value) {
      throw new NoiseClassifierError('E_CONFIG', `Field ${key} of ${configName} is given twice with different values`, {
        field: `${configName}.${key}`,
        expected: 'one value',
        received: `${describeValue(out[key])} and ${describeValue(value)}`,
      });
    }
    out[key] = value;
  }
  return out;
}

/** Converts a config object to the seed's snake_case JSON form. */
export function toSnakeCaseKeys(config: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [camelToSnake(k), v]));
}
