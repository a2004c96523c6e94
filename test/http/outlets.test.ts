import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTLETS_CONFIG } from '../../shared/store/keys';
import { businessDate } from '../../shared/time/shanghai';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, residentId } from '../support/citizen';
import { asMachine, type Machine, presentation, registerMachine, visitBody } from '../support/gate';
import { body } from '../support/http';
import { type Rider, rider } from '../support/rider';

const clock = testClock(new Date('2026-11-28T02:00:00Z'));
const { app, backend } = useTestBackend({ clock });
let station: Machine;
let oldTown: Machine;

beforeAll(async () => {
  station = await registerMachine(app, 'service-outlet', { outletId: 'o-station' });
  oldTown = await registerMachine(app, 'service-outlet', { outletId: 'o-oldtown' });
});

const card = async (r: Rider) => body(await app.request('/v1/me/card', { headers: r.auth }));
const topupBody = async (r: Rider, outlet: Machine, amountFen: number) => ({
  topupId: randomUUID(),
  amountFen,
  ...(await presentation(r, outlet, clock())),
});
const counter = (outlet: Machine, path: string, payload?: unknown) =>
  asMachine(app, outlet, payload === undefined ? 'GET' : 'POST', path, payload, clock());

describe('cash top-ups at the counter', () => {
  it('credits the card from the outlet’s till once, and counts the day’s cash', async () => {
    const r = await rider(app, { balanceFen: 0, now: clock() });
    const before = (await counter(station, '/v1/outlet/till')).json;
    const payload = await topupBody(r, station, 5000);
    const first = await counter(station, '/v1/outlet/topups', payload);
    expect(first).toEqual({
      status: 201,
      json: { topupId: payload.topupId, cardId: r.card.cardId, amountFen: 5000, balanceFen: 5000 },
    });
    expect(await counter(station, '/v1/outlet/topups', payload)).toEqual(first);
    const other = await counter(station, '/v1/outlet/topups', { ...payload, amountFen: 6000 });
    expect([other.status, other.json.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await card(r)).balanceFen).toBe(5000);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'cash-topup', amountFen: 5000 });
    expect((await counter(station, '/v1/outlet/till')).json).toEqual({
      outletId: 'o-station',
      businessDate: businessDate(clock()),
      topupsCount: before.topupsCount + 1,
      cashFen: before.cashFen + 5000,
      closuresCount: before.closuresCount,
      paidOutFen: before.paidOutFen,
    });
    expect((await counter(station, '/v1/outlet/till?businessDate=2020-01-01')).json).toMatchObject({ cashFen: 0 });
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report).toMatchObject({ balanced: true, sumFen: 0 });
    expect(report.byKind['outlet-till']).toBeLessThanOrEqual(-5000);
  });

  it('refuses past 500000 fen counting open holds, on a frozen card, and past the outlet’s limits', async () => {
    const r = await rider(app, { balanceFen: 498_500, now: clock() });
    const bike = await registerMachine(app, 'facility-gate', { facilityId: 'f-bike' });
    const start = await asMachine(
      app,
      bike,
      'POST',
      '/v1/facilities/visits',
      await visitBody(r, bike, { facilityId: 'f-bike', kind: 'start', at: clock() }),
      clock(),
    );
    expect(start.json.status).toBe('accepted');
    const over = await counter(station, '/v1/outlet/topups', await topupBody(r, station, 2000));
    expect([over.status, over.json.error.code]).toEqual([422, 'BALANCE_LIMIT']);
    expect((await counter(station, '/v1/outlet/topups', await topupBody(r, station, 1500))).status).toBe(201);

    const big = await counter(oldTown, '/v1/outlet/topups', await topupBody(r, oldTown, 100_001));
    expect([big.status, big.json.error.code]).toEqual([422, 'OUTLET_LIMIT']);
    const other = await rider(app, { balanceFen: 0, now: clock() });
    await app.request('/v1/me/card/freeze', { method: 'POST', headers: other.auth });
    const frozen = await counter(station, '/v1/outlet/topups', await topupBody(other, station, 100));
    expect([frozen.status, frozen.json.error.code]).toEqual([422, 'CARD_FROZEN']);
    expect((await card(other)).balanceFen).toBe(0);
  });

  it('keeps the outlet’s daily cash limit', async () => {
    const { store } = backend().deps;
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...OUTLETS_CONFIG,
          config: {
            defaults: { maxTopupFen: 100_000, maxDailyCashFen: 5_000_000 },
            outlets: [{ outletId: 'o-kiosk', name: 'Kiosk', maxTopupFen: 3000, maxDailyCashFen: 5000 }],
          },
        },
      }),
    );
    clock.advance(61_000); // past the instances' cache of the outlets' limits
    const kiosk = await registerMachine(app, 'service-outlet', { outletId: 'o-kiosk' });
    const r = await rider(app, { balanceFen: 0, now: clock() });
    expect((await counter(kiosk, '/v1/outlet/topups', await topupBody(r, kiosk, 3000))).status).toBe(201);
    const past = await counter(kiosk, '/v1/outlet/topups', await topupBody(r, kiosk, 2001));
    expect([past.status, past.json.error.code]).toEqual([422, 'OUTLET_LIMIT']);
    expect((await counter(kiosk, '/v1/outlet/topups', await topupBody(r, kiosk, 2000))).status).toBe(201);
    expect((await counter(kiosk, '/v1/outlet/till')).json).toMatchObject({ topupsCount: 2, cashFen: 5000 });
  });
});

describe('identity checks at the counter', () => {
  it('verifies the holder against the id card shown, and refuses someone else’s number', async () => {
    const r = await rider(app, { balanceFen: 0, birthDate: '1950-03-04', now: clock() });
    const check = async (idNumber: string, checkId = randomUUID()) =>
      counter(station, '/v1/outlet/identity-checks', {
        checkId,
        idNumber,
        ...(await presentation(r, station, clock())),
      });
    const wrong = await check(residentId('1950-03-04'));
    expect([wrong.status, wrong.json.error.code]).toEqual([422, 'ID_MISMATCH']);
    expect(await card(r)).toMatchObject({ identityVerified: false, fareClass: 'adult' });
    const malformed = await check('110105194912310021');
    expect(malformed.status).toBe(400);

    const own = r.idNumber;
    const checkId = randomUUID();
    const payload = { checkId, idNumber: own, ...(await presentation(r, station, clock())) };
    const verified = await counter(station, '/v1/outlet/identity-checks', payload);
    expect(verified).toEqual({
      status: 200,
      json: { checkId, cardId: r.card.cardId, identityVerified: true, fareClass: 'senior' },
    });
    expect(await counter(station, '/v1/outlet/identity-checks', payload)).toEqual(verified);
    expect(await card(r)).toMatchObject({ identityVerified: true, fareClass: 'senior' });
  });
});
