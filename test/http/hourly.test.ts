import { describe, expect, it } from 'vitest';
import { businessDate } from '../../shared/time/shanghai';
import { useTestBackend } from '../support/backend';
import { adminAuth } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

const { app } = useTestBackend();

describe('the day hour by hour (the operations console’s charts)', () => {
  it('counts a charged tap and a top-up in the hour they happened, and nothing in the others', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const r = await rider(app, { balanceFen: 1000 });
    const tap = await body(
      await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' })),
    );
    expect(tap.status).toBe('accepted');
    const day = businessDate(new Date());
    const report = await body(
      await app.request(`/v1/admin/reports/hourly?businessDate=${day}`, { headers: adminAuth }),
    );
    expect(report.hours).toHaveLength(24);
    const now = report.hours.find(
      (h: { hour: string }) => Date.parse(h.hour) <= Date.now() && Date.now() < Date.parse(h.hour) + 3600_000,
    );
    expect(now).toMatchObject({ inFen: { fares: 200, topups: 1000 }, movements: { fares: 1, topups: 1 } });
    const others = report.hours.filter((h: { hour: string }) => h !== now);
    expect(others.every((h: { movements: { fares: number } }) => h.movements.fares === 0)).toBe(true);
    const refused = await app.request('/v1/admin/reports/hourly?businessDate=1969-12-31', { headers: adminAuth });
    expect(refused.status).toBe(400);
  });
});
