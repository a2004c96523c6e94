import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { adminAuth, citizenWithCard, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey, type TestKey } from '../support/jose-kit';

const { app } = useTestBackend();

const bills = async (auth: Record<string, string>, billerId: string, accountNo: string) =>
  (await body(await app.request(`/v1/me/bills?billerId=${billerId}&accountNo=${accountNo}`, { headers: auth }))).items;
const pay = (auth: Record<string, string>, billId: string, amountFen: number, key = randomUUID()) =>
  app.request('/v1/me/bill-payments', jsonRequest('POST', { billId, amountFen }, { ...auth, 'idempotency-key': key }));
const balance = async (auth: Record<string, string>) =>
  (await body(await app.request('/v1/me/card', { headers: auth }))).balanceFen;

async function biller(billerId: string) {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest(
      'POST',
      { kind: 'biller', name: billerId, publicKeyJwk: key.publicJwk, scope: { billerId } },
      adminAuth,
    ),
  );
  return { clientId: (await body(res)).clientId as string, key };
}
const asBiller = async (b: { clientId: string; key: TestKey }) => ({
  authorization: `Bearer ${await assertionFor(b.clientId, b.key)}`,
});

describe('the seed city’s bills', () => {
  it('water W-0001: 4560 fen, paid whole only, once', async () => {
    const { auth } = await citizenWithCard(app, { balanceFen: 10_000 });
    const [bill] = await bills(auth, 'water', 'W-0001');
    expect(bill).toMatchObject({
      billerId: 'water',
      accountNo: 'W-0001',
      amountDueFen: 4560,
      allowPartial: false,
      status: 'open',
    });
    const partial = await pay(auth, bill.billId, 1000);
    expect(partial.status).toBe(422);
    expect((await body(partial)).error.code).toBe('PARTIAL_NOT_ALLOWED');
    const key = randomUUID();
    const paid = await pay(auth, bill.billId, 4560, key);
    expect(paid.status).toBe(201);
    const receipt = await body(paid);
    expect(receipt).toMatchObject({
      billId: bill.billId,
      amountFen: 4560,
      status: 'completed',
      receiptNo: expect.stringMatching(/^R\d{18}$/),
    });
    const retry = await pay(auth, bill.billId, 4560, key);
    expect(await retry.text()).toBe(JSON.stringify(receipt));
    const again = await pay(auth, bill.billId, 4560);
    expect(again.status).toBe(409);
    expect((await body(again)).error.code).toBe('ALREADY_PAID');
    expect(await balance(auth)).toBe(10_000 - 4560);
    expect(await bills(auth, 'water', 'W-0001')).toEqual([]);
    const statement = await body(await app.request('/v1/me/statement', { headers: auth }));
    expect(statement.items[0]).toMatchObject({ kind: 'bill', amountFen: -4560, ref: bill.billId });
  });

  it('power E-0001: 12800 fen, paid in parts, never more than is due', async () => {
    const { auth } = await citizenWithCard(app, { balanceFen: 20_000 });
    const [bill] = await bills(auth, 'power', 'E-0001');
    expect(bill).toMatchObject({ amountDueFen: 12800, allowPartial: true });
    expect((await pay(auth, bill.billId, 5000)).status).toBe(201);
    const [open] = await bills(auth, 'power', 'E-0001');
    expect(open).toMatchObject({ status: 'open', amountDueFen: 7800 });
    const overKey = randomUUID();
    const over = await (await pay(auth, bill.billId, 7801, overKey)).text();
    expect(JSON.parse(over).error).toMatchObject({ code: 'AMOUNT_EXCEEDS_DUE', details: { amountDueFen: 7800 } });
    expect((await pay(auth, bill.billId, 7800)).status).toBe(201);
    expect((await body(await pay(auth, bill.billId, 1))).error.code).toBe('ALREADY_PAID');
    // The refused request's key keeps its first answer, though the bill is paid by now.
    const retried = await pay(auth, bill.billId, 7801, overKey);
    expect(retried.status).toBe(422);
    expect(await retried.text()).toBe(over);
  });

  it('gas G-0001: needs the whole amount in the balance (no negative limit), and two payers race for it', async () => {
    const poor = await citizenWithCard(app, { balanceFen: 3299 });
    const [bill] = await bills(poor.auth, 'gas', 'G-0001');
    const refused = await pay(poor.auth, bill.billId, 3300);
    expect((await body(refused)).error.code).toBe('INSUFFICIENT_FUNDS');
    const a = await citizenWithCard(app, { balanceFen: 5000 });
    const b = await citizenWithCard(app, { balanceFen: 5000 });
    const [ra, rb] = await Promise.all([pay(a.auth, bill.billId, 3300), pay(b.auth, bill.billId, 3300)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    expect((await balance(a.auth)) + (await balance(b.auth))).toBe(10_000 - 3300);
  });
});

describe('billers', () => {
  it('upload bills by their own reference, and read the payments made to them', async () => {
    const water = await biller('water');
    const bill = {
      externalRef: 'W-2026-11-0002',
      accountNo: 'W-0002',
      period: '2026-11',
      amountDueFen: 3000,
      dueDate: '2027-01-31',
      allowPartial: true,
    };
    const put = async (bills: object[]) =>
      app.request('/v1/biller/bills', jsonRequest('PUT', { bills }, await asBiller(water)));
    const first = await body(await put([bill]));
    expect(first.results[0]).toMatchObject({ externalRef: 'W-2026-11-0002', outcome: 'created' });
    expect((await body(await put([bill]))).results[0].outcome).toBe('unchanged');
    expect((await body(await put([{ ...bill, amountDueFen: 3100 }]))).results[0].outcome).toBe('updated');

    const { auth } = await citizenWithCard(app, { balanceFen: 5000 });
    const before = new Date().toISOString();
    expect((await pay(auth, first.results[0].billId, 1000)).status).toBe(201);
    expect((await body(await put([{ ...bill, amountDueFen: 9999 }]))).results[0].outcome).toBe('locked');
    const [open] = await bills(auth, 'water', 'W-0002');
    expect(open.amountDueFen).toBe(2100);

    const feed = await body(
      await app.request(`/v1/biller/payments?since=${encodeURIComponent(before)}`, { headers: await asBiller(water) }),
    );
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      externalRef: 'W-2026-11-0002',
      accountNo: 'W-0002',
      amountFen: 1000,
      status: 'completed',
    });
    const all = await body(await app.request('/v1/biller/payments?limit=1', { headers: await asBiller(water) }));
    expect(all.items).toHaveLength(1);
    const next = await body(
      await app.request(`/v1/biller/payments?limit=1&cursor=${all.nextCursor}`, { headers: await asBiller(water) }),
    );
    expect(next.items[0]?.paymentId).not.toBe(all.items[0].paymentId);
  });

  it('keeps each biller to its own bills and payments', async () => {
    const gas = await biller('gas');
    const feed = await body(await app.request('/v1/biller/payments', { headers: await asBiller(gas) }));
    expect(feed.items.every((p: { externalRef: string }) => p.externalRef.startsWith('G-'))).toBe(true);
    const terminalKey = await newKey();
    const bus = await body(
      await app.request(
        '/v1/admin/clients',
        jsonRequest(
          'POST',
          { kind: 'transit-terminal', name: 'bus', publicKeyJwk: terminalKey.publicJwk, scope: { routeIds: ['B1'] } },
          adminAuth,
        ),
      ),
    );
    const forbidden = await app.request('/v1/biller/payments', {
      headers: await asBiller({ clientId: bus.clientId, key: terminalKey }),
    });
    expect(forbidden.status).toBe(403);
  });

  it('leave the ledger balanced', async () => {
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report).toMatchObject({ balanced: true, sumFen: 0, mismatches: [] });
    expect(report.byKind['biller-payable']).toBe(4560 + 12800 + 3300 + 1000);
  });
});
