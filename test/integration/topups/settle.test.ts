import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../../shared/ledger/accounts';
import { reconcile } from '../../../shared/ledger/reconcile';
import { postTransfer } from '../../../shared/ledger/transfers';
import { createTopup, settleTopup } from '../../../shared/topups/topups';
import { freshStore, walletWith } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const MAX = 500_000;

describe('settling a top-up', () => {
  it('never credits past the limit: when other credits arrived meanwhile, the top-up ends refunded', async () => {
    const wallet = await walletWith(store, 0);
    const now = new Date();
    await createTopup(store, { topupId: 'top-a', cardId: wallet, amountFen: 400_000, maxBalanceFen: MAX, now });
    // A credit that is not a top-up (an operator's adjustment) lands before the provider answers.
    await postTransfer(store, {
      transferId: 'adj-1',
      kind: 'adjustment',
      at: now.toISOString(),
      description: 'goodwill',
      ref: 'case-1',
      postings: [
        { accountId: SYSTEM.adjustments, amountFen: -200_000 },
        { accountId: wallet, amountFen: 200_000 },
      ],
    });
    const settled = await settleTopup(
      store,
      { topupId: 'top-a', status: 'succeeded', amountFen: 400_000, providerRef: 'p' },
      MAX,
      now,
    );
    expect(settled.status).toBe('refunded');
    const again = await settleTopup(
      store,
      { topupId: 'top-a', status: 'succeeded', amountFen: 400_000, providerRef: 'p' },
      MAX,
      now,
    );
    expect(again.status).toBe('refunded');
    const report = await reconcile(store, now);
    expect(report.balanced).toBe(true);
    expect(report.mismatches).toEqual([]);
  });
});
