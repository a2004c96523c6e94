import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { RetryLaterError, ValidationError } from '../../shared/errors';
import {
  claimKey,
  completeKey,
  keepRefusal,
  keptAnswer,
  keyReused,
  releaseKey,
  type StoredResponse,
} from '../../shared/idempotency/store';
import type { Store } from '../../shared/store/store';
import type { AppEnv } from './env';
import { IDEMPOTENCY_KEY_PATTERN } from './schemas';

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

/** The request's Idempotency-Key, or 400. */
function idempotencyKeyOf(c: Context<AppEnv>): string {
  const key = c.req.header('idempotency-key');
  if (!key || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationError([
      { path: 'headers.idempotency-key', message: 'required: 8 to 255 printable characters' },
    ]);
  }
  return key;
}

/** The first answer again, marked as a replay. */
function replayed(c: Context<AppEnv>, response: StoredResponse): Response {
  c.header('Idempotent-Replayed', 'true');
  return c.json(response.body as object, response.status as 200);
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
    const key = idempotencyKeyOf(c);
    const scope = scopeOf(c);
    const hash = requestHash(c.req.method, c.req.path, await c.req.text());
    const claim = await claimKey(store, scope, key, hash, clock());
    if (claim.state === 'mismatch') throw keyReused();
    if (claim.state === 'busy') throw new RetryLaterError('A request with this Idempotency-Key is still running');
    if (claim.state === 'done') return replayed(c, claim.response);
    c.set('idempotencyKey', key);
    await next();
    // A 5xx is no answer, and a 202 not the last one (the work goes on): the same key asks again.
    if (c.res.status >= 500 || c.res.status === 202) {
      await releaseKey(store, scope, key);
      return;
    }
    const body = await c.res.clone().json();
    await completeKey(store, scope, key, { status: c.res.status, body });
  };
}

/**
 * `idempotent` for a route whose request puts, in its own transaction and only if new, a record keyed
 * by its Idempotency-Key (a top-up, a bill payment): that record carries the request's hash and first
 * answer (`keptAnswerAttributes`, given to the route as `idempotencyHash`), so the key costs no writes
 * of its own. A known key is answered from the record before the route runs; of two racing requests
 * the record's conditional put keeps one, and the other's route answers 503 to retry (it finds the
 * record then); a refusal (4xx) is kept at the same key for 48 hours; a 5xx keeps nothing.
 */
export function idempotentOnRecord(
  store: Store,
  clock: () => Date,
  recordKeyOf: (c: Context<AppEnv>, idempotencyKey: string) => { pk: string; sk: string },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = idempotencyKeyOf(c);
    const hash = requestHash(c.req.method, c.req.path, await c.req.text());
    const recordKey = recordKeyOf(c, key);
    const kept = await keptAnswer(store, recordKey);
    if (kept) {
      if (kept.requestHash !== hash) throw keyReused();
      return replayed(c, kept.response);
    }
    c.set('idempotencyKey', key);
    c.set('idempotencyHash', hash);
    await next();
    if (c.res.status < 400 || c.res.status >= 500) return;
    const other = await keepRefusal(
      store,
      recordKey,
      hash,
      { status: c.res.status, body: await c.res.clone().json() },
      clock(),
    );
    if (!other) return;
    if (other.requestHash !== hash) throw keyReused();
    c.res = replayed(c, other.response);
  };
}
