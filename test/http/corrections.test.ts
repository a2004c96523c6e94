import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { adminAuth, citizenWithCard, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

const { app } = useTestBackend();

const asOperator = (key: string) => ({ ...adminAuth, 'idempotency-key': key });
const balance = async (auth: Record<string, string>) =>
  (await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen;

describe('operator adjustments', () => {
  it('credits and debits a card once per Idempotency-Key, never below 0', async () => {
    const { auth, card } = await citizenWithCard(app, { balanceFen: 100 });
    const key = randomUUID();
    const credit = { cardId: card.cardId, amountFen: 300, reason: 'goodwill for a broken validator' };
    const first = await app.request('/v1/admin/adjustments', jsonRequest('POST', credit, asOperator(key)));
    expect(first.status).toBe(201);
    expect((await body(first)).walletBalances[card.cardId]).toBe(400);
    const again = await app.request('/v1/admin/adjustments', jsonRequest('POST', credit, asOperator(key)));
    expect(again.status).toBe(201);
    expect(await balance(auth)).toBe(400);
    expect(
      (await app.request('/v1/admin/adjustments', jsonRequest('POST', { ...credit, amountFen: 301 }, asOperator(key))))
        .status,
    ).toBe(409);
    expect((await app.request('/v1/admin/adjustments', jsonRequest('POST', credit, adminAuth))).status).toBe(400);
    const overdraw = await app.request(
      '/v1/admin/adjustments',
      jsonRequest('POST', { ...credit, amountFen: -401 }, asOperator(randomUUID())),
    );
    expect((await body(overdraw)).error.code).toBe('INSUFFICIENT_FUNDS');
    const unknown = await app.request(
      '/v1/admin/adjustments',
      jsonRequest('POST', { ...credit, cardId: 'card_nobody' }, asOperator(randomUUID())),
    );
    expect(unknown.status).toBe(404);
    const statement = await body(await app.request('/v1/me/statement', { headers: auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'adjustment', amountFen: 300, balanceAfterFen: 400 });
  });
});

describe('operator reversals', () => {
  it('gives a fare back in parts, never more than it charged, as new transfers', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const r = await rider(app, { balanceFen: 1000 });
    const tap = await body(
      await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' })),
    );
    expect(await balance(r.auth)).toBe(800);
    const reverse = (payload: object) =>
      app.request(
        `/v1/admin/transfers/tap:${tap.tapId}/reversals`,
        jsonRequest('POST', { reason: 'validator fault', ...payload }, asOperator(randomUUID())),
      );
    expect((await reverse({ amountFen: 150 })).status).toBe(201);
    expect(await balance(r.auth)).toBe(950);
    const rest = await reverse({});
    expect((await body(rest)).walletBalances[r.card.cardId]).toBe(1000);
    const more = await reverse({ amountFen: 1 });
    expect(more.status).toBe(422);
    expect((await body(more)).error.code).toBe('REFUND_EXCEEDS_CHARGE');
    expect((await reverse({ amountFen: 1 })).status).toBe(422);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items.slice(0, 2).map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['refund', 50],
      ['refund', 150],
    ]);
    expect(
      (
        await app.request(
          '/v1/admin/transfers/nope/reversals',
          jsonRequest('POST', { reason: 'x y z' }, asOperator(randomUUID())),
        )
      ).status,
    ).toBe(404);
  });

  it('leaves the ledger balanced', async () => {
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report).toMatchObject({ balanced: true, sumFen: 0, mismatches: [] });
  });
});
