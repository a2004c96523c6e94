import { describe, expect, it } from 'vitest';
import { newRouter } from '../../../functions/http/router';
import { createShell } from '../../../functions/http/shell';
import {
  type CodeOf,
  ConflictError,
  ERROR_CODES,
  ERROR_CODES_BY_STATUS,
  type ErrorCode,
  type ErrorStatus,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  RefusedError,
  RequestFormError,
  RetryLaterError,
  statusOf,
  UnauthenticatedError,
  ValidationError,
} from '../../../shared/errors';
import { body } from '../../support/http';
import { silentLogger } from '../../support/silent-logger';

/** How the code raises each status's errors: each class takes only its own codes. */
const RAISE: { [S in ErrorStatus]: (code: CodeOf<S>) => Error } = {
  400: (code) =>
    code === 'VALIDATION_FAILED'
      ? new ValidationError([{ path: 'x', message: 'bad' }])
      : new RequestFormError(code, 'bad'),
  401: (code) => new UnauthenticatedError('who are you', code),
  403: () => new ForbiddenError(),
  404: () => new NotFoundError('Thing'),
  405: (code) => new RequestFormError(code, 'not here'),
  409: (code) => new ConflictError(code, 'conflict'),
  413: (code) => new RequestFormError(code, 'too large'),
  415: (code) => new RequestFormError(code, 'not JSON'),
  422: (code) => new RefusedError(code, 'refused'),
  429: () => new RateLimitedError(7),
  // Anything that is not ours is a defect: 500 INTERNAL, saying nothing of it.
  500: () => new Error('table onecard-main exploded'),
  503: () => new RetryLaterError(),
};

const raise = <S extends ErrorStatus>(code: CodeOf<S>, status: S) => RAISE[status](code);

const router = newRouter();
router.get('/raise/:code', (c) => {
  const code = c.req.param('code') as ErrorCode;
  throw raise(code, statusOf(code));
});
const app = createShell({ logger: silentLogger }, router);

describe('every error code through onError', () => {
  it.each([...ERROR_CODES])('%s answers its status with its code and the request id', async (code) => {
    const res = await app.request(`/raise/${code}`);
    expect(res.status).toBe(statusOf(code));
    const error = (await body(res)).error;
    expect(error).toMatchObject({ code, requestId: res.headers.get('x-request-id') });
    expect(error.message).not.toContain('onecard-main');
    if (code === 'RATE_LIMITED') expect(res.headers.get('retry-after')).toBe('7');
    if (code === 'RETRY_LATER') expect(res.headers.get('retry-after')).toBe('1');
  });

  it('groups each code under one status: 409 conflicts, 422 refusals, 503 retry', () => {
    const grouped = Object.values(ERROR_CODES_BY_STATUS).flat();
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...ERROR_CODES].sort()).toEqual([...grouped].sort());
    expect(['IDEMPOTENCY_KEY_REUSED', 'ALREADY_PAID'].map((c) => statusOf(c as ErrorCode))).toEqual([409, 409]);
    expect(['INSUFFICIENT_FUNDS', 'CARD_FROZEN', 'REPLAYED'].map((c) => statusOf(c as ErrorCode))).toEqual([
      422, 422, 422,
    ]);
  });
});
