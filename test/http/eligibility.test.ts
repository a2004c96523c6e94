import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login, residentId } from '../support/citizen';
import { asMachine, type Machine, registerMachine } from '../support/gate';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date('2026-11-28T02:00:00Z'));
const { app, backend } = useTestBackend({ clock });
let education: Machine;
let civilAffairs: Machine;
let bus: Terminal;

beforeAll(async () => {
  education = await registerMachine(app, 'agency', { programs: ['student'] });
  civilAffairs = await registerMachine(app, 'agency', { programs: ['senior-allowance'] });
  bus = await registerTerminal(app, ['B1']);
});

const upload = (agency: Machine, records: object[]) =>
  asMachine(app, agency, 'PUT', '/v1/agency/eligibility', { records }, clock());
const record = (over: Record<string, unknown>) => ({
  recordId: `r-${Math.random().toString(36).slice(2)}`,
  idNumber: residentId('2008-03-04'),
  program: 'student',
  group: 'none',
  validFrom: '2026-09-01',
  validTo: '2027-07-31',
  status: 'active',
  ...over,
});
const verify = (cardId: string) =>
  app.request(`/v1/admin/cards/${cardId}/identity-verification`, jsonRequest('POST', { reference: 'desk' }, adminAuth));
const board = async (r: Awaited<ReturnType<typeof rider>>) =>
  body(
    await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }), {
      now: clock(),
    }),
  );

describe('agencies’ eligibility records', () => {
  it('stores good records, answers each bad one with its error, and keeps no whole id number', async () => {
    const good = record({});
    const valid = residentId('2008-03-04');
    const last = valid.at(-1)!;
    const wrongCheck = `${valid.slice(0, 17)}${last === 'X' ? '0' : (Number(last) + 1) % 10}`;
    const answer = await upload(education, [
      good,
      record({ idNumber: wrongCheck }),
      record({ validFrom: '2027-09-01', validTo: '2027-07-31' }),
      record({ program: 'sports' }),
      record({ group: 'vip' }),
    ]);
    expect(answer.status).toBe(200);
    expect(
      answer.json.results.map((r: { status: string; error?: { path: string } }) => [r.status, r.error?.path]),
    ).toEqual([
      ['stored', undefined],
      ['error', 'idNumber'],
      ['error', 'validTo'],
      ['error', 'program'],
      ['error', 'group'],
    ]);
    const outside = await upload(education, [record({ program: 'senior-allowance' })]);
    expect([outside.status, outside.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const { store } = backend().deps;
    const items = await store.doc.send(new ScanCommand({ TableName: store.tableName }));
    expect(JSON.stringify(items.Items)).not.toContain(good.idNumber);
  });

  it('makes a verified student pay half, from a record that came before the card, until it ends', async () => {
    const birthDate = '2008-05-06';
    const idNumber = residentId(birthDate);
    const rec = record({ idNumber, recordId: 'edu-42' });
    expect((await upload(education, [rec])).json.results[0].status).toBe('stored');
    // The holder opens the card afterwards.
    const holder = await login(app);
    const opened = await app.request(
      '/v1/me/card',
      jsonRequest('POST', { name: 'Xiao Ming', idNumber, birthDate }, { authorization: `Bearer ${holder.token}` }),
    );
    const card = await body(opened);
    expect(card.fareClass).toBe('adult');
    await verify(card.cardId);
    const seen = await body(await app.request('/v1/me/card', { headers: { authorization: `Bearer ${holder.token}` } }));
    expect(seen.fareClass).toBe('student');
    // The record ends: the concession with it.
    await upload(education, [{ ...rec, status: 'ended' }]);
    const after = await body(
      await app.request('/v1/me/card', { headers: { authorization: `Bearer ${holder.token}` } }),
    );
    expect(after.fareClass).toBe('adult');
  });

  it('needs a verified identity for a record’s concession too, and applies a record to an open card at once', async () => {
    const birthDate = '2007-01-02';
    const r = await rider(app, { balanceFen: 1000, birthDate, now: clock() });
    await upload(education, [record({ idNumber: r.idNumber })]);
    expect((await board(r)).fareClass).toBe('adult');
    await verify(r.card.cardId);
    expect((await board(r)).fareClass).toBe('student');
  });

  it('is for agencies only, within their programs', async () => {
    const pos = await registerMachine(app, 'merchant-pos', { merchantId: 'm-tea' });
    expect(
      (await asMachine(app, pos, 'PUT', '/v1/agency/eligibility', { records: [record({})] }, clock())).status,
    ).toBe(403);
    expect((await upload(civilAffairs, [record({ program: 'student' })])).status).toBe(403);
  });
});
