import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { asMachine, registerMachine, visitBody } from '../support/gate';
import { body } from '../support/http';
import { assertionFor, newKey, type TestKey } from '../support/jose-kit';
import { purchaseBody, registerPos, till } from '../support/pos';
import { postTap, type Rider, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

// 06:00 in Shanghai on 2026-11-10: its fare day (from 04:00) is 2026-11-10.
const clock = testClock(new Date('2026-11-09T22:00:00Z'));
const { app } = useTestBackend({ clock });
const { buy } = till(app, clock);
const DAY = 24 * 3600_000;

type Presenter = Pick<Rider, 'device' | 'credential'>;
/** What one terminal saw of a rider: every token it was shown and every answer it got, as text. */
type View = unknown[];

const auth = async (r: Rider) => ({ authorization: `Bearer ${(await login(app, r.phone)).token}` });
const setVersions = async (clientId: string, versions: number[]) =>
  app.request(`/v1/admin/clients/${clientId}/credential-versions`, jsonRequest('PUT', { versions }, adminAuth));

/** A version 1 credential issued now (the one `rider` made expires after a day). */
const freshCredential = async (r: Rider): Promise<string> =>
  (await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: r.deviceId }, await auth(r)))))
    .credential;

/** One fare day's credentials for these operators, each bound to a key made for it alone. */
async function dayCredentials(r: Rider, fareDay: string, scopes: string[]) {
  const keys = new Map<string, TestKey>();
  for (const scope of scopes) keys.set(scope, await newKey());
  const res = await app.request(
    '/v1/me/pseudonymous-credentials',
    jsonRequest(
      'POST',
      {
        deviceId: r.deviceId,
        fareDay,
        keys: scopes.map((scope) => ({ scope, publicKeyJwk: keys.get(scope)?.publicJwk })),
      },
      await auth(r),
    ),
  );
  const issued = await body(res);
  if (res.status !== 201) throw new Error(`credentials: ${res.status} ${JSON.stringify(issued)}`);
  return new Map<string, Presenter>(
    issued.credentials.map((c: { scope: string; credential: string }) => [
      c.scope,
      { device: keys.get(c.scope) as TestKey, credential: c.credential },
    ]),
  );
}

async function tap(p: Presenter, bus: Terminal, view?: View) {
  const sent = await tapBody(p, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
  const answer = await body(await postTap(app, bus, sent, { now: clock() }));
  view?.push(sent, answer);
  return answer;
}
async function pay(p: Presenter, pos: Awaited<ReturnType<typeof registerPos>>, amountFen: number, view?: View) {
  const sent = await purchaseBody(p, pos, amountFen, { now: clock() });
  const answer = (await buy(pos, sent)).json;
  view?.push(sent, answer);
  return answer;
}

/** Every value in what a terminal saw, the tokens opened (header and claims, the keys' coordinates). */
function leaves(view: View): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      out.add(v);
      const parts = v.split('.');
      if (parts.length === 3) for (const part of parts.slice(0, 2)) tryJson(part, walk);
    } else if (typeof v === 'number') out.add(String(v));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(view);
  return out;
}
function tryJson(part: string, walk: (v: unknown) => void) {
  try {
    walk(JSON.parse(Buffer.from(part, 'base64url').toString()));
  } catch {
    // Not JSON: a signature.
  }
}
/** What a rider's views have in common that another rider's views do not: identifiers of that rider. */
function shared(a: View, b: View, others: View[]) {
  const common = [...leaves(a)].filter((v) => leaves(b).has(v));
  const everyones = new Set(others.flatMap((o) => [...leaves(o)]));
  return common.filter((v) => !everyones.has(v));
}

describe('terminals that cannot follow anyone (credential version 2)', () => {
  it('is turned on per terminal, verified beside version 1, priced on the card, and retires version 1', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const tea = await registerPos(app, 'm-tea');
    const books = await registerPos(app, 'm-books');
    expect((await setVersions(bus.clientId, [1, 2])).status).toBe(200);
    expect((await setVersions(tea.clientId, [2, 1])).status).toBe(200);
    const outlet = await registerMachine(app, 'service-outlet', { outletId: 'o-1' });
    expect(await body(await setVersions(outlet.clientId, [2]))).toMatchObject({
      error: { code: 'CREDENTIAL_VERSION_UNSUPPORTED' },
    });
    const config = await body(
      await app.request('/v1/terminal/config', {
        headers: { authorization: `Bearer ${await assertionFor(bus.clientId, bus.key, clock())}` },
      }),
    );
    expect(config).toMatchObject({ credentialVersions: [1, 2], pseudonymScope: 'op:bus-co' });

    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const v2 = await dayCredentials(r, '2026-11-10', ['op:bus-co', 'm:m-tea']);
    const onBus = v2.get('op:bus-co') as Presenter;
    // Accepted, charged to the card, the balance not told to the terminal.
    expect(await tap(onBus, bus)).toMatchObject({
      status: 'accepted',
      fareFen: 200,
      balanceFen: null,
      fareClass: 'adult',
    });
    expect(await pay(v2.get('m:m-tea') as Presenter, tea, 300)).toMatchObject({ status: 'accepted', chargedFen: 300 });
    // Version 1 beside it, on the same card's day: the cap counts both (five rides of 200 fen).
    for (let i = 0; i < 2; i++) expect(await tap(r, bus)).toMatchObject({ status: 'accepted', fareFen: 200 });
    for (let i = 0; i < 2; i++) expect(await tap(onBus, bus)).toMatchObject({ status: 'accepted', fareFen: 200 });
    expect(await tap(onBus, bus)).toMatchObject({ status: 'accepted', fareFen: 0 });
    const card = await body(await app.request('/v1/me/card', { headers: await auth(r) }));
    expect(card.balanceFen).toBe(5000 - 1000 - 300);

    // Another operator's credential, or a terminal without version 2, is refused; a proof once.
    expect(await tap(v2.get('m:m-tea') as Presenter, bus)).toMatchObject({
      status: 'declined',
      declineCode: 'PROOF_INVALID',
    });
    expect(await pay(v2.get('m:m-tea') as Presenter, books, 100)).toMatchObject({ declineCode: 'PROOF_INVALID' });
    const once = await tapBody(onBus, bus, { routeId: 'B1', stopId: 'B1-S2', kind: 'board', at: clock() });
    await postTap(app, bus, once, { now: clock() });
    const again = await body(await postTap(app, bus, { ...once, tapId: randomUUID() }, { now: clock() }));
    expect(again).toMatchObject({ status: 'declined', declineCode: 'REPLAYED' });

    // Version 1 retired at this terminal: only version 2 from now on (within the client cache's 10 s).
    expect(await body(await setVersions(bus.clientId, [2]))).toMatchObject({ credentialVersions: [2] });
    clock.advance(11_000);
    expect(await tap(r, bus)).toMatchObject({ status: 'declined', declineCode: 'PROOF_INVALID' });
    expect(await tap(onBus, bus)).toMatchObject({ status: 'accepted' });
  });

  it('gives the transfer discount on the card, and a gate takes it too, without the balance', async () => {
    const buses = await registerTerminal(app, ['B1', 'B2']);
    const gate = await registerMachine(app, 'facility-gate', { facilityId: 'f-park' });
    await setVersions(buses.clientId, [2]);
    await setVersions(gate.clientId, [1, 2]);
    clock.advance(11_000);
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const v2 = await dayCredentials(r, '2026-11-10', ['op:bus-co', 'f:f-park']);
    const onBus = v2.get('op:bus-co') as Presenter;
    const board = async (routeId: 'B1' | 'B2') => {
      const sent = await tapBody(onBus, buses, { routeId, stopId: `${routeId}-S1`, kind: 'board', at: clock() });
      return body(await postTap(app, buses, sent, { now: clock() }));
    };
    expect(await board('B1')).toMatchObject({ status: 'accepted', fareFen: 200 });
    clock.advance(30 * 60_000);
    const transfer = await board('B2');
    expect(transfer).toMatchObject({ status: 'accepted', fareFen: 100, balanceFen: null });
    expect(transfer.explanation.map((e: { rule: string }) => e.rule)).toContain('transfer');

    const visit = await visitBody(v2.get('f:f-park') as Presenter, gate, {
      facilityId: 'f-park',
      kind: 'enter',
      at: clock(),
    });
    const entered = await asMachine(app, gate, 'POST', '/v1/facilities/visits', visit, clock());
    expect(entered.json).toMatchObject({ status: 'accepted', balanceFen: null });
    const card = await body(await app.request('/v1/me/card', { headers: await auth(r) }));
    expect(card.balanceFen).toBe(5000 - 300 - entered.json.feeFen);
  });

  it('lists a frozen card by the day’s pseudonym of each operator, and declines it offline and online', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const tea = await registerPos(app, 'm-tea');
    await setVersions(bus.clientId, [1, 2]);
    await setVersions(tea.clientId, [1, 2]);
    clock.advance(11_000);
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const day = '2026-11-10';
    const v2 = await dayCredentials(r, day, ['op:bus-co', 'm:m-tea']);
    const subOf = (p: Presenter | undefined) =>
      JSON.parse(Buffer.from(p?.credential.split('.')[1] ?? '', 'base64url').toString()).sub;
    expect((await app.request('/v1/me/card/freeze', { method: 'POST', headers: await auth(r) })).status).toBe(200);

    const list = async (t: { clientId: string; key: TestKey }, fareDay = day) => {
      const res = await app.request(`/v1/terminal/pseudonymous-deny-list?fareDay=${fareDay}`, {
        headers: { authorization: `Bearer ${await assertionFor(t.clientId, t.key, clock())}` },
      });
      return { status: res.status, json: await body(res) };
    };
    const busList = await list(bus);
    expect(busList.json).toMatchObject({ scope: 'op:bus-co', fareDay: day, nextCursor: null });
    expect(busList.json.pseudonyms).toContain(subOf(v2.get('op:bus-co')));
    expect(busList.json.pseudonyms).not.toContain(subOf(v2.get('m:m-tea')));
    expect((await list(tea)).json.pseudonyms).toContain(subOf(v2.get('m:m-tea')));
    expect((await list(bus, '2026-11-12')).json.error.code).toBe('FARE_DAY_OUT_OF_RANGE');
    expect(await tap(v2.get('op:bus-co') as Presenter, bus)).toMatchObject({
      status: 'declined',
      declineCode: 'CARD_FROZEN',
    });

    // A card closed for good is on the lists for the day of its closure and the next only: its
    // credentials die with their day and no new one is issued, so the lists hold what is frozen now.
    const leaving = await rider(app, { now: clock() });
    const leavingSub = subOf((await dayCredentials(leaving, day, ['op:bus-co'])).get('op:bus-co'));
    const closed = await app.request(
      '/v1/me/card/closure',
      jsonRequest(
        'POST',
        { idNumber: leaving.idNumber },
        { ...(await auth(leaving)), 'idempotency-key': randomUUID() },
      ),
    );
    expect(closed.status).toBe(201);
    expect((await list(bus)).json.pseudonyms).toEqual(expect.arrayContaining([subOf(v2.get('op:bus-co')), leavingSub]));
    clock.advance(2 * DAY + 60_000);
    // Two fare days on: the frozen card still listed (under that day's pseudonym), the closed one gone.
    expect((await list(bus, '2026-11-12')).json.pseudonyms).toHaveLength(1);
  });

  it('gives two fare days, and two operators on one day, no identifier in common for one rider', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const tea = await registerPos(app, 'm-tea');
    await setVersions(bus.clientId, [1, 2]);
    await setVersions(tea.clientId, [1, 2]);
    clock.set(new Date('2026-11-10T22:00:00Z'));
    const [a, b] = [
      await rider(app, { balanceFen: 5000, now: clock() }),
      await rider(app, { balanceFen: 5000, now: clock() }),
    ];
    const views = { busDay1: [] as View, busDay2: [] as View, teaDay1: [] as View, others: [] as View };
    for (const [r, busView, teaView] of [
      [a, views.busDay1, views.teaDay1],
      [b, views.others, views.others],
    ] as const) {
      const day1 = await dayCredentials(r, '2026-11-11', ['op:bus-co', 'm:m-tea']);
      await tap(day1.get('op:bus-co') as Presenter, bus, busView);
      await pay(day1.get('m:m-tea') as Presenter, tea, 500, teaView);
    }
    clock.advance(DAY);
    for (const [r, busView] of [
      [a, views.busDay2],
      [b, views.others],
    ] as const) {
      const day2 = await dayCredentials(r, '2026-11-12', ['op:bus-co']);
      await tap(day2.get('op:bus-co') as Presenter, bus, busView);
    }
    expect(shared(views.busDay1, views.busDay2, [views.others])).toEqual([]);
    expect(shared(views.busDay1, views.teaDay1, [views.others])).toEqual([]);

    // The same comparison of version 1 credentials finds the card: the test can tell.
    const v1Bus: View = [];
    const v1Tea: View = [];
    const v1 = { device: a.device, credential: await freshCredential(a) };
    await tap(v1, bus, v1Bus);
    await pay(v1, tea, 100, v1Tea);
    expect(shared(v1Bus, v1Tea, [views.others])).toContain(a.card.cardId);
  });
});
