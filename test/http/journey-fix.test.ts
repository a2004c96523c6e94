import { describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

// Mid-month in Shanghai, so that every fix below falls in one month.
const clock = testClock(new Date('2026-11-10T01:00:00Z'));
const { app } = useTestBackend({ clock });
const HOUR = 3600_000;

describe('fixing an incomplete zone journey oneself', () => {
  it('prices a named exit with the same engine, gives back the difference once, two a month, then queues', async () => {
    const zone = await registerTerminal(app, ['Z1']);
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const enter = async () => {
      const tap = await body(
        await postTap(
          app,
          zone,
          await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry', at: clock() }),
          { now: clock() },
        ),
      );
      expect(tap.status).toBe('accepted');
      clock.advance(10 * 60_000);
      return tap.journeyId as string;
    };
    const journeys = [await enter(), await enter(), await enter()];
    let auth = r.auth;
    const fix = async (journeyId: string, stopId = 'Z1-S3') => {
      const res = await app.request(`/v1/me/journeys/${journeyId}/exit`, jsonRequest('POST', { stopId }, auth));
      return { status: res.status, json: await body(res) };
    };
    const balance = async () => (await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen as number;

    // While the journey can still end at a gate, it is not the holder's to fix.
    expect((await fix(journeys[0]!)).json.error.code).toBe('JOURNEY_STILL_OPEN');

    clock.advance(4 * HOUR);
    auth = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
    const listed = await body(await app.request('/v1/me/journeys', { headers: auth }));
    expect(listed.items.filter((j: { status: string }) => j.status === 'incomplete')).toHaveLength(3);
    expect((await fix(journeys[0]!, 'Z9-S9')).status).toBe(400);

    const beforeFirst = await balance();
    const fixed = await fix(journeys[0]!);
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ status: 'accepted', journeyId: journeys[0] });
    expect(fixed.json.fareFen).toBeLessThan(500);
    expect(await balance()).toBe(beforeFirst + 500 - fixed.json.fareFen);
    // Once per journey: the same answer, nothing more given back.
    expect(await fix(journeys[0]!)).toEqual(fixed);
    expect(await balance()).toBe(beforeFirst + 500 - fixed.json.fareFen);
    const complete = (await body(await app.request('/v1/me/journeys', { headers: auth }))).items.find(
      (j: { journeyId: string }) => j.journeyId === journeys[0],
    );
    expect(complete).toMatchObject({ status: 'complete', exitStopId: 'Z1-S3', fareFen: fixed.json.fareFen });

    // The month's second fix goes through by itself; the third waits for an operator and moves nothing.
    // Two requests for one journey at once: one fix, the same answer twice, given back once.
    const beforeSecond = await balance();
    const [a, b] = await Promise.all([fix(journeys[1]!), fix(journeys[1]!)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json).toEqual(b.json);
    const afterTwo = await balance();
    expect(afterTwo).toBe(beforeSecond + 500 - a.json.fareFen);
    expect(await fix(journeys[2]!)).toEqual({ status: 202, json: { journeyId: journeys[2], status: 'queued' } });
    expect(await balance()).toBe(afterTwo);

    // The operator's queue: two operators approving at once give back once; the holder's retry then
    // answers the approved exit.
    const queue = await body(await app.request('/v1/admin/journey-fixes?month=2026-11', { headers: adminAuth }));
    expect(queue.items).toEqual([{ journeyId: journeys[2], cardId: r.card.cardId, stopId: 'Z1-S3', status: 'queued' }]);
    const decide = async (decision: string, journeyId = journeys[2]!) =>
      body(
        await app.request(
          `/v1/admin/journey-fixes/${journeyId}/decision`,
          jsonRequest('POST', { month: '2026-11', decision, reason: 'the holder’s ticket shows Z1-S3' }, adminAuth),
        ),
      );
    const [one, two] = await Promise.all([decide('approve'), decide('approve')]);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ status: 'approved', decidedBy: expect.any(String), fareFen: expect.any(Number) });
    // What its entry held (past the day's cap, perhaps less than the route's maximum) less the fare, once.
    const held = listed.items.find((j: { journeyId: string }) => j.journeyId === journeys[2]).fareFen;
    expect(await balance()).toBe(afterTwo + held - one.fareFen);
    expect(await decide('refuse')).toMatchObject({ status: 'approved' });
    expect(await fix(journeys[2]!)).toMatchObject({
      status: 200,
      json: { status: 'accepted', journeyId: journeys[2], fareFen: one.fareFen },
    });
    expect((await decide('approve', 'jny_unknown')).error.code).toBe('NOT_FOUND');

    // The next fare day, a journey holding the route's maximum: approved at once by two operators, given back once.
    clock.advance(24 * HOUR);
    auth = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
    r.credential = (
      await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: r.deviceId }, auth)))
    ).credential;
    const fourth = await enter();
    const fifth = await enter();
    clock.advance(4 * HOUR);
    auth = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
    expect((await fix(fourth)).status).toBe(202);
    expect((await fix(fifth)).status).toBe(202);
    const before = await balance();
    const [x, y] = await Promise.all([decide('approve', fourth), decide('approve', fourth)]);
    expect(x).toEqual(y);
    expect(x.fareFen).toBeLessThan(500);
    expect(await balance()).toBe(before + 500 - x.fareFen);
    // Refused: nothing moves, and it stays refused.
    expect(await decide('refuse', fifth)).toMatchObject({ status: 'refused', reason: expect.any(String) });
    expect(await decide('approve', fifth)).toMatchObject({ status: 'refused' });
    expect(await balance()).toBe(before + 500 - x.fareFen);

    // Past 48 hours of its entry a journey is no longer the holder's to fix.
    const late = await enterAndAge(r, zone);
    auth = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
    expect((await fix(late)).json.error.code).toBe('FIX_WINDOW_PASSED');
    expect(await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).toMatchObject({
      balanced: true,
      sumFen: 0,
    });
  });
});

/** A fresh credential (a day's life), an entry now, and the clock 49 hours on. */
async function enterAndAge(r: Awaited<ReturnType<typeof rider>>, zone: Awaited<ReturnType<typeof registerTerminal>>) {
  const auth = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
  const cred = await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: r.deviceId }, auth)));
  const tap = await body(
    await postTap(
      app,
      zone,
      await tapBody({ ...r, credential: cred.credential }, zone, {
        routeId: 'Z1',
        stopId: 'Z1-S1',
        kind: 'entry',
        at: clock(),
      }),
      { now: clock() },
    ),
  );
  expect(tap.status).toBe('accepted');
  clock.advance(49 * HOUR);
  return tap.journeyId as string;
}
