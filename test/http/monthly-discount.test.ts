import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { commuter, type TapAnswer } from '../support/commuter';
import { body } from '../support/http';
import { registerTerminal, rider, type Terminal } from '../support/rider';

/** The 2nd of next month, 07:00 in Shanghai: ten fare days of riding stay in one calendar month. */
function secondOfNextMonthAtSeven(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 23, 0, 0));
}
const clock = testClock(secondOfNextMonthAtSeven());
const { app } = useTestBackend({ clock });
let bus: Terminal;

beforeAll(async () => {
  bus = await registerTerminal(app, ['B1']);
});

const reverse = (tapId: string) =>
  app.request(
    `/v1/admin/transfers/tap:${tapId}/reversals`,
    jsonRequest('POST', { reason: 'validator fault' }, { ...adminAuth, 'idempotency-key': randomUUID() }),
  );

describe('the monthly ride discount', () => {
  it('charges 80% once a card has paid 10000 fen for rides this month, shows where the month stands, and gives back with a reversal', async () => {
    const r = await rider(app, { balanceFen: 20_000, now: clock() });
    const ride = commuter(app, clock, bus, r);
    const taps: TapAnswer[] = [];
    // Ten fare days of five boards on B1, 200 fen each: 1000 a day (the cap, not past it), 10000 in all.
    for (let day = 0; day < 10; day++) {
      await ride.morning();
      for (let i = 0; i < 5; i++) {
        taps.push(await ride.tap('B1', 'B1-S1', 'board'));
        clock.advance(30 * 60_000);
      }
      clock.advance(24 * 3600_000 - 5 * 30 * 60_000);
    }
    expect(taps.map((t) => t.fareFen)).toEqual(Array(50).fill(200));
    const auth = await ride.morning();
    const card = async () => body(await app.request('/v1/me/card', { headers: auth }));
    const month = (await card()).rideMonth;
    expect(month).toMatchObject({ paidFen: 10_000, percent: 80, next: { fromFen: 15_000, percent: 50 } });

    const tiered = await ride.tap('B1', 'B1-S1', 'board');
    expect(tiered.fareFen).toBe(160);
    const rule = tiered.explanation.find((x) => x.rule === 'monthly') as { text: string; fen: number } | undefined;
    expect(rule).toMatchObject({ fen: -40 });
    expect(rule?.text).toContain(`80% for ${month.month} (10000 fen paid for rides before this one, 10160 after)`);
    expect((await card()).rideMonth).toMatchObject({ paidFen: 10_160, percent: 80 });
    const journeys = await body(await app.request('/v1/me/journeys', { headers: auth }));
    expect(journeys.items[0].explanation.map((x: { rule: string }) => x.rule)).toContain('monthly');

    // A reversal takes back what the card paid: the month's spend follows it, and so does the next ride.
    const first = (await body(await app.request('/v1/me/statement?limit=100', { headers: auth }))).items.at(-2);
    expect(first).toMatchObject({ kind: 'fare', amountFen: -200 });
    expect((await reverse(first.ref)).status).toBe(201);
    expect((await reverse((tiered as TapAnswer & { tapId: string }).tapId)).status).toBe(201);
    expect((await card()).rideMonth).toMatchObject({ paidFen: 9_800, percent: 100, next: { fromFen: 10_000 } });
    clock.advance(60 * 60_000);
    expect((await ride.tap('B1', 'B1-S1', 'board')).fareFen).toBe(200);
  }, 60_000);
});
