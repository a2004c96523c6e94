import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { phoneHash } from '../../shared/identity/phone';
import { otpKey } from '../../shared/store/keys';
import { startTestBackend, type TestBackend, testClock } from '../support/backend';
import { jsonRequest } from '../support/citizen';
import { body } from '../support/http';

describe('OTP limits per source address', () => {
  it('refuses codes past the address limit, whatever the phone, with 429 and Retry-After', async () => {
    // A fixed clock: the four requests fall in one rate window whatever the time of the run.
    const clock = testClock(new Date('2026-11-27T08:00:10+08:00'));
    const backend = await startTestBackend({
      clock,
      configOverrides: { otp: { perPhonePerMinute: 5, perAddressPerMinute: 3, tokenPerAddressPerMinute: 120 } },
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

type TestApp = TestBackend['app'];

describe('wrong login codes per phone', () => {
  const phone = '13600001111';
  const requestCode = async (app: TestApp) =>
    (await body(await app.request('/v1/auth/otp', jsonRequest('POST', { phone })))).devCode;
  const token = (app: TestApp, code: string) => app.request('/v1/auth/token', jsonRequest('POST', { phone, code }));
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('allow 10 across resends, then 429 for a day after the first, the right code included', async () => {
    const clock = testClock(new Date('2026-11-27T08:00:00+08:00'));
    const backend = await startTestBackend({ clock });
    try {
      const { app } = backend;
      for (let round = 0; round < 2; round++) {
        const code = await requestCode(app);
        for (let i = 0; i < 5; i++) expect((await token(app, wrong(code))).status).toBe(401);
        clock.advance(60_000);
      }
      const right = await requestCode(app);
      const refused = await token(app, right);
      expect(refused.status).toBe(429);
      expect((await body(refused)).error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
      // A day after the first wrong code the phone may log in again.
      clock.set(new Date('2026-11-28T08:00:01+08:00'));
      const fresh = await requestCode(app);
      expect((await token(app, fresh)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('keeps only a keyed hash of the code, and limits code checks per address', async () => {
    const clock = testClock(new Date('2026-11-27T08:00:10+08:00'));
    const backend = await startTestBackend({
      clock,
      configOverrides: { otp: { perPhonePerMinute: 5, perAddressPerMinute: 120, tokenPerAddressPerMinute: 3 } },
    });
    try {
      const { app, deps } = backend;
      const code = await requestCode(app);
      const { Item } = await deps.store.doc.send(
        new GetCommand({
          TableName: deps.store.tableName,
          Key: otpKey(phoneHash(await deps.secrets.get('loginKey'), phone)),
        }),
      );
      const plain = createHash('sha256').update(`${phone}:${code}`).digest('base64');
      expect(Item?.codeHash).toBeDefined();
      expect(Item?.codeHash).not.toBe(plain);
      expect(JSON.stringify(Item)).not.toContain(code);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await token(app, wrong(code))).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await backend.stop();
    }
  });
});
