import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignBudget, SYSTEM } from '../../shared/ledger/accounts';
import { postTransfer } from '../../shared/ledger/transfers';
import { useTestBackend } from '../support/backend';
import { adminAuth, topUp } from '../support/citizen';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { type Rider, rider } from '../support/rider';

const t = useTestBackend();
const { app } = t;
let tea: Pos;
let books: Pos;

beforeAll(async () => {
  tea = await registerPos(app, 'm-tea');
  books = await registerPos(app, 'm-books');
});

const { buy, refund } = till(app);
const balance = async (r: Rider) => (await body(await app.request('/v1/me/card', { headers: r.auth }))).balanceFen;

describe('purchases at alliance merchants', () => {
  it('takes 10% off at the teahouse from 2000 fen, once per card per fare day', async () => {
    const r = await rider(app, { balanceFen: 10_000 });
    const offers = await body(await app.request('/v1/me/offers', { headers: r.auth }));
    expect(offers.items).toEqual([
      expect.objectContaining({ campaignId: 'c-tea10', percentOff: 10, usesLeftToday: 1 }),
    ]);
    const first = await buy(tea, await purchaseBody(r, tea, 2500));
    expect(first.json).toEqual({
      paymentId: expect.any(String),
      status: 'accepted',
      amountFen: 2500,
      discountFen: 250,
      chargedFen: 2250,
      campaignId: 'c-tea10',
      // A point a yuan paid, rounded down.
      pointsSpent: 0,
      pointsEarned: 22,
    });
    const second = await buy(tea, await purchaseBody(r, tea, 3000));
    expect(second.json).toMatchObject({ status: 'accepted', discountFen: 0, chargedFen: 3000, campaignId: null });
    expect(await balance(r)).toBe(10_000 - 2250 - 3000);
    expect((await body(await app.request('/v1/me/offers', { headers: r.auth }))).items).toEqual([]);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    // The statement names the merchant as the catalogue does, not by its id.
    expect(statement.items[1]).toMatchObject({
      kind: 'purchase',
      amountFen: -2250,
      description: 'Purchase at Old Harbour Teahouse (c-tea10: 250 fen off)',
    });
    expect(statement.items[0].description).toBe('Purchase at Old Harbour Teahouse');
  });

  it('gives nothing under 2000 fen or at a merchant without a campaign, and at most 1000 fen', async () => {
    const r = await rider(app, { balanceFen: 30_000 });
    expect((await buy(tea, await purchaseBody(r, tea, 1999))).json).toMatchObject({ discountFen: 0, chargedFen: 1999 });
    expect((await buy(books, await purchaseBody(r, books, 2500))).json).toMatchObject({
      discountFen: 0,
      campaignId: null,
    });
    expect((await buy(tea, await purchaseBody(r, tea, 20_000))).json).toMatchObject({
      discountFen: 1000,
      chargedFen: 19_000,
    });
  });

  it('declines what the proof does not say, what the balance cannot pay, and replays', async () => {
    const r = await rider(app, { balanceFen: 1000 });
    expect((await buy(tea, await purchaseBody(r, tea, 500, { amt: 50 }))).json).toMatchObject({
      status: 'declined',
      declineCode: 'PROOF_INVALID',
    });
    const poorBody = await purchaseBody(r, tea, 1001);
    const poor = await buy(tea, poorBody);
    expect(poor.json).toMatchObject({ status: 'declined', declineCode: 'INSUFFICIENT_FUNDS', chargedFen: 0 });
    // Kept at the key its money would have had: once declined, declined for good.
    await topUp(app, r.auth, 5000);
    expect((await buy(tea, poorBody)).json).toEqual(poor.json);
    const b = await purchaseBody(r, tea, 300);
    const ok = await buy(tea, b);
    expect(ok.json.status).toBe('accepted');
    expect((await buy(tea, b)).json).toEqual(ok.json);
    expect((await buy(tea, { ...b, amountFen: 301 })).status).toBe(409);
    expect((await buy(tea, { ...b, paymentId: randomUUID() })).json.declineCode).toBe('REPLAYED');
    expect(await balance(r)).toBe(5000 + 1000 - 300);
  });
});

describe('refunds', () => {
  it('give back at most the charge, returning the discount’s share to the budget in proportion', async () => {
    const r = await rider(app, { balanceFen: 5000 });
    const budgetBefore = (await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).byKind[
      'campaign-budget'
    ];
    const paid = (await buy(tea, await purchaseBody(r, tea, 2500))).json;
    expect(paid).toMatchObject({ discountFen: 250, chargedFen: 2250 });
    const discount = 250;
    const refundId = randomUUID();
    const first = await refund(tea, paid.paymentId, 1000, refundId);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      amountFen: 1000,
      refundedTotalFen: 1000,
      discountReturnedFen: Math.floor((1000 * discount) / paid.chargedFen),
    });
    expect((await refund(tea, paid.paymentId, 1000, refundId)).json).toEqual(first.json);
    expect((await refund(tea, paid.paymentId, 999, refundId)).status).toBe(409);
    expect((await refund(books, paid.paymentId, 1)).status).toBe(403);
    // Scope comes first: another merchant replaying a known refund id learns nothing from it.
    expect((await refund(books, paid.paymentId, 1000, refundId)).status).toBe(403);
    const rest = await refund(tea, paid.paymentId, paid.chargedFen - 1000);
    expect(rest.json.discountReturnedFen).toBe(139);
    expect(first.json.discountReturnedFen + rest.json.discountReturnedFen).toBe(discount);
    const over = await refund(tea, paid.paymentId, 1);
    expect(over.status).toBe(422);
    expect(over.json.error.code).toBe('REFUND_EXCEEDS_CHARGE');
    expect(await balance(r)).toBe(5000);
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report.byKind['campaign-budget']).toBe(budgetBefore);
    expect(report).toMatchObject({ balanced: true, sumFen: 0, mismatches: [] });
    expect((await refund(tea, randomUUID(), 1)).status).toBe(404);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'refund', description: 'Refund from Old Harbour Teahouse' });
  });
});

describe('racing refunds', () => {
  it('never give back more than the charge together', async () => {
    const r = await rider(app, { balanceFen: 5000 });
    const paid = (await buy(books, await purchaseBody(r, books, 3000))).json;
    const [a, b] = await Promise.all([refund(books, paid.paymentId, 2000), refund(books, paid.paymentId, 2000)]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    expect(await balance(r)).toBe(5000 - 3000 + 2000);
  });
});

describe('an exhausted budget', () => {
  it('goes through without the discount when the budget cannot cover it', async () => {
    const { store } = t.backend().deps;
    const budget = (await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).byKind[
      'campaign-budget'
    ];
    // Leave 200 fen in the budget: the alliance takes the rest back.
    await postTransfer(store, {
      transferId: `drain-${randomUUID()}`,
      kind: 'funding',
      at: new Date().toISOString(),
      description: 'test: drain the budget',
      ref: 'c-tea10',
      postings: [
        { accountId: campaignBudget('c-tea10'), amountFen: -(budget - 200) },
        { accountId: SYSTEM.allianceFunding, amountFen: budget - 200 },
      ],
    });
    const r = await rider(app, { balanceFen: 10_000 });
    expect((await buy(tea, await purchaseBody(r, tea, 5000))).json).toMatchObject({
      status: 'accepted',
      discountFen: 0,
      chargedFen: 5000,
      campaignId: null,
    });
    const small = await rider(app, { balanceFen: 10_000 });
    expect((await buy(tea, await purchaseBody(small, tea, 2000))).json).toMatchObject({
      discountFen: 200,
      chargedFen: 1800,
    });
  });
});
