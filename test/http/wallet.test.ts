import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Holds, openHoldsFen } from '../../shared/ledger/holds';
import { readWallet } from '../../shared/ledger/wallet-head';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, citizenWithCard, deliverWebhook, jsonRequest, login, residentId } from '../support/citizen';
import { body } from '../support/http';

// Time stands still in this file: rate windows and token lifetimes cannot move under a test.
const clock = testClock(new Date());
const { app, backend } = useTestBackend({ clock });

describe('citizen login', () => {
  it('gives a token for the right code, once, and refuses a wrong one', async () => {
    const phone = '13800000001';
    const otp = await body(await app.request('/v1/auth/otp', jsonRequest('POST', { phone })));
    expect(otp.devCode).toMatch(/^\d{6}$/);
    const wrong = String((Number(otp.devCode) + 1) % 1_000_000).padStart(6, '0');
    expect((await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: wrong }))).status).toBe(401);
    const ok = await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: otp.devCode }));
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({
      accessToken: expect.any(String),
      citizenId: expect.stringMatching(/^cit_/),
    });
    // The code is used up.
    expect((await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: otp.devCode }))).status).toBe(401);
  });

  it('ends a code after five wrong tries', async () => {
    const phone = '13800000002';
    const otp = await body(await app.request('/v1/auth/otp', jsonRequest('POST', { phone })));
    const wrong = String((Number(otp.devCode) + 7) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: wrong }));
    expect((await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: otp.devCode }))).status).toBe(401);
  });

  it('rate limits codes per phone: 5 a minute locally, then 429 with Retry-After', async () => {
    const phone = '13800000003';
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await app.request('/v1/auth/otp', jsonRequest('POST', { phone }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await app.request('/v1/auth/otp', jsonRequest('POST', { phone }));
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await body(limited)).error.code).toBe('RATE_LIMITED');
  });

  it('refuses a forged or missing token with 401 UNAUTHENTICATED', async () => {
    expect((await body(await app.request('/v1/me/card'))).error.code).toBe('UNAUTHENTICATED');
    const { token } = await login(app);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`;
    const res = await app.request('/v1/me/card', { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
  });
});

describe('the card', () => {
  it('opens once per citizen, checks the resident id, and opens adult and unverified whatever the birth date', async () => {
    const who = await login(app);
    const auth = { authorization: `Bearer ${who.token}` };
    const bad = await app.request(
      '/v1/me/card',
      jsonRequest('POST', { name: 'X', idNumber: '44520219900517123X', birthDate: '1990-05-17' }, auth),
    );
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.details.issues[0].path).toBe('idNumber');
    const idNumber = residentId('1950-01-01');
    const first = await app.request(
      '/v1/me/card',
      jsonRequest('POST', { name: 'Old Wang', idNumber, birthDate: '1950-01-01' }, auth),
    );
    expect(first.status).toBe(201);
    const card = await body(first);
    expect(card).toMatchObject({
      status: 'active',
      fareClass: 'adult',
      identityVerified: false,
      balanceFen: 0,
      negativeLimitFen: 500,
    });
    expect(JSON.stringify(card)).not.toContain(idNumber);
    const again = await body(
      await app.request(
        '/v1/me/card',
        jsonRequest('POST', { name: 'Old Wang', idNumber, birthDate: '1950-01-01' }, auth),
      ),
    );
    expect(again.cardId).toBe(card.cardId);
    // Another citizen with the same resident id is refused.
    const other = await login(app);
    const taken = await app.request(
      '/v1/me/card',
      jsonRequest(
        'POST',
        { name: 'Someone', idNumber, birthDate: '1950-01-01' },
        { authorization: `Bearer ${other.token}` },
      ),
    );
    expect(taken.status).toBe(409);
    expect((await body(taken)).error.code).toBe('ID_NUMBER_IN_USE');
  });

  it('refuses unknown fields in the body', async () => {
    const who = await login(app);
    const res = await app.request(
      '/v1/me/card',
      jsonRequest(
        'POST',
        { name: 'A', idNumber: residentId('1990-01-01'), birthDate: '1990-01-01', vip: true },
        { authorization: `Bearer ${who.token}` },
      ),
    );
    expect(res.status).toBe(400);
    expect((await body(res)).error.details.issues.map((i: { path: string }) => i.path)).toContain('vip');
  });

  it('freezes and unfreezes', async () => {
    const { auth } = await citizenWithCard(app);
    expect((await body(await app.request('/v1/me/card/freeze', { method: 'POST', headers: auth }))).status).toBe(
      'frozen',
    );
    expect((await body(await app.request('/v1/me/card', { headers: auth }))).status).toBe('frozen');
    expect((await body(await app.request('/v1/me/card/unfreeze', { method: 'POST', headers: auth }))).status).toBe(
      'active',
    );
  });
});

describe('top-ups', () => {
  it('credits exactly once through the signed webhook, and a repeat is harmless', async () => {
    const { auth } = await citizenWithCard(app);
    const key = randomUUID();
    const res = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 1000 }, { ...auth, 'idempotency-key': key }),
    );
    expect(res.status).toBe(201);
    const topup = await body(res);
    expect(topup.status).toBe('pending');
    const event = { topupId: topup.topupId, status: 'succeeded', amountFen: 1000, providerRef: 'p-1' };
    const deliveries = await Promise.all([1, 2, 3].map(() => deliverWebhook(app, event)));
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect((await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen).toBe(1000);
    const statement = await body(await app.request('/v1/me/statement', { headers: auth }));
    expect(statement.items).toHaveLength(1);
    expect(statement.items[0]).toMatchObject({
      kind: 'topup',
      amountFen: 1000,
      balanceAfterFen: 1000,
      ref: topup.topupId,
    });
  });

  it('answers a retry with the same key and body with the first answer, and another body with 409', async () => {
    const { auth } = await citizenWithCard(app);
    const key = randomUUID();
    const first = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 300 }, { ...auth, 'idempotency-key': key }),
    );
    const again = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 300 }, { ...auth, 'idempotency-key': key }),
    );
    expect(again.status).toBe(first.status);
    expect(await again.text()).toBe(await first.text());
    const other = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 301 }, { ...auth, 'idempotency-key': key }),
    );
    expect(other.status).toBe(409);
    expect((await body(other)).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const missing = await app.request('/v1/me/topups', jsonRequest('POST', { amountFen: 300 }, auth));
    expect(missing.status).toBe(400);
  });

  it('keeps a refusal under its key: a retry gets the first answer even once the card exists', async () => {
    // Prepare: a citizen who has not opened a card yet.
    const who = await login(app);
    const auth = { authorization: `Bearer ${who.token}` };
    const key = randomUUID();
    const ask = (amountFen: number) =>
      app.request('/v1/me/topups', jsonRequest('POST', { amountFen }, { ...auth, 'idempotency-key': key }));
    // Act
    const first = await ask(300);
    const idNumber = residentId('1990-05-17');
    await app.request('/v1/me/card', jsonRequest('POST', { name: 'Li Lei', idNumber, birthDate: '1990-05-17' }, auth));
    const again = await ask(300);
    // Assess: the first answer, byte for byte, marked as a replay; another body is a conflict.
    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect((await ask(301)).status).toBe(409);
    // A new key opens the top-up now that the card exists.
    const fresh = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 300 }, { ...auth, 'idempotency-key': randomUUID() }),
    );
    expect(fresh.status).toBe(201);
  });

  it('opens one top-up when the same request arrives eight times at once', async () => {
    const { auth, card } = await citizenWithCard(app);
    const key = randomUUID();
    const ask = () =>
      app.request('/v1/me/topups', jsonRequest('POST', { amountFen: 700 }, { ...auth, 'idempotency-key': key }));
    const answers = await Promise.all(Array.from({ length: 8 }, ask));
    // Those that lost the race to the record are told to retry; every retry gets the one top-up.
    expect(answers.every((a) => a.status === 201 || a.status === 503)).toBe(true);
    const opened = await Promise.all([ask(), ask()]);
    const bodies = await Promise.all(opened.map((a) => a.text()));
    expect(opened.map((a) => a.status)).toEqual([201, 201]);
    expect(new Set(bodies).size).toBe(1);
    for (const a of answers.filter((a) => a.status === 201)) expect(await a.text()).toBe(bodies[0]);
    // The card counts the pending amount once.
    const { store } = backend().deps;
    expect(openHoldsFen((await readWallet(store, card.cardId))?.pendingTopups as Holds, clock())).toBe(700);
  });

  it('credits nothing for a failed top-up, and refuses a different amount or a bad signature', async () => {
    const { auth } = await citizenWithCard(app);
    const topup = await body(
      await app.request(
        '/v1/me/topups',
        jsonRequest('POST', { amountFen: 500 }, { ...auth, 'idempotency-key': randomUUID() }),
      ),
    );
    const mismatch = await deliverWebhook(app, {
      topupId: topup.topupId,
      status: 'succeeded',
      amountFen: 501,
      providerRef: 'x',
    });
    expect(mismatch.status).toBe(422);
    expect((await body(mismatch)).error.code).toBe('AMOUNT_MISMATCH');
    const stale = await deliverWebhook(
      app,
      { topupId: topup.topupId, status: 'succeeded', amountFen: 500, providerRef: 'x' },
      Math.floor(clock().getTime() / 1000) - 301,
    );
    expect(stale.status).toBe(401);
    const forged = await app.request('/v1/webhooks/topups', {
      method: 'POST',
      body: JSON.stringify({ topupId: topup.topupId, status: 'succeeded', amountFen: 500, providerRef: 'x' }),
      headers: {
        'content-type': 'application/json',
        'onecard-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
    });
    expect(forged.status).toBe(401);
    const failed = await deliverWebhook(app, {
      topupId: topup.topupId,
      status: 'failed',
      amountFen: 500,
      providerRef: 'x',
      extraProviderField: 1,
    });
    expect((await body(failed)).status).toBe('failed');
    expect((await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen).toBe(0);
  });

  it('holds the 500000 fen limit, counting pending top-ups', async () => {
    const { auth } = await citizenWithCard(app);
    const open = (amountFen: number) =>
      app.request('/v1/me/topups', jsonRequest('POST', { amountFen }, { ...auth, 'idempotency-key': randomUUID() }));
    expect((await open(500_001)).status).toBe(400);
    expect((await open(0)).status).toBe(400);
    const big = await body(await open(400_000));
    const tooMuch = await open(100_001);
    expect(tooMuch.status).toBe(422);
    expect((await body(tooMuch)).error.code).toBe('BALANCE_LIMIT');
    const rest = await body(await open(100_000));
    await deliverWebhook(app, { topupId: big.topupId, status: 'succeeded', amountFen: 400_000, providerRef: 'a' });
    await deliverWebhook(app, { topupId: rest.topupId, status: 'succeeded', amountFen: 100_000, providerRef: 'b' });
    expect((await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen).toBe(500_000);
    expect((await open(1)).status).toBe(422);
  });

  it('pages the statement newest first with a running balance', async () => {
    const { auth } = await citizenWithCard(app, { balanceFen: 100 });
    const { topUp } = await import('../support/citizen');
    await topUp(app, auth, 200);
    await topUp(app, auth, 300);
    const first = await body(await app.request('/v1/me/statement?limit=2', { headers: auth }));
    expect(first.items.map((e: { amountFen: number }) => e.amountFen)).toEqual([300, 200]);
    expect(first.items.map((e: { balanceAfterFen: number }) => e.balanceAfterFen)).toEqual([600, 300]);
    const second = await body(
      await app.request(`/v1/me/statement?limit=2&cursor=${first.nextCursor}`, { headers: auth }),
    );
    expect(second.items.map((e: { amountFen: number }) => e.amountFen)).toEqual([100]);
    expect(second.nextCursor).toBeNull();
    expect((await app.request('/v1/me/statement?cursor=bm9wZQ', { headers: auth })).status).toBe(400);
    expect((await app.request('/v1/me/statement?limit=1000', { headers: auth })).status).toBe(400);
  });
});

describe('reconciliation', () => {
  it('is operator-only and balanced after all of the above', async () => {
    expect((await app.request('/v1/admin/reconciliation')).status).toBe(401);
    expect((await app.request('/v1/admin/reconciliation', { headers: { authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report).toMatchObject({ balanced: true, sumFen: 0, mismatches: [] });
    expect(report.byKind.wallet).toBeGreaterThan(0);
    expect(report.byKind['topup-clearing']).toBe(-report.byKind.wallet);
  });
});
