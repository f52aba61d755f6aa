import { NoiseClassifierError, describeValue } from './errors';

/**
 * Small validators shared by every config factory. Each returns the value with its precise type or throws
 * `E_CONFIG` naming the field, what was expected and what arrived.
 */
function fail(field: string, expected: string, value: unknown): never {
  throw new NoiseClassifierError('E_CONFIG', `Invalid configuration value for ${field}`, {
    field,
    expected,
    received: describeValue(value),
  });
}

export function checkInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

export function checkNumber(
  field: string,
  value: unknown,
  { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = {},
): number {
  const tooLow = typeof value === 'number' && (minExclusive ? value <= min : value < min);
  const tooHigh = typeof value === 'number' && (maxExclusive ? value >= max : value > max);
  if (typeof value !== 'number' || !Number.isFinite(value) || tooLow || tooHigh) {
    fail(field, `a finite number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`, value);
  }
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
  return value;
}

export function checkString(field: string, value: unknown, pattern?: RegExp): string {
  if (typeof value !== 'string' || value.length === 0 || (pattern && !pattern.test(value))) {
    fail(field, pattern ? `a string matching ${pattern}` : 'a non-empty string', value);
  }
  return value;
}

export function checkOneOf<T extends string | number | null>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  return value as T;
}

export function checkOptional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

export function checkNullable<T>(value: unknown, check: (v: unknown) => T): T | null {
  return value === null ? null : check(value);
}

export function checkStringArray(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) fail(field, 'a non-empty array of strings', value);
  value.forEach((item, i) => checkString(`${field}[${i}]`, item));
  const seen = new Set<string>();
  for (const item of value as string[]) {
    if (seen.has(item)) fail(field, 'unique labels', `a duplicate ${JSON.stringify(item)}`);
    seen.add(item);
  }
  return [...(value as string[])];
}

export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'a plain object', value);
  return value as Record<string, unknown>;
}

export { fail as failConfig };
