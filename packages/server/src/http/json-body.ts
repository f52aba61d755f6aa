import { ApiError } from '../api-error';

/** Deepest nesting of arrays/objects a JSON body may have (the API's own bodies need 4). */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a JSON request body: nesting is limited before parsing (a 20,000-deep object would otherwise reach a job
 * and overflow the stack when copied to a worker), invalid JSON is E_BAD_JSON with the parser's reason, and
 * `__proto__` / `constructor.prototype` keys are refused as such (valid JSON, but a prototype-pollution vector),
 * instead of being reported as "not valid JSON".
 */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.length === 0) throw new ApiError(400, 'E_BAD_JSON', 'Request body is empty but Content-Type is application/json');
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) {
    throw new ApiError(400, 'E_BAD_REQUEST', `JSON body is nested too deeply; expected at most ${maxDepth} levels of objects/arrays, received more than ${maxDepth}`);
  }
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, function (key, v: unknown) {
      if (key === '__proto__' || (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))) forbidden ??= key;
      return v;
    });
  } catch (error) {
    throw new ApiError(400, 'E_BAD_JSON', `Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (forbidden !== undefined) {
    throw new ApiError(400, 'E_BAD_REQUEST', `JSON key "${forbidden}" is not accepted; expected the documented fields only, received a "${forbidden}" key`);
  }
  return value;
}

/** Nesting depth of a JSON text, counted outside strings; stops counting once past `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
