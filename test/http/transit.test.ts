import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey, proofFor, seconds, signJws } from '../support/jose-kit';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

// Real time at the start, so webhooks and tokens line up; tests move the clock forward on purpose.
const clock = testClock(new Date());
const { app, backend } = useTestBackend({ clock });
let bus: Terminal;
let zone: Terminal;

beforeAll(async () => {
  bus = await registerTerminal(app, ['B1', 'B2']);
  zone = await registerTerminal(app, ['Z1']);
});

const card = async (auth: Record<string, string>) => body(await app.request('/v1/me/card', { headers: auth }));
const tap = async (terminal: Terminal, b: unknown) => {
  const res = await postTap(app, terminal, b, { now: clock() });
  return { status: res.status, json: await body(res) };
};

describe('a tap', () => {
  it('charges the fare once, however often the terminal retries it', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const b = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    const first = await tap(bus, b);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      tapId: b.tapId,
      status: 'accepted',
      fareFen: 200,
      balanceFen: 800,
      fareClass: 'adult',
    });
    expect(first.json.journeyId).toEqual(expect.any(String));
    const retries = await Promise.all(Array.from({ length: 10 }, () => tap(bus, b)));
    for (const retry of retries) expect(retry.json).toEqual(first.json);
    expect((await card(r.auth)).balanceFen).toBe(800);
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'fare', amountFen: -200, balanceAfterFen: 800, ref: b.tapId });
  });

  it('refuses a replayed assertion with 401 and moves nothing, for a new tap and for a known one', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const assertion = await assertionFor(bus.clientId, bus.key, clock());
    const send = (b: unknown) =>
      app.request('/v1/transit/taps', jsonRequest('POST', b, { authorization: `Bearer ${assertion}` }));
    const first = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    expect((await send(first)).status).toBe(200);
    const another = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S2', kind: 'board', at: clock() });
    const replayed = await Promise.all([send(another), send(first)]);
    expect(replayed.map((res) => res.status)).toEqual([401, 401]);
    expect((await card(r.auth)).balanceFen).toBe(800);
    expect((await tap(bus, another)).json).toMatchObject({ status: 'accepted', balanceFen: 600 });
  });

  it('charges once when a new tap arrives 10 times at once', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const b = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    const answers = await Promise.all(Array.from({ length: 10 }, () => tap(bus, b)));
    expect(answers.map((a) => JSON.stringify(a))).toEqual(Array(10).fill(JSON.stringify(answers[0])));
    expect(answers[0]!.json).toMatchObject({ status: 'accepted', balanceFen: 800 });
    expect((await card(r.auth)).balanceFen).toBe(800);
  });

  it('refuses the same tapId with another body', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const b = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    await tap(bus, b);
    const other = await tap(bus, { ...b, stopId: 'B1-S2' });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('is 403 outside the terminal’s routes and 400 for a stop or kind that does not fit', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    expect(
      (await tap(bus, await tapBody(r, bus, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry', at: clock() }))).status,
    ).toBe(403);
    const badStop = await tap(
      bus,
      await tapBody(r, bus, { routeId: 'B1', stopId: 'Z1-S1', kind: 'board', at: clock() }),
    );
    expect(badStop.status).toBe(400);
    expect(badStop.json.error.details.issues[0].path).toBe('stopId');
    expect((await tap(bus, { tapId: 'not-a-uuid' })).status).toBe(400);
    expect((await card(r.auth)).balanceFen).toBe(1000);
  });
});

describe('declines: an answer, recorded, moving no money', () => {
  it('declines each refusal of the contract and never moves money', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const at = clock();
    const good = () => tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at });
    const forger = await newKey();
    const cases: [string, unknown][] = [
      [
        'PROOF_INVALID',
        {
          ...(await good()),
          proof: await proofFor(forger, r.credential, { chl: 'x', tid: bus.clientId, iat: seconds(at) }),
        },
      ],
      [
        'PROOF_INVALID',
        await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }, { tid: zone.clientId }),
      ],
      [
        'PROOF_INVALID',
        await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }, { chl: 'another' }),
      ],
      [
        'PROOF_INVALID',
        await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }, { iat: seconds(at) - 40 }),
      ],
      ['PROOF_INVALID', await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }, { typ: 'JWT' })],
      [
        'TAP_TIME_INVALID',
        await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: new Date(at.getTime() + 120_000) }),
      ],
    ];
    for (const [code, b] of cases) {
      const res = await tap(bus, b);
      expect(res.status, code).toBe(200);
      expect(res.json, code).toMatchObject({ status: 'declined', declineCode: code, fareFen: 0 });
    }
    // A forged credential: our claims, signed by someone else under our kid.
    const [header, payload] = r.credential.split('.');
    const forged = await signJws(
      JSON.parse(Buffer.from(header!, 'base64url').toString()),
      JSON.parse(Buffer.from(payload!, 'base64url').toString()),
      forger,
    );
    const forgedTap = await tapBody({ device: r.device, credential: forged }, bus, {
      routeId: 'B1',
      stopId: 'B1-S1',
      kind: 'board',
      at,
    });
    expect((await tap(bus, forgedTap)).json.declineCode).toBe('PROOF_INVALID');
    expect((await card(r.auth)).balanceFen).toBe(1000);
    // A declined tap's id answers declined again, and operators can read what was recorded.
    const declinedAgain = await tap(bus, cases[0]![1]);
    expect(declinedAgain.json.declineCode).toBe('PROOF_INVALID');
    const declinedId = (cases[0]![1] as { tapId: string }).tapId;
    const audit = await body(await app.request(`/v1/admin/taps/${declinedId}`, { headers: adminAuth }));
    expect(audit).toMatchObject({
      tapId: declinedId,
      terminalId: bus.clientId,
      routeId: 'B1',
      result: { status: 'declined', declineCode: 'PROOF_INVALID' },
    });
    expect((await app.request(`/v1/admin/taps/${declinedId}`)).status).toBe(401);
    const support = await body(await app.request(`/v1/admin/cards/${r.card.cardId}`, { headers: adminAuth }));
    expect(support).toMatchObject({
      card: { cardId: r.card.cardId, balanceFen: 1000 },
      holderName: 'Li Lei',
      residentIdMasked: expect.stringMatching(/^\d\*{16}[\dX]$/),
    });
    expect(support.latest[0]).toMatchObject({ kind: 'topup', amountFen: 1000 });
    // The hotline freezes the card for a citizen who lost phone and SIM: the next tap is declined.
    const frozen = await app.request(`/v1/admin/cards/${r.card.cardId}/freeze`, { method: 'POST', headers: adminAuth });
    expect((await body(frozen)).status).toBe('frozen');
    const afterFreeze = await tap(
      bus,
      await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }),
    );
    expect(afterFreeze.json.declineCode).toBe('CARD_FROZEN');
    await app.request(`/v1/admin/cards/${r.card.cardId}/unfreeze`, { method: 'POST', headers: adminAuth });
  });

  it('declines, never 500s, a credential whose claims are made to break the card lookup', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const at = clock();
    const forger = await newKey();
    const [header] = r.credential.split('.');
    const claims = {
      sub: `card_${'x'.repeat(2500)}`,
      did: 'd'.repeat(2000),
      iat: seconds(at),
      exp: seconds(at) + 60,
      jti: 'j',
    };
    const monster = await signJws(JSON.parse(Buffer.from(header!, 'base64url').toString()), claims, forger);
    const res = await tap(
      bus,
      await tapBody({ device: r.device, credential: monster }, bus, {
        routeId: 'B1',
        stopId: 'B1-S1',
        kind: 'board',
        at,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json.declineCode).toBe('PROOF_INVALID');
  });

  it('declines a replayed proof, but only once it was accepted', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const first = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    expect((await tap(bus, first)).json.status).toBe('accepted');
    const replay = { ...first, tapId: randomUUID() };
    expect((await tap(bus, replay)).json).toMatchObject({ status: 'declined', declineCode: 'REPLAYED' });
    expect((await card(r.auth)).balanceFen).toBe(800);
  });

  it('declines a frozen card and accepts it again after unfreezing', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    await app.request('/v1/me/card/freeze', { method: 'POST', headers: r.auth });
    expect(
      (await tap(bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }))).json
        .declineCode,
    ).toBe('CARD_FROZEN');
    await app.request('/v1/me/card/unfreeze', { method: 'POST', headers: r.auth });
    expect(
      (await tap(bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }))).json
        .status,
    ).toBe('accepted');
  });

  it('declines a revoked device for good', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    await app.request(`/v1/me/devices/${r.deviceId}`, { method: 'DELETE', headers: r.auth });
    expect(
      (await tap(bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }))).json
        .declineCode,
    ).toBe('DEVICE_REVOKED');
    expect((await card(r.auth)).balanceFen).toBe(1000);
  });

  it('uses the negative limit: down to -500 fen, then INSUFFICIENT_FUNDS', async () => {
    const r = await rider(app, { balanceFen: 100, now: clock() });
    const results = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(2 * 3600_000);
      results.push(
        (await tap(bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }))).json,
      );
    }
    expect(results.map((x) => [x.status, x.balanceFen])).toEqual([
      ['accepted', -100],
      ['accepted', -300],
      ['accepted', -500],
      ['declined', -500],
      ['declined', -500],
    ]);
    expect(results[3].declineCode).toBe('INSUFFICIENT_FUNDS');
  });

  it('declines an exit without an entry', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    expect(
      (await tap(zone, await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S3', kind: 'exit', at: clock() }))).json
        .declineCode,
    ).toBe('NO_OPEN_JOURNEY');
  });
});

describe('zone journeys, transfers and caps through the API', () => {
  it('holds the maximum at entry, refunds at exit, and lists the journey with its explanation', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const entry = await tap(
      zone,
      await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry', at: clock() }),
    );
    expect(entry.json).toMatchObject({ status: 'accepted', fareFen: 500, balanceFen: 1500 });
    clock.advance(25 * 60_000);
    const exit = await tap(zone, await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S5', kind: 'exit', at: clock() }));
    expect(exit.json).toMatchObject({
      status: 'accepted',
      fareFen: 400,
      balanceFen: 1600,
      journeyId: entry.json.journeyId,
    });
    const journeys = await body(await app.request('/v1/me/journeys', { headers: r.auth }));
    expect(journeys.items[0]).toMatchObject({
      journeyId: entry.json.journeyId,
      status: 'complete',
      fareFen: 400,
      entryStopId: 'Z1-S1',
      exitStopId: 'Z1-S5',
    });
    expect(journeys.items[0].explanation.map((e: { rule: string }) => e.rule)).toEqual(
      expect.arrayContaining(['zones', 'exit-refund']),
    );
    // The journey is explained as its exit tap's answer explained it, word for word.
    expect(journeys.items[0].explanation).toEqual(exit.json.explanation);
    // Paged one at a time, the journeys come newest first and end with a null cursor.
    await tap(bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S2', kind: 'board', at: clock() }));
    const first = await body(await app.request('/v1/me/journeys?limit=1', { headers: r.auth }));
    expect(first.items[0].routeId).toBe('B1');
    const second = await body(
      await app.request(`/v1/me/journeys?limit=1&cursor=${first.nextCursor}`, { headers: r.auth }),
    );
    expect(second.items[0].journeyId).toBe(entry.json.journeyId);
    const third = await body(
      await app.request(`/v1/me/journeys?limit=1&cursor=${second.nextCursor}`, { headers: r.auth }),
    );
    expect(third.items).toEqual([]);
    expect(third.nextCursor).toBeNull();
  });

  it('lists each zone journey once, at its exit, however the pages fall', async () => {
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const ride = async (kind: 'entry' | 'exit', stopId: string) => {
      const res = await tap(zone, await tapBody(r, zone, { routeId: 'Z1', stopId, kind, at: clock() }));
      clock.advance(10 * 60_000);
      return res.json;
    };
    const first = await ride('entry', 'Z1-S1');
    await ride('exit', 'Z1-S3');
    const second = await ride('entry', 'Z1-S3');
    await ride('exit', 'Z1-S5');
    const open = await ride('entry', 'Z1-S2');
    // The access token may have expired by now: the app logs in again.
    const { token } = await login(app, r.phone);
    const auth = { authorization: `Bearer ${token}` };
    const seen: { journeyId: string; status: string }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await body(
        await app.request(`/v1/me/journeys?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth }),
      );
      seen.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(seen.map((j) => [j.journeyId, j.status])).toEqual([
      [open.journeyId, 'open'],
      [second.journeyId, 'complete'],
      [first.journeyId, 'complete'],
    ]);
  });

  it('shows an entry with no exit within 3 hours as an incomplete journey at the maximum fare', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const entry = await tap(
      zone,
      await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S2', kind: 'entry', at: clock() }),
    );
    clock.advance(3 * 3600_000 + 60_000);
    // The access token has expired by now: the app logs in again.
    const { token } = await login(app, r.phone);
    const journeys = await body(
      await app.request('/v1/me/journeys', { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(journeys.items[0]).toMatchObject({ status: 'incomplete', fareFen: 500 });
    expect(journeys.items[0].explanation).toEqual([
      ...entry.json.explanation,
      expect.objectContaining({ rule: 'incomplete' }),
    ]);
  });

  it('gives the transfer discount and stops at the daily cap', async () => {
    // Twelve and a half hours of riding from 06:00 Asia/Shanghai stay in one fare day (04:00 to 04:00),
    // whatever the hour the suite runs at.
    const morning = new Date(clock());
    morning.setUTCHours(22, 0, 0, 0);
    if (morning <= clock()) morning.setUTCDate(morning.getUTCDate() + 1);
    clock.set(morning);
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    const fares = [];
    for (const [routeId, gapMinutes] of [
      ['B1', 0],
      ['B2', 30],
      ['B1', 120],
      ['B2', 120],
      ['B1', 120],
      ['B2', 120],
      ['B1', 120],
      ['B2', 120],
    ] as const) {
      clock.advance(gapMinutes * 60_000);
      fares.push(
        (await tap(bus, await tapBody(r, bus, { routeId, stopId: `${routeId}-S1`, kind: 'board', at: clock() }))).json,
      );
    }
    expect(fares.map((f) => f.fareFen)).toEqual([200, 100, 200, 200, 200, 100, 0, 0]);
    expect(fares[6].explanation.map((e: { rule: string }) => e.rule)).toContain('cap');

    // Every ride is a journey, the free ones too; the statement lists only what moved money.
    const { token } = await login(app, r.phone);
    const auth = { authorization: `Bearer ${token}` };
    const journeys = await body(await app.request('/v1/me/journeys?limit=5', { headers: auth }));
    const rest = await body(await app.request(`/v1/me/journeys?cursor=${journeys.nextCursor}`, { headers: auth }));
    expect([...journeys.items, ...rest.items].map((j: { fareFen: number }) => j.fareFen)).toEqual(
      [...fares].reverse().map((f) => f.fareFen),
    );
    expect([...journeys.items, ...rest.items].map((j: { explanation: unknown }) => j.explanation)).toEqual(
      [...fares].reverse().map((f) => f.explanation),
    );
    expect(rest.nextCursor).toBeNull();
    const statement = await body(await app.request('/v1/me/statement?limit=3', { headers: auth }));
    const more = await body(await app.request(`/v1/me/statement?cursor=${statement.nextCursor}`, { headers: auth }));
    const entries = [...statement.items, ...more.items];
    expect(entries.filter((e) => e.kind === 'fare').map((e) => e.amountFen)).toEqual([
      -100, -200, -200, -200, -100, -200,
    ]);
    expect(entries[0].balanceAfterFen).toBe(5000 - 1000);
  });
});

describe('offline batches', () => {
  it('answers one result per tap in order; a card’s entry and exit are kept in order', async () => {
    const r = await rider(app, { balanceFen: 3000, now: clock() });
    const other = await rider(app, { balanceFen: 100, now: clock() });
    // The validator was offline for the hour after the credentials were issued; it uploads now.
    const start = clock();
    clock.advance(3600_000);
    const t = (mins: number) => new Date(start.getTime() + mins * 60_000);
    const batch = [
      await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'entry', at: t(0) }),
      await tapBody(other, zone, { routeId: 'Z1', stopId: 'Z1-S1', kind: 'exit', at: t(1) }),
      await tapBody(r, zone, { routeId: 'Z1', stopId: 'Z1-S4', kind: 'exit', at: t(20) }),
      await tapBody(r, zone, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: t(25) }),
    ];
    const res = await postTap(app, zone, { taps: batch }, { path: '/v1/transit/taps/batch', now: clock() });
    expect(res.status).toBe(200);
    const { results } = await body(res);
    expect(results.map((x: { tapId: string }) => x.tapId)).toEqual(batch.map((b) => b.tapId));
    expect(
      results.map((x: { status: string; fareFen?: number; declineCode?: string }) => [
        x.status,
        x.fareFen ?? x.declineCode,
      ]),
    ).toEqual([
      ['accepted', 500],
      ['declined', 0],
      ['accepted', 300],
      ['error', undefined],
    ]);
    expect(results[3].error.code).toBe('FORBIDDEN');
    expect((await card(r.auth)).balanceFen).toBe(2700);
    const again = await body(
      await postTap(app, zone, { taps: batch.slice(0, 3) }, { path: '/v1/transit/taps/batch', now: clock() }),
    );
    expect(again.results).toEqual(results.slice(0, 3));
  });

  it('reads each card once for its taps in one upload: each later tap plans on what the one before it wrote', async () => {
    // Prepare: two riders' three boards each, and every query of a card counted.
    const riders = [
      await rider(app, { balanceFen: 3000, now: clock() }),
      await rider(app, { balanceFen: 3000, now: clock() }),
    ];
    const cardIds = await Promise.all(riders.map(async (r) => (await card(r.auth)).cardId as string));
    const start = clock();
    clock.advance(30 * 60_000);
    const batch = [];
    for (const minute of [0, 10, 20]) {
      for (const r of riders) {
        const at = new Date(start.getTime() + minute * 60_000);
        batch.push(await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at }));
      }
    }
    const queried: string[] = [];
    const doc = backend().deps.store.doc;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const pk = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[
          ':pk'
        ];
        if (context.commandName === 'QueryCommand' && typeof pk === 'string') queried.push(pk);
        return next(args);
      },
      { step: 'initialize', name: 'countCardQueries' },
    );
    // Act
    const res = await postTap(app, bus, { taps: batch }, { path: '/v1/transit/taps/batch', now: clock() });
    doc.middlewareStack.remove('countCardQueries');
    // Assess: all accepted, each card's balances in a row, and each card read once.
    const { results } = await body(res);
    expect(results.map((x: { status: string }) => x.status)).toEqual(Array(6).fill('accepted'));
    for (const [i, cardId] of cardIds.entries()) {
      const mine = results.filter((_: unknown, k: number) => k % 2 === i) as { fareFen: number; balanceFen: number }[];
      expect(mine.map((x) => x.balanceFen)).toEqual([
        3000 - mine[0]!.fareFen,
        3000 - mine[0]!.fareFen - mine[1]!.fareFen,
        3000 - mine[0]!.fareFen - mine[1]!.fareFen - mine[2]!.fareFen,
      ]);
      expect((await card(riders[i]!.auth)).balanceFen).toBe(mine[2]!.balanceFen);
      expect(queried.filter((pk) => pk === `ACCT#${cardId}`)).toHaveLength(1);
    }
  });

  it('refuses a batch over 500 taps or with a malformed tap, naming it', async () => {
    const r = await rider(app, { balanceFen: 100, now: clock() });
    const one = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    const big = await postTap(
      app,
      bus,
      { taps: Array.from({ length: 501 }, () => one) },
      { path: '/v1/transit/taps/batch', now: clock() },
    );
    expect(big.status).toBe(400);
    const bad = await postTap(
      app,
      bus,
      { taps: [one, { ...one, at: 'yesterday' }] },
      { path: '/v1/transit/taps/batch', now: clock() },
    );
    expect((await body(bad)).error.details.issues[0].path).toBe('taps.1.at');
  });
});

describe('after all of it', () => {
  it('the ledger is balanced', async () => {
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report).toMatchObject({ balanced: true, sumFen: 0, mismatches: [] });
    expect(report.byKind['operator-payable']).toBeGreaterThan(0);
  });
});
