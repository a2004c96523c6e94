import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login, residentId, topUp } from '../support/citizen';
import { asMachine, type Machine, registerMachine } from '../support/gate';
import { body } from '../support/http';

// Mid-December in Shanghai: the December run is for this month, January's is in the future.
const clock = testClock(new Date('2026-12-15T02:00:00Z'));
const { app, backend } = useTestBackend({ clock });
let civilAffairs: Machine;

beforeAll(async () => {
  civilAffairs = await registerMachine(app, 'agency', { programs: ['senior-allowance'] });
});

interface Holder {
  label: string;
  birthDate: string;
  group: string;
  card?: 'verified' | 'unverified' | 'frozen';
  status?: string;
}

/** The seeded population, at each boundary of the rules on 2026-12-01. */
const POPULATION: Holder[] = [
  { label: '80 on the 1st', birthDate: '1946-12-01', group: 'dibao', card: 'verified' },
  { label: '79 on the 1st (birthday on the 2nd)', birthDate: '1946-12-02', group: 'dibao', card: 'verified' },
  { label: '99', birthDate: '1927-06-01', group: 'wubao', card: 'verified' },
  { label: '100 on the 1st', birthDate: '1926-12-01', group: 'none', card: 'verified' },
  { label: '90, no special group', birthDate: '1936-06-01', group: 'none', card: 'verified' },
  { label: 'unverified', birthDate: '1940-01-01', group: 'youfu', card: 'unverified' },
  { label: 'no card', birthDate: '1940-02-02', group: 'dibao' },
  { label: 'deceased', birthDate: '1930-03-03', group: 'dibao', card: 'verified', status: 'deceased' },
  { label: 'frozen for a lost phone', birthDate: '1941-01-01', group: 'youfu', card: 'frozen' },
  { label: 'near the card limit', birthDate: '1925-01-01', group: 'none', card: 'verified' },
];
const people = new Map<string, { idNumber: string; token?: string; cardId?: string }>();

const operator = async (path: string, payload: unknown, key = randomUUID()) => {
  const res = await app.request(path, jsonRequest('POST', payload, { ...adminAuth, 'idempotency-key': key }));
  return { status: res.status, json: await body(res) };
};
const cardOf = async (label: string) =>
  body(await app.request('/v1/me/card', { headers: { authorization: `Bearer ${people.get(label)!.token}` } }));
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));

beforeAll(async () => {
  for (const h of POPULATION) {
    const idNumber = residentId(h.birthDate);
    people.set(h.label, { idNumber });
    if (!h.card) continue;
    const who = await login(app);
    const auth = { authorization: `Bearer ${who.token}` };
    const card = await body(
      await app.request('/v1/me/card', jsonRequest('POST', { name: h.label, idNumber, birthDate: h.birthDate }, auth)),
    );
    people.set(h.label, { idNumber, token: who.token, cardId: card.cardId });
    if (h.card !== 'unverified') {
      await app.request(
        `/v1/admin/cards/${card.cardId}/identity-verification`,
        jsonRequest('POST', { reference: 'street office' }, adminAuth),
      );
    }
    if (h.card === 'frozen') await operator(`/v1/admin/cards/${card.cardId}/freeze`, { reason: 'phone lost' });
    if (h.label === 'near the card limit') await topUp(app, auth, 480_000, clock());
  }
  const upload = await asMachine(
    app,
    civilAffairs,
    'PUT',
    '/v1/agency/eligibility',
    {
      records: POPULATION.map((h, i) => ({
        recordId: `ca-${i}`,
        idNumber: people.get(h.label)!.idNumber,
        program: 'senior-allowance',
        group: h.group,
        validFrom: '2026-01-01',
        validTo: null,
        status: h.status ?? 'active',
      })),
    },
    clock(),
  );
  expect(upload.json.results.every((r: { status: string }) => r.status === 'stored')).toBe(true);
});

describe('the senior living allowance', () => {
  it('pays nothing when the fund cannot cover the month, then pays every eligible card once', async () => {
    expect((await operator('/v1/admin/benefit-funding', { amountFen: 10_000 })).json).toEqual({
      fundBalanceFen: 10_000,
    });
    const short = await operator('/v1/admin/allowance-runs', { month: '2026-12' });
    expect([short.status, short.json.error.code]).toEqual([409, 'FUND_INSUFFICIENT']);
    expect((await cardOf('80 on the 1st')).balanceFen).toBe(0);

    await operator('/v1/admin/benefit-funding', { amountFen: 100_000 });
    const run = await operator('/v1/admin/allowance-runs', { month: '2026-12' });
    expect(run.status).toBe(201);
    expect(run.json).toMatchObject({
      month: '2026-12',
      paidCount: 4,
      paidFen: 5000 + 10_000 + 30_000 + 5000,
      skipped: { NOT_IN_BAND: 2, IDENTITY_NOT_VERIFIED: 1, NO_CARD: 1, DECEASED: 1, BALANCE_LIMIT: 1 },
    });
    expect(await cardOf('80 on the 1st')).toMatchObject({ balanceFen: 5000, allowanceThisMonthFen: 5000 });
    expect((await cardOf('99')).balanceFen).toBe(10_000);
    expect((await cardOf('100 on the 1st')).balanceFen).toBe(30_000);
    expect(await cardOf('frozen for a lost phone')).toMatchObject({ status: 'frozen', balanceFen: 5000 });
    expect((await cardOf('79 on the 1st (birthday on the 2nd)')).balanceFen).toBe(0);
    const statement = await body(
      await app.request('/v1/me/statement', { headers: { authorization: `Bearer ${people.get('99')!.token}` } }),
    );
    expect(statement.items[0]).toMatchObject({ kind: 'allowance', amountFen: 10_000 });
    expect((await cardOf('near the card limit')).balanceFen).toBe(480_000);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
    const day = await body(
      await app.request('/v1/admin/reports/daily?businessDate=2026-12-15', { headers: adminAuth }),
    );
    expect(day).toMatchObject({ allowanceFen: 50_000, alarm: false });

    // The civil affairs office's report: every record, masked.
    const report = await body(
      await app.request(`/v1/admin/allowance-runs/${run.json.runId}/report`, { headers: adminAuth }),
    );
    expect(report.rows).toHaveLength(POPULATION.length);
    expect(report.rows.find((r: { recordId: string }) => r.recordId === 'ca-6')).toMatchObject({
      status: 'skipped',
      reason: 'NO_CARD',
      reasonText: 'No card opened for this person',
      residentIdMasked: expect.stringMatching(/^\d\*{16}[\dX]$/),
    });
    // Civil affairs reads it in Chinese: the words change, the codes do not.
    const zh = await body(
      await app.request(`/v1/admin/allowance-runs/${run.json.runId}/report`, {
        headers: { ...adminAuth, 'accept-language': 'zh-CN' },
      }),
    );
    expect(zh.rows.find((r: { recordId: string }) => r.recordId === 'ca-6')).toMatchObject({
      reason: 'NO_CARD',
      reasonText: '此人尚未开卡',
    });
    expect(
      zh.rows
        .filter((r: { reason: string | null }) => r.reason === null)
        .map((r: { reasonText: unknown }) => r.reasonText),
    ).toEqual(report.rows.filter((r: { reason: string | null }) => r.reason === null).map(() => null));
    const csv = await (
      await app.request(`/v1/admin/allowance-runs/${run.json.runId}/report.csv`, { headers: adminAuth })
    ).text();
    expect(csv.split('\r\n')[0]).toBe('recordId,agencyId,residentIdMasked,group,cardId,status,reason,amountFen');

    // A second run of the month pays nothing; a holder verified later is paid by a later run.
    const again = await operator('/v1/admin/allowance-runs', { month: '2026-12' });
    expect(again.json).toMatchObject({ paidCount: 0, paidFen: 0, skipped: { ALREADY_PAID: 4 } });
    await app.request(
      `/v1/admin/cards/${people.get('unverified')!.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'came to the counter' }, adminAuth),
    );
    const later = await operator('/v1/admin/allowance-runs', { month: '2026-12' });
    expect(later.json).toMatchObject({ paidCount: 1, paidFen: 5000 });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('refuses a month in the future, and keeps no whole id number anywhere', async () => {
    const future = await operator('/v1/admin/allowance-runs', { month: '2027-01' });
    expect([future.status, future.json.error.code]).toEqual([422, 'MONTH_IN_FUTURE']);
    const { store } = backend().deps;
    const all = JSON.stringify((await store.doc.send(new ScanCommand({ TableName: store.tableName }))).Items);
    for (const { idNumber } of people.values()) expect(all).not.toContain(idNumber);
  });
});
