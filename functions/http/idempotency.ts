import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ConflictError, RetryLaterError, ValidationError } from '../../shared/errors';
import { claimKey, completeKey, releaseKey } from '../../shared/idempotency/store';
import type { Store } from '../../shared/store/store';
import type { AppEnv } from './env';

const KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

/** Same key, same request: method, path and the body's JSON with its keys in a fixed order. */
function requestHash(method: string, path: string, rawBody: string): string {
  let canonical = rawBody;
  try {
    canonical = JSON.stringify(JSON.parse(rawBody), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
    );
  } catch {
    // Not JSON: the validator will refuse it; hash the raw text.
  }
  return createHash('sha256').update(`${method} ${path}\n${canonical}`).digest('base64url');
}

/**
 * Stripe-style Idempotency-Key for money-moving routes: required; a retry with the same key and
 * body gets the first answer again (status and body), another body gets 409, and one that arrives
 * while the first still runs gets 503 to retry. `scopeOf` keeps one caller's keys from another's.
 */
export function idempotent(
  store: Store,
  clock: () => Date,
  scopeOf: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || !KEY_PATTERN.test(key)) {
      throw new ValidationError([
        { path: 'headers.idempotency-key', message: 'required: 8 to 255 printable characters' },
      ]);
    }
    const scope = scopeOf(c);
    const hash = requestHash(c.req.method, c.req.path, await c.req.text());
    const claim = await claimKey(store, scope, key, hash, clock());
    if (claim.state === 'mismatch') {
      throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (claim.state === 'busy') throw new RetryLaterError('A request with this Idempotency-Key is still running');
    if (claim.state === 'done') {
      c.header('Idempotent-Replayed', 'true');
      return c.json(claim.response.body as object, claim.response.status as 200);
    }
    c.set('idempotencyKey', key);
    await next();
    if (c.res.status >= 500) {
      await releaseKey(store, scope, key);
      return;
    }
    const body = await c.res.clone().json();
    await completeKey(store, scope, key, { status: c.res.status, body });
  };
}
