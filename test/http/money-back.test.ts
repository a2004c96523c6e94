import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, signWebhook, topUp } from '../support/citizen';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { postTap, type Rider, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date());
const { app } = useTestBackend({ clock });
const { buy, refund } = till(app);
const MAX_BALANCE_FEN = 500_000;
let tea: Pos;
let books: Pos;
let zone: Terminal;

beforeAll(async () => {
  tea = await registerPos(app, 'm-tea');
  books = await registerPos(app, 'm-books');
  zone = await registerTerminal(app, ['Z1']);
});

const card = async (r: Rider) => body(await app.request('/v1/me/card', { headers: r.auth }));
const operatorPost = async (path: string, payload: unknown) => {
  const res = await app.request(path, jsonRequest('POST', payload, { ...adminAuth, 'idempotency-key': randomUUID() }));
  return { status: res.status, json: await body(res) };
};
const reverse = (transferId: string, amountFen?: number) =>
  operatorPost(`/v1/admin/transfers/${transferId}/reversals`, {
    ...(amountFen === undefined ? {} : { amountFen }),
    reason: 'merchant closed',
  });
const adjust = (r: Rider, amountFen: number) =>
  operatorPost('/v1/admin/adjustments', { cardId: r.card.cardId, amountFen, reason: 'goodwill credit' });
const zoneTap = async (r: Rider, stopId: string, kind: 'entry' | 'exit') =>
  body(
    await postTap(app, zone, await tapBody(r, zone, { routeId: 'Z1', stopId, kind, at: clock() }), { now: clock() }),
  );
const reconciliation = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));

describe('one counter for every path that gives money back', () => {
  it('a POS refund and an operator reversal of the same purchase never give back twice', async () => {
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const paid = (await buy(books, await purchaseBody(r, books, 1000))).json;
    expect((await refund(books, paid.paymentId, 1000)).status).toBe(201);
    const reversal = await reverse(`purchase:${paid.paymentId}`, 1000);
    expect([reversal.status, reversal.json.error.code]).toEqual([422, 'REFUND_EXCEEDS_CHARGE']);
    expect((await card(r)).balanceFen).toBe(5000);

    const other = (await buy(books, await purchaseBody(r, books, 1000))).json;
    expect((await reverse(`purchase:${other.paymentId}`, 600)).status).toBe(201);
    const late = await refund(books, other.paymentId, 500);
    expect([late.status, late.json.error.code]).toEqual([422, 'REFUND_EXCEEDS_CHARGE']);
    expect((await refund(books, other.paymentId, 400)).status).toBe(201);
    expect((await card(r)).balanceFen).toBe(5000);
    expect(await reconciliation()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('an exit gives back only what is left of an entry an operator reversed in part', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const entry = await zoneTap(r, 'Z1-S1', 'entry');
    expect(entry).toMatchObject({ status: 'accepted', fareFen: 500 });
    expect((await card(r)).heldFen).toBe(500);
    expect((await reverse(`tap:${entry.tapId}`, 400)).status).toBe(201);
    // Z1-S1 to Z1-S2: 200 fen, so 300 would come back; only 100 of the entry's 500 is left to give back.
    const exit = await zoneTap(r, 'Z1-S2', 'exit');
    expect(exit).toMatchObject({ status: 'accepted', fareFen: 200, balanceFen: 2000 });
    expect(await card(r)).toMatchObject({ balanceFen: 2000, heldFen: 0 });
    expect(await reconciliation()).toMatchObject({ balanced: true, sumFen: 0 });
  });
});

describe('no credit takes a balance over 500000 fen', () => {
  it('refuses refunds, adjustments and reversals at the limit, counts holds for top-ups, always makes the give-back', async () => {
    const r = await rider(app, { balanceFen: 499_000, now: clock() });
    const paid = (await buy(books, await purchaseBody(r, books, 1000))).json;
    await topUp(app, r.auth, 2000, clock());
    expect((await card(r)).balanceFen).toBe(MAX_BALANCE_FEN);

    const refused = await refund(books, paid.paymentId, 1000);
    expect([refused.status, refused.json.error.code]).toEqual([422, 'BALANCE_LIMIT']);
    const credit = await adjust(r, 1);
    expect([credit.status, credit.json.error.code]).toEqual([422, 'BALANCE_LIMIT']);
    const reversal = await reverse(`purchase:${paid.paymentId}`);
    expect([reversal.status, reversal.json.error.code]).toEqual([422, 'BALANCE_LIMIT']);
    expect((await card(r)).balanceFen).toBe(MAX_BALANCE_FEN);

    // An entry holds 500 fen that may come back: a top-up counts it as balance.
    expect((await zoneTap(r, 'Z1-S1', 'entry')).status).toBe('accepted');
    expect(await card(r)).toMatchObject({ balanceFen: MAX_BALANCE_FEN - 500, heldFen: 500 });
    const topup = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 1 }, { ...r.auth, 'idempotency-key': randomUUID() }),
    );
    expect([topup.status, (await body(topup)).error.code]).toEqual([422, 'BALANCE_LIMIT']);
    // The exit's refund only returns what the entry took, and is made.
    expect((await zoneTap(r, 'Z1-S1', 'exit')).status).toBe('accepted');
    expect(await card(r)).toMatchObject({ balanceFen: MAX_BALANCE_FEN - 200, heldFen: 0 });
  });
});

type Op =
  | { kind: 'buy'; tea: boolean; amountFen: number }
  | { kind: 'refund'; payment: number; amountFen: number }
  | { kind: 'reverse'; payment: number; amountFen: number }
  | { kind: 'topup'; amountFen: number }
  | { kind: 'adjust'; amountFen: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('buy' as const), tea: fc.boolean(), amountFen: fc.integer({ min: 1, max: 6000 }) }),
    fc.record({
      kind: fc.constant('refund' as const),
      payment: fc.nat(4),
      amountFen: fc.integer({ min: 1, max: 4000 }),
    }),
    fc.record({
      kind: fc.constant('reverse' as const),
      payment: fc.nat(4),
      amountFen: fc.integer({ min: 1, max: 4000 }),
    }),
    fc.record({ kind: fc.constant('topup' as const), amountFen: fc.integer({ min: 1, max: 8000 }) }),
    fc.record({ kind: fc.constant('adjust' as const), amountFen: fc.integer({ min: 1, max: 8000 }) }),
  ),
  { minLength: 4, maxLength: 14 },
);

describe('a model of every refund, reversal and credit path', () => {
  it('never gives back more than was taken, never credits past the limit, and predicts every answer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 480_000, max: 500_000 }), ops, async (startFen, script) => {
        const r = await rider(app, { balanceFen: startFen, now: clock() });
        let balanceFen = startFen;
        const payments: { paymentId: string; chargedFen: number; discounted: boolean; pos: Pos; backFen: number }[] =
          [];
        for (const op of script) {
          if (op.kind === 'buy') {
            const pos = op.tea ? tea : books;
            const paid = (await buy(pos, await purchaseBody(r, pos, op.amountFen))).json;
            if (paid.status === 'accepted') {
              expect(paid.chargedFen).toBeLessThanOrEqual(balanceFen);
              balanceFen -= paid.chargedFen;
              payments.push({ ...paid, discounted: paid.discountFen > 0, pos, backFen: 0 });
            } else {
              expect(paid.declineCode).toBe('INSUFFICIENT_FUNDS');
            }
          } else if (op.kind === 'refund' || op.kind === 'reverse') {
            const p = payments[op.payment];
            if (!p) continue;
            const answer =
              op.kind === 'refund'
                ? await refund(p.pos, p.paymentId, op.amountFen)
                : await reverse(`purchase:${p.paymentId}`, op.amountFen);
            const fits = p.backFen + op.amountFen <= p.chargedFen;
            const room = balanceFen + op.amountFen <= MAX_BALANCE_FEN;
            if (fits && room) {
              expect(answer.status).toBe(201);
              p.backFen += op.amountFen;
              balanceFen += op.amountFen;
            } else {
              expect(answer.status).toBe(422);
              expect(answer.json.error.code).toBe(fits ? 'BALANCE_LIMIT' : 'REFUND_EXCEEDS_CHARGE');
            }
          } else if (op.kind === 'topup') {
            const res = await app.request(
              '/v1/me/topups',
              jsonRequest('POST', { amountFen: op.amountFen }, { ...r.auth, 'idempotency-key': randomUUID() }),
            );
            if (balanceFen + op.amountFen <= MAX_BALANCE_FEN) {
              expect(res.status).toBe(201);
              const { topupId } = await body(res);
              const raw = JSON.stringify({ topupId, status: 'succeeded', amountFen: op.amountFen, providerRef: 'x' });
              const hook = await app.request('/v1/webhooks/topups', {
                method: 'POST',
                body: raw,
                headers: { 'content-type': 'application/json', 'onecard-signature': signWebhook(raw) },
              });
              expect((await body(hook)).status).toBe('succeeded');
              balanceFen += op.amountFen;
            } else {
              expect([res.status, (await body(res)).error.code]).toEqual([422, 'BALANCE_LIMIT']);
            }
          } else {
            const answer = await adjust(r, op.amountFen);
            if (balanceFen + op.amountFen <= MAX_BALANCE_FEN) {
              expect(answer.status).toBe(201);
              balanceFen += op.amountFen;
            } else {
              expect([answer.status, answer.json.error.code]).toEqual([422, 'BALANCE_LIMIT']);
            }
          }
          const now = await card(r);
          expect(now.balanceFen).toBe(balanceFen);
          expect(now.balanceFen + now.heldFen).toBeLessThanOrEqual(MAX_BALANCE_FEN);
          for (const p of payments) expect(p.backFen).toBeLessThanOrEqual(p.chargedFen);
        }
        expect(await reconciliation()).toMatchObject({ balanced: true, sumFen: 0 });
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
