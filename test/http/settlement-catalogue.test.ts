import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogKey } from '../../shared/store/keys';
import { businessDate } from '../../shared/time/shanghai';
import { useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { rider } from '../support/rider';

const { app, backend } = useTestBackend();
const { buy } = till(app);
let tea: Pos;

/** More merchants than any bound a list of the catalogue ever had, all sorting before `m-tea`. */
const IDLE_MERCHANTS = 10_002;

beforeAll(async () => {
  const { store } = backend().deps;
  const items = Array.from({ length: IDLE_MERCHANTS }, (_, i) => {
    const merchantId = `a-idle-${String(i).padStart(5, '0')}`;
    return { ...catalogKey('merchant', merchantId), merchantId, name: `Idle shop ${i}`, feeBasisPoints: 50 };
  });
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof requests;
    }
  }
  tea = await registerPos(app, 'm-tea');
}, 120_000);

describe('a city of many merchants', () => {
  it('settles and reports the merchant that sold, however many merchants the catalogue holds', async () => {
    // Act: a day of purchases at the teahouse (the campaign's 10% off on the first).
    const r = await rider(app, { balanceFen: 200_000 });
    for (const amountFen of [50_000, 49_400, 5_000]) {
      expect((await buy(tea, await purchaseBody(r, tea, amountFen))).json.status).toBe('accepted');
    }
    await new Promise((done) => setTimeout(done, 2));
    const run = await body(
      await app.request(
        '/v1/admin/settlement-runs',
        jsonRequest('POST', { cutoff: new Date().toISOString() }, { ...adminAuth, 'idempotency-key': randomUUID() }),
      ),
    );
    // Assess: the teahouse is paid for all it sold, and the day's report counts it.
    expect(run.lines.find((l: { payeeId: string }) => l.payeeId === 'm-tea')).toMatchObject({ salesFen: 104_400 });
    const report = await body(
      await app.request(`/v1/admin/reports/daily?businessDate=${businessDate(new Date())}`, { headers: adminAuth }),
    );
    expect(report.spendingFen.purchases).toBe(104_400);
    expect(report.alarm).toBe(false);
  });
});
