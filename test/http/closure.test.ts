import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { businessDate } from '../../shared/time/shanghai';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login, residentId } from '../support/citizen';
import { asMachine, type Machine, presentation, registerMachine } from '../support/gate';
import { body } from '../support/http';
import { postTap, type Rider, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date('2026-11-28T02:00:00Z'));
const { app } = useTestBackend({ clock });
let station: Machine;
let bus: Terminal;
let zone: Terminal;

beforeAll(async () => {
  station = await registerMachine(app, 'service-outlet', { outletId: 'o-station' });
  bus = await registerTerminal(app, ['B1']);
  zone = await registerTerminal(app, ['Z1']);
});

const closureBody = async (r: Rider, idNumber = r.idNumber, closureId: string = randomUUID()) => ({
  closureId,
  idNumber,
  ...(await presentation(r, station, clock())),
});
const send = (payload: object) => asMachine(app, station, 'POST', '/v1/outlet/closures', payload, clock());
const close = async (r: Rider, idNumber = r.idNumber) => send(await closureBody(r, idNumber));
const card = async (r: Rider) => body(await app.request('/v1/me/card', { headers: r.auth }));
const till = async () => (await asMachine(app, station, 'GET', '/v1/outlet/till', undefined, clock())).json;
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
const tap = async (r: Rider, terminal: Terminal, routeId: string, stopId: string, kind: 'board' | 'entry' = 'board') =>
  body(
    await postTap(app, terminal, await tapBody(r, terminal, { routeId, stopId, kind, at: clock() }), { now: clock() }),
  );

describe('closing a card at a service outlet', () => {
  it('pays the balance back in cash once, closes the card for every movement and puts it on the deny list', async () => {
    const r = await rider(app, { balanceFen: 3000, now: clock() });
    const before = await till();
    const payload = await closureBody(r);
    const closed = await send(payload);
    expect(closed).toEqual({
      status: 200,
      json: {
        closureId: payload.closureId,
        cardId: r.card.cardId,
        status: 'closed',
        paidOutFen: 3000,
        pointsLapsed: 0,
      },
    });
    // The counter's retry answers the same; another closure of the closed card is refused.
    expect(await send(payload)).toEqual(closed);
    const again = await close(r);
    expect([again.status, again.json.error.code]).toEqual([422, 'CARD_CLOSED']);

    expect(await card(r)).toMatchObject({ status: 'closed', balanceFen: 0 });
    expect(await till()).toMatchObject({
      businessDate: businessDate(clock()),
      closuresCount: before.closuresCount + 1,
      paidOutFen: before.paidOutFen + 3000,
    });
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'closure', amountFen: -3000, balanceAfterFen: 0 });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });

    // Nothing moves on it again: a tap is declined, a top-up and a freeze are refused.
    expect(await tap(r, bus, 'B1', 'B1-S1')).toMatchObject({ status: 'declined', declineCode: 'CARD_CLOSED' });
    const topup = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 100 }, { ...r.auth, 'idempotency-key': randomUUID() }),
    );
    expect([topup.status, (await body(topup)).error.code]).toEqual([422, 'CARD_CLOSED']);
    const freeze = await app.request('/v1/me/card/freeze', { method: 'POST', headers: r.auth });
    expect([freeze.status, (await body(freeze)).error.code]).toEqual([422, 'CARD_CLOSED']);
    const denied = await asMachine(
      app,
      bus as unknown as Machine,
      'GET',
      '/v1/terminal/deny-list?since=0',
      undefined,
      clock(),
    );
    expect(denied.json.added).toContainEqual({ kind: 'card', id: r.card.cardId });
  });

  it('lets the holder open a new card later, with a new id; the closed one stays closed with its statement', async () => {
    const r = await rider(app, { balanceFen: 1200, now: clock() });
    expect((await close(r)).json).toMatchObject({ status: 'closed', paidOutFen: 1200 });
    const open = () =>
      app.request(
        '/v1/me/card',
        jsonRequest('POST', { name: 'Li Lei', idNumber: r.idNumber, birthDate: '1990-05-17' }, r.auth),
      );
    const opened = await open();
    expect(opened.status).toBe(201);
    const fresh = await body(opened);
    expect(fresh).toMatchObject({ status: 'active', balanceFen: 0 });
    expect(fresh.cardId).not.toBe(r.card.cardId);
    // Opening again is the same new card; /v1/me/card is the new one; the closed one is as it was.
    expect((await body(await open())).cardId).toBe(fresh.cardId);
    expect((await card(r)).cardId).toBe(fresh.cardId);
    const old = await body(await app.request(`/v1/admin/cards/${r.card.cardId}`, { headers: adminAuth }));
    expect(old.card).toMatchObject({ status: 'closed', balanceFen: 0 });
    // Its holder still reads the closed card's statement; nobody else does.
    const statementOf = (auth: Record<string, string>) =>
      app.request(`/v1/me/statement?cardId=${r.card.cardId}`, { headers: auth });
    const kept = await body(await statementOf(r.auth));
    expect(kept.items.map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['closure', -1200],
      ['topup', 1200],
    ]);
    const other = await login(app);
    expect((await statementOf({ authorization: `Bearer ${other.token}` })).status).toBe(404);
    // The old phone's credential names the closed card: declined; the new card takes top-ups.
    expect(await tap(r, bus, 'B1', 'B1-S1')).toMatchObject({ status: 'declined', declineCode: 'CARD_CLOSED' });
    const topup = await app.request(
      '/v1/me/topups',
      jsonRequest('POST', { amountFen: 100 }, { ...r.auth, 'idempotency-key': randomUUID() }),
    );
    expect(topup.status).toBe(201);
    // Another citizen without a card cannot take the number: it belongs to the holder's open card now.
    const stranger = await login(app);
    const taken = await app.request(
      '/v1/me/card',
      jsonRequest(
        'POST',
        { name: 'Li Lei', idNumber: r.idNumber, birthDate: '1990-05-17' },
        { authorization: `Bearer ${stranger.token}` },
      ),
    );
    expect([taken.status, (await body(taken)).error.code]).toEqual([409, 'ID_NUMBER_IN_USE']);
  });

  it('refuses another person’s id number, and a card with a hold open or a debt, saying what is open', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const mismatch = await close(r, residentId('1990-05-17'));
    expect([mismatch.status, mismatch.json.error.code]).toEqual([422, 'ID_MISMATCH']);
    expect(await tap(r, zone, 'Z1', 'Z1-S1', 'entry')).toMatchObject({ status: 'accepted' });
    const held = await close(r);
    expect(held.status).toBe(409);
    expect(held.json.error).toMatchObject({ code: 'CLOSURE_BLOCKED', details: { heldFen: expect.any(Number) } });
    expect((await card(r)).status).toBe('active');

    const debtor = await rider(app, { balanceFen: 100, now: clock() });
    expect(await tap(debtor, bus, 'B1', 'B1-S1')).toMatchObject({ status: 'accepted', balanceFen: -100 });
    const debt = await close(debtor);
    expect([debt.status, debt.json.error.details.balanceFen]).toEqual([409, -100]);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('is skipped by the allowance: a closed card is paid nothing, and its record says why', async () => {
    const senior = await rider(app, { balanceFen: 0, birthDate: '1940-01-01', now: clock() });
    await app.request(
      `/v1/admin/cards/${senior.card.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'street office' }, adminAuth),
    );
    expect((await close(senior)).json).toMatchObject({ status: 'closed', paidOutFen: 0 });
    const agency = await registerMachine(app, 'agency', { programs: ['senior-allowance'] });
    const record = {
      recordId: `closed-${randomUUID().slice(0, 8)}`,
      idNumber: senior.idNumber,
      program: 'senior-allowance',
      group: 'dibao',
      validFrom: '2026-01-01',
      validTo: null,
      status: 'active',
    };
    const uploaded = await asMachine(app, agency, 'PUT', '/v1/agency/eligibility', { records: [record] }, clock());
    expect(uploaded.status).toBe(200);
    const operator = (path: string, payload: object) =>
      app.request(path, jsonRequest('POST', payload, { ...adminAuth, 'idempotency-key': randomUUID() }));
    await operator('/v1/admin/benefit-funding', { amountFen: 1_000_000 });
    const run = await body(await operator('/v1/admin/allowance-runs', { month: '2026-11' }));
    const report = await body(
      await app.request(`/v1/admin/allowance-runs/${run.runId}/report?limit=1000`, { headers: adminAuth }),
    );
    expect(report.rows.find((r: { recordId: string }) => r.recordId === record.recordId)).toMatchObject({
      status: 'skipped',
      reason: 'CARD_CLOSED',
      amountFen: 0,
    });
    expect(await card(senior)).toMatchObject({ status: 'closed', balanceFen: 0 });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('pays out once when two counters close the same card at the same moment, and opens one new card for two requests at once', async () => {
    const r = await rider(app, { balanceFen: 2500, now: clock() });
    const answers = await Promise.all([close(r), close(r)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
    expect(answers.find((a) => a.status === 422)?.json.error.code).toBe('CARD_CLOSED');
    expect(answers.find((a) => a.status === 200)?.json.paidOutFen).toBe(2500);
    const open = () =>
      app.request(
        '/v1/me/card',
        jsonRequest('POST', { name: 'Li Lei', idNumber: r.idNumber, birthDate: '1990-05-17' }, r.auth),
      );
    const opened = await Promise.all([open(), open()]);
    const ids = await Promise.all(opened.map(async (res) => (await body(res)).cardId));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).not.toBe(r.card.cardId);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('never pays out what a tap at the same moment charged: one of them goes first, the other follows it', async () => {
    for (let round = 0; round < 4; round++) {
      const r = await rider(app, { balanceFen: 1000, now: clock() });
      const [closed, tapped] = await Promise.all([close(r), tap(r, bus, 'B1', 'B1-S1')]);
      expect(closed.status).toBe(200);
      const charged = tapped.status === 'accepted' ? tapped.fareFen : 0;
      if (tapped.status !== 'accepted') expect(tapped.declineCode).toBe('CARD_CLOSED');
      // Every fen is either the fare or paid back at the counter, never both, never lost.
      expect(closed.json.paidOutFen + charged).toBe(1000);
      expect(await card(r)).toMatchObject({ status: 'closed', balanceFen: 0 });
    }
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });
});
