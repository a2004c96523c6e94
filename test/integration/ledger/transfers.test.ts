import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRefund, postTransfer } from '../../../shared/ledger/transfers';
import { readWallet } from '../../../shared/ledger/wallet-head';
import { auditOf } from '../../support/audit';
import { fareSpec, freshStore, walletWith } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const fare = fareSpec;

async function balanceOf(walletId: string) {
  return (await readWallet(store, walletId))?.balanceFen;
}

describe('the ledger on DynamoDB Local', () => {
  it('lets exactly floor(b/a) of 50 concurrent debits through, never below the floor', async () => {
    const b = 1000;
    const a = 70;
    const wallet = await walletWith(store, b);
    // Each debit retries 503 RETRY_LATER as a client may (the contract allows it), so a slow machine
    // cannot turn contention into a wrong count.
    const debit = async () => {
      const spec = fare(wallet, a);
      for (let attempt = 0; ; attempt++) {
        try {
          return await postTransfer(store, spec);
        } catch (err) {
          if ((err as { code?: string }).code !== 'RETRY_LATER' || attempt >= 5) throw err;
        }
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, debit));
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason.code);
    expect(ok).toHaveLength(Math.floor(b / a));
    expect(new Set(refused)).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(await balanceOf(wallet)).toBe(b - Math.floor(b / a) * a);
    const seen = ok.map(
      (o) => (o as PromiseFulfilledResult<{ walletBalances: Record<string, number> }>).value.walletBalances[wallet],
    );
    expect(Math.min(...(seen as number[]))).toBeGreaterThanOrEqual(0);
  });

  it('moves money once when the same transfer is sent 10 times at once', async () => {
    const wallet = await walletWith(store, 1000);
    const spec = fare(wallet, 300);
    const results = await Promise.all(Array.from({ length: 10 }, () => postTransfer(store, spec)));
    expect(new Set(results.map((r) => r.walletBalances[wallet]))).toEqual(new Set([700]));
    expect(await balanceOf(wallet)).toBe(700);
    const entries = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `ACCT#${wallet}`, ':e': 'E#' },
      }),
    );
    // Newest first.
    expect(entries.Items?.map((e) => e.amountFen)).toEqual([-300, 1000]);
  });

  it('refuses the same transfer id with other content', async () => {
    const wallet = await walletWith(store, 1000);
    const spec = fare(wallet, 100);
    await postTransfer(store, spec);
    await expect(postTransfer(store, { ...spec, postings: fare(wallet, 200).postings })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await balanceOf(wallet)).toBe(900);
  });

  it('lets the transit floor reach the negative limit only when the movement allows it', async () => {
    const wallet = await walletWith(store, 100);
    await expect(postTransfer(store, fare(wallet, 200))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await postTransfer(store, fare(wallet, 200), { floors: { [wallet]: -500 } });
    expect(await balanceOf(wallet)).toBe(-100);
    await expect(postTransfer(store, fare(wallet, 500), { floors: { [wallet]: -500 } })).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
  });

  it('refunds by new transfers that never add up to more than the original', async () => {
    const wallet = await walletWith(store, 1000);
    const original = fare(wallet, 400);
    await postTransfer(store, original);
    const refund = (amountFen: number) => ({
      ...fare(wallet, -amountFen),
      kind: 'refund' as const,
      reverses: original.transferId,
    });
    const attempts = await Promise.allSettled([refund(150), refund(150), refund(150)].map((r) => postRefund(store, r)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(2);
    expect((attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult).reason.code).toBe(
      'REFUND_EXCEEDS_CHARGE',
    );
    await postRefund(store, refund(100));
    await expect(postRefund(store, refund(1))).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_CHARGE' });
    expect(await balanceOf(wallet)).toBe(1000);
  });

  it('reconciles: everything above sums to zero and replays', async () => {
    const report = await auditOf(store, new Date());
    expect(report.mismatches).toEqual([]);
    expect(report.sumFen).toBe(0);
    expect(report.balanced).toBe(true);
  });
});
