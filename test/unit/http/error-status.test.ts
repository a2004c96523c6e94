import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../functions/http/error-status';
import { ERROR_CODES } from '../../../shared/errors';

describe('the error status table', () => {
  it('maps every code, with the contract classes: 409 conflicts, 422 refusals, 503 retry', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(ERROR_STATUS.IDEMPOTENCY_KEY_REUSED).toBe(409);
    expect(ERROR_STATUS.ALREADY_PAID).toBe(409);
    for (const code of [
      'INSUFFICIENT_FUNDS',
      'CARD_FROZEN',
      'CREDENTIAL_EXPIRED',
      'PROOF_INVALID',
      'REPLAYED',
    ] as const) {
      expect(ERROR_STATUS[code]).toBe(422);
    }
    expect(ERROR_STATUS.RETRY_LATER).toBe(503);
    expect(ERROR_STATUS.RATE_LIMITED).toBe(429);
  });
});
