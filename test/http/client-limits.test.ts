import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../functions/config';
import { startTestBackend, type TestBackend, testClock } from '../support/backend';
import { adminAuth, citizenWithCard, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey } from '../support/jose-kit';
import { registerTerminal, type Terminal } from '../support/rider';

const clock = testClock(new Date('2026-11-27T09:00:10+08:00'));
let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend({
    clock,
    configOverrides: {
      limits: { ...DEFAULT_LIMITS, machineRequestsPerMinute: 25, billLookupsPerMinute: 2, cardStatusChangesPerHour: 2 },
    },
  });
});
afterAll(() => backend?.stop());

const denyList = async (t: Terminal, key = t.key) =>
  backend.app.request('/v1/terminal/deny-list?since=0', {
    headers: { authorization: `Bearer ${await assertionFor(t.clientId, key, clock())}` },
  });

describe('a lost terminal', () => {
  it('is refused with 401 within 10 seconds of being disabled', async () => {
    const t = await registerTerminal(backend.app, ['B1']);
    expect((await denyList(t)).status).toBe(200);
    const disabled = await backend.app.request(
      `/v1/admin/clients/${t.clientId}/disable`,
      jsonRequest('POST', { reason: 'validator stolen from bus 17' }, adminAuth),
    );
    expect(await body(disabled)).toMatchObject({ clientId: t.clientId, status: 'disabled' });
    clock.advance(10_001);
    const refused = await denyList(t);
    expect([refused.status, (await body(refused)).error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('comes back under a new key, and the old key is refused', async () => {
    const t = await registerTerminal(backend.app, ['B1']);
    const fresh = await newKey();
    const rekeyed = await backend.app.request(
      `/v1/admin/clients/${t.clientId}/keys`,
      jsonRequest('POST', { publicKeyJwk: fresh.publicJwk, reason: 'key leaked' }, adminAuth),
    );
    expect(rekeyed.status).toBe(200);
    clock.advance(10_001);
    expect((await denyList(t)).status).toBe(401);
    expect((await denyList(t, fresh)).status).toBe(200);
    const unknown = await backend.app.request('/v1/admin/clients/term_nope/disable', {
      method: 'POST',
      headers: adminAuth,
    });
    expect(unknown.status).toBe(404);
  });
});

describe('per-caller limits', () => {
  it('limits each machine client’s requests a minute', async () => {
    clock.advance(60_000);
    const t = await registerTerminal(backend.app, ['B1']);
    const statuses = [];
    for (let i = 0; i < 26; i++) statuses.push((await denyList(t)).status);
    expect(statuses).toEqual([...Array(25).fill(200), 429]);
    // Another terminal has its own allowance.
    expect((await denyList(await registerTerminal(backend.app, ['B1']))).status).toBe(200);
  });

  it('holds a machine client’s limit when its requests arrive all at once', async () => {
    clock.advance(60_000);
    const t = await registerTerminal(backend.app, ['B1']);
    const statuses = await Promise.all(Array.from({ length: 100 }, async () => (await denyList(t)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });

  it('limits a citizen’s bill lookups and freeze toggles', async () => {
    const { auth } = await citizenWithCard(backend.app);
    const lookup = () => backend.app.request('/v1/me/bills?billerId=water&accountNo=W-0001', { headers: auth });
    expect([(await lookup()).status, (await lookup()).status, (await lookup()).status]).toEqual([200, 200, 429]);
    const toggle = (action: string) => backend.app.request(`/v1/me/card/${action}`, { method: 'POST', headers: auth });
    expect((await toggle('freeze')).status).toBe(200);
    expect((await toggle('unfreeze')).status).toBe(200);
    const third = await toggle('freeze');
    expect([third.status, (await body(third)).error.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
