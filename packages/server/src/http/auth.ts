import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../api-error';

/** Environment variable holding comma-separated bearer tokens. */
export const TOKENS_ENV = 'NOISE_CLASSIFIER_TOKENS';

/** Tokens from options first, else from `NOISE_CLASSIFIER_TOKENS`; blanks dropped. */
export function resolveTokens(tokens: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = tokens && tokens.length > 0 ? tokens : (env[TOKENS_ENV] ?? '').split(',');
  return list.map((t) => t.trim()).filter((t) => t.length > 0);
}

/**
 * Checks bearer tokens in constant time. Tokens are kept only as SHA-256 digests, and the digest of the
 * presented token is compared with every known digest (no early exit), so timing reveals neither which
 * token matched nor how long it is.
 */
export class TokenVerifier {
  private readonly known: readonly { readonly digest: Buffer; readonly identity: string }[];

  constructor(tokens: readonly string[]) {
    this.known = tokens.map((token) => ({ digest: digest(token), identity: tokenIdentity(token) }));
  }

  get size(): number {
    return this.known.length;
  }

  /**
   * Returns the matching token's identity (`tokenIdentity`: the rate-limit key and the owner recorded on jobs), or
   * throws 401.
   */
  verify(authorization: string | undefined): string {
    const token = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) {
      throw new ApiError(401, 'E_UNAUTHORIZED', 'Missing bearer token: send "Authorization: Bearer <token>"', {
        'www-authenticate': 'Bearer',
      });
    }
    const presented = digest(token);
    let found: string | undefined;
    for (const entry of this.known) {
      if (timingSafeEqual(presented, entry.digest) && found === undefined) found = entry.identity;
    }
    if (found === undefined) {
      throw new ApiError(401, 'E_UNAUTHORIZED', 'Invalid bearer token', { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    return found;
  }
}

/**
 * A token's identity: a domain-separated SHA-256, stable across restarts and servers sharing a Redis queue (unlike
 * a position in the token list), so a job stays its creator's; the token itself is never stored.
 */
export function tokenIdentity(token: string): string {
  return createHash('sha256').update('noise-classifier job owner\0', 'utf8').update(token, 'utf8').digest('hex').slice(0, 32);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
