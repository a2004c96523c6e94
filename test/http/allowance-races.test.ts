import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { CENTENARIAN_ALLOWANCE_FEN, CENTENARIAN_BIRTH_DATES, eldersWithRecords } from '../support/elders';
import { body } from '../support/http';

// Mid-December in Shanghai: October to December may be run.
const clock = testClock(new Date('2026-12-15T02:00:00Z'));
const { app } = useTestBackend({ clock });

const MONTH_TOTAL_FEN = CENTENARIAN_BIRTH_DATES.length * CENTENARIAN_ALLOWANCE_FEN;
let holders: { token: string; cardId: string }[] = [];

const operator = async (path: string, payload: unknown, key = randomUUID()) => {
  const res = await app.request(path, jsonRequest('POST', payload, { ...adminAuth, 'idempotency-key': key }));
  return { status: res.status, json: await body(res) };
};
const fund = async (amountFen: number) =>
  (await operator('/v1/admin/benefit-funding', { amountFen })).json.fundBalanceFen as number;
const cardOf = async (h: { token: string }) =>
  body(await app.request('/v1/me/card', { headers: { authorization: `Bearer ${h.token}` } }));
const statementOf = async (h: { token: string }) =>
  (await body(await app.request('/v1/me/statement', { headers: { authorization: `Bearer ${h.token}` } }))).items;
const reportOf = async (runId: string) =>
  body(await app.request(`/v1/admin/allowance-runs/${runId}/report`, { headers: adminAuth }));
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));

beforeAll(async () => {
  holders = await eldersWithRecords(app, CENTENARIAN_BIRTH_DATES, clock());
});

describe('allowance runs at the same time', () => {
  it('never pay more than the fund holds: of two months run at once on one month’s money, one pays in full and the other nothing', async () => {
    // Prepare: the fund holds one month and 2 fen.
    expect(await fund(MONTH_TOTAL_FEN + 2)).toBe(MONTH_TOTAL_FEN + 2);
    // Act: October and November at the same moment.
    const [october, november] = await Promise.all([
      operator('/v1/admin/allowance-runs', { month: '2026-10' }),
      operator('/v1/admin/allowance-runs', { month: '2026-11' }),
    ]);
    // Assess: one run paid its month whole; the other answered 409 and paid nothing.
    const answers = [october, november].map((r) => [r.status, r.json.error?.code ?? r.json.paidFen]);
    expect(answers.sort()).toEqual([
      [201, MONTH_TOTAL_FEN],
      [409, 'FUND_INSUFFICIENT'],
    ]);
    const paid = october.status === 201 ? october : november;
    expect(await fund(1)).toBe(3);
    // Every allowance a card received is in the report of the run that paid it.
    const report = await reportOf(paid.json.runId);
    for (const h of holders) {
      const entries = (await statementOf(h)).filter((e: { kind: string }) => e.kind === 'allowance');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ ref: paid.json.runId, amountFen: 30_000 });
      expect(report.rows.find((r: { cardId: string }) => r.cardId === h.cardId)).toMatchObject({ status: 'paid' });
    }
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('runs one month once at a time: two runs of it at once pay each card once between them', async () => {
    await fund(MONTH_TOTAL_FEN * 2);
    const runs = await Promise.all([
      operator('/v1/admin/allowance-runs', { month: '2026-12' }),
      operator('/v1/admin/allowance-runs', { month: '2026-12' }),
    ]);
    const paidFen = runs.reduce((s, r) => s + (r.status === 201 ? r.json.paidFen : 0), 0);
    expect(paidFen).toBe(MONTH_TOTAL_FEN);
    for (const r of runs) {
      if (r.status !== 201) expect([r.status, r.json.error.code]).toEqual([409, 'ALLOWANCE_RUN_IN_PROGRESS']);
    }
    for (const h of holders) expect(await cardOf(h)).toMatchObject({ allowanceThisMonthFen: 30_000 });
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });

  it('keeps what the card shows for this month when an earlier month is paid after it', async () => {
    // December is paid (above); the month that failed is paid now, as a back-payment.
    await fund(MONTH_TOTAL_FEN);
    const late = await operator('/v1/admin/allowance-runs', { month: '2026-09' });
    expect(late.json).toMatchObject({ status: 'done', paidFen: MONTH_TOTAL_FEN });
    for (const h of holders) expect(await cardOf(h)).toMatchObject({ allowanceThisMonthFen: 30_000 });
    const again = await app.request(`/v1/admin/allowance-runs/${late.json.runId}`, { headers: adminAuth });
    expect(await body(again)).toMatchObject({ runId: late.json.runId, status: 'done', paidCount: 3 });
  });
});
