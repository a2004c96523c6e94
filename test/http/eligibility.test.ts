import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWallet } from '../../shared/ledger/wallet-head';
import { eligibilityKey, eligibilityProgramKey } from '../../shared/store/keys';
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

  it('moves a record between programs whole: the old program’s list and the old grant go with it', async () => {
    // Prepare: an office that keeps both senior and disability records, and a verified holder's card.
    const office = await registerMachine(app, 'agency', { programs: ['senior-allowance', 'disabled', 'student'] });
    const r = await rider(app, { balanceFen: 1000, birthDate: '2006-02-03', now: clock() });
    await verify(r.card.cardId);
    const { store } = backend().deps;
    const listed = async (program: string, recordId: string) =>
      (
        await store.doc.send(
          new GetCommand({
            TableName: store.tableName,
            Key: eligibilityProgramKey(program, office.clientId, recordId),
          }),
        )
      ).Item !== undefined;
    const grants = async () => Object.keys((await readWallet(store, r.card.cardId))?.grants ?? {});
    const put = (recordId: string, program: string) =>
      asMachine(
        app,
        office,
        'PUT',
        '/v1/agency/eligibility',
        { records: [record({ recordId, idNumber: r.idNumber, program })] },
        clock(),
      );
    // Act: one record first in the senior list, then in the disabled one; another from student to disabled.
    await put('move-1', 'senior-allowance');
    await put('move-1', 'disabled');
    await put('move-2', 'student');
    expect(await grants()).toEqual(expect.arrayContaining(['student', 'disabled']));
    await put('move-2', 'disabled');
    // Assess: each record is listed in its program only, and the card keeps no grant a record took back.
    expect([await listed('senior-allowance', 'move-1'), await listed('disabled', 'move-1')]).toEqual([false, true]);
    expect([await listed('student', 'move-2'), await listed('disabled', 'move-2')]).toEqual([false, true]);
    expect(await grants()).toEqual(['disabled']);
    expect((await board(r)).fareClass).toBe('disabled');
  });

  it('is for agencies only, within their programs', async () => {
    const pos = await registerMachine(app, 'merchant-pos', { merchantId: 'm-tea' });
    expect(
      (await asMachine(app, pos, 'PUT', '/v1/agency/eligibility', { records: [record({})] }, clock())).status,
    ).toBe(403);
    expect((await upload(civilAffairs, [record({ program: 'student' })])).status).toBe(403);
  });
});

describe('one record, one card', () => {
  it('keeps a record’s grant on at most the card it names while uploads move it at once, and on none once it names no card', async () => {
    // Prepare: four verified holders, each with a card, and one student record first on the first of them.
    const holders = await Promise.all(
      Array.from({ length: 4 }, () => rider(app, { balanceFen: 1000, birthDate: '2008-06-07', now: clock() })),
    );
    for (const h of holders) await verify(h.card.cardId);
    const { store } = backend().deps;
    const studentCards = async () => {
      const classes = await Promise.all(
        holders.map(async (h) => {
          const seen = await body(await app.request('/v1/me/card', { headers: h.auth }));
          return seen.fareClass;
        }),
      );
      return holders.filter((_, i) => classes[i] === 'student').map((h) => h.card.cardId);
    };
    for (let trial = 0; trial < 3; trial++) {
      const base = record({ recordId: `contested-${trial}` });
      // Act: the same record moved to each holder by four uploads at once.
      const answers = await Promise.all(holders.map((h) => upload(education, [{ ...base, idNumber: h.idNumber }])));
      expect(answers.map((a) => a.json.results[0].status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      // Assess: exactly the card of the holder the stored record names is a student.
      const stored = await store.doc.send(
        new GetCommand({ TableName: store.tableName, Key: eligibilityKey(education.clientId, base.recordId) }),
      );
      const hashes = await Promise.all(
        holders.map(async (h) => (await readWallet(store, h.card.cardId))?.residentIdHash),
      );
      const named = holders[hashes.indexOf(stored.Item?.residentIdHash)];
      expect(named).toBeDefined();
      expect(await studentCards()).toEqual([named?.card.cardId]);
      // The record moves to someone without a card: no card keeps its grant.
      await upload(education, [{ ...base, idNumber: residentId('2008-06-08') }]);
      expect(await studentCards()).toEqual([]);
    }
  });
});
