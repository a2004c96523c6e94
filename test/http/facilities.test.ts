import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { asMachine, type Machine, registerMachine, visitBody } from '../support/gate';
import { body } from '../support/http';
import { type Rider, rider } from '../support/rider';

const clock = testClock(new Date('2026-11-28T01:00:00Z'));
const { app } = useTestBackend({ clock });
let park: Machine;
let library: Machine;
let bike: Machine;

beforeAll(async () => {
  park = await registerMachine(app, 'facility-gate', { facilityId: 'f-park' });
  library = await registerMachine(app, 'facility-gate', { facilityId: 'f-library' });
  bike = await registerMachine(app, 'facility-gate', { facilityId: 'f-bike' });
});

const MINUTE = 60_000;
const visit = async (gate: Machine, payload: unknown) =>
  asMachine(app, gate, 'POST', '/v1/facilities/visits', payload, clock());
const go = async (gate: Machine, r: Rider, facilityId: string, kind: 'enter' | 'start' | 'end', at = clock()) =>
  (await visit(gate, await visitBody(r, gate, { facilityId, kind, at }))).json;
const card = async (r: Rider) => body(await app.request('/v1/me/card', { headers: r.auth }));
const balanced = async () =>
  expect(await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).toMatchObject({
    balanced: true,
    sumFen: 0,
  });

/** The rider again after the clock moved past their access token and credential: log in, new credential. */
async function refreshed(r: Rider): Promise<Rider> {
  const { token } = await login(app, r.phone);
  const auth = { authorization: `Bearer ${token}` };
  const cred = await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: r.deviceId }, auth)));
  return { ...r, auth, token, credential: cred.credential };
}

describe('entry facilities', () => {
  it('charges the park’s entry once, to the park, however often the gate retries', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const payload = await visitBody(r, park, { facilityId: 'f-park', kind: 'enter', at: clock() });
    const first = await visit(park, payload);
    expect(first.json).toMatchObject({ status: 'accepted', feeFen: 500, balanceFen: 500, fareClass: 'adult' });
    expect((await visit(park, payload)).json).toEqual(first.json);
    const other = await visit(park, { ...payload, challenge: 'another challenge' });
    expect([other.status, other.json.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await card(r)).balanceFen).toBe(500);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'facility', amountFen: -500 });
    await balanced();
  });

  it('refuses a gate outside its facility, a kind its facility does not take, and an unknown facility', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const elsewhere = await visit(
      park,
      await visitBody(r, park, { facilityId: 'f-library', kind: 'enter', at: clock() }),
    );
    expect(elsewhere.status).toBe(403);
    const wrongKind = await visit(park, await visitBody(r, park, { facilityId: 'f-park', kind: 'start', at: clock() }));
    expect([wrongKind.status, wrongKind.json.error.details.issues[0].path]).toEqual([400, 'kind']);
    const transit = await registerMachine(app, 'transit-terminal', { routeIds: ['B1'] });
    expect((await visit(transit, await visitBody(r, transit, { facilityId: 'f-park', kind: 'enter' }))).status).toBe(
      403,
    );
    const unknown = await app.request(
      '/v1/admin/clients',
      jsonRequest(
        'POST',
        { kind: 'facility-gate', name: 'x', publicKeyJwk: park.key.publicJwk, scope: { facilityId: 'f-zoo' } },
        adminAuth,
      ),
    );
    expect(unknown.status).toBe(400);
  });

  it('needs the whole fee in the balance, and declines as taps do', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const first = await visitBody(r, park, { facilityId: 'f-park', kind: 'enter', at: clock() });
    expect((await visit(park, first)).json.status).toBe('accepted');
    const replayed = await visit(park, { ...first, visitId: crypto.randomUUID() });
    expect(replayed.json).toMatchObject({ status: 'declined', declineCode: 'REPLAYED' });
    expect((await go(park, r, 'f-park', 'enter')).balanceFen).toBe(0);
    expect(await go(park, r, 'f-park', 'enter')).toMatchObject({
      status: 'declined',
      declineCode: 'INSUFFICIENT_FUNDS',
    });
    await app.request('/v1/me/card/freeze', { method: 'POST', headers: r.auth });
    expect((await go(park, r, 'f-park', 'enter')).declineCode).toBe('CARD_FROZEN');
    await app.request('/v1/me/card/unfreeze', { method: 'POST', headers: r.auth });
    await app.request(`/v1/me/devices/${r.deviceId}`, { method: 'DELETE', headers: r.auth });
    expect((await go(park, r, 'f-park', 'enter')).declineCode).toBe('DEVICE_REVOKED');
    expect((await card(r)).balanceFen).toBe(0);
  });

  it('lets the library in only on a verified identity, free of charge', async () => {
    const r = await rider(app, { balanceFen: 0, now: clock() });
    expect(await go(library, r, 'f-library', 'enter')).toMatchObject({
      status: 'declined',
      declineCode: 'IDENTITY_NOT_VERIFIED',
    });
    await app.request(
      `/v1/admin/cards/${r.card.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'desk 3' }, adminAuth),
    );
    const entered = await go(library, r, 'f-library', 'enter');
    expect(entered).toMatchObject({ status: 'accepted', feeFen: 0, balanceFen: 0 });
    // The free visit is in the card's list (from its 0-fen entry), the declined one is not; the
    // statement, which shows money, has neither.
    const fresh = await refreshed(r);
    const visits = await body(await app.request('/v1/me/visits', { headers: fresh.auth }));
    expect(visits.items).toEqual([
      expect.objectContaining({
        visitId: entered.visitId,
        facilityId: 'f-library',
        kind: 'enter',
        status: 'accepted',
        feeFen: 0,
        balanceFen: 0,
      }),
    ]);
    const statement = await body(await app.request('/v1/me/statement', { headers: fresh.auth }));
    expect(statement.items).toEqual([]);
  });
});

describe('public bicycles', () => {
  it('holds 1000 at the start, charges by time at the end and gives back the rest', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const start = await go(bike, r, 'f-bike', 'start');
    expect(start).toMatchObject({ status: 'accepted', feeFen: 1000, balanceFen: 1000, rentalId: expect.any(String) });
    expect(await card(r)).toMatchObject({ balanceFen: 1000, heldFen: 1000 });
    clock.advance(91 * MINUTE);
    const end = await go(bike, r, 'f-bike', 'end');
    expect(end).toMatchObject({ status: 'accepted', feeFen: 200, balanceFen: 1800, rentalId: start.rentalId });
    expect(end.explanation.at(-1)).toMatchObject({ rule: 'exit-refund', fen: -800 });
    const fresh = await refreshed(r);
    expect(await card(fresh)).toMatchObject({ balanceFen: 1800, heldFen: 0 });
    const visits = await body(await app.request('/v1/me/visits', { headers: fresh.auth }));
    expect(visits.items.map((v: { kind: string; feeFen: number }) => [v.kind, v.feeFen])).toEqual([
      ['end', 200],
      ['start', 1000],
    ]);
    await balanced();
  });

  it('declines an end with no open rental, and keeps the hold of a rental never ended within 24 hours', async () => {
    let r = await rider(app, { balanceFen: 2000, now: clock() });
    expect(await go(bike, r, 'f-bike', 'end')).toMatchObject({ status: 'declined', declineCode: 'NO_OPEN_RENTAL' });
    await go(bike, r, 'f-bike', 'start');
    expect((await go(bike, r, 'f-bike', 'start')).declineCode).toBe('RENTAL_OPEN');
    clock.advance(24 * 60 * MINUTE + MINUTE);
    // Yesterday's credential has expired: declined as at a validator.
    expect((await go(bike, r, 'f-bike', 'end')).declineCode).toBe('CREDENTIAL_EXPIRED');
    r = await refreshed(r);
    expect((await go(bike, r, 'f-bike', 'end')).declineCode).toBe('NO_OPEN_RENTAL');
    expect(await card(r)).toMatchObject({ balanceFen: 1000, heldFen: 0 });
    // The lapsed rental no longer blocks a new one.
    expect((await go(bike, r, 'f-bike', 'start')).status).toBe('accepted');
  });

  it('charges once when two ends of one rental arrive at once', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    await go(bike, r, 'f-bike', 'start');
    clock.advance(61 * MINUTE);
    const ends = await Promise.all([
      visit(bike, await visitBody(r, bike, { facilityId: 'f-bike', kind: 'end', at: clock() })),
      visit(bike, await visitBody(r, bike, { facilityId: 'f-bike', kind: 'end', at: clock() })),
    ]);
    expect(ends.map((e) => e.json.status).sort()).toEqual(['accepted', 'declined']);
    expect(ends.find((e) => e.json.status === 'declined')!.json.declineCode).toBe('NO_OPEN_RENTAL');
    expect((await card(await refreshed(r))).balanceFen).toBe(900);
    await balanced();
  });

  it('takes an offline upload out of order: the start before the end, by their own times', async () => {
    const r = await rider(app, { balanceFen: 1500, now: clock() });
    clock.advance(50 * MINUTE);
    const startAt = new Date(clock().getTime() - 45 * MINUTE);
    const endAt = new Date(clock().getTime() - 5 * MINUTE);
    // The gate's queue holds the end first.
    const end = await visitBody(r, bike, { facilityId: 'f-bike', kind: 'end', at: endAt });
    const start = await visitBody(r, bike, { facilityId: 'f-bike', kind: 'start', at: startAt });
    const batch = await asMachine(app, bike, 'POST', '/v1/facilities/visits/batch', { visits: [end, start] }, clock());
    expect(batch.json.results.map((x: { status: string; feeFen: number }) => [x.status, x.feeFen])).toEqual([
      ['accepted', 0],
      ['accepted', 1000],
    ]);
    expect(await card(r)).toMatchObject({ balanceFen: 1500, heldFen: 0 });
  });

  it('judges a late upload’s rental by the ride’s own times: a start 30 hours ago and its end 30 minutes later give the hold back', async () => {
    // Prepare: the rider rode 30 hours ago with the credential of that day; the gate had no signal since.
    const now = clock();
    clock.set(new Date(now.getTime() - 30 * 60 * MINUTE));
    const r = await rider(app, { balanceFen: 1500, now: clock() });
    const startAt = clock();
    const endAt = new Date(startAt.getTime() + 30 * MINUTE);
    const start = await visitBody(r, bike, { facilityId: 'f-bike', kind: 'start', at: startAt });
    const end = await visitBody(r, bike, { facilityId: 'f-bike', kind: 'end', at: endAt });
    clock.set(now);
    // Act: the gate uploads both now.
    const batch = await asMachine(app, bike, 'POST', '/v1/facilities/visits/batch', { visits: [start, end] }, clock());
    // Assess: the half-hour ride is free, and the whole hold comes back.
    expect(batch.json.results.map((x: { status: string; feeFen: number }) => [x.status, x.feeFen])).toEqual([
      ['accepted', 1000],
      ['accepted', 0],
    ]);
    expect(await card(await refreshed(r))).toMatchObject({ balanceFen: 1500, heldFen: 0 });
    await balanced();
  });

  it('holds and charges a verified student half', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    await app.request(
      `/v1/admin/cards/${r.card.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'school card seen' }, adminAuth),
    );
    await app.request(
      `/v1/admin/cards/${r.card.cardId}/fare-class`,
      jsonRequest('PUT', { fareClass: 'student' }, adminAuth),
    );
    expect(await go(bike, r, 'f-bike', 'start')).toMatchObject({ feeFen: 500, fareClass: 'student' });
    clock.advance(61 * MINUTE);
    expect(await go(bike, r, 'f-bike', 'end')).toMatchObject({ feeFen: 50, balanceFen: 950 });
  });

  it('gives a gate what it needs offline: its facility’s products and the class multipliers', async () => {
    const config = await asMachine(app, bike, 'GET', '/v1/terminal/config', undefined, clock());
    expect(config.json).toMatchObject({
      kind: 'facility-gate',
      facility: { facilityId: 'f-bike', product: { type: 'rental', holdAdultFen: 1000 } },
      fareClasses: { student: { multiplierPercent: 50 } },
      jwks: { keys: expect.any(Array) },
    });
  });
});

describe('facility products are versioned data', () => {
  it('prices a visit by the version in force at its own time', async () => {
    const current = (await body(await app.request('/v1/admin/facility-catalogs', { headers: adminAuth }))).items[0];
    const effective = new Date(clock().getTime() + 3600_000);
    const next = {
      ...current,
      version: current.version + 1,
      effectiveFrom: effective.toISOString(),
      facilities: current.facilities.map((f: { facilityId: string; product: object }) =>
        f.facilityId === 'f-park' ? { ...f, product: { ...f.product, adultFeeFen: 800 } } : f,
      ),
    };
    const published = await app.request('/v1/admin/facility-catalogs', jsonRequest('POST', next, adminAuth));
    expect(published.status).toBe(201);
    expect((await app.request('/v1/admin/facility-catalogs', jsonRequest('POST', next, adminAuth))).status).toBe(400);
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    expect((await go(park, r, 'f-park', 'enter')).feeFen).toBe(500);
    clock.advance(3600_000 + 1000);
    const later = await refreshed(r);
    expect((await go(park, later, 'f-park', 'enter')).feeFen).toBe(800);
  });
});
