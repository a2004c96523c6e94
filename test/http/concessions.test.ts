import { beforeAll, describe, expect, it } from 'vitest';
import { businessDate, shanghaiDate } from '../../shared/time/shanghai';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login, residentId } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date('2026-11-28T02:00:00Z'));
const { app } = useTestBackend({ clock });
let bus: Terminal;
beforeAll(async () => {
  bus = await registerTerminal(app, ['B1', 'B2']);
});

type Who = Awaited<ReturnType<typeof rider>>;
const board = async (r: Who) =>
  body(
    await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }), {
      now: clock(),
    }),
  );
const card = async (r: Pick<Who, 'auth'>) => body(await app.request('/v1/me/card', { headers: r.auth }));
const operator = (path: string, payload?: unknown) => app.request(path, jsonRequest('POST', payload, adminAuth));
const verify = (cardId: string) =>
  operator(`/v1/admin/cards/${cardId}/identity-verification`, { reference: 'counter form 17' });
const openCard = (token: string, idNumber: string, birthDate: string) =>
  app.request(
    '/v1/me/card',
    jsonRequest('POST', { name: 'Holder', idNumber, birthDate }, { authorization: `Bearer ${token}` }),
  );

/** The birth date of someone who turns `years` old `inDays` days after the clock's Shanghai date. */
function birthDateTurning(years: number, inDays: number): string {
  const d = new Date(`${shanghaiDate(clock())}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + inDays);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

describe('concessions need a verified identity', () => {
  it('a self-declared 1950 birth date rides adult until an operator checks the holder in person', async () => {
    const r = await rider(app, { balanceFen: 1000, birthDate: '1950-01-01', now: clock() });
    expect(r.card).toMatchObject({ fareClass: 'adult', identityVerified: false });
    expect(await board(r)).toMatchObject({ status: 'accepted', fareFen: 200, fareClass: 'adult' });

    const verified = await verify(r.card.cardId);
    expect(verified.status).toBe(200);
    expect(await body(verified)).toMatchObject({ fareClass: 'senior', identityVerified: true });
    expect(await board(r)).toMatchObject({ status: 'accepted', fareFen: 0, fareClass: 'senior' });
    expect(await card(r)).toMatchObject({ fareClass: 'senior', balanceFen: 800 });
    const credential = await body(
      await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: r.deviceId }, r.auth)),
    );
    const claims = JSON.parse(Buffer.from(credential.credential.split('.')[1], 'base64url').toString());
    expect(claims.fcl).toBe('senior');
    // A repeat of the check changes nothing.
    expect((await verify(r.card.cardId)).status).toBe(200);
  });

  it('senior follows from the birth date by itself on the 65th birthday', async () => {
    const r = await rider(app, { balanceFen: 1000, birthDate: birthDateTurning(65, 1), now: clock() });
    await verify(r.card.cardId);
    expect((await card(r)).fareClass).toBe('adult');
    clock.advance(24 * 3600_000);
    const { token } = await login(app, r.phone);
    expect((await card({ auth: { authorization: `Bearer ${token}` } })).fareClass).toBe('senior');
    expect((await board(r)).fareFen).toBe(0);
  });

  it('refuses student and disabled on an unverified card, grants them once verified', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    for (const fareClass of ['student', 'disabled']) {
      const res = await app.request(
        `/v1/admin/cards/${r.card.cardId}/fare-class`,
        jsonRequest('PUT', { fareClass }, adminAuth),
      );
      expect([res.status, (await body(res)).error.code]).toEqual([422, 'IDENTITY_NOT_VERIFIED']);
    }
    await verify(r.card.cardId);
    const granted = await app.request(
      `/v1/admin/cards/${r.card.cardId}/fare-class`,
      jsonRequest('PUT', { fareClass: 'disabled' }, adminAuth),
    );
    expect(await body(granted)).toEqual({ cardId: r.card.cardId, fareClass: 'disabled' });
    expect((await board(r)).fareFen).toBe(0);
  });

  it('gives a taken id number back to its real holder after an in-person check', async () => {
    const birthDate = '1958-03-02';
    const idNumber = residentId(birthDate);
    const impostor = await rider(app, { balanceFen: 0, now: clock() });
    const victim = await login(app);
    // The impostor opens a second citizen's card with the victim's number (the rider above has its own).
    const thief = await login(app);
    const stolen = await openCard(thief.token, idNumber, birthDate);
    expect(stolen.status).toBe(201);
    const locked = await openCard(victim.token, idNumber, birthDate);
    expect([locked.status, (await body(locked)).error.code]).toEqual([409, 'ID_NUMBER_IN_USE']);

    const release = await operator('/v1/admin/resident-ids/release', {
      idNumber,
      birthDate,
      reason: 'holder showed id card at the counter',
    });
    expect(release.status).toBe(200);
    const { releasedFromCardId } = await body(release);
    expect(releasedFromCardId).toBe((await body(stolen)).cardId);
    const thiefAuth = { authorization: `Bearer ${thief.token}` };
    expect(await card({ auth: thiefAuth })).toMatchObject({ status: 'frozen' });
    const unfreeze = await app.request('/v1/me/card/unfreeze', { method: 'POST', headers: thiefAuth });
    expect([unfreeze.status, (await body(unfreeze)).error.code]).toEqual([409, 'FROZEN_BY_OPERATOR']);

    const own = await openCard(victim.token, idNumber, birthDate);
    expect(own.status).toBe(201);
    // The real holder's card, once verified, keeps its number against any later release.
    await verify((await body(own)).cardId);
    const again = await operator('/v1/admin/resident-ids/release', { idNumber, birthDate, reason: 'a second try' });
    expect([again.status, (await body(again)).error.code]).toEqual([409, 'ID_NUMBER_IN_USE']);
    expect(impostor.card.identityVerified).toBe(false);
  });
});

describe('freezes say who made them', () => {
  it('only an operator lifts an operator’s freeze, even over the holder’s own earlier freeze', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const post = (path: string) => app.request(path, { method: 'POST', headers: r.auth });
    expect((await body(await post('/v1/me/card/freeze'))).status).toBe('frozen');
    const hotline = await operator(`/v1/admin/cards/${r.card.cardId}/freeze`, { reason: 'phone and SIM stolen' });
    expect((await body(hotline)).status).toBe('frozen');
    const thief = await post('/v1/me/card/unfreeze');
    expect([thief.status, (await body(thief)).error.code]).toEqual([409, 'FROZEN_BY_OPERATOR']);
    expect((await board(r)).declineCode).toBe('CARD_FROZEN');
    const support = await body(await app.request(`/v1/admin/cards/${r.card.cardId}`, { headers: adminAuth }));
    expect(support.frozenBy).toBe('operator');

    // Without a body the operator's freeze is recorded with a default reason.
    const lifted = await app.request(`/v1/admin/cards/${r.card.cardId}/unfreeze`, {
      method: 'POST',
      headers: adminAuth,
    });
    expect((await body(lifted)).status).toBe('active');
    expect((await body(await post('/v1/me/card/freeze'))).status).toBe('frozen');
    expect((await body(await post('/v1/me/card/unfreeze'))).status).toBe('active');
  });

  it('records every operator write with the operator, the reason and the outcome', async () => {
    const r = await rider(app, { balanceFen: 0, now: clock() });
    await operator(`/v1/admin/cards/${r.card.cardId}/freeze`, { reason: 'audit: phone lost on bus 17' });
    clock.advance(1000);
    await app.request('/v1/admin/cards/card_nope/unfreeze', {
      method: 'POST',
      headers: { ...adminAuth, 'onecard-reason': 'audit: a mistyped card' },
    });
    const day = await body(
      await app.request(`/v1/admin/audit?businessDate=${businessDate(clock())}&limit=100`, { headers: adminAuth }),
    );
    const mine = day.items.filter((a: { reason: string | null }) => a.reason?.startsWith('audit:'));
    expect(mine).toEqual([
      expect.objectContaining({
        principal: 'local-operator',
        method: 'POST',
        path: `/v1/admin/cards/${r.card.cardId}/freeze`,
        status: 200,
        reason: 'audit: phone lost on bus 17',
      }),
      expect.objectContaining({
        path: '/v1/admin/cards/card_nope/unfreeze',
        status: 404,
        reason: 'audit: a mistyped card',
      }),
    ]);
    // Reads are not writes, and a caller that is no operator leaves no record in their name.
    expect((await app.request(`/v1/admin/audit?businessDate=${businessDate(clock())}`)).status).toBe(401);
  });

  it('lets an operator revoke a stolen phone’s device', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const revoked = await operator(`/v1/admin/devices/${r.deviceId}/revoke`, { reason: 'reported stolen' });
    expect(await body(revoked)).toEqual({ deviceId: r.deviceId, cardId: r.card.cardId, status: 'revoked' });
    expect((await board(r)).declineCode).toBe('DEVICE_REVOKED');
    const unknown = await app.request('/v1/admin/devices/dev_nope/revoke', { method: 'POST', headers: adminAuth });
    expect(unknown.status).toBe(404);
  });
});
