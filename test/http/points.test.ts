import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMonths, monthOf } from '../../shared/points/lots';
import { businessDate } from '../../shared/time/shanghai';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { asMachine, presentation, registerMachine } from '../support/gate';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { type Rider, rider } from '../support/rider';

const clock = testClock();
const { app } = useTestBackend({ clock });
const { buy, refund } = till(app);

const pointsOf = async (auth: Record<string, string>) => body(await app.request('/v1/me/points', { headers: auth }));
const pay = async (r: Rider, pos: Pos, amountFen: number, options: { points?: number; pts?: number } = {}) =>
  buy(pos, await purchaseBody(r, pos, amountFen, { ...options, now: clock() }));
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
const lapse = async (month: string) => {
  const res = await app.request('/v1/admin/points-lapses', jsonRequest('POST', { month }, adminAuth));
  return { status: res.status, json: await body(res) };
};

describe('alliance points (联盟积分)', () => {
  it('earns on what the card paid, spends only what the phone signed for, gives back on a refund, and settles', async () => {
    const books = await registerPos(app, 'm-books');
    const r = await rider(app, { balanceFen: 20_000, now: clock() });
    const month = monthOf(clock());
    expect(await pointsOf(r.auth)).toMatchObject({ balance: 0, spendable: 0, lots: [], items: [] });

    // The seed's rate: a point a yuan paid, funded by the merchant.
    expect((await pay(r, books, 10_000)).json).toMatchObject({ chargedFen: 10_000, pointsEarned: 100, pointsSpent: 0 });
    expect(await pointsOf(r.auth)).toMatchObject({
      balance: 100,
      lots: [{ earnedMonth: month, points: 100, lapsesOn: `${addMonths(month, 13)}-01` }],
    });

    // A POS cannot spend more than the phone signed for, more than the merchant takes, or more than the card holds.
    expect((await pay(r, books, 3000, { points: 100, pts: 50 })).json).toMatchObject({
      status: 'declined',
      declineCode: 'PROOF_INVALID',
    });
    const over = await pay(r, books, 3000, { points: 1501 });
    expect([over.status, over.json.error.code, over.json.error.details]).toEqual([
      422,
      'POINTS_OVER_LIMIT',
      { maxPoints: 1500 },
    ]);
    expect((await pay(r, books, 3000, { points: 101 })).json).toMatchObject({ declineCode: 'INSUFFICIENT_POINTS' });
    expect((await pointsOf(r.auth)).balance).toBe(100);

    const spend = (await pay(r, books, 3000, { points: 100 })).json;
    expect(spend).toMatchObject({ status: 'accepted', pointsSpent: 100, chargedFen: 2900, pointsEarned: 29 });
    expect((await pointsOf(r.auth)).balance).toBe(29);

    // The whole refund: the money back, the points spent back, the points earned taken back.
    const back = await refund(books, spend.paymentId, 2900);
    expect([back.status, back.json.pointsReturned, back.json.pointsTakenBack]).toEqual([201, 100, 29]);
    expect((await refund(books, spend.paymentId, 1)).json.error.code).toBe('REFUND_EXCEEDS_CHARGE');
    const after = await pointsOf(r.auth);
    expect(after.balance).toBe(100);
    expect(after.items.map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['refund', 71],
      ['purchase', -71],
      ['purchase', 100],
    ]);
    expect((await pay(r, books, 1000, { points: 50 })).json).toMatchObject({ pointsSpent: 50, pointsEarned: 9 });
    expect((await body(await app.request('/v1/me/card', { headers: r.auth }))).balanceFen).toBe(20_000 - 10_000 - 950);

    // Settlement: sales include the points spent; the points funded come off the payout, not the fee's base.
    clock.advance(2000);
    const run = await body(
      await app.request(
        '/v1/admin/settlement-runs',
        jsonRequest('POST', { cutoff: clock().toISOString() }, { ...adminAuth, 'idempotency-key': randomUUID() }),
      ),
    );
    expect(run.lines.find((l: { payeeId: string }) => l.payeeId === 'm-books')).toEqual({
      payeeKind: 'merchant',
      payeeId: 'm-books',
      salesFen: 14_000,
      refundsFen: 3000,
      pointsFundedFen: 100 + 29 - 29 + 9,
      pointsSpentFen: 100 - 100 + 50,
      feeFen: 110,
      netFen: 14_000 - 3000 - 109 - 110,
      payoutFen: 10_781,
      carriedFen: 0,
    });
    const day = await body(
      await app.request(`/v1/admin/reports/daily?businessDate=${businessDate(clock())}`, { headers: adminAuth }),
    );
    expect(day.pointsFen).toEqual({ funded: 109, spent: 50 });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('refuses a points rate outside 0-100% and a spending share above 100%', async () => {
    const add = (merchant: object) =>
      app.request(
        '/v1/admin/merchants',
        jsonRequest('POST', { merchantId: `m-${randomUUID().slice(0, 8)}`, name: 'Noodles', ...merchant }, adminAuth),
      );
    for (const bad of [
      { pointsEarnBasisPoints: 10_001 },
      { pointsEarnBasisPoints: -1 },
      { pointsSpendMaxPercent: 101 },
    ]) {
      const res = await add(bad);
      expect([res.status, (await body(res)).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await add({ pointsEarnBasisPoints: 10_000, pointsSpendMaxPercent: 0 })).status).toBe(201);
  });

  it('spends a card’s points once when two purchases race for them', async () => {
    const tea = await registerPos(app, 'm-tea');
    const r = await rider(app, { balanceFen: 30_000, now: clock() });
    await pay(r, tea, 10_000);
    const held = (await pointsOf(r.auth)).balance;
    expect(held).toBeGreaterThan(60);
    const raced = await Promise.all([pay(r, tea, 1000, { points: 60 }), pay(r, tea, 1000, { points: 60 })]);
    const outcomes = raced.map((p) => p.json.declineCode ?? p.json.status).sort();
    expect(outcomes).toEqual(['INSUFFICIENT_POINTS', 'accepted']);
    const accepted = raced.find((p) => p.json.status === 'accepted')!.json;
    expect((await pointsOf(r.auth)).balance).toBe(held - 60 + accepted.pointsEarned);
  });

  it('lapses every point with a closure at an outlet, in the closure’s own transfer', async () => {
    const books = await registerPos(app, 'm-books');
    const outlet = await registerMachine(app, 'service-outlet', { outletId: 'o-oldtown' });
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    expect((await pay(r, books, 3000)).json.pointsEarned).toBe(30);
    const closure = { closureId: randomUUID(), idNumber: r.idNumber, ...(await presentation(r, outlet, clock())) };
    const closed = await asMachine(app, outlet, 'POST', '/v1/outlet/closures', closure, clock());
    expect(closed.json).toMatchObject({ status: 'closed', paidOutFen: 2000, pointsLapsed: 30 });
    const seen = await pointsOf(r.auth);
    expect([seen.balance, seen.items[0].kind, seen.items[0].amountFen]).toEqual([0, 'closure', -30]);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('lapses a month’s points when the 13th month after it begins: one posting into the pool, once', async () => {
    const books = await registerPos(app, 'm-books');
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    expect((await pay(r, books, 2000)).json.pointsEarned).toBe(20);
    const lapseMonth = addMonths(monthOf(clock()), 13);
    const early = await lapse(lapseMonth);
    expect([early.status, early.json.error.code]).toEqual([422, 'MONTH_IN_FUTURE']);

    clock.set(`${lapseMonth}-01T00:30:00+08:00`);
    // Two steps at once (the job and an operator): each card's points lapse once between them.
    const steps = await Promise.all([lapse(lapseMonth), lapse(lapseMonth)]);
    for (const step of steps) expect(step.json).toMatchObject({ month: lapseMonth, more: false });
    const pool = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(pool.byKind['points-pool'] ?? 0).toBeGreaterThanOrEqual(20);
    expect((await lapse(lapseMonth)).json).toEqual({ month: lapseMonth, cards: 0, pointsLapsed: 0, more: false });

    // A year on, the holder signs in again and reads what happened.
    const again = await login(app, r.phone);
    const seen = await pointsOf({ authorization: `Bearer ${again.token}` });
    expect(seen).toMatchObject({ balance: 0, spendable: 0, lots: [] });
    expect(seen.items[0]).toMatchObject({ kind: 'points-lapse', amountFen: -20, balanceAfterFen: 0 });
    expect(seen.items.filter((e: { kind: string }) => e.kind === 'points-lapse')).toHaveLength(1);
    const audit = await ledger();
    expect(audit).toMatchObject({ balanced: true, sumFen: 0 });
  });
});
