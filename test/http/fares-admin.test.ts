import { beforeAll, describe, expect, it } from 'vitest';
import { readSeeds } from '../../infra/read-seeds';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date());
const { app } = useTestBackend({ clock });
let bus: Terminal;
beforeAll(async () => {
  bus = await registerTerminal(app, ['B1', 'B2']);
});

const board = async (r: Awaited<ReturnType<typeof rider>>, at = clock()) =>
  body(
    await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }), {
      now: clock(),
    }),
  );

describe('operators change fares', () => {
  it('publishes a new fare table version that prices taps from its effective time', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const seeded = readSeeds('seeds').fares;
    const effective = new Date(clock().getTime() + 3600_000);
    const v2 = {
      ...seeded,
      version: seeded.version + 1,
      effectiveFrom: effective.toISOString(),
      routes: seeded.routes.map((route) => (route.routeId === 'B1' ? { ...route, adultFareFen: 300 } : route)),
    };
    expect((await app.request('/v1/admin/fare-tables', jsonRequest('POST', v2))).status).toBe(401);
    const published = await app.request('/v1/admin/fare-tables', jsonRequest('POST', v2, adminAuth));
    expect(published.status).toBe(201);
    expect((await app.request('/v1/admin/fare-tables', jsonRequest('POST', v2, adminAuth))).status).toBe(400);
    expect((await board(r)).fareFen).toBe(200);
    clock.advance(2 * 3600_000);
    expect((await board(r)).fareFen).toBe(300);
    // A tap made offline before the change keeps the old fare.
    expect((await board(r, new Date(effective.getTime() - 60_000))).fareFen).toBe(200);
  });

  it('refuses a fare table that does not validate, naming the field', async () => {
    const bad = { ...readSeeds('seeds').fares, version: 99, dailyCapAdultFen: -1 };
    const res = await app.request('/v1/admin/fare-tables', jsonRequest('POST', bad, adminAuth));
    expect(res.status).toBe(400);
    expect((await body(res)).error.details.issues[0].path).toBe('dailyCapAdultFen');
  });

  it.each([
    [
      'thresholds that do not rise',
      [
        { fromFen: 15_000, percent: 50 },
        { fromFen: 10_000, percent: 80 },
      ],
      'monthlyTiers',
    ],
    ['a percent past 100', [{ fromFen: 10_000, percent: 120 }], 'monthlyTiers.0.percent'],
    ['a threshold of 0', [{ fromFen: 0, percent: 80 }], 'monthlyTiers.0.fromFen'],
  ])('refuses monthly tiers with %s, naming the field', async (_what, monthlyTiers, path) => {
    const bad = { ...readSeeds('seeds').fares, version: 98, monthlyTiers };
    const res = await app.request('/v1/admin/fare-tables', jsonRequest('POST', bad, adminAuth));
    expect(res.status).toBe(400);
    expect((await body(res)).error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('grants a concession on a verified identity only: a student pays half from the next tap', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const unverified = await app.request(
      `/v1/admin/cards/${r.card.cardId}/fare-class`,
      jsonRequest('PUT', { fareClass: 'student' }, adminAuth),
    );
    expect(unverified.status).toBe(422);
    expect((await body(unverified)).error.code).toBe('IDENTITY_NOT_VERIFIED');
    expect((await board(r)).fareClass).toBe('adult');
    await app.request(
      `/v1/admin/cards/${r.card.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'counter form 17' }, adminAuth),
    );
    const set = await app.request(
      `/v1/admin/cards/${r.card.cardId}/fare-class`,
      jsonRequest('PUT', { fareClass: 'student' }, adminAuth),
    );
    expect(set.status).toBe(200);
    const tap = await board(r);
    expect(tap).toMatchObject({ fareClass: 'student', fareFen: 150 });
    expect(tap.explanation.map((e: { rule: string }) => e.rule)).toContain('concession');
    expect(
      (
        await app.request(
          '/v1/admin/cards/card_nope/fare-class',
          jsonRequest('PUT', { fareClass: 'student' }, adminAuth),
        )
      ).status,
    ).toBe(404);
  });
});

describe('a version that drops what terminals and gates are scoped to', () => {
  it('is refused naming the clients it would strand, unless the operator says so; a disabled client strands nothing', async () => {
    // Prepare: a coach validator on Z1 (besides the bus on B1 and B2), and a bicycle gate.
    const coach = await registerTerminal(app, ['Z1']);
    const gate = await app.request(
      '/v1/admin/clients',
      jsonRequest(
        'POST',
        {
          kind: 'facility-gate',
          name: 'bike dock',
          publicKeyJwk: coach.key.publicJwk,
          scope: { facilityId: 'f-bike' },
        },
        adminAuth,
      ),
    );
    const gateId = (await body(gate)).clientId;
    const latest = async (path: string) => (await body(await app.request(path, { headers: adminAuth }))).items[0];
    const fares = await latest('/v1/admin/fare-tables');
    const withoutZ1 = {
      ...fares,
      version: fares.version + 1,
      routes: fares.routes.filter((r: { routeId: string }) => r.routeId !== 'Z1'),
    };
    // Act and assess: the fare table without Z1 strands the coach validator.
    const refused = await app.request('/v1/admin/fare-tables', jsonRequest('POST', withoutZ1, adminAuth));
    expect(refused.status).toBe(409);
    expect((await body(refused)).error).toMatchObject({
      code: 'SCOPE_STRANDED',
      details: { stranded: [{ kind: 'route', id: 'Z1', clientIds: [coach.clientId] }] },
    });
    // The catalogue without the bicycles strands the gate; once it is disabled, nothing.
    const facilities = await latest('/v1/admin/facility-catalogs');
    const withoutBikes = {
      ...facilities,
      version: facilities.version + 1,
      facilities: facilities.facilities.filter((f: { facilityId: string }) => f.facilityId !== 'f-bike'),
    };
    const gateStranded = await app.request('/v1/admin/facility-catalogs', jsonRequest('POST', withoutBikes, adminAuth));
    expect((await body(gateStranded)).error.details.stranded).toEqual([
      { kind: 'facility', id: 'f-bike', clientIds: [gateId] },
    ]);
    await app.request(
      `/v1/admin/clients/${gateId}/disable`,
      jsonRequest('POST', { reason: 'dock removed' }, adminAuth),
    );
    expect(
      (await app.request('/v1/admin/facility-catalogs', jsonRequest('POST', withoutBikes, adminAuth))).status,
    ).toBe(201);
    // The operator means it: the fare table goes out.
    const meant = await app.request('/v1/admin/fare-tables?strand=true', jsonRequest('POST', withoutZ1, adminAuth));
    expect(meant.status).toBe(201);
  });
});
