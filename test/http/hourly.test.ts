import { describe, expect, it } from 'vitest';
import { businessDate } from '../../shared/time/shanghai';
import { useTestBackend } from '../support/backend';
import { adminAuth } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

const { app } = useTestBackend();

describe('the day hour by hour (the operations console’s charts)', () => {
  it('counts a charged tap, a declined one (once) and the top-ups in the hour they happened, and nothing in the others', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const r = await rider(app, { balanceFen: 1000 });
    const tap = await body(
      await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' })),
    );
    expect(tap.status).toBe('accepted');
    // A tap on a frozen card is declined: it moves no money but is counted in its hour, once.
    const lost = await rider(app, { balanceFen: 500 });
    await app.request('/v1/me/card/freeze', { method: 'POST', headers: lost.auth });
    const declined = await tapBody(lost, bus, { routeId: 'B1', stopId: 'B1-S2', kind: 'board' });
    for (const _ of [1, 2]) expect((await body(await postTap(app, bus, declined))).status).toBe('declined');
    const day = businessDate(new Date());
    const report = await body(
      await app.request(`/v1/admin/reports/hourly?businessDate=${day}`, { headers: adminAuth }),
    );
    expect(report.hours).toHaveLength(24);
    const now = report.hours.find(
      (h: { hour: string }) => Date.parse(h.hour) <= Date.now() && Date.now() < Date.parse(h.hour) + 3600_000,
    );
    expect(now).toMatchObject({
      inFen: { fares: 200, topups: 1500 },
      movements: { fares: 1, topups: 2 },
      declines: { total: 1, byRoute: { B1: 1 } },
      topupOutcomes: { succeeded: 2, failed: 0, refunded: 0 },
    });
    const others = report.hours.filter((h: { hour: string }) => h !== now);
    expect(others.every((h: { movements: { fares: number } }) => h.movements.fares === 0)).toBe(true);
    const refused = await app.request('/v1/admin/reports/hourly?businessDate=1969-12-31', { headers: adminAuth });
    expect(refused.status).toBe(400);
  });
});
