import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { businessDate } from '../../shared/time/shanghai';
import { useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { asMachine, type Machine, registerMachine, visitBody } from '../support/gate';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const { app } = useTestBackend();
const { buy, refund } = till(app);
let tea: Pos;
let books: Pos;
let bus: Terminal;
let coach: Terminal;
let park: Machine;
let water: Machine;

beforeAll(async () => {
  tea = await registerPos(app, 'm-tea');
  books = await registerPos(app, 'm-books');
  bus = await registerTerminal(app, ['B1', 'B2']);
  coach = await registerTerminal(app, ['Z1']);
  park = await registerMachine(app, 'facility-gate', { facilityId: 'f-park' });
  water = await registerMachine(app, 'biller', { billerId: 'water' });
});

const runAt = async (cutoff: Date | string, key = randomUUID()) => {
  const res = await app.request(
    '/v1/admin/settlement-runs',
    jsonRequest(
      'POST',
      { cutoff: typeof cutoff === 'string' ? cutoff : cutoff.toISOString() },
      { ...adminAuth, 'idempotency-key': key },
    ),
  );
  return { status: res.status, json: await body(res) };
};
const lineOf = (run: { lines: { payeeKind: string; payeeId: string }[] }, payeeId: string) =>
  run.lines.find((l) => l.payeeId === payeeId);
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
/** A cutoff strictly after everything done so far. */
const cutoffNow = async () => {
  await new Promise((r) => setTimeout(r, 2));
  return new Date();
};

describe('a settlement cycle', () => {
  it('pays every payee once: purchases, refunds past sales carried, bills, two operators’ taps, a late offline tap', async () => {
    const r = await rider(app, { balanceFen: 30_000 });
    // Cycle 1.
    expect((await buy(tea, await purchaseBody(r, tea, 2500))).json).toMatchObject({
      discountFen: 250,
      chargedFen: 2250,
    });
    const bookSale = (await buy(books, await purchaseBody(r, books, 500))).json;
    const bill = (await body(await app.request('/v1/me/bills?billerId=water&accountNo=W-0001', { headers: r.auth })))
      .items[0];
    const paid = await app.request(
      '/v1/me/bill-payments',
      jsonRequest('POST', { billId: bill.billId, amountFen: 4560 }, { ...r.auth, 'idempotency-key': randomUUID() }),
    );
    expect(paid.status).toBe(201);
    expect(
      (await body(await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' }))))
        .fareFen,
    ).toBe(200);
    await postTap(app, coach, await tapBody(r, coach, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry' }));
    const exit = await body(
      await postTap(app, coach, await tapBody(r, coach, { routeId: 'Z1', stopId: 'Z1-S3', kind: 'exit' })),
    );
    expect(exit.fareFen).toBe(200);
    const parkVisit = await asMachine(
      app,
      park,
      'POST',
      '/v1/facilities/visits',
      await visitBody(r, park, { facilityId: 'f-park', kind: 'enter' }),
    );
    expect(parkVisit.json.feeFen).toBe(500);
    // A validator that was offline made this tap before the cutoff; it reaches us after the run.
    const late = await tapBody(r, bus, { routeId: 'B2', stopId: 'B2-S1', kind: 'board' });

    const c1 = await cutoffNow();
    const key = randomUUID();
    const first = await runAt(c1, key);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ cutoff: c1.toISOString(), previousCutoff: null });
    expect(lineOf(first.json, 'm-tea')).toEqual({
      payeeKind: 'merchant',
      payeeId: 'm-tea',
      salesFen: 2500,
      refundsFen: 0,
      // The card earned a point a yuan of the 2250 it paid, funded by the teahouse out of its sales.
      pointsFundedFen: 22,
      pointsSpentFen: 0,
      feeFen: 15,
      netFen: 2463,
      payoutFen: 2463,
      carriedFen: 0,
    });
    expect(lineOf(first.json, 'm-books')).toMatchObject({
      salesFen: 500,
      pointsFundedFen: 5,
      feeFen: 5,
      payoutFen: 490,
    });
    expect(lineOf(first.json, 'water')).toMatchObject({
      payeeKind: 'biller',
      salesFen: 4560,
      feeFen: 0,
      payoutFen: 4560,
    });
    expect(lineOf(first.json, 'bus-co')).toMatchObject({
      payeeKind: 'transit-operator',
      salesFen: 200,
      payoutFen: 200,
    });
    // The entry came within an hour of the B1 board: 100 off, so it held 400 and the exit gave 200 back.
    expect(lineOf(first.json, 'coach-co')).toMatchObject({ salesFen: 400, refundsFen: 200, payoutFen: 200 });
    expect(lineOf(first.json, 'f-park')).toMatchObject({ payeeKind: 'facility', salesFen: 500, payoutFen: 500 });
    expect(first.json.payoutFen).toBe(2463 + 490 + 4560 + 200 + 200 + 500);
    // The same request again: the same answer; read back, and as CSV.
    expect((await runAt(c1, key)).json).toEqual(first.json);
    expect(
      await body(await app.request(`/v1/admin/settlement-runs/${first.json.runId}`, { headers: adminAuth })),
    ).toEqual(first.json);
    const csv = await (
      await app.request(`/v1/admin/settlement-runs/${first.json.runId}/report.csv`, { headers: adminAuth })
    ).text();
    expect(csv.split('\r\n')[0]).toBe(
      'payeeKind,payeeId,salesFen,refundsFen,pointsFundedFen,pointsSpentFen,feeFen,netFen,payoutFen,carriedFen',
    );
    expect(csv).toContain('merchant,m-tea,2500,0,22,0,15,2463,2463,0\r\n');
    expect((await ledger()).byKind['payouts-clearing']).toBe(first.json.payoutFen);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });

    // Cycle 2: the late tap, and a refund with no sale to set it against: carried, less the points it took back.
    expect((await body(await postTap(app, bus, late))).status).toBe('accepted');
    expect((await refund(books, bookSale.paymentId, 500)).status).toBe(201);
    const second = (await runAt(await cutoffNow())).json;
    expect(second.previousCutoff).toBe(c1.toISOString());
    // B2 within the hour of B1: a transfer, 100 off.
    expect(lineOf(second, 'bus-co')).toMatchObject({ salesFen: 100, payoutFen: 100 });
    expect(lineOf(second, 'm-books')).toMatchObject({
      salesFen: 0,
      refundsFen: 500,
      pointsFundedFen: -5,
      feeFen: 0,
      netFen: -495,
      payoutFen: 0,
      carriedFen: -495,
    });
    expect(lineOf(second, 'm-tea')).toBeUndefined();

    // Cycle 3: the carried amount comes off the next payout.
    await buy(books, await purchaseBody(r, books, 2000));
    const third = (await runAt(await cutoffNow())).json;
    expect(lineOf(third, 'm-books')).toMatchObject({
      salesFen: 2000,
      pointsFundedFen: 20,
      feeFen: 20,
      netFen: 1465,
      payoutFen: 1465,
      carriedFen: 0,
    });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });

    // Each payee reads its own lines, newest first.
    const mine = await asMachine(app, books, 'GET', '/v1/merchant/settlements');
    expect(mine.json.items.map((l: { payoutFen: number; carriedFen: number }) => [l.payoutFen, l.carriedFen])).toEqual([
      [1465, 0],
      [0, -495],
      [490, 0],
    ]);
    expect(mine.json.items[0]).toMatchObject({ runId: third.runId, cutoff: third.cutoff });
    const billerLines = await asMachine(app, water, 'GET', '/v1/biller/settlements');
    expect(billerLines.json.items).toEqual([expect.objectContaining({ runId: first.json.runId, payoutFen: 4560 })]);

    // The operator's day balances to the fen: what came in, what was spent, paid out and kept.
    const day = await body(
      await app.request(`/v1/admin/reports/daily?businessDate=${businessDate(new Date())}`, { headers: adminAuth }),
    );
    expect(day).toMatchObject({
      topupsFen: { provider: 30_000, cash: 0 },
      spendingFen: { purchases: 2500 + 500 + 2000, bills: 4560, fares: 200 + 400 + 100, facilities: 500 },
      refundsFen: { purchases: 500, bills: 0, fares: 200, facilities: 0 },
      payoutsFen: first.json.payoutFen + second.payoutFen + third.payoutFen,
      feesFen: 15 + 5 + 20,
      pointsFen: { funded: 22 + 5 - 5 + 20, spent: 0 },
      alarm: false,
    });
    expect(day.storedValue.differenceFen).toBe(0);
    expect(day.storedValue.outstandingFen).toBe(
      (await body(await app.request('/v1/me/card', { headers: r.auth }))).balanceFen,
    );
  }, 60_000);

  it('refuses a cutoff not after the last run’s, one in the future, and an unknown run', async () => {
    const previous = await body(await app.request('/v1/admin/settlement-runs/run_nope', { headers: adminAuth }));
    expect(previous.error.code).toBe('NOT_FOUND');
    const past = await runAt('2020-01-01T00:00:00.000Z');
    expect([past.status, past.json.error.code]).toEqual([409, 'CUTOFF_NOT_AFTER_PREVIOUS']);
    const future = await runAt(new Date(Date.now() + 60_000));
    expect([future.status, future.json.error.code]).toEqual([422, 'CUTOFF_IN_FUTURE']);
    const again = await runAt(await cutoffNow());
    expect(again.status).toBe(201);
    const same = await runAt(again.json.cutoff);
    expect([same.status, same.json.error.code]).toEqual([409, 'CUTOFF_NOT_AFTER_PREVIOUS']);
  });
});

describe('dates outside the ledger’s calendar', () => {
  it('are a 400 naming the field, on every route that takes a day, a month or a cutoff', async () => {
    const get = async (path: string) => {
      const res = await app.request(path, { headers: adminAuth });
      return [res.status, (await body(res)).error?.details?.issues?.[0]?.path];
    };
    for (const date of ['1969-01-01', '0001-01-01', '1970-01-01', '2200-01-01']) {
      expect(await get(`/v1/admin/reports/daily?businessDate=${date}`)).toEqual([400, 'query.businessDate']);
      expect(await get(`/v1/admin/audit?businessDate=${date}`)).toEqual([400, 'query.businessDate']);
    }
    const early = await runAt('1969-12-31T00:00:00Z');
    expect([early.status, early.json.error.details.issues[0].path]).toEqual([400, 'cutoff']);
    const month = await app.request(
      '/v1/admin/allowance-runs',
      jsonRequest('POST', { month: '0001-01' }, { ...adminAuth, 'idempotency-key': randomUUID() }),
    );
    expect([month.status, (await body(month)).error.details.issues[0].path]).toEqual([400, 'month']);
  });
});
