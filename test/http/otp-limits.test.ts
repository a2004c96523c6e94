import { describe, expect, it } from 'vitest';
import { startTestBackend, testClock } from '../support/backend';
import { jsonRequest } from '../support/citizen';
import { body } from '../support/http';

describe('OTP limits per source address', () => {
  it('refuses codes past the address limit, whatever the phone, with 429 and Retry-After', async () => {
    // A fixed clock: the four requests fall in one rate window whatever the time of the run.
    const clock = testClock(new Date('2026-11-27T08:00:10+08:00'));
    const backend = await startTestBackend({
      clock,
      configOverrides: { otp: { perPhonePerMinute: 5, perAddressPerMinute: 3 } },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const res = await backend.app.request('/v1/auth/otp', jsonRequest('POST', { phone: `1360000000${i}` }));
        statuses.push(res.status);
        if (res.status === 429) {
          expect((await body(res)).error.code).toBe('RATE_LIMITED');
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await backend.stop();
    }
  });
});
